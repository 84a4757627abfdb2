"""First-order solvers, one class per update rule of DESIGN.md.

Each rule is written three times, with bit-identical results:

- ``_numpy``: numpy arrays, in place with ``out=`` ufuncs into one
  preallocated scratch buffer, so a step allocates nothing;
- ``_kernel``: numpy arrays of at least ``_KERNEL_MIN_SIZE`` elements, one
  fused pass of a numba kernel (:mod:`._kernels`, the ``speed`` extra);
- ``_generic``: any other array-API array (torch, CuPy, array-api-strict),
  with the in-place Python operators every namespace supports.

Scalars enter every path as Python floats, so under NEP 50 float32 arrays
are updated in float32 arithmetic in all three.
"""

import functools
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import (
    _BATCH_SIZE,
    _DECAY,
    _LEARNING_RATE,
    GradientSolver,
    SolverState,
)

_EPS = Interval(Real, 0, None, closed="neither")

# Warm, the fused kernels beat the numpy formulas at every size (Nesterov on
# 4,810 float64 parameters: 4.6 us vs 17 us; on 2.1M: 5.2 ms vs 18 ms). But
# the first kernel call in a process costs ~0.7 s of CPU (importing numba
# and loading the cached machine code; compiling a kernel the first time on
# a machine, ~0.2 s more), which a small network never earns back: at
# 65,536 parameters a fused step saves ~0.1-0.4 ms, so the cost is repaid
# within a few thousand steps, a short fit of such a network.
_KERNEL_MIN_SIZE = 1 << 16
_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


@functools.cache
def _load_kernels():
    """The kernels module, or None when numba is not installed or unusable."""
    try:
        from . import _kernels
    # numba raises RuntimeError at import when it finds no writable cache
    # folder; the numpy path computes the same updates.
    except (ImportError, RuntimeError):
        return None
    return _kernels


def _kernels_for(params, arrays):
    """The kernels module if the fused path applies to these numpy arrays."""
    if params.dtype not in _KERNEL_DTYPES:
        return None
    for a in (params, *arrays):
        if not (
            isinstance(a, np.ndarray)
            and a.dtype == params.dtype
            and a.shape == params.shape
            and a.ndim == 1
            and a.flags.c_contiguous
            and a.flags.writeable
        ):
            return None
    return _load_kernels()


def _typed(params, *scalars):
    """``scalars`` cast to ``params``' dtype, as numpy casts Python floats."""
    cast = params.dtype.type
    return [cast(x) for x in scalars]


def _namespace(x):
    """The array-API namespace of a non-numpy array."""
    try:
        from array_api_compat import array_namespace
    except ImportError:  # scikit-learn vendors a copy
        from sklearn.externals.array_api_compat import array_namespace
    return array_namespace(x)


def _zeros_like(params):
    if isinstance(params, np.ndarray):
        return np.zeros_like(params)
    return _namespace(params).zeros_like(params)


class _FusedRule(GradientSolver):
    """Dispatch of ``_apply`` to the numpy, kernel or generic path.

    ``_buffers`` names the state's accumulators (created as zeros in the
    parameters' namespace). The numpy path's scratch buffer is created on
    its first use, so kernel and generic runs never allocate it, and a state
    that has one stays on the numpy path: small vectors, the overhead-bound
    case, then pay one attribute test per step for the other paths.

    On the kernel path, ``step`` asks an objective that offers it (the
    network's) for ``loss_and_data_grad``: the gradient without the L2 term,
    which the kernel adds in its single pass over the parameters.
    """

    _buffers = ()

    def init_state(self, params, random_state=None):
        buffers = {name: _zeros_like(params) for name in self._buffers}
        return SolverState(**buffers, scratch=None)

    def step(self, params, state, objective):
        scratch = state.scratch
        if scratch is not None:
            # The numpy path, chosen at the first step: the base class's step,
            # update and _apply in one call, as small networks are bound by
            # the overhead of calls.
            loss, grad = objective.loss_and_grad(params)
            eta = self.learning_rate_at(state)
            state.t += 1
            self._numpy(params, grad, state, float(eta), scratch)
            return loss
        if self._kernels(params, state):
            split = getattr(objective, "loss_and_data_grad", None)
            if split is not None:
                return self._fused_step(params, state, objective, split)
        return super().step(params, state, objective)

    def _fused_step(self, params, state, objective, split):
        # ``step`` checked the parameters and the state; the gradient is new.
        loss, grad, l2_scale = split(params)
        kernels = _kernels_for(params, [grad])
        if kernels is None:  # a gradient the kernels cannot take: no fold
            loss, grad = objective.loss_and_grad(params)
            self.update(params, grad, state)
            return loss
        eta = self.learning_rate_at(state)
        state.t += 1
        self._kernel(kernels, params, grad, state, eta, l2_scale, objective.l2_bounds)
        return loss

    def _kernels(self, params, state, grad=None):
        """The kernels module if the fused path applies, else None."""
        if (
            state.scratch is not None
            or not isinstance(params, np.ndarray)
            or params.size < _KERNEL_MIN_SIZE
        ):
            return None
        arrays = [getattr(state, name) for name in self._buffers]
        return _kernels_for(params, arrays if grad is None else [grad, *arrays])

    def _apply(self, params, grad, state, eta):
        if state.scratch is None:
            if not isinstance(params, np.ndarray):
                self._generic(params, grad, state, float(eta))
                return
            kernels = self._kernels(params, state, grad)
            if kernels is not None:
                no_penalty = np.array([0, 0, params.size], dtype=np.intp)
                self._kernel(kernels, params, grad, state, eta, 0.0, no_penalty)
                return
            state.scratch = np.empty_like(params)
        self._numpy(params, grad, state, float(eta), state.scratch)


