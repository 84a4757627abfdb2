"""The epoch loop: batches, solver steps, divergence checks and stopping.

It works on arrays it is given and returns what happened in an
:class:`EpochLog`; the estimator decides what becomes a fitted attribute, so
a run that fails leaves the estimator untouched.
"""

import copy
import math
import signal
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._array_api import all_finite, copy_array, namespace_and_device
from ._losses import LOSS_FUNCTIONS
from ._network import forward, unpack
from .exceptions import DivergenceError

# An epoch whose mean loss is this many times the loss of the run's first
# batch counts as divergence; training in progress is given room to recover.
DIVERGENCE_FACTOR = 1e3
# The returned weights are checked once, on the last batch. When the call
# continues a fitted model, their loss may not exceed this many times the
# larger of the loss reported as ``loss_`` and the model's first epoch loss (so
# a well-trained model's small losses raise no false alarm); the previous
# model is worth keeping, hence the stricter factor. A new model gets the
# epochs' bound (see ``_check_returned_weights``).
FINAL_DIVERGENCE_FACTOR = 10.0
# "The run's start" is the starting weights' loss on at most this many evenly
# spaced training rows (one default batch).
REFERENCE_ROWS = 200


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
    """What one call of :func:`run_epochs` did.

    ``returned_epoch`` is the epoch (``history`` numbering) whose weights are
    returned: the last completed one, or the one a restore put back (the
    built-in early stopping, or a callback that sets
    ``context.restored_epoch``). ``returned_loss`` is its recorded training
    loss; both stay None when no epoch completed. ``best_epoch`` is the epoch
    whose weights the built-in early stopping kept.
    """

    n_iter: int = 0
    n_samples_seen: int = 0
    loss_curve: list = field(default_factory=list)
    validation_scores: list = field(default_factory=list)
    validation_losses: list = field(default_factory=list)
    returned_epoch: int = None
    returned_loss: float = None
    best_epoch: int = None  # the built-in early stopping's best epoch


