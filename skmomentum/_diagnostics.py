"""End-of-fit diagnosis: a useless network says so instead of failing silently.

Two symptoms, both seen on unscaled data (raw ``load_breast_cancer``, features
of magnitude ~1e4) with a learning rate that suits scaled data:

- dead ReLU units: the first large steps push every unit's input below zero
  on every row; a dead unit outputs 0 and gets no gradient, so it never
  recovers, and the network ignores its input;
- one class for every row (the classifier's check, a hook of the estimator):
  the output layer has learnt the class prior and nothing else.

The cost is one forward pass over a bounded probe of the training rows, once
at the end of ``fit`` (not per batch, not per ``partial_fit`` block, where
an early block's model is expected to be poor).
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._activations import ACTIVATIONS

#: At most this many training rows are probed (evenly spaced) ...
MAX_PROBE_ROWS = 2_000
#: ... and about this many multiply-adds spent: a wide network probes fewer
#: rows (2,000 rows of a 2M-parameter network cost a third of an epoch of
#: 4,000 rows), though its cap never falls below ``MIN_PROBE_ROWS``.
PROBE_BUDGET = 10**8
MIN_PROBE_ROWS = 256
#: Warn when more than this share of the ReLU hidden units never activates.
DEAD_SHARE = 0.9
_CHUNK_ROWS = 64  # bounds the probe's activations (64 x widest layer)


def probe_rows(n_samples, n_params=0):
    """Evenly spaced rows of ``n_samples`` for the probe (a slice).

    Deterministic on purpose: a random draw would consume the estimator's
    random stream and change the next ``warm_start`` fit. A slice with a
    step makes the probe a view of the training data, never a copy of it.

    Parameters
    ----------
    n_samples : int
        Number of training rows.
    n_params : int, default=0
        Parameters of the network (0: unknown). At most ``MAX_PROBE_ROWS``
        rows are selected, and at most ``max(MIN_PROBE_ROWS, PROBE_BUDGET //
        n_params)``.

    Returns
    -------
    rows : slice
        Every ``ceil(n_samples / max_rows)``-th row.
    """
    max_rows = MAX_PROBE_ROWS
    if n_params:
        max_rows = min(max_rows, max(MIN_PROBE_ROWS, PROBE_BUDGET // n_params))
    return slice(None, None, max(1, -(-n_samples // max_rows)))


def _probe(coefs, intercepts, activation, X):
    """Output logits of ``X`` and, per hidden layer, which units ever fire."""
    hidden = ACTIVATIONS[activation]
    active = [np.zeros(W.shape[1], dtype=bool) for W in coefs[:-1]]
    logits = np.empty((X.shape[0], coefs[-1].shape[1]), dtype=coefs[-1].dtype)
    for start in range(0, X.shape[0], _CHUNK_ROWS):
        A = X[start : start + _CHUNK_ROWS]
        for i, (W, b) in enumerate(zip(coefs, intercepts)):
            Z = np.asarray(A @ W)
            Z += b
            if i < len(coefs) - 1:
                active[i] |= (Z > 0).any(axis=0)
                A = hidden(Z)
        logits[start : start + len(Z)] = Z
    return logits, active


def _feature_scale(X):
    """Largest root mean square among the features of ``X``.

    Not the standard deviation: features of mean 100 and spread 1 are as far
    from the scale ~1 a network trains on as features of spread 100.
    """
    if X.shape[0] == 0 or X.shape[1] == 0:
        return 0.0
    if sp.issparse(X):
        mean_sq = np.asarray(X.multiply(X).mean(axis=0)).ravel()
    else:  # column sums of squares without an (n, d) temporary
        mean_sq = np.einsum("ij,ij->j", X, X) / X.shape[0]
    return float(np.sqrt(mean_sq.max()))


def _advice(X, solver, name, dead):
    """Likely cause and fix; ``dead`` says whether the ReLU units died."""
    scale = _feature_scale(X)
    rule = "the solver" if solver is None else repr(solver)
    causes = []
    if scale > 10:
        causes.append(
            f"unscaled features (the largest feature root mean square is "
            f"{scale:.3g}; a network trains best on features of scale ~1)"
        )
    if dead:
        causes.append(
            f"a learning rate too large for {rule} (large first steps push "
            "every unit's input below zero)"
        )
        rate = "use a smaller learning rate"
    else:
        causes.append(
            f"a learning rate that does not suit {rule} (too large: the loss "
            "jumps around; too small, or too few epochs: the network has not "
            "learnt yet)"
        )
        rate = (
            "use a smaller learning rate if loss_curve_ jumps around, a larger "
            "one or more epochs (max_iter) if it falls slowly"
        )
    fixes = [rate]
    if scale > 10:  # features of scale ~1 gain nothing from a scaler
        scaler = "StandardScaler"
        scaler += "(with_mean=False)" if sp.issparse(X) else "()"
        pipeline = f"make_pipeline({scaler}, {name}(...))"
        fixes.insert(0, f"put a {scaler} step first ({pipeline})")
    if type(solver).__name__ not in ("Adam", "RMSprop"):
        fixes.append("use an adaptive solver such as solver='adam'")
    return f"Likely cause: {' or '.join(causes)}. Fix: {'; or '.join(fixes)}."


def diagnose(
    coefs,
    intercepts,
    activation,
    X,
    *,
    check_outputs=None,
    solver=None,
    name="MLPMomentumClassifier",
):
    """What makes a fitted network useless on ``X``, or None if nothing does.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        The network's weights, as ``coefs_`` and ``intercepts_``.
    activation : str
        Hidden-layer activation; dead units are only counted for ``"relu"``.
    X : {ndarray, sparse matrix} of shape (n_rows, n_features)
        Training rows to probe (see :func:`probe_rows`).
    check_outputs : callable or None, default=None
        ``check_outputs(logits) -> str or None``: the estimator's own check
        of the output layer (the classifier's: one class for every row).
    solver : solver object or None, default=None
        The fitted solver, named in the advice.
    name : str, default="MLPMomentumClassifier"
        The estimator's class name, for the advice.

    Returns
    -------
    message : str or None
        What is wrong, the likely cause and the fix; None for a healthy fit.
    """
    logits, active = _probe(coefs, intercepts, activation, X)
    problems, dead = [], False
    if check_outputs is not None and (problem := check_outputs(logits)):
        problems.append(problem)
    if activation == "relu" and active:
        n_units = sum(a.size for a in active)
        n_dead = n_units - sum(int(a.sum()) for a in active)
        dead_layer = next((i for i, a in enumerate(active) if not a.any()), None)
        dead = n_dead > DEAD_SHARE * n_units or dead_layer is not None
        if dead:
            problem = (
                f"{n_dead} of {n_units} ReLU hidden units ({n_dead / n_units:.0%}) "
                f"are never active on any of the {X.shape[0]} training rows "
                "checked (a dead unit outputs 0 and gets no gradient, so it "
                "never recovers)"
            )
            if dead_layer is not None:
                problem += (
                    f"; hidden layer {dead_layer + 1} is entirely dead, so the "
                    "output does not depend on the input"
                )
            problems.append(problem)
    if not problems:
        return None
    return (
        f"The fitted network is useless as it stands: {'; '.join(problems)}. "
        + _advice(X, solver, name, dead)
    )


def warn_if_useless(estimator, coefs, intercepts, X, y, targets, solver):
    """Emit a ``ConvergenceWarning`` if :func:`diagnose` finds a problem.

    ``estimator._output_problem(logits, y, targets)``, if the estimator has
    it, checks the outputs of the probed rows (``y`` their labels); an
    estimator without it gets the dead-unit check only.
    """
    rows = probe_rows(X.shape[0], sum(W.size for W in coefs))
    X_probe = X[rows]
    hook = getattr(estimator, "_output_problem", None)
    check = None if hook is None else (lambda Z: hook(Z, y[rows], targets))
    message = diagnose(
        coefs,
        intercepts,
        estimator.activation,
        X_probe,
        check_outputs=check,
        solver=solver,
        name=type(estimator).__name__,
    )
    if message is not None:
        # user -> fit -> _fit_context -> _fit -> _fit_or_raise -> here
        warnings.warn(message, ConvergenceWarning, stacklevel=6)
