"""Training callbacks: early stopping, learning-rate reduction, progress, checkpoints.

A callback is an object of no-op hooks that the epoch loop calls at fixed
points (skorch's design, without its exceptions):

==================  ==========================================================
hook                called
==================  ==========================================================
``on_train_begin``  once, before the first epoch of a ``fit`` call
``on_epoch_begin``  before each epoch
``on_batch_end``    after each solver step (only if a callback defines it)
``on_epoch_end``    after each epoch, once ``context.record`` is complete
``on_train_end``    once, after the last epoch (also when a fit fails)
==================  ==========================================================

Every hook receives one :class:`TrainingContext`. A hook **returns True to
stop** training after the current epoch; stopping is a return value, never
an exception.

Callbacks hold hyperparameters only, like solvers: they have ``get_params``
and ``set_params``, so ``clone``, ``GridSearchCV`` and nested keys such as
``callbacks`` lists work. The estimator never uses the object you pass: every
``fit`` works on a fresh copy (``type(cb)(**cb.get_params(deep=False))``),
kept afterwards as ``estimator.callbacks_``, so what a callback learns during
a fit (best epoch, best weights, ...) is read from there. Making that copy
also validates the hyperparameters (``_parameter_constraints``, as
scikit-learn estimators do), so a bad value is an error before the first
epoch, not after it.

Callbacks hold picklable hyperparameters only: an estimator with any
callback attached pickles, deep-copies and ``joblib.dump``-s (a
:class:`ProgressBar` writing to ``sys.stderr`` stores the stream by name).
"""

import contextlib
import copy
import io
import math
import os
import pickle
import string
import sys
import tempfile
import uuid
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from ._array_api import copy_array, to_numpy
from .solvers._params import ParamsMixin

__all__ = [
    "Callback",
    "EarlyStopping",
    "ModelCheckpoint",
    "ProgressBar",
    "ReduceLROnPlateau",
    "TrainingContext",
]

HOOKS = (
    "on_train_begin",
    "on_epoch_begin",
    "on_batch_end",
    "on_epoch_end",
    "on_train_end",
)


class TrainingContext:
    """What every hook receives: the run so far and the live parameters.

    Parameters
    ----------
    estimator : estimator
        The estimator being fitted (its fitted attributes are only set after
        training; read the run from this context instead).
    params : ndarray of shape (n_params,)
        The flat parameter vector being trained, updated in place. Copy it to
        keep a snapshot; write into it (``params[...] = saved``) to restore
        one.
    solver : solver object
        The estimator's private copy of the solver (never modify it).
    solver_state : SolverState
        The solver's state; ``solver_state.lr_scale`` multiplies the learning
        rate and may be lowered by callbacks.
    layer_units : list of int
        ``[n_features, hidden..., n_outputs]``: with
        ``skmomentum._network.unpack`` it turns ``params`` into layers.
    max_iter : int
        Largest number of epochs of this call.
    history : list of dict
        One record per epoch (the estimator's ``history_`` so far, earlier
        ``warm_start`` calls included); see :attr:`record`.
    has_validation : bool
        Whether records hold ``val_loss`` and ``val_score``.

    Attributes
    ----------
    epoch : int
        Number of the epoch in progress or just finished (``record["epoch"]``).
    n_epochs : int
        Epochs finished in this call.
    batch : int
        Index of the last batch in the epoch (for ``on_batch_end``).
    batch_loss : float
        Loss of the last batch (for ``on_batch_end``).
    restored_epoch : int or None
        Set by a hook that writes an earlier epoch's weights into ``params``
        in ``on_train_end`` (as :class:`EarlyStopping` does): that epoch's
        number, so that ``loss_`` reports its recorded loss.

    Examples
    --------
    A callback reads the context in its hooks:

    >>> from sklearn.datasets import load_iris
    >>> from skmomentum import MLPMomentumClassifier
    >>> from skmomentum.callbacks import Callback
    >>> from skmomentum.solvers import Adam
    >>> class StopBelow(Callback):
    ...     def on_epoch_end(self, context):
    ...         return context.record["loss"] < 0.5
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPMomentumClassifier(
    ...     hidden_layer_sizes=(8,), solver=Adam(learning_rate=0.05),
    ...     callbacks=[StopBelow()], random_state=0,
    ... ).fit(X, y)
    >>> clf.loss_ < 0.5 and clf.n_iter_ < clf.max_iter
    True
    """

    def __init__(
        self,
        *,
        estimator,
        params,
        solver,
        solver_state,
        layer_units,
        max_iter,
        history,
        has_validation,
    ):
        self.estimator = estimator
        self.params = params
        self.solver = solver
        self.solver_state = solver_state
        self.layer_units = list(layer_units)
        self.max_iter = max_iter
        self.history = history
        self.has_validation = has_validation
        self.epoch = history[-1]["epoch"] if history else 0
        self.n_epochs = 0
        self.batch = -1
        self.batch_loss = math.nan
        self.restored_epoch = None

    @property
    def record(self):
        """The last finished epoch's record (a dict), or None."""
        return self.history[-1] if self.history else None

    def learning_rate(self):
        """Effective learning rate of the next update, or None.

        The solver's ``learning_rate`` (or its schedule's value) times
        ``solver_state.lr_scale``; None for solvers without a learning rate
        (such as :class:`~skmomentum.solvers.Genetic`).
        """
        rate_at = getattr(self.solver, "learning_rate_at", None)
        return None if rate_at is None else rate_at(self.solver_state)