class BatchIterator:
    """Yields ``(X, Y, sample_weight)`` batches of one epoch.

    ``X`` is a C- or Fortran-contiguous array or a CSR matrix, used as it
    is: no copy of ``X`` is made, so peak memory stays at scikit-learn's,
    which gathers rows from a DataFrame's Fortran-ordered array too (a C
    copy of B-df's 80,000 x 50 X took our peak from 3.4 to 33.9 MiB, against
    6.1). A shuffled batch copies only its own rows, into buffers allocated
    once: from a C-ordered ``X`` with ``X.take(idx, axis=0)``; from a
    Fortran-ordered one (``DataFrame.to_numpy()``) as columns of the
    C-ordered ``X.T``, ``X.T.take(idx, axis=1)``, yielded as the buffer's
    Fortran-ordered transpose, which BLAS reads without a copy. The batches
    hold the same rows in the same order either way. The price is time:
    that gather reads one cache line per value, ~5x slower than by rows (on
    B-df ~0.1 s more per epoch, 1.3x the ndarray's time). ``X.take(idx,
    axis=0)`` on any other layout first copies all of ``X``, on every batch,
    so strided arrays are refused. Without shuffling, or for one full batch,
    batches are views.

    With shuffling, each epoch shuffles the previous epoch's order, as
    ``order = order[rng.permutation(n)]`` does: the random stream of
    scikit-learn's MLP (``sample_idx = shuffle(sample_idx, random_state)``).
    ``order`` is kept so that ``warm_start`` and ``partial_fit`` continue it.
    """

    def __init__(self, X, Y, sample_weight, batch_size, shuffle, rng, order=None):
        if (sp.issparse(X) and X.format != "csr") or (
            isinstance(X, np.ndarray)
            and not (X.flags.c_contiguous or X.flags.f_contiguous)
        ):
            raise ValueError(
                "BatchIterator needs a C- or Fortran-contiguous array or a CSR "
                "matrix; lay X out once (np.ascontiguousarray, X.tocsr()) before "
                "training."
            )
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.n_samples = n = X.shape[0]
        self.batch_size = batch_size
        self.shuffle = shuffle and batch_size < n
        self.rng = rng
        # A copy: the fitted model's order stays as it is if this fit fails.
        self.order = order.copy() if order is not None and order.shape == (n,) else None
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
            # A Fortran-ordered X's rows are gathered as columns of the
            # C-ordered X.T, into an ``n_features x batch_size`` buffer. The
            # last, shorter batch's buffer shares the full one's memory.
            self._by_columns = not X.flags.c_contiguous
            n_features, last = X.shape[1], n % batch_size or batch_size
            block = np.empty(batch_size * n_features, dtype=X.dtype)
            shape = (n_features, -1) if self._by_columns else (-1, n_features)
            self._X_bufs = (
                block.reshape(shape),
                block[: last * n_features].reshape(shape),
            )
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
        if self.order is None:
            self.order = np.arange(n)
        # ``order[rng.permutation(n)]`` in place, from the same draws
        # (RandomState.permutation(n) shuffles arange(n)): no two temporary
        # index arrays of n entries each epoch.
        self.rng.shuffle(self.order)
        order = self.order
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
        (X_buf, last_X_buf), Y_buf = self._X_bufs, self._Y_buf
        sw_buf = None if sw is None else self._sw_buf
        swb = None
        source, axis = (X.T, 1) if self._by_columns else (X, 0)
        for start in range(0, n, size):
            idx = order[start : start + size]
            b = len(idx)
            if b < size:
                X_buf, Y_buf = last_X_buf, Y_buf[:b]
                sw_buf = None if sw is None else sw_buf[:b]
            Xb = source.take(idx, axis=axis, out=X_buf, mode="clip")
            if self._by_columns:
                Xb = Xb.T  # Fortran-ordered rows
            if Y.dtype == Y_buf.dtype:
                Yb = Y.take(idx, axis=0, out=Y_buf, mode="clip")
            else:
                Yb = Y_buf
                Yb[...] = Y.take(idx, axis=0, mode="clip")
            if sw is not None:
                swb = sw.take(idx, out=sw_buf, mode="clip")
            yield Xb, Yb, swb


class _LastEpoch:
    """The weights and solver state at the end of the last completed epoch.

    One copy of the flat parameter vector (and of the solver's buffers) per
    epoch, written into the same arrays: what Ctrl-C during the next epoch
    goes back to, so a half-trained epoch is never returned. A solver's
    ``scratch`` buffer holds nothing between steps and is not copied.
    """

    def __init__(self):
        self.params = None
        self.state = {}

    def save(self, params, state):
        if self.params is None:
            self.params = copy_array(params)
        else:
            self.params[...] = params
        for name, value in vars(state).items():
            if name == "scratch":
                continue
            old = self.state.get(name)
            if (
                isinstance(value, np.ndarray)
                and isinstance(old, np.ndarray)
                and old.shape == value.shape
                and old.dtype == value.dtype
            ):
                old[...] = value
            else:
                self.state[name] = copy.deepcopy(value)

    def restore(self, params, state):
        params[...] = self.params
        scratch = vars(state).get("scratch")
        vars(state).clear()
        vars(state).update(self.state)
        if scratch is not None:
            state.scratch = scratch


@contextmanager
def _interrupts_held():
    """Hold Ctrl-C back while an epoch is recorded, then deliver it.

    Recording an epoch (its history entry, the stopping rule, the copies of
    the weights) happens entirely or not at all, so an interrupted run always
    has a consistent last completed epoch to return.
    """
    handler = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or handler is None:
        yield  # signals only reach the main thread; None: not set by Python
        return
    received = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)
        if received:
            signal.raise_signal(signal.SIGINT)


def _largest_abs(X):
    if sp.issparse(X):
        X = X.data
    if X.size == 0:
        return 0.0
    # max and min rather than abs(X).max(): no temporary copy of X.
    return max(float(X.max()), -float(X.min()))


