"""Small, safe rewrites of docstrings before numpydoc and docutils see them.

``ndarray of shape (n_features_in_,)`` in a numpydoc type line makes docutils
read ``n_features_in_`` as a hyperlink reference; scikit-learn writes
``(`n_features_in_`,)``. This hook adds the backticks to bare names ending in
``_`` inside ``of shape (...)`` so either spelling builds.
"""

import re

_SHAPE = re.compile(r"of shape \(([^)]*)\)")
_BARE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?![`\w])")


def _quote(match):
    return "of shape (" + _BARE.sub(r"`\1`", match.group(1)) + ")"


def fix_docstring(app, what, name, obj, options, lines):
    """Quote bare attribute names in shape descriptions (autodoc hook)."""
    for i, line in enumerate(lines):
        if "of shape (" in line:
            lines[i] = _SHAPE.sub(_quote, line)


def setup(app):
    # Run before numpydoc's own autodoc-process-docstring handler.
    app.connect("autodoc-process-docstring", fix_docstring, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
