#!/usr/bin/env bash
# Build the documentation as CI does: warnings are errors, every example runs.
# Usage: docs/build.sh [extra sphinx-build options]   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf docs/_build docs/generated docs/auto_examples docs/_generated docs/sg_execution_times.rst
export MPLBACKEND=Agg
time sphinx-build -W --keep-going -b html "$@" docs docs/_build/html
