"""Learning-rate schedules: callables of the step count.

A schedule takes the place of a float ``learning_rate`` in any gradient
solver. The solver calls it with ``t``, the number of updates already made
(0 for the first update), and multiplies the result by ``state.lr_scale``
(which callbacks such as reduce-on-plateau lower). Like solvers, schedules
hold hyperparameters only, so they survive :func:`sklearn.base.clone` and
nested keys such as ``solver__learning_rate__gamma`` work in
:class:`~sklearn.model_selection.GridSearchCV`.

Any callable ``t -> float`` is accepted as a schedule too; a rate that is
not a finite, non-negative real number (a string, None, an array, NaN, a
negative value) stops training with a ``ValueError`` naming the schedule.
Schedules compute in floating point, so extreme hyperparameters
(``InverseScaling(power_t=1e30)``) give a prompt float result (here 0.0
after the first step), and a hyperparameter too large for a float is an
error when the fit starts.

Examples
--------
>>> from skmomentum.schedules import StepDecay
>>> from skmomentum.solvers import Momentum
>>> solver = Momentum(learning_rate=StepDecay(0.1, step_size=100))
>>> solver.set_params(learning_rate__gamma=0.5).learning_rate
StepDecay(gamma=0.5, learning_rate=0.1, step_size=100)
"""

import math
from numbers import Integral, Real

from sklearn.utils._param_validation import Interval

from .solvers._params import ParamsMixin

_POSITIVE = Interval(Real, 0, None, closed="neither")
_FRACTION = Interval(Real, 0, 1, closed="right")


class Schedule(ParamsMixin):
    """Base class: hyperparameter validation and the call protocol.

    Subclasses define ``_parameter_constraints`` and ``_rate(t)``.

    Examples
    --------
    >>> from skmomentum.schedules import Schedule
    >>> class Halving(Schedule):
    ...     def _rate(self, t):
    ...         return 1.0 / 2**t
    >>> Halving()(3)
    0.125
    """

    def __init__(self):
        # Lets a subclass without hyperparameters skip writing __init__.
        pass

    def validate(self):
        """Check the hyperparameters; raise a clear error naming the bad one.

        On top of ``_parameter_constraints``, every number must fit in a
        float (the rates are computed in floating point).

        Raises
        ------
        ValueError
            If a hyperparameter is out of range or too large for a float.
        """
        super().validate()
        for name, value in self.get_params(deep=False).items():
            if isinstance(value, Real):
                try:
                    finite = math.isfinite(float(value))
                except OverflowError:
                    finite = False
                if not finite:
                    raise ValueError(
                        f"{type(self).__name__}({name}={value!r}): the value must "
                        "be a finite float (rates are computed in floating point)."
                    )

    def __call__(self, t):
        """The learning rate of update number ``t`` (0 for the first).

        Parameters
        ----------
        t : int
            Number of updates already made, >= 0.

        Returns
        -------
        rate : float
            The learning rate.
        """
        # Validating on every call would cost more than the update itself on
        # small networks, so remember the hyperparameters last validated.
        key = tuple(getattr(self, name) for name in self._parameter_constraints)
        if self.__dict__.get("_validated_key") != key:
            self.validate()
            self.__dict__["_validated_key"] = key
        if t < 0:
            raise ValueError(
                f"{type(self).__name__} was called with step {t!r}; the step "
                "count is the number of updates already made and must be >= 0."
            )
        return float(self._rate(t))

    def _rate(self, t):
        raise NotImplementedError


class Constant(Schedule):
    r"""A constant learning rate: :math:`\eta_t = \eta`.

    Equivalent to passing the float itself; useful as a grid value next to
    other schedules.

    Parameters
    ----------
    learning_rate : float
        The rate :math:`\eta`, > 0.

    Examples
    --------
    >>> from skmomentum.schedules import Constant
    >>> Constant(0.1)(0), Constant(0.1)(1000)
    (0.1, 0.1)
    """

    _parameter_constraints = {"learning_rate": [_POSITIVE]}

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate

    def _rate(self, t):
        return float(self.learning_rate)


class InverseScaling(Schedule):
    r"""Inverse scaling: :math:`\eta_t = \eta / (t + 1)^{p}`.

    This is the formula of scikit-learn's ``learning_rate="invscaling"``,
    but the clock differs: scikit-learn's ``t`` counts *samples* seen and
    changes the rate only at the end of each epoch, while here ``t`` counts
    *updates* and the rate changes at every update. To mimic scikit-learn
    with batches of ``b`` samples, the rate after ``k`` updates is roughly
    that of scikit-learn after ``k * b`` samples.

    Parameters
    ----------
    learning_rate : float
        Initial rate :math:`\eta`, > 0.
    power_t : float, default=0.5
        Exponent :math:`p`, >= 0 (0 gives a constant rate).

    Examples
    --------
    >>> from skmomentum.schedules import InverseScaling
    >>> schedule = InverseScaling(0.1, power_t=0.5)
    >>> [round(schedule(t), 4) for t in (0, 3, 99)]
    [0.1, 0.05, 0.01]
    """

    _parameter_constraints = {
        "learning_rate": [_POSITIVE],
        "power_t": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, learning_rate, power_t=0.5):
        self.learning_rate = learning_rate
        self.power_t = power_t

    def _rate(self, t):
        eta, power = float(self.learning_rate), float(self.power_t)
        try:
            return eta / (t + 1.0) ** power
        except OverflowError:  # (t + 1) ** power beyond the float range
            return math.exp(math.log(eta) - power * math.log(t + 1.0))


