"""Hidden-layer activations and their derivatives, for any array namespace.

Every function takes the ops of :mod:`skmomentum._array_api` (numpy's by
default) and returns its result: with numpy's ops the work happens in place
(in ``Z``, ``delta`` or ``scratch``) and the result *is* that buffer; with
another namespace's ops it is a new array.

``ACTIVATIONS`` serves prediction. ``TRAINING`` pairs a forward and a
backward function for the training path; derivatives are written in terms of
the activation's *output* ``A`` (what the forward pass keeps), multiply the
back-propagated ``delta`` and use ``scratch``, a buffer shaped like ``A``
(None outside numpy), so that numpy allocates nothing.
"""

from ._array_api import NUMPY_OPS


def _identity(Z, ops=NUMPY_OPS):
    return Z


def _logistic(Z, ops=NUMPY_OPS):
    return ops.expit(Z, out=Z)


def _tanh(Z, ops=NUMPY_OPS):
    return ops.tanh(Z, out=Z)


def _relu(Z, ops=NUMPY_OPS):
    return ops.relu(Z, out=Z)


def _identity_derivative(A, delta, scratch, ops=NUMPY_OPS):
    return delta


def _logistic_derivative(A, delta, scratch, ops=NUMPY_OPS):
    scratch = ops.subtract(1, A, out=scratch)
    scratch = ops.multiply(scratch, A, out=scratch)
    return ops.multiply(delta, scratch, out=delta)


def _tanh_derivative(A, delta, scratch, ops=NUMPY_OPS):
    scratch = ops.square(A, out=scratch)
    scratch = ops.subtract(1, scratch, out=scratch)
    return ops.multiply(delta, scratch, out=delta)


ACTIVATIONS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
}

# The training path: ``forward(Z, scratch, ops)`` applies the activation and
# returns ``(A, kept)``, ``kept`` being what ``backward(A, delta, kept, ops)``
# needs (``scratch`` itself with numpy). For ReLU that is the 0/1 step of
# ``Z > 0``: one comparison then two multiplications, several times faster
# than ``np.maximum`` then ``np.sign`` (neither has a SIMD loop here) on
# batch-sized arrays.


def _relu_keep_step(Z, step, ops=NUMPY_OPS):
    step = ops.positive_step(Z, out=step)
    return ops.multiply(Z, step, out=Z), step


def _relu_step_derivative(A, delta, step, ops=NUMPY_OPS):
    return ops.multiply(delta, step, out=delta)


def _forward_only(activation):
    def forward(Z, scratch, ops=NUMPY_OPS):
        return activation(Z, ops), scratch

    return forward


TRAINING = {
    "identity": (_forward_only(_identity), _identity_derivative),
    "logistic": (_forward_only(_logistic), _logistic_derivative),
    "tanh": (_forward_only(_tanh), _tanh_derivative),
    "relu": (_relu_keep_step, _relu_step_derivative),
}
