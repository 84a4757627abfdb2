"""``MLPMomentumClassifier``: labels, class weights and probabilities.

Everything else (validation, the fit orchestration, the network) is shared
with the regressor in ``_base``.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from ._array_api import labels_like, ops_for, to_numpy
from ._base import BaseMLPMomentum
from ._losses import output_probabilities
from ._targets import (
    binarized_targets,
    check_known_classes,
    class_weight_function,
    combined_weights,
    dense_labels,
    label_binarizer_for,
)
from ._training import validation_metrics


class MLPMomentumClassifier(ClassifierMixin, BaseMLPMomentum):
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
    solver : str or solver object, default="adam"
        An alias (``"gd"``, ``"minibatch"``, ``"sgd"``, ``"momentum"``,
        ``"nesterov"``, ``"rmsprop"``, ``"adam"``, ``"genetic"``) or an object
        such as ``Momentum(learning_rate=0.05, ewma=True)``. The default,
        ``Adam()`` with scikit-learn's ``MLPClassifier`` defaults (learning
        rate 1e-3, batches of ``min(200, n_samples)``), makes the estimator a
        drop-in for ``MLPClassifier()``: its per-parameter step sizes are
        robust to unscaled features, where a fixed learning rate can kill
        every ReLU unit in the first steps. The tutorial's solvers are one
        parameter away (``solver="nesterov"``), best with standardised
        features (a ``StandardScaler`` step). The object is never
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
        ``sample_weight`` is given). Weights must be finite and >= 0, checked
        before they are combined; a class of weight 0 (or whose rows all
        have ``sample_weight`` 0) stays in ``classes_`` and in
        ``predict_proba``'s columns, its probability learnt from no rows, as
        in ``MLPClassifier``. Multiplied with ``sample_weight``, as in
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
        Training loss recorded for the epoch whose weights the model holds:
        the weighted mean, over that epoch's batches, of each batch's loss
        (L2 penalty included) just before its update; its entry in
        ``loss_curve_``. That is the last epoch, or the restored one after
        ``early_stopping`` or ``EarlyStopping(restore_best_weights=True)``.
        The returned weights are evaluated once more on the last batch:
        when a call continues a fitted model, a loss more than 10 times
        ``loss_`` (and the first epoch's loss) raises
        :class:`~skmomentum.DivergenceError` and keeps the previous model.
    loss_curve_ : list of float
        Training loss of every epoch, restored or not (kept growing by
        ``warm_start`` and ``partial_fit``).
    best_loss_ : float or None
        Smallest training loss seen; None with ``early_stopping`` (as
        scikit-learn).
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
        **BaseMLPMomentum._parameter_constraints,
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        loss="log_loss",
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
        class_weight=None,
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
        self.class_weight = class_weight

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
            Inside a ``Pipeline``, route it through the preprocessing
            steps: ``sklearn.set_config(enable_metadata_routing=True)``,
            ``Pipeline(steps, transform_input=["X_val"])`` and
            ``set_fit_request(X_val=True, y_val=True)`` on this estimator
            (the user guide shows it); unrouted, it would reach the network
            untransformed.
        y_val : array-like of shape (n_val,) or (n_val, n_labels), default=None
            Labels of ``X_val`` (classes seen in ``y`` only).

        Returns
        -------
        self : object
            The fitted classifier.

        Raises
        ------
        DivergenceError
            If training diverges (non-finite weights, a loss that explodes,
            or returned weights whose loss blew up in the last update); the
            message names the fix. A previously fitted model is unchanged.

        Warns
        -----
        ConvergenceWarning
            When the fitted network is useless: it predicts one class for
            every training row, or more than 90% of its ReLU units are never
            active on any training row (dead). The message names the likely
            cause (unscaled features, the learning rate) and the fix. The
            check is one forward pass over at most 2,000 evenly spaced
            training rows, once per ``fit``; :meth:`partial_fit` is not
            checked, as a stream's first blocks are expected to train a
            poor model.

        Notes
        -----
        Ctrl-C (``KeyboardInterrupt``) after at least one completed epoch
        keeps the weights of the last completed epoch, with a warning;
        before that, the interrupt propagates and a previously fitted model
        is unchanged. A DataFrame or a C- or Fortran-ordered array is used
        as it is (mini-batches copy their own rows); a strided array is
        copied once to C order, sparse input converted to CSR.
        """
        if (X_val is None) != (y_val is None):
            raise ValueError(
                "X_val and y_val must be given together (the validation data and "
                "its labels), or both left as None."
            )
        if sp.issparse(y_val):  # a sparse indicator matrix, like y
            y_val = y_val.toarray()
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

    # ------------------------------------------------ hooks of the base class

    def _training_data(self, X, y, sample_weight, incremental, classes, continuing):
        """``X, y``, one-hot targets ``Y``, weights and ``(binarizer, weigh)``."""
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(dense_labels(y), warn=True)
        check_classification_targets(y)
        # Labels come from every row, zero-weight ones included: a class whose
        # rows all weigh zero stays in classes_ and predict_proba's columns
        # (its probability learned from no rows), as in MLPClassifier.
        binarizer = label_binarizer_for(
            y,
            previous=getattr(self, "_label_binarizer", None),
            incremental=incremental,
            warm_start=self.warm_start,
            classes=classes,
        )
        # A sparse indicator y trains as its dense version (the binarizer,
        # fitted on it, still returns sparse predictions as scikit-learn's).
        y = dense_labels(y)
        weigh = class_weight_function(
            self.class_weight, y, sample_weight, binarizer.classes_
        )
        sample_weight = combined_weights(
            sample_weight,
            None if weigh is None else weigh(y).astype(X.dtype),
            self.class_weight,
        )
        X, y, sample_weight = self._drop_zero_weight_rows(X, y, sample_weight)
        # uint8 one-hot: an eighth of float64's memory; the batch iterator and
        # NetworkObjective.set_batch turn each batch into float rows.
        Y = binarized_targets(binarizer, y, np.uint8)
        return X, y, Y, sample_weight, (binarizer, weigh)

    def _output_problem(self, logits, y, targets):
        """``"It predicts class c for every ... row"``, or None.

        The classifier's end-of-fit check (see ``_diagnostics``): ``logits``
        are the network's outputs on probed training rows, ``y`` their
        labels. Predicting one class (one label set, for multilabel targets)
        for every row is a problem only if the rows hold several.
        """
        binarizer, out_activation = targets[0], self._out_activation(targets)
        # Which output wins, read off the logits (no probabilities for all
        # rows): the largest for softmax, each above 0 (p > 0.5) for sigmoids.
        if out_activation == "softmax":
            winners = logits.argmax(axis=1)
        else:
            winners = logits > 0
        if len(np.unique(winners, axis=0)) > 1 or len(np.unique(y, axis=0)) < 2:
            return None
        proba = output_probabilities(logits[:1].copy(), out_activation)
        predicted = dense_labels(binarizer.inverse_transform(proba))[0]
        if predicted.ndim:
            return (
                f"it predicts the same labels {predicted.tolist()} for every "
                f"one of the {len(y)} training rows checked"
            )
        return (
            f"it predicts class {predicted.tolist()!r} for every one of the "
            f"{len(y)} training rows checked"
        )

    @staticmethod
    def _out_activation(targets):
        """Softmax for one label among several classes, else a sigmoid per output."""
        binarizer = targets[0]
        return "softmax" if binarizer.y_type_ == "multiclass" else "logistic"

    @staticmethod
    def _stratify(Y, targets):
        # As scikit-learn's MLP: stratify on the binarized labels only when
        # there is one output (binary, or one label), so that the early-stopping
        # split and the random stream after it are the same as MLPClassifier's.
        return Y.astype(bool) if Y.shape[1] == 1 else None

    def _validation_set(self, X_val, y_val, dtype, targets):
        """Validated ``(X_val, Y_val, sample_weight)`` of an explicit set."""
        binarizer, weigh = targets
        X_val, y_val = self._validated_X_val(X_val, y_val, dtype)
        if y_val.ndim == 2 and y_val.shape[1] == 1:
            y_val = column_or_1d(y_val, warn=True)
        check_classification_targets(y_val)
        check_known_classes(
            y_val, binarizer, "y_val", "Remove those rows from the validation set."
        )
        Y_val = binarizer.transform(y_val).astype(dtype)
        sw_val = None if weigh is None else weigh(y_val).astype(dtype)
        return X_val, Y_val, sw_val

    def _validation_metrics(self, layer_units, out_activation, X, Y, sample_weight):
        return validation_metrics(
            layer_units, self.activation, out_activation, self.loss, X, Y, sample_weight
        )

    @staticmethod
    def _targets_attributes(targets):
        binarizer = targets[0]
        return {"_label_binarizer": binarizer, "classes_": binarizer.classes_}

    def _objective_targets(self, y, dtype, fitted):
        binarizer = self._label_binarizer if fitted else LabelBinarizer().fit(y)
        Y = binarizer.transform(y).astype(dtype)
        return Y, self._out_activation((binarizer, None))

    # ---------------------------------------------------------- prediction

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
        labels = self._label_binarizer.inverse_transform(to_numpy(proba))
        return labels_like(labels, proba)

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
        Z = self._logits(X, "predict_proba")
        proba = output_probabilities(Z, self.out_activation_)
        if self._label_binarizer.y_type_ == "binary":
            return ops_for(proba).xp.concat([1 - proba, proba], axis=1)
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
        Z = self._logits(X, "predict_log_proba")
        ops = ops_for(Z)
        if self.out_activation_ == "softmax":
            return ops.log_softmax(Z, axis=1)
        if self._label_binarizer.y_type_ == "binary":
            return ops.xp.concat([ops.log_expit(-Z), ops.log_expit(Z)], axis=1)
        return ops.log_expit(Z)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
