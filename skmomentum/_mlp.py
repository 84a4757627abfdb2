"""``MLPMomentumClassifier``: validation, labels and fitted attributes.

The maths is in ``_network``/``_losses``, the epoch loop in ``_training`` and
the update rules in ``solvers``; this class only coordinates them.
"""

import copy
from itertools import pairwise
from numbers import Integral, Real

import numpy as np
from scipy.special import log_expit, log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
)
from sklearn.utils.multiclass import (
    check_classification_targets,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    check_X_y,
    column_or_1d,
    validate_data,
)

from ._activations import ACTIVATIONS
from ._losses import LOSS_FUNCTIONS, output_probabilities
from ._network import NetworkObjective, forward, init_params, pack, unpack
from ._targets import (
    binarized_targets,
    check_known_classes,
    class_weight_function,
    label_binarizer_for,
)
from ._training import BatchIterator, StoppingRule, run_epochs, validation_metrics
from .callbacks import (
    CallbackList,
    SklearnCallbackBridge,
    TrainingContext,
    fresh_copy,
)
from .solvers import SOLVER_ALIASES, resolve_solver

try:  # scikit-learn >= 1.9: experimental callbacks (set_callbacks)
    from sklearn.callback import CallbackSupportMixin as _CallbackSupport
except ImportError:  # pragma: no cover - older scikit-learn

    class _CallbackSupport:
        """Stand-in when ``sklearn.callback`` does not exist."""


