"""Input layouts: a DataFrame or Fortran-ordered X trains without a copy of X,
on the same batches and to the same weights, bit for bit, as a C-ordered X."""

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

import skmomentum._base
from skmomentum import MLPMomentumClassifier, MLPMomentumRegressor
from skmomentum._training import BatchIterator
from skmomentum.solvers import SGD, Adam, Genetic, Nesterov

X_data, y_class = make_classification(
    n_samples=300, n_features=6, n_informative=4, n_classes=3, random_state=0
)
y_reg = X_data @ np.linspace(-1, 1, 6) + 0.1 * X_data[:, 0] ** 2


def model(kind, **params):
    defaults = dict(
        hidden_layer_sizes=(8,),
        # 300 rows in batches of 32: the last batch is shorter.
        solver=Nesterov(learning_rate=0.02, batch_size=32),
        max_iter=4,
        random_state=0,
    )
    estimator = MLPMomentumClassifier if kind == "classifier" else MLPMomentumRegressor
    return estimator(**{**defaults, **params})


def quietly(method, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return method(*args, **kwargs)


def assert_same_fit(a, b):
    for wa, wb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert_array_equal(wa, wb)
    assert_array_equal(a.loss_curve_, b.loss_curve_)


def as_layout(X, layout):
    if layout == "fortran":
        return np.asfortranarray(X)
    if layout == "strided":  # copied to C order once, before the finite check
        wide = np.zeros((X.shape[0], 2 * X.shape[1]), dtype=X.dtype)
        wide[:, ::2] = X
        return wide[:, ::2]
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("layout", ["fortran", "dataframe", "strided"])
def test_every_layout_fits_like_c_ordered_bit_for_bit(kind, dtype, shuffle, layout):
    X_c = np.ascontiguousarray(X_data, dtype=dtype)
    X = as_layout(X_c, layout)
    y = y_class if kind == "classifier" else y_reg
    reference = quietly(model(kind, shuffle=shuffle).fit, X_c, y)
    clf = quietly(model(kind, shuffle=shuffle).fit, X, y)
    assert clf.coefs_[0].dtype == dtype
    assert_same_fit(clf, reference)
    # partial_fit continues on the same batches (the kept shuffle order).
    for _ in range(2):
        quietly(reference.partial_fit, X_c, y)
        quietly(clf.partial_fit, X, y)
    assert_same_fit(clf, reference)
    assert_array_equal(clf.predict(X), reference.predict(X_c))
    if kind == "classifier":
        assert_array_equal(clf.predict_proba(X), reference.predict_proba(X_c))


@pytest.mark.parametrize(
    "params",
    [
        dict(solver=Adam(batch_size=20)),
        dict(solver=SGD(learning_rate=0.005), max_iter=2),  # batches of one row
        dict(solver=Genetic(population_size=8, batch_size=50), max_iter=2),
        dict(early_stopping=True, validation_fraction=0.2),
        # One unit in the first layer: matrix-vector products, whose BLAS
        # kernels sum in an order that depends on the layout.
        dict(hidden_layer_sizes=(1, 4)),
        dict(hidden_layer_sizes=()),
    ],
    ids=["adam", "sgd", "genetic", "early_stopping", "one_unit", "no_hidden_layer"],
)
def test_fortran_ordered_input_fits_like_c_ordered_with(params):
    X_f = np.asfortranarray(X_data)
    y = (y_class == 0).astype(int)  # one output: no hidden layer is one unit
    rng = np.random.RandomState(0)
    sample_weight = rng.uniform(0.5, 2, len(y))
    reference = quietly(model("classifier", **params).fit, X_data, y, sample_weight)
    clf = quietly(model("classifier", **params).fit, X_f, y, sample_weight)
    assert_same_fit(clf, reference)


def batches(X, shuffle, batch_size=32):
    Y = np.arange(len(X), dtype=float)[:, None]  # each batch's row numbers
    sw = np.linspace(1, 2, len(X))
    it = BatchIterator(X, Y, sw, batch_size, shuffle, np.random.RandomState(0))
    return [tuple(np.array(a) for a in batch) for _ in range(2) for batch in it]


@pytest.mark.parametrize("shuffle", [True, False])
def test_batch_iterator_gathers_the_same_rows_from_either_order(shuffle):
    by_rows = batches(X_data, shuffle)
    by_columns = batches(np.asfortranarray(X_data), shuffle)
    assert len(by_rows) == len(by_columns) == 2 * 10
    for (Xr, Yr, swr), (Xc, Yc, swc) in zip(by_rows, by_columns):
        assert_array_equal(Xc, Xr)
        assert_array_equal(Xc, X_data[Yr[:, 0].astype(int)])
        assert_array_equal(Yc, Yr)
        assert_array_equal(swc, swr)


def test_batch_iterator_gathers_fortran_rows_into_one_buffer():
    X = np.asfortranarray(X_data)
    Y = np.zeros((len(X), 1))
    it = BatchIterator(X, Y, None, 32, True, np.random.RandomState(0))
    first = None
    for Xb, _, _ in it:
        assert Xb.flags.f_contiguous  # BLAS reads it as it is
        assert not np.shares_memory(Xb, X)
        first = Xb if first is None else first
        # every batch, the shorter last one too, is written into one buffer
        assert np.shares_memory(Xb, first)
    assert Xb.shape == (300 - 9 * 32, 6)


def test_batch_iterator_refuses_a_strided_array():
    wide = np.zeros((300, 12))
    Y = np.zeros((300, 1))
    with pytest.raises(ValueError, match="C- or Fortran-contiguous"):
        BatchIterator(wide[:, ::2], Y, None, 32, True, np.random.RandomState(0))


def test_x_is_handed_to_training_as_it_is(monkeypatch):
    seen = []

    class Recording(BatchIterator):
        def __init__(self, X, *args, **kwargs):
            seen.append(X)
            super().__init__(X, *args, **kwargs)

    monkeypatch.setattr(skmomentum._base, "BatchIterator", Recording)
    X_f = np.asfortranarray(X_data)
    quietly(model("classifier", max_iter=1).fit, X_f, y_class)
    assert seen[-1] is X_f
    frame = as_layout(X_data, "dataframe")
    quietly(model("classifier", max_iter=1).fit, frame, y_class)
    assert np.shares_memory(seen[-1], frame.to_numpy())
    X_c = np.ascontiguousarray(X_data, dtype=np.float32)
    quietly(model("classifier", max_iter=1).fit, X_c, y_class)
    assert seen[-1] is X_c
    # A strided array is copied to C order once, before the finite check.
    strided = as_layout(X_data, "strided")
    quietly(model("classifier", max_iter=1).fit, strided, y_class)
    assert seen[-1].flags.c_contiguous and not np.shares_memory(seen[-1], strided)
    # Sparse input is gathered by rows: CSR (CSC is converted once).
    quietly(model("classifier", max_iter=1).fit, sp.csc_matrix(X_data), y_class)
    assert seen[-1].format == "csr"


def traced_peak(method, *args):
    tracemalloc.start()
    try:
        quietly(method, *args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("layout", ["fortran", "dataframe"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_fortran_ordered_x_is_never_copied_whole(layout, early_stopping):
    rng = np.random.RandomState(0)
    X_c = rng.standard_normal((20_000, 60))
    y = (X_c[:, 0] > 0).astype(int)
    X = as_layout(X_c, layout)
    clf = model(
        "classifier",
        hidden_layer_sizes=(4,),
        solver=Nesterov(learning_rate=0.01, batch_size=256),
        max_iter=1,
        early_stopping=early_stopping,
    )
    fit_peak = traced_peak(clf.fit, X, y)
    if early_stopping:
        # The split copies the training part (90%, C-ordered): one copy of X.
        assert fit_peak < 1.2 * X_c.nbytes
    else:
        # Batches, targets and the probe's rows: a small share of X (9.6 MB).
        assert fit_peak < 0.25 * X_c.nbytes
        assert traced_peak(clf.partial_fit, X, y) < 0.25 * X_c.nbytes
