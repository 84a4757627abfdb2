"""skmomentum: a scikit-learn MLP classifier with pluggable solver objects."""

from ._classifier import MLPMomentumClassifier
from ._ewma import ewma
from ._gradcheck import check_gradients
from ._minimize import minimize
from .exceptions import DivergenceError

__all__ = [
    "DivergenceError",
    "MLPMomentumClassifier",
    "check_gradients",
    "ewma",
    "minimize",
]
__version__ = "0.1.0"
