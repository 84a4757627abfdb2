"""scikit-learn's own MLPRegressor tests, ported to MLPMomentumRegressor.

From ``sklearn/neural_network/tests/test_mlp.py`` (scikit-learn 1.9), the
regressor half, with scikit-learn's parameters written as solver objects:
``solver="sgd"`` with its defaults is ``Nesterov(learning_rate=0.001,
momentum=0.9)``, ``momentum=0`` is ``MiniBatchGD``, ``solver="adam",
learning_rate_init=r`` is ``Adam(learning_rate=r)``, ``batch_size=b`` goes
to the solver. Deliberate differences, each noted at its test:

- There is no L-BFGS: the ``lbfgs`` tests run full-batch Adam (500 epochs
  for L-BFGS's 200 iterations; scores as asserted there) and the GLM
  equivalence uses Adam to a looser tolerance; ``max_fun`` does not exist,
  so the ``maxfun`` tests are not ported.
- A diverging fit raises (``test_mlp_diverging_loss`` expects NaN scores).
- Classifier-only tests (``test_gradient``, ``test_alpha``, ...) live with
  the classifier; ``check_gradients`` covers the regressor's gradients in
  ``test_regressor.py``.
"""

import re
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_digits, load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from sklearn.preprocessing import MinMaxScaler, scale

from skmomentum import MLPMomentumRegressor
from skmomentum._training import DivergenceError
from skmomentum.solvers import Adam, MiniBatchGD, Nesterov

ACTIVATION_TYPES = ["identity", "logistic", "tanh", "relu"]

X_digits, y_digits = load_digits(n_class=2, return_X_y=True)
X_digits_binary = MinMaxScaler().fit_transform(X_digits[:200])
y_digits_binary = y_digits[:200]

X_reg, y_reg = make_regression(
    n_samples=200, n_features=10, bias=20.0, noise=100.0, random_state=7
)
y_reg = scale(y_reg)

X_iris, y_iris = load_iris(return_X_y=True)


def sgd(learning_rate=0.001, **params):
    """scikit-learn's ``solver="sgd"`` with its defaults (Nesterov, 0.9)."""
    return Nesterov(learning_rate=learning_rate, **params)


@pytest.mark.parametrize("activation", ACTIVATION_TYPES)
def test_lbfgs_regression(activation):
    # Difference: full-batch Adam (rate 0.01) instead of L-BFGS, for 500
    # epochs without early stop where L-BFGS gets 200 iterations; the same
    # score thresholds hold.
    mlp = MLPMomentumRegressor(
        solver=Adam(learning_rate=0.01, batch_size=200),
        hidden_layer_sizes=50,
        max_iter=500,
        n_iter_no_change=np.inf,
        shuffle=True,
        random_state=1,
        activation=activation,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_reg, y_reg)
    if activation == "identity":
        assert mlp.score(X_reg, y_reg) > 0.80
    else:
        # Non linear models perform much better than linear bottleneck:
        assert mlp.score(X_reg, y_reg) > 0.98