class Callback(ParamsMixin):
    """Base class of callbacks: every hook does nothing and returns None.

    Subclass it and override the hooks you need. Store hyperparameters in
    ``__init__`` unchanged under their own names (like a scikit-learn
    estimator) and create per-fit state in :meth:`on_train_begin`: the
    estimator calls the hooks of a fresh copy, never of your object.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skmomentum import MLPMomentumClassifier
    >>> from skmomentum.callbacks import Callback
    >>> class StopAtLoss(Callback):
    ...     def __init__(self, threshold=0.5):
    ...         self.threshold = threshold
    ...     def on_epoch_end(self, context):
    ...         return context.record["loss"] < self.threshold
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPMomentumClassifier(
    ...     hidden_layer_sizes=(8,), solver="nesterov", callbacks=[StopAtLoss(0.5)],
    ...     random_state=0,
    ... ).fit(X, y)
    >>> clf.loss_ < 0.5 and clf.n_iter_ < 200
    True
    """

    # Parameters passed by reference when the callback is copied (streams).
    _shared_params = ()

    def __init__(self):
        """A callback without hyperparameters."""

    def on_train_begin(self, context):
        """Called once before the first epoch."""

    def on_epoch_begin(self, context):
        """Called before each epoch; return True to stop before it runs."""

    def on_epoch_end(self, context):
        """Called after each epoch; return True to stop training."""

    def on_train_end(self, context):
        """Called once after the last epoch (restore weights here)."""

    def __sklearn_clone__(self):
        return _copy(self)


def fresh_copy(callback):
    """A validated copy of ``callback`` with the same hyperparameters and no
    fit state: what the estimator calls, once per ``fit``, before training.

    Objects with ``get_params`` are rebuilt from them (hyperparameters with
    ``get_params`` are copied the same way; streams and other values in
    ``_shared_params`` are shared) and validated with their
    ``_parameter_constraints``; other objects are copied shallowly.

    Raises
    ------
    TypeError
        If ``callback`` is a class instead of an instance, or has none of the
        hooks; :class:`~sklearn.utils._param_validation.InvalidParameterError`
        (a ``ValueError`` and ``TypeError``) if a hyperparameter is invalid.
    """
    if isinstance(callback, type):
        raise TypeError(
            f"callbacks got the class {callback.__name__}, not an instance: pass "
            f"{callback.__name__}() (with its parameters) instead."
        )
    if not any(callable(getattr(callback, hook, None)) for hook in HOOKS):
        raise TypeError(
            f"callbacks got {callback!r}, which has none of the callback hooks "
            f"{', '.join(HOOKS)}: pass objects from skmomentum.callbacks, or "
            "subclass skmomentum.callbacks.Callback."
        )
    copied = _copy(callback)
    validate = getattr(copied, "validate", None)
    if callable(validate):
        validate()
    return copied


