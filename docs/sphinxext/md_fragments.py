"""Turn the Markdown fragments that benchmarks write into includable rst.

``docs/ravine_table.md`` is written by ``benchmarks/ravine.py``: plain
paragraphs (whose ````literals```` are valid rst already) and one pipe
table. At ``builder-inited`` this extension writes
``docs/_generated/ravine_table.inc`` with the table as a ``list-table``, so
the user guide shows the latest measured numbers without a Markdown parser.
"""

from pathlib import Path

FRAGMENTS = {"ravine_table.md": "ravine_table.inc"}


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def markdown_to_rst(text):
    """Convert paragraphs and pipe tables (the subset the fragments use).

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
            cells = _cells(row)
            out.append(f"   * - {cells[0]}")
            out.extend(f"     - {cell}" for cell in cells[1:])
        out.append("")
        table.clear()

    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        flush_table()
        out.append(line)
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
            rst = f"*(Run ``benchmarks/ravine.py --write`` to produce {name}.)*\n"
        out = target_dir / target
        if not out.exists() or out.read_text(encoding="utf-8") != rst:
            out.write_text(rst, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", _convert)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
