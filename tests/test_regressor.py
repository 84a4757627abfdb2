"""Behaviour of MLPMomentumRegressor that users rely on."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmomentum import MLPMomentumRegressor, check_gradients
from skmomentum._network import init_params, unpack
from skmomentum._regressor import regression_metrics
from skmomentum._training import DivergenceError
from skmomentum.callbacks import EarlyStopping
from skmomentum.solvers import SGD, Adam, Genetic, MiniBatchGD, Momentum, Nesterov

ACTIVATIONS = ["relu", "tanh", "logistic", "identity"]


def regression_data(n_targets=1, n_samples=120, seed=0):
    X, y = make_regression(
        n_samples=n_samples,
        n_features=6,
        n_informative=4,
        n_targets=n_targets,
        noise=5.0,
        random_state=seed,
    )
    return StandardScaler().fit_transform(X), y / y.std(axis=0)


def count_data(n_targets=1, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(150, 4))
    rate = np.exp(0.5 * X[:, :n_targets] - 0.2 * X[:, 3:4])
    y = rng.poisson(rate).astype(float)
    return X, y.ravel() if n_targets == 1 else y


X1, y1 = regression_data()
X3, y3 = regression_data(n_targets=3)


def small(**params):
    defaults = dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    return MLPMomentumRegressor(**{**defaults, **params})


def fit_quietly(estimator, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


# ----------------------------------------------------------- targets, shapes


def test_one_target_predicts_1d_and_several_targets_2d():
    reg = fit_quietly(small(), X1, y1)
    assert reg.predict(X1).shape == (len(X1),)
    assert reg.n_outputs_ == 1
    reg = fit_quietly(small(), X3, y3)
    assert reg.predict(X3).shape == (len(X3), 3)
    assert reg.n_outputs_ == 3


def test_column_vector_is_raveled_with_a_warning_as_mlpregressor():
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = fit_quietly(small(), X1, y1.reshape(-1, 1))
    flat = fit_quietly(small(), X1, y1)
    assert column.predict(X1).shape == (len(X1),)
    assert_array_equal(column.predict(X1), flat.predict(X1))


def test_out_activation_follows_the_loss():
    assert fit_quietly(small(), X1, y1).out_activation_ == "identity"
    X, y = count_data()
    reg = fit_quietly(small(loss="poisson"), X, y)
    assert reg.out_activation_ == "exp"
    assert (reg.predict(X) > 0).all()


def test_negative_targets_with_poisson_are_a_clear_error():
    with pytest.raises(ValueError, match="loss='poisson' needs non-negative"):
        small(loss="poisson").fit(X1, y1)


def test_poisson_error_also_for_negative_validation_targets():
    X, y = count_data()
    with pytest.raises(ValueError, match="y_val has a minimum of -1"):
        small(loss="poisson").fit(X, y, X_val=X[:5], y_val=[1, 2, -1, 0, 3])


def test_string_targets_are_a_clear_error():
    with pytest.raises(ValueError, match=r"must hold numbers.*MLPMomentumClassifier"):
        small().fit(X1[:4], ["a", "b", "a", "c"])


def test_validation_targets_must_have_the_training_columns():
    with pytest.raises(ValueError, match="y_val has 1 targets but y has 3"):
        small().fit(X3, y3, X_val=X1[:10], y_val=y1[:10])


def test_partial_fit_refuses_another_number_of_targets():
    reg = small().partial_fit(X1, y1)
    with pytest.raises(ValueError, match="layer shapes"):
        reg.partial_fit(X3, y3)


def test_poisson_model_of_counts_generalises():
    X, y = count_data()
    X_test, y_test = count_data(seed=1)
    reg = fit_quietly(small(loss="poisson", solver=Adam(3e-3), max_iter=200), X, y)
    # The true rate explains about 0.2 of the count variance (R2 of the
    # generating rate); the mean, or a broken exp output, scores <= 0.
    assert reg.score(X_test, y_test) > 0.1


# ----------------------------------------------------- score and validation


def test_score_is_r2_with_sample_weight():
    reg = fit_quietly(small(), X3, y3)
    w = np.random.RandomState(0).rand(len(X3))
    assert reg.score(X3, y3) == pytest.approx(r2_score(y3, reg.predict(X3)))
    assert reg.score(X3, y3, sample_weight=w) == pytest.approx(
        r2_score(y3, reg.predict(X3), sample_weight=w)
    )


@pytest.mark.parametrize("n_targets", [1, 3])
def test_validation_score_is_sklearn_r2(n_targets):
    X, y = regression_data(n_targets, seed=1)
    Y = y.reshape(len(y), -1)
    units = [X.shape[1], 5, Y.shape[1]]
    params = init_params(units, "tanh", np.float64, np.random.RandomState(0))
    w = np.random.RandomState(1).rand(len(X))
    validate = regression_metrics(units, "tanh", "identity", "squared_error", X, Y, w)
    val_loss, score = validate(params)
    reg = MLPMomentumRegressor(hidden_layer_sizes=(5,), activation="tanh")
    reg.coefs_, reg.intercepts_ = unpack(params, units)
    reg.n_features_in_, reg.out_activation_ = X.shape[1], "identity"
    prediction = reg.predict(X)
    # uniform_average over targets, weighted by the validation sample weights
    assert score == pytest.approx(r2_score(y, prediction, sample_weight=w), rel=1e-12)
    residuals = Y - prediction.reshape(Y.shape)
    expected_loss = 0.5 * np.average(residuals**2, axis=0, weights=w)
    assert val_loss == pytest.approx(expected_loss.sum(), rel=1e-12)


def test_explicit_validation_set_records_r2_every_epoch():
    X_val, y_val = regression_data(seed=3)
    reg = fit_quietly(small(max_iter=12), X1, y1, X_val=X_val, y_val=y_val)
    assert len(reg.validation_scores_) == len(reg.validation_loss_curve_) == 12
    # no early stopping: the last epoch's weights are the model's
    assert reg.validation_scores_[-1] == pytest.approx(
        r2_score(y_val, reg.predict(X_val)), rel=1e-12
    )
    assert [r["val_score"] for r in reg.history_] == reg.validation_scores_


def test_early_stopping_on_validation_r2_restores_the_best_weights():
    X_val, y_val = regression_data(seed=3)
    reg = fit_quietly(
        small(
            solver=Adam(learning_rate=0.05),
            early_stopping=True,
            n_iter_no_change=3,
            max_iter=200,
        ),
        X1,
        y1,
        X_val=X_val,
        y_val=y_val,
    )
    best = int(np.argmax(reg.validation_scores_))
    assert reg.n_iter_ > best + 1  # it ran past the best epoch, then went back
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    assert r2_score(y_val, reg.predict(X_val)) == pytest.approx(
        reg.best_validation_score_, rel=1e-12
    )
    assert reg.best_loss_ is None


def test_early_stopping_split_with_sample_weight_scores_weighted_r2():
    w = np.random.RandomState(0).randint(1, 4, len(X1)).astype(float)
    reg = fit_quietly(small(early_stopping=True, max_iter=10), X1, y1, sample_weight=w)
    assert np.isfinite(reg.validation_scores_).all()
    assert len(reg.validation_scores_) == reg.n_iter_


# ------------------------------------------- reproduction of MLPRegressor


def sklearn_pair(solver, n_targets, loss="squared_error", **params):
    """Our regressor with ``solver`` and the MLPRegressor that defines the
    same run (scikit-learn's "sgd" with a constant rate)."""
    rate, batch = 0.01, 16
    ours = {
        "nesterov": Nesterov(rate, momentum=0.9, batch_size=batch),
        "momentum": Momentum(rate, momentum=0.8, batch_size=batch),
        "minibatch": MiniBatchGD(rate, batch_size=batch),
    }[solver]
    theirs = {
        "nesterov": dict(momentum=0.9, nesterovs_momentum=True),
        "momentum": dict(momentum=0.8, nesterovs_momentum=False),
        "minibatch": dict(momentum=0.0),
    }[solver]
    common = dict(
        hidden_layer_sizes=(7, 4),
        activation="tanh",
        loss=loss,
        alpha=1e-3,
        max_iter=12,
        random_state=0,
        n_iter_no_change=np.inf,
        **params,
    )
    return (
        MLPMomentumRegressor(solver=ours, **common),
        MLPRegressor(
            solver="sgd",
            learning_rate="constant",
            learning_rate_init=rate,
            batch_size=batch,
            **theirs,
            **common,
        ),
    )


def assert_same_run(ours, theirs, X, y, loss_curve=True):
    fit_quietly(ours, X, y)
    fit_quietly(theirs, X, y)
    assert ours.n_iter_ == theirs.n_iter_
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10, atol=1e-12)
    if loss_curve:
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    if theirs.validation_scores_ is not None:
        assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=1e-9)


