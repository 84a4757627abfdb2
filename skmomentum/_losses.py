"""Output layer: probabilities, loss and the gradient with respect to logits.

Each function takes the output logits ``Z`` (overwritten), the targets ``Y``
and per-sample weights ``w`` that sum to one -- an array of shape ``(n,)``,
or one float for equal weights (``1 / n`` without sample weights) -- writes
the probabilities into ``P`` and ``dL/dZ`` into ``delta``, and returns the
weighted loss. ``rows`` is an optional ``(n, 1)`` scratch buffer of ``Z``'s
dtype; the training loop passes one so that a step allocates nothing.

- ``log_loss``: cross-entropy computed from the logits (log-sum-exp for
  softmax, ``log(1 + exp(z))`` for the sigmoid), so it never takes the log of
  a rounded-off zero.
- ``squared_error``: the tutorial's mean squared error on the output
  probabilities, ``0.5 * mean over outputs of (y - p)**2`` averaged over
  samples (scikit-learn's half squared error). With the ``"identity"`` output
  (regression) it is summed over targets instead: that is the function whose
  gradient, ``p - y``, ``MLPRegressor`` follows.
- ``poisson``: half the Poisson deviance with the ``"exp"`` output,
  ``sum over targets of y log(y / p) - y + p`` (``MLPRegressor``'s); its
  gradient with respect to the logits is ``p - y``.
"""

import functools

import numpy as np
from scipy.special import expit, xlogy

# The reductions as ufunc methods: np.sum / np.max add a Python wrapper per call.
_sum = np.add.reduce
_max = np.maximum.reduce


@functools.cache
def _ones(k, dtype):
    ones = np.ones((k, 1), dtype=dtype)
    ones.flags.writeable = False
    return ones


def _column(w):
    """``w`` shaped to scale the rows of an ``(n, k)`` array."""
    return w[:, None] if isinstance(w, np.ndarray) else w


def _weighted_total(w, values, rows):
    """``sum_i w_i * sum_j values[i, j]`` (``values`` may be overwritten)."""
    if not isinstance(w, np.ndarray):
        return w * float(_sum(values, axis=None))
    return float(w @ _sum(values, axis=1, out=rows[:, 0]))


def _probabilities(Z, out_activation, P, rows=None):
    """Output activation of ``Z`` into ``P`` (regression outputs included).

    For softmax, ``Z`` is shifted by its row maximum and ``rows`` receives
    the log of the row sums of ``exp(Z)``; returns ``rows`` (None for the
    other outputs).
    """
    if out_activation == "logistic":
        expit(Z, out=P)
        return None
    if out_activation == "identity":
        np.copyto(P, Z)
        return None
    if out_activation == "exp":
        np.exp(Z, out=P)
        return None
    if rows is None:
        rows = np.empty((Z.shape[0], 1), dtype=P.dtype)
    _max(Z, axis=1, keepdims=True, out=rows)
    np.subtract(Z, rows, out=Z)
    np.exp(Z, out=P)
    # Row sums as a matrix-vector product; np.dot wants one dtype throughout.
    (np.dot if rows.dtype == P.dtype else np.matmul)(
        P, _ones(P.shape[1], P.dtype), out=rows
    )
    np.divide(P, rows, out=P)
    return np.log(rows, out=rows)


def log_loss(Z, Y, w, out_activation, P, delta, rows=None):
    if rows is None:
        rows = np.empty((Z.shape[0], 1), dtype=Z.dtype)
    if out_activation == "logistic":
        # sum_i w_i sum_j (log(1 + exp(z_ij)) - y_ij z_ij); delta as scratch.
        np.logaddexp(0, Z, out=delta)
        if isinstance(w, np.ndarray):
            np.multiply(Y, Z, out=P)
            delta -= P
            loss = _weighted_total(w, delta, rows)
        else:
            loss = w * (float(_sum(delta, axis=None)) - float(np.vdot(Y, Z)))
        expit(Z, out=P)
    else:
        # sum_i w_i (log sum_j exp(z_ij) - sum_j y_ij z_ij), Z shifted.
        log_total = _probabilities(Z, out_activation, P, rows)
        if isinstance(w, np.ndarray):
            np.multiply(Y, Z, out=delta)
            loss = float(w @ log_total[:, 0]) - _weighted_total(w, delta, rows)
        else:
            loss = w * (float(_sum(log_total, axis=None)) - float(np.vdot(Y, Z)))
    np.subtract(P, Y, out=delta)
    np.multiply(delta, _column(w), out=delta)
    return loss


def squared_error(Z, Y, w, out_activation, P, delta, rows=None):
    if rows is None:
        rows = np.empty((Z.shape[0], 1), dtype=Z.dtype)
    _probabilities(Z, out_activation, P, rows)
    # Regression sums over targets (MLPRegressor steps along p - y per target).
    n_outputs = 1 if out_activation == "identity" else P.shape[1]
    np.subtract(P, Y, out=delta)
    np.square(delta, out=Z)  # Z is no longer needed
    loss = 0.5 * _weighted_total(w, Z, rows) / n_outputs
    delta *= _column(w) / n_outputs  # dL/dP
    if out_activation == "identity":
        return loss
    if out_activation == "logistic":
        np.subtract(1, P, out=Z)
        Z *= P
        delta *= Z
    else:  # softmax Jacobian: dL/dz = p * (dL/dp - <dL/dp, p>)
        np.multiply(delta, P, out=Z)
        delta -= _sum(Z, axis=1, keepdims=True, out=rows)
        delta *= P
    return loss


def poisson(Z, Y, w, out_activation, P, delta, rows=None):
    if rows is None:
        rows = np.empty((Z.shape[0], 1), dtype=Z.dtype)
    np.exp(Z, out=P)  # the "exp" output
    # y log(y / p) - y + p = y log y - y + p - y z (0 log 0 = 0); delta as scratch.
    xlogy(Y, Y, out=delta)
    delta -= Y
    delta += P
    np.multiply(Y, Z, out=Z)  # Z is no longer needed
    delta -= Z
    loss = _weighted_total(w, delta, rows)
    np.subtract(P, Y, out=delta)
    np.multiply(delta, _column(w), out=delta)
    return loss


LOSS_FUNCTIONS = {
    "log_loss": log_loss,
    "squared_error": squared_error,
    "poisson": poisson,
}


def output_probabilities(Z, out_activation):
    """Probabilities from logits ``Z`` (overwritten), for prediction."""
    P = np.empty_like(Z)
    _probabilities(Z, out_activation, P)
    return P
