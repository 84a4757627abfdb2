"""The solver protocol shared by the estimator and :func:`skmomentum.minimize`.

A solver object holds hyperparameters only (optax's split). Everything that
changes while training lives in a separate :class:`SolverState` created by
``init_state``, so fitting never mutates the object a user passed in.

An *objective* is anything with two methods:

- ``loss_and_grad(params) -> (loss, grad)``, ``grad`` a flat array shaped
  like ``params`` (it may be a buffer the objective reuses);
- ``loss(params) -> float``.

Gradient solvers call ``loss_and_grad`` once per step; a gradient-free
solver asks only for losses. An objective may also offer
``loss_and_data_grad(params) -> (loss, grad, l2_scale)`` with an
``l2_bounds`` attribute (the network does): the gradient without its L2 term,
which the fused update kernels add in their own pass over the parameters.
"""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
)

from ._params import ParamsMixin


class SolverState:
    """Everything a solver changes while it runs.

    Parameters
    ----------
    **buffers : ndarray
        Per-solver accumulators (velocity, squared-gradient average, ...),
        each shaped like the flat parameter vector; stored as attributes.

    Attributes
    ----------
    t : int
        Number of updates made so far.
    lr_scale : float
        Multiplier applied to the learning rate; callbacks such as
        reduce-on-plateau lower it without touching the solver object.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import Momentum
    >>> state = Momentum().init_state(np.zeros(3))
    >>> state.t, state.velocity
    (0, array([0., 0., 0.]))
    """

    def __init__(self, **buffers):
        self.t = 0
        self.lr_scale = 1.0
        self.__dict__.update(buffers)

    def __repr__(self):
        names = ", ".join(k for k in self.__dict__ if k not in ("t", "lr_scale"))
        return f"SolverState(t={self.t}, lr_scale={self.lr_scale}, buffers=[{names}])"


def _is_schedule(value):
    return callable(value) and not isinstance(value, type)


def _checked_rate(rate, schedule, t):
    """``rate`` as a float, or a ValueError naming ``schedule``.

    Zero is allowed: a cosine schedule with ``alpha=0`` ends there by design.
    """
    value = math.nan
    if isinstance(rate, Real) and not isinstance(rate, (bool, np.bool_)):
        try:
            value = float(rate)
        except OverflowError:  # an int beyond the float range
            value = math.inf
    if not (math.isfinite(value) and value >= 0):
        name = getattr(schedule, "__qualname__", None) or repr(schedule)
        raise ValueError(
            f"The learning-rate schedule {name} returned {rate!r} "
            f"({type(rate).__name__}) at step {t}; a schedule must return a "
            "finite, non-negative float. Fix the schedule, or pass a float "
            "learning_rate."
        )
    return value


class Solver(ParamsMixin):
    """Base class of every solver: validation and the ``step`` protocol.

    A subclass stores its hyperparameters in ``__init__`` (unchanged, as
    scikit-learn estimators do), declares them in ``_parameter_constraints``
    and implements ``init_state`` and ``step``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import Solver, SolverState
    >>> class RandomSearch(Solver):
    ...     def __init__(self, scale=0.1):
    ...         self.scale = scale
    ...     def init_state(self, params, random_state=None):
    ...         return SolverState(rng=np.random.RandomState(0))
    ...     def step(self, params, state, objective):
    ...         trial = params + self.scale * state.rng.standard_normal(params.shape)
    ...         loss, trial_loss = objective.loss(params), objective.loss(trial)
    ...         if trial_loss < loss:
    ...             params[...] = trial
    ...         state.t += 1
    ...         return min(loss, trial_loss)
    >>> RandomSearch(scale=0.5)
    RandomSearch(scale=0.5)
    """

    def resolve_batch_size(self, n_samples):
        """Number of samples per update for a training set of ``n_samples``."""
        batch_size = getattr(self, "batch_size", "auto")
        if batch_size == "auto":
            return min(200, n_samples)
        return min(int(batch_size), n_samples)

    def init_state(self, params, random_state=None):
        """Fresh state (all accumulators zero) for a flat parameter vector.

        ``random_state`` (a ``numpy.random.RandomState``) is for solvers that
        draw random numbers; gradient solvers ignore it.
        """
        raise NotImplementedError

    def step(self, params, state, objective):
        """Make one update of ``params`` in place; return the loss before it."""
        raise NotImplementedError


_LEARNING_RATE = [Interval(Real, 0, None, closed="neither"), callable]
_BATCH_SIZE = [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")]
_DECAY = Interval(Real, 0, 1, closed="left")
_NONNEGATIVE = Interval(Real, 0, None, closed="left")


class GradientSolver(Solver):
    """A first-order solver: ``step`` = one gradient + one :meth:`update`.

    Subclasses implement ``_apply(params, grad, state, eta)``, the update
    rule itself, in place.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import GradientSolver, SolverState
    >>> class SignGD(GradientSolver):
    ...     def __init__(self, learning_rate=0.1):
    ...         self.learning_rate = learning_rate
    ...     def init_state(self, params, random_state=None):
    ...         return SolverState()
    ...     def _apply(self, params, grad, state, eta):
    ...         params -= eta * np.sign(grad)
    >>> w = np.array([1.0, -1.0])
    >>> solver = SignGD()
    >>> solver.update(w, np.array([3.0, -0.5]), solver.init_state(w))
    >>> w
    array([ 0.9, -0.9])
    """

    def validate(self):
        """Check the hyperparameters, a learning-rate schedule's own included.

        Raises
        ------
        ValueError
            If a hyperparameter is out of range.
        """
        super().validate()
        check_schedule = getattr(self.learning_rate, "validate", None)
        if callable(check_schedule):
            check_schedule()

    def step(self, params, state, objective):
        """Make one update of ``params`` in place.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Flat parameter vector, updated in place.
        state : SolverState
            State from :meth:`init_state`, updated in place.
        objective : object
            Has ``loss_and_grad(params) -> (loss, grad)``.

        Returns
        -------
        loss : float
            The objective at ``params`` before the update.
        """
        loss, grad = objective.loss_and_grad(params)
        self.update(params, grad, state)
        return loss

    def learning_rate_at(self, state):
        """The learning rate of the update about to be made.

        A schedule is called with the number of updates already made (0 for
        the first update), then multiplied by ``state.lr_scale``.

        Raises
        ------
        ValueError
            If the rate (a schedule's value included) is not a finite,
            non-negative real number; the message names the schedule.
        """
        rate = self.learning_rate
        # (a float, the common case, skips the test: it runs every step)
        if type(rate) is not float and _is_schedule(rate):
            rate = _checked_rate(rate(state.t), rate, state.t)
        return float(rate) * state.lr_scale

    def update(self, params, grad, state):
        """Apply one update rule to ``params`` given ``grad`` (both in place).

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Flat parameter vector, updated in place.
        grad : ndarray of shape (n_params,)
            Gradient of the loss at ``params``; left unchanged.
        state : SolverState
            Updated in place; ``state.t`` counts this update.
        """
        eta = self.learning_rate_at(state)
        state.t += 1
        self._apply(params, grad, state, eta)

    def _apply(self, params, grad, state, eta):
        raise NotImplementedError
