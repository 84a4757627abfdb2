"""Seconds per epoch on torch (array API) next to the numpy path.

Workloads C (16,000 x 512 training rows, 256 hidden units, batch 128) and
D (4,000 x 2048, 1024 hidden units, batch 512) of ``bench_vs_sklearn.py``
(the training part of its 80/20 split, standardised), trained by
``MLPMomentumClassifier(solver=Nesterov(...))`` for a fixed number of epochs:

- ``numpy``: numpy arrays, the in-place fast path;
- ``torch <device>``: the same arrays as torch tensors on the device, with
  ``sklearn.set_config(array_api_dispatch=True)``; CUDA when a GPU is
  present, else the CPU.

Each row gives the median seconds per epoch over the repeats (fit time over
epochs, set-up included) and the ratio to numpy of the same dtype. torch
and numpy use the threads they default to (the header prints both).

Run::

    python benchmarks/bench_array_api.py                 # a few minutes on a CPU
    python benchmarks/bench_array_api.py --sizes tiny    # seconds (a smoke test)
"""

import argparse
import os
import statistics
import sys
import time
import warnings

os.environ.setdefault("SCIPY_ARRAY_API", "1")  # before SciPy is imported

import numpy as np
import sklearn

sys.path.insert(0, os.path.dirname(__file__))
from bench_vs_sklearn import ALPHA, SEED, load, workloads

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import Nesterov


def make(w, epochs):
    return MLPMomentumClassifier(
        hidden_layer_sizes=(w.hidden,),
        solver=Nesterov(learning_rate=w.learning_rate, batch_size=w.batch_size),
        alpha=ALPHA,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=SEED,
    )


def seconds_per_epoch(w, X, y, epochs, device=None):
    """One fit's seconds per epoch: numpy, or torch tensors on ``device``."""
    dispatch = device is not None
    if dispatch:
        import torch

        X, y = torch.asarray(X, device=device), torch.asarray(y, device=device)
    model = make(w, epochs)
    with warnings.catch_warnings(), sklearn.config_context(array_api_dispatch=dispatch):
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model.fit(X, y)
        if dispatch:  # wait for the device before stopping the clock
            _synchronize(model.coefs_[0])
        return (time.perf_counter() - start) / epochs


def _synchronize(array):
    import torch

    if array.device.type == "cuda":
        torch.cuda.synchronize()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", choices=["full", "tiny"], default="full")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--workloads", default="CD")
    parser.add_argument(
        "--torch-threads", type=int, default=None, help="torch.set_num_threads"
    )
    args = parser.parse_args(argv)
    import torch

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    print(
        f"torch {torch.__version__} on {device} ({torch.get_num_threads()} threads), "
        f"numpy {np.__version__}; epochs={args.epochs}, repeats={args.repeats}"
    )
    header = ["workload", "dtype", "path", "s/epoch", "min-max", "vs numpy"]
    rows = []
    for w in workloads(args.sizes, quick=False):
        if w.name[0] not in args.workloads.upper():
            continue
        X, _, y, _ = load(w)
        for dtype in ("float64", "float32"):
            Xd = np.ascontiguousarray(X, dtype=dtype)
            runs = {"numpy": None, f"torch {device}": device}
            times = {key: [] for key in runs}
            for r in range(args.repeats):  # alternate, rotating who goes first
                keys = list(runs)[r % 2 :] + list(runs)[: r % 2]
                for key in keys:
                    seconds = seconds_per_epoch(w, Xd, y, args.epochs, runs[key])
                    times[key].append(seconds)
            base = statistics.median(times["numpy"])
            for key, values in times.items():
                med = statistics.median(values)
                rows.append(
                    [
                        w.name,
                        dtype,
                        key,
                        f"{med:.4f}",
                        f"{min(values):.4f}-{max(values):.4f}",
                        f"{med / base:.2f}",
                    ]
                )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * n for n in widths], *rows]:
        print("| " + " | ".join(str(c).ljust(n) for c, n in zip(row, widths)) + " |")


if __name__ == "__main__":
    main()
