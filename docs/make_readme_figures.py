"""Draw the two figures the README shows, into ``docs/images/``.

Run from the repository root::

    python docs/make_readme_figures.py

``ewma.png`` is the tutorial's noisy cosine smoothed by an exponentially
weighted average at beta 0.5 / 0.9 / 0.98, and the effect of bias
correction; ``ravine.png`` is gradient descent zig-zagging across an
elongated quadratic while momentum and Nesterov run along it. Both are
small (about 100 dpi, a few tens of kB) so they can be committed.
"""

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from skmomentum import ewma, minimize
from skmomentum.display import OptimizationPathDisplay
from skmomentum.solvers import GD, Momentum, Nesterov

OUT = pathlib.Path(__file__).resolve().parent / "images"


def ewma_figure(path):
    """Noisy cosine, EWMA at three betas, and bias correction."""
    rng = np.random.default_rng(0)
    t = np.linspace(0, 3 * np.pi, 300)
    noisy = np.cos(t) + rng.normal(scale=0.3, size=t.size)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    for ax in (left, right):
        ax.scatter(t, noisy, s=6, color="tab:blue", alpha=0.3)
        ax.set_xlabel("t")
    for beta, color in ((0.5, "tab:red"), (0.9, "tab:orange"), (0.98, "tab:green")):
        left.plot(
            t, ewma(noisy, beta=beta), color=color, lw=2, label=rf"$\beta={beta}$"
        )
    left.set_title(r"EWMA of a noisy cosine: larger $\beta$ is smoother but late")
    right.plot(t, ewma(noisy, beta=0.98), color="tab:purple", lw=2, label="plain")
    right.plot(
        t,
        ewma(noisy, beta=0.98, bias_correction=True),
        color="tab:green",
        lw=2,
        label="bias-corrected",
    )
    right.set_title(r"$\beta=0.98$: bias correction fixes the start")
    left.legend(loc="lower left")
    right.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def ravine(w):
    """The elongated quadratic of the ravine example."""
    return 0.5 * (w[0] ** 2 + 50.0 * w[1] ** 2)


def ravine_grad(w):
    """Its gradient."""
    return np.array([w[0], 50.0 * w[1]])


def ravine_figure(path):
    """GD, momentum and Nesterov paths over the ravine's contour."""
    solvers = {
        "gradient descent": GD(learning_rate=0.036),
        "momentum": Momentum(learning_rate=0.015, momentum=0.8),
        "Nesterov": Nesterov(learning_rate=0.015, momentum=0.8),
    }
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for name, solver in solvers.items():
        result = minimize(
            ravine, [-10.0, 1.0], jac=ravine_grad, solver=solver, max_iter=40
        )
        OptimizationPathDisplay.from_result(
            result, ravine, ax=ax, name=name, xlim=(-11, 1.5), ylim=(-1.6, 1.6)
        )
    ax.plot(0, 0, marker="*", color="black", markersize=12, label="minimum")
    ax.legend(loc="upper right")
    ax.set_title("40 steps in a ravine: gradient descent zig-zags, momentum runs")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    ewma_figure(OUT / "ewma.png")
    ravine_figure(OUT / "ravine.png")
    for png in sorted(OUT.glob("*.png")):
        print(png, png.stat().st_size // 1024, "kB")
