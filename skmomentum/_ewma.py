"""The exponentially weighted moving average behind momentum."""

from numbers import Real

import numpy as np
from scipy.signal import lfilter


def ewma(values, beta=0.9, bias_correction=False):
    r"""Exponentially weighted moving average of a sequence.

    With :math:`v_0 = 0`,

    .. math:: v_t = \beta v_{t-1} + (1 - \beta) x_t, \qquad t = 1, 2, \ldots

    so :math:`v_t` averages roughly the last :math:`1 / (1 - \beta)` values.
    Because it starts at zero, the first values are biased towards zero;
    ``bias_correction=True`` returns :math:`v_t / (1 - \beta^t)` instead,
    which is a true weighted mean of :math:`x_1, \ldots, x_t` (weights summing
    to one). Momentum with ``ewma=True`` keeps exactly this average of the
    gradients.

    Parameters
    ----------
    values : array-like of shape (n,) or (n, m)
        The sequence :math:`x_1, \ldots, x_n`; a 2-D array is averaged along
        axis 0, each column independently.
    beta : float, default=0.9
        Weight :math:`\beta` of the past, in [0, 1); 0 returns ``values``.
    bias_correction : bool, default=False
        Divide by :math:`1 - \beta^t`.

    Returns
    -------
    averages : ndarray of shape (n,) or (n, m), dtype float64
        :math:`v_1, \ldots, v_n`.

    Raises
    ------
    ValueError
        If ``beta`` is outside [0, 1), ``values`` is not 1-D or 2-D, or
        ``values`` contains NaN or infinity.

    Examples
    --------
    >>> from skmomentum._ewma import ewma
    >>> ewma([1.0, 1.0, 1.0], beta=0.5)
    array([0.5  , 0.75 , 0.875])
    >>> ewma([1.0, 1.0, 1.0], beta=0.5, bias_correction=True)
    array([1., 1., 1.])
    """
    if isinstance(beta, bool) or not isinstance(beta, Real) or not 0 <= beta < 1:
        raise ValueError(
            f"beta must be a number in [0, 1), got {beta!r}. It is the weight of "
            "the past: 0.9 averages about the last 10 values, 0.98 about 50."
        )
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"values must be a 1-D or 2-D array of numbers; converting it failed: {exc}"
        ) from None
    if x.ndim not in (1, 2):
        raise ValueError(
            f"values must be 1-D (a sequence) or 2-D (sequences in columns), got "
            f"an array of shape {x.shape}."
        )
    if not np.isfinite(x).all():
        raise ValueError(
            "values contains NaN or infinity; an average over it would stay NaN or "
            "infinite from there on. Remove or fill those entries first."
        )
    if x.shape[0] == 0:
        return x.copy()
    # A first-order IIR filter computes the recursion in C:
    # v_t - beta v_{t-1} = (1 - beta) x_t, starting from v_0 = 0.
    averages = lfilter([1.0 - beta], [1.0, -beta], x, axis=0)
    if bias_correction:
        t = np.arange(1, x.shape[0] + 1, dtype=np.float64)
        correction = 1.0 - beta**t
        averages /= correction.reshape((-1,) + (1,) * (x.ndim - 1))
    return averages
