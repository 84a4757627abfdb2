"""Nesterov, Momentum and MiniBatchGD reproduce MLPClassifier(solver="sgd").

Same random_state, same hyperparameters: the same weight initialisation,
the same early-stopping split, the same shuffling stream, so the same run
(n_iter_, loss_curve_, validation_scores_ and weights agree to rounding).

The momentum conventions differ only in where the learning rate sits:
scikit-learn keeps ``v <- mu * v - eta * g`` and steps by ``v`` (Nesterov:
``mu * v - eta * g``); ours keeps ``v <- mu * v + g`` and steps by
``-eta * v`` (Nesterov: ``-eta * (g + mu * v)``). With a constant learning
rate their velocity is ours times ``-eta``, so the updates are the same.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import MiniBatchGD, Momentum, Nesterov

X_iris, y_iris = load_iris(return_X_y=True)
X_iris = StandardScaler().fit_transform(X_iris)
X_multilabel, Y_multilabel = make_multilabel_classification(
    n_samples=120, n_features=6, n_classes=3, random_state=0
)
TARGETS = {
    "binary": (X_iris, (y_iris == 1).astype(int)),
    "multiclass": (X_iris, y_iris),
    "multilabel": (X_multilabel, Y_multilabel),
}
RATE, MU, BATCH = 0.05, 0.8, 16
SOLVERS = {
    # ours, and the MLPClassifier parameters of the same update rule
    "nesterov": (
        Nesterov(RATE, momentum=MU, batch_size=BATCH),
        dict(momentum=MU, nesterovs_momentum=True),
    ),
    "momentum": (
        Momentum(RATE, momentum=MU, batch_size=BATCH),
        dict(momentum=MU, nesterovs_momentum=False),
    ),
    "minibatch": (MiniBatchGD(RATE, batch_size=BATCH), dict(momentum=0.0)),
}


def fit_both(target, solver, **common):
    X, y = TARGETS[target]
    ours, theirs = SOLVERS[solver]
    common = dict(
        hidden_layer_sizes=(7,),
        alpha=1e-3,
        max_iter=40,
        tol=1e-4,
        n_iter_no_change=5,
        random_state=3,
        **common,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = MLPClassifier(
            solver="sgd",
            learning_rate="constant",
            learning_rate_init=RATE,
            batch_size=BATCH,
            **theirs,
            **common,
        ).fit(X, y)
        clf = MLPMomentumClassifier(solver=ours, **common).fit(X, y)
    return sk, clf


def assert_same_weights(sk, clf):
    for theirs, ours in zip(sk.coefs_ + sk.intercepts_, clf.coefs_ + clf.intercepts_):
        assert_allclose(ours, theirs, rtol=0, atol=1e-12)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("shuffle", [True, False])
def test_same_run_as_mlpclassifier(target, solver, shuffle):
    sk, clf = fit_both(target, solver, shuffle=shuffle)
    assert clf.n_iter_ == sk.n_iter_
    assert_allclose(clf.loss_curve_, sk.loss_curve_, rtol=1e-12)
    assert clf.loss_ == pytest.approx(sk.loss_, rel=1e-12)
    assert_same_weights(sk, clf)
    assert_array_equal(clf.predict(TARGETS[target][0]), sk.predict(TARGETS[target][0]))


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("target", TARGETS)
def test_same_early_stopping_run_as_mlpclassifier(target, solver):
    # scikit-learn stratifies the split only with one output (binary), on the
    # binarized labels; the multiclass and multilabel splits are plain.
    sk, clf = fit_both(target, solver, shuffle=True, early_stopping=True)
    assert clf.n_iter_ == sk.n_iter_ < 40
    assert clf.validation_scores_ == sk.validation_scores_
    assert clf.best_validation_score_ == sk.best_validation_score_
    assert clf.best_loss_ is None and sk.best_loss_ is None
    assert_allclose(clf.loss_curve_, sk.loss_curve_, rtol=1e-12)
    # Both restore the best epoch's weights...
    assert_same_weights(sk, clf)
    # ... but our loss_ is that epoch's loss; scikit-learn's is the last one.
    best = clf.validation_scores_.index(clf.best_validation_score_)
    assert clf.loss_ == clf.loss_curve_[best]


def test_split_is_stratified_only_with_one_output():
    # scikit-learn: ``stratify = y if n_outputs_ == 1 else None`` on binarized y.
    one_output = np.array([[0], [1], [1], [0]], dtype=np.uint8)
    assert_array_equal(
        MLPMomentumClassifier._stratify(one_output, None), one_output.astype(bool)
    )
    one_hot = np.eye(3, dtype=np.uint8)[[0, 1, 2, 1]]
    assert MLPMomentumClassifier._stratify(one_hot, None) is None
