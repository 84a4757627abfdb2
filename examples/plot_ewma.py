r"""
Exponentially weighted averages of a noisy cosine
=================================================

Momentum is an exponentially weighted moving average (EWMA) of the
gradients, so the tutorial starts with the average itself. Take a noisy
sequence :math:`x_1, x_2, \ldots` -- here a cosine plus Gaussian noise --
and compute

.. math:: v_t = \beta v_{t-1} + (1 - \beta) x_t, \qquad v_0 = 0.

This example reproduces the tutorial's figures with :func:`skmomentum.ewma`:
the smoothed curve at :math:`\beta = 0.9`, the effect of :math:`\beta`
(0.5, 0.9, 0.98), how fast old values are forgotten, and the bias
correction :math:`v_t / (1 - \beta^t)` that fixes the start of the curve.
"""

# %%
# A noisy cosine
# --------------
# 300 points of :math:`\cos` on :math:`[0, 3\pi]` with noise of standard
# deviation 0.3. The x coordinate is just the index :math:`t` of the point
# in the sequence.
import matplotlib.pyplot as plt
import numpy as np

from skmomentum import ewma

rng = np.random.default_rng(0)
t = np.linspace(0, 3 * np.pi, 300)
signal = np.cos(t)
noisy = signal + rng.normal(scale=0.3, size=t.size)

fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
ax.scatter(t, noisy, s=8, color="tab:blue", alpha=0.6, label="noisy sequence")
ax.plot(
    t, ewma(noisy, beta=0.9), color="tab:orange", lw=2.5, label=r"EWMA, $\beta=0.9$"
)
ax.plot(t, signal, color="black", lw=1, ls="--", label=r"$\cos t$")
ax.set_xlabel("t")
ax.legend(loc="lower left")
ax.set_title("The EWMA removes most of the noise")

# %%
# The choice of :math:`\beta`
# ---------------------------
# :math:`v_t` averages roughly the last :math:`1 / (1 - \beta)` values: 2 for
# :math:`\beta = 0.5`, 10 for 0.9 and 50 for 0.98. A small :math:`\beta`
# follows the noise; a large one is smooth but lags behind the signal (the
# curve is shifted to the right).
betas = {0.5: "tab:red", 0.9: "tab:orange", 0.98: "tab:green"}
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
ax.scatter(t, noisy, s=8, color="tab:blue", alpha=0.3)
for beta, color in betas.items():
    ax.plot(t, ewma(noisy, beta=beta), color=color, lw=2, label=rf"$\beta={beta}$")
ax.set_xlabel("t")
ax.legend(loc="lower left")
ax.set_title(r"Larger $\beta$: smoother, but late")

# %%
# How fast the past is forgotten
# ------------------------------
# Unrolling the recursion gives
# :math:`v_t = (1 - \beta) \sum_{i \le t} \beta^{t-i} x_i`: the value seen
# :math:`k` steps ago has weight proportional to :math:`\beta^k`. Since
# :math:`\beta^{1/(1-\beta)} \approx 1/e`, the weight drops below
# :math:`1/e` of the newest one after about :math:`1/(1-\beta)` steps -- the
# "window" of the average.
k = np.arange(120)
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
for beta, color in betas.items():
    ax.plot(k, beta**k, color=color, label=rf"$\beta^k$, $\beta={beta}$")
    ax.axvline(1 / (1 - beta), color=color, ls=":", lw=1)
ax.axhline(1 / np.e, color="black", lw=1, ls="--", label="$1/e$")
ax.set_xlabel("k (steps into the past)")
ax.set_ylabel("relative weight")
ax.legend()
ax.set_title(r"Weights fall below $1/e$ after about $1/(1-\beta)$ steps")

# %%
# Bias correction
# ---------------
# Because :math:`v_0 = 0`, the first averages are pulled towards zero: with
# :math:`\beta = 0.98`, :math:`v_1 = 0.02 x_1`. Dividing by
# :math:`1 - \beta^t` turns :math:`v_t` into a true weighted mean (its
# weights sum to one), which fixes the start and changes nothing once
# :math:`\beta^t` is negligible.
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
ax.scatter(t, noisy, s=8, color="tab:blue", alpha=0.3)
ax.plot(t, ewma(noisy, beta=0.98), color="tab:purple", lw=2, label="without correction")
ax.plot(
    t,
    ewma(noisy, beta=0.98, bias_correction=True),
    color="tab:green",
    lw=2,
    label="with bias correction",
)
ax.set_xlabel("t")
ax.legend(loc="lower left")
ax.set_title(r"$\beta = 0.98$: the uncorrected average starts near zero")

# %%
# The numbers behind the picture: the first few averages of a constant
# sequence of ones.
print("plain:    ", np.round(ewma(np.ones(5), beta=0.98), 4))
print("corrected:", np.round(ewma(np.ones(5), beta=0.98, bias_correction=True), 4))

plt.show()
