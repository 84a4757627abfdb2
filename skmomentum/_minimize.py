"""Run any solver on any function of a parameter vector, scipy-style."""

from numbers import Integral, Real

import numpy as np
from scipy.optimize import OptimizeResult
from sklearn.utils import check_random_state

from ._gradcheck import central_differences
from .solvers import GradientSolver, resolve_solver

# Status codes of the result; 99 for a callback's StopIteration is scipy's.
_CONVERGED, _MAX_ITER, _DIVERGED, _CALLBACK_STOP = 0, 1, 2, 99


class _FunctionObjective:
    """Adapts ``fun`` and ``jac`` to the solver protocol.

    Counts evaluations, checks what the user's functions return, and
    remembers the last gradient so that the convergence test and the
    solver's step share one evaluation per iteration.
    """

    def __init__(self, fun, jac, n):
        self.fun, self.jac, self.n = fun, jac, n
        self.nfev = self.njev = 0
        self._key = self._cached = None

    def _value(self, f):
        try:
            value = np.asarray(f, dtype=np.float64)
        except (TypeError, ValueError):
            value = None
        if value is None or value.size != 1:
            raise ValueError(
                f"fun must return a scalar (the value of the function), got {f!r}."
                + (
                    " With jac=True it must return a pair (value, gradient)."
                    if self.jac is True
                    else ""
                )
            )
        return float(value.reshape(()))

    def _gradient(self, g):
        try:
            grad = np.asarray(g, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"The gradient must be an array of numbers of shape ({self.n},), "
                f"got {g!r}."
            ) from None
        if grad.shape != (self.n,):
            raise ValueError(
                f"The gradient has shape {grad.shape}, expected ({self.n},), the "
                "shape of x0. Check jac (or the second value fun returns with "
                "jac=True)."
            )
        return grad

    def _call_fun(self, x):
        self.nfev += 1
        return self.fun(x.copy())

    def loss(self, x):
        """Value of ``fun`` at ``x``."""
        out = self._call_fun(x)
        if self.jac is True:
            if not (isinstance(out, tuple | list) and len(out) == 2):
                raise ValueError(
                    f"jac=True means fun returns a pair (value, gradient), got {out!r}."
                )
            out = out[0]
        return self._value(out)

    def loss_and_grad(self, x):
        """Value and gradient at ``x``; the gradient is a fresh float64 array."""
        if self._key is not None and np.array_equal(x, self._key):
            return self._cached
        self.njev += 1
        if self.jac is True:
            out = self._call_fun(x)
            if not (isinstance(out, tuple | list) and len(out) == 2):
                raise ValueError(
                    f"jac=True means fun returns a pair (value, gradient), got {out!r}."
                )
            f, g = self._value(out[0]), self._gradient(out[1])
        elif self.jac is None:
            f = self.loss(x)
            g = central_differences(self.loss, np.asarray(x, dtype=np.float64))
        else:
            f = self.loss(x)
            g = self._gradient(self.jac(x.copy()))
        self._key = np.array(x, copy=True)
        self._cached = (f, g)
        return f, g


def _check_x0(x0):
    try:
        x = np.atleast_1d(np.array(x0, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"x0 must be a 1-D array of real numbers; converting it failed: {exc}"
        ) from None
    if x.ndim != 1:
        raise ValueError(
            f"x0 must be 1-D (a flat parameter vector), got shape {x.shape}. "
            "Flatten it with np.ravel and reshape inside fun."
        )
    if x.size == 0:
        raise ValueError("x0 is empty; there are no parameters to optimise.")
    if not np.isfinite(x).all():
        raise ValueError(
            "x0 contains NaN or infinity; start from finite parameter values."
        )
    return x


def _check_options(fun, jac, max_iter, tol, callback):
    if not callable(fun):
        raise TypeError(f"fun must be callable, got {fun!r}.")
    if jac is False:
        jac = None
    if not (jac is None or jac is True or callable(jac)):
        raise TypeError(
            "jac must be None (finite differences), True (fun returns (f, g)) or "
            f"a callable returning the gradient, got {jac!r}."
        )
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral):
        raise TypeError(f"max_iter must be an integer >= 0, got {max_iter!r}.")
    if max_iter < 0:
        raise ValueError(f"max_iter must be >= 0, got {max_iter!r}.")
    if isinstance(tol, bool) or not isinstance(tol, Real) or not tol >= 0:
        raise ValueError(f"tol must be a number >= 0, got {tol!r}.")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {callback!r}.")
    return jac


def _finite(f, g):
    return bool(np.isfinite(f)) and (g is None or bool(np.isfinite(g).all()))