def test_multioutput_regression():
    # Difference: Adam (rate 0.01) instead of L-BFGS, on the same unscaled
    # targets.
    X, y = make_regression(n_samples=200, n_targets=5, random_state=11)
    mlp = MLPMomentumRegressor(
        solver=Adam(learning_rate=0.01),
        hidden_layer_sizes=50,
        max_iter=200,
        tol=1e-2,
        random_state=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    assert mlp.score(X, y) > 0.9


@pytest.mark.parametrize("momentum", [0, 0.9])
def test_partial_fit_regression(momentum):
    # partial_fit gives the same results as fit.
    def solver():
        if momentum == 0:
            return MiniBatchGD(learning_rate=0.01, batch_size=X_reg.shape[0])
        return sgd(0.01, momentum=momentum, batch_size=X_reg.shape[0])

    mlp = MLPMomentumRegressor(
        solver=solver(), max_iter=100, activation="relu", random_state=1
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_reg, y_reg)
    pred1 = mlp.predict(X_reg)
    mlp = MLPMomentumRegressor(solver=solver(), activation="relu", random_state=1)
    for _ in range(100):
        mlp.partial_fit(X_reg, y_reg)
    pred2 = mlp.predict(X_reg)
    assert_allclose(pred1, pred2)
    assert mlp.score(X_reg, y_reg) > 0.65


def test_nonfinite_params():
    rng = np.random.RandomState(0)
    fmax = np.finfo(np.float64).max
    X = fmax * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    # Difference: the message says what happened (the loss overflowed before
    # any update, so not the learning rate) and the fix (scaling).
    msg = "Training diverged: the loss of a batch became inf in epoch 1, at the start"
    with pytest.raises(ValueError, match=re.escape(msg) + ".*features are not scaled"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # RuntimeWarning: overflow
            MLPMomentumRegressor().fit(X, y)


def test_shuffle():
    # The shuffle parameter affects the training process (it should).
    X, y = make_regression(n_samples=50, n_features=5, n_targets=1, random_state=0)

    def fit(shuffle):
        mlp = MLPMomentumRegressor(
            hidden_layer_sizes=1,
            max_iter=1,
            solver=Adam(batch_size=1),
            random_state=0,
            shuffle=shuffle,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return mlp.fit(X, y)

    for shuffle in [True, False]:
        assert np.array_equal(fit(shuffle).coefs_[0], fit(shuffle).coefs_[0])
    assert not np.array_equal(fit(True).coefs_[0], fit(False).coefs_[0])


def test_verbose_sgd(capsys):
    X, y = [[3, 2], [1, 6]], [1, 0]
    mlp = MLPMomentumRegressor(
        solver=sgd(), max_iter=2, verbose=10, hidden_layer_sizes=2
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    mlp.partial_fit(X, y)
    out, _ = capsys.readouterr()
    assert "Iteration" in out


def test_early_stopping():
    X, y = X_digits_binary[:100], y_digits_binary[:100]
    tol = 0.2
    mlp = MLPMomentumRegressor(
        tol=tol, max_iter=3000, solver=sgd(), early_stopping=True
    )
    mlp.fit(X, y)
    assert mlp.max_iter > mlp.n_iter_

    assert mlp.best_loss_ is None
    assert isinstance(mlp.validation_scores_, list)

    valid_scores = mlp.validation_scores_
    best_valid_score = mlp.best_validation_score_
    assert max(valid_scores) == best_valid_score
    assert best_valid_score + tol > valid_scores[-2]
    assert best_valid_score + tol > valid_scores[-1]

    # validation_scores_ and best_validation_score_ are None without it
    mlp = MLPMomentumRegressor(
        tol=tol, max_iter=3000, solver=sgd(), early_stopping=False
    )
    mlp.fit(X, y)
    assert mlp.validation_scores_ is None
    assert mlp.best_validation_score_ is None
    assert mlp.best_loss_ is not None


def test_warm_start_full_iteration():
    # scikit-learn #16812: a warm-started estimator runs max_iter epochs.
    max_iter = 3
    mlp = MLPMomentumRegressor(
        hidden_layer_sizes=2, solver=sgd(), warm_start=True, max_iter=max_iter
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_iris, y_iris)
        assert max_iter == mlp.n_iter_
        mlp.fit(X_iris, y_iris)
        assert max_iter == mlp.n_iter_


@pytest.mark.parametrize("n_iter_no_change", [2, 5, 10, 50, 100])
def test_n_iter_no_change(n_iter_no_change):
    # scikit-learn runs this one on MLPClassifier; the same data as numbers.
    X, y = X_digits_binary[:100], y_digits_binary[:100]
    tol, max_iter = 0.01, 3000
    mlp = MLPMomentumRegressor(
        tol=tol, max_iter=max_iter, solver=sgd(), n_iter_no_change=n_iter_no_change
    )
    mlp.fit(X, y)
    assert mlp._no_improvement_count == n_iter_no_change + 1
    assert max_iter > mlp.n_iter_


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_n_iter_no_change_inf():
    # scikit-learn runs this one on MLPClassifier: a huge tol counts every
    # epoch as no improvement, and inf never stops. (max_iter 3000 -> 100.)
    X, y = X_digits_binary[:100], y_digits_binary[:100]
    max_iter = 100
    mlp = MLPMomentumRegressor(
        tol=1e9, max_iter=max_iter, solver=sgd(), n_iter_no_change=np.inf
    )
    mlp.fit(X, y)
    assert mlp.n_iter_ == max_iter
    assert mlp._no_improvement_count == mlp.n_iter_ - 1


def test_mlp_regressor_dtypes_casting():
    params = dict(alpha=1e-5, hidden_layer_sizes=(5, 3), random_state=1, max_iter=150)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp_64 = MLPMomentumRegressor(tol=1e-3, **params)
        mlp_64.fit(X_digits[:300], y_digits[:300])
        mlp_32 = MLPMomentumRegressor(tol=1e-3, **params)
        mlp_32.fit(X_digits[:300].astype(np.float32), y_digits[:300])
    pred_64 = mlp_64.predict(X_digits[300:])
    pred_32 = mlp_32.predict(X_digits[300:].astype(np.float32))
    assert_allclose(pred_64, pred_32, rtol=5e-04)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mlp_param_dtypes(dtype):
    # The input dtype is used for network parameters and predictions.
    X, y = X_digits.astype(dtype), y_digits
    mlp = MLPMomentumRegressor(
        alpha=1e-5, hidden_layer_sizes=(5, 3), random_state=1, max_iter=50, tol=1e-1
    )
    mlp.fit(X[:300], y[:300])
    pred = mlp.predict(X[300:])
    assert all(intercept.dtype == dtype for intercept in mlp.intercepts_)
    assert all(coef.dtype == dtype for coef in mlp.coefs_)
    assert pred.dtype == dtype


def test_mlp_loading_from_joblib_partial_fit(tmp_path):
    # scikit-learn #19626: a loaded model's partial_fit updates the weights.
    pre_trained = MLPMomentumRegressor(
        hidden_layer_sizes=(42,),
        random_state=42,
        solver=Adam(learning_rate=0.01),
        max_iter=200,
    )
    pre_trained.fit([[2]], [4])
    path = tmp_path / "mlp.pkl"
    joblib.dump(pre_trained, path)
    loaded = joblib.load(path)
    for _ in range(200):
        loaded.partial_fit([[2]], [1])
    assert_allclose(loaded.predict([[2]]), [1], rtol=1e-4)


def test_preserve_feature_names():
    # scikit-learn gh-24846: early stopping keeps the feature names.
    rng = np.random.RandomState(0)
    X = pd.DataFrame(data=rng.randn(10, 2), columns=["colname_a", "colname_b"])
    y = pd.Series(data=np.full(10, 1), name="colname_y")
    model = MLPMomentumRegressor(early_stopping=True, validation_fraction=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model.fit(X, y)


def test_mlp_warm_start_with_early_stopping():
    mlp = MLPMomentumRegressor(
        max_iter=10, random_state=0, warm_start=True, early_stopping=True
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_iris, y_iris)
        n_validation_scores = len(mlp.validation_scores_)
        mlp.set_params(max_iter=20)
        mlp.fit(X_iris, y_iris)
    assert len(mlp.validation_scores_) > n_validation_scores


@pytest.mark.parametrize("solver", [sgd(), Adam()], ids=["sgd", "adam"])
def test_mlp_warm_start_no_convergence(solver):
    # scikit-learn #24764 (its lbfgs case has no equivalent here).
    model = MLPMomentumRegressor(
        solver=solver,
        warm_start=True,
        early_stopping=False,
        max_iter=10,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning):
        model.fit(X_iris, y_iris)
    assert model.n_iter_ == 10
    model.set_params(max_iter=20)
    with pytest.warns(ConvergenceWarning):
        model.fit(X_iris, y_iris)
    assert model.n_iter_ == 20


def test_mlp_partial_fit_after_fit():
    # scikit-learn gh-25693
    mlp = MLPMomentumRegressor(early_stopping=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_iris, y_iris)
    with pytest.raises(ValueError, match="partial_fit does not support early_stop"):
        mlp.partial_fit(X_iris, y_iris)


def test_mlp_diverging_loss():
    # Difference by design: scikit-learn's test (#29504) expects the fit to
    # finish with NaN validation scores; here a diverging fit is an error
    # that names the learning rate.
    mlp = MLPMomentumRegressor(
        hidden_layer_sizes=100,
        activation="identity",
        solver=sgd(1.0),
        alpha=0.0001,
        shuffle=True,
        max_iter=20,
        early_stopping=True,
        n_iter_no_change=10,
        random_state=0,
    )
    with pytest.raises(DivergenceError, match=r"learning rate 1\.0"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mlp.fit(X_iris, y_iris)
    assert not hasattr(mlp, "coefs_")


def test_mlp_sample_weight_with_early_stopping():
    X, y = make_regression(
        n_samples=100, n_features=2, n_informative=2, random_state=42
    )
    params = dict(
        hidden_layer_sizes=10,
        solver=Adam(learning_rate=0.01, batch_size=10),
        early_stopping=True,
        tol=1e-2,
        random_state=42,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m1 = MLPMomentumRegressor(**params).fit(X, y, sample_weight=np.ones_like(y))
        m2 = MLPMomentumRegressor(**params).fit(X, y, sample_weight=None)
    assert_allclose(m1.predict(X), m2.predict(X))


@pytest.mark.parametrize("seed", [0, 1])
def test_mlp_vs_poisson_glm_equivalent(seed):
    # One identity hidden unit and the Poisson loss make a Poisson GLM.
    # Difference: full-batch Adam instead of L-BFGS, so the predictions agree
    # to 1e-3 (scikit-learn: 1e-4).
    n = 100
    rng = np.random.default_rng(seed)
    X = np.linspace(0, 1, n)
    y = rng.poisson(np.exp(X + 1))
    X = X.reshape(n, -1)
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X, y)
    params = dict(
        hidden_layer_sizes=(1,),
        activation="identity",
        alpha=0,
        solver=Adam(learning_rate=0.01, batch_size=n),
        max_iter=3000,
        tol=1e-9,
        n_iter_no_change=50,
        random_state=np.random.RandomState(seed + 1),
    )
    mlp = MLPMomentumRegressor(loss="poisson", **params).fit(X, y)
    assert_allclose(mlp.predict(X), glm.predict(X), rtol=1e-3)

    # Not with the squared error: its output activation is the identity.
    params["random_state"] = np.random.RandomState(seed + 1)
    mlp = MLPMomentumRegressor(loss="squared_error", **params).fit(X, y)
    assert not np.allclose(mlp.predict(X), glm.predict(X), rtol=1e-4)


def test_minimum_input_sample_size():
    X, y = make_regression(n_samples=2, n_features=5, random_state=0)
    model = MLPMomentumRegressor(early_stopping=True, random_state=0)
    with pytest.raises(ValueError, match="The validation set is too small"):
        model.fit(X, y)
