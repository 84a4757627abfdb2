"""The network maths on other array-API namespaces agrees with numpy's.

Every combination scikit-learn's testing helpers yield is tried (numpy
through array-api-compat, array-api-strict on its two devices, torch on the
CPU, and CUDA, MPS or CuPy where present); missing ones are skipped.
"""

import functools
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._array_api import (
    _convert_to_numpy,
    device,
    get_namespace,
    yield_namespace_device_dtype_combinations,
)
from sklearn.utils._testing import _array_api_for_tests
from sklearn.utils.estimator_checks import check_array_api_input

from skmomentum import MLPMomentumClassifier, MLPMomentumRegressor
from skmomentum._array_api import NUMPY_OPS, ops_for
from skmomentum._losses import output_probabilities
from skmomentum._network import (
    NetworkObjective,
    forward,
    init_params,
    pack,
    unpack,
)
from skmomentum.callbacks import EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
from skmomentum.schedules import ExponentialDecay
from skmomentum.solvers import Momentum

COMBINATIONS = list(yield_namespace_device_dtype_combinations())
GRADIENT_SOLVERS = ["gd", "minibatch", "sgd", "momentum", "nesterov", "rmsprop", "adam"]
OUTPUTS = [
    ("log_loss", "logistic", 1),
    ("log_loss", "logistic", 3),
    ("log_loss", "softmax", 3),
    ("squared_error", "softmax", 3),
    ("squared_error", "logistic", 2),
    ("squared_error", "identity", 2),
    ("poisson", "exp", 2),
]


@pytest.fixture(autouse=True)
def _dispatch():
    with sklearn.config_context(array_api_dispatch=True):
        yield


def namespace(name, device_name, dtype_name):
    """``(xp, device, dtype, numpy dtype)`` or a skip."""
    xp, where = _array_api_for_tests(name, device_name, dtype_name)
    if name == "torch":
        import torch

        # Tiny matrices: one thread (OpenMP threads on a busy 2-core machine
        # made each product thousands of times slower).
        torch.set_num_threads(1)
    dtype_name = dtype_name or "float64"
    return xp, where, getattr(xp, dtype_name), np.dtype(dtype_name)


def to_numpy(array):
    return _convert_to_numpy(array, get_namespace(array)[0])


def targets(loss, out, rng, n, k):
    if out == "softmax":
        return np.eye(k)[rng.randint(0, k, n)]
    if out == "logistic":
        return (rng.rand(n, k) > 0.5).astype(float)
    if loss == "poisson":
        return rng.poisson(1.5, size=(n, k)).astype(float)
    return rng.normal(size=(n, k))


def tolerance(np_dtype):
    return 1e-12 if np_dtype == np.float64 else 1e-5


