"""``BaseMLPMomentum``: what the classifier and the regressor share.

Validation, the fit/partial_fit orchestration (warm start, early stopping,
callbacks, the failed-fit rollback) and the fitted network. The subclasses
add only what differs: targets, output layer, validation score, ``predict``.
The maths is in ``_network``/``_losses``, the epoch loop in ``_training`` and
the update rules in ``solvers``.
"""

import copy
from itertools import pairwise
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._array_api import _is_numpy_namespace, check_same_namespace
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    check_X_y,
    validate_data,
)

from ._activations import ACTIVATIONS
from ._array_api import Placement, float_dtypes, namespace_and_device, to_numpy
from ._diagnostics import warn_if_useless
from ._network import NetworkObjective, forward, init_params, pack, unpack
from ._persistence import PersistenceMixin
from ._training import BatchIterator, StoppingRule, run_epochs
from .callbacks import (
    CallbackList,
    SklearnCallbackBridge,
    TrainingContext,
    fresh_copy,
)
from .solvers import SOLVER_ALIASES, GradientSolver, resolve_solver

try:  # scikit-learn >= 1.9: experimental callbacks (set_callbacks)
    from sklearn.callback import CallbackSupportMixin as _CallbackSupport
except ImportError:  # pragma: no cover - older scikit-learn

    class _CallbackSupport:
        """Stand-in when ``sklearn.callback`` does not exist."""


_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")
_SPARSE_FORMATS = ["csr", "csc"]


def _order_for(X):
    """``"C"`` for an array that is neither C- nor Fortran-contiguous, else None.

    BLAS reads C- and Fortran-ordered arrays as they are, but a strided view
    is best copied at once, before the finite check (ten times slower on it).
    """
    if isinstance(X, np.ndarray) and not (X.flags.c_contiguous or X.flags.f_contiguous):
        return "C"
    return None


