"""Hidden-layer activations, applied in place, and their derivatives.

``ACTIVATIONS`` serves prediction. ``TRAINING`` pairs a forward and a
backward function for the training path; derivatives are written in terms of
the activation's *output* ``A`` (what the forward pass keeps), multiply the
back-propagated ``delta`` in place and use ``scratch``, a buffer shaped like
``A``, so that nothing is allocated.
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


def _identity_derivative(A, delta, scratch):
    return delta


def _logistic_derivative(A, delta, scratch):
    np.subtract(1, A, out=scratch)
    scratch *= A
    delta *= scratch
    return delta


def _tanh_derivative(A, delta, scratch):
    np.square(A, out=scratch)
    np.subtract(1, scratch, out=scratch)
    delta *= scratch
    return delta


ACTIVATIONS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
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
    "identity": (_forward_only(_identity), _identity_derivative),
    "logistic": (_forward_only(_logistic), _logistic_derivative),
    "tanh": (_forward_only(_tanh), _tanh_derivative),
    "relu": (_relu_keep_step, _relu_step_derivative),
}