class _PlainGradientStep(_FusedRule):
    def _numpy(self, w, g, state, eta, scratch):
        np.multiply(g, eta, out=scratch)
        w -= scratch

    def _kernel(self, kernels, w, g, state, eta, l2, bounds):
        kernels.sgd(w, g, *_typed(w, eta, l2), bounds)

    def _generic(self, w, g, state, eta):
        w -= eta * g


class GD(_PlainGradientStep):
    r"""Full-batch gradient descent: every update uses the whole training set.

    Update rule: :math:`w \leftarrow w - \eta\, g_t`, with :math:`g_t` the
    gradient of the mean loss over all training samples.

    Parameters
    ----------
    learning_rate : float or callable, default=0.1
        Step size :math:`\eta` (> 0), or a schedule called with the number of
        updates made so far.

    See Also
    --------
    MiniBatchGD : The same rule on mini-batches.
    SGD : The same rule on one sample at a time.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import GD
    >>> solver = GD(learning_rate=0.1)
    >>> w, g = np.array([1.0, -2.0]), np.array([0.5, 0.5])
    >>> state = solver.init_state(w)
    >>> solver.update(w, g, state)
    >>> w
    array([ 0.95, -2.05])
    """

    _parameter_constraints = {"learning_rate": _LEARNING_RATE}

    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate

    def resolve_batch_size(self, n_samples):
        """Always ``n_samples``: full-batch gradient descent."""
        return n_samples


class MiniBatchGD(_PlainGradientStep):
    r"""Mini-batch gradient descent.

    Update rule: :math:`w \leftarrow w - \eta\, g_t`, with :math:`g_t` the
    gradient of the mean loss over one mini-batch.

    Parameters
    ----------
    learning_rate : float or callable, default=0.1
        Step size :math:`\eta` (> 0), or a schedule called with the number of
        updates made so far.
    batch_size : int or "auto", default="auto"
        Samples per update; ``"auto"`` means ``min(200, n_samples)``.

    Examples
    --------
    >>> from skmomentum.solvers import MiniBatchGD
    >>> MiniBatchGD(learning_rate=0.05, batch_size=32)
    MiniBatchGD(batch_size=32, learning_rate=0.05)
    """

    _parameter_constraints = {
        "learning_rate": _LEARNING_RATE,
        "batch_size": _BATCH_SIZE,
    }

    def __init__(self, learning_rate=0.1, batch_size="auto"):
        self.learning_rate = learning_rate
        self.batch_size = batch_size


class SGD(_PlainGradientStep):
    r"""Stochastic gradient descent: mini-batch GD with one sample per update.

    Update rule: :math:`w \leftarrow w - \eta\, g_t`, with :math:`g_t` the
    gradient of the loss of a single sample.

    Parameters
    ----------
    learning_rate : float or callable, default=0.005
        Step size :math:`\eta` (> 0), or a schedule called with the number of
        updates made so far.
    batch_size : int, default=1
        Samples per update. Left at 1 this is SGD in the tutorial's strict
        sense; other values make it :class:`MiniBatchGD`.

    Examples
    --------
    >>> from skmomentum.solvers import SGD
    >>> SGD().resolve_batch_size(1000)
    1
    """

    _parameter_constraints = {
        "learning_rate": _LEARNING_RATE,
        "batch_size": _BATCH_SIZE,
    }

    def __init__(self, learning_rate=0.005, batch_size=1):
        self.learning_rate = learning_rate
        self.batch_size = batch_size