class MLPMomentumClassifier(_CallbackSupport, ClassifierMixin, BaseEstimator):
    """Multi-layer perceptron classifier trained by a pluggable solver object.

    A network of fully connected layers (ReLU, tanh, logistic or identity
    hidden units; a sigmoid output for binary and multilabel targets, softmax
    for multiclass) trained on the log-loss or the squared error by any solver
    from :mod:`skmomentum.solvers`: full-batch, mini-batch or stochastic
    gradient descent, momentum in its two forms, Nesterov, RMSprop, Adam.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        Number of units in each hidden layer.
    activation : {"relu", "tanh", "logistic", "identity"}, default="relu"
        Hidden-layer activation.
    loss : {"log_loss", "squared_error"}, default="log_loss"
        Training loss: cross-entropy, or the tutorial's mean squared error on
        the output probabilities (half of it, averaged over outputs, as
        scikit-learn's squared error).
    solver : str or solver object, default="nesterov"
        An alias (``"gd"``, ``"minibatch"``, ``"sgd"``, ``"momentum"``,
        ``"nesterov"``, ``"rmsprop"``, ``"adam"``) or an object such as
        ``Momentum(learning_rate=0.05, ewma=True)``. The object is never
        modified: fitting works on a copy, stored as ``solver_``, whose state
        (velocity, step count) is ``solver_state_``. Nested parameters can be
        set and searched as ``solver__learning_rate``.
    alpha : float, default=1e-4
        L2 penalty. The loss adds ``0.5 * alpha * ||W||**2 / sum(weights)`` of
        the batch, as scikit-learn does.
    max_iter : int, default=200
        Largest number of epochs (passes over the training data).
    tol : float, default=1e-4
        Improvement of the training loss (or validation score with
        ``early_stopping``) that counts as progress.
    n_iter_no_change : int or inf, default=10
        Stop after this many epochs plus one without progress of ``tol``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified),
        stop on its accuracy, and restore the weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the training data held out with ``early_stopping``.
    shuffle : bool, default=True
        Shuffle the samples every epoch (mini-batch solvers).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and the validation split.
    warm_start : bool, default=False
        Continue from the current weights *and* the solver's state (velocity,
        step count) when ``fit`` is called again. scikit-learn's
        ``MLPClassifier`` resets its optimizer instead (scikit-learn issue
        #6091); here the state is kept as long as the solver class is the same.
    verbose : int, default=0
        Print the loss (and validation score) after each epoch when > 0.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, ``{label: weight}``; ``"balanced"`` uses
        ``n_samples / (n_classes * np.bincount(y))`` (weighted counts when
        ``sample_weight`` is given). Multiplied with ``sample_weight``, as in
        scikit-learn's linear models; the explicit validation set of
        :meth:`fit` gets the same class weights. For multilabel targets
        only ``"balanced"``: each label is a binary output and a row's weight
        is the product of its labels' weights (scikit-learn's multi-output
        convention); a dict is an error. In :meth:`partial_fit`,
        ``"balanced"`` uses each block's class frequencies: pass a dict
        computed on the whole data for exact weights.
    callbacks : list of callback objects or None, default=None
        Objects from :mod:`skmomentum.callbacks` (or any object with some of
        the hooks ``on_train_begin``, ``on_epoch_begin``, ``on_batch_end``,
        ``on_epoch_end``, ``on_train_end``), called in order; a hook
        returning True stops training after the current epoch. Callbacks are
        an ordinary parameter, not set by a method, because their objects
        hold hyperparameters only and have ``get_params``: ``clone``,
        ``GridSearchCV`` (also ``callbacks`` as a grid value) and pickling
        treat them like the solver, and ``fit`` never changes them: each fit
        calls a fresh copy, kept as ``callbacks_``. scikit-learn's own
        experimental callbacks (``sklearn.callback.ProgressBar``,
        ``ScoringMonitor``; scikit-learn >= 1.9) attach with
        :meth:`set_callbacks` instead and see one task per epoch.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coefs_ : list of ndarray
        ``coefs_[i]`` has shape ``(n_units[i], n_units[i + 1])``; all layers'
        weights are views into one contiguous parameter vector.
    intercepts_ : list of ndarray
        ``intercepts_[i]`` has shape ``(n_units[i + 1],)``; views as above.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.
    n_iter_ : int
        Epochs run by the last call to ``fit`` (1 after ``partial_fit``).
    loss_ : float
        Training loss of the last epoch.
    loss_curve_ : list of float
        Training loss of every epoch (kept growing by ``warm_start`` and
        ``partial_fit``).
    best_loss_ : float or None
        Smallest training loss seen; None with ``early_stopping``.
    validation_scores_ : list of float or None
        Validation accuracy of every epoch when there is a validation set
        (``early_stopping`` or ``X_val``), else None.
    best_validation_score_ : float or None
        Best of ``validation_scores_``, or None.
    t_ : int
        Number of training samples seen by the solver.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of output units.
    out_activation_ : {"logistic", "softmax"}
        Output activation.
    solver_ : solver object
        The fitted copy of ``solver``.
    solver_state_ : SolverState
        The solver's state after the last update.
    history_ : list of dict
        One record per epoch: ``epoch``, ``loss`` (training, with the L2
        penalty), ``val_loss`` and ``val_score`` (when there is a validation
        set), ``learning_rate`` (the effective rate at the start of the epoch:
        the solver's rate or schedule value times ``solver_state_.lr_scale``;
        None for solvers without one) and ``seconds``. Grows across
        ``warm_start`` and ``partial_fit`` calls like ``loss_curve_``;
        ``pandas.DataFrame(clf.history_)`` makes a table of it.
    validation_loss_curve_ : list of float or None
        Validation loss of every epoch when there is a validation set
        (``early_stopping`` or ``X_val``), else None. It is the data term of
        the loss only, without the L2 penalty, so it measures the fit to
        held-out data and stays comparable across values of ``alpha``.
    callbacks_ : list
        The copies of ``callbacks`` used by the last fit; they hold what the
        callbacks recorded (``callbacks_[0].best_epoch_``, ...).

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP with a string
        switch between SGD, Adam and L-BFGS.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skmomentum import MLPMomentumClassifier
    >>> from skmomentum.solvers import Momentum
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPMomentumClassifier(
    ...     hidden_layer_sizes=(16,), solver=Momentum(learning_rate=0.05),
    ...     max_iter=300, random_state=0,
    ... ).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "loss": [StrOptions(set(LOSS_FUNCTIONS))],
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
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "callbacks": [list, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        loss="log_loss",
        solver="nesterov",
        alpha=1e-4,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        class_weight=None,
        callbacks=None,
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
        self.class_weight = class_weight
        self.callbacks = callbacks

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Train the network on ``X, y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 input trains in float32.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a multilabel indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; the loss is their weighted mean, so integer
            weights act as repeated rows.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            Validation data, given with ``y_val``: its loss and accuracy are
            recorded every epoch (``history_``, ``validation_loss_curve_``,
            ``validation_scores_``) and can be monitored by callbacks. With
            ``early_stopping=True`` it replaces the held-out split.
        y_val : array-like of shape (n_val,) or (n_val, n_labels), default=None
            Labels of ``X_val`` (classes seen in ``y`` only).

        Returns
        -------
        self : object
            The fitted classifier.
        """
        if (X_val is None) != (y_val is None):
            raise ValueError(
                "X_val and y_val must be given together (the validation data and "
                "its labels), or both left as None."
            )
        return self._fit(X, y, sample_weight, incremental=False, val=(X_val, y_val))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for exactly one epoch over ``X, y``, keeping the solver state.

        Callbacks see each call as a training run of one epoch.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call (for example one block of a larger
            data set).
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a multilabel indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data set. Required on the first call
            (except for multilabel targets); may be repeated, unchanged, on
            later calls.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
            The updated classifier.
        """
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: there is no "
                "held-out set across calls. Set early_stopping=False."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

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
        X, y, Y, sample_weight, binarizer, weigh = self._training_data(
            X, y, sample_weight, incremental, classes, continuing
        )
        layer_units = [X.shape[1], *hidden, Y.shape[1]]
        out_activation = _out_activation(binarizer)
        rng = (
            self._random_state
            if incremental and hasattr(self, "_random_state")
            else check_random_state(self.random_state)
        )
        # Work on copies so that a failure leaves the fitted model untouched.
        if continuing:
            params = self._packed_params(layer_units, X.dtype)
            state = self._continued_state(solver, params, rng)
        else:
            params = init_params(layer_units, self.activation, X.dtype, rng)
            state = solver.init_state(params, rng)
        stopping, previous = self._previous_run(continuing)

        train = (X, Y, y, sample_weight)
        validation = None
        if val[0] is not None:
            validation = self._validation_set(*val, X.dtype, binarizer, weigh)
        elif self.early_stopping:
            train, validation = self._split(X, Y, y, sample_weight, binarizer, rng)
        validate = best_params = None
        if validation is not None:
            validate = validation_metrics(
                layer_units, self.activation, out_activation, self.loss, *validation
            )
        if self.early_stopping:
            best_params = (
                self._packed_params(
                    layer_units, X.dtype, self._best_coefs, self._best_intercepts
                )
                if continuing and hasattr(self, "_best_coefs")
                else params.copy()
            )

        X_train, Y_train, y_train, sw_train = train
        batch_size = solver.resolve_batch_size(X_train.shape[0])
        objective = NetworkObjective(
            layer_units,
            self.activation,
            out_activation,
            self.loss,
            self.alpha,
            X.dtype,
            batch_size,
        )
        batches = BatchIterator(
            X_train, Y_train, sw_train, batch_size, self.shuffle, rng
        )
        max_iter = 1 if incremental else self.max_iter
        callbacks = [fresh_copy(cb) for cb in self.callbacks or []]
        hooks = list(callbacks)
        bridge = None
        if hasattr(self, "_init_callback_context"):

            def fitted_attributes(params):
                return _fitted_attributes(
                    binarizer, layer_units, out_activation, params.copy()
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
            history=history,
            callbacks=CallbackList(hooks) if hooks else None,
            context=context,
            incremental=incremental,
            verbose=self.verbose,
        )
        if bridge is not None:
            bridge.end(params)

        # Training succeeded: commit everything at once.
        if self.early_stopping:
            self._best_coefs, self._best_intercepts = unpack(
                best_params.copy(), layer_units
            )
        vars(self).update(
            _fitted_attributes(binarizer, layer_units, out_activation, params)
        )
        self.solver_ = solver
        self.solver_state_ = state
        self._random_state = rng
        self.n_iter_ = log.n_iter
        self.t_ = (getattr(self, "t_", 0) if continuing else 0) + log.n_samples_seen
        self.loss_curve_ = previous["loss_curve"] + log.loss_curve
        # NaN if Ctrl-C came before the first epoch finished.
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else np.nan
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

    def _training_data(self, X, y, sample_weight, incremental, classes, continuing):
        """Validated ``X, y``, targets ``Y``, weights and the label binarizer."""
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            # A fitted model keeps its dtype; a new one takes float32 or float64.
            dtype=self.coefs_[0].dtype if continuing else (np.float64, np.float32),
            reset=not continuing,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        known = [] if classes is None else list(unique_labels(classes))
        known += list(getattr(self, "classes_", []))
        weigh = class_weight_function(self.class_weight, y, sample_weight, known)
        if weigh is not None:
            cw = weigh(y).astype(X.dtype)
            sample_weight = cw if sample_weight is None else sample_weight * cw
        if sample_weight is not None:
            if not sample_weight.sum() > 0:
                raise ValueError(
                    "sample_weight sums to zero: at least one sample needs a "
                    "positive weight."
                )
            # A zero weight means the row is not there, whatever the batching.
            keep = sample_weight > 0
            if not keep.all():
                X, y, sample_weight = X[keep], y[keep], sample_weight[keep]
        binarizer = label_binarizer_for(
            y,
            previous=getattr(self, "_label_binarizer", None),
            incremental=incremental,
            warm_start=self.warm_start,
            classes=classes,
        )
        # uint8 one-hot: an eighth of float64's memory; the batch iterator and
        # NetworkObjective.set_batch turn each batch into float rows.
        Y = binarized_targets(binarizer, y, np.uint8)
        return X, y, Y, sample_weight, binarizer, weigh

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
            if isinstance(value, np.ndarray) and value.shape[-1:] != params.shape:
                return solver.init_state(params, rng)
            if isinstance(value, np.ndarray):
                setattr(state, name, value.astype(params.dtype, copy=False))
        return state

    def _split(self, X, Y, y, sample_weight, binarizer, rng):
        """``(X, Y, y, w)`` for training and ``(X, Y, w)`` held out."""
        multilabel = binarizer.y_type_.startswith("multilabel")
        # Stratify on the binarized labels, as scikit-learn does.
        stratify = None if multilabel else Y.astype(bool)
        arrays = [X, Y, y] if sample_weight is None else [X, Y, y, sample_weight]
        parts = train_test_split(
            *arrays,
            random_state=rng,
            test_size=self.validation_fraction,
            stratify=stratify,
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

    def _validation_set(self, X_val, y_val, dtype, binarizer, weigh):
        """Validated ``(X_val, Y_val, sample_weight)`` of an explicit set."""
        X_val = validate_data(
            self, X_val, accept_sparse=["csr", "csc"], dtype=dtype, reset=False
        )
        y_val = np.asarray(y_val)
        if y_val.ndim == 2 and y_val.shape[1] == 1:
            y_val = column_or_1d(y_val, warn=True)
        if y_val.shape[0] != X_val.shape[0]:
            raise ValueError(
                f"X_val has {X_val.shape[0]} rows but y_val has {y_val.shape[0]}: "
                "give one label per validation sample."
            )
        check_classification_targets(y_val)
        check_known_classes(
            y_val, binarizer, "y_val", "Remove those rows from the validation set."
        )
        Y_val = binarizer.transform(y_val).astype(dtype)
        sw_val = None if weigh is None else weigh(y_val).astype(dtype)
        return X_val, Y_val, sw_val

    def _make_objective(self, X, y, sample_weight=None):
        """Objective on the whole of ``X, y`` and a copy of the parameters.

        Used by :func:`skmomentum.check_gradients`: the parameters are the
        fitted ones, or freshly initialised ones if the estimator is not
        fitted. The estimator itself is not modified.
        """
        fitted = hasattr(self, "coefs_")
        dtype = self.coefs_[0].dtype if fitted else (np.float64, np.float32)
        X, y = check_X_y(
            X, y, accept_sparse=["csr", "csc"], multi_output=True, dtype=dtype
        )
        binarizer = self._label_binarizer if fitted else LabelBinarizer().fit(y)
        Y = binarizer.transform(y).astype(X.dtype)
        layer_units = [X.shape[1], *self._hidden_layer_sizes(), Y.shape[1]]
        if fitted:
            params = self._packed_params(layer_units, X.dtype)
        else:
            rng = check_random_state(self.random_state)
            params = init_params(layer_units, self.activation, X.dtype, rng)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        out_activation = _out_activation(binarizer)
        objective = NetworkObjective(
            layer_units,
            self.activation,
            out_activation,
            self.loss,
            self.alpha,
            X.dtype,
            X.shape[0],
        ).set_batch(X, Y, sample_weight)
        return objective, params

    # ---------------------------------------------------------- prediction

    def _logits(self, X):
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        return forward(self.coefs_, self.intercepts_, self.activation, X)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels (an indicator matrix for multilabel targets).
        """
        proba = output_probabilities(self._logits(X), self.out_activation_)
        return self._label_binarizer.inverse_transform(proba)

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_`` (for multilabel
            targets, the probability of each label).
        """
        proba = output_probabilities(self._logits(X), self.out_activation_)
        if self._label_binarizer.y_type_ == "binary":
            return np.hstack([1 - proba, proba])
        return proba

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed from the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities, finite even where a probability rounds to zero.
        """
        Z = self._logits(X)
        if self.out_activation_ == "softmax":
            return log_softmax(Z, axis=1)
        if self._label_binarizer.y_type_ == "binary":
            return np.hstack([log_expit(-Z), log_expit(Z)])
        return log_expit(Z)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.sparse = True
        return tags


_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


def _out_activation(binarizer):
    """Softmax for one label among several classes, else a sigmoid per output."""
    return "softmax" if binarizer.y_type_ == "multiclass" else "logistic"


def _fitted_attributes(binarizer, layer_units, out_activation, params):
    """The attributes that describe a network with parameters ``params``."""
    coefs, intercepts = unpack(params, layer_units)
    return {
        "_label_binarizer": binarizer,
        "classes_": binarizer.classes_,
        "n_outputs_": layer_units[-1],
        "n_layers_": len(layer_units),
        "out_activation_": out_activation,
        "coefs_": coefs,
        "intercepts_": intercepts,
    }
