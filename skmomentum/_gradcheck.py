"""Finite-difference gradients, and the check of backprop against them.

Finite differences are the tutorial's "second method" of computing
gradients: simple, but each gradient costs two loss evaluations per
parameter. :func:`minimize` uses them when no gradient is given;
:func:`check_gradients` uses them to test backpropagation.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    validate_params,
)


def central_differences(loss, x, eps=None, indices=None):
    r"""Gradient of ``loss`` at ``x`` by central finite differences.

    For each coordinate :math:`i` (of ``indices``, or all of them),

    .. math:: g_i \approx \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2 h_i},
        \qquad h_i = \epsilon \max(1, |x_i|),

    where the denominator uses the step actually representable in floating
    point. The error is :math:`O(h^2)` from truncation plus about
    :math:`u |f| / h` from rounding (:math:`u` the machine epsilon), which is
    smallest near :math:`\epsilon = u^{1/3}`, the default.

    Parameters
    ----------
    loss : callable
        ``loss(x) -> float``. It receives a copy of ``x`` with one coordinate
        moved, never ``x`` itself.
    x : ndarray of shape (n,)
        The point; left unchanged.
    eps : float, default=None
        Relative step :math:`\epsilon`; ``None`` means
        ``np.finfo(x.dtype).eps ** (1 / 3)`` (about 6e-6 in float64).
    indices : array-like of int, default=None
        Coordinates to differentiate; ``None`` means all.

    Returns
    -------
    grad : ndarray of shape (len(indices),) or (n,)
        The estimated partial derivatives, in the order of ``indices``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum._gradcheck import central_differences
    >>> g = central_differences(lambda x: x[0] ** 2 + 3 * x[1], np.array([1.0, 5.0]))
    >>> np.round(g, 6)
    array([2., 3.])
    """
    x = np.asarray(x)
    if eps is None:
        eps = float(np.finfo(x.dtype).eps) ** (1.0 / 3.0)
    indices = np.arange(x.size) if indices is None else np.asarray(indices)
    grad = np.empty(indices.shape[0], dtype=x.dtype)
    shifted = x.copy()
    for k, i in enumerate(indices):
        xi = x[i]
        h = eps * max(1.0, abs(float(xi)))
        shifted[i] = xi + h
        upper = shifted[i]
        f_plus = loss(shifted.copy())
        shifted[i] = xi - h
        lower = shifted[i]
        f_minus = loss(shifted.copy())
        shifted[i] = xi
        grad[k] = (f_plus - f_minus) / (upper - lower)
    return grad


def _relative_errors(analytic, numeric, floor):
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)
    return np.abs(analytic - numeric) / scale


def _max_relative_error(
    objective, flat_params, *, eps=1e-6, max_params=2000, random_state=0
):
    r"""Largest relative error of ``objective``'s gradient against finite
    differences.

    For each checked parameter :math:`i`, with :math:`a_i` the analytic and
    :math:`n_i` the finite-difference derivative,

    .. math:: e_i = \frac{|a_i - n_i|}{\max(|a_i|, |n_i|, \tau)},
        \qquad \tau = 10^{-3} \max(1, |f|),

    :math:`f` the loss at ``flat_params``. The floor :math:`\tau` is there
    because central differences cannot resolve tiny derivatives: the loss
    is computed with a rounding error of about :math:`10^{-16}` times its
    scale, so with a step of :math:`10^{-6}` every finite-difference
    derivative carries an absolute error of about :math:`10^{-10}` times the
    loss scale. Measured relative to themselves, derivatives near
    :math:`10^{-5}` would then show errors of :math:`10^{-5}` with a correct
    gradient; measured against :math:`\tau` that noise stays below
    :math:`10^{-6}`, while a real mistake (an error of a percent or more in
    any derivative larger than :math:`\tau`, or an absolute error above
    :math:`10^{-9}\max(1, |f|)` in a smaller one) still stands out.

    Parameters
    ----------
    objective : object
        Has ``loss_and_grad(flat) -> (loss, grad)`` and ``loss(flat)``.
    flat_params : ndarray of shape (n_params,)
        The point; left unchanged.
    eps : float, default=1e-6
        Relative finite-difference step (see :func:`central_differences`).
    max_params : int, default=2000
        Check a random sample of this many parameters when there are more.
    random_state : int, RandomState or None, default=0
        Draws that sample.

    Returns
    -------
    error : float
        :math:`\max_i e_i` over the checked parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum._gradcheck import _max_relative_error
    >>> class Quadratic:
    ...     def loss_and_grad(self, x):
    ...         return 0.5 * float(x @ x), x.copy()
    ...     def loss(self, x):
    ...         return 0.5 * float(x @ x)
    >>> _max_relative_error(Quadratic(), np.array([1.0, -2.0])) < 1e-8
    True
    """
    flat_params = np.asarray(flat_params)
    n = flat_params.shape[0]
    # The objective may hand back a buffer it overwrites on the next call.
    loss, grad = objective.loss_and_grad(flat_params.copy())
    analytic = np.array(grad, dtype=np.float64, copy=True)
    if n > max_params:
        rng = check_random_state(random_state)
        indices = np.sort(rng.choice(n, size=max_params, replace=False))
    else:
        indices = np.arange(n)
    numeric = central_differences(objective.loss, flat_params, eps, indices)
    floor = 1e-3 * max(1.0, abs(float(loss)))
    errors = _relative_errors(analytic[indices], numeric, floor)
    return float(np.max(errors, initial=0.0))


@validate_params(
    {
        "estimator": [HasMethods(["_make_objective"])],
        "eps": [Interval(Real, 0, None, closed="neither")],
        "max_params": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def check_gradients(
    estimator, X, y, *, sample_weight=None, eps=1e-6, max_params=2000, random_state=0
):
    r"""Compare backpropagation with central finite differences.

    Builds the network objective of ``estimator`` on the whole of ``X``,
    ``y`` (at its fitted parameters, or freshly initialised ones if it is
    not fitted), and returns the largest relative error between the
    backprop gradient and central finite differences. The estimator itself
    is not changed.

    The relative error of parameter :math:`i` is
    :math:`|a_i - n_i| / \max(|a_i|, |n_i|, \tau)` with the floor
    :math:`\tau = 10^{-3} \max(1, |f|)`, :math:`f` the loss: derivatives
    smaller than that are below what central differences resolve to a
    relative :math:`10^{-6}`, so they are judged on the scale :math:`\tau`
    (see :func:`_max_relative_error`). In float64 a correct gradient gives
    errors below :math:`10^{-6}`; in float32, finite differences themselves
    are only good to about :math:`10^{-2}`, so check with float64 data.

    Parameters
    ----------
    estimator : MLPMomentumClassifier
        A fitted or unfitted estimator.
    X : array-like of shape (n_samples, n_features)
        Inputs; keep this small, each checked parameter costs two losses on it.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Per-sample weights.
    eps : float, default=1e-6
        Relative finite-difference step, > 0 and finite.
    max_params : int, default=2000
        Networks with more parameters have a random sample of this many
        checked, >= 1.
    random_state : int, RandomState or None, default=0
        Draws that sample.

    Returns
    -------
    error : float
        The largest relative error over the checked parameters.

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        If ``eps`` or ``max_params`` is out of range.
    ValueError
        If the estimator is a fitted classifier and ``y`` has labels
        outside its ``classes_`` (they would be encoded as no class at all).

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum import MLPMomentumClassifier
    >>> from skmomentum._gradcheck import check_gradients
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(20, 3)), np.arange(20) % 2
    >>> clf = MLPMomentumClassifier(hidden_layer_sizes=(4,), random_state=0)
    >>> check_gradients(clf, X, y) < 1e-6
    True
    """
    binarizer = getattr(estimator, "_label_binarizer", None)
    if binarizer is not None and hasattr(estimator, "coefs_"):
        from ._targets import check_known_classes

        check_known_classes(
            y,
            binarizer,
            "y",
            "check_gradients on a fitted estimator needs labels it was fitted "
            "on; use an unfitted clone (sklearn.base.clone) for other labels.",
        )
    objective, flat_params = estimator._make_objective(X, y, sample_weight)
    return _max_relative_error(
        objective,
        flat_params,
        eps=eps,
        max_params=max_params,
        random_state=random_state,
    )
