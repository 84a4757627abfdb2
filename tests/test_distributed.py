"""Scale-out through existing engines (issue 7).

Two groups of tests:

* what the engines need from the estimator (pickling, cheap clones,
  ``partial_fit`` with ``classes`` on every block, one epoch per call, solver
  state kept, ``score``) -- plain tests, no dask needed;
* the engines themselves on a ``distributed.LocalCluster`` bound to loopback,
  started once per session -- marked ``distributed`` (deselect with
  ``-m "not distributed"``) and skipped when dask, distributed or dask-ml is
  missing.
"""

import pickle
import time
from itertools import pairwise

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

from skmomentum import MLPMomentumClassifier
from skmomentum.schedules import InverseScaling
from skmomentum.solvers import Adam, Momentum, Nesterov

# Searches and blocks use tiny max_iter on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# ---------------------------------------------------------------- helpers


def _data(n_samples=240, n_features=8, n_classes=3, seed=0):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=5,
        n_classes=n_classes,
        random_state=seed,
    )
    return X, y


def _estimator(**params):
    defaults = dict(
        hidden_layer_sizes=(8,),
        solver=Momentum(learning_rate=0.05),
        max_iter=5,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    defaults.update(params)
    return MLPMomentumClassifier(**defaults)


def _blocks(X, y, n_blocks):
    bounds = np.linspace(0, len(X), n_blocks + 1).astype(int)
    return [(X[a:b], y[a:b]) for a, b in pairwise(bounds)]


def _assert_same_cv_results(serial, parallel):
    assert_allclose(
        parallel["mean_test_score"], serial["mean_test_score"], rtol=0, atol=1e-12
    )
    assert_allclose(
        parallel["std_test_score"], serial["std_test_score"], rtol=0, atol=1e-12
    )
    assert_array_equal(parallel["rank_test_score"], serial["rank_test_score"])
    # Solver objects compare by their repr (type and hyperparameters).
    assert [repr(p) for p in parallel["params"]] == [repr(p) for p in serial["params"]]


# ------------------------------------------ what the engines need (no dask)

_SOLVERS = [
    Momentum(learning_rate=0.05),
    Nesterov(learning_rate=0.05),
    Adam(learning_rate=0.01),
    Momentum(learning_rate=InverseScaling(0.05), ewma=True, bias_correction=True),
]


@pytest.mark.parametrize("solver", _SOLVERS, ids=lambda s: type(s).__name__)
@pytest.mark.parametrize("dumps_loads", ["pickle", "cloudpickle"])
def test_pickle_round_trip_before_and_after_fit(solver, dumps_loads):
    # An unpicklable estimator makes a dask-backed search hang silently.
    if dumps_loads == "cloudpickle":
        module = pytest.importorskip("cloudpickle")
    else:
        module = pickle
    X, y = _data()
    clf = _estimator(solver=solver)

    unfitted = module.loads(module.dumps(clf))
    assert repr(unfitted.get_params()) == repr(clf.get_params())
    assert not hasattr(unfitted, "coefs_")
    assert_allclose(unfitted.fit(X, y).predict_proba(X), clf.fit(X, y).predict_proba(X))

    fitted = module.loads(module.dumps(clf))
    assert_array_equal(fitted.predict(X), clf.predict(X))
    assert_array_equal(fitted.predict_proba(X), clf.predict_proba(X))
    assert fitted.score(X, y) == clf.score(X, y)

    # The solver state and the shuffling RNG travel too: continuing after the
    # round trip is the same as continuing in place.
    fitted.partial_fit(X, y)
    clf.partial_fit(X, y)
    for a, b in zip(fitted.coefs_ + fitted.intercepts_, clf.coefs_ + clf.intercepts_):
        assert_array_equal(a, b)


def test_clone_is_cheap_and_drops_fitted_state():
    X, y = _data()
    clf = _estimator().fit(X, y)
    start = time.perf_counter()
    clones = [clone(clf) for _ in range(200)]
    per_clone = (time.perf_counter() - start) / 200
    assert per_clone < 5e-3  # about 0.1 ms here; a search clones once per fit
    assert not hasattr(clones[0], "coefs_")
    # Nested solver objects are cloned, not shared.
    assert clones[0].solver is not clf.solver
    assert repr(clones[0].solver) == repr(clf.solver)
    # The pickled unfitted estimator is small: it is what goes over the network.
    assert len(pickle.dumps(clones[0])) < 5_000


def test_partial_fit_classes_on_every_block_one_epoch_keeps_state():
    X, y = _data()
    classes = np.unique(y)
    clf = _estimator(solver=Nesterov(learning_rate=0.05, batch_size=16))
    t_before = 0
    for i, (Xb, yb) in enumerate(_blocks(X, y, 4), start=1):
        # Some blocks may lack a class; classes= is the same every time.
        clf.partial_fit(Xb, yb, classes=classes)
        assert clf.n_iter_ == 1  # exactly one epoch per call
        assert len(clf.loss_curve_) == i
        assert clf.t_ == t_before + len(Xb)
        t_before = clf.t_
        # One update per mini-batch, counted across calls: state is kept.
        assert clf.solver_state_.t == sum(
            int(np.ceil(len(b) / 16)) for b, _ in _blocks(X, y, 4)[:i]
        )
    assert_array_equal(clf.classes_, classes)
    assert 0.0 <= clf.score(X, y) <= 1.0

    with pytest.raises(ValueError, match="same classes"):
        clf.partial_fit(X, y, classes=classes[:2])


def test_partial_fit_ignores_max_iter():
    # Incremental calls partial_fit once per block: max_iter must not matter.
    X, y = _data()
    a = _estimator(max_iter=1).partial_fit(X, y, classes=np.unique(y))
    b = _estimator(max_iter=50).partial_fit(X, y, classes=np.unique(y))
    assert_array_equal(a.coefs_[0], b.coefs_[0])


# ------------------------------------------------------- the dask cluster


@pytest.fixture(scope="session")
def dask_client():
    """A 2-worker, 1-thread-each LocalCluster on loopback, once per session."""
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    )
    client = distributed.Client(cluster, set_as_default=False)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _run_search_on_dask(search, client, X, y):
    """Fit ``search`` through joblib's dask backend on ``client``.

    ``client=`` is passed explicitly: the backend would otherwise call
    ``distributed.get_client()``, which finds no client because ours was
    created with ``set_as_default=False``.
    """
    from distributed import get_task_stream
    from joblib import parallel_config

    with get_task_stream(client=client) as stream:
        with parallel_config(backend="dask", client=client):
            search.fit(X, y)
    workers = {task["worker"] for task in stream.data}
    return workers


