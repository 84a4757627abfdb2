"""Hidden-layer activations, applied in place, and their derivatives.

Derivatives are written in terms of the activation's *output* ``A`` (what the
forward pass keeps), multiplying the back-propagated ``delta`` in place.
"""

import numpy as np
from scipy.special import expit


def _identity(Z):
    return Z


def _logistic(Z):
    return expit(Z, out=Z)


def _tanh(Z):
    return np.tanh(Z, out=Z)


def _relu(Z):
    return np.maximum(Z, 0, out=Z)


def _identity_derivative(A, delta):
    return delta


def _logistic_derivative(A, delta):
    delta *= A
    delta *= 1 - A
    return delta


def _tanh_derivative(A, delta):
    delta *= 1 - A**2
    return delta


def _relu_derivative(A, delta):
    delta[A <= 0] = 0
    return delta


ACTIVATIONS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
}

DERIVATIVES = {
    "identity": _identity_derivative,
    "logistic": _logistic_derivative,
    "tanh": _tanh_derivative,
    "relu": _relu_derivative,
}
