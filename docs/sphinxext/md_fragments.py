"""Turn the Markdown fragments other parts of the project write into rst.

``docs/ravine_table.md`` (written by ``benchmarks/ravine.py``) and
``docs/genetic.md`` (the Genetic solver's page) use a small subset of
Markdown: ``#``/``##`` headings, paragraphs, numbered lists, ```code```,
``**bold**`` and pipe tables. At ``builder-inited`` this extension converts
them into ``docs/_generated/*.inc``, which ``user_guide.rst`` and
``genetic.rst`` include, so the site shows their latest text without a
Markdown parser as a dependency.
"""

import re
from pathlib import Path

FRAGMENTS = {"ravine_table.md": "ravine_table.inc", "genetic.md": "genetic.inc"}
HEADINGS = {"#": "=", "##": "-", "###": "~"}
_CODE = re.compile(r"(?<!`)`([^`]+)`(?!`)")


def _inline(text):
    return _CODE.sub(r"``\1``", text)


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def markdown_to_rst(text):
    """Convert the Markdown subset the fragments use into rst.

    Parameters
    ----------
    text : str
        Markdown text.

    Returns
    -------
    rst : str
        reStructuredText.
    """
    out, table = [], []

    def flush_table():
        if not table:
            return
        rows = [r for r in table if not set(r.replace("|", "").strip()) <= set("-: ")]
        out.append(".. list-table::\n   :header-rows: 1\n")
        for row in rows:
            cells = [_inline(cell) for cell in _cells(row)]
            out.append(f"   * - {cells[0]}")
            out.extend(f"     - {cell}" for cell in cells[1:])
        out.append("")
        table.clear()

    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        flush_table()
        marks, _, title = line.partition(" ")
        if marks in HEADINGS and title:
            title = _inline(title.strip())
            out.extend([title, HEADINGS[marks] * len(title)])
            continue
        out.append(_inline(line))
    flush_table()
    return "\n".join(out) + "\n"


def _convert(app):
    src = Path(app.srcdir)
    target_dir = src / "_generated"
    target_dir.mkdir(exist_ok=True)
    for name, target in FRAGMENTS.items():
        path = src / name
        if path.exists():
            rst = markdown_to_rst(path.read_text(encoding="utf-8"))
        else:
            rst = f"*({name} has not been written yet.)*\n"
        out = target_dir / target
        if not out.exists() or out.read_text(encoding="utf-8") != rst:
            out.write_text(rst, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", _convert)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
