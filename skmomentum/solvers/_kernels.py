"""Fused single-pass update kernels (numba), one per update rule of DESIGN.md.

The numpy formulation of a rule makes up to a dozen passes over the flat
parameter vector (each ``out=`` ufunc reads and writes every element); a
kernel reads ``w``, ``g`` and the state once and writes them once, which is
what matters when the vector is larger than the caches.

Each kernel does, element by element, exactly the operations the numpy path
of :mod:`skmomentum.solvers._gradient` does, in the same order and in the
arrays' own dtype, so both give bit-identical results:

- no ``fastmath`` (it would allow reassociation and fused multiply-adds);
  without it LLVM still vectorises these loops, as numpy's SIMD loops are,
  and IEEE ``+ - * / sqrt`` are correctly rounded in either;
- every scalar arrives already cast to the arrays' dtype (the caller does
  ``dtype.type(x)``, which is what numpy does to a Python float under
  NEP 50), and the kernels contain no float literals, so float32 stays
  float32 arithmetic;
- scalar factors that numpy computes once in Python (``eta / (1 - b1**t)``)
  are computed once by the caller, not per element.

Kernels never call BLAS: numpy and scipy ship two OpenBLAS builds whose
thread pools fight when their calls alternate.

Importing this module imports numba; :mod:`._gradient` does it lazily, only
when a parameter vector is large enough for the kernels to pay off.
"""

import numpy as np
from numba import njit

# error_model="numpy": a division by zero gives inf/nan as numpy does, instead
# of Python's ZeroDivisionError, whose per-element check also keeps LLVM
# from vectorising the loops that divide (RMSprop, Adam).
_kernel = njit(cache=True, error_model="numpy")


# Every kernel takes the L2 penalty folded in: ``l2`` and ``bounds`` are the
# scale and the segment boundaries of
# :meth:`~skmomentum._network.NetworkObjective.loss_and_data_grad`. On the
# even-numbered segments (the coefficients) the gradient is ``g + w * l2``,
# as the numpy path's ``W_grad += W * l2``; elsewhere it is ``g`` itself.
# Each segment is looped over as slices indexed from 0: indices starting at
# ``bounds[k]`` could be negative as far as numba knows, and the wraparound
# checks it then adds keep LLVM from vectorising the loop (3-7x slower). The
# ``penalised`` test is loop-invariant, so LLVM unswitches it.


@_kernel
def sgd(w, g, eta, l2, bounds):
    """``w -= g * eta``."""
    for k in range(bounds.shape[0] - 1):
        lo, hi = bounds[k], bounds[k + 1]
        ws, gs = w[lo:hi], g[lo:hi]
        penalised = k % 2 == 0
        for i in range(ws.shape[0]):
            gi = gs[i] + ws[i] * l2 if penalised else gs[i]
            ws[i] -= gi * eta


@_kernel
def momentum(w, g, v, mu, c, eta, l2, bounds):
    """``v = v * mu + g * c``; ``w -= v * eta``.

    ``c`` is 1 for the classic form (``g * 1`` is exactly ``g``) and
    ``1 - mu`` for the EWMA form; ``eta`` carries any bias correction.
    """
    for k in range(bounds.shape[0] - 1):
        lo, hi = bounds[k], bounds[k + 1]
        ws, gs, vs = w[lo:hi], g[lo:hi], v[lo:hi]
        penalised = k % 2 == 0
        for i in range(ws.shape[0]):
            gi = gs[i] + ws[i] * l2 if penalised else gs[i]
            vi = vs[i] * mu + gi * c
            vs[i] = vi
            ws[i] -= vi * eta


@_kernel
def nesterov(w, g, v, mu, eta, l2, bounds):
    """``v = v * mu + g``; ``w -= (v * mu + g) * eta``."""
    for k in range(bounds.shape[0] - 1):
        lo, hi = bounds[k], bounds[k + 1]
        ws, gs, vs = w[lo:hi], g[lo:hi], v[lo:hi]
        penalised = k % 2 == 0
        for i in range(ws.shape[0]):
            gi = gs[i] + ws[i] * l2 if penalised else gs[i]
            vi = vs[i] * mu + gi
            vs[i] = vi
            ws[i] -= (vi * mu + gi) * eta


@_kernel
def rmsprop(w, g, s, rho, one_minus_rho, eps, eta, l2, bounds):
    """``s = s * rho + (g * g) * (1 - rho)``; ``w -= (g / (sqrt(s) + eps)) * eta``."""
    for k in range(bounds.shape[0] - 1):
        lo, hi = bounds[k], bounds[k + 1]
        ws, gs, ss = w[lo:hi], g[lo:hi], s[lo:hi]
        penalised = k % 2 == 0
        for i in range(ws.shape[0]):
            gi = gs[i] + ws[i] * l2 if penalised else gs[i]
            si = ss[i] * rho + (gi * gi) * one_minus_rho
            ss[i] = si
            ws[i] -= (gi / (np.sqrt(si) + eps)) * eta


@_kernel
def adam(w, g, m, s, b1, one_minus_b1, b2, one_minus_b2, c2, eps, step, l2, bounds):
    """Adam with ``c2 = 1 - b2**t`` and ``step = eta / (1 - b1**t)``.

    ``m = m * b1 + g * (1 - b1)``; ``s = s * b2 + (g * g) * (1 - b2)``;
    ``w -= (m / (sqrt(s / c2) + eps)) * step``.
    """
    for k in range(bounds.shape[0] - 1):
        lo, hi = bounds[k], bounds[k + 1]
        ws, gs, ms, ss = w[lo:hi], g[lo:hi], m[lo:hi], s[lo:hi]
        penalised = k % 2 == 0
        for i in range(ws.shape[0]):
            gi = gs[i] + ws[i] * l2 if penalised else gs[i]
            mi = ms[i] * b1 + gi * one_minus_b1
            si = ss[i] * b2 + (gi * gi) * one_minus_b2
            ms[i] = mi
            ss[i] = si
            ws[i] -= (mi / (np.sqrt(si / c2) + eps)) * step