def _copy(callback):
    if not hasattr(callback, "get_params") or isinstance(callback, type):
        return copy.copy(callback)
    shared = getattr(callback, "_shared_params", ())
    params = {
        name: value
        if name in shared or not hasattr(value, "get_params")
        else _copy(value)
        for name, value in callback.get_params(deep=False).items()
    }
    return type(callback)(**params)


# ----------------------------------------------------------------- monitors

_MONITORS = {"loss": "min", "val_loss": "min", "val_score": "max"}
_MONITOR = [StrOptions(set(_MONITORS))]
_NONNEGATIVE = Interval(Real, 0, None, closed="left")


def _check_monitor(callback, context):
    monitor = callback.monitor
    if monitor.startswith("val_") and not context.has_validation:
        raise ValueError(
            f"{type(callback).__name__}(monitor={monitor!r}) needs a validation "
            "set: pass X_val=..., y_val=... to fit, set early_stopping=True "
            "(which holds out validation_fraction of the data), or monitor "
            "'loss'."
        )


class _Plateau:
    """Best value seen and epochs since it, for ``min`` or ``max`` monitors."""

    def __init__(self, monitor, min_delta):
        self.sign = 1.0 if _MONITORS[monitor] == "min" else -1.0
        self.min_delta = min_delta
        self.best = math.inf
        self.wait = 0

    def update(self, value):
        """Record ``value``; return True if it improves on the best."""
        value = self.sign * value
        if value < self.best - self.min_delta:
            self.best, self.wait = value, 0
            return True
        self.wait += 1
        return False

    @property
    def best_value(self):
        return self.sign * self.best


class EarlyStopping(Callback):
    """Stop when a monitored figure stops improving; restore the best weights.

    Unlike the estimator's built-in ``early_stopping`` (scikit-learn's rule
    on validation accuracy), this can watch the validation *loss*, the
    validation score or the training loss, with Keras' meaning of
    ``patience``. Both can be used together; the first to ask stops.

    Parameters
    ----------
    monitor : {"val_loss", "val_score", "loss"}, default="val_loss"
        Figure of ``history_`` to watch; losses should fall, the score rise.
        ``val_*`` need a validation set (``fit(X, y, X_val=..., y_val=...)``
        or ``early_stopping=True``).
    patience : int, default=10
        Stop after this many epochs in a row without improvement, >= 1.
    min_delta : float, default=0.0
        Smallest change that counts as an improvement, >= 0.
    restore_best_weights : bool, default=True
        At the end of training, put back the parameters of the best epoch
        (whatever stopped the run: this callback, the built-in rule,
        ``max_iter`` or another callback).

    Attributes
    ----------
    best_epoch_ : int
        Epoch (``history_`` numbering) with the best monitored value.
    best_value_ : float
        That value.
    stopped_epoch_ : int or None
        Epoch after which this callback stopped training, or None.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skmomentum import MLPMomentumClassifier
    >>> from skmomentum.callbacks import EarlyStopping
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = MLPMomentumClassifier(
    ...     hidden_layer_sizes=(16,), early_stopping=True, n_iter_no_change=50,
    ...     callbacks=[EarlyStopping(monitor="val_loss", patience=5)],
    ...     random_state=0,
    ... ).fit(X, y)
    >>> stopper = clf.callbacks_[0]
    >>> stopper.best_epoch_ <= clf.n_iter_
    True
    """

    _parameter_constraints = {
        "monitor": _MONITOR,
        "patience": [Interval(Integral, 1, None, closed="left")],
        "min_delta": [_NONNEGATIVE],
        "restore_best_weights": ["boolean"],
    }

    def __init__(
        self, monitor="val_loss", patience=10, min_delta=0.0, restore_best_weights=True
    ):
        self.monitor = monitor
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, context):
        _check_monitor(self, context)
        self._plateau = _Plateau(self.monitor, self.min_delta)
        self._best_params = None
        self.best_epoch_ = None
        self.best_value_ = None
        self.stopped_epoch_ = None

    def on_epoch_end(self, context):
        record = context.record
        if self._plateau.update(record[self.monitor]):
            self.best_epoch_ = record["epoch"]
            self.best_value_ = record[self.monitor]
            if self.restore_best_weights:
                if self._best_params is None:
                    self._best_params = copy_array(context.params)
                else:
                    self._best_params[...] = context.params
        if self._plateau.wait >= self.patience:
            self.stopped_epoch_ = record["epoch"]
            return True
        return False

    def on_train_end(self, context):
        best = self._best_params
        if best is not None and context.epoch != self.best_epoch_:
            context.params[...] = best
            context.restored_epoch = self.best_epoch_
        self._best_params = None  # do not keep a copy of the weights around


