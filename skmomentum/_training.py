"""The epoch loop: batches, solver steps, divergence checks and stopping.

It works on arrays it is given and returns what happened in an
:class:`EpochLog`; the estimator decides what becomes a fitted attribute, so
a run that fails leaves the estimator untouched.
"""

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

# A loss this many times its value at the start of the run counts as divergence.
DIVERGENCE_FACTOR = 1e3


class DivergenceError(ValueError):
    """Training produced non-finite weights or a loss that exploded."""


@dataclass
class StoppingRule:
    """scikit-learn's rule: stop after ``n_iter_no_change + 1`` epochs without
    an improvement of at least ``tol`` in training loss (or validation score)."""

    tol: float
    n_iter_no_change: float
    best_loss: float = np.inf
    best_validation_score: float = -np.inf
    no_improvement_count: int = 0

    def update_loss(self, loss):
        """Record an epoch's training loss."""
        if loss > self.best_loss - self.tol:
            self.no_improvement_count += 1
        else:
            self.no_improvement_count = 0
        self.best_loss = min(self.best_loss, loss)

    def update_score(self, score):
        """Record an epoch's validation score; return True if it is the best."""
        if score < self.best_validation_score + self.tol:
            self.no_improvement_count += 1
        else:
            self.no_improvement_count = 0
        is_best = score > self.best_validation_score
        if is_best:
            self.best_validation_score = score
        return is_best

    @property
    def should_stop(self):
        return self.no_improvement_count > self.n_iter_no_change


@dataclass
class EpochLog:
    """What one call of :func:`run_epochs` did."""

    n_iter: int = 0
    n_samples_seen: int = 0
    loss_curve: list = field(default_factory=list)
    validation_scores: list = field(default_factory=list)
    converged: bool = False
    interrupted: bool = False


class BatchIterator:
    """Yields ``(X, Y, sample_weight)`` batches of one epoch.

    With shuffling, each batch is gathered with ``np.take`` into buffers
    allocated once, instead of a fresh fancy-indexed copy per batch. Without
    shuffling, or for one full batch, batches are views of the data.
    """

    def __init__(self, X, Y, sample_weight, batch_size, shuffle, rng):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.n_samples = X.shape[0]
        self.batch_size = batch_size
        self.shuffle = shuffle and batch_size < self.n_samples
        self.rng = rng
        self.mean_weight = None if sample_weight is None else sample_weight.mean()
        if self.shuffle and not sp.issparse(X):
            self._X_buf = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
            self._Y_buf = np.empty((batch_size, Y.shape[1]), dtype=Y.dtype)
            if sample_weight is not None:
                self._sw_buf = np.empty(batch_size, dtype=sample_weight.dtype)

    def __iter__(self):
        n, size = self.n_samples, self.batch_size
        order = self.rng.permutation(n) if self.shuffle else None
        for start in range(0, n, size):
            stop = min(start + size, n)
            if order is None:
                batch = slice(start, stop)
                sw = None if self.sample_weight is None else self.sample_weight[batch]
                yield self.X[batch], self.Y[batch], sw
                continue
            idx = order[start:stop]
            b = stop - start
            if sp.issparse(self.X):
                Xb = self.X[idx]
                Yb = self.Y[idx]
            else:
                Xb = np.take(self.X, idx, axis=0, out=self._X_buf[:b])
                Yb = np.take(self.Y, idx, axis=0, out=self._Y_buf[:b])
            sw = None
            if self.sample_weight is not None:
                sw = self.sample_weight[idx]
            yield Xb, Yb, sw


def _diverged(solver, reason):
    rate = getattr(solver, "learning_rate", None)
    return DivergenceError(
        "Solver produced non-finite parameter weights. The input data may contain "
        "large values and need to be preprocessed. "
        f"Training diverged: {reason}. The learning rate {rate!r} of {solver!r} is "
        "likely too large: lower it (e.g. solver=... with learning_rate divided "
        "by 10) or scale the features (e.g. StandardScaler). The previous model, "
        "if any, is left unchanged."
    )


def run_epochs(
    *,
    params,
    solver,
    state,
    objective,
    batches,
    max_iter,
    stopping,
    validation_score=None,
    best_params=None,
    incremental=False,
    verbose=0,
):
    """Train ``params`` in place for up to ``max_iter`` epochs.

    Parameters
    ----------
    params : ndarray
        Flat parameter vector, updated in place.
    solver, state :
        The solver object and its state (updated in place).
    objective : NetworkObjective
        Pointed at each batch in turn.
    batches : BatchIterator
        Iterating it yields one epoch of batches.
    max_iter : int
        Largest number of epochs.
    stopping : StoppingRule
        Updated in place.
    validation_score : callable or None
        ``validation_score(params) -> float``; when given, stopping follows it
        and ``best_params`` receives the best epoch's parameters.
    best_params : ndarray or None
        Buffer for the best parameters (with ``validation_score``).
    incremental : bool
        Run exactly one epoch (``partial_fit``).
    verbose : int
        Print one line per epoch when > 0.

    Returns
    -------
    log : EpochLog
    """
    log = EpochLog()
    start_loss = None
    n_samples = batches.n_samples
    try:
        for _ in range(max_iter):
            total_loss = total_weight = 0.0
            for Xb, Yb, swb in batches:
                objective.set_batch(Xb, Yb, swb, batches.mean_weight)
                loss = solver.step(params, state, objective)
                if not math.isfinite(loss):
                    raise _diverged(solver, f"the batch loss became {loss}")
                weight = objective.weight_sum
                total_loss += loss * weight
                total_weight += weight
                if start_loss is None:
                    start_loss = loss
            epoch_loss = total_loss / total_weight
            log.n_iter += 1
            log.n_samples_seen += n_samples
            if not np.isfinite(params).all():
                raise _diverged(
                    solver, f"the weights became non-finite in epoch {log.n_iter}"
                )
            if epoch_loss > DIVERGENCE_FACTOR * max(start_loss, 1.0):
                raise _diverged(
                    solver,
                    f"the loss grew from {start_loss:.4g} to {epoch_loss:.4g} by "
                    f"epoch {log.n_iter}",
                )
            log.loss_curve.append(epoch_loss)
            if verbose:
                print(f"Iteration {log.n_iter}, loss = {epoch_loss:.8f}")

            if validation_score is not None:
                score = validation_score(params)
                log.validation_scores.append(score)
                if verbose:
                    print(f"Validation score: {score:f}")
                if stopping.update_score(score):
                    np.copyto(best_params, params)
            else:
                stopping.update_loss(epoch_loss)

            if stopping.should_stop:
                log.converged = True
                if verbose:
                    what = "Validation score" if validation_score else "Training loss"
                    print(
                        f"{what} did not improve more than tol={stopping.tol} for "
                        f"{stopping.n_iter_no_change} consecutive epochs. Stopping."
                    )
                break
            if incremental:
                break
        else:
            warnings.warn(
                f"Maximum iterations ({max_iter}) reached and the optimization "
                "hasn't converged yet. Increase max_iter, or raise the solver's "
                "learning rate.",
                ConvergenceWarning,
                stacklevel=4,
            )
    except KeyboardInterrupt:
        if not np.isfinite(params).all():
            raise _diverged(solver, "interrupted with non-finite weights") from None
        log.interrupted = True
        warnings.warn(
            "Training interrupted by user; keeping the weights of the last update.",
            UserWarning,
            stacklevel=4,
        )
    return log
