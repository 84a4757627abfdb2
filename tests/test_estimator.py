"""Behaviour of MLPMomentumClassifier that users rely on."""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import GD, SGD, Adam, MiniBatchGD, Momentum, Nesterov

X_iris, y_iris = load_iris(return_X_y=True)
X_iris = StandardScaler().fit_transform(X_iris)


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def small(**params):
    defaults = dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    return MLPMomentumClassifier(**{**defaults, **params})


@pytest.mark.parametrize(
    "alias", ["gd", "minibatch", "sgd", "momentum", "nesterov", "rmsprop", "adam"]
)
def test_every_alias_reaches_95_percent_on_digits(alias, digits_split):
    X_train, X_test, y_train, y_test = digits_split
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPMomentumClassifier(solver=alias, random_state=0)
        clf.fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.95


def test_hand_worked_full_batch_step():
    # scikit-learn's worked example (test_mlp.py::test_fit): one sample, so GD
    # and partial_fit make exactly one step from the weights set here.
    X = np.array([[0.6, 0.8, 0.7]])
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=2, activation="logistic", alpha=0.1, solver=GD(0.1)
    )
    clf.coefs_ = [
        np.array([[0.1, 0.2], [0.3, 0.1], [0.5, 0]]),
        np.array([[0.1], [0.2]]),
    ]
    clf.intercepts_ = [np.array([0.1, 0.1]), np.array([1.0])]
    clf.partial_fit(X, [0], classes=[0, 1])
    # h = g(X W1 + b1) = [0.6791787, 0.5744425]; o = g(h W2 + b2) = 0.7654520
    # delta2 = o - y = 0.7654520; delta1 = h (1 - h) W2 delta2 = [0.0166788, 0.0374242]
    # W1 -= 0.1 (X^T delta1 + 0.1 W1): W1[2] = [0.5 - 0.1 (0.7 * 0.0166788 + 0.05),
    #                                         0 - 0.1 (0.7 * 0.0374242)]
    # (scikit-learn's comment uses 0.6 for X3 there; its test passes at 3 decimals)
    # W2 -= 0.1 (h^T delta2 + 0.1 W2); b1 -= 0.1 delta1; b2 -= 0.1 delta2
    assert_allclose(
        clf.coefs_[0],
        [[0.0979993, 0.1957546], [0.2956657, 0.0960061], [0.4938325, -0.0026197]],
        atol=1e-7,
    )
    assert_allclose(clf.coefs_[1], [[0.0470121], [0.1540292]], atol=1e-7)
    assert_allclose(clf.intercepts_[0], [0.0983321, 0.0962576], atol=1e-7)
    assert_allclose(clf.intercepts_[1], [0.9234548], atol=1e-7)
    assert clf.predict_proba(X)[0, 1] == pytest.approx(0.7394919, abs=1e-7)


def test_coefs_are_views_of_one_buffer():
    clf = small().fit(X_iris, y_iris)
    buffer = clf.coefs_[0].base
    assert buffer is not None and buffer.ndim == 1
    assert all(a.base is buffer for a in clf.coefs_ + clf.intercepts_)


def test_pipeline_cross_val_and_grid_search_over_solver_objects():
    X, y = load_digits(return_X_y=True)
    X, y = X[:400], y[:400]
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("mlp", small(hidden_layer_sizes=(16,), solver=Nesterov(0.1))),
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipe, X, y, cv=3)
        assert scores.mean() > 0.85
        momentum, nesterov = Momentum(learning_rate=0.05), Nesterov()
        grid = {
            "mlp__solver": [momentum, nesterov],
            "mlp__solver__momentum": [0.5, 0.9],
        }
        search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_.named_steps["mlp"]
    assert best.solver_.momentum == search.best_params_["mlp__solver__momentum"]
    # The grid's objects are cloned, never modified.
    assert momentum.momentum == 0.9 and nesterov.momentum == 0.9