class ReduceLROnPlateau(Callback):
    """Lower the learning rate when a monitored figure stops improving.

    After ``patience`` epochs without improvement, the effective learning rate
    becomes ``max(rate * factor, min_lr)``: the callback multiplies the
    solver state's ``lr_scale`` (the solver object itself is never changed,
    and a learning-rate schedule keeps running underneath the scale). Then it
    waits ``cooldown`` epochs before counting again.

    Parameters
    ----------
    monitor : {"val_loss", "val_score", "loss"}, default="val_loss"
        Figure of ``history_`` to watch.
    factor : float, default=0.1
        Multiplier of the learning rate, in (0, 1).
    patience : int, default=10
        Epochs without improvement before a reduction, >= 0 (0 reduces after
        every epoch that does not improve).
    min_delta : float, default=1e-4
        Smallest change that counts as an improvement, >= 0.
    cooldown : int, default=0
        Epochs to wait after a reduction before counting again, >= 0.
    min_lr : float, default=0.0
        Lower bound of the effective learning rate, >= 0.

    Attributes
    ----------
    reductions_ : list of tuple
        ``(epoch, new_learning_rate)`` for each reduction.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skmomentum import MLPMomentumClassifier
    >>> from skmomentum.callbacks import ReduceLROnPlateau
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPMomentumClassifier(
    ...     hidden_layer_sizes=(8,), max_iter=60, n_iter_no_change=1000,
    ...     callbacks=[ReduceLROnPlateau(monitor="loss", patience=2,
    ...                                  min_delta=0.05)],
    ...     random_state=0,
    ... ).fit(X, y)
    >>> rates = [r["learning_rate"] for r in clf.history_]
    >>> rates[-1] < rates[0]
    True
    """

    _parameter_constraints = {
        "monitor": _MONITOR,
        "factor": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "min_delta": [_NONNEGATIVE],
        "cooldown": [Interval(Integral, 0, None, closed="left")],
        "min_lr": [_NONNEGATIVE],
    }

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
    ):
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr

    def on_train_begin(self, context):
        _check_monitor(self, context)
        if context.learning_rate() is None:
            raise ValueError(
                f"ReduceLROnPlateau needs a solver with a learning rate; "
                f"{context.solver!r} has none. Remove the callback or use a "
                "gradient solver."
            )
        self._plateau = _Plateau(self.monitor, self.min_delta)
        self._cooldown_left = 0
        self.reductions_ = []

    def on_epoch_end(self, context):
        improved = self._plateau.update(context.record[self.monitor])
        if self._cooldown_left > 0:
            self._cooldown_left -= 1
            self._plateau.wait = 0
            return False
        if improved or self._plateau.wait < self.patience:
            return False
        state = context.solver_state
        rate = context.learning_rate()
        new_rate = max(rate * self.factor, self.min_lr)
        if rate > 0 and new_rate < rate:
            state.lr_scale *= new_rate / rate
            self.reductions_.append((context.epoch, context.learning_rate()))
        self._plateau.wait = 0
        self._cooldown_left = self.cooldown
        return False


