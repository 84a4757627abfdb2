"""pytest configuration for the whole repository.

SciPy reads ``SCIPY_ARRAY_API`` when it is first imported, and scikit-learn
runs its array-API checks (``check_array_api_input``, the array-API part of
``check_estimator``) and allows ``array_api_dispatch=True`` only when it is
set; set it here, before anything imports SciPy.
"""

import importlib.util
import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")

# skmomentum.onnx needs the "onnx" extra; without it its doctests cannot import.
collect_ignore = [] if importlib.util.find_spec("skl2onnx") else ["skmomentum/onnx.py"]
