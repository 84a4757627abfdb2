"""Fit/partial_fit/predict time by input layout: C ndarray, F ndarray, strided
view, pandas DataFrame (and scikit-learn's MLPClassifier on the DataFrame).

    python benchmarks/bench_layout.py [--rows 50000] [--cols 100] [--epochs 2]

Prints the median of ``--repeat`` runs per layout and its ratio to the
C-ordered ndarray (the issue's target: every layout within 1.2x).
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import Momentum


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        tic = time.perf_counter()
        fn()
        times.append(time.perf_counter() - tic)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
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
            solver=Momentum(learning_rate=0.01),
            max_iter=args.epochs,
            random_state=0,
        )

    print(f"{args.rows} x {args.cols}, {args.epochs} epochs, median of {args.repeat}")
    base, fits = {}, {}
    for name, data in layouts.items():
        fit = fits[name] = median_time(lambda d=data: ours().fit(d, y), args.repeat)
        clf = ours().fit(data, y)
        partial = median_time(lambda d=data, c=clf: c.partial_fit(d, y), args.repeat)
        predict = median_time(lambda d=data, c=clf: c.predict_proba(d), args.repeat)
        base.setdefault("fit", fit)
        base.setdefault("partial", partial)
        base.setdefault("predict", predict)
        print(
            f"{name:13s} fit {fit:6.3f} s ({fit / base['fit']:4.2f}x)  "
            f"partial_fit {partial:6.3f} s ({partial / base['partial']:4.2f}x)  "
            f"predict_proba {predict:6.3f} s ({predict / base['predict']:4.2f}x)"
        )
    frame = layouts["DataFrame"]
    skl = median_time(
        lambda: MLPClassifier(
            solver="sgd",
            learning_rate_init=0.01,
            momentum=0.9,
            nesterovs_momentum=False,
            max_iter=args.epochs,
            random_state=0,
        ).fit(frame, y),
        args.repeat,
    )
    print(
        f"MLPClassifier(solver='sgd') on the DataFrame: fit {skl:6.3f} s; ours on "
        f"the DataFrame / MLPClassifier = {fits['DataFrame'] / skl:4.2f}"
    )


if __name__ == "__main__":
    main()
