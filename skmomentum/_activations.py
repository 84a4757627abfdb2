"""Hidden-layer activations, applied in place, and their derivatives.

Derivatives are written in terms of the activation's *output* ``A`` (what the
forward pass keeps), multiplying the back-propagated ``delta`` in place;
``scratch`` is an optional buffer shaped like ``A`` so that nothing is
allocated on the training path.
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


def _identity_derivative(A, delta, scratch=None):
    return delta


def _logistic_derivative(A, delta, scratch=None):
    if scratch is None:
        scratch = np.empty_like(A)
    np.subtract(1, A, out=scratch)
    scratch *= A
    delta *= scratch
    return delta


def _tanh_derivative(A, delta, scratch=None):
    if scratch is None:
        scratch = np.empty_like(A)
    np.square(A, out=scratch)
    np.subtract(1, scratch, out=scratch)
    delta *= scratch
    return delta


def _relu_derivative(A, delta, scratch=None):
    # A = max(Z, 0) >= 0, so sign(A) is the 0/1 step: two same-dtype ufuncs,
    # no boolean mask, no fancy indexing.
    if scratch is None:
        scratch = np.empty_like(A)
    np.sign(A, out=scratch)
    delta *= scratch
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


# The training path: ``forward(Z, scratch)`` applies the activation in place
# and may leave in ``scratch`` what ``backward(A, delta, scratch)`` needs.
# For ReLU that is the 0/1 step of ``Z > 0``: one comparison then two
# multiplications, several times faster than ``np.maximum`` then ``np.sign``
# (neither has a SIMD loop here) on batch-sized arrays.


def _relu_keep_step(Z, step):
    np.greater(Z, 0, out=step)
    return np.multiply(Z, step, out=Z)


def _relu_step_derivative(A, delta, step):
    return np.multiply(delta, step, out=delta)


def _forward_only(activation):
    def forward(Z, scratch):
        return activation(Z)

    return forward


TRAINING = {
    name: (_forward_only(ACTIVATIONS[name]), DERIVATIVES[name])
    for name in ("identity", "logistic", "tanh")
}
TRAINING["relu"] = (_relu_keep_step, _relu_step_derivative)