@pytest.mark.parametrize("solver", ["nesterov", "momentum", "minibatch"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_reproduces_mlpregressor_one_target(solver, early_stopping):
    ours, theirs = sklearn_pair(solver, 1, shuffle=False, early_stopping=early_stopping)
    assert_same_run(ours, theirs, X1, y1)


@pytest.mark.parametrize("solver", ["nesterov", "momentum", "minibatch"])
def test_reproduces_mlpregressor_several_targets(solver):
    ours, theirs = sklearn_pair(solver, 3, shuffle=False)
    # Weights to rounding; the loss curves differ by design (next test).
    assert_same_run(ours, theirs, X3, y3, loss_curve=False)


def test_several_targets_loss_is_the_sum_mlpregressor_steps_along():
    # MLPRegressor reports the half squared error averaged over targets but
    # its gradient (p - y per target) is that of the sum; ours reports the sum,
    # so check_gradients holds. Without the penalty the two differ by n_targets.
    ours, theirs = sklearn_pair("nesterov", 3, shuffle=False)
    ours.set_params(alpha=0.0)
    theirs.set_params(alpha=0.0)
    assert_same_run(ours, theirs, X3, y3, loss_curve=False)
    assert_allclose(ours.loss_curve_, 3 * np.array(theirs.loss_curve_), rtol=1e-10)


@pytest.mark.parametrize("n_targets", [1, 3])
def test_reproduces_mlpregressor_poisson(n_targets):
    X, y = count_data(n_targets)
    ours, theirs = sklearn_pair("nesterov", n_targets, loss="poisson", shuffle=False)
    assert_same_run(ours, theirs, X, y)


@pytest.mark.parametrize("n_targets", [1, 3])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_reproduces_mlpregressor_with_shuffling(n_targets, early_stopping):
    X, y = (X1, y1) if n_targets == 1 else (X3, y3)
    ours, theirs = sklearn_pair(
        "nesterov", n_targets, shuffle=True, early_stopping=early_stopping
    )
    assert_same_run(ours, theirs, X, y, loss_curve=n_targets == 1)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_genetic_solver_fits_without_gradients(loss):
    X, y = (X1, y1) if loss == "squared_error" else count_data()
    reg = fit_quietly(small(solver=Genetic(population_size=20), loss=loss), X, y)
    assert reg.loss_curve_[-1] < 0.7 * reg.loss_curve_[0]
    assert reg.score(X, y) > 0.1


# --------------------------------------------------------------- gradients


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n_targets", [1, 3])
def test_check_gradients(loss, activation, n_targets):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 4))
    y = rng.poisson(2.0, size=(12, n_targets)).astype(float)
    y = y.ravel() if n_targets == 1 else y
    reg = MLPMomentumRegressor(
        hidden_layer_sizes=(5, 3),
        activation=activation,
        loss=loss,
        alpha=1e-3,
        random_state=0,
    )
    assert check_gradients(reg, X, y) < 1e-6
    assert check_gradients(reg, X, y, sample_weight=rng.rand(12)) < 1e-6
    fit_quietly(reg.set_params(max_iter=5), X, y)
    assert check_gradients(reg, X, y) < 1e-6


