"""Output layer: predictions, loss and the gradient with respect to logits.

Each loss function takes the output logits ``Z`` (may be overwritten), the
targets ``Y`` and per-sample weights ``w`` that sum to one -- an array of
shape ``(n,)``, or one float for equal weights (``1 / n`` without sample
weights) -- and returns ``(loss, delta)``: the weighted loss as a float and
``dL/dZ``. ``P`` (the output activation's values), ``delta`` and ``rows``
(an ``(n, 1)`` scratch column) are optional buffers: the numpy training
loop passes them so that a step allocates nothing; pass None to allocate.
``ops`` (:mod:`skmomentum._array_api`) selects the array namespace.

- ``log_loss`` (``logistic`` or ``softmax`` output): cross-entropy computed
  from the logits (log-sum-exp for softmax, ``log(1 + exp(z))`` for the
  sigmoid), so it never takes the log of a rounded-off zero.
- ``squared_error``: the tutorial's mean squared error on the output
  probabilities, ``0.5 * mean over outputs of (y - p)**2`` averaged over
  samples (scikit-learn's half squared error). With the ``"identity"`` output
  (regression) it is summed over targets instead: that is the function whose
  gradient, ``p - y``, ``MLPRegressor`` follows.
- ``poisson``: half the Poisson deviance with the ``"exp"`` output,
  ``sum over targets of y log(y / p) - y + p`` (``MLPRegressor``'s); its
  gradient with respect to the logits is ``p - y``.

Every function leaves the output activation of ``Z`` (probabilities or
regression predictions) in ``P`` when ``P`` is given.
"""

import numpy as np

from ._array_api import NUMPY_OPS, ops_for


def _column(w):
    """``w`` shaped to scale the rows of an ``(n, k)`` array."""
    return w if isinstance(w, float) else w[:, None]


def _rows_buffer(Z, rows, ops):
    if rows is None and ops.is_numpy:
        return np.empty((Z.shape[0], 1), dtype=Z.dtype)
    return rows


def _weighted_total(w, values, rows, ops):
    """``sum_i w_i * sum_j values[i, j]`` (``values`` may be overwritten)."""
    if isinstance(w, float):
        return w * float(ops.sum(values, axis=None))
    out = None if rows is None else rows[:, 0]
    return float(w @ ops.sum(values, axis=1, out=out))


def _probabilities(Z, out_activation, P, rows, ops):
    """``(P, Z, log_row_sums)``: the output activation of ``Z`` into ``P``.

    For softmax, ``Z`` is shifted by its row maximum (in place with numpy)
    and the log of the row sums of ``exp(Z)`` comes back in ``rows`` (an
    ``(n, 1)`` buffer from ``_rows_buffer``, which every caller makes); the
    last item is None for the other activations. The identity copies ``Z``
    into ``P`` when ``P`` is given, else returns ``Z`` itself.
    """
    if out_activation == "logistic":
        return ops.expit(Z, out=P), Z, None
    if out_activation == "identity":
        if P is None:
            return Z, Z, None
        P[...] = Z
        return P, Z, None
    if out_activation == "exp":
        return ops.exp(Z, out=P), Z, None
    rows = ops.max(Z, axis=1, keepdims=True, out=rows)
    Z = ops.subtract(Z, rows, out=Z)
    P = ops.exp(Z, out=P)
    rows = ops.row_sums(P, out=rows)
    P = ops.divide(P, rows, out=P)
    return P, Z, ops.log(rows, out=rows)


def log_loss(Z, Y, w, out_activation, P=None, delta=None, rows=None, ops=NUMPY_OPS):
    if rows is None:  # (the training loop passes its buffer)
        rows = _rows_buffer(Z, rows, ops)
    if out_activation == "logistic":
        # sum_i w_i sum_j (log(1 + exp(z_ij)) - y_ij z_ij); delta as scratch.
        delta = ops.softplus(Z, out=delta)
        if not isinstance(w, float):
            P = ops.multiply(Y, Z, out=P)
            delta = ops.subtract(delta, P, out=delta)
            loss = _weighted_total(w, delta, rows, ops)
        else:
            loss = w * (float(ops.sum(delta, axis=None)) - float(ops.vdot(Y, Z)))
        P = ops.expit(Z, out=P)
    else:
        # sum_i w_i (log sum_j exp(z_ij) - sum_j y_ij z_ij), Z shifted.
        P, Z, log_total = _probabilities(Z, out_activation, P, rows, ops)
        if not isinstance(w, float):
            delta = ops.multiply(Y, Z, out=delta)
            # (the first term is read before _weighted_total reuses ``rows``)
            loss = float(w @ log_total[:, 0]) - _weighted_total(w, delta, rows, ops)
        else:
            total = float(ops.sum(log_total, axis=None))
            loss = w * (total - float(ops.vdot(Y, Z)))
    delta = ops.subtract(P, Y, out=delta)
    return loss, ops.multiply(delta, _column(w), out=delta)


