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


@_kernel
def sgd(w, g, eta):
    """``w -= g * eta``."""
    for i in range(w.shape[0]):
        w[i] -= g[i] * eta


@_kernel
def momentum(w, g, v, mu, c, eta):
    """``v = v * mu + g * c``; ``w -= v * eta``.

    ``c`` is 1 for the classic form (``g * 1`` is exactly ``g``) and
    ``1 - mu`` for the EWMA form; ``eta`` carries any bias correction.
    """
    for i in range(w.shape[0]):
        vi = v[i] * mu + g[i] * c
        v[i] = vi
        w[i] -= vi * eta


@_kernel
def nesterov(w, g, v, mu, eta):
    """``v = v * mu + g``; ``w -= (v * mu + g) * eta``."""
    for i in range(w.shape[0]):
        gi = g[i]
        vi = v[i] * mu + gi
        v[i] = vi
        w[i] -= (vi * mu + gi) * eta


@_kernel
def rmsprop(w, g, s, rho, one_minus_rho, eps, eta):
    """``s = s * rho + (g * g) * (1 - rho)``; ``w -= (g / (sqrt(s) + eps)) * eta``."""
    for i in range(w.shape[0]):
        gi = g[i]
        si = s[i] * rho + (gi * gi) * one_minus_rho
        s[i] = si
        w[i] -= (gi / (np.sqrt(si) + eps)) * eta


@_kernel
def adam(w, g, m, s, b1, one_minus_b1, b2, one_minus_b2, c2, eps, step):
    """Adam with ``c2 = 1 - b2**t`` and ``step = eta / (1 - b1**t)``.

    ``m = m * b1 + g * (1 - b1)``; ``s = s * b2 + (g * g) * (1 - b2)``;
    ``w -= (m / (sqrt(s / c2) + eps)) * step``.
    """
    for i in range(w.shape[0]):
        gi = g[i]
        mi = m[i] * b1 + gi * one_minus_b1
        si = s[i] * b2 + (gi * gi) * one_minus_b2
        m[i] = mi
        s[i] = si
        w[i] -= (mi / (np.sqrt(si / c2) + eps)) * step