class Momentum(_FusedRule):
    r"""Gradient descent with momentum, in either of its two common forms.

    With :math:`v_0 = 0`:

    - ``ewma=False`` (classic heavy ball, as PyTorch and scikit-learn):
      :math:`v \leftarrow \mu v + g_t`, :math:`w \leftarrow w - \eta v`.
    - ``ewma=True`` (the tutorial's exponentially weighted average):
      :math:`v \leftarrow \mu v + (1 - \mu) g_t`, :math:`w \leftarrow w - \eta v`.
    - ``ewma=True, bias_correction=True``: as above, but the step uses
      :math:`v / (1 - \mu^t)`, removing the average's bias towards its zero
      start.

    The two forms follow the same path when the EWMA form's learning rate is
    :math:`\eta / (1 - \mu)`.

    Parameters
    ----------
    learning_rate : float or callable, default=0.01
        Step size :math:`\eta` (> 0), or a schedule called with the number of
        updates made so far.
    momentum : float, default=0.9
        Decay :math:`\mu` of the velocity, in [0, 1).
    ewma : bool, default=False
        Use the exponentially weighted average form.
    bias_correction : bool, default=False
        Divide the average by :math:`1 - \mu^t`; needs ``ewma=True``.
    batch_size : int or "auto", default="auto"
        Samples per update; ``"auto"`` means ``min(200, n_samples)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import Momentum
    >>> solver = Momentum(learning_rate=0.1, momentum=0.5)
    >>> w = np.array([1.0])
    >>> state = solver.init_state(w)
    >>> solver.update(w, np.array([1.0]), state)  # v = 1
    >>> solver.update(w, np.array([1.0]), state)  # v = 0.5 * 1 + 1 = 1.5
    >>> w
    array([0.75])
    """

    _parameter_constraints = {
        "learning_rate": _LEARNING_RATE,
        "momentum": [_DECAY],
        "ewma": ["boolean"],
        "bias_correction": ["boolean"],
        "batch_size": _BATCH_SIZE,
    }

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.9,
        ewma=False,
        bias_correction=False,
        batch_size="auto",
    ):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.ewma = ewma
        self.bias_correction = bias_correction
        self.batch_size = batch_size

    def validate(self):
        """Check the hyperparameters; ``bias_correction`` needs ``ewma``.

        Raises
        ------
        ValueError
            If a hyperparameter is out of range, or ``bias_correction=True``
            with ``ewma=False``.
        """
        super().validate()
        if self.bias_correction and not self.ewma:
            raise ValueError(
                "Momentum(bias_correction=True) needs ewma=True: bias correction "
                "divides an exponentially weighted average by 1 - momentum**t, "
                "and the classic form (ewma=False) is not such an average. Set "
                "ewma=True or bias_correction=False."
            )

    _buffers = ("velocity",)

    def _step_size(self, eta, t):
        if self.ewma and self.bias_correction:
            return eta / (1.0 - float(self.momentum) ** t)
        return eta

    def _numpy(self, w, g, state, eta, scratch):
        mu, v = float(self.momentum), state.velocity
        v *= mu
        if self.ewma:
            np.multiply(g, 1.0 - mu, out=scratch)
            v += scratch
        else:
            v += g
        np.multiply(v, self._step_size(eta, state.t), out=scratch)
        w -= scratch

    def _kernel(self, kernels, w, g, state, eta, l2, bounds):
        mu = float(self.momentum)
        # g * 1 is exactly g, so the classic form is the EWMA kernel with c = 1.
        c = 1.0 - mu if self.ewma else 1.0
        eta = self._step_size(float(eta), state.t)
        kernels.momentum(w, g, state.velocity, *_typed(w, mu, c, eta, l2), bounds)

    def _generic(self, w, g, state, eta):
        mu, v = float(self.momentum), state.velocity
        v *= mu
        v += (1.0 - mu) * g if self.ewma else g
        w -= self._step_size(eta, state.t) * v


