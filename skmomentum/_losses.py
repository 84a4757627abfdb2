"""Output layer: probabilities, loss and the gradient with respect to logits.

Each function takes the output logits ``Z`` (overwritten), the targets ``Y``
and per-sample weights ``w`` that sum to one (``1 / n`` without sample
weights), writes the probabilities into ``P`` and ``dL/dZ`` into ``delta``,
and returns the weighted loss.

- ``log_loss``: cross-entropy computed from the logits (log-sum-exp for
  softmax, ``log(1 + exp(z))`` for the sigmoid), so it never takes the log of
  a rounded-off zero.
- ``squared_error``: the tutorial's mean squared error on the output
  probabilities, ``0.5 * mean over outputs of (y - p)**2`` averaged over
  samples (scikit-learn's half squared error).
"""

import numpy as np
from scipy.special import expit


def _probabilities(Z, out_activation, P):
    """Sigmoid or softmax of ``Z`` into ``P``; returns log of the softmax sum."""
    if out_activation == "logistic":
        expit(Z, out=P)
        return None
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=P)
    total = P.sum(axis=1, keepdims=True)
    P /= total
    return np.log(total)


def log_loss(Z, Y, w, out_activation, P, delta):
    log_total = _probabilities(Z, out_activation, P)
    if out_activation == "logistic":
        per_sample = (np.logaddexp(0, Z) - Y * Z).sum(axis=1)
    else:
        per_sample = log_total[:, 0] - (Y * Z).sum(axis=1)
    np.subtract(P, Y, out=delta)
    delta *= w[:, None]
    return float(per_sample @ w)


def squared_error(Z, Y, w, out_activation, P, delta):
    _probabilities(Z, out_activation, P)
    n_outputs = P.shape[1]
    np.subtract(P, Y, out=delta)
    per_sample = 0.5 * (delta**2).sum(axis=1) / n_outputs
    delta *= w[:, None] / n_outputs  # dL/dP
    if out_activation == "logistic":
        delta *= P * (1 - P)
    else:  # softmax Jacobian: dL/dz = p * (dL/dp - <dL/dp, p>)
        delta -= (delta * P).sum(axis=1, keepdims=True)
        delta *= P
    return float(per_sample @ w)


LOSS_FUNCTIONS = {"log_loss": log_loss, "squared_error": squared_error}


def output_probabilities(Z, out_activation):
    """Probabilities from logits ``Z`` (overwritten), for prediction."""
    P = np.empty_like(Z)
    _probabilities(Z, out_activation, P)
    return P