def divergence_error(solver, what, X=None, sample_weight=None, updated=True):
    """A :class:`DivergenceError` saying what happened and what fits the fix.

    Parameters
    ----------
    solver : solver object
        The solver that was training.
    what : str
        What happened, with its figures.
    X, sample_weight : arrays or None
        The training data, looked at for the likely causes: unscaled features
        and sample (or class) weights far above their mean.
    updated : bool
        Whether the solver had made an update. Before the first one, its
        hyperparameters (learning rate, eps) cannot be the cause.
    """
    fixes = []
    name = type(solver).__name__
    eps = getattr(solver, "eps", None) if updated else None
    if isinstance(eps, Real) and eps < 1e-12:
        fixes.append(
            f"{name}(eps={eps!r}) divides by sqrt(s) + eps, which is (nearly) zero "
            "where gradients have been zero: set eps to a positive value such as "
            "the default 1e-8"
        )
    rate = getattr(solver, "learning_rate", None) if updated else None
    if rate is not None:
        fixes.append(
            f"the learning rate {rate!r} of {solver!r} is likely too large: lower "
            "it (divide it by 10, say)"
        )
    if sample_weight is not None and sample_weight.size:
        top, mean = float(np.max(sample_weight)), float(np.mean(sample_weight))
        if not (math.isfinite(top) and top <= 100 * mean):
            fixes.append(
                f"the largest sample weight (class_weight included) is {top:.3g}, "
                f"{top / mean:.3g} times their mean: that row's gradient is as "
                "many times larger; use weights of similar size"
            )
    if X is not None:
        top = _largest_abs(X)
        if not (math.isfinite(top) and top <= 10):
            fixes.append(
                f"the features are not scaled (the largest |X| is {top:.3g}): "
                "standardise them, e.g. make_pipeline(StandardScaler(), clf)"
            )
    if not fixes:
        fixes.append(f"check the data and the hyperparameters of {solver!r}")
    return DivergenceError(
        f"Training diverged: {what}. Likely causes and fixes: "
        + "; ".join(fixes)
        + ". The previous model, if any, is left unchanged."
    )


def not_converged_message(solver, max_iter):
    """The ``ConvergenceWarning`` text, naming the solver and its knobs."""
    rate = getattr(solver, "learning_rate", None)
    if rate is not None:
        knobs = (
            f"or, if the loss is still falling steadily, raise the learning rate "
            f"({rate!r})"
        )
    elif hasattr(solver, "population_size"):
        knobs = (
            f"or widen the search: a larger population_size "
            f"({solver.population_size!r}) or mutation_scale "
            f"({getattr(solver, 'mutation_scale', None)!r})"
        )
    else:
        knobs = "or tune the solver's hyperparameters"
    return (
        f"Maximum iterations ({max_iter}) reached and the optimization hasn't "
        f"converged yet with {solver!r}. Increase max_iter, {knobs}."
    )