class Nesterov(_FusedRule):
    r"""Nesterov's accelerated gradient, in the form with the gradient taken
    at the stored weights (Sutskever et al., 2013).

    With :math:`v_0 = 0`: :math:`v \leftarrow \mu v + g_t`,
    :math:`w \leftarrow w - \eta (g_t + \mu v)`.

    The tutorial's look-ahead form evaluates the gradient at
    :math:`\tilde w = w - \eta\mu v`; writing the update in terms of the
    look-ahead point :math:`\tilde w` gives the rule above, which is what
    PyTorch (``nesterov=True``), Keras and scikit-learn implement. Our
    iterates are the tutorial's look-ahead points (where it evaluates the
    gradient); the user guide carries the derivation.

    Parameters
    ----------
    learning_rate : float or callable, default=0.01
        Step size :math:`\eta` (> 0), or a schedule called with the number of
        updates made so far.
    momentum : float, default=0.9
        Decay :math:`\mu` of the velocity, in [0, 1).
    batch_size : int or "auto", default="auto"
        Samples per update; ``"auto"`` means ``min(200, n_samples)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import Nesterov
    >>> solver = Nesterov(learning_rate=0.1, momentum=0.5)
    >>> w = np.array([1.0])
    >>> state = solver.init_state(w)
    >>> solver.update(w, np.array([1.0]), state)  # v = 1, step 0.1 * 1.5
    >>> w
    array([0.85])
    """

    _parameter_constraints = {
        "learning_rate": _LEARNING_RATE,
        "momentum": [_DECAY],
        "batch_size": _BATCH_SIZE,
    }

    def __init__(self, learning_rate=0.01, momentum=0.9, batch_size="auto"):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size

    _buffers = ("velocity",)

    def _numpy(self, w, g, state, eta, scratch):
        mu, v = float(self.momentum), state.velocity
        v *= mu
        v += g
        np.multiply(v, mu, out=scratch)
        scratch += g
        scratch *= eta
        w -= scratch

    def _kernel(self, kernels, w, g, state, eta, l2, bounds):
        scalars = _typed(w, self.momentum, eta, l2)
        kernels.nesterov(w, g, state.velocity, *scalars, bounds)

    def _generic(self, w, g, state, eta):
        mu, v = float(self.momentum), state.velocity
        v *= mu
        v += g
        w -= eta * (mu * v + g)


class RMSprop(_FusedRule):
    r"""RMSprop: steps scaled by a running root mean square of the gradient.

    With :math:`s_0 = 0`: :math:`s \leftarrow \rho s + (1 - \rho) g_t^2`,
    :math:`w \leftarrow w - \eta\, g_t / (\sqrt{s} + \epsilon)`.

    :math:`\epsilon` is added outside the square root, as in PyTorch; Keras
    also adds it outside, while TensorFlow 1's ``RMSPropOptimizer`` used
    :math:`\sqrt{s + \epsilon}`. scikit-learn has no RMSprop.

    Parameters
    ----------
    learning_rate : float or callable, default=0.001
        Step size :math:`\eta` (> 0), or a schedule called with the number of
        updates made so far.
    rho : float, default=0.9
        Decay of the squared-gradient average, in [0, 1).
    eps : float, default=1e-8
        Added to the root mean square to avoid division by zero (> 0: with
        0, a parameter whose gradient has always been 0 gets 0 / 0).
    batch_size : int or "auto", default="auto"
        Samples per update; ``"auto"`` means ``min(200, n_samples)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import RMSprop
    >>> solver = RMSprop(learning_rate=0.1, rho=0.75)
    >>> w = np.array([1.0])
    >>> state = solver.init_state(w)
    >>> solver.update(w, np.array([2.0]), state)  # s = 1, step ~ 0.1 * 2 / 1
    >>> w
    array([0.8])
    """

    _parameter_constraints = {
        "learning_rate": _LEARNING_RATE,
        "rho": [_DECAY],
        "eps": [_EPS],
        "batch_size": _BATCH_SIZE,
    }

    def __init__(self, learning_rate=0.001, rho=0.9, eps=1e-8, batch_size="auto"):
        self.learning_rate = learning_rate
        self.rho = rho
        self.eps = eps
        self.batch_size = batch_size

    _buffers = ("square_avg",)

    def _numpy(self, w, g, state, eta, scratch):
        rho, s = float(self.rho), state.square_avg
        np.multiply(g, g, out=scratch)
        scratch *= 1.0 - rho
        s *= rho
        s += scratch
        np.sqrt(s, out=scratch)
        scratch += float(self.eps)
        np.divide(g, scratch, out=scratch)
        scratch *= eta
        w -= scratch

    def _kernel(self, kernels, w, g, state, eta, l2, bounds):
        rho = float(self.rho)
        scalars = _typed(w, rho, 1.0 - rho, self.eps, eta, l2)
        kernels.rmsprop(w, g, state.square_avg, *scalars, bounds)

    def _generic(self, w, g, state, eta):
        rho, s = float(self.rho), state.square_avg
        s *= rho
        s += (1.0 - rho) * (g * g)
        w -= eta * (g / (_namespace(s).sqrt(s) + float(self.eps)))