def test_check_gradients_catches_negative_poisson_targets():
    reg = MLPMomentumRegressor(loss="poisson")
    with pytest.raises(ValueError, match="non-negative"):
        check_gradients(reg, X1[:5], y1[:5])


# -------------------------------------------------------- inputs, dtypes


def test_sparse_input_trains_like_dense():
    X = X1.copy()
    X[np.abs(X) < 0.7] = 0
    dense = fit_quietly(small(shuffle=False), X, y1)
    sparse = fit_quietly(small(shuffle=False), sp.csr_matrix(X), y1)
    for a, b in zip(dense.coefs_, sparse.coefs_):
        assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert_allclose(sparse.predict(sp.csr_matrix(X)), dense.predict(X), rtol=1e-10)


def test_float32_trains_and_predicts_in_float32():
    X32 = X1.astype(np.float32)
    reg32 = fit_quietly(small(), X32, y1)
    reg64 = fit_quietly(small(), X1, y1)
    assert all(W.dtype == np.float32 for W in reg32.coefs_ + reg32.intercepts_)
    assert reg32.predict(X32).dtype == np.float32
    assert_allclose(reg32.predict(X32), reg64.predict(X1), rtol=1e-3, atol=1e-3)


def test_dataframe_input_keeps_feature_names():
    df = pd.DataFrame(X1, columns=[f"f{i}" for i in range(X1.shape[1])])
    reg = fit_quietly(small(), df, pd.Series(y1))
    assert list(reg.feature_names_in_) == list(df.columns)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        assert_allclose(reg.predict(df), reg.predict(X1))


