"""The epoch loop: batches, solver steps, divergence checks and stopping.

It works on arrays it is given and returns what happened in an
:class:`EpochLog`; the estimator decides what becomes a fitted attribute, so
a run that fails leaves the estimator untouched.
"""

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._array_api import all_finite, namespace_and_device
from ._losses import LOSS_FUNCTIONS
from ._network import forward, unpack

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
    validation_losses: list = field(default_factory=list)


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
        # Arrays of another namespace (torch, CuPy) stay on their device.
        self._xp = None
        if not (isinstance(X, np.ndarray) or sp.issparse(X)):
            self._xp, self._device = namespace_and_device(X)
        if sample_weight is None:
            self.mean_weight = None
        elif self._xp is None:
            self.mean_weight = sample_weight.mean()
        else:
            self.mean_weight = float(self._xp.mean(sample_weight))
        if self.shuffle and not sp.issparse(X) and self._xp is None:
            self._X_buf = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
            # Compact (integer or boolean) targets are gathered into float rows.
            y_dtype = Y.dtype if Y.dtype.kind == "f" else X.dtype
            self._Y_buf = np.empty((batch_size, Y.shape[1]), dtype=y_dtype)
            if sample_weight is not None:
                self._sw_buf = np.empty(batch_size, dtype=sample_weight.dtype)

    def __iter__(self):
        n, size = self.n_samples, self.batch_size
        X, Y, sw = self.X, self.Y, self.sample_weight
        if not self.shuffle:
            for start in range(0, n, size):
                rows = slice(start, start + size)
                # (the array API standard wants every axis indexed)
                batch = rows if self._xp is None else (rows, ...)
                yield X[batch], Y[batch], None if sw is None else sw[rows]
            return
        order = self.rng.permutation(n)
        if self._xp is not None:  # the same order, gathered on the device
            xp = self._xp
            for start in range(0, n, size):
                idx = xp.asarray(order[start : start + size], device=self._device)
                yield (
                    xp.take(X, idx, axis=0),
                    xp.take(Y, idx, axis=0),
                    None if sw is None else xp.take(sw, idx, axis=0),
                )
            return
        if sp.issparse(X):
            for start in range(0, n, size):
                idx = order[start : start + size]
                yield X[idx], Y[idx], None if sw is None else sw[idx]
            return
        # mode="clip": the indices are valid, and mode="raise" (the default)
        # gathers through a temporary buffer when ``out`` is given.
        X_buf, Y_buf = self._X_buf, self._Y_buf
        sw_buf = None if sw is None else self._sw_buf
        swb = None
        for start in range(0, n, size):
            idx = order[start : start + size]
            b = len(idx)
            if b < size:
                X_buf, Y_buf = X_buf[:b], Y_buf[:b]
                sw_buf = None if sw is None else sw_buf[:b]
            Xb = X.take(idx, axis=0, out=X_buf, mode="clip")
            if Y.dtype == Y_buf.dtype:
                Yb = Y.take(idx, axis=0, out=Y_buf, mode="clip")
            else:
                Yb = Y_buf
                Yb[...] = Y.take(idx, axis=0, mode="clip")
            if sw is not None:
                swb = sw.take(idx, out=sw_buf, mode="clip")
            yield Xb, Yb, swb


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
    validate=None,
    best_params=None,
    history=None,
    callbacks=None,
    context=None,
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
    validate : callable or None
        ``validate(params) -> (val_loss, val_score)`` on a held-out set,
        called after every epoch.
    best_params : ndarray or None
        Given with ``validate`` for the built-in early stopping: stopping then
        follows the validation score, this buffer receives the best epoch's
        parameters and they are copied back into ``params`` at the end.
        Without it, stopping follows the training loss.
    history : list or None
        One dict per epoch is appended (``epoch``, ``loss``, ``val_loss``,
        ``val_score``, ``learning_rate``, ``seconds``).
    callbacks : CallbackList or None
        Hooks called with ``context``; a True return stops after the epoch.
    context : TrainingContext or None
        Passed to the hooks; its ``epoch``, ``n_epochs``, ``batch`` and
        ``batch_loss`` are kept current here.
    incremental : bool
        Run exactly one epoch (``partial_fit``).
    verbose : int
        Print one line per epoch when > 0.

    Returns
    -------
    log : EpochLog
    """
    log = EpochLog()
    history = [] if history is None else history
    start_loss = None
    n_samples = batches.n_samples
    rate_at = getattr(solver, "learning_rate_at", None)
    # Decided once per fit: the batch loop stays bare without batch hooks.
    batch_hooks = callbacks is not None and callbacks.has_batch_hooks
    first_epoch = history[-1]["epoch"] + 1 if history else 1
    try:
        if callbacks is not None:
            callbacks.on_train_begin(context)
        try:
            for epoch in range(first_epoch, first_epoch + max_iter):
                tic = time.perf_counter()
                rate = None if rate_at is None else rate_at(state)
                if callbacks is not None:
                    context.epoch, context.batch = epoch, -1
                    if callbacks.on_epoch_begin(context):
                        break
                total_loss = total_weight = 0.0
                stop_requested = False
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
                    if batch_hooks:
                        context.batch += 1
                        context.batch_loss = loss
                        if callbacks.on_batch_end(context):
                            stop_requested = True
                            break
                epoch_loss = total_loss / total_weight
                log.n_iter += 1
                log.n_samples_seen += n_samples
                if not all_finite(params):
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
                record = {"epoch": epoch, "loss": epoch_loss}
                if verbose:
                    print(f"Iteration {log.n_iter}, loss = {epoch_loss:.8f}")

                if validate is not None:
                    val_loss, score = validate(params)
                    log.validation_losses.append(val_loss)
                    log.validation_scores.append(score)
                    record["val_loss"], record["val_score"] = val_loss, score
                    if verbose:
                        print(f"Validation score: {score:f}")
                        print(f"Validation loss: {val_loss:f}")
                if best_params is not None:
                    if stopping.update_score(score):
                        best_params[...] = params
                else:
                    stopping.update_loss(epoch_loss)
                record["learning_rate"] = rate
                record["seconds"] = time.perf_counter() - tic
                history.append(record)

                if callbacks is not None:
                    context.n_epochs = log.n_iter
                    if callbacks.on_epoch_end(context) or stop_requested:
                        stop_requested = True

                if stopping.should_stop:
                    if verbose:
                        what = (
                            "Validation score"
                            if best_params is not None
                            else "Training loss"
                        )
                        print(
                            f"{what} did not improve more than tol={stopping.tol} "
                            f"for {stopping.n_iter_no_change} consecutive epochs. "
                            "Stopping."
                        )
                    break
                if stop_requested:
                    if verbose:
                        print(f"A callback stopped training after epoch {epoch}.")
                    break
                if incremental:
                    break
            else:
                warnings.warn(
                    f"Maximum iterations ({max_iter}) reached and the "
                    "optimization hasn't converged yet. Increase max_iter, or "
                    "tune the solver (a larger learning rate; for Genetic a "
                    "larger population or mutation_scale).",
                    ConvergenceWarning,
                    stacklevel=6,
                )
        except KeyboardInterrupt:
            if not all_finite(params):
                raise _diverged(solver, "interrupted with non-finite weights") from None
            warnings.warn(
                "Training interrupted by user; keeping the weights of the last update.",
                UserWarning,
                stacklevel=6,
            )
        if best_params is not None:
            params[...] = best_params
    finally:
        # Also after an error: callbacks release what they hold (progress bars).
        if callbacks is not None:
            callbacks.on_train_end(context)
    return log


def validation_metrics(
    layer_units, activation, out_activation, loss, X, Y, sample_weight
):
    """``validate(params) -> (loss, accuracy)`` on a held-out set.

    The loss is the network's data term (weighted mean, no L2 penalty); the
    accuracy is the (weighted) share of rows predicted exactly right.
    """
    if out_activation == "softmax":
        truth = Y.argmax(axis=1)
    else:
        truth = Y > 0.5
    n, dtype = X.shape[0], X.dtype
    Y = Y.astype(dtype, copy=False)  # training targets may be compact uint8
    w = (
        np.full(n, 1.0 / n, dtype=dtype)
        if sample_weight is None
        else (sample_weight / sample_weight.sum()).astype(dtype)
    )
    loss_function = LOSS_FUNCTIONS[loss]
    P, delta = np.empty_like(Y), np.empty_like(Y)

    def validate(params):
        Z = forward(*unpack(params, layer_units), activation, X)
        if out_activation == "softmax":
            correct = Z.argmax(axis=1) == truth
        else:
            correct = ((Z > 0) == truth).all(axis=1)
        score = float(np.average(correct, weights=sample_weight))
        loss, _ = loss_function(Z, Y, w, out_activation, P, delta)
        return float(loss), score

    return validate
