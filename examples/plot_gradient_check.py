r"""
Backpropagation against finite differences
==========================================

The tutorial names three ways to get the gradient of the loss: derive it by
hand for every architecture (hopeless), approximate each partial derivative
with a difference quotient -- "simple but very costly" -- or use
backpropagation. Finite differences remain the standard way to *test* a
backpropagation implementation, and :func:`skmomentum.check_gradients` does
exactly that: it computes the backprop gradient of a network's loss and the
central differences

.. math:: \frac{\partial L}{\partial w_i} \approx
    \frac{L(w + h e_i) - L(w - h e_i)}{2 h},

and returns the largest relative error. This example shows that the two
agree to better than :math:`10^{-6}` whatever the size of the network, how the
step :math:`h` trades truncation against rounding error, and what finite
differences cost: two loss evaluations per parameter.
"""

# %%
# The data: a small sample of digits
# ----------------------------------
# A gradient check only needs a few samples; its cost grows with the number
# of parameters.
import itertools
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skmomentum import MLPMomentumClassifier, check_gradients

X, y = load_digits(return_X_y=True)
X, y = X[:100] / 16.0, y[:100]


def n_params(n_features, hidden, n_outputs):
    units = [n_features, *hidden, n_outputs]
    return sum((a + 1) * b for a, b in itertools.pairwise(units))


# %%
# Error and cost as the network grows
# -----------------------------------
# For networks from 1 to 64 hidden units (and one with two hidden layers),
# check every parameter (``max_params`` above the parameter count), and time
# the check. For comparison, time one backprop gradient of the same loss:
# one epoch of full-batch gradient descent (``solver="gd"``,
# ``max_iter=1``), which computes it once.
rows = []
for hidden in [(1,), (2,), (4,), (8,), (16,), (32,), (64,), (32, 32)]:
    clf = MLPMomentumClassifier(hidden_layer_sizes=hidden, random_state=0)
    n = n_params(X.shape[1], hidden, 10)
    start = time.perf_counter()
    error = check_gradients(clf, X, y, max_params=n)
    fd_time = time.perf_counter() - start
    gd = MLPMomentumClassifier(
        hidden_layer_sizes=hidden, solver="gd", max_iter=1, tol=0, random_state=0
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(5):
            gd.fit(X, y)
    bp_time = (time.perf_counter() - start) / 5
    rows.append(
        {
            "hidden layers": str(hidden),
            "parameters": n,
            "max relative error": error,
            "finite differences (s)": fd_time,
            "one backprop step (s)": bp_time,
        }
    )
table = pd.DataFrame(rows).sort_values("parameters", ignore_index=True)
table["ratio"] = table["finite differences (s)"] / table["one backprop step (s)"]
table

# %%
# The error stays at the level of floating-point noise for every size: the
# backprop gradient is right. The cost of finite differences grows linearly
# with the number of parameters -- each one needs two more passes over the
# data -- while a backprop gradient costs one forward and one backward pass,
# a few times the cost of one loss evaluation (on networks this small the
# fixed cost of a ``fit`` call dominates it). For a network with millions of
# weights the difference is a factor of millions.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
left.loglog(table["parameters"], table["max relative error"], "o-")
left.axhline(1e-6, color="tab:red", ls="--", label="threshold of a correct gradient")
left.set_ylim(1e-12, 1e-2)
left.set_xlabel("number of parameters")
left.set_ylabel("max relative error")
left.set_title("Backprop agrees with finite differences")
left.legend()
right.loglog(
    table["parameters"],
    table["finite differences (s)"],
    "o-",
    label="finite differences (all parameters)",
)
right.loglog(
    table["parameters"],
    table["one backprop step (s)"],
    "s-",
    label="backprop (one epoch of GD)",
)
right.set_xlabel("number of parameters")
right.set_ylabel("seconds")
right.set_title("The cost of a gradient")
right.legend()

# %%
# Choosing the step
# -----------------
# The central difference has a truncation error of order :math:`h^2` and a
# rounding error of order :math:`u / h`, with :math:`u \approx 10^{-16}`
# the float64 machine epsilon: too large a step measures curvature, too
# small a step measures rounding noise. The best steps lie around
# :math:`u^{1/3} \approx 10^{-5}`; ``check_gradients`` uses ``eps=1e-6``.
# Above :math:`h \approx 10^{-3}` the error jumps: the shifted weights move
# some ReLU units across their kink at zero, where the loss is not smooth.
clf = MLPMomentumClassifier(hidden_layer_sizes=(8,), random_state=0)
steps = np.logspace(-11, -1, 16)
errors = [check_gradients(clf, X, y, eps=h) for h in steps]
fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
ax.loglog(steps, errors, "o-")
ax.axvline(1e-6, color="gray", ls=":", label="default eps")
ax.set_xlabel("relative step $h$")
ax.set_ylabel("max relative error")
ax.set_title("Truncation (right) against rounding (left)")
ax.legend()

# %%
# A broken gradient stands out
# ----------------------------
# What does a bug look like? The same central differences on a tiny
# function, :math:`f(w) = \sum_i w_i^2` with gradient :math:`2w`, against a
# correct and a wrong gradient: the relative error jumps from rounding noise
# to order one. A backprop bug shows up in ``check_gradients`` the same way.


def f(w):
    return np.sum(w**2)


w, h = np.array([1.0, -2.0, 0.5]), 1e-6
numeric = np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(w.size)])
for name, grad in [("correct 2w", 2 * w), ("buggy w", w)]:
    rel = np.max(np.abs(grad - numeric) / np.maximum(np.abs(grad), np.abs(numeric)))
    print(f"{name:11s} relative error {rel:.1e}")
plt.show()