def assert_close(actual, expected, rtol):
    """Elementwise rtol, with an absolute floor at rtol times the largest value
    (a sum that cancels to ~0 has no relative precision)."""
    expected = np.asarray(expected)
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    assert_allclose(to_numpy(actual), expected, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize(("loss", "out", "k"), OUTPUTS)
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize(("name", "device_name", "dtype_name"), COMBINATIONS)
def test_objective_matches_numpy(
    name, device_name, dtype_name, activation, loss, out, k
):
    xp, where, dtype, np_dtype = namespace(name, device_name, dtype_name)
    rng = np.random.RandomState(0)
    units = [5, 7, 4, k]
    X = rng.normal(size=(20, 5)).astype(np_dtype)
    Y = targets(loss, out, rng, 20, k).astype(np_dtype)
    sw = rng.uniform(0.5, 2.0, 20)
    reference = NetworkObjective(units, activation, out, loss, 1e-2, np_dtype, 20)
    objective = NetworkObjective(
        units, activation, out, loss, 1e-2, dtype, 20, xp=xp, device=where
    )
    params = init_params(units, activation, np_dtype, np.random.RandomState(1))
    moved = init_params(
        units, activation, dtype, np.random.RandomState(1), xp=xp, device=where
    )
    assert_array_equal(to_numpy(moved), params)  # same random stream, same rounding
    rtol = tolerance(np_dtype)

    def on(array):
        return xp.asarray(array, device=where)

    # A full weighted batch, a smaller unweighted one, one sample (outer products).
    batches = [(slice(0, 20), sw), (slice(3, 11), None), (slice(5, 6), None)]
    for rows, weight in batches:
        reference.set_batch(X[rows], Y[rows], weight)
        objective.set_batch(
            on(X[rows]), on(Y[rows]), None if weight is None else on(weight)
        )
        expected_loss, expected_grad = reference.loss_and_grad(params)
        got_loss, got_grad = objective.loss_and_grad(moved)
        assert isinstance(got_loss, float)
        assert_allclose(got_loss, expected_loss, rtol=rtol)
        assert get_namespace(got_grad)[0] is get_namespace(moved)[0]
        assert device(got_grad) == device(moved)
        assert got_grad.dtype == dtype
        assert_close(got_grad, expected_grad, rtol)
        assert_allclose(objective.loss(moved), expected_loss, rtol=rtol)


@pytest.mark.parametrize(("name", "device_name", "dtype_name"), COMBINATIONS)
def test_unpack_gives_views_and_pack_inverts_it(name, device_name, dtype_name):
    xp, where, dtype, _ = namespace(name, device_name, dtype_name)
    units = [3, 4, 2]
    flat = init_params(units, "relu", dtype, np.random.RandomState(0), xp, where)
    coefs, intercepts = unpack(flat, units)
    assert [tuple(W.shape) for W in coefs] == [(3, 4), (4, 2)]
    before = np.array(to_numpy(coefs[1]))  # a copy
    flat -= 1.0  # a solver's in-place step must reach every layer's view
    assert_allclose(to_numpy(coefs[1]), before - 1.0)
    assert_allclose(to_numpy(intercepts[0]), to_numpy(flat)[12:16])
    again = pack(coefs, intercepts, dtype)
    assert again is not flat
    assert_array_equal(to_numpy(again), to_numpy(flat))
    assert device(again) == device(flat)


@pytest.mark.parametrize(("loss", "out", "k"), OUTPUTS)
@pytest.mark.parametrize(("name", "device_name", "dtype_name"), COMBINATIONS)
def test_prediction_matches_numpy(name, device_name, dtype_name, loss, out, k):
    xp, where, _, np_dtype = namespace(name, device_name, dtype_name)
    rng = np.random.RandomState(2)
    units = [5, 6, k]
    X = rng.normal(size=(9, 5)).astype(np_dtype)
    params = init_params(units, "tanh", np_dtype, rng)
    expected = output_probabilities(forward(*unpack(params, units), "tanh", X), out)
    moved = xp.asarray(params, device=where)
    got = output_probabilities(
        forward(*unpack(moved, units), "tanh", xp.asarray(X, device=where)), out
    )
    assert device(got) == device(moved)
    assert_close(got, expected, tolerance(np_dtype))


def test_numpy_keeps_the_in_place_path():
    # With dispatch on, numpy arrays still get numpy's out= functions and
    # the objective still returns its one reused gradient buffer.
    X = np.random.RandomState(0).normal(size=(6, 3))
    assert ops_for(X) is NUMPY_OPS
    units = [3, 4, 1]
    objective = NetworkObjective(units, "relu", "logistic", "log_loss", 0.1, X.dtype, 6)
    objective.set_batch(X, (X[:, :1] > 0).astype(float))
    params = init_params(units, "relu", X.dtype, np.random.RandomState(0))
    grad = objective.loss_and_grad(params)[1]
    assert objective.loss_and_grad(params)[1] is grad


def test_population_losses_need_numpy():
    xp, where, dtype, _ = namespace("array_api_strict", "CPU_DEVICE", "float64")
    objective = NetworkObjective(
        [2, 3, 1], "relu", "logistic", "log_loss", 0.0, dtype, 4, xp=xp, device=where
    )
    X = xp.asarray(np.ones((4, 2)), device=where)
    objective.set_batch(X, xp.asarray(np.ones((4, 1)), device=where))
    with pytest.raises(TypeError, match=r"Genetic solver\) need numpy arrays"):
        objective.losses(np.zeros((2, 13)))


# Estimators ---------------------------------------------------------------

DEVICE_COMBINATIONS = [c for c in COMBINATIONS if c[0] != "numpy"]


def classification(np_dtype, n=60, seed=0):
    X, y = make_classification(
        n_samples=n, n_features=6, n_informative=4, n_classes=3, random_state=seed
    )
    return X.astype(np_dtype), y


@pytest.mark.parametrize("solver", [*GRADIENT_SOLVERS])
@pytest.mark.parametrize(("name", "device_name", "dtype_name"), DEVICE_COMBINATIONS)
def test_fit_matches_numpy(name, device_name, dtype_name, solver):
    xp, where, _, np_dtype = namespace(name, device_name, dtype_name)
    X, y = classification(np_dtype)
    sw = np.random.RandomState(0).uniform(0.5, 2.0, len(y))

    def make():
        return MLPMomentumClassifier(
            (8,), solver=solver, max_iter=4, random_state=0, tol=0.0
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = make().fit(X, y, sample_weight=sw)
        on = functools.partial(xp.asarray, device=where)
        model = make().fit(on(X), on(y), sample_weight=on(sw))
        proba = model.predict_proba(on(X))
        labels = model.predict(on(X))
        log_proba = model.predict_log_proba(on(X))
    rtol = 1e-5 if np_dtype == np.float64 else 1e-3
    for got, expected in zip(
        model.coefs_ + model.intercepts_, reference.coefs_ + reference.intercepts_
    ):
        assert get_namespace(got)[0] is get_namespace(on(X))[0]
        assert device(got) == device(on(X))
        assert_close(got, expected, rtol)
    assert_close(proba, reference.predict_proba(X), rtol)
    assert_close(log_proba, reference.predict_log_proba(X), rtol)
    assert device(labels) == device(on(X))
    assert_array_equal(to_numpy(labels), reference.predict(X))
    assert_array_equal(to_numpy(model.classes_), reference.classes_)
    assert_allclose(model.loss_curve_, reference.loss_curve_, rtol=rtol)
    for buffer in vars(model.solver_state_).values():
        if hasattr(buffer, "shape") and not isinstance(buffer, np.random.RandomState):
            assert device(buffer) == device(on(X))


@pytest.mark.parametrize(("name", "device_name", "dtype_name"), DEVICE_COMBINATIONS)
def test_partial_fit_early_stopping_and_validation_set(name, device_name, dtype_name):
    xp, where, _, np_dtype = namespace(name, device_name, dtype_name)
    X, y = classification(np_dtype, n=80)
    on = functools.partial(xp.asarray, device=where)
    rtol = 1e-5 if np_dtype == np.float64 else 1e-3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        kwargs = dict(hidden_layer_sizes=(8,), random_state=0, max_iter=5)
        stopped = MLPMomentumClassifier(early_stopping=True, **kwargs)
        reference = clone(stopped).fit(X, y)
        stopped.fit(on(X), on(y))
        assert_allclose(stopped.validation_scores_, reference.validation_scores_)
        assert_close(stopped.coefs_[0], reference.coefs_[0], rtol)

        val = MLPMomentumClassifier(**kwargs)
        reference = clone(val).fit(X[:60], y[:60], X_val=X[60:], y_val=y[60:])
        val.fit(on(X[:60]), on(y[:60]), X_val=on(X[60:]), y_val=on(y[60:]))
        assert_allclose(
            val.validation_loss_curve_, reference.validation_loss_curve_, rtol=rtol
        )

        blocks = MLPMomentumClassifier(**kwargs)
        reference = clone(blocks)
        for rows in (slice(0, 40), slice(40, 80)):
            reference.partial_fit(X[rows], y[rows], classes=np.unique(y))
            blocks.partial_fit(on(X[rows]), on(y[rows]), classes=np.unique(y))
        assert_close(blocks.coefs_[0], reference.coefs_[0], rtol)
        assert device(blocks.intercepts_[-1]) == device(on(X))


def test_mixed_namespaces_and_genetic_get_clear_errors():
    xp, where, _, _ = namespace("array_api_strict", "CPU_DEVICE", "float64")
    X, y = classification(np.float64)
    model = MLPMomentumClassifier((4,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(xp.asarray(X, device=where), xp.asarray(y, device=where))
    with pytest.raises(ValueError, match="must use the same namespace"):
        model.predict(X)
    with pytest.raises(ValueError, match="must use the same namespace"):
        model.partial_fit(X, y)
    genetic = MLPMomentumClassifier((4,), solver="genetic", max_iter=1)
    with pytest.raises(TypeError, match="trains on numpy arrays only"):
        genetic.fit(xp.asarray(X, device=where), xp.asarray(y, device=where))
    assert not genetic.__sklearn_tags__().array_api_support
    assert model.__sklearn_tags__().array_api_support


@pytest.mark.parametrize(("name", "device_name", "dtype_name"), COMBINATIONS)
def test_check_array_api_input(name, device_name, dtype_name):
    check_array_api_input(
        "MLPMomentumClassifier",
        MLPMomentumClassifier((8,), max_iter=5, random_state=0),
        array_namespace=name,
        device_name=device_name,
        dtype_name=dtype_name,
        check_sample_weight=True,
    )
    # (values are compared by test_fit_matches_numpy: the check's own value
    # comparison fails on torch's score, a float32 mean in accuracy_score)


def test_callbacks_and_schedules_on_a_device(tmp_path):
    xp, where, _, _ = namespace("array_api_strict", "device1", "float32")
    X, y = classification(np.float32, n=80)
    on = functools.partial(xp.asarray, device=where)

    def make():
        return MLPMomentumClassifier(
            (8,),
            solver=Momentum(learning_rate=ExponentialDecay(0.2, 0.9)),
            max_iter=8,
            random_state=0,
            callbacks=[
                EarlyStopping(patience=2),
                ReduceLROnPlateau(monitor="loss", patience=1),
                ModelCheckpoint(path=tmp_path / "best.pkl"),
            ],
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = make().fit(X[:60], y[:60], X_val=X[60:], y_val=y[60:])
        model = make().fit(on(X[:60]), on(y[:60]), X_val=on(X[60:]), y_val=on(y[60:]))
    assert model.callbacks_[0].best_epoch_ == reference.callbacks_[0].best_epoch_
    assert_close(model.coefs_[0], reference.coefs_[0], 1e-3)
    assert device(model.coefs_[0]) == where
    saved = ModelCheckpoint.load(tmp_path / "best.pkl")
    assert isinstance(saved["coefs"][0], np.ndarray)
    assert_allclose(saved["coefs"][0], to_numpy(model.coefs_[0]), rtol=1e-6)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize(("name", "device_name", "dtype_name"), DEVICE_COMBINATIONS)
def test_regressor_matches_numpy(name, device_name, dtype_name, loss):
    xp, where, _, np_dtype = namespace(name, device_name, dtype_name)
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 4)).astype(np_dtype)
    y = np.exp(0.5 * X[:, 0]) if loss == "poisson" else X @ [1.0, -2.0, 0.5, 0.0]
    on = functools.partial(xp.asarray, device=where)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        kwargs = dict(hidden_layer_sizes=(6,), loss=loss, max_iter=5, random_state=0)
        reference = MLPMomentumRegressor(**kwargs).fit(X, y)
        model = MLPMomentumRegressor(**kwargs).fit(on(X), on(y))
        prediction = model.predict(on(X))
    rtol = 1e-5 if np_dtype == np.float64 else 1e-3
    assert device(prediction) == device(on(X))
    assert tuple(prediction.shape) == (50,)
    assert_close(prediction, reference.predict(X), rtol)
    assert_close(model.coefs_[0], reference.coefs_[0], rtol)


@pytest.mark.parametrize(("name", "device_name", "dtype_name"), COMBINATIONS)
def test_regressor_check_array_api_input(name, device_name, dtype_name):
    check_array_api_input(
        "MLPMomentumRegressor",
        MLPMomentumRegressor((8,), max_iter=5, random_state=0),
        array_namespace=name,
        device_name=device_name,
        dtype_name=dtype_name,
        check_sample_weight=True,
    )


def test_benchmark_script_runs():
    pytest.importorskip("torch")
    script = Path(__file__).parents[1] / "benchmarks" / "bench_array_api.py"
    arguments = [
        "--sizes",
        "tiny",
        "--epochs",
        "1",
        "--repeats",
        "1",
        "--workloads",
        "C",
    ]
    result = subprocess.run(
        [sys.executable, str(script), *arguments, "--torch-threads", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    # header, rule, then C in two dtypes on two paths
    assert len(rows) == 2 + 2 * 2
    assert sum("| torch cpu" in row for row in rows) == 2