def test_clone_and_pickle_round_trip_predict_identically():
    clf = small(solver=Momentum(learning_rate=0.05, ewma=True)).fit(X_iris, y_iris)
    restored = pickle.loads(pickle.dumps(clf))
    assert_array_equal(restored.predict_proba(X_iris), clf.predict_proba(X_iris))
    cloned = clone(clf).fit(X_iris, y_iris)
    assert_array_equal(cloned.predict_proba(X_iris), clf.predict_proba(X_iris))
    assert not hasattr(clone(clf), "coefs_")


def test_fit_never_mutates_the_solver_object():
    solver = Nesterov(learning_rate=0.05)
    clf = small(solver=solver).fit(X_iris, y_iris)
    assert clf.solver is solver and clf.solver_ is not solver
    assert vars(solver) == vars(Nesterov(learning_rate=0.05))
    assert clf.solver_state_.t > 0


def test_nested_solver_params():
    clf = MLPMomentumClassifier(solver=Momentum())
    clf.set_params(solver__momentum=0.5, solver__ewma=True)
    assert clf.get_params()["solver__momentum"] == 0.5
    assert clf.solver.ewma is True


def test_partial_fit_repeated_equals_fit():
    fitted = small(solver=MiniBatchGD(0.1, batch_size=32), tol=0)
    with pytest.warns(ConvergenceWarning):
        fitted.set_params(max_iter=5).fit(X_iris, y_iris)
    incremental = small(solver=MiniBatchGD(0.1, batch_size=32))
    for _ in range(5):
        incremental.partial_fit(X_iris, y_iris, classes=np.unique(y_iris))
    for a, b in zip(
        fitted.coefs_ + fitted.intercepts_, incremental.coefs_ + incremental.intercepts_
    ):
        assert_allclose(a, b)
    assert incremental.t_ == 5 * len(X_iris)
    assert len(incremental.loss_curve_) == 5


