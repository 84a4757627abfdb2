"""``MLPMomentumRegressor``: continuous targets, identity or exp output, R².

Everything else (validation, the fit orchestration, the network) is shared
with the classifier in ``_base``.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array, column_or_1d

from ._array_api import ops_for
from ._base import BaseMLPMomentum
from ._losses import output_probabilities
from ._training import held_out_evaluator

# The output activation that goes with each loss, as in MLPRegressor.
_OUT_ACTIVATIONS = {"squared_error": "identity", "poisson": "exp"}
# Predictions whose spread is at most this share of the spread of y are taken
# as one constant: a dead or saturated network repeats one value to rounding.
_CONSTANT = 1e-6


def regression_targets(y, name, loss):
    """``y`` as a float array: finite, 1-D for one target, non-negative for
    the Poisson loss.

    A column vector becomes 1-D with a ``DataConversionWarning``, as in
    scikit-learn's ``MLPRegressor``.
    """
    if sp.issparse(y):
        raise ValueError(
            f"{name} is a sparse matrix; regression targets must be dense: pass "
            f"{name}.toarray()."
        )
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must hold numbers (regression targets), got values of "
                f"dtype {y.dtype} such as {y.ravel()[:3].tolist()}. For class "
                "labels use MLPMomentumClassifier."
            ) from None
    y = check_array(y, ensure_2d=False, dtype=None, input_name=name)
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    if loss == "poisson" and (y < 0).any():
        raise ValueError(
            "loss='poisson' needs non-negative targets (counts, rates, "
            f"amounts), but {name} has a minimum of {y.min()}. Use "
            "loss='squared_error' for targets that can be negative."
        )
    return y


def regression_metrics(
    layer_units, activation, out_activation, loss, X, Y, sample_weight
):
    """``validate(params) -> (loss, R²)`` on a held-out set.

    The score is :func:`sklearn.metrics.r2_score` with ``sample_weight``,
    averaged uniformly over targets: ``MLPRegressor``'s validation score.
    Non-finite predictions score NaN, as there.
    """

    def r2(Z, prediction):
        if not np.isfinite(prediction).all():
            return np.nan
        return float(r2_score(Y, prediction, sample_weight=sample_weight))

    return held_out_evaluator(
        layer_units, activation, out_activation, loss, X, Y, sample_weight, r2
    )


class MLPMomentumRegressor(RegressorMixin, BaseMLPMomentum):
    """Multi-layer perceptron regressor trained by a pluggable solver object.

    The regression sibling of :class:`MLPMomentumClassifier`, mirroring
    :class:`sklearn.neural_network.MLPRegressor`: fully connected hidden
    layers, a linear output trained on the half squared error, or an
    exponential output trained on the half Poisson deviance, for one target
    or several; any solver from :mod:`skmomentum.solvers`.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        Number of units in each hidden layer.
    activation : {"relu", "tanh", "logistic", "identity"}, default="relu"
        Hidden-layer activation.
    loss : {"squared_error", "poisson"}, default="squared_error"
        ``"squared_error"``: half the squared error with an identity output,
        summed over targets (for one target, ``0.5 * mean((y - p) ** 2)``).
        ``"poisson"``: half the Poisson deviance with an exponential output,
        for non-negative targets such as counts (negative ``y`` is an error).
        Both are the losses of scikit-learn's ``MLPRegressor``, whose
        gradient this follows; for several targets ``MLPRegressor`` reports
        the squared error averaged over targets while stepping along the
        gradient of its sum, and ``loss_curve_`` here reports the sum.
    solver : str or solver object, default="adam"
        An alias (``"gd"``, ``"minibatch"``, ``"sgd"``, ``"momentum"``,
        ``"nesterov"``, ``"rmsprop"``, ``"adam"``, ``"genetic"``) or an object
        such as ``Nesterov(learning_rate=0.01)``. The default is
        ``MLPRegressor``'s: Adam with learning rate 1e-3 and
        ``batch_size="auto"``. The object is never modified: fitting works on
        a copy, stored as ``solver_``, whose state is ``solver_state_``.
        Nested parameters can be set and searched as ``solver__learning_rate``.
    alpha : float, default=1e-4
        L2 penalty. The loss adds ``0.5 * alpha * ||W||**2 / sum(weights)`` of
        the batch, as scikit-learn does.
    max_iter : int, default=200
        Largest number of epochs (passes over the training data).
    tol : float, default=1e-4
        Improvement of the training loss (or validation R² with
        ``early_stopping``) that counts as progress.
    n_iter_no_change : int or inf, default=10
        Stop after this many epochs plus one without progress of ``tol``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data, stop on its
        R², and restore the weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the training data held out with ``early_stopping``.
    shuffle : bool, default=True
        Shuffle the samples every epoch (mini-batch solvers).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and the validation split.
    warm_start : bool, default=False
        Continue from the current weights *and* the solver's state (velocity,
        step count) when ``fit`` is called again; scikit-learn's
        ``MLPRegressor`` resets its optimizer instead. The state is kept as
        long as the solver class is the same.
    verbose : int, default=0
        Print the loss (and validation score) after each epoch when > 0.
    callbacks : list of callback objects or None, default=None
        Objects from :mod:`skmomentum.callbacks` (or any object with some of
        the hooks ``on_train_begin``, ``on_epoch_begin``, ``on_batch_end``,
        ``on_epoch_end``, ``on_train_end``), called in order; a hook
        returning True stops training after the current epoch. Each fit calls
        fresh copies, kept as ``callbacks_``; see
        :class:`MLPMomentumClassifier`.

    Attributes
    ----------
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
        Validation R² of every epoch when there is a validation set
        (``early_stopping`` or ``X_val``), else None.
    best_validation_score_ : float or None
        Best of ``validation_scores_``, or None.
    t_ : int
        Number of training samples seen by the solver.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of targets.
    out_activation_ : {"identity", "exp"}
        Output activation (``"exp"`` with the Poisson loss).
    solver_ : solver object
        The fitted copy of ``solver``.
    solver_state_ : SolverState
        The solver's state after the last update.
    history_ : list of dict
        One record per epoch: ``epoch``, ``loss``, ``val_loss`` and
        ``val_score`` (R², when there is a validation set),
        ``learning_rate`` and ``seconds``; ``pandas.DataFrame(reg.history_)``
        makes a table of it.
    validation_loss_curve_ : list of float or None
        Validation loss (data term, without the L2 penalty) of every epoch
        when there is a validation set, else None.
    callbacks_ : list
        The copies of ``callbacks`` used by the last fit.

    See Also
    --------
    MLPMomentumClassifier : The classification sibling.
    sklearn.neural_network.MLPRegressor : scikit-learn's MLP regressor with a
        string switch between SGD, Adam and L-BFGS.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skmomentum import MLPMomentumRegressor
    >>> from skmomentum.solvers import Nesterov
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0,
    ...                        random_state=0)
    >>> reg = MLPMomentumRegressor(
    ...     hidden_layer_sizes=(16,), solver=Nesterov(learning_rate=0.01),
    ...     max_iter=300, random_state=0,
    ... ).fit(X, y / y.std())
    >>> reg.score(X, y / y.std()) > 0.95
    True
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    _parameter_constraints: dict = {
        **BaseMLPMomentum._parameter_constraints,
        "loss": [StrOptions(set(_OUT_ACTIVATIONS))],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        loss="squared_error",
        solver="adam",
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
        callbacks=None,
    ):
        super().__init__(
            hidden_layer_sizes,
            activation,
            loss=loss,
            solver=solver,
            alpha=alpha,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            shuffle=shuffle,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            callbacks=callbacks,
        )

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Train the network on ``X, y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 input trains in float32.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values (non-negative with ``loss="poisson"``).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; the loss is their weighted mean, so integer
            weights act as repeated rows.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            Validation data, given with ``y_val``: its loss and R² are
            recorded every epoch (``history_``, ``validation_loss_curve_``,
            ``validation_scores_``) and can be monitored by callbacks. With
            ``early_stopping=True`` it replaces the held-out split.
            Inside a ``Pipeline``, route it through the preprocessing
            steps: ``sklearn.set_config(enable_metadata_routing=True)``,
            ``Pipeline(steps, transform_input=["X_val"])`` and
            ``set_fit_request(X_val=True, y_val=True)`` on this estimator
            (the user guide shows it); unrouted, it would reach the network
            untransformed.
        y_val : array-like of shape (n_val,) or (n_val, n_targets), \
                default=None
            Targets of ``X_val``.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        if (X_val is None) != (y_val is None):
            raise ValueError(
                "X_val and y_val must be given together (the validation data and "
                "its targets), or both left as None."
            )
        return self._fit(X, y, sample_weight, incremental=False, val=(X_val, y_val))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for exactly one epoch over ``X, y``, keeping the solver state.

        Callbacks see each call as a training run of one epoch.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call (for example one block of a larger
            data set).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values; the same number of targets on every call.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
            The updated regressor.
        """
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: there is no "
                "held-out set across calls. Set early_stopping=False."
            )
        return self._fit(X, y, sample_weight, incremental=True)

    # ------------------------------------------------ hooks of the base class

    def _training_data(self, X, y, sample_weight, incremental, classes, continuing):
        """``X, y``, the float target matrix ``Y``, weights and no target state."""
        y = regression_targets(y, "y", self.loss)
        # All-zero weights were refused by _check_sample_weight in the base.
        X, y, sample_weight = self._drop_zero_weight_rows(X, y, sample_weight)
        Y = y.reshape(y.shape[0], -1).astype(X.dtype, copy=False)
        return X, y, Y, sample_weight, None

    def _output_problem(self, logits, y, targets):
        """``"It predicts the same value for every ... row"``, or None.

        The regressor's end-of-fit check (see ``_diagnostics``), the analogue
        of the classifier's one class for every row: ``logits`` are the
        network's outputs on probed training rows, ``y`` their targets.
        Predictions that do not vary (to within a millionth of the spread of
        ``y``) while ``y`` does mean the output ignores the input: every
        hidden unit is dead or saturated, and only the output intercept, the
        mean of ``y``, was learnt.
        """
        prediction = np.exp(logits) if self.loss == "poisson" else logits
        Y = y.reshape(y.shape[0], -1)
        y_spread = np.ptp(Y, axis=0).max()
        spread = np.ptp(prediction, axis=0).max()
        # Non-finite predictions compare False: not this problem.
        if not (y_spread > 0 and spread <= _CONSTANT * y_spread):
            return None
        values = np.round(prediction[0], 4).tolist()
        value = values[0] if len(values) == 1 else values
        return (
            f"it predicts the same value {value} for every one of the "
            f"{len(Y)} training rows checked, while y spans {y_spread:.4g}: "
            "the output ignores the input, as when every hidden unit is dead "
            "or saturated (features far from 0 saturate tanh and logistic "
            "units: centre them with a StandardScaler)"
        )

    def _out_activation(self, targets):
        """Identity for the squared error, exp for the Poisson deviance."""
        return _OUT_ACTIVATIONS[self.loss]

    @staticmethod
    def _stratify(Y, targets):
        return None  # continuous targets: a plain random split, as scikit-learn

    def _validation_set(self, X_val, y_val, dtype, targets):
        """Validated ``(X_val, Y_val, None)`` of an explicit set."""
        X_val, y_val = self._validated_X_val(X_val, y_val, dtype)
        y_val = regression_targets(y_val, "y_val", self.loss)
        Y_val = y_val.reshape(y_val.shape[0], -1).astype(dtype, copy=False)
        return X_val, Y_val, None

    def _validation_metrics(self, layer_units, out_activation, X, Y, sample_weight):
        if Y.shape[1] != layer_units[-1]:
            raise ValueError(
                f"y_val has {Y.shape[1]} targets but y has {layer_units[-1]}: "
                "give y_val the same columns as y."
            )
        return regression_metrics(
            layer_units, self.activation, out_activation, self.loss, X, Y, sample_weight
        )

    @staticmethod
    def _targets_attributes(targets):
        return {}

    def _objective_targets(self, y, dtype, fitted):
        y = regression_targets(y, "y", self.loss)
        Y = y.reshape(y.shape[0], -1).astype(dtype, copy=False)
        return Y, self._out_activation(None)

    # ---------------------------------------------------------- prediction

    def predict(self, X):
        """Predict target values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictions: 1-D when the model was fitted on one target (also a
            column vector), else one column per target.
        """
        prediction = output_probabilities(self._logits(X), self.out_activation_)
        if prediction.shape[1] != 1:
            return prediction
        return ops_for(prediction).xp.reshape(prediction, (-1,))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
