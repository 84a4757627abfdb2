"""skmomentum: scikit-learn MLP estimators with pluggable solver objects."""

from ._classifier import MLPMomentumClassifier
from ._ewma import ewma
from ._gradcheck import check_gradients
from ._minimize import minimize
from ._regressor import MLPMomentumRegressor
from .exceptions import DivergenceError

__all__ = [
    "DivergenceError",
    "MLPMomentumClassifier",
    "MLPMomentumRegressor",
    "check_gradients",
    "ewma",
    "minimize",
]
__version__ = "0.1.0"
