"""Training speed of ``MLPMomentumClassifier`` next to scikit-learn's MLP.

For every workload this script trains, alternating, in one process:

- ``MLPClassifier(solver="sgd", momentum=0.9, nesterovs_momentum=True)`` in
  float64 (scikit-learn trains in float64 whatever the input);
- ``MLPMomentumClassifier(solver=Nesterov(...))`` on the float64 data and on
  the same data cast to float32;
- for the regression workload R, ``MLPRegressor`` and
  ``MLPMomentumRegressor`` the same way (R runs once
  ``skmomentum.MLPMomentumRegressor`` exists; until then it is skipped with
  a note);
- a "GEMM floor": a numpy loop doing only the matrix products of one epoch
  (forward ``X @ W1``, ``A1 @ W2``; backward ``A1.T @ D2``, ``D2 @ W2.T``,
  ``X.T @ D1``) on the same shapes and dtype, into preallocated buffers.

Both estimators get the same architecture (one hidden ReLU layer, softmax /
logistic output with log-loss), batch size, learning rate, L2 penalty,
number of epochs (``tol=0`` and a patience longer than the run, so every
epoch runs), ``shuffle=True`` and the same ``random_state`` (the two
initialise their weights with the same Glorot-uniform draws).

Printed per workload and dtype: the median seconds per epoch (fit time over
the number of epochs, so set-up is included) with the min-max over the
repeats, the ratio of medians to scikit-learn float64, the ratio to the
GEMM floor of the same dtype, peak memory and the test score (accuracy; R²
for R). A summary table follows in the form of issue 16: per workload the
float64 / float32 ratios to scikit-learn float64 next to the issue's
targets (``*`` marks a missed target; the targets are for the full sizes),
the floor's ratios, our multiple of the floor, peak memory against
scikit-learn's, and whether the scores agree. Peak memory is
the ``tracemalloc`` peak of one extra one-epoch ``fit`` of each model, run
outside the timed repeats (numpy reports its buffers to ``tracemalloc``); it
counts what ``fit`` allocates, not the input data made before it. Test
scores of skmomentum and scikit-learn must agree within 0.01; a ``!``
flags a pair that does not.

Data: ``load_digits`` and ``make_classification`` (D with ``class_sep=3`` so
that three epochs learn something), split 80/20 (stratified), standardised
with a ``StandardScaler`` fitted on the training part. ``B-df`` is B's data
handed to both libraries as a pandas DataFrame (what a user with tabular
data has; ``DataFrame.to_numpy()`` of it is Fortran-ordered), the float32
run as ``df.astype("float32")``. R is ``make_regression`` at B's shape with
standardised targets. ``--quick`` keeps the
shapes but runs fewer epochs (A 10, B-D 2, E 1) and 2 repeats instead of 3;
``--sizes tiny`` shrinks every data set to 400 rows (and B-D's widths), for
the test that checks the script runs. ``--workloads A,B-df`` picks workloads
by key (A, B, B-df, C, D, E, R).

Run::

    python benchmarks/bench_vs_sklearn.py            # full: a few minutes
    python benchmarks/bench_vs_sklearn.py --quick    # under 90 s
    python benchmarks/bench_vs_sklearn.py --quick --sizes tiny   # seconds

On machines where ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` pin an older
kernel, unset both for the benchmark command alone to time the kernel numpy
would pick (``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python ...``); the
header prints the BLAS and kernel in use (threadpoolctl).
"""

import argparse
import gc
import os
import statistics
import time
import tracemalloc
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

import skmomentum
from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import Nesterov

ALPHA = 1e-4
SEED = 0

# Issue 16's goals: seconds per epoch over MLPClassifier's (MLPRegressor's
# for R) in float64, for our float64 and float32 fits, at the full sizes.
TARGETS = {
    "A": (0.22, 0.18),
    "B": (0.30, 0.18),
    "B-df": (0.30, 0.18),
    "C": (0.50, 0.25),
    "D": (0.61, 0.30),
    "E": (0.25, 0.25),
    "R": (0.30, 0.18),
}