def test_warm_start_continues_weights_and_solver_state():
    params = dict(solver=Momentum(0.05, batch_size=50), shuffle=False, tol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        straight = small(max_iter=10, **params).fit(X_iris, y_iris)
        warm = small(max_iter=5, warm_start=True, **params).fit(X_iris, y_iris)
        warm.fit(X_iris, y_iris)
    assert warm.n_iter_ == 5 and len(warm.loss_curve_) == 10
    assert warm.solver_state_.t == straight.solver_state_.t
    assert_allclose(warm.coefs_[0], straight.coefs_[0])
    assert_allclose(warm.loss_curve_, straight.loss_curve_)


def test_warm_start_with_other_classes_is_refused():
    clf = small(warm_start=True).fit(X_iris, y_iris)
    with pytest.raises(ValueError, match="warm_start can only be used"):
        clf.fit(X_iris, np.where(y_iris == 2, 3, y_iris))


def test_sample_weight_integers_equal_repeated_rows_under_gd():
    rng = np.random.RandomState(0)
    weights = rng.randint(0, 3, len(X_iris))
    repeated = np.repeat(np.arange(len(X_iris)), weights)
    est = small(solver=GD(0.5), max_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = clone(est).fit(X_iris, y_iris, sample_weight=weights)
        expanded = clone(est).fit(X_iris[repeated], y_iris[repeated])
    assert_allclose(weighted.predict_proba(X_iris), expanded.predict_proba(X_iris))
    assert_allclose(weighted.loss_curve_, expanded.loss_curve_)


def test_sample_weight_matters_with_one_sample_per_batch():
    weights = np.where(y_iris == 0, 10.0, 1.0)
    kw = dict(solver=SGD(0.01), max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = small(**kw).fit(X_iris, y_iris, sample_weight=weights)
        b = small(**kw).fit(X_iris, y_iris)
    assert not np.allclose(a.coefs_[0], b.coefs_[0])


def test_sparse_input_matches_dense():
    X = X_iris.copy()
    X[X < 0] = 0
    dense = small().fit(X, y_iris)
    for fmt in (sp.csr_matrix, sp.csc_matrix):
        sparse = small().fit(fmt(X), y_iris)
        assert_allclose(sparse.predict_proba(fmt(X)), dense.predict_proba(X))


def test_multilabel_targets():
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = small(max_iter=200, solver=Adam(learning_rate=0.05)).fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 4
    assert clf.predict(X).shape == Y.shape
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and np.all((proba >= 0) & (proba <= 1))
    assert clf.score(X, Y) > 0.9


def test_string_labels_and_pandas_feature_names():
    frame = pd.DataFrame(X_iris, columns=["a", "b", "c", "d"])
    labels = np.array(["setosa", "versicolor", "virginica"])[y_iris]
    clf = small(early_stopping=True).fit(frame, labels)
    assert list(clf.feature_names_in_) == ["a", "b", "c", "d"]
    assert set(clf.predict(frame)) <= set(labels)
    assert_array_equal(clf.classes_, np.unique(labels))


def test_float32_trains_and_predicts_in_float32():
    clf = small().fit(X_iris.astype(np.float32), y_iris)
    assert all(a.dtype == np.float32 for a in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X_iris.astype(np.float32)).dtype == np.float32
    assert clf.solver_state_.exp_avg.dtype == np.float32  # Adam, the default


def test_predict_log_proba_is_log_of_predict_proba():
    for y in (y_iris, (y_iris == 0).astype(int)):
        clf = small().fit(X_iris, y)
        assert_allclose(
            clf.predict_log_proba(X_iris), np.log(clf.predict_proba(X_iris)), atol=1e-10
        )


def test_squared_error_loss_trains_binary_and_multiclass():
    for y in (y_iris, (y_iris == 0).astype(int)):
        clf = small(loss="squared_error", max_iter=300, solver=Adam(0.01))
        clf.fit(X_iris, y)
        assert clf.score(X_iris, y) > 0.9


def test_early_stopping_records_scores_and_restores_best():
    clf = small(early_stopping=True, max_iter=200, tol=0.01, n_iter_no_change=5)
    clf.fit(X_iris, y_iris)
    assert clf.best_loss_ is None
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.n_iter_ < 200


def test_stopping_on_training_loss_and_convergence_warning():
    clf = small(tol=0.5, max_iter=3000, solver="minibatch").fit(X_iris, y_iris)
    assert clf.n_iter_ < 3000
    assert clf._no_improvement_count == clf.n_iter_no_change + 1
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        small(max_iter=2).fit(X_iris, y_iris)


def test_verbose_prints_one_line_per_epoch(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        small(max_iter=3, verbose=1).fit(X_iris, y_iris)
    out = capsys.readouterr().out
    assert out.count("Iteration") == 3


# ----------------------------------------------------------------- bad input


def test_divergence_names_the_learning_rate_and_keeps_the_old_model():
    X = X_iris * 100
    clf = small(solver=GD(0.01), warm_start=True).fit(X, y_iris)
    before = clf.predict_proba(X)
    coefs_before = [c.copy() for c in clf.coefs_]
    clf.set_params(solver=GD(1e4))
    with pytest.raises(ValueError, match=re.escape("learning rate 10000.0")):
        clf.fit(X, y_iris)
    assert_array_equal(clf.predict_proba(X), before)
    assert_array_equal(clf.coefs_[0], coefs_before[0])
    assert isinstance(clf.solver_, GD) and clf.solver_.learning_rate == 0.01


def test_failed_refit_keeps_previous_model():
    clf = small().fit(X_iris, y_iris)
    before = clf.predict(X_iris)
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(np.full_like(X_iris, np.nan), y_iris)
    with pytest.raises(ValueError, match="only one class"):
        clf.fit(X_iris, np.zeros(len(X_iris)))
    assert_array_equal(clf.predict(X_iris), before)


def test_failed_fit_on_other_features_keeps_input_checks():
    frame = pd.DataFrame(X_iris, columns=["a", "b", "c", "d"])
    clf = small().fit(frame, y_iris)
    before = clf.predict_proba(frame)
    clf.set_params(solver=GD(1e6))
    with pytest.raises(ValueError, match="diverged"):
        clf.fit(frame[["a", "b"]] * 100, y_iris)
    assert clf.n_features_in_ == 4
    assert list(clf.feature_names_in_) == ["a", "b", "c", "d"]
    assert_array_equal(clf.predict_proba(frame), before)


@pytest.mark.parametrize(
    "X, message",
    [
        (np.array([[1.0, np.nan], [2.0, 3.0]]), "NaN"),
        (np.array([[1.0, np.inf], [2.0, 3.0]]), "infinity"),
        (np.array([1.0, 2.0]), "Expected 2D array"),
        (np.empty((0, 2)), "0 sample"),
    ],
)
def test_bad_X_at_fit(X, message):
    with pytest.raises(ValueError, match=message):
        small().fit(X, np.arange(len(X)) % 2)


def test_wrong_number_of_features_at_predict():
    clf = small().fit(X_iris, y_iris)
    with pytest.raises(ValueError, match=r"X has 3 features, but .* expecting 4"):
        clf.predict(X_iris[:, :3])


def test_single_class_is_refused_with_a_fix():
    with pytest.raises(ValueError, match=r"only one class.*at least two"):
        small().fit(X_iris, np.ones(len(X_iris)))


def test_partial_fit_class_errors():
    clf = small()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X_iris, y_iris)
    with pytest.raises(ValueError, match=re.escape("classes [2] that are not")):
        small().partial_fit(X_iris[:100], y_iris[:100] + 1, classes=[0, 1])
    clf.partial_fit(X_iris[:100], y_iris[:100], classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"classes.*not in classes_"):
        clf.partial_fit(X_iris[:5], [0, 1, 2, 3, 0])
    with pytest.raises(ValueError, match="not the same as on the first call"):
        clf.partial_fit(X_iris, y_iris, classes=[0, 1, 2, 3])
    clf.partial_fit(X_iris[100:], y_iris[100:], classes=[0, 1, 2])  # same: fine


def test_partial_fit_refuses_early_stopping():
    with pytest.raises(ValueError, match="early_stopping"):
        small(early_stopping=True).partial_fit(X_iris, y_iris, classes=[0, 1, 2])


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(solver=GD(learning_rate=-0.1)), "'learning_rate' parameter of GD"),
        (dict(solver=Momentum(momentum=1.0)), r"'momentum' parameter .*\[0.0, 1.0\)"),
        (dict(solver=Momentum(momentum=-0.1)), "'momentum' parameter"),
        (dict(solver=Momentum(bias_correction=True)), "needs ewma=True"),
        (dict(solver=MiniBatchGD(batch_size=0)), "'batch_size' parameter"),
        (dict(hidden_layer_sizes=(10, 0)), "hidden_layer_sizes"),
        (dict(solver="nesterow"), "'solver' parameter"),
        (dict(alpha=-1.0), "'alpha' parameter"),
    ],
)
def test_invalid_hyperparameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        small(**params).fit(X_iris, y_iris)


def test_solver_class_instead_of_instance():
    with pytest.raises(
        TypeError, match=r"is a class; pass an instance such as Momentum\(\)"
    ):
        small(solver=Momentum).fit(X_iris, y_iris)


def test_validation_set_too_small():
    X, Y = make_multilabel_classification(n_samples=10, n_classes=3, random_state=0)
    with pytest.raises(ValueError, match="validation set is too small"):
        small(early_stopping=True).fit(X, Y)
    with pytest.raises(ValueError, match="should be greater or equal to the number"):
        small(early_stopping=True).fit(X_iris[45:55], y_iris[45:55])