def test_nan_in_targets_is_a_clear_error():
    y = y1.copy()
    y[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        small().fit(X1, y)


# ---------------------------------------------- warm start, partial_fit


def test_warm_start_keeps_the_solver_state():
    # Two warm fits of 10 epochs are one fit of 20 (Adam's moments and step
    # count carried over), without shuffling.
    params = dict(shuffle=False, n_iter_no_change=np.inf)
    one = fit_quietly(small(max_iter=20, **params), X1, y1)
    two = small(max_iter=10, warm_start=True, **params)
    fit_quietly(two, X1, y1)
    fit_quietly(two, X1, y1)
    assert two.solver_state_.t == one.solver_state_.t
    for a, b in zip(one.coefs_, two.coefs_):
        assert_allclose(a, b, rtol=1e-12)
    assert len(two.loss_curve_) == 20


def test_partial_fit_equals_fit_epoch_by_epoch():
    params = dict(solver=Momentum(0.01, batch_size=32), shuffle=False)
    full = fit_quietly(small(max_iter=15, n_iter_no_change=np.inf, **params), X3, y3)
    inc = small(**params)
    for _ in range(15):
        inc.partial_fit(X3, y3)
    for a, b in zip(full.coefs_, inc.coefs_):
        assert_allclose(a, b, rtol=1e-12)
    assert_allclose(full.loss_curve_, inc.loss_curve_, rtol=1e-12)


def test_partial_fit_refuses_early_stopping():
    with pytest.raises(ValueError, match="partial_fit does not support early"):
        small(early_stopping=True).partial_fit(X1, y1)


def test_failed_fit_leaves_the_previous_model_intact():
    reg = fit_quietly(small(), X1, y1)
    before = [W.copy() for W in reg.coefs_]
    prediction = reg.predict(X1)
    reg.set_params(solver=SGD(learning_rate=50.0))
    with pytest.raises(DivergenceError, match=r"learning rate 50\.0"):
        with warnings.catch_warnings():  # the overflow is what is being tested
            warnings.simplefilter("ignore", RuntimeWarning)
            reg.fit(X1 * 100, y1 * 100)
    for a, b in zip(before, reg.coefs_):
        assert_array_equal(a, b)
    assert_array_equal(reg.predict(X1), prediction)


# ------------------------------------------------- callbacks and history


def test_callbacks_and_history():
    X_val, y_val = regression_data(seed=3)
    reg = fit_quietly(
        small(
            solver=Adam(learning_rate=0.05),
            max_iter=200,
            callbacks=[EarlyStopping("val_score", patience=3)],
        ),
        X1,
        y1,
        X_val=X_val,
        y_val=y_val,
    )
    history = pd.DataFrame(reg.history_)
    assert list(history["val_score"]) == reg.validation_scores_
    assert len(history) == reg.n_iter_ < 200
    stopper = reg.callbacks_[0]
    assert r2_score(y_val, reg.predict(X_val)) == pytest.approx(
        max(reg.validation_scores_), rel=1e-12
    )
    assert stopper.best_epoch_ == int(np.argmax(reg.validation_scores_)) + 1


def test_loss_curve_display():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from skmomentum.display import LossCurveDisplay

    X_val, y_val = regression_data(seed=3)
    reg = fit_quietly(small(max_iter=5), X1, y1, X_val=X_val, y_val=y_val)
    display = LossCurveDisplay.from_estimator(reg)
    assert_allclose(display.line_.get_ydata(), reg.loss_curve_)
    assert_allclose(display.validation_line_.get_ydata(), reg.validation_loss_curve_)


# ---------------------------------------------- scikit-learn ecosystem


def test_clone_pickle_pipeline_and_search():
    reg = small(solver=Nesterov(0.01))
    fit_quietly(reg, X1, y1)
    restored = pickle.loads(pickle.dumps(reg))
    assert_array_equal(restored.predict(X1), reg.predict(X1))
    assert not hasattr(clone(reg), "coefs_")
    pipe = make_pipeline(StandardScaler(), small())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipe, X1, y1, cv=3)
        search = GridSearchCV(
            small(solver=Nesterov()),
            {"solver__learning_rate": [1e-3, 1e-2]},
            cv=3,
        ).fit(X1, y1)
    assert scores.shape == (3,)
    assert search.best_params_["solver__learning_rate"] == 1e-2