@dataclass
class Workload:
    key: str
    name: str
    data: str  # "digits", "classification" or "regression"
    n_samples: int
    n_features: int
    n_informative: int
    n_classes: int
    hidden: int
    batch_size: int
    learning_rate: float
    epochs: int
    dtypes: tuple = ("float64", "float32")
    class_sep: float = 1.0  # make_classification's; D's 3 epochs need more
    frame: bool = False  # hand the data over as pandas DataFrames

    @property
    def regression(self):
        return self.data == "regression"


def workloads(sizes, quick):
    """The workloads of the issue; ``sizes="tiny"`` shrinks every one."""
    B = ("classification", 100_000, 50, 30, 5, 128, 256, 0.01, 5)
    full = [
        Workload("A", "A digits", "digits", 1797, 64, 0, 10, 64, 32, 0.05, 30),
        Workload("B", "B tabular", *B),
        Workload("B-df", "B-df DataFrame", *B, frame=True),
        Workload(
            "C", "C image", "classification", 20_000, 512, 100, 2, 256, 128, 0.01, 5
        ),
        Workload(
            "D",
            "D wide",
            "classification",
            5_000,
            2048,
            64,
            10,
            1024,
            512,
            0.01,
            3,
            class_sep=3.0,
        ),
        Workload("E", "E batch 1", "digits", 1797, 64, 0, 10, 64, 1, 0.001, 3),
        Workload(
            "R", "R regression", "regression", 100_000, 50, 30, 0, 128, 256, 0.01, 5
        ),
    ]
    if quick:
        # Fewer epochs where an epoch is long; shapes stay the same.
        for w in full:
            w.epochs = {"A": 10, "B": 2, "B-df": 2, "C": 2, "E": 1, "R": 2}.get(
                w.key, min(w.epochs, 2)
            )
    if sizes == "tiny":
        for w in full:
            w.n_samples = min(w.n_samples, 400)
            if w.data != "digits":
                w.n_samples = min(w.n_samples, 400)
                w.n_features = min(w.n_features, 32)
                w.n_informative = min(w.n_informative, 8)
                w.hidden = min(w.hidden, 16)
                w.batch_size = min(w.batch_size, 64)
            w.epochs = 1
    return full


def load(w):
    """Standardised train/test splits, as ndarrays or (``w.frame``) DataFrames."""
    stratify = True
    if w.data == "digits":
        X, y = load_digits(return_X_y=True)
        X, y = X[: w.n_samples], y[: w.n_samples]
    elif w.regression:
        X, y = make_regression(
            n_samples=w.n_samples,
            n_features=w.n_features,
            n_informative=w.n_informative,
            noise=10.0,
            random_state=SEED,
        )
        y = (y - y.mean()) / y.std()
        stratify = False
    else:
        X, y = make_classification(
            n_samples=w.n_samples,
            n_features=w.n_features,
            n_informative=w.n_informative,
            n_redundant=0,
            n_classes=w.n_classes,
            class_sep=w.class_sep,
            random_state=SEED,
        )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=SEED, stratify=y if stratify else None
    )
    scaler = StandardScaler().fit(X_train)
    X_train = np.ascontiguousarray(scaler.transform(X_train))
    X_test = np.ascontiguousarray(scaler.transform(X_test))
    if w.frame:
        columns = [f"x{i}" for i in range(X_train.shape[1])]
        X_train = pd.DataFrame(X_train, columns=columns)
        X_test = pd.DataFrame(X_test, columns=columns)
    return X_train, X_test, y_train, y_test


def as_float32(X):
    return X.astype(np.float32)


def as_array(X):
    """The data the GEMM floor multiplies: C-ordered, whatever was handed over."""
    return np.ascontiguousarray(X.to_numpy() if hasattr(X, "to_numpy") else X)


def make_sklearn(w, epochs):
    cls = MLPRegressor if w.regression else MLPClassifier
    return cls(
        hidden_layer_sizes=(w.hidden,),
        activation="relu",
        solver="sgd",
        learning_rate_init=w.learning_rate,
        momentum=0.9,
        nesterovs_momentum=True,
        batch_size=w.batch_size,
        alpha=ALPHA,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        early_stopping=False,
        shuffle=True,
        random_state=SEED,
    )


def make_ours(w, epochs):
    if w.regression:
        cls, loss = skmomentum.MLPMomentumRegressor, "squared_error"
    else:
        cls, loss = MLPMomentumClassifier, "log_loss"
    return cls(
        hidden_layer_sizes=(w.hidden,),
        activation="relu",
        loss=loss,
        solver=Nesterov(
            learning_rate=w.learning_rate, momentum=0.9, batch_size=w.batch_size
        ),
        alpha=ALPHA,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        early_stopping=False,
        shuffle=True,
        random_state=SEED,
    )


