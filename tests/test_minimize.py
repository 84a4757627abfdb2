import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import OptimizeResult

from skmomentum._minimize import minimize
from skmomentum.solvers import GD, Adam, Genetic, Momentum, Nesterov

A = np.array([[2.0, 0.5], [0.5, 1.0]])


def quartic(x):
    """A smooth non-quadratic bowl with its minimum at 0."""
    return 0.25 * np.sum(x**4) + 0.5 * x @ A @ x


def quartic_grad(x):
    return x**3 + A @ x


def quartic_both(x):
    return quartic(x), quartic_grad(x)


X0 = np.array([1.5, -1.0])


# The path, step by step, against independent hand-written loops ----------


def gd_loop(x, eta, n):
    path = [x.copy()]
    for _ in range(n):
        x = x - eta * quartic_grad(x)
        path.append(x)
    return np.array(path)


def momentum_loop(x, eta, mu, n):
    path, v = [x.copy()], np.zeros_like(x)
    for _ in range(n):
        v = mu * v + quartic_grad(x)
        x = x - eta * v
        path.append(x)
    return np.array(path)


def adam_loop(x, eta, b1, b2, eps, n):
    path, m, s = [x.copy()], np.zeros_like(x), np.zeros_like(x)
    for t in range(1, n + 1):
        g = quartic_grad(x)
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g**2
        x = x - eta * (m / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)
        path.append(x)
    return np.array(path)


@pytest.mark.parametrize(
    "solver, expected",
    [
        (GD(learning_rate=0.1), gd_loop(X0, 0.1, 25)),
        (Momentum(learning_rate=0.05, momentum=0.8), momentum_loop(X0, 0.05, 0.8, 25)),
        (Adam(learning_rate=0.05), adam_loop(X0, 0.05, 0.9, 0.999, 1e-8, 25)),
    ],
    ids=["gd", "momentum", "adam"],
)
def test_path_matches_a_hand_written_loop(solver, expected):
    result = minimize(quartic, X0, jac=quartic_grad, solver=solver, max_iter=25, tol=0)
    assert isinstance(result, OptimizeResult)
    assert result.nit == 25 and result.path.shape == (26, 2)
    assert_allclose(result.path, expected, rtol=1e-12, atol=1e-14)
    assert_allclose(result.x, expected[-1])
    assert result.fun == pytest.approx(quartic(expected[-1]))
    assert_allclose(result.jac, quartic_grad(expected[-1]))
    assert not result.success and result.status == 1


def test_jac_true_callable_and_finite_differences_agree():
    kwargs = dict(solver=Nesterov(learning_rate=0.05, momentum=0.5), max_iter=40)
    by_pair = minimize(quartic_both, X0, jac=True, **kwargs)
    by_callable = minimize(quartic, X0, jac=quartic_grad, **kwargs)
    by_differences = minimize(quartic, X0, **kwargs)
    assert_allclose(by_pair.path, by_callable.path, rtol=1e-14)
    assert_allclose(by_differences.path, by_callable.path, atol=1e-7)
    assert by_pair.nit == by_callable.nit == by_differences.nit


def test_evaluation_counts():
    result = minimize(quartic, X0, jac=quartic_grad, max_iter=5, tol=0)
    # One evaluation per point: x0 and the 5 iterates.
    assert (result.nfev, result.njev) == (6, 6)
    result = minimize(quartic_both, X0, jac=True, max_iter=5, tol=0)
    assert (result.nfev, result.njev) == (6, 6)
    result = minimize(quartic, X0, max_iter=5, tol=0)
    # Finite differences: 1 + 2 n calls per point.
    assert (result.nfev, result.njev) == (6 * 5, 6)


def test_converges_with_success():
    result = minimize(quartic, X0, jac=quartic_grad, solver=GD(0.2), tol=1e-8)
    assert result.success and result.status == 0
    assert np.linalg.norm(result.jac) < 1e-8
    assert result.nit < 1000
    assert "tol" in result.message
    assert result.path.shape == (result.nit + 1, 2)