class ModelCheckpoint(Callback):
    """Keep the parameters of the best epoch, in memory or in a file.

    Parameters
    ----------
    monitor : {"val_loss", "val_score", "loss"}, default="val_loss"
        Figure of ``history_`` deciding which epoch is best.
    path : str, path-like or None, default=None
        If given, each new best is also written there: a dict with
        ``coefs``, ``intercepts``, ``epoch``, ``monitor`` and ``value``;
        read it back with :meth:`load`. ``{fit_id}`` in the path is replaced
        by a token unique to each ``fit`` call (``"ckpt-{fit_id}.skops"``;
        every ``partial_fit`` call counts as one, too), so the
        folds of ``cross_val_score`` or ``GridSearchCV`` -- serial or
        parallel -- each write their own file; the name used is the fitted
        copy's ``path_`` (``estimator.callbacks_[i].path_``). Without
        ``{fit_id}`` every fit writes the same file and the last write wins
        (write literal braces as ``{{`` and ``}}``). The folder must exist and
        be writable; this is checked before the first epoch. A path-like
        object is pickled (and saved with skops) as its string.

        Each write goes to a new temporary file created in the same folder
        (``tempfile.mkstemp``: a unique name, never an existing file or
        symbolic link), which then replaces ``path`` in one step
        (``os.replace``): the file is always complete, concurrent writers
        never share a temporary file, and a symbolic link planted at
        ``path`` is replaced, never followed. New files are readable by
        their owner only (``mkstemp``'s mode 0600).
    format : {"skops", "pickle"}, default="skops"
        File format. ``"skops"`` (``skops.io``, ``pip install
        skmomentum[skops]``) stores plain arrays and scalars and loads
        without running code; ``"pickle"`` needs no extra package, but
        loading a pickle runs whatever code the file holds, so
        :meth:`load` reads one only with ``allow_pickle=True``.

    Attributes
    ----------
    best_epoch_ : int or None
        Epoch of the best value.
    best_value_ : float or None
        The best value.
    best_params_ : ndarray of shape (n_params,) or None
        Copy of the flat parameter vector at the best epoch.
    best_coefs_, best_intercepts_ : list of ndarray
        The same parameters as layer weights and biases (views of
        ``best_params_``), ready for ``estimator.coefs_``.
    path_ : str or None
        The file this fit writes (``path`` with ``{fit_id}`` filled in).
    fit_id_ : str or None
        The token unique to this fit (None without ``path``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skmomentum import MLPMomentumClassifier
    >>> from skmomentum.callbacks import ModelCheckpoint
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPMomentumClassifier(
    ...     hidden_layer_sizes=(8,), max_iter=50,
    ...     callbacks=[ModelCheckpoint(monitor="loss")], random_state=0,
    ... ).fit(X, y)
    >>> checkpoint = clf.callbacks_[0]
    >>> checkpoint.best_value_ == min(clf.loss_curve_)
    True

    In a file, one per fit:

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> clf.set_params(callbacks=[
    ...     ModelCheckpoint("loss", os.path.join(folder, "iris-{fit_id}.skops"))
    ... ]).fit(X, y).callbacks_[0].path_.endswith(".skops")
    True
    >>> saved = ModelCheckpoint.load(clf.callbacks_[0].path_)
    >>> saved["value"] == min(clf.loss_curve_)
    True
    >>> import shutil; shutil.rmtree(folder)
    """

    _parameter_constraints = {
        "monitor": _MONITOR,
        "path": [str, os.PathLike, None],
        "format": [StrOptions({"skops", "pickle"})],
    }

    def __init__(self, monitor="val_loss", path=None, format="skops"):
        self.monitor = monitor
        self.path = path
        self.format = format

    def on_train_begin(self, context):
        _check_monitor(self, context)
        # Random, hence only drawn when a file needs a name: a fit without a
        # file stays deterministic down to its callbacks' attributes.
        self.fit_id_ = None if self.path is None else uuid.uuid4().hex[:16]
        self.path_ = None if self.path is None else self._resolve_path()
        self._plateau = _Plateau(self.monitor, 0.0)
        self._layer_units = context.layer_units
        self.best_epoch_ = self.best_value_ = self.best_params_ = None

    def _resolve_path(self):
        """The file of this fit, after checking everything a write needs."""
        name = f"ModelCheckpoint(path={self.path!r})"
        path = os.fspath(self.path)
        if not isinstance(path, str):
            raise TypeError(f"{name}: give the path as str or pathlib.Path.")
        fields = {field for _, field, _, _ in _parse_template(path, name)}
        unknown = fields - {None, "fit_id"}
        if unknown:
            raise ValueError(
                f"{name} has the unknown field(s) {sorted(unknown)}: the only "
                "field is {fit_id}; write a literal brace as {{ or }}."
            )
        path = os.path.abspath(path.format(fit_id=self.fit_id_))
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            raise FileNotFoundError(
                f"{name}: the folder {folder!r} does not exist; create it first "
                "(os.makedirs) or choose another path."
            )
        if os.path.isdir(path):
            raise IsADirectoryError(
                f"{name} names a folder; give a file name inside it, such as "
                f"{os.path.join(path, 'checkpoint-{fit_id}.skops')!r}."
            )
        if self.format == "skops":
            _import_skops()
        # The one reliable writability test is writing: create and remove a
        # temporary file where the checkpoints will go.
        try:
            fd, probe = tempfile.mkstemp(
                dir=folder, prefix=".checkpoint-", suffix=".tmp"
            )
        except OSError as exc:
            raise PermissionError(
                f"{name}: cannot create files in {folder!r} ({exc.strerror}); "
                "choose a writable folder."
            ) from exc
        os.close(fd)
        os.unlink(probe)
        return path

    def on_epoch_end(self, context):
        record = context.record
        if not self._plateau.update(record[self.monitor]):
            return False
        self.best_epoch_ = record["epoch"]
        self.best_value_ = record[self.monitor]
        if self.best_params_ is None:
            self.best_params_ = copy_array(context.params)
        else:
            self.best_params_[...] = context.params
        if self.path_ is not None:
            self._write()
        return False

    @property
    def best_coefs_(self):
        return self._layers()[0]

    @property
    def best_intercepts_(self):
        return self._layers()[1]

    def _layers(self):
        from ._network import unpack

        if self.best_params_ is None:
            raise AttributeError("No checkpoint yet: fit the estimator first.")
        return unpack(self.best_params_, self._layer_units)

    def _write(self):
        coefs, intercepts = self._layers()
        # Plain arrays, ints, floats and strings only: skops loads them
        # without trusting any type.
        payload = {
            # numpy copies (from a device too): a file any machine can load
            "coefs": [np.array(to_numpy(W)) for W in coefs],
            "intercepts": [np.array(to_numpy(b)) for b in intercepts],
            "epoch": int(self.best_epoch_),
            "monitor": str(self.monitor),
            "value": float(self.best_value_),
        }
        if self.format == "skops":
            data = _import_skops().dumps(payload)
        else:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        folder, base = os.path.split(self.path_)
        # A fresh, exclusively created name per write (O_EXCL: never an
        # existing file or link), in the target's folder so that os.replace
        # is a rename on one file system.
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{base}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, self.path_)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def __getstate__(self):
        # A pathlib.Path is saved as its string: plain data, which skops
        # loads without trusting pathlib's classes.
        state = self.__dict__.copy()
        if isinstance(state.get("path"), os.PathLike):
            state["path"] = os.fspath(state["path"])
        return state

    @staticmethod
    def load(path, *, allow_pickle=False):
        """Read a checkpoint file written by this callback.

        A skops file is read with ``skops.io.load`` trusting no type, so
        loading it runs no code.

        .. warning:: Loading a pickle (``format="pickle"``) runs whatever
           code the file contains. Pass ``allow_pickle=True`` only for files
           you wrote yourself or fully trust.

        Parameters
        ----------
        path : str or path-like
            The file (a fitted callback's ``path_``).
        allow_pickle : bool, default=False
            Also read pickle files. Without it a file that is not a skops
            file is refused.

        Returns
        -------
        checkpoint : dict
            ``coefs``, ``intercepts`` (lists of arrays, assignable to an
            estimator's ``coefs_`` and ``intercepts_``), ``epoch``,
            ``monitor``, ``value``.

        Raises
        ------
        ValueError
            If the file is not a skops file and ``allow_pickle`` is False.
        """
        with open(path, "rb") as f:
            data = f.read()
        if data[:4] == b"PK\x03\x04":  # skops files are zip archives
            return _import_skops().loads(data)
        if not allow_pickle:
            raise ValueError(
                f"{os.fspath(path)!r} is not a skops checkpoint. If it is a "
                "pickle (ModelCheckpoint(format='pickle')) that you wrote or "
                "trust, load it with ModelCheckpoint.load(path, "
                "allow_pickle=True): unpickling runs any code the file holds."
            )
        return pickle.loads(data)