class BaseMLPMomentum(PersistenceMixin, _CallbackSupport, BaseEstimator):
    """Shared machinery of :class:`MLPMomentumClassifier` and
    :class:`MLPMomentumRegressor`; not meant to be used directly.

    A subclass defines ``_training_data``, ``_out_activation``,
    ``_validation_set``, ``_validation_metrics``, ``_targets_attributes``,
    ``_stratify`` and ``_objective_targets`` (see their docstrings here).
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "solver": [StrOptions(set(SOLVER_ALIASES)), HasMethods(["init_state", "step"])],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
    }

    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        *,
        loss,
        solver,
        alpha,
        max_iter,
        tol,
        n_iter_no_change,
        early_stopping,
        validation_fraction,
        shuffle,
        random_state,
        warm_start,
        verbose,
        callbacks,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.callbacks = callbacks

    def set_params(self, **params):
        """Set parameters; ``solver__x`` on an alias string makes it an object.

        ``set_params(solver__learning_rate=0.1)`` with ``solver="adam"``
        first replaces the alias by ``Adam()``, then sets its learning rate,
        so nested solver parameters can be searched on the default solver.

        Parameters
        ----------
        **params : dict
            Estimator parameters, nested ones as ``solver__learning_rate``.

        Returns
        -------
        self : object
            The estimator.
        """
        nested = {k: v for k, v in params.items() if k.startswith("solver__")}
        if not nested:
            return super().set_params(**params)
        super().set_params(**{k: v for k, v in params.items() if k not in nested})
        if isinstance(self.solver, str):
            if self.solver not in SOLVER_ALIASES:
                raise ValueError(
                    f"Cannot set {sorted(nested)} on the unknown solver alias "
                    f"{self.solver!r}. Use one of {sorted(SOLVER_ALIASES)} or a "
                    "solver object."
                )
            self.solver = SOLVER_ALIASES[self.solver]()
        self.solver.set_params(**{k[len("solver__") :]: v for k, v in nested.items()})
        return self

    # ------------------------------------------------------------------ fit

    def _fit(self, X, y, sample_weight, incremental, classes=None, val=(None, None)):
        # validate_data sets n_features_in_ (and feature_names_in_) before
        # training; if the fit fails, put them back so the old model still works.
        before = {k: v for k, v in vars(self).items() if k in _INPUT_ATTRIBUTES}
        try:
            return self._fit_or_raise(X, y, sample_weight, incremental, classes, val)
        except BaseException:
            for name in _INPUT_ATTRIBUTES:
                vars(self).pop(name, None)
            vars(self).update(before)
            raise

    def _fit_or_raise(self, X, y, sample_weight, incremental, classes, val):
        solver = resolve_solver(self.solver)
        hidden = self._hidden_layer_sizes()
        continuing = hasattr(self, "coefs_") and (incremental or self.warm_start)
        X, y, sample_weight, val, place, (y_xp, y_device) = self._validated_input(
            X, y, sample_weight, val, solver, continuing
        )
        X, y, Y, sample_weight, targets = self._training_data(
            X, y, sample_weight, incremental, classes, continuing
        )
        layer_units = [X.shape[1], *hidden, Y.shape[1]]
        out_activation = self._out_activation(targets)
        # One random stream per model, in scikit-learn's order: weight
        # initialisation, the early-stopping split, then one shuffle per epoch.
        # warm_start and partial_fit continue it (scikit-learn restarts it).
        rng = (
            self._random_state
            if continuing and hasattr(self, "_random_state")
            else check_random_state(self.random_state)
        )
        # Work on copies so that a failure leaves the fitted model untouched.
        dtype = place.dtype(X.dtype)
        if continuing:
            params = self._packed_params(layer_units, dtype)
            state = self._continued_state(solver, params, rng)
        else:
            params = init_params(
                layer_units, self.activation, dtype, rng, place.xp, place.device
            )
            state = solver.init_state(params, rng)
        stopping, previous = self._previous_run(continuing)

        train, validation, split_state = self._held_out(
            (X, Y, y, sample_weight), val, targets, rng, continuing
        )
        validate = best_params = best_epoch = None
        if validation is not None:
            validate = self._validation_metrics(
                layer_units, out_activation, *validation
            )
            if not place.is_numpy:  # the held-out set is scored on the host
                validate = _on_host(validate)
        if self.early_stopping:
            if continuing and hasattr(self, "_best_coefs"):
                best_params = self._packed_params(
                    layer_units, dtype, self._best_coefs, self._best_intercepts
                )
                best_epoch = getattr(self, "_best_epoch", None)
            else:
                best_params = place.copy(params)

        X_train, Y_train, y_train, sw_train = train
        # X is not copied for training: peak memory stays at scikit-learn's,
        # which gathers rows from a DataFrame's Fortran-ordered array too
        # (a C-ordered copy of B-df's X took our peak from 3.4 to 33.9 MiB,
        # sklearn's being 6.1; gathering by columns costs time instead).
        # BatchIterator gathers the rows of a C- or Fortran-ordered X into
        # buffers; a strided array was copied to C order by validate_data.
        # Two cases still take one C-ordered copy: arrays bound for another
        # namespace, and a first layer of one unit, whose matrix-vector
        # products BLAS sums in an order that depends on the layout (C
        # order keeps a DataFrame's fit bit-identical to the ndarray's).
        if not sp.issparse(X_train) and (not place.is_numpy or layer_units[1] == 1):
            X_train = np.ascontiguousarray(X_train)
        X_train, Y_train, sw_train = map(place.to_device, (X_train, Y_train, sw_train))
        batch_size = solver.resolve_batch_size(X_train.shape[0])
        objective = self._network_objective(
            layer_units, out_activation, dtype, batch_size, place.xp, place.device
        )
        batches = BatchIterator(
            X_train,
            Y_train,
            sw_train,
            batch_size,
            self.shuffle,
            rng,
            order=getattr(self, "_shuffle", {}).get("order") if continuing else None,
        )
        max_iter = 1 if incremental else self.max_iter
        callbacks = [fresh_copy(cb) for cb in self.callbacks or []]
        hooks = list(callbacks)
        bridge = None
        if hasattr(self, "_init_callback_context"):

            def fitted_attributes(params):
                return self._fitted_attributes(
                    targets, layer_units, out_activation, params.copy()
                )

            bridge = SklearnCallbackBridge(
                self, max_iter, X_train, y_train, sw_train, fitted_attributes
            )
            if getattr(self, "_skl_callbacks", None):
                hooks.append(bridge)
        history = previous["history"]
        context = TrainingContext(
            estimator=self,
            params=params,
            solver=solver,
            solver_state=state,
            layer_units=layer_units,
            max_iter=max_iter,
            history=history,
            has_validation=validate is not None,
        )
        log = run_epochs(
            params=params,
            solver=solver,
            state=state,
            objective=objective,
            batches=batches,
            max_iter=max_iter,
            stopping=stopping,
            validate=validate,
            best_params=best_params,
            best_epoch=best_epoch,
            history=history,
            callbacks=CallbackList(hooks) if hooks else None,
            context=context,
            incremental=incremental,
            verbose=self.verbose,
        )
        if bridge is not None:
            bridge.end(params)

        if not incremental:  # once per fit; per partial_fit block it is noise
            # (on the host: X and y are the numpy copies there)
            layers = unpack(to_numpy(params), layer_units)
            warn_if_useless(self, *layers, X, y, targets, solver)
        # Training succeeded: commit everything at once.
        if self.early_stopping:
            self._best_coefs, self._best_intercepts = unpack(
                place.copy(best_params), layer_units
            )
            self._best_epoch = log.best_epoch
            if split_state is not None:
                self._split_random_state = split_state
        fitted = self._fitted_attributes(targets, layer_units, out_activation, params)
        if "classes_" in fitted and not _is_numpy_namespace(y_xp):
            # As scikit-learn's array-API classifiers: numeric classes_ in y's
            # namespace and on its device (strings stay numpy).
            fitted["classes_"] = _labels_to(fitted["classes_"], y_xp, y_device)
        vars(self).update(fitted)
        self.solver_ = solver
        self.solver_state_ = state
        self._random_state = rng
        # Host-side bookkeeping of the random stream, like _random_state: kept
        # in a dict, as fitted arrays belong to X's namespace (array API).
        self._shuffle = {"order": batches.order}
        self.n_iter_ = log.n_iter
        self.t_ = (getattr(self, "t_", 0) if continuing else 0) + log.n_samples_seen
        self.loss_curve_ = previous["loss_curve"] + log.loss_curve
        # The recorded loss of the epoch whose weights are returned (the
        # restored one after early stopping); NaN for a new model that no
        # epoch trained (a callback stopped it first).
        if log.returned_loss is not None:
            self.loss_ = log.returned_loss
        elif not continuing:
            self.loss_ = np.nan
        self._no_improvement_count = stopping.no_improvement_count
        self.history_ = history
        self.callbacks_ = callbacks
        if validate is not None:
            self.validation_scores_ = (
                previous["validation_scores"] or []
            ) + log.validation_scores
            self.validation_loss_curve_ = (
                previous["validation_losses"] or []
            ) + log.validation_losses
        else:
            self.validation_scores_ = None
            self.validation_loss_curve_ = None
        if self.early_stopping:
            self.best_validation_score_ = stopping.best_validation_score
            self.best_loss_ = None
        else:
            self.best_validation_score_ = (
                max(self.validation_scores_) if validate is not None else None
            )
            self.best_loss_ = stopping.best_loss
        return self

    def _validated_input(self, X, y, sample_weight, val, solver, continuing):
        """Checked ``X, y, sample_weight, val`` (numpy), and where to train.

        Returns the arrays, a :class:`Placement` (X's namespace and device:
        the arrays are prepared in numpy and moved there for training) and
        ``(namespace, device)`` of ``y``, for ``classes_``.
        """
        if continuing:
            check_same_namespace(X, self, attribute="_first_coefs", method="fit")
        # Sparse X becomes CSR here (row gathers); dense X is laid out later.
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            multi_output=True,
            # A fitted model keeps its dtype; a new one takes float32 or float64.
            dtype=self.coefs_[0].dtype if continuing else float_dtypes(*_where(X)),
            order=_order_for(X),
            reset=not continuing,
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        place, y_where = Placement(X), _where(y)
        if not place.is_numpy:
            if not isinstance(solver, GradientSolver):
                raise TypeError(
                    f"{solver!r} trains on numpy arrays only; with "
                    "array_api_dispatch=True and arrays of another namespace, "
                    "use a gradient solver (e.g. solver='adam') or numpy input."
                )
            X, y, sample_weight = map(to_numpy, (X, y, sample_weight))
            val = tuple(map(to_numpy, val))
        return X, y, sample_weight, val, place, y_where

    def _held_out(self, train, val, targets, rng, continuing):
        """``(train, validation, split_state)``: the explicit validation set,
        the early-stopping split (and the random state it started from), or
        no validation at all."""
        X, Y, y, sample_weight = train
        if val[0] is not None:
            return train, self._validation_set(*val, X.dtype, targets), None
        if not self.early_stopping:
            return train, None, None
        # A continued fit splits as the first did: the same data gives the
        # same held-out rows, which its earlier epochs never trained on.
        resplit = continuing and hasattr(self, "_split_random_state")
        split_state = self._split_random_state if resplit else rng.get_state()
        split_rng = np.random.RandomState()
        split_rng.set_state(split_state)
        train, validation = self._split(X, Y, y, sample_weight, targets, split_rng)
        if not resplit:  # the shuffles continue the stream after the split
            rng.set_state(split_rng.get_state())
        return train, validation, split_state

    def _previous_run(self, continuing):
        """The stopping rule, and the records a continued fit appends to."""
        stopping = StoppingRule(self.tol, self.n_iter_no_change)
        previous = {
            "loss_curve": [],
            "validation_scores": None,
            "validation_losses": None,
            "history": [],
        }
        if continuing:
            stopping.best_loss = getattr(self, "best_loss_", None) or np.inf
            stopping.best_validation_score = (
                getattr(self, "best_validation_score_", None) or -np.inf
            )
            stopping.no_improvement_count = getattr(self, "_no_improvement_count", 0)
            previous["loss_curve"] = list(getattr(self, "loss_curve_", []))
            if getattr(self, "validation_scores_", None) is not None:
                previous["validation_scores"] = list(self.validation_scores_)
            if getattr(self, "validation_loss_curve_", None) is not None:
                previous["validation_losses"] = list(self.validation_loss_curve_)
            previous["history"] = [dict(r) for r in getattr(self, "history_", [])]
        return stopping, previous

    # ------------------------------------------------------------- helpers

    @staticmethod
    def _drop_zero_weight_rows(X, y, sample_weight):
        """``X, y, sample_weight`` without the rows of weight zero.

        A zero weight means the row is not there, whatever the batching: kept,
        it would still fill a batch slot and change every later batch.
        """
        if sample_weight is None or (keep := sample_weight > 0).all():
            return X, y, sample_weight
        return X[keep], y[keep], sample_weight[keep]

    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if np.iterable(sizes) else [sizes]
        if not all(isinstance(s, Integral) and s > 0 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must hold positive integers (units per hidden "
                f"layer), got {self.hidden_layer_sizes!r}. Remove empty layers, "
                "e.g. hidden_layer_sizes=(100,)."
            )
        return [int(s) for s in sizes]

    def _packed_params(self, layer_units, dtype, coefs=None, intercepts=None):
        """A flat copy of the fitted weights (or of ``coefs``/``intercepts``)."""
        if coefs is None:
            coefs, intercepts = self.coefs_, self.intercepts_
        expected = list(pairwise(layer_units))
        found = [np.shape(W) for W in coefs]
        if found != expected:
            raise ValueError(
                f"The fitted network has layer shapes {found}, but the data and "
                f"hidden_layer_sizes={self.hidden_layer_sizes!r} need {expected}. "
                "warm_start and partial_fit continue the same network: set "
                "warm_start=False (or clone the estimator) to start a new one."
            )
        return pack(coefs, intercepts, dtype)

    def _continued_state(self, solver, params, rng):
        old = getattr(self, "solver_state_", None)
        same_solver = type(getattr(self, "solver_", None)) is type(solver)
        if old is None or not same_solver:
            return solver.init_state(params, rng)
        state = copy.deepcopy(old)
        for name, value in vars(state).items():
            if isinstance(value, np.generic) or not hasattr(value, "shape"):
                continue  # step counts, scales, random states
            if tuple(value.shape[-1:]) != tuple(params.shape):
                return solver.init_state(params, rng)
            if isinstance(value, np.ndarray):
                setattr(state, name, value.astype(params.dtype, copy=False))
        return state

    def _split(self, X, Y, y, sample_weight, targets, rng):
        """``(X, Y, y, w)`` for training and ``(X, Y, w)`` held out."""
        arrays = [X, Y, y] if sample_weight is None else [X, Y, y, sample_weight]
        parts = train_test_split(
            *arrays,
            random_state=rng,
            test_size=self.validation_fraction,
            stratify=self._stratify(Y, targets),
        )
        if sample_weight is None:
            parts += [None, None]
        X_train, X_val, Y_train, Y_val, y_train, _, sw_train, sw_val = parts
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        return (X_train, Y_train, y_train, sw_train), (X_val, Y_val, sw_val)

    def _validated_X_val(self, X_val, y_val, dtype):
        """``X_val`` checked against the training data, ``y_val`` as an array."""
        X_val = validate_data(
            self, X_val, accept_sparse=_SPARSE_FORMATS, dtype=dtype, reset=False
        )
        y_val = np.asarray(y_val)
        if y_val.shape[0] != X_val.shape[0]:
            raise ValueError(
                f"X_val has {X_val.shape[0]} rows but y_val has {y_val.shape[0]}: "
                "give one target per validation sample."
            )
        return X_val, y_val

    def _make_objective(self, X, y, sample_weight=None):
        """Objective on the whole of ``X, y`` and a copy of the parameters.

        Used by :func:`skmomentum.check_gradients`: the parameters are the
        fitted ones, or freshly initialised ones if the estimator is not
        fitted. The estimator itself is not modified.
        """
        fitted = hasattr(self, "coefs_")
        dtype = self.coefs_[0].dtype if fitted else (np.float64, np.float32)
        X, y = check_X_y(
            X, y, accept_sparse=_SPARSE_FORMATS, multi_output=True, dtype=dtype
        )
        Y, out_activation = self._objective_targets(y, X.dtype, fitted)
        layer_units = [X.shape[1], *self._hidden_layer_sizes(), Y.shape[1]]
        if fitted:
            params = self._packed_params(layer_units, X.dtype)
        else:
            rng = check_random_state(self.random_state)
            params = init_params(layer_units, self.activation, X.dtype, rng)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        objective = self._network_objective(
            layer_units, out_activation, X.dtype, X.shape[0]
        ).set_batch(X, Y, sample_weight)
        return objective, params

    def _network_objective(
        self, layer_units, out_activation, dtype, max_batch_size, xp=None, device=None
    ):
        """The network's loss with this estimator's activation, loss and alpha."""
        return NetworkObjective(
            layer_units,
            self.activation,
            out_activation,
            self.loss,
            self.alpha,
            dtype,
            max_batch_size,
            xp,
            device,
        )

    def _fitted_attributes(self, targets, layer_units, out_activation, params):
        """The attributes that describe a network with parameters ``params``."""
        coefs, intercepts = unpack(params, layer_units)
        return {
            **self._targets_attributes(targets),
            "n_outputs_": layer_units[-1],
            "n_layers_": len(layer_units),
            "out_activation_": out_activation,
            "coefs_": coefs,
            "intercepts_": intercepts,
        }

    # ---------------------------------------------------------- prediction

    def _logits(self, X, method="predict"):
        check_is_fitted(self)
        check_same_namespace(X, self, attribute="_first_coefs", method=method)
        X = validate_data(
            self,
            X,
            accept_sparse=_SPARSE_FORMATS,
            dtype=float_dtypes(*_where(X)),
            order=_order_for(X),
            reset=False,
        )
        return forward(self.coefs_, self.intercepts_, self.activation, X)

    @property
    def _first_coefs(self):
        # What check_same_namespace compares inputs with (coefs_ is a list).
        return self.coefs_[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # torch, CuPy, array-api-strict with array_api_dispatch=True; the
        # genetic solver stays numpy-only.
        solver = self.solver
        if isinstance(solver, str):
            solver = SOLVER_ALIASES.get(solver, GradientSolver)
        tags.array_api_support = isinstance(solver, GradientSolver) or (
            isinstance(solver, type) and issubclass(solver, GradientSolver)
        )
        return tags


def _where(array):
    """``(xp, device)`` of ``array``: numpy for lists, DataFrames, sparse."""
    return namespace_and_device(array)


def _on_host(validate):
    """``validate`` fed numpy copies of the (device) parameters."""

    def on_host(params):
        return validate(to_numpy(params))

    return on_host


def _labels_to(labels, xp, device):
    if labels.dtype.kind not in "biuf":
        return labels
    return xp.asarray(labels, device=device)
