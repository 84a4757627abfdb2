"""Wall time of a GridSearchCV: serial, joblib's loky (2 processes), dask (2 workers).

The same search -- solver objects and nested solver parameters -- runs three
times: serially (``n_jobs=1``), with joblib's default process backend on two
processes, and through joblib's dask backend on a ``distributed.LocalCluster``
of two single-threaded worker processes bound to 127.0.0.1. The cluster's
start-up time is reported apart from the search. The script checks that the
three runs give the same ``cv_results_``.

Run: ``python benchmarks/dask_search.py`` (``--quick`` for a smaller grid).
"""

import argparse
import os
import time
import warnings

import numpy as np
from joblib import parallel_config
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import Adam, Momentum, Nesterov


def make_search(max_iter, n_jobs=None):
    grid = {
        "solver": [Momentum(), Nesterov(), Adam()],
        "solver__learning_rate": [0.003, 0.01, 0.03],
        "hidden_layer_sizes": [(32,), (64,)],
    }
    clf = MLPMomentumClassifier(
        max_iter=max_iter, n_iter_no_change=np.inf, random_state=0
    )
    return GridSearchCV(clf, grid, cv=3, n_jobs=n_jobs)


def timed_fit(search, X, y, repeat=1):
    """Best wall time of ``repeat`` fits (the machine may be shared)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            search.fit(X, y)
        times.append(time.perf_counter() - start)
    return min(times)


def same_results(a, b):
    return (
        np.allclose(a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"])
        and (a.cv_results_["rank_test_score"] == b.cv_results_["rank_test_score"]).all()
        and [repr(p) for p in a.cv_results_["params"]]
        == [repr(p) for p in b.cv_results_["params"]]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller search")
    parser.add_argument("--repeat", type=int, default=2, help="best of N runs")
    args = parser.parse_args(argv)
    n_samples, max_iter = (1000, 10) if args.quick else (3000, 30)

    from distributed import Client, LocalCluster

    X, y = make_classification(
        n_samples=n_samples, n_features=20, n_informative=10, random_state=0
    )
    n_fits = len(make_search(max_iter).get_params()["param_grid"]["solver"]) * 3 * 2
    print(
        f"GridSearchCV: {n_fits} candidates x 3 folds = {3 * n_fits} fits "
        f"(+1 refit) of {max_iter} epochs on {n_samples} x 20; best of "
        f"{args.repeat}; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the start"
    )

    serial = make_search(max_iter, n_jobs=1)
    t_serial = timed_fit(serial, X, y, args.repeat)
    print(f"serial (n_jobs=1):                 {t_serial:6.1f} s")

    loky = make_search(max_iter, n_jobs=2)
    t_loky = timed_fit(loky, X, y, args.repeat)
    print(
        f"joblib loky (n_jobs=2):            {t_loky:6.1f} s  "
        f"speed-up {t_serial / t_loky:.2f}x"
    )

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        t_start = time.perf_counter() - start
        on_dask = make_search(max_iter)
        with parallel_config(backend="dask", client=client):
            t_dask = timed_fit(on_dask, X, y, args.repeat)
    print(
        f"dask, 2 workers x 1 thread:        {t_dask:6.1f} s  "
        f"speed-up {t_serial / t_dask:.2f}x (cluster start-up {t_start:.1f} s "
        "not included)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(
        "same cv_results_ as serial: "
        f"loky {same_results(serial, loky)}, dask {same_results(serial, on_dask)}"
    )


if __name__ == "__main__":
    main()
