r"""
Gradient descent, momentum and Nesterov in a ravine
===================================================

A *ravine* is a region where the loss is much steeper in one direction than
in another. The tutorial's figure shows gradient descent zig-zagging across
such a valley while momentum runs along it. This example draws that figure
with :func:`skmomentum.minimize` and
:class:`~skmomentum.display.OptimizationPathDisplay` on the elongated
quadratic

.. math:: f(w) = \tfrac12 \left(w_1^2 + 50\, w_2^2\right),

whose curvature is 50 across the valley (:math:`w_2`) and 1 along it
(:math:`w_1`). The minimum is at the origin; every run starts at
:math:`(-10, 1)` and uses the exact gradient.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from skmomentum import minimize
from skmomentum.display import OptimizationPathDisplay
from skmomentum.solvers import GD, Momentum, Nesterov


def ravine(w):
    return 0.5 * (w[0] ** 2 + 50.0 * w[1] ** 2)


def ravine_grad(w):
    return np.array([w[0], 50.0 * w[1]])


x0 = [-10.0, 1.0]


def run(solver, max_iter=40):
    return minimize(ravine, x0, jac=ravine_grad, solver=solver, max_iter=max_iter)


# %%
# Gradient descent against momentum
# ---------------------------------
# Gradient descent must keep :math:`\eta < 2 / 50 = 0.04` to stay stable across the
# valley. With :math:`\eta = 0.036` each step overshoots the valley floor and
# bounces back, while along the floor (curvature 1) it moves by only 3.6 % of
# the remaining distance per step. Momentum (:math:`\eta = 0.015`,
# :math:`\mu = 0.8`) accumulates the gradients: the components across the
# valley alternate in sign and cancel, the components along it add up, so the
# steps grow in the useful direction. Nesterov's variant evaluates the
# gradient where the momentum is about to take it; it swings far less across
# the valley.
solvers = {
    "gradient descent": GD(learning_rate=0.036),
    "momentum": Momentum(learning_rate=0.015, momentum=0.8),
    "Nesterov": Nesterov(learning_rate=0.015, momentum=0.8),
}
results = {name: run(solver) for name, solver in solvers.items()}

colors = ["tab:blue", "tab:orange", "tab:green"]
fig, axes = plt.subplots(3, 1, figsize=(7, 8), sharex=True, layout="constrained")
for ax, (name, result), color in zip(axes, results.items(), colors):
    OptimizationPathDisplay.from_result(
        result,
        ravine,
        ax=ax,
        name=name,
        xlim=(-11, 1.5),
        ylim=(-1.6, 1.6),
        line_kwargs={"color": color},
    )
    ax.plot(0, 0, marker="*", color="black", markersize=10)
    ax.legend(loc="upper right")
fig.suptitle("40 steps from (-10, 1) in the ravine")

# %%
# The same information as numbers: the loss after 40 steps.
for name, result in results.items():
    print(f"{name:17s} f = {result.fun:.2e}")

# %%
# The two forms of momentum
# -------------------------
# The tutorial gives two definitions of momentum. Andrew Ng's course keeps
# an average of the gradients, :math:`v \leftarrow \mu v + (1 - \mu) g`
# (``Momentum(ewma=True)``); the form used by PyTorch, Keras and
# scikit-learn drops the :math:`(1 - \mu)`, :math:`v \leftarrow \mu v + g`
# (``Momentum()``, the default). Both step by :math:`w \leftarrow w - \eta v`,
# so the average form is the classic one with the learning rate multiplied
# by :math:`1 - \mu`: with :math:`\eta = 0.075` against
# :math:`0.015 = 0.075 \times (1 - 0.8)` the two paths are the same point for
# point. Bias correction, :math:`v / (1 - \mu^t)`, makes the first steps
# larger: the very first one is a full gradient step of size
# :math:`\eta g_1`, and :math:`\eta = 0.075` is above the stable limit 0.04
# of plain gradient descent, so the path first jumps across the valley. The
# correction fades as :math:`\mu^t \to 0` and the path settles. This is one
# reason libraries do not bias-correct momentum (Adam does, see the user
# guide).
forms = {
    "classic, $\\eta=0.015$": Momentum(learning_rate=0.015, momentum=0.8),
    "average (ewma=True), $\\eta=0.075$": Momentum(
        learning_rate=0.075, momentum=0.8, ewma=True
    ),
    "average + bias correction, $\\eta=0.075$": Momentum(
        learning_rate=0.075, momentum=0.8, ewma=True, bias_correction=True
    ),
}
form_results = {name: run(solver) for name, solver in forms.items()}

_, ax = plt.subplots(figsize=(7, 5), layout="constrained")
styles = [
    {"linewidth": 4, "alpha": 0.4},
    {"linewidth": 1, "markersize": 2},
    {"linewidth": 1, "linestyle": "--"},
]
for (name, result), style in zip(form_results.items(), styles):
    display = OptimizationPathDisplay.from_result(
        result,
        ravine,
        ax=ax,
        name=name,
        xlim=(-11, 1.5),
        ylim=(-3, 3),
        line_kwargs=style,
    )
ax.legend(loc="lower right", fontsize="small")
ax.set_title("Two forms of momentum, one path; bias correction changes the start")

paths = [r.path for r in form_results.values()]
print("classic and average forms agree:", np.allclose(paths[0], paths[1]))

# %%
# How fast each solver gets down
# ------------------------------
# The loss along each path, on a log scale. Gradient descent is limited by
# the slow direction; both momentum methods converge geometrically at a
# much better rate.
_, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
for name, result in {**results, **dict(list(form_results.items())[2:])}.items():
    values = [ravine(w) for w in result.path]
    ax.semilogy(values, label=name)
ax.set_xlabel("iteration")
ax.set_ylabel("$f(w)$")
ax.legend()

plt.show()