def _reference_loss(params, objective, batches):
    """Data loss of the starting ``params`` on at most ``REFERENCE_ROWS`` rows.

    Not the first batch's loss: with batches of one sample that is one row's
    loss, and a row the starting network happens to fit (a zero target, say)
    made a healthy epoch look like a thousandfold growth (75 of 100 seeds of
    SGD on zero-inflated targets). Evenly spaced rows, a slice with a step,
    leave the shuffle stream untouched and copy nothing.
    """
    n = batches.n_samples
    step = max(1, -(-n // REFERENCE_ROWS))
    X, Y, sw = batches.X, batches.Y, batches.sample_weight
    # In chunks of at most a batch, so that the objective's buffers (sized
    # for one batch) never grow for it; the data term, which chunks add up.
    chunk = batches.batch_size * step
    total = weight = 0.0
    for start in range(0, n, chunk):
        rows = slice(start, start + chunk, step)
        both_axes = rows if batches._xp is None else (rows, ...)
        objective.set_batch(
            X[both_axes],
            Y[both_axes],
            None if sw is None else sw[rows],
            batches.mean_weight,
        )
        total += objective.data_loss(params) * objective.weight_sum
        weight += objective.weight_sum
    return total / weight if weight else 0.0


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
    best_epoch=None,
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
    best_epoch : int or None
        The epoch whose weights ``best_params`` holds when it comes from an
        earlier call (``warm_start``).
    history : list or None
        One dict per epoch is appended (``epoch``, ``loss``, ``val_loss``,
        ``val_score``, ``learning_rate``, ``seconds``).
    callbacks : CallbackList or None
        Hooks called with ``context``; a True return stops after the epoch.
    context : TrainingContext or None
        Passed to the hooks; its ``epoch``, ``n_epochs``, ``batch`` and
        ``batch_loss`` are kept current here. A hook that puts back the
        weights of an earlier epoch sets ``context.restored_epoch``.
    incremental : bool
        Run exactly one epoch (``partial_fit``).
    verbose : int
        Print one line per epoch when > 0.

    Returns
    -------
    log : EpochLog

    Raises
    ------
    DivergenceError
        If a batch loss or the weights become non-finite, an epoch's loss
        grows beyond ``DIVERGENCE_FACTOR`` times the starting weights' (on
        ``REFERENCE_ROWS`` evenly spaced rows), or the
        returned weights fail the final check (``FINAL_DIVERGENCE_FACTOR``).
    KeyboardInterrupt
        On Ctrl-C before the first epoch completed. Later, the weights and
        solver state of the last completed epoch are kept, with a warning.
    """
    log = EpochLog()
    history = [] if history is None else history
    start_loss = None
    reference = _reference_loss(params, objective, batches)
    n_samples = batches.n_samples
    rate_at = getattr(solver, "learning_rate_at", None)
    # Decided once per fit: the batch loop stays bare without batch hooks.
    batch_hooks = callbacks is not None and callbacks.has_batch_hooks
    first_epoch = history[-1]["epoch"] + 1 if history else 1
    last_epoch = _LastEpoch()

    def diverged(what):
        return divergence_error(
            solver,
            what,
            batches.X,
            batches.sample_weight,
            updated=start_loss is not None,
        )

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
                        raise diverged(
                            f"the loss of a batch became {loss} in epoch {epoch}"
                            + ("" if start_loss is not None else ", at the start")
                        )
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
                if not all_finite(params):
                    raise diverged(
                        f"the weights became non-finite (NaN or inf) in epoch {epoch}"
                    )
                if epoch_loss > DIVERGENCE_FACTOR * max(reference, 1.0):
                    raise diverged(
                        f"the training loss grew from {reference:.4g} (the starting "
                        f"weights') "
                        f"to {epoch_loss:.4g} in epoch {epoch}, more than "
                        f"{DIVERGENCE_FACTOR:g} times"
                    )
                record = {"epoch": epoch, "loss": epoch_loss}
                if validate is not None:
                    record["val_loss"], record["val_score"] = validate(params)
                record["learning_rate"] = rate
                record["seconds"] = time.perf_counter() - tic

                # The epoch is complete: record it, all at once.
                with _interrupts_held():
                    log.loss_curve.append(epoch_loss)
                    if validate is not None:
                        log.validation_losses.append(record["val_loss"])
                        log.validation_scores.append(record["val_score"])
                    if best_params is not None:
                        if stopping.update_score(record["val_score"]):
                            best_params[...] = params
                            best_epoch = epoch
                    else:
                        stopping.update_loss(epoch_loss)
                    history.append(record)
                    log.n_iter += 1
                    log.n_samples_seen += n_samples
                    last_epoch.save(params, state)
                if verbose:
                    print(f"Iteration {log.n_iter}, loss = {epoch_loss:.8f}")
                    if validate is not None:
                        print(f"Validation score: {record['val_score']:f}")
                        print(f"Validation loss: {record['val_loss']:f}")

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
                    not_converged_message(solver, max_iter),
                    ConvergenceWarning,
                    stacklevel=6,
                )
        except KeyboardInterrupt:
            if log.n_iter == 0:
                raise  # nothing completed: fail like any failed fit
            last_epoch.restore(params, state)
            warnings.warn(
                f"Training interrupted by user (Ctrl-C) after {log.n_iter} "
                f"completed epoch(s); keeping the weights of the last completed "
                f"epoch ({history[-1]['epoch']}) and discarding the unfinished one.",
                UserWarning,
                stacklevel=6,
            )
        if log.n_iter:
            log.returned_epoch = history[-1]["epoch"]
        if best_params is not None:
            params[...] = best_params
            log.returned_epoch = log.best_epoch = best_epoch
    finally:
        # Also after an error: callbacks release what they hold (progress bars).
        if callbacks is not None:
            callbacks.on_train_end(context)
    restored = getattr(context, "restored_epoch", None)
    if restored is not None:
        log.returned_epoch = restored
    if log.returned_epoch is not None:
        log.returned_loss = next(
            (r["loss"] for r in history if r["epoch"] == log.returned_epoch), None
        )
    if log.n_iter:
        new_model = first_epoch == 1
        _check_returned_weights(
            params, objective, history, log, new_model, reference, diverged
        )
    return log


def _check_returned_weights(
    params, objective, history, log, new_model, reference, diverged
):
    """Evaluate the returned weights once, on the last batch (the objective's).

    The epoch checks see each update's effect only at the next batch, so the
    last update is never looked at by them; this one loss evaluation does.
    A call that continues a fitted model (``partial_fit``, ``warm_start``)
    may not return weights whose loss exceeds ``FINAL_DIVERGENCE_FACTOR``
    times the larger of the reported loss and the model's first epoch loss:
    the previous model is then kept. A new model is held to the epochs'
    bound instead, as a fresh network's first large steps often overshoot
    and recover (one full-batch step can raise the loss 300-fold).
    """
    loss = objective.loss(params)
    if new_model:
        bound = DIVERGENCE_FACTOR * max(reference, 1.0)
        if not (math.isfinite(loss) and loss <= bound):
            raise diverged(
                f"the loss of the returned weights on the last batch is "
                f"{loss:.4g}, more than {DIVERGENCE_FACTOR:g} times the starting "
                f"weights' {reference:.4g}"
            )
        return
    reported = history[-1]["loss"] if log.returned_loss is None else log.returned_loss
    reference = max(reported, history[0]["loss"])
    if not (math.isfinite(loss) and loss <= FINAL_DIVERGENCE_FACTOR * reference):
        raise diverged(
            f"the loss of the returned weights on the last batch is {loss:.4g}, "
            f"more than {FINAL_DIVERGENCE_FACTOR:g} times the reported training "
            f"loss {reported:.4g} (and the first epoch's "
            f"{history[0]['loss']:.4g}): the last update(s) blew it up"
        )


def held_out_evaluator(
    layer_units, activation, out_activation, loss, X, Y, sample_weight, score
):
    """``validate(params) -> (loss, score)`` on a held-out set.

    The loss is the network's data term (weighted mean, no L2 penalty);
    ``score(Z, P)`` gets the output logits ``Z`` and the outputs ``P``
    (probabilities, or the regressor's predictions).
    """
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
        # The loss function overwrites its logits: it gets a copy (once per
        # epoch, of n_val x n_outputs values).
        val_loss, _ = loss_function(Z.copy(), Y, w, out_activation, P, delta)
        return float(val_loss), score(Z, P)

    return validate


def validation_metrics(
    layer_units, activation, out_activation, loss, X, Y, sample_weight
):
    """``validate(params) -> (loss, accuracy)`` on a held-out set.

    The accuracy is the (weighted) share of rows predicted exactly right.
    """
    truth = Y.argmax(axis=1) if out_activation == "softmax" else Y > 0.5

    def accuracy(Z, P):
        if out_activation == "softmax":
            correct = Z.argmax(axis=1) == truth
        else:
            correct = ((Z > 0) == truth).all(axis=1)
        return float(np.average(correct, weights=sample_weight))

    return held_out_evaluator(
        layer_units, activation, out_activation, loss, X, Y, sample_weight, accuracy
    )