def gemm_floor(X, hidden, n_outputs, batch_size, epochs):
    """Seconds per epoch of only the matrix products of training."""
    n, d = X.shape
    dtype = X.dtype
    rng = np.random.RandomState(SEED)
    W1 = rng.uniform(-0.1, 0.1, (d, hidden)).astype(dtype)
    W2 = rng.uniform(-0.1, 0.1, (hidden, n_outputs)).astype(dtype)
    gW1, gW2 = np.empty_like(W1), np.empty_like(W2)
    A1 = np.empty((batch_size, hidden), dtype)
    D1 = np.empty_like(A1)
    Z2 = np.empty((batch_size, n_outputs), dtype)
    D2 = rng.uniform(-0.1, 0.1, Z2.shape).astype(dtype)
    start = time.perf_counter()
    for _ in range(epochs):
        for lo in range(0, n, batch_size):
            Xb = X[lo : lo + batch_size]
            b = Xb.shape[0]
            np.matmul(Xb, W1, out=A1[:b])
            np.matmul(A1[:b], W2, out=Z2[:b])
            np.matmul(A1[:b].T, D2[:b], out=gW2)
            np.matmul(D2[:b], W2.T, out=D1[:b])
            np.matmul(Xb.T, D1[:b], out=gW1)
    return (time.perf_counter() - start) / epochs


def timed_fit(model, X, y, epochs):
    gc.collect()
    start = time.perf_counter()
    model.fit(X, y)
    return (time.perf_counter() - start) / epochs


def peak_memory(make, X, y):
    """tracemalloc peak (bytes) of a one-epoch fit."""
    model = make(1)
    gc.collect()
    tracemalloc.start()
    model.fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def run_workload(w, repeats, judge=True):
    """Detailed rows and the summary row of one workload."""
    X_train, X_test, y_train, y_test = load(w)
    if w.regression:
        n_outputs = 1
    else:
        n_classes = len(np.unique(y_train))
        n_outputs = 1 if n_classes == 2 else n_classes
    data = {"float64": (X_train, X_test)}
    if "float32" in w.dtypes:
        data["float32"] = (as_float32(X_train), as_float32(X_test))
    floor_data = {dtype: as_array(Xs[0]) for dtype, Xs in data.items()}

    # (label, dtype) -> callable returning seconds per epoch; run alternating.
    models = {}
    runners = {
        ("sklearn", "float64"): lambda: timed_fit(
            models.setdefault(("sklearn", "float64"), make_sklearn(w, w.epochs)),
            X_train,
            y_train,
            w.epochs,
        )
    }
    for dtype in w.dtypes:
        Xt = data[dtype][0]
        runners[("skmomentum", dtype)] = lambda Xt=Xt, dtype=dtype: timed_fit(
            models.setdefault(("skmomentum", dtype), make_ours(w, w.epochs)),
            Xt,
            y_train,
            w.epochs,
        )
        runners[("floor", dtype)] = lambda Xf=floor_data[dtype]: gemm_floor(
            Xf, w.hidden, n_outputs, w.batch_size, max(1, min(w.epochs, 3))
        )
    times = {key: [] for key in runners}
    keys = list(runners)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for r in range(repeats):
            # Rotate the order so no model always runs first (warm caches).
            for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
                times[key].append(runners[key]())
        peaks = {
            ("sklearn", "float64"): peak_memory(
                lambda e: make_sklearn(w, e), X_train, y_train
            )
        }
        for dtype in w.dtypes:
            peaks[("skmomentum", dtype)] = peak_memory(
                lambda e: make_ours(w, e), data[dtype][0], y_train
            )
    score = {
        ("sklearn", "float64"): models[("sklearn", "float64")].score(X_test, y_test)
    }
    for dtype in w.dtypes:
        model = models[("skmomentum", dtype)]
        score[("skmomentum", dtype)] = model.score(data[dtype][1], y_test)

    med = {key: statistics.median(v) for key, v in times.items()}
    sk = med[("sklearn", "float64")]
    ours = [("skmomentum", d) for d in w.dtypes]
    agree = {
        key: abs(score[key] - score[("sklearn", "float64")]) <= 0.01 for key in ours
    }
    rows = []
    for key in [("sklearn", "float64"), *ours]:
        lib, dtype = key
        floor = med[("floor", dtype)]
        flag = "" if agree.get(key, True) else " !"
        rows.append(
            [
                w.name,
                lib,
                dtype,
                f"{med[key]:.4f}",
                f"{min(times[key]):.4f}-{max(times[key]):.4f}",
                f"{med[key] / sk:.2f}",
                f"{med[key] / floor:.2f}",
                f"{floor:.4f}",
                f"{peaks[key] / 2**20:.1f}",
                f"{score[key]:.3f}{flag}",
            ]
        )

    def both(values):
        return " / ".join(values)

    target = TARGETS[w.key]
    ratio = [med[key] / sk for key in ours]
    summary = [
        w.name,
        both(
            f"{r:.2f}{'*' if judge and r > t else ''}"
            for r, t in zip(ratio, target, strict=False)
        ),
        both(f"{t:.2f}" for t in target[: len(ours)]),
        both(f"{med[('floor', d)] / sk:.2f}" for d in w.dtypes),
        both(f"{med[key] / med[('floor', key[1])]:.1f}x" for key in ours),
        both(f"{peaks[key] / 2**20:.1f}" for key in ours)
        + f" vs {peaks[('sklearn', 'float64')] / 2**20:.1f}",
        "yes" if all(agree.values()) else "NO",
    ]
    return rows, summary