def test_dask_ml_incremental_equals_a_partial_fit_loop():
    # dask-ml's Incremental indexes the blocks of y as a 1-D array: one target.
    pytest.importorskip("dask_ml")
    da = pytest.importorskip("dask.array")
    from dask_ml.wrappers import Incremental

    X, y = da.from_array(X1, chunks=(40, 6)), da.from_array(y1, chunks=40)
    estimator = small(solver=Momentum(0.01, batch_size=20), shuffle=False)
    inc = Incremental(estimator, shuffle_blocks=False).fit(X, y)
    loop = clone(estimator)
    for start in range(0, len(X1), 40):
        loop.partial_fit(X1[start : start + 40], y1[start : start + 40])
    for a, b in zip(inc.estimator_.coefs_, loop.coefs_):
        assert_allclose(a, b, rtol=1e-12)
    assert_allclose(inc.predict(X).compute(), loop.predict(X1), rtol=1e-12)


def test_command_line_regression_table(capsys):
    from skmomentum.__main__ import main

    main(["--task", "regression", "--solvers", "nesterov", "--max-iter", "5"])
    out = capsys.readouterr().out
    assert out.splitlines()[1].split() == ["solver", "epochs", "seconds", "R2"]
    name, epochs, _, r2 = out.splitlines()[2].split()
    assert (name, epochs) == ("nesterov", "5")
    assert -1 < float(r2) <= 1


# ------------------------------------------------------------ diagnosis


def diagnoses(estimator, X, y, **params):
    """Messages of the "useless model" ConvergenceWarnings of one fit."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y, **params)
    return [
        str(w.message)
        for w in caught
        if issubclass(w.category, ConvergenceWarning) and "useless" in str(w.message)
    ]


@pytest.mark.parametrize(
    "loss, X, y",
    [("squared_error", X1, y1), ("squared_error", X3, y3)]
    + [("poisson", *count_data(n)) for n in (1, 2)],
)
def test_healthy_fit_is_not_diagnosed(loss, X, y):
    reg = small(loss=loss, solver="nesterov", max_iter=100)
    assert diagnoses(reg, X, y) == []
    # Better than the mean (R2 > 0.15): counts carry Poisson noise, so their
    # R2 stays modest (0.2 and 0.39 here; 0.94 and 0.97 for the other data).
    assert reg.score(X, y) > 0.15


def test_constant_prediction_on_uncentred_features_warns_what_and_fix():
    # Features around 100 saturate every tanh unit (inputs of magnitude ~50),
    # so the stable fit can only learn the mean of y, although y = x0 - 100.
    X = np.random.RandomState(0).normal(loc=100, size=(100, 2))
    y = X[:, 0] - 100
    reg = small(hidden_layer_sizes=(10,), activation="tanh", solver="gd")
    [message] = diagnoses(reg, X, y)
    prediction = reg.predict(X)
    assert np.ptp(prediction) == 0
    for part in [
        f"predicts the same value {round(prediction[0], 4)} for every one of "
        f"the 100 training rows checked, while y spans {np.ptp(y):.4g}",
        "StandardScaler",
        "unscaled features (the largest feature root mean square is 10",
        "put a StandardScaler() step first",
    ]:
        assert part in message
    scaled = make_pipeline(StandardScaler(), clone(reg))
    assert diagnoses(scaled, X, y) == []
    assert scaled.score(X, y) > 0.9


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_network_with_zero_weights_warns_for_every_target(loss):
    # All-zero weights are a saddle of a tanh network: no weight gets a
    # gradient, only the output intercepts learn (the mean of each target).
    # GD keeps no solver state that could move the weights on its own.
    X, y = count_data(n_targets=2)
    reg = small(loss=loss, activation="tanh", solver="gd", warm_start=True)
    fit_quietly(reg, X, y)
    for W, b in zip(reg.coefs_, reg.intercepts_):
        W[...] = b[...] = 0
    [message] = diagnoses(reg, X, y)
    assert "predicts the same value [" in message
    assert np.ptp(reg.predict(X), axis=0).max() == 0


def test_constant_target_is_not_diagnosed():
    reg = small(activation="tanh")
    assert diagnoses(reg, X1, np.full(len(X1), 3.0)) == []


def test_zero_weight_rows_train_as_if_absent():
    # Mini-batches of 16 with shuffling: a kept zero-weight row would fill a
    # batch slot and change every later batch.
    w = np.ones(len(X1))
    w[::7] = 0
    kept = w > 0
    params = dict(solver=MiniBatchGD(learning_rate=0.05, batch_size=16))
    weighted = fit_quietly(small(**params), X1, y1, sample_weight=w)
    dropped = fit_quietly(small(**params), X1[kept], y1[kept])
    for a, b in zip(
        weighted.coefs_ + weighted.intercepts_, dropped.coefs_ + dropped.intercepts_
    ):
        assert_array_equal(a, b)
    with pytest.raises(ValueError, match="at least one non-zero"):
        small().fit(X1, y1, sample_weight=np.zeros(len(X1)))
