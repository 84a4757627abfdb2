#!/usr/bin/env bash
# Build the documentation as CI does: warnings are errors, every example runs.
# Usage: docs/build.sh [extra sphinx-build options]   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf docs/_build docs/generated docs/auto_examples docs/_generated docs/sg_execution_times.rst
export MPLBACKEND=Agg
time sphinx-build -W --keep-going -b html "$@" docs docs/_build/html

# Mathematics must render offline: MathJax comes from _static, never a CDN.
html=docs/_build/html
if ! grep -q 'src="_static/mathjax/tex-chtml.js"' "$html/user_guide.html" \
    || grep -rqi 'cdn.jsdelivr.net/npm/mathjax' "$html"/*.html \
    || [ ! -d "$html/_static/mathjax/output/chtml/fonts/woff-v2" ]; then
    echo "docs/build.sh: MathJax is not served from _static/mathjax" >&2
    exit 1
fi