HEADER = [
    "workload",
    "library",
    "dtype",
    "s/epoch",
    "min-max",
    "vs sklearn",
    "vs floor",
    "floor s/ep",
    "peak MiB",
    "test score",
]

SUMMARY_HEADER = [
    "workload",
    "skmomentum f64 / f32",
    "target",
    "GEMM floor f64 / f32",
    "skmomentum / floor",
    "peak MiB ours vs sklearn",
    "scores agree",
]


def print_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(n) for c, n in zip(cells, widths)) + " |"

    print(line(header))
    print("|" + "|".join("-" * (n + 2) for n in widths) + "|")
    for row in rows:
        print(line(row), flush=True)


def describe_blas():
    try:
        from threadpoolctl import threadpool_info

        info = [
            f"{i.get('internal_api')} {i.get('version')} "
            f"kernel={i.get('architecture')} threads={i.get('num_threads')}"
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        ]
    except ImportError:  # pragma: no cover
        info = ["threadpoolctl not installed"]
    env = {
        k: os.environ[k]
        for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
        if k in os.environ
    }
    return f"BLAS: {'; '.join(info)}; env: {env or 'OPENBLAS_* unset'}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs/repeats")
    parser.add_argument("--sizes", choices=["full", "tiny"], default="full")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument(
        "--workloads",
        default="A,B,B-df,C,D,E,R",
        help="comma-separated keys of the workloads to run (A,B,B-df,C,D,E,R)",
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 3)
    wanted = {k.strip() for k in args.workloads.split(",")}
    known = {w.key for w in workloads("full", False)}
    if not wanted <= known:
        parser.error(
            f"unknown workloads {sorted(wanted - known)}; pick from {sorted(known)}"
        )
    print(describe_blas())
    print(
        f"repeats={repeats}, quick={args.quick}, sizes={args.sizes}; ratios are "
        "of medians in this run; floor = matrix products only"
    )
    rows, summary = [], []
    for w in workloads(args.sizes, args.quick):
        if w.key not in wanted:
            continue
        if w.regression and not hasattr(skmomentum, "MLPMomentumRegressor"):
            print("R regression skipped: skmomentum.MLPMomentumRegressor not found")
            continue
        detail, line = run_workload(w, repeats, judge=args.sizes == "full")
        rows += detail
        summary.append(line)
    print_table(HEADER, rows)
    if any(r[-1].endswith("!") for r in rows):
        print("! test score differs from scikit-learn's by more than 0.01")
    print()
    judged = "* = target missed" if args.sizes == "full" else "tiny sizes: not judged"
    print(f"Seconds per epoch over scikit-learn float64 (same run); {judged}")
    print_table(SUMMARY_HEADER, summary)


if __name__ == "__main__":
    main()