def _parse_template(path, name):
    try:
        return list(string.Formatter().parse(path))
    except ValueError as exc:
        raise ValueError(
            f"{name} is not a valid template ({exc}); use {{fit_id}} for the "
            "per-fit token and {{ or }} for literal braces."
        ) from exc


def _import_skops():
    try:
        import skops.io
    except ImportError as exc:
        raise ImportError(
            "ModelCheckpoint saves with skops by default: install it with "
            "`pip install skmomentum[skops]` (or `pip install skops`), "
            "or pass format='pickle'."
        ) from exc
    return skops.io


class ProgressBar(Callback):
    """One tqdm bar over epochs with the loss, validation figures and ETA.

    Requires ``tqdm`` (``pip install skmomentum[progress]``). The bar is only
    drawn when the output is a terminal (or a Jupyter kernel), so logs, CI
    and joblib workers stay clean; ``force=True`` draws it anyway.

    Parameters
    ----------
    file : {"stderr", "stdout"}, file-like or None, default=None
        Stream to write to, best given by name: ``"stderr"`` and ``"stdout"``
        (and None, meaning ``"stderr"``) are looked up in :mod:`sys` at fit
        time. A stream object is shared, not copied, when the callback is
        cloned; ``sys.stderr`` and ``sys.stdout`` themselves are pickled as
        their names (so the loaded or deep-copied callback has
        ``file="stderr"``, writing to the loading process' stream), so an
        estimator holding the callback pickles, deep-copies and
        ``joblib.dump``-s. Other
        streams are pickled with the callback, so they must be picklable
        (``io.StringIO`` is; an open file is not: pass its name instead).
    force : bool, default=False
        Draw even when ``file`` is not a terminal.
    leave : bool, default=True
        Keep the finished bar on screen.
    mininterval : float, default=0.1
        Seconds between redraws.

    Examples
    --------
    >>> import io
    >>> from sklearn.datasets import load_iris
    >>> from skmomentum import MLPMomentumClassifier
    >>> from skmomentum.callbacks import ProgressBar
    >>> X, y = load_iris(return_X_y=True)
    >>> out = io.StringIO()
    >>> clf = MLPMomentumClassifier(
    ...     hidden_layer_sizes=(8,), max_iter=20, random_state=0,
    ...     callbacks=[ProgressBar(file=out, force=True)],
    ... )
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     clf = clf.fit(X, y)
    >>> "20/20" in out.getvalue()
    True
    """

    _shared_params = ("file",)
    _parameter_constraints = {
        "file": [StrOptions({"stderr", "stdout"}), None, HasMethods(["write"])],
        "force": ["boolean"],
        "leave": ["boolean"],
        "mininterval": [_NONNEGATIVE],
    }

    def __init__(self, file=None, force=False, leave=True, mininterval=0.1):
        self.file = file
        self.force = force
        self.leave = leave
        self.mininterval = mininterval

    def on_train_begin(self, context):
        self._bar = None
        file = "stderr" if self.file is None else self.file
        stream = getattr(sys, file) if isinstance(file, str) else file
        notebook = self.file is None and _in_notebook()
        if not (self.force or notebook or _isatty(stream)):
            return
        tqdm = _import_tqdm(notebook)
        # A stream without a usable size (StringIO, a 0x0 pseudo-terminal)
        # gets a fixed width; a real terminal follows its resizing.
        width = 0 if notebook else _terminal_width(stream)
        self._bar = tqdm(
            total=context.max_iter,
            file=stream,
            desc=type(context.estimator).__name__,
            unit="epoch",
            leave=self.leave,
            mininterval=self.mininterval,
            ncols=None if width or notebook else 140,
            nrows=None if width or notebook else 40,  # tqdm hides bars at 0 rows
            dynamic_ncols=bool(width),
        )

    def on_epoch_end(self, context):
        if self._bar is None:
            return False
        record = context.record
        figures = {"loss": f"{record['loss']:.4g}"}
        for name in ("val_loss", "val_score"):
            if name in record:
                figures[name] = f"{record[name]:.4g}"
        self._bar.set_postfix(figures, refresh=False)
        self._bar.update(1)
        return False

    def on_train_end(self, context):
        if self._bar is not None:
            self._bar.close()
        self._bar = None  # tqdm objects hold locks: never keep one on a fitted model

    def __getstate__(self):
        # sys.stderr / sys.stdout cannot be pickled: save them by name (plain
        # data, which skops also loads), resolved again at fit time.
        state = self.__dict__.copy()
        if "_bar" in state:  # a live tqdm bar (mid-fit) holds locks
            state["_bar"] = None
        for name in ("stderr", "stdout"):
            streams = (getattr(sys, name), getattr(sys, f"__{name}__"))
            if any(state.get("file") is stream for stream in streams):
                state["file"] = name
        return state