def squared_error(
    Z, Y, w, out_activation, P=None, delta=None, rows=None, ops=NUMPY_OPS
):
    rows = _rows_buffer(Z, rows, ops)
    P, Z, _ = _probabilities(Z, out_activation, P, rows, ops)
    # Regression sums over targets (MLPRegressor steps along p - y per target).
    n_outputs = 1 if out_activation == "identity" else P.shape[1]
    delta = ops.subtract(P, Y, out=delta)
    # Z is no longer needed (outside numpy it may be P: squares is then new).
    squares = ops.square(delta, out=Z)
    loss = 0.5 * _weighted_total(w, squares, rows, ops) / n_outputs
    delta = ops.multiply(delta, _column(w) / n_outputs, out=delta)  # dL/dP
    if out_activation == "logistic":
        slope = ops.subtract(1, P, out=Z)
        slope = ops.multiply(slope, P, out=slope)
        delta = ops.multiply(delta, slope, out=delta)
    elif out_activation == "softmax":
        # The softmax Jacobian: dL/dz = p * (dL/dp - <dL/dp, p>).
        products = ops.multiply(delta, P, out=Z)
        inner = ops.sum(products, axis=1, keepdims=True, out=rows)
        delta = ops.subtract(delta, inner, out=delta)
        delta = ops.multiply(delta, P, out=delta)
    return loss, delta


def poisson(Z, Y, w, out_activation, P=None, delta=None, rows=None, ops=NUMPY_OPS):
    rows = _rows_buffer(Z, rows, ops)
    P = ops.exp(Z, out=P)  # the "exp" output
    # y log(y / p) - y + p = y log y - y + p - y z (0 log 0 = 0); delta as scratch.
    terms = ops.xlogy(Y, Y, out=delta)
    terms = ops.subtract(terms, Y, out=terms)
    terms = ops.add(terms, P, out=terms)
    products = ops.multiply(Y, Z, out=Z)  # Z is no longer needed
    terms = ops.subtract(terms, products, out=terms)
    loss = _weighted_total(w, terms, rows, ops)
    delta = ops.subtract(P, Y, out=terms)  # d/dz (p - y z) = p - y
    return loss, ops.multiply(delta, _column(w), out=delta)


LOSS_FUNCTIONS = {
    "log_loss": log_loss,
    "squared_error": squared_error,
    "poisson": poisson,
}

# The output activations each loss is defined for. A classifier uses
# ``logistic``/``softmax``; a regressor ``identity`` (squared_error) or
# ``exp`` (poisson), as scikit-learn's MLPRegressor does.
OUT_ACTIVATIONS = {
    "log_loss": ("logistic", "softmax"),
    "squared_error": ("identity", "logistic", "softmax"),
    "poisson": ("exp",),
}
CLASSIFIER_LOSSES = ("log_loss", "squared_error")
REGRESSOR_OUT_ACTIVATION = {"squared_error": "identity", "poisson": "exp"}


def check_out_activation(loss, out_activation):
    """Raise a ValueError unless ``loss`` is defined for ``out_activation``."""
    allowed = OUT_ACTIVATIONS[loss]
    if out_activation not in allowed:
        raise ValueError(
            f"loss={loss!r} needs an output activation among {allowed}, "
            f"got {out_activation!r}."
        )


def output_probabilities(Z, out_activation):
    """The output layer's values from logits ``Z`` (may be overwritten).

    Probabilities for ``logistic``/``softmax``; the regression prediction
    for ``identity`` (``Z`` itself) and ``exp``. Any array namespace.
    """
    ops = ops_for(Z)
    P = np.empty_like(Z) if ops.is_numpy else None
    rows = _rows_buffer(Z, None, ops)
    return _probabilities(Z, out_activation, P, rows, ops)[0]
