"""Sphinx configuration of the skmomentum documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html`` (see
``docs/build.sh``); every example of ``examples/`` is executed.
"""

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "sphinxext"))
sys.path.insert(0, str(HERE.parent))

import skmomentum  # noqa: E402

project = "skmomentum"
author = "The skmomentum developers"
copyright = "2026, The skmomentum developers"
version = release = skmomentum.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax 3 shipped in a PyPI package and copied into _static/mathjax:
    # formulas render without network access (no CDN).
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "md_fragments",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "**.ipynb_checkpoints",
    "_generated",
    # Source fragments written in Markdown; their content is in the .rst pages.
    "*.md",
]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"

# -- autodoc / autosummary / numpydoc -----------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# The file sphinx-mathjax-offline copies into _static (set here too, so the
# page never falls back to the CDN default whatever the extension order).
mathjax_path = "mathjax/tex-chtml.js"

# -- sphinx-gallery ------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "gallery_order.TutorialOrder",
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("skmomentum",),
    "reference_url": {"skmomentum": None},
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
    "show_memory": False,
    "download_all_examples": False,
    "min_reported_time": 1,
}
# Examples honour SKMOMENTUM_EXAMPLE_ROWS etc. only when set by the user.
os.environ.setdefault("MPLBACKEND", "Agg")

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skmomentum {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"install": [], "user_guide": []}
html_show_sourcelink = False
