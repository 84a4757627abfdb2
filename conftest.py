"""pytest configuration for the whole repository.

SciPy reads ``SCIPY_ARRAY_API`` when it is first imported, and scikit-learn
runs its array-API checks (``check_array_api_input``, the array-API part of
``check_estimator``) and allows ``array_api_dispatch=True`` only when it is
set; set it here, before anything imports SciPy.
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
