"""ONNX export: onnxruntime reproduces predict and predict_proba.

Needs the ``onnx`` extra (skl2onnx, onnx, onnxruntime); skipped without it.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

pytest.importorskip("skl2onnx")
pytest.importorskip("onnxruntime")

import onnxruntime as rt
from skl2onnx import to_onnx, update_registered_converter

import skmomentum
import skmomentum.onnx
from skmomentum import MLPMomentumClassifier

# float32 graphs and numpy's float32 maths round differently (BLAS order).
ATOL = {np.float32: 1e-5, np.float64: 1e-12}


def _run(model, X, options=None):
    """Convert ``model`` for ``X``'s dtype and run the graph on ``X``."""
    onx = to_onnx(model, X[:1], options=options)
    session = rt.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def _fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def _targets(kind):
    X, y = make_classification(
        n_samples=150, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    X = X * [1, 10, 100, 1, 1, 1]  # unscaled, so the pipeline's scaler matters
    targets = {
        "binary": (y == 1).astype(np.int64),
        "multiclass": y,
        "strings": np.array(["cat", "dog", "emu"])[y],
        "binary-strings": np.array(["no", "yes"])[(y == 1).astype(int)],
        "multilabel": np.c_[y == 0, y == 1, y != 2].astype(np.int64),
    }
    return X, targets[kind]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize(
    "kind", ["binary", "multiclass", "strings", "binary-strings", "multilabel"]
)
@pytest.mark.parametrize("in_pipeline", [False, True], ids=["alone", "pipeline"])
def test_classifier_matches_onnxruntime(kind, activation, dtype, in_pipeline):
    X, y = _targets(kind)
    X = X.astype(dtype)
    if not in_pipeline:
        X = StandardScaler().fit_transform(X).astype(dtype)
    clf = MLPMomentumClassifier(
        (7, 5),
        activation,
        loss="squared_error" if kind == "binary" else "log_loss",
        max_iter=20,
        random_state=0,
    )
    model = _fit(make_pipeline(StandardScaler(), clf) if in_pipeline else clf, X, y)
    assert clf.coefs_[0].dtype == dtype  # float32 trains (and converts) in float32

    labels, proba = _run(model, X, options={id(clf): {"zipmap": False}})

    assert proba.dtype == dtype
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=0, atol=ATOL[dtype])
    np.testing.assert_array_equal(labels, model.predict(X))
    assert labels.shape == model.predict(X).shape


def test_zipmap_default_gives_one_dict_per_row():
    X, y = _targets("strings")
    clf = _fit(MLPMomentumClassifier((5,), max_iter=20, random_state=0), X, y)
    X32 = X.astype(np.float32)

    labels, proba = _run(clf, X32[:5])

    expected = clf.predict_proba(X32[:5])
    assert [sorted(row) for row in proba] == [list(clf.classes_)] * 5
    got = np.array([[row[c] for c in clf.classes_] for row in proba])
    np.testing.assert_allclose(got, expected, atol=1e-5)
    np.testing.assert_array_equal(labels, clf.predict(X32[:5]))


def test_nocl_gives_class_indices():
    X, y = _targets("strings")
    clf = _fit(MLPMomentumClassifier((5,), max_iter=20, random_state=0), X, y)

    labels, _ = _run(clf, X, options={id(clf): {"zipmap": False, "nocl": True}})

    expected = np.searchsorted(clf.classes_, clf.predict(X))
    np.testing.assert_array_equal(labels, expected)


def test_float_and_bool_labels_come_back_as_int64():
    X, y = _targets("multiclass")
    clf = _fit(MLPMomentumClassifier((5,), max_iter=5, random_state=0), X, y * 1.0)

    labels, _ = _run(clf, X, options={id(clf): {"zipmap": False}})

    assert labels.dtype == np.int64
    np.testing.assert_array_equal(labels, clf.predict(X))


def test_register_is_idempotent():
    first = skmomentum.onnx.register()
    second = skmomentum.onnx.register()

    assert first == second
    assert MLPMomentumClassifier in first
    X, y = _targets("multiclass")
    clf = _fit(MLPMomentumClassifier((5,), max_iter=5, random_state=0), X, y)
    labels, _ = _run(clf, X.astype(np.float32))
    np.testing.assert_array_equal(labels, clf.predict(X.astype(np.float32)))


# ------------------------------------------------------------------ regressor


def _regression(loss, n_targets):
    X, y = make_regression(
        n_samples=120, n_features=5, n_targets=n_targets, noise=1.0, random_state=0
    )
    if loss == "poisson":
        y = np.exp(y / np.abs(y).max())  # positive counts-like targets
    return X, y


def _check_regressor(model, X, dtype):
    X = X.astype(dtype)
    (pred,) = _run(model, X)
    expected = model.predict(X)
    assert pred.dtype == dtype
    assert pred.shape == (len(X), 1 if expected.ndim == 1 else expected.shape[1])
    np.testing.assert_allclose(
        pred.reshape(expected.shape), expected, rtol=ATOL[dtype], atol=ATOL[dtype]
    )


class _SklearnMLPRegressor(MLPRegressor):
    """scikit-learn's regressor under our converter (same public attributes)."""


@pytest.fixture(scope="module")
def sklearn_regressor_registered():
    update_registered_converter(
        _SklearnMLPRegressor,
        "SkmomentumTestMLPRegressor",
        skmomentum.onnx._regressor_shapes,
        skmomentum.onnx._convert_regressor,
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_targets", [1, 3])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_regressor_converter_on_sklearn_attributes(
    sklearn_regressor_registered, loss, n_targets, activation, dtype
):
    X, y = _regression(loss, n_targets)
    model = _fit(
        make_pipeline(
            StandardScaler(),
            _SklearnMLPRegressor(
                hidden_layer_sizes=(6,),
                activation=activation,
                loss=loss,
                max_iter=30,
                random_state=0,
            ),
        ),
        X.astype(dtype),
        y,
    )
    assert model[-1].out_activation_ == ("exp" if loss == "poisson" else "identity")
    _check_regressor(model, X, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_targets", [1, 3])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
# Hidden activations are the classifier's graph: two suffice here.
@pytest.mark.parametrize("activation", ["relu", "logistic"])
@pytest.mark.parametrize("in_pipeline", [False, True], ids=["alone", "pipeline"])
def test_regressor_matches_onnxruntime(loss, n_targets, activation, dtype, in_pipeline):
    regressor_class = getattr(skmomentum, "MLPMomentumRegressor", None)
    if regressor_class is None:
        pytest.skip("skmomentum.MLPMomentumRegressor does not exist yet")
    X, y = _regression(loss, n_targets)
    if not in_pipeline:
        X = StandardScaler().fit_transform(X)
    X = X.astype(dtype)
    reg = regressor_class((6,), activation, loss=loss, max_iter=30, random_state=0)
    model = _fit(make_pipeline(StandardScaler(), reg) if in_pipeline else reg, X, y)
    _check_regressor(model, X, dtype)
