"""Collection rules for the doctests of optional modules."""

import importlib.util

# skmomentum.onnx needs the "onnx" extra; without it its doctests cannot import.
collect_ignore = [] if importlib.util.find_spec("skl2onnx") else ["skmomentum/onnx.py"]