def test_max_iter_reached_is_not_success():
    result = minimize(quartic, X0, jac=quartic_grad, max_iter=3)
    assert not result.success and result.status == 1
    assert "Maximum number of iterations (3)" in result.message
    result = minimize(quartic, X0, jac=quartic_grad, max_iter=0)
    assert result.nit == 0 and result.path.shape == (1, 2) and not result.success


def test_already_at_the_minimum():
    result = minimize(quartic, np.zeros(2), jac=quartic_grad)
    assert result.success and result.nit == 0


def test_callback_sees_every_iterate_and_can_stop():
    seen = []

    def callback(intermediate_result):
        assert isinstance(intermediate_result, OptimizeResult)
        seen.append((intermediate_result.x, intermediate_result.fun))
        if len(seen) == 3:
            raise StopIteration

    result = minimize(quartic, X0, jac=quartic_grad, callback=callback)
    assert result.nit == 3 and result.path.shape == (4, 2)
    assert not result.success and result.status == 99
    assert "StopIteration" in result.message
    for (x, fun), point in zip(seen, result.path[1:]):
        assert_allclose(x, point)
        assert fun == pytest.approx(quartic(point))


def test_callback_copies_are_independent_of_the_run():
    xs = []
    minimize(
        quartic, X0, jac=quartic_grad, max_iter=3, callback=lambda r: xs.append(r.x)
    )
    assert len({tuple(x) for x in xs}) == 3


def test_inputs_are_not_modified():
    x0 = X0.copy()
    solver = Momentum(learning_rate=0.05)
    params = solver.get_params()
    result = minimize(quartic, x0, jac=quartic_grad, solver=solver, max_iter=5)
    assert_allclose(x0, X0)
    assert solver.get_params() == params
    assert result.x is not x0


def test_fun_may_modify_its_argument():
    def destructive(x):
        value = quartic(x)
        x[:] = 1e6
        return value

    result = minimize(destructive, X0, jac=quartic_grad, max_iter=5, tol=0)
    assert_allclose(result.path, gd_loop(X0, GD().learning_rate, 5))


def test_works_in_float64_on_lists_scalars_and_float32():
    result = minimize(quartic, [1.5, -1.0], jac=quartic_grad, max_iter=2)
    assert result.x.dtype == np.float64
    result = minimize(quartic, X0.astype(np.float32), jac=quartic_grad, max_iter=2)
    assert result.x.dtype == np.float64 and result.path.dtype == np.float64
    result = minimize(lambda x: (x[0] - 3) ** 2, 0.0, solver=GD(0.25))
    assert result.x.shape == (1,)
    assert result.x[0] == pytest.approx(3.0, abs=1e-6)


def test_solver_aliases():
    for alias in ["gd", "minibatch", "sgd", "momentum", "nesterov", "rmsprop", "adam"]:
        result = minimize(quartic, X0, jac=quartic_grad, solver=alias, max_iter=3)
        assert result.nit == 3
    with pytest.raises(ValueError, match="Unknown solver"):
        minimize(quartic, X0, solver="bfgs")
    with pytest.raises(ValueError, match="momentum"):
        minimize(quartic, X0, solver=Momentum(momentum=1.0))


def test_gradient_free_solver_only_asks_for_values():
    def no_gradient(x):
        raise AssertionError("a gradient-free solver must not ask for gradients")

    result = minimize(
        quartic,
        X0,
        jac=no_gradient,
        solver=Genetic(population_size=10, mutation_scale=0.3),
        max_iter=30,
        random_state=0,
    )
    assert result.jac is None and result.njev == 0
    assert result.path.shape == (31, 2)
    assert result.fun < quartic(X0)
    assert result.status == 1 and "gradient-free" in result.message


# Bad input ------------------------------------------------------------------


