import numpy as np
import pytest
from numpy.testing import assert_allclose

from skmomentum._ewma import ewma
from skmomentum.solvers import Momentum


def loop_ewma(x, beta, bias_correction=False):
    v, out = 0.0, []
    for t, value in enumerate(x, start=1):
        v = beta * v + (1 - beta) * value
        out.append(v / (1 - beta**t) if bias_correction else v)
    return np.array(out)


def test_hand_values():
    # v1 = 0.5 * 2 = 1; v2 = 0.5 * 1 + 0.5 * 4 = 2.5; v3 = 0.5 * 2.5 + 0 = 1.25
    assert_allclose(ewma([2.0, 4.0, 0.0], beta=0.5), [1.0, 2.5, 1.25])
    # Corrected: 1 / 0.5 = 2; 2.5 / 0.75 = 10/3; 1.25 / 0.875 = 10/7
    assert_allclose(
        ewma([2.0, 4.0, 0.0], beta=0.5, bias_correction=True), [2.0, 10 / 3, 10 / 7]
    )


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98])
@pytest.mark.parametrize("bias_correction", [False, True])
def test_matches_the_recursion(beta, bias_correction):
    # The tutorial's figure: a noisy cosine smoothed at several betas.
    rng = np.random.RandomState(0)
    x = np.cos(np.linspace(0, 6, 200)) + rng.normal(scale=0.3, size=200)
    assert_allclose(
        ewma(x, beta, bias_correction), loop_ewma(x, beta, bias_correction), atol=1e-12
    )


def test_bias_correction_of_a_constant_is_the_constant():
    assert_allclose(ewma(np.full(50, 3.0), beta=0.98, bias_correction=True), 3.0)
    assert ewma(np.full(50, 3.0), beta=0.98)[0] == pytest.approx(0.06)


def test_beta_zero_returns_the_values():
    assert_allclose(ewma([1, -2, 5], beta=0.0), [1, -2, 5])


def test_two_dimensional_input_is_averaged_column_by_column():
    rng = np.random.RandomState(1)
    x = rng.normal(size=(30, 3))
    out = ewma(x, beta=0.8, bias_correction=True)
    assert out.shape == (30, 3)
    for j in range(3):
        assert_allclose(out[:, j], loop_ewma(x[:, j], 0.8, True), atol=1e-12)


def test_returns_float64_of_the_same_length_and_leaves_input_alone():
    x = np.arange(5, dtype=np.float32)
    out = ewma(x)
    assert out.dtype == np.float64 and out.shape == (5,)
    assert_allclose(x, np.arange(5))
    assert ewma([]).shape == (0,)


def test_is_the_velocity_of_ewma_momentum():
    rng = np.random.RandomState(2)
    grads = rng.normal(size=(6, 2))
    solver = Momentum(learning_rate=0.1, momentum=0.7, ewma=True)
    w = np.zeros(2)
    state = solver.init_state(w)
    for g in grads:
        solver.update(w, g, state)
    assert_allclose(state.velocity, ewma(grads, beta=0.7)[-1])


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5, "0.9", None, True])
def test_invalid_beta(beta):
    with pytest.raises(ValueError, match="beta"):
        ewma([1.0, 2.0], beta=beta)


def test_invalid_values():
    with pytest.raises(ValueError, match="NaN or infinity"):
        ewma([1.0, np.nan])
    with pytest.raises(ValueError, match="1-D"):
        ewma(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="1-D"):
        ewma(3.0)
    with pytest.raises(ValueError, match="numbers"):
        ewma(["a", "b"])
