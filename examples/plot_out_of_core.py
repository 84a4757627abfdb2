"""
Training on data larger than memory with ``partial_fit``
========================================================

:meth:`~skmomentum.MLPMomentumClassifier.fit` needs the whole training set
in memory. When it does not fit, stream it: cut it into blocks, load one
block at a time and call
:meth:`~skmomentum.MLPMomentumClassifier.partial_fit` on it. Each call runs
exactly one epoch over its block and keeps the weights *and* the solver's
state (Nesterov's velocity here), so training continues smoothly from one
block to the next; the memory needed is one block plus the model.

Here the "data set" is generated block by block from a seeded random number
generator and labelled by a fixed random "teacher" network, so it never
exists as a whole. The gallery runs 200,000 rows; set the environment
variable ``SKMOMENTUM_EXAMPLE_ROWS`` to change that (``benchmarks/out_of_core.py``
streams 2,000,000 rows x 50 features and reports memory and throughput).
The same loop is what :class:`dask_ml.wrappers.Incremental` runs for a
chunked dask array -- see the last section and :doc:`/scaling`.
"""

# %%
# A stream of blocks
# ------------------
# Block ``i`` comes from its own generator ``default_rng([seed, i])``: it can
# be regenerated at will and costs nothing until it is asked for. Labels are
# the arg-max of a small random tanh network's outputs plus Gumbel noise, so
# even the teacher itself is not always right.
import os
import time
import tracemalloc
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import Nesterov

N_ROWS = int(os.environ.get("SKMOMENTUM_EXAMPLE_ROWS", 200_000))
BLOCK_ROWS = min(20_000, N_ROWS)
N_FEATURES, N_CLASSES = 50, 3

teacher_rng = np.random.default_rng(12345)
W1 = teacher_rng.normal(scale=1.5 / np.sqrt(N_FEATURES), size=(N_FEATURES, 16))
W2 = teacher_rng.normal(scale=2.0 / np.sqrt(16), size=(16, N_CLASSES))
W1, W2 = W1.astype(np.float32), W2.astype(np.float32)


def make_block(index, n_rows, seed=0, noise=0.3):
    """Rows of block ``index``: float32 features and integer labels."""
    rng = np.random.default_rng([seed, index])
    X = rng.standard_normal((n_rows, N_FEATURES), dtype=np.float32)
    logits = np.tanh(X @ W1) @ W2
    logits += noise * rng.gumbel(size=logits.shape).astype(np.float32)
    return X, logits.argmax(axis=1)


def blocks(n_rows, block_rows):
    """Yield the stream's blocks one at a time."""
    for i, start in enumerate(range(0, n_rows, block_rows)):
        yield make_block(i, min(block_rows, n_rows - start))


# Held-out rows come from a block index the stream never reaches.
X_test, y_test = make_block(10**6, 20_000)
teacher_accuracy = np.mean((np.tanh(X_test @ W1) @ W2).argmax(axis=1) == y_test)
print(f"{N_ROWS:,} rows in blocks of {BLOCK_ROWS:,}")
print(f"the teacher's own held-out accuracy: {teacher_accuracy:.3f}")

# %%
# One ``partial_fit`` call per block
# ----------------------------------
# ``classes`` lists every class of the whole stream; it is required on the
# first call, because the first block might lack a class, and may be passed
# again, unchanged, on every later call (as ``Incremental`` does).
# ``tracemalloc`` records the largest amount of memory allocated at once.
clf = MLPMomentumClassifier(
    hidden_layer_sizes=(32,),
    solver=Nesterov(learning_rate=0.05, batch_size=256),
    alpha=1e-5,
    random_state=0,
)
classes = np.arange(N_CLASSES)
rows_seen, accuracy = [], []
tracemalloc.start()
start = time.perf_counter()
for X, y in blocks(N_ROWS, BLOCK_ROWS):
    clf.partial_fit(X, y, classes=classes)
    rows_seen.append(clf.t_)
    accuracy.append(clf.score(X_test, y_test))
elapsed = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()

block_mib = BLOCK_ROWS * (N_FEATURES * 4 + 8) / 2**20
print(f"{clf.t_:,} rows in {elapsed:.1f} s ({clf.t_ / elapsed:,.0f} rows/s)")
print(f"peak memory {peak / 2**20:.1f} MiB for blocks of {block_mib:.1f} MiB")
print(f"solver state carried across blocks: {clf.solver_state_}")

# %%
# Against an in-memory fit on a subsample
# ---------------------------------------
# The usual alternative is to fit on as many rows as fit in memory. With the
# same network and solver, 20 epochs over a subsample of 20,000 rows (all
# 20 run: ``tol=0`` turns off the stopping rule, and the warning that the
# loss still moves is silenced):
X_sub, y_sub = make_block(10**6 + 1, min(20_000, N_ROWS))
subsample = MLPMomentumClassifier(
    hidden_layer_sizes=(32,),
    solver=Nesterov(learning_rate=0.05, batch_size=256),
    alpha=1e-5,
    max_iter=20,
    tol=0.0,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    subsample.fit(X_sub, y_sub)
subsample_accuracy = subsample.score(X_test, y_test)
print(f"streamed: {accuracy[-1]:.3f}, in-memory subsample: {subsample_accuracy:.3f}")

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(rows_seen, accuracy, marker="o", label="partial_fit, one pass")
ax.axhline(
    subsample_accuracy,
    color="tab:orange",
    ls="--",
    label=f"fit on {len(X_sub):,} rows, 20 epochs",
)
ax.axhline(teacher_accuracy, color="black", ls=":", label="the teacher")
ax.set_xlabel("training rows seen")
ax.set_ylabel("held-out accuracy")
ax.set_title("Streaming the data once through partial_fit")
ax.legend(loc="lower right")

# %%
# The same with dask-ml
# ---------------------
# With the data in a chunked dask array (read lazily from Parquet, Zarr,
# HDF5, ...), :class:`dask_ml.wrappers.Incremental` runs this loop for you,
# one block at a time, on a dask cluster if one is connected (only one block
# and the model travel at a time)::
#
#     import dask.array as da
#     from dask_ml.wrappers import Incremental
#
#     X = da.from_zarr("features.zarr")      # chunks of (20_000, 50)
#     y = da.from_zarr("labels.zarr")        # chunks of 20_000
#     inc = Incremental(clf, shuffle_blocks=False)
#     inc.fit(X, y, classes=classes)         # classes= goes to partial_fit
#     inc.estimator_                         # the fitted MLPMomentumClassifier
#
# ``shuffle_blocks=True`` (the default) visits the blocks in a random order
# on every ``fit``, which helps when neighbouring rows are alike.