def test_fun_must_be_callable():
    with pytest.raises(TypeError, match="fun must be callable"):
        minimize(3.0, X0)


@pytest.mark.parametrize(
    "x0, match",
    [
        ([1.0, np.nan], "NaN or infinity"),
        ([np.inf], "NaN or infinity"),
        (np.zeros((2, 2)), "1-D"),
        ([], "empty"),
        (["a", "b"], "real numbers"),
    ],
)
def test_bad_x0(x0, match):
    with pytest.raises(ValueError, match=match):
        minimize(quartic, x0)


def test_jac_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"shape \(3,\), expected \(2,\)"):
        minimize(quartic, X0, jac=lambda x: np.zeros(3))
    with pytest.raises(ValueError, match=r"shape \(2, 1\), expected \(2,\)"):
        minimize(lambda x: (quartic(x), np.zeros((2, 1))), X0, jac=True)


def test_fun_must_return_a_scalar_or_a_pair():
    with pytest.raises(ValueError, match="scalar"):
        minimize(lambda x: x, X0)
    with pytest.raises(ValueError, match="pair"):
        minimize(quartic, X0, jac=True)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"jac": "2-point"}, TypeError),
        ({"max_iter": -1}, ValueError),
        ({"max_iter": 2.5}, TypeError),
        ({"tol": -1.0}, ValueError),
        ({"callback": 3}, TypeError),
    ],
)
def test_bad_options(kwargs, error):
    with pytest.raises(error):
        minimize(quartic, X0, **kwargs)


def test_not_finite_at_x0_raises():
    with pytest.raises(ValueError, match="not finite at x0"):
        minimize(lambda x: np.log(x[0] - 2) if x[0] > 2 else np.nan, X0)


def test_divergence_stops_with_a_clear_message():
    def ravine(x):
        with np.errstate(over="ignore", invalid="ignore"):
            return 0.5 * (x[0] ** 2 + 50 * x[1] ** 2), np.array([x[0], 50 * x[1]])

    result = minimize(ravine, [-10.0, 1.0], jac=True, solver=GD(0.1), max_iter=5000)
    assert not result.success and result.status == 2
    assert "learning rate 0.1" in result.message and "diverged" in result.message
    assert not np.isfinite(result.fun)
    assert result.path.shape == (result.nit + 1, 2)
    assert result.nit < 5000


# The tutorial's ravine -------------------------------------------------------


def ravine(x):
    with np.errstate(over="ignore", invalid="ignore"):
        return 0.5 * (x[0] ** 2 + 50 * x[1] ** 2), np.array([x[0], 50 * x[1]])


def iterations_to_target(solver, max_iter=2000):
    def stop(intermediate_result):
        if intermediate_result.fun < 1e-6:
            raise StopIteration

    result = minimize(
        ravine,
        [-10.0, 1.0],
        jac=True,
        solver=solver,
        max_iter=max_iter,
        tol=0,
        callback=stop,
    )
    return result.nit if result.fun < 1e-6 else np.inf


def best(make, learning_rates):
    return min(iterations_to_target(make(lr)) for lr in learning_rates)


def test_momentum_crosses_the_ravine_several_times_faster_than_gd():
    # Small grids around each solver's best rate (benchmarks/ravine.py runs
    # the full search). GD must keep eta < 2/50 to stay stable across the
    # valley. Both momentum solvers need their decay tuned too: at mu = 0.9
    # the velocity decays too slowly and the iterates spiral around the
    # minimum; 0.6 is near the ideal heavy-ball value for condition number 50.
    gd = best(GD, [0.02, 0.03, 0.035, 0.038])
    momentum = best(lambda lr: Momentum(lr, momentum=0.6), [0.03, 0.05, 0.056])
    nesterov = best(lambda lr: Nesterov(lr, momentum=0.8), [0.016, 0.02, 0.025])
    assert np.isfinite(gd) and gd > 200
    assert 3 * momentum <= gd
    assert 3 * nesterov <= gd
