"""Fit/partial_fit/predict time by input layout: C ndarray, F ndarray, strided
view, pandas DataFrame (and scikit-learn's MLPClassifier on the DataFrame).

    python benchmarks/bench_layout.py [--rows 50000] [--cols 100] [--epochs 2]
        [--hidden 100] [--batch-size 200]

Prints the best of ``--repeat`` interleaved runs per layout and its ratio to the
C-ordered ndarray (the issue's target: every layout within 1.2x), and the
``tracemalloc`` peak of one fit (a copy of X would show as its size, printed
in the header; scikit-learn copies none).
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import Momentum


def best_times(tasks, repeat):
    """Fastest of ``repeat`` timings of each task, the tasks interleaved so
    that a busy moment of the machine hits all of them alike."""
    times = {name: [] for name in tasks}
    for _ in range(repeat):
        for name, task in tasks.items():
            tic = time.perf_counter()
            task()
            times[name].append(time.perf_counter() - tic)
    return {name: min(t) for name, t in times.items()}


def peak_mib(task):
    """``tracemalloc`` peak of one run of ``task``, in MiB (numpy reports its
    buffers to it; memory allocated before the call is not counted)."""
    tracemalloc.start()
    try:
        task()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)

    rng = np.random.RandomState(0)
    X = rng.standard_normal((args.rows, args.cols))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    wide = np.zeros((args.rows, 2 * args.cols))
    wide[:, ::2] = X
    layouts = {
        "C ndarray": X,
        "F ndarray": np.asfortranarray(X),
        "strided view": wide[:, ::2],
        "DataFrame": pd.DataFrame(X, columns=[f"f{i}" for i in range(args.cols)]),
    }

    def ours():
        return MLPMomentumClassifier(
            hidden_layer_sizes=(args.hidden,),
            solver=Momentum(learning_rate=0.01, batch_size=args.batch_size),
            max_iter=args.epochs,
            random_state=0,
        )

    print(
        f"{args.rows} x {args.cols} ({X.nbytes / 2**20:.1f} MiB), hidden "
        f"{args.hidden}, batch {args.batch_size}, {args.epochs} epochs, best of "
        f"{args.repeat}"
    )
    fitted = {name: ours().fit(data, y) for name, data in layouts.items()}
    peaks = {
        name: peak_mib(lambda d=data: ours().fit(d, y))
        for name, data in layouts.items()
    }
    frame = layouts["DataFrame"]
    tasks = {}
    for name, data in layouts.items():
        clf = fitted[name]
        tasks[name, "fit"] = lambda d=data: ours().fit(d, y)
        tasks[name, "partial_fit"] = lambda d=data, c=clf: c.partial_fit(d, y)
        tasks[name, "predict_proba"] = lambda d=data, c=clf: c.predict_proba(d)
    tasks["sklearn", "fit"] = lambda: MLPClassifier(
        hidden_layer_sizes=(args.hidden,),
        solver="sgd",
        learning_rate_init=0.01,
        momentum=0.9,
        nesterovs_momentum=False,
        batch_size=args.batch_size,
        max_iter=args.epochs,
        random_state=0,
    ).fit(frame, y)
    skl_peak = peak_mib(tasks["sklearn", "fit"])
    best = best_times(tasks, args.repeat)
    for name in layouts:
        cells = [
            f"{what} {best[name, what]:6.3f} s "
            f"({best[name, what] / best['C ndarray', what]:4.2f}x)"
            for what in ("fit", "partial_fit", "predict_proba")
        ]
        print(f"{name:13s} " + "  ".join(cells) + f"  fit peak {peaks[name]:5.1f} MiB")
    skl = best["sklearn", "fit"]
    print(
        f"MLPClassifier(solver='sgd') on the DataFrame: fit {skl:6.3f} s, peak "
        f"{skl_peak:5.1f} MiB; ours on the DataFrame / MLPClassifier = "
        f"{best['DataFrame', 'fit'] / skl:4.2f}"
    )


if __name__ == "__main__":
    main()
