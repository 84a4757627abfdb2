"""The README's and the docs' quick-start code runs, and runs without a warning.

A user's first minutes are these snippets: each page's Python blocks are
run in order in one namespace (later blocks use names from earlier ones),
with every warning -- ConvergenceWarning included -- turned into an error.
"""

import re
import warnings
from pathlib import Path

import pytest
import sklearn

ROOT = Path(__file__).resolve().parents[1]

# README sections whose ```python blocks are runnable as they stand.
README_SECTIONS = ("Quick start", "Training control")
# Docs pages whose ``.. code-block:: python`` blocks make one runnable script.
DOCS_PAGES = ("index.rst", "install.rst", "migration.rst")


def readme_blocks(sections=README_SECTIONS):
    """The ```python blocks of the README's ``## <section>`` parts."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = []
    for part in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        title = part.splitlines()[0].strip()
        if title in sections:
            blocks += re.findall(r"^```python\n(.*?)^```", part, re.S | re.M)
    return blocks


def rst_blocks(page):
    """The ``.. code-block:: python`` bodies of a docs page, dedented."""
    lines = (ROOT / "docs" / page).read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].strip() == ".. code-block:: python":
            i += 1
            body = []
            while i < len(lines) and (not lines[i].strip() or lines[i][:1] == " "):
                body.append(lines[i])
                i += 1
            code = "\n".join(body).strip("\n")
            indent = min(
                len(line) - len(line.lstrip()) for line in body if line.strip()
            )
            blocks.append("\n".join(line[indent:] for line in code.splitlines()))
        else:
            i += 1
    return blocks


def run_without_warnings(blocks, name):
    namespace = {"__name__": f"snippets_of_{name}"}
    # config_context() restores scikit-learn's global configuration after
    # snippets that change it (metadata routing).
    with warnings.catch_warnings(), sklearn.config_context():
        warnings.simplefilter("error")
        for k, code in enumerate(blocks, 1):
            exec(compile(code, f"<{name} block {k}>", "exec"), namespace)


def test_the_extraction_finds_every_block():
    assert len(readme_blocks()) == len(README_SECTIONS)
    for page in DOCS_PAGES:
        assert rst_blocks(page), page


def test_readme_quick_start_and_training_control_run_without_warnings(capsys):
    run_without_warnings(readme_blocks(), "README.md")
    out = capsys.readouterr().out
    assert "val_loss" in out  # the history table was printed


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_docs_quick_start_blocks_run_without_warnings(page):
    run_without_warnings(rst_blocks(page), page)
