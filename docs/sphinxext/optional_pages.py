"""Pages written by others that may not exist yet: list them only if present.

A toctree line ``optional-page: name`` in any document is replaced by
``name`` when ``docs/name.rst`` exists and dropped otherwise, so the build
stays free of warnings either way.
"""

from pathlib import Path

MARK = "optional-page:"


def _filter(app, docname, source):
    srcdir = Path(app.srcdir)
    lines = []
    for line in source[0].splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith(MARK):
            page = stripped[len(MARK) :].strip()
            if not (srcdir / f"{page}.rst").exists():
                continue
            line = line.replace(f"{MARK} ", "").replace(MARK, "")
        lines.append(line)
    source[0] = "".join(lines)


def setup(app):
    app.connect("source-read", _filter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
