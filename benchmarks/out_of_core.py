"""Out-of-core training: 2,000,000 rows x 50 features streamed through partial_fit.

The data set is never in memory as a whole. Block ``i`` is generated on
demand from its own seeded RNG (``default_rng([seed, i])``), so any block can
be regenerated identically, and labelled by a fixed random "teacher" network
(50 -> 16 tanh -> 3 classes, plus Gumbel noise on the logits, which makes
the best achievable accuracy a little below 1). One pass over the stream is
one ``partial_fit`` call per block (one epoch over that block each).

Reported:

* peak memory while streaming: the ``tracemalloc`` peak (Python and numpy
  allocations made during the stream) against the size of one block and of
  the model (weights + solver state), and the process's ``ru_maxrss`` before
  and after the stream;
* throughput in rows per second (training only, and generation + training);
* accuracy on held-out blocks, against an in-memory ``fit`` on a subsample
  (of ``--subsample`` rows, run *after* the stream so that it does not count
  in the stream's peak) and against the teacher itself.

Run: ``python benchmarks/out_of_core.py`` (about a minute on one core);
``--rows``, ``--block-rows``, ``--passes`` and ``--subsample`` change the
sizes.
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import Nesterov

N_FEATURES = 50
N_CLASSES = 3
TEACHER_SEED = 12345


def teacher(n_features=N_FEATURES, n_hidden=16, n_classes=N_CLASSES):
    """The fixed "true" model: weights of a small random tanh network."""
    rng = np.random.default_rng(TEACHER_SEED)
    W1 = rng.normal(scale=1.5 / np.sqrt(n_features), size=(n_features, n_hidden))
    W2 = rng.normal(scale=2.0 / np.sqrt(n_hidden), size=(n_hidden, n_classes))
    return W1.astype(np.float32), W2.astype(np.float32)


def make_block(index, n_rows, weights, seed=0, noise=0.3):
    """Block ``index`` of the stream: float32 ``X`` and integer labels ``y``.

    Deterministic in ``(seed, index)``; only this block is allocated.
    """
    W1, W2 = weights
    rng = np.random.default_rng([seed, index])
    X = rng.standard_normal((n_rows, W1.shape[0]), dtype=np.float32)
    hidden = X @ W1
    logits = np.tanh(hidden, out=hidden) @ W2
    del hidden
    logits += noise * rng.gumbel(size=logits.shape).astype(np.float32)
    return X, logits.argmax(axis=1)


def teacher_predict(X, weights):
    W1, W2 = weights
    return (np.tanh(X @ W1) @ W2).argmax(axis=1)


def make_model(random_state=0):
    return MLPMomentumClassifier(
        hidden_layer_sizes=(32,),
        solver=Nesterov(learning_rate=0.05, momentum=0.9, batch_size=256),
        alpha=1e-5,
        random_state=random_state,
    )


def max_rss_mib():
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def model_nbytes(clf):
    params = sum(a.nbytes for a in clf.coefs_ + clf.intercepts_)
    state = sum(
        v.nbytes for v in vars(clf.solver_state_).values() if isinstance(v, np.ndarray)
    )
    return params + state


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--block-rows", type=int, default=50_000)
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--subsample", type=int, default=100_000)
    parser.add_argument("--subsample-epochs", type=int, default=20)
    parser.add_argument("--test-rows", type=int, default=100_000)
    args = parser.parse_args(argv)

    weights = teacher()
    classes = np.arange(N_CLASSES)
    n_blocks = -(-args.rows // args.block_rows)
    sizes = [
        min(args.block_rows, args.rows - i * args.block_rows) for i in range(n_blocks)
    ]
    block_bytes = args.block_rows * (N_FEATURES * 4 + 8)  # float32 X + int64 y
    print(
        f"stream: {args.rows:,} rows x {N_FEATURES} features (float32) in "
        f"{n_blocks} blocks of {args.block_rows:,} rows "
        f"({block_bytes / 2**20:.1f} MiB per block, "
        f"{args.rows * (N_FEATURES * 4 + 8) / 2**20:.0f} MiB in all), "
        f"{args.passes} pass(es); {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}"
    )

    # ------------------------------------------------------------ stream
    clf = make_model()
    rss_before = max_rss_mib()
    tracemalloc.start()
    t_gen = t_fit = 0.0
    peak = fit_extra = 0
    for _ in range(args.passes):
        for i, n in enumerate(sizes):
            start = time.perf_counter()
            X, y = make_block(i, n, weights)
            t_gen += time.perf_counter() - start
            # What partial_fit allocates on top of the block it is given.
            current, block_peak = tracemalloc.get_traced_memory()
            peak = max(peak, block_peak)
            tracemalloc.reset_peak()
            start = time.perf_counter()
            clf.partial_fit(X, y, classes=classes)
            t_fit += time.perf_counter() - start
            fit_peak = tracemalloc.get_traced_memory()[1]
            peak = max(peak, fit_peak)
            fit_extra = max(fit_extra, fit_peak - current)
            del X, y
    tracemalloc.stop()
    rss_after = max_rss_mib()
    n_rows = args.rows * args.passes
    model_bytes = model_nbytes(clf)

    print(
        f"model: {sum(w.size for w in clf.coefs_ + clf.intercepts_):,} parameters, "
        f"{model_bytes / 2**10:.1f} KiB with solver state"
    )
    print(
        f"peak traced memory while streaming: {peak / 2**20:.1f} MiB "
        f"(one block + model = {(block_bytes + model_bytes) / 2**20:.1f} MiB; "
        f"ratio {peak / (block_bytes + model_bytes):.2f}); partial_fit's own "
        f"allocations on top of its block: {fit_extra / 2**20:.1f} MiB at most"
    )
    print(
        f"ru_maxrss: {rss_before:.0f} MiB before the stream, "
        f"{rss_after:.0f} MiB after (+{rss_after - rss_before:.0f} MiB)"
    )
    print(
        f"throughput: {n_rows / t_fit:,.0f} rows/s training "
        f"({t_fit:.1f} s), {n_rows / (t_fit + t_gen):,.0f} rows/s with "
        f"generation ({t_fit + t_gen:.1f} s)"
    )

    # ---------------------------------------------------------- accuracy
    # Held-out rows come from block indices the stream never uses.
    X_test, y_test = make_block(10**6, args.test_rows, weights)
    streamed = clf.score(X_test, y_test)
    teacher_acc = np.mean(teacher_predict(X_test, weights) == y_test)

    X_sub, y_sub = make_block(10**6 + 1, args.subsample, weights)
    start = time.perf_counter()
    in_memory = make_model()
    in_memory.set_params(max_iter=args.subsample_epochs, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        in_memory.fit(X_sub, y_sub)
    t_mem = time.perf_counter() - start
    in_memory_acc = in_memory.score(X_test, y_test)
    print(
        f"accuracy on {args.test_rows:,} held-out rows: "
        f"streamed partial_fit {streamed:.4f} | in-memory fit on "
        f"{args.subsample:,} rows x {in_memory.n_iter_} epochs {in_memory_acc:.4f} "
        f"({t_mem:.1f} s) | the teacher itself {teacher_acc:.4f}"
    )
    print(f"ru_maxrss at the end (in-memory fit included): {max_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