def _isatty(stream):
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _terminal_width(stream):
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return 0


def _in_notebook():
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    try:
        return type(shell.get_ipython()).__name__ == "ZMQInteractiveShell"
    except Exception:  # pragma: no cover - exotic IPython setups
        return False


def _import_tqdm(notebook=False):
    try:
        if notebook:
            from tqdm.auto import tqdm
        else:
            from tqdm import tqdm
    except ImportError as exc:
        raise ImportError(
            "ProgressBar needs the optional dependency tqdm: install it with "
            "`pip install tqdm` (or `pip install skmomentum[progress]`), or remove "
            "ProgressBar from callbacks."
        ) from exc
    return tqdm


class CallbackList:
    """Calls a list of callbacks in order; any True return means stop.

    Hooks a callback lacks are skipped (callbacks need not subclass
    :class:`Callback`). ``has_batch_hooks`` tells the epoch loop, once per
    fit, whether to call :meth:`on_batch_end` at all. ``on_train_end`` only
    reaches callbacks whose ``on_train_begin`` ran, so a callback that fails
    to start (say, a monitor without a validation set) does not leave another
    one (an open progress bar) behind.
    """

    def __init__(self, callbacks):
        self.callbacks = list(callbacks)
        self.has_batch_hooks = any(hasattr(cb, "on_batch_end") for cb in self.callbacks)
        self._started = []

    def _call(self, name, context, callbacks=None):
        stop = False
        for cb in self.callbacks if callbacks is None else callbacks:
            hook = getattr(cb, name, None)
            if hook is not None:
                stop |= bool(hook(context))
        return stop

    def on_train_begin(self, context):
        self._started = []
        stop = False
        for cb in self.callbacks:
            hook = getattr(cb, "on_train_begin", None)
            if hook is not None:
                stop |= bool(hook(context))
            self._started.append(cb)
        return stop

    def on_epoch_begin(self, context):
        return self._call("on_epoch_begin", context)

    def on_batch_end(self, context):
        return self._call("on_batch_end", context)

    def on_epoch_end(self, context):
        return self._call("on_epoch_end", context)

    def on_train_end(self, context):
        started, self._started = self._started, []
        return self._call("on_train_end", context, started)


class SklearnCallbackBridge:
    """scikit-learn's experimental callbacks (``set_callbacks``): a fit is
    the root task and each epoch a sub-task, whose end hook may stop training
    and gets a ``fitted_estimator`` with the epoch's weights."""

    def __init__(self, estimator, max_iter, X, y, sample_weight, fitted):
        self.estimator = estimator
        self.fitted = fitted
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        self.task = {"X": X, "y": y, "metadata": metadata}
        self.root = estimator._init_callback_context(max_subtasks=max_iter)
        self.root.call_on_fit_task_begin(estimator=estimator, **self.task)
        self._epoch = None

    def on_epoch_begin(self, context):
        self._epoch = self.root.subcontext(task_name="epoch")
        self._epoch.call_on_fit_task_begin(estimator=self.estimator, **self.task)

    def on_epoch_end(self, context):
        epoch, self._epoch = self._epoch, None
        params = context.params
        return epoch.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=lambda: self.fitted(params),
            **self.task,
        )

    def on_train_end(self, context):
        if self._epoch is not None:  # an epoch that did not finish
            self._epoch.call_on_fit_task_end(estimator=self.estimator)
            self._epoch = None

    def end(self, params):
        self.root.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=lambda: self.fitted(params),
            **self.task,
        )