class Adam(_FusedRule):
    r"""Adam: bias-corrected averages of the gradient and its square.

    With :math:`m_0 = s_0 = 0`: :math:`m \leftarrow \beta_1 m + (1-\beta_1) g_t`,
    :math:`s \leftarrow \beta_2 s + (1-\beta_2) g_t^2`,
    :math:`w \leftarrow w - \eta\, \hat m / (\sqrt{\hat s} + \epsilon)` with
    :math:`\hat m = m / (1 - \beta_1^t)` and :math:`\hat s = s / (1-\beta_2^t)`.

    This is the paper's form and PyTorch's. scikit-learn and Keras fold the
    bias corrections into the learning rate,
    :math:`\eta_t = \eta \sqrt{1-\beta_2^t} / (1-\beta_1^t)`, and add
    :math:`\epsilon` to the uncorrected :math:`\sqrt{s}`; that is the same
    update with an effective epsilon of :math:`\epsilon\sqrt{1-\beta_2^t}`.

    Parameters
    ----------
    learning_rate : float or callable, default=0.001
        Step size :math:`\eta` (> 0), or a schedule called with the number of
        updates made so far.
    beta_1 : float, default=0.9
        Decay of the gradient average, in [0, 1).
    beta_2 : float, default=0.999
        Decay of the squared-gradient average, in [0, 1).
    eps : float, default=1e-8
        Added to the root mean square to avoid division by zero (> 0: with
        0, a parameter whose gradient has always been 0 gets 0 / 0).
    batch_size : int or "auto", default="auto"
        Samples per update; ``"auto"`` means ``min(200, n_samples)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import Adam
    >>> solver = Adam(learning_rate=0.1)
    >>> w = np.array([1.0])
    >>> state = solver.init_state(w)
    >>> solver.update(w, np.array([3.0]), state)  # first step is eta * sign(g)
    >>> w
    array([0.9])
    """

    _parameter_constraints = {
        "learning_rate": _LEARNING_RATE,
        "beta_1": [_DECAY],
        "beta_2": [_DECAY],
        "eps": [_EPS],
        "batch_size": _BATCH_SIZE,
    }

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, eps=1e-8, batch_size="auto"
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.eps = eps
        self.batch_size = batch_size

    _buffers = ("exp_avg", "exp_avg_sq")

    def _numpy(self, w, g, state, eta, scratch):
        b1, b2, t = float(self.beta_1), float(self.beta_2), state.t
        m, s = state.exp_avg, state.exp_avg_sq
        m *= b1
        np.multiply(g, 1.0 - b1, out=scratch)
        m += scratch
        s *= b2
        np.multiply(g, g, out=scratch)
        scratch *= 1.0 - b2
        s += scratch
        np.divide(s, 1.0 - b2**t, out=scratch)
        np.sqrt(scratch, out=scratch)
        scratch += float(self.eps)
        np.divide(m, scratch, out=scratch)
        scratch *= eta / (1.0 - b1**t)
        w -= scratch

    def _kernel(self, kernels, w, g, state, eta, l2, bounds):
        b1, b2, t = float(self.beta_1), float(self.beta_2), state.t
        step = float(eta) / (1.0 - b1**t)
        scalars = _typed(w, b1, 1.0 - b1, b2, 1.0 - b2, 1.0 - b2**t, self.eps, step, l2)
        kernels.adam(w, g, state.exp_avg, state.exp_avg_sq, *scalars, bounds)

    def _generic(self, w, g, state, eta):
        b1, b2, t = float(self.beta_1), float(self.beta_2), state.t
        m, s = state.exp_avg, state.exp_avg_sq
        m *= b1
        m += (1.0 - b1) * g
        s *= b2
        s += (1.0 - b2) * (g * g)
        root = _namespace(s).sqrt(s / (1.0 - b2**t))
        w -= (eta / (1.0 - b1**t)) * (m / (root + float(self.eps)))