def minimize(
    fun,
    x0,
    *,
    jac=None,
    solver="gd",
    max_iter=1000,
    tol=1e-6,
    callback=None,
    random_state=None,
):
    r"""Minimise a function of a parameter vector with any solver.

    Each iteration evaluates the gradient at the current point, stops if its
    Euclidean norm is below ``tol``, and otherwise makes one update
    ``solver.step(x, state, objective)`` -- the same protocol the estimator
    uses on a network, so the path a solver takes here is the path it takes
    there on a full batch. ``batch_size`` of the solver is ignored: every
    step sees the whole function.

    A gradient-free solver (:class:`~skmomentum.solvers.Genetic`) only
    evaluates ``fun``; no gradient is computed, ``tol`` does not apply and
    the run ends after ``max_iter`` generations (``success=False``, status
    1, as scipy's ``differential_evolution`` reports an exhausted budget)
    or when the callback stops it; ``jac`` is then ``None``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float``, or ``fun(x) -> (float, gradient)`` with
        ``jac=True``. ``x`` is a float64 array of shape ``(n,)``, a copy
        that ``fun`` may keep or modify.
    x0 : array-like of shape (n,)
        Starting point; a scalar counts as ``n = 1``. It is copied to
        float64 and never modified.
    jac : None, True or callable, default=None
        How to get the gradient: ``None`` (or ``False``) uses central finite
        differences (``2 n`` extra calls of ``fun`` per iteration, the
        tutorial's "second method"); ``True`` means ``fun`` returns the
        pair ``(f, g)``; a callable ``jac(x)`` returns ``g`` of shape
        ``(n,)``.
    solver : str or Solver, default="gd"
        A solver alias (``"gd"``, ``"momentum"``, ``"nesterov"``,
        ``"adam"``, ...) or a solver object such as
        ``Momentum(learning_rate=0.01)``. The object is copied, not changed.
    max_iter : int, default=1000
        Maximum number of updates.
    tol : float, default=1e-6
        Stop successfully when the gradient norm falls below ``tol``.
    callback : callable, default=None
        Called after every update as ``callback(intermediate_result)``, an
        :class:`~scipy.optimize.OptimizeResult` with ``x``, ``fun``, ``jac``
        and ``nit``. Raising :class:`StopIteration` in it stops the run:
        the result then has ``success=False`` and ``status=99`` with the
        message "`callback` raised `StopIteration`." (as in scipy).
    random_state : int, RandomState or None, default=None
        Passed to ``solver.init_state`` for solvers that draw random
        numbers; the gradient solvers ignore it.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        With attributes

        - ``x``: the last iterate, ``fun``: its value, ``jac``: its
          gradient;
        - ``nit``: number of updates made;
        - ``nfev``: calls of ``fun`` (including finite differences);
          ``njev``: gradients computed (by ``jac``, by ``fun`` with
          ``jac=True``, or by finite differences);
        - ``path``: array of shape ``(nit + 1, n)``, the iterates from
          ``x0`` to ``x``;
        - ``success``, ``status`` and ``message``: status 0 (converged,
          ``success=True``), 1 (``max_iter`` reached), 2 (the function
          value or gradient became NaN or infinite: the iterates diverged,
          usually because the learning rate is too large; ``x`` is then the
          first non-finite point) or 99 (the callback raised
          ``StopIteration``).

    Raises
    ------
    TypeError
        If ``fun``, ``jac`` or ``callback`` is not callable.
    ValueError
        If ``x0`` is not a finite 1-D vector, if ``fun`` or the gradient is
        not finite at ``x0``, if ``fun`` does not return a scalar, or if the
        gradient does not have the shape of ``x0``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum._minimize import minimize
    >>> from skmomentum.solvers import Momentum
    >>> def ravine(x):
    ...     return 0.5 * (x[0] ** 2 + 50 * x[1] ** 2)
    >>> def ravine_grad(x):
    ...     return np.array([x[0], 50 * x[1]])
    >>> result = minimize(ravine, [-10.0, 1.0], jac=ravine_grad,
    ...                   solver=Momentum(learning_rate=0.05, momentum=0.6))
    >>> result.success, result.nit, result.path.shape
    (True, 79, (80, 2))
    >>> print(result.message)
    The gradient norm fell below tol.
    >>> from skmomentum.solvers import GD
    >>> minimize(ravine, [-10.0, 1.0], jac=ravine_grad, solver=GD(0.035)).nit
    453
    """
    jac = _check_options(fun, jac, max_iter, tol, callback)
    x = _check_x0(x0)
    solver = resolve_solver(solver)
    objective = _FunctionObjective(fun, jac, x.shape[0])
    state = solver.init_state(x, random_state=check_random_state(random_state))
    # A gradient-free solver (Genetic) only asks for losses; computing a
    # gradient just for the stopping test would cost 2 n calls with jac=None.
    uses_gradient = isinstance(solver, GradientSolver)

    def evaluate():
        if uses_gradient:
            return objective.loss_and_grad(x)
        return objective.loss(x), None

    f, g = evaluate()
    if not _finite(f, g):
        raise ValueError(
            f"fun or its gradient is not finite at x0 (fun(x0) = {f!r}); start "
            "from a point where the function is defined."
        )
    path = [x.copy()]
    nit = 0
    while True:
        if not _finite(f, g):
            status = _DIVERGED
            message = (
                f"The function value or gradient became non-finite (fun = {f!r}) "
                f"at iteration {nit}: the iterates diverged. The learning rate "
                f"{getattr(solver, 'learning_rate', None)!r} is probably too "
                "large; try a smaller one."
            )
            break
        with np.errstate(over="ignore"):  # a huge finite gradient is not < tol
            small_gradient = uses_gradient and np.linalg.norm(g) < tol
        if small_gradient:
            status, message = _CONVERGED, "The gradient norm fell below tol."
            break
        if nit >= max_iter:
            status = _MAX_ITER
            message = f"Maximum number of iterations ({max_iter}) reached " + (
                f"before the gradient norm fell below tol={tol!r}."
                if uses_gradient
                else "(a gradient-free solver has no convergence test)."
            )
            break
        # A gradient solver's request for (f, g) at x hits the objective's cache.
        solver.step(x, state, objective)
        nit += 1
        path.append(x.copy())
        f, g = evaluate()
        if callback is not None:
            intermediate = OptimizeResult(x=x.copy(), fun=f, nit=nit)
            intermediate.jac = None if g is None else g.copy()
            try:
                callback(intermediate)
            except StopIteration:
                status, message = _CALLBACK_STOP, "`callback` raised `StopIteration`."
                break

    return OptimizeResult(
        x=x,
        fun=f,
        jac=None if g is None else g.copy(),
        nit=nit,
        nfev=objective.nfev,
        njev=objective.njev,
        success=status == _CONVERGED,
        status=status,
        message=message,
        path=np.array(path),
    )
