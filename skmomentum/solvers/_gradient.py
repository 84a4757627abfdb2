"""First-order solvers, one class per update rule of DESIGN.md.

Each update works in place on one flat parameter vector with a preallocated
scratch buffer, so a step is a handful of vectorised operations and no new
arrays.
"""

import numpy as np

from ._base import (
    _BATCH_SIZE,
    _DECAY,
    _LEARNING_RATE,
    _NONNEGATIVE,
    GradientSolver,
    SolverState,
)


class _PlainGradientStep(GradientSolver):
    def init_state(self, params, random_state=None):
        return SolverState(scratch=np.empty_like(params))

    def _apply(self, params, grad, state, eta):
        np.multiply(grad, eta, out=state.scratch)
        params -= state.scratch


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


class Momentum(GradientSolver):
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

    def init_state(self, params, random_state=None):
        return SolverState(
            velocity=np.zeros_like(params), scratch=np.empty_like(params)
        )

    def _apply(self, params, grad, state, eta):
        mu, v, scratch = self.momentum, state.velocity, state.scratch
        v *= mu
        if self.ewma:
            np.multiply(grad, 1.0 - mu, out=scratch)
            v += scratch
            if self.bias_correction:
                eta = eta / (1.0 - mu**state.t)
        else:
            v += grad
        np.multiply(v, eta, out=scratch)
        params -= scratch


class Nesterov(GradientSolver):
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

    def init_state(self, params, random_state=None):
        return SolverState(
            velocity=np.zeros_like(params), scratch=np.empty_like(params)
        )

    def _apply(self, params, grad, state, eta):
        mu, v, scratch = self.momentum, state.velocity, state.scratch
        v *= mu
        v += grad
        np.multiply(v, mu, out=scratch)
        scratch += grad
        scratch *= eta
        params -= scratch


class RMSprop(GradientSolver):
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
        Added to the root mean square to avoid division by zero (>= 0).
    batch_size : int or "auto", default="auto"
        Samples per update; ``"auto"`` means ``min(200, n_samples)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import RMSprop
    >>> solver = RMSprop(learning_rate=0.1, rho=0.75, eps=0.0)
    >>> w = np.array([1.0])
    >>> state = solver.init_state(w)
    >>> solver.update(w, np.array([2.0]), state)  # s = 1, step 0.1 * 2 / 1
    >>> w
    array([0.8])
    """

    _parameter_constraints = {
        "learning_rate": _LEARNING_RATE,
        "rho": [_DECAY],
        "eps": [_NONNEGATIVE],
        "batch_size": _BATCH_SIZE,
    }

    def __init__(self, learning_rate=0.001, rho=0.9, eps=1e-8, batch_size="auto"):
        self.learning_rate = learning_rate
        self.rho = rho
        self.eps = eps
        self.batch_size = batch_size

    def init_state(self, params, random_state=None):
        return SolverState(
            square_avg=np.zeros_like(params), scratch=np.empty_like(params)
        )

    def _apply(self, params, grad, state, eta):
        rho, s, scratch = self.rho, state.square_avg, state.scratch
        np.multiply(grad, grad, out=scratch)
        scratch *= 1.0 - rho
        s *= rho
        s += scratch
        np.sqrt(s, out=scratch)
        scratch += self.eps
        np.divide(grad, scratch, out=scratch)
        scratch *= eta
        params -= scratch


class Adam(GradientSolver):
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
        Added to the root mean square to avoid division by zero (>= 0).
    batch_size : int or "auto", default="auto"
        Samples per update; ``"auto"`` means ``min(200, n_samples)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import Adam
    >>> solver = Adam(learning_rate=0.1, eps=0.0)
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
        "eps": [_NONNEGATIVE],
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

    def init_state(self, params, random_state=None):
        return SolverState(
            exp_avg=np.zeros_like(params),
            exp_avg_sq=np.zeros_like(params),
            scratch=np.empty_like(params),
        )

    def _apply(self, params, grad, state, eta):
        b1, b2, t = self.beta_1, self.beta_2, state.t
        m, s, scratch = state.exp_avg, state.exp_avg_sq, state.scratch
        m *= b1
        np.multiply(grad, 1.0 - b1, out=scratch)
        m += scratch
        s *= b2
        np.multiply(grad, grad, out=scratch)
        scratch *= 1.0 - b2
        s += scratch
        np.divide(s, 1.0 - b2**t, out=scratch)
        np.sqrt(scratch, out=scratch)
        scratch += self.eps
        np.divide(m, scratch, out=scratch)
        scratch *= eta / (1.0 - b1**t)
        params -= scratch
