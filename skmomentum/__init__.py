"""skmomentum: a scikit-learn MLP classifier with pluggable solver objects."""

from ._mlp import MLPMomentumClassifier

__all__ = ["MLPMomentumClassifier"]
__version__ = "0.1.0"