@pytest.mark.distributed
def test_grid_search_on_dask_matches_serial(dask_client):
    X, y = _data()
    grid = {
        "solver": [Momentum(), Nesterov()],
        "solver__learning_rate": [0.01, 0.1],
        "hidden_layer_sizes": [(4,), (8,)],
    }
    serial = GridSearchCV(_estimator(), grid, cv=3).fit(X, y)
    parallel = GridSearchCV(_estimator(), grid, cv=3)
    workers = _run_search_on_dask(parallel, dask_client, X, y)

    assert workers  # the fits ran on the cluster's workers
    assert workers <= set(dask_client.scheduler_info()["workers"])
    _assert_same_cv_results(serial.cv_results_, parallel.cv_results_)
    assert repr(parallel.best_params_) == repr(serial.best_params_)
    assert_array_equal(parallel.predict(X), serial.predict(X))
    # The user's solver objects are never modified by the search.
    assert repr(grid["solver"]) == "[Momentum(), Nesterov()]"


@pytest.mark.distributed
def test_randomized_search_on_dask_matches_serial(dask_client):
    from scipy.stats import loguniform

    X, y = _data()
    distributions = {
        "solver": [Momentum(), Nesterov(), Adam()],
        "solver__learning_rate": loguniform(1e-3, 1e-1),
        "alpha": loguniform(1e-5, 1e-2),
    }
    kwargs = dict(n_iter=6, cv=3, random_state=0)
    serial = RandomizedSearchCV(_estimator(), distributions, **kwargs).fit(X, y)
    parallel = RandomizedSearchCV(_estimator(), distributions, **kwargs)
    workers = _run_search_on_dask(parallel, dask_client, X, y)

    assert workers
    _assert_same_cv_results(serial.cv_results_, parallel.cv_results_)
    assert_allclose(
        parallel.best_estimator_.coefs_[0], serial.best_estimator_.coefs_[0]
    )


@pytest.mark.distributed
@pytest.mark.parametrize("solver", [Momentum(learning_rate=0.05), Adam()])
def test_incremental_matches_partial_fit_loop(dask_client, solver):
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")

    X, y = _data(n_samples=400)
    classes = np.unique(y)
    chunk = 100
    X_dask = da.from_array(X, chunks=(chunk, X.shape[1]))
    y_dask = da.from_array(y, chunks=chunk)

    est = _estimator(solver=solver, hidden_layer_sizes=(10,), random_state=3)
    inc = wrappers.Incremental(est, shuffle_blocks=False)
    # Incremental computes its block-by-block graph with dask's current
    # scheduler; as_current() makes that our (non-default) client.
    from distributed import get_task_stream

    with get_task_stream(client=dask_client) as stream:
        with dask_client.as_current():
            inc.fit(X_dask, y_dask, classes=classes)
    assert {task["worker"] for task in stream.data}  # ran on the cluster

    by_hand = clone(est)
    for Xb, yb in _blocks(X, y, len(X) // chunk):
        by_hand.partial_fit(Xb, yb, classes=classes)

    fitted = inc.estimator_
    assert fitted is not est and not hasattr(est, "coefs_")
    assert fitted.t_ == by_hand.t_ == len(X)
    assert len(fitted.loss_curve_) == len(X) // chunk
    for a, b in zip(
        fitted.coefs_ + fitted.intercepts_, by_hand.coefs_ + by_hand.intercepts_
    ):
        assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert_array_equal(inc.predict(X_dask).compute(), by_hand.predict(X))
    with dask_client.as_current():
        assert inc.score(X_dask, y_dask) == pytest.approx(by_hand.score(X, y))

    # A second Incremental.partial_fit pass continues from the same state.
    with dask_client.as_current():
        inc.partial_fit(X_dask, y_dask, classes=classes)
    for Xb, yb in _blocks(X, y, len(X) // chunk):
        by_hand.partial_fit(Xb, yb, classes=classes)
    assert_allclose(inc.estimator_.coefs_[0], by_hand.coefs_[0], rtol=1e-12)
