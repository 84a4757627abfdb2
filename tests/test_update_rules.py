"""Every update rule of DESIGN.md against numbers worked out by hand.

All hand computations start from w = [0, 0] with eta = 0.1 and the
gradients g1 = [1, 2], then g2 = [3, -1]; decays are 0.5 (momentum, beta_1)
and 0.75 (rho, beta_2) so that the square roots come out simple. RMSprop
and Adam need eps > 0; 1e-12 moves their results by less than the 1e-7
relative tolerance.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skmomentum.solvers import GD, SGD, Adam, MiniBatchGD, Momentum, Nesterov, RMSprop

G1 = np.array([1.0, 2.0])
G2 = np.array([3.0, -1.0])


def two_steps(solver):
    """Iterates after the first and the second update, from w = 0."""
    w = np.zeros(2)
    state = solver.init_state(w)
    solver.update(w, G1, state)
    w1 = w.copy()
    solver.update(w, G2, state)
    assert state.t == 2
    return w1, w.copy()


@pytest.mark.parametrize("cls", [GD, MiniBatchGD, SGD])
def test_plain_gradient_step(cls):
    # w1 = 0 - 0.1 * [1, 2] = [-0.1, -0.2]
    # w2 = w1 - 0.1 * [3, -1] = [-0.4, -0.1]
    w1, w2 = two_steps(cls(learning_rate=0.1))
    assert_allclose(w1, [-0.1, -0.2])
    assert_allclose(w2, [-0.4, -0.1])


def test_momentum_classic():
    # v1 = [1, 2];                     w1 = -0.1 * v1 = [-0.1, -0.2]
    # v2 = 0.5 * [1, 2] + [3, -1] = [3.5, 0]
    # w2 = w1 - 0.1 * [3.5, 0] = [-0.45, -0.2]
    w1, w2 = two_steps(Momentum(learning_rate=0.1, momentum=0.5))
    assert_allclose(w1, [-0.1, -0.2])
    assert_allclose(w2, [-0.45, -0.2])


def test_momentum_ewma():
    # v1 = 0.5 * 0 + 0.5 * [1, 2] = [0.5, 1];   w1 = [-0.05, -0.1]
    # v2 = 0.5 * [0.5, 1] + 0.5 * [3, -1] = [1.75, 0]
    # w2 = w1 - 0.1 * [1.75, 0] = [-0.225, -0.1]
    w1, w2 = two_steps(Momentum(learning_rate=0.1, momentum=0.5, ewma=True))
    assert_allclose(w1, [-0.05, -0.1])
    assert_allclose(w2, [-0.225, -0.1])


def test_momentum_ewma_bias_correction():
    # t = 1: v1 = [0.5, 1], corrected v1 / (1 - 0.5) = [1, 2];  w1 = [-0.1, -0.2]
    # t = 2: v2 = [1.75, 0], corrected v2 / (1 - 0.25) = [7/3, 0]
    #        w2 = w1 - 0.1 * [7/3, 0] = [-0.1 - 0.7/3, -0.2]
    solver = Momentum(learning_rate=0.1, momentum=0.5, ewma=True, bias_correction=True)
    w1, w2 = two_steps(solver)
    assert_allclose(w1, [-0.1, -0.2])
    assert_allclose(w2, [-0.1 - 0.7 / 3, -0.2])


def test_nesterov():
    # v1 = [1, 2];  step = g1 + 0.5 * v1 = [1.5, 3];  w1 = [-0.15, -0.3]
    # v2 = 0.5 * [1, 2] + [3, -1] = [3.5, 0]
    # step = [3, -1] + 0.5 * [3.5, 0] = [4.75, -1];   w2 = [-0.625, -0.2]
    w1, w2 = two_steps(Nesterov(learning_rate=0.1, momentum=0.5))
    assert_allclose(w1, [-0.15, -0.3])
    assert_allclose(w2, [-0.625, -0.2])


def test_rmsprop():
    # s1 = 0.25 * [1, 4] = [0.25, 1];  sqrt = [0.5, 1]
    # w1 = -0.1 * [1 / 0.5, 2 / 1] = [-0.2, -0.2]
    # s2 = 0.75 * [0.25, 1] + 0.25 * [9, 1] = [2.4375, 1] = [39/16, 1]
    # w2 = w1 - 0.1 * [3 / sqrt(39/16), -1 / 1] = [-0.2 - 1.2 / sqrt(39), -0.1]
    w1, w2 = two_steps(RMSprop(learning_rate=0.1, rho=0.75, eps=1e-12))
    assert_allclose(w1, [-0.2, -0.2])
    assert_allclose(w2, [-0.2 - 1.2 / np.sqrt(39), -0.1])


def test_rmsprop_eps_is_added_outside_the_root():
    # s1 = 0.25 * 1 = 0.25;  step = 0.1 * 1 / (sqrt(0.25) + 1) = 0.1 / 1.5
    solver = RMSprop(learning_rate=0.1, rho=0.75, eps=1.0)
    w = np.zeros(1)
    solver.update(w, np.array([1.0]), solver.init_state(w))
    assert_allclose(w, [-0.1 / 1.5])


def test_adam():
    # t = 1: m1 = 0.5 * [1, 2] = [0.5, 1],   m_hat = m1 / 0.5 = [1, 2]
    #        s1 = 0.25 * [1, 4] = [0.25, 1], s_hat = s1 / 0.25 = [1, 4]
    #        w1 = -0.1 * [1 / 1, 2 / 2] = [-0.1, -0.1]
    # t = 2: m2 = 0.5 * [0.5, 1] + 0.5 * [3, -1] = [1.75, 0]
    #        m_hat = m2 / (1 - 0.25) = [7/3, 0]
    #        s2 = 0.75 * [0.25, 1] + 0.25 * [9, 1] = [39/16, 1]
    #        s_hat = s2 / (1 - 0.5625) = [39/7, 16/7]
    #        w2 = w1 - 0.1 * [(7/3) / sqrt(39/7), 0]
    w1, w2 = two_steps(Adam(learning_rate=0.1, beta_1=0.5, beta_2=0.75, eps=1e-12))
    assert_allclose(w1, [-0.1, -0.1])
    assert_allclose(w2, [-0.1 - 0.1 * (7 / 3) / np.sqrt(39 / 7), -0.1])


def test_adam_eps_is_added_to_the_corrected_root():
    # t = 1: m_hat = 1, s_hat = 1;  step = 0.1 * 1 / (1 + 1)
    solver = Adam(learning_rate=0.1, beta_1=0.5, beta_2=0.75, eps=1.0)
    w = np.zeros(1)
    solver.update(w, np.array([1.0]), solver.init_state(w))
    assert_allclose(w, [-0.05])


def test_update_leaves_the_gradient_unchanged():
    for solver in [GD(0.1), Momentum(0.1), Nesterov(0.1), RMSprop(0.1), Adam(0.1)]:
        w, g = np.zeros(2), G1.copy()
        solver.update(w, g, solver.init_state(w))
        assert_allclose(g, G1)


def test_bias_correction_needs_ewma():
    with pytest.raises(ValueError, match="ewma=True"):
        Momentum(bias_correction=True, ewma=False).validate()


@pytest.mark.parametrize(
    "solver",
    [
        Momentum(momentum=1.0),
        Momentum(momentum=-0.1),
        Nesterov(momentum=1.5),
        Momentum(learning_rate=-0.1),
        GD(learning_rate=-1.0),
        Adam(learning_rate=0.0),
        MiniBatchGD(batch_size=0),
        SGD(batch_size=0),
        Momentum(batch_size=0),
        RMSprop(rho=1.0),
        Adam(beta_2=1.0),
        RMSprop(eps=0.0),
        Adam(eps=0.0),
        Adam(eps=-1e-8),
    ],
    ids=repr,
)
def test_invalid_hyperparameters_raise(solver):
    with pytest.raises(ValueError):
        solver.validate()


@pytest.mark.parametrize("cls", [RMSprop, Adam])
def test_eps_zero_is_refused_naming_the_parameter(cls):
    # With eps=0 a parameter whose gradient has always been 0 would get 0 / 0.
    with pytest.raises(ValueError, match=r"'eps' parameter .* range \(0.0, inf\)"):
        cls(eps=0.0).validate()


def test_the_two_momentum_forms_coincide():
    # v_ewma = (1 - mu) v_classic at every step, so eta_ewma = eta / (1 - mu)
    # gives the same steps.
    mu, eta = 0.8, 0.05
    rng = np.random.RandomState(0)
    classic, ewma = Momentum(eta, mu), Momentum(eta / (1 - mu), mu, ewma=True)
    w_c, w_e = np.zeros(3), np.zeros(3)
    s_c, s_e = classic.init_state(w_c), ewma.init_state(w_e)
    for _ in range(10):
        g = rng.normal(size=3)
        classic.update(w_c, g, s_c)
        ewma.update(w_e, g, s_e)
        assert_allclose(w_e, w_c, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    "solver",
    [
        GD(0.1),
        MiniBatchGD(0.1),
        SGD(0.1),
        Momentum(0.1),
        Momentum(0.1, ewma=True, bias_correction=True),
        Nesterov(0.1),
        RMSprop(0.1),
        Adam(0.1),
    ],
    ids=repr,
)
def test_float32_stays_float32(solver):
    w = np.ones(4, dtype=np.float32)
    state = solver.init_state(w)
    for _ in range(3):
        solver.update(w, np.full(4, 0.5, dtype=np.float32), state)
    assert w.dtype == np.float32
    assert all(
        v.dtype == np.float32 for v in vars(state).values() if isinstance(v, np.ndarray)
    )


# Nesterov's look-ahead form and ours.
#
# The tutorial's look-ahead form keeps a velocity V (a step, in parameter
# units) and takes the gradient at the point the velocity is about to carry
# the weights to:
#
#     V_t = mu V_{t-1} + eta grad(W_{t-1} - mu V_{t-1}),    W_t = W_{t-1} - V_t.
#
# Rename the look-ahead point w_t = W_t - mu V_t and the velocity
# v_t = V_t / eta. Then v_t = mu v_{t-1} + g_t with g_t = grad(w_{t-1}), and
#
#     w_t = W_{t-1} - V_t - mu V_t
#         = (w_{t-1} + mu V_{t-1}) - (1 + mu) V_t
#         = w_{t-1} + eta mu v_{t-1} - eta (1 + mu)(mu v_{t-1} + g_t)
#         = w_{t-1} - eta g_t - eta mu (mu v_{t-1} + g_t)
#         = w_{t-1} - eta (g_t + mu v_t),
#
# which is the Nesterov row of DESIGN.md: the gradient is taken at the stored
# weights. Both start from V_0 = v_0 = 0, so w_0 = W_0.


def test_nesterov_is_the_look_ahead_form_at_the_look_ahead_point():
    A = np.array([[3.0, 1.0], [1.0, 20.0]])
    b = np.array([1.0, -2.0])

    def grad(w):
        return A @ w - b

    eta, mu = 0.02, 0.9
    W, V = np.array([-4.0, 2.0]), np.zeros(2)
    solver = Nesterov(learning_rate=eta, momentum=mu)
    w = W.copy()
    state = solver.init_state(w)
    for _ in range(20):
        V = mu * V + eta * grad(W - mu * V)
        W = W - V
        solver.update(w, grad(w), state)
        assert_allclose(w, W - mu * V, rtol=1e-12, atol=1e-12)
    # The two sequences differ by mu V: they are not the same iterates.
    assert not np.allclose(w, W)