class ExponentialDecay(Schedule):
    r"""Smooth exponential decay: :math:`\eta_t = \eta\, r^{t / s}`.

    The rate is multiplied by ``decay_rate`` every ``decay_steps`` updates,
    continuously in between (use :class:`StepDecay` for a staircase).

    Parameters
    ----------
    learning_rate : float
        Initial rate :math:`\eta`, > 0.
    decay_rate : float
        Factor :math:`r` per ``decay_steps`` updates, in (0, 1].
    decay_steps : int, default=1
        Number of updates :math:`s` over which the rate falls by
        ``decay_rate``, >= 1.

    Examples
    --------
    >>> from skmomentum.schedules import ExponentialDecay
    >>> schedule = ExponentialDecay(0.1, decay_rate=0.5, decay_steps=10)
    >>> [round(schedule(t), 4) for t in (0, 5, 10, 20)]
    [0.1, 0.0707, 0.05, 0.025]
    """

    _parameter_constraints = {
        "learning_rate": [_POSITIVE],
        "decay_rate": [_FRACTION],
        "decay_steps": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, learning_rate, decay_rate, decay_steps=1):
        self.learning_rate = learning_rate
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps

    def _rate(self, t):
        return float(self.learning_rate) * float(self.decay_rate) ** (
            t / self.decay_steps
        )


class StepDecay(Schedule):
    r"""Staircase decay: :math:`\eta_t = \eta\, \gamma^{\lfloor t / k \rfloor}`.

    The rate is multiplied by ``gamma`` after every ``step_size`` updates
    (PyTorch's ``StepLR``, counted in updates rather than epochs).

    Parameters
    ----------
    learning_rate : float
        Initial rate :math:`\eta`, > 0.
    step_size : int
        Number of updates :math:`k` between two drops, >= 1.
    gamma : float, default=0.1
        Factor :math:`\gamma` applied at each drop, in (0, 1].

    Examples
    --------
    >>> from skmomentum.schedules import StepDecay
    >>> schedule = StepDecay(1.0, step_size=2, gamma=0.5)
    >>> [schedule(t) for t in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    _parameter_constraints = {
        "learning_rate": [_POSITIVE],
        "step_size": [Interval(Integral, 1, None, closed="left")],
        "gamma": [_FRACTION],
    }

    def __init__(self, learning_rate, step_size, gamma=0.1):
        self.learning_rate = learning_rate
        self.step_size = step_size
        self.gamma = gamma

    def _rate(self, t):
        return float(self.learning_rate) * float(self.gamma) ** (t // self.step_size)


class CosineDecay(Schedule):
    r"""Linear warm-up, then cosine decay (Loshchilov & Hutter, 2017).

    With :math:`w` warm-up steps and :math:`d` decay steps:

    - warm-up, :math:`t < w`: :math:`\eta_t = \eta\, (t + 1) / (w + 1)`,
      rising in equal steps from :math:`\eta / (w + 1)` so that the line
      reaches :math:`\eta` exactly where the cosine starts (no update is
      wasted at rate 0);
    - decay, :math:`t \ge w`, with :math:`p = \min(t - w, d) / d`:
      :math:`\eta_t = \eta \left(\alpha + (1 - \alpha)
      \tfrac{1}{2}\left(1 + \cos \pi p\right)\right)`, falling from
      :math:`\eta` to :math:`\alpha\eta` and staying there.

    Parameters
    ----------
    learning_rate : float
        Peak rate :math:`\eta`, > 0.
    decay_steps : int
        Number of updates :math:`d` of the cosine phase, >= 1.
    alpha : float, default=0.0
        Final rate as a fraction of ``learning_rate``, in [0, 1].
    warmup_steps : int, default=0
        Number of warm-up updates :math:`w`, >= 0.

    Examples
    --------
    >>> from skmomentum.schedules import CosineDecay
    >>> schedule = CosineDecay(1.0, decay_steps=4, warmup_steps=3)
    >>> [round(schedule(t), 3) for t in range(9)]
    [0.25, 0.5, 0.75, 1.0, 0.854, 0.5, 0.146, 0.0, 0.0]
    """

    _parameter_constraints = {
        "learning_rate": [_POSITIVE],
        "decay_steps": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "warmup_steps": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, learning_rate, decay_steps, alpha=0.0, warmup_steps=0):
        self.learning_rate = learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.warmup_steps = warmup_steps

    def _rate(self, t):
        eta, warmup = float(self.learning_rate), self.warmup_steps
        if t < warmup:
            return eta * (t + 1) / (warmup + 1)
        progress = min(t - warmup, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
        return eta * (self.alpha + (1.0 - self.alpha) * cosine)


__all__ = [
    "Constant",
    "CosineDecay",
    "ExponentialDecay",
    "InverseScaling",
    "Schedule",
    "StepDecay",
]
