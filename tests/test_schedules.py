import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone

from skmomentum.schedules import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    InverseScaling,
    StepDecay,
)
from skmomentum.solvers import GD, Momentum


def rates(schedule, n):
    return np.array([schedule(t) for t in range(n)])


def test_constant():
    assert_allclose(rates(Constant(0.3), 5), 0.3)


def test_inverse_scaling_is_sklearns_formula_on_updates():
    # sklearn's invscaling: eta / t**power_t with t counting from 1.
    assert_allclose(
        rates(InverseScaling(0.1, power_t=0.5), 4), 0.1 / np.sqrt([1, 2, 3, 4])
    )
    assert_allclose(rates(InverseScaling(0.1, power_t=0.0), 3), 0.1)
    assert InverseScaling(1.0, power_t=1.0)(9) == pytest.approx(0.1)


def test_exponential_decay():
    schedule = ExponentialDecay(2.0, decay_rate=0.5, decay_steps=2)
    assert_allclose(rates(schedule, 5), 2.0 * 0.5 ** (np.arange(5) / 2))
    assert_allclose(rates(ExponentialDecay(1.0, 0.9), 3), [1.0, 0.9, 0.81])


def test_step_decay():
    assert_allclose(
        rates(StepDecay(1.0, step_size=3, gamma=0.1), 7),
        [1, 1, 1, 0.1, 0.1, 0.1, 0.01],
    )


def test_cosine_decay_without_warmup():
    schedule = CosineDecay(1.0, decay_steps=4, alpha=0.2)
    expected = [0.2 + 0.8 * 0.5 * (1 + math.cos(math.pi * k / 4)) for k in range(5)]
    assert_allclose(rates(schedule, 5), expected)
    # After decay_steps the rate stays at alpha * learning_rate.
    assert schedule(100) == pytest.approx(0.2)


def test_cosine_decay_warmup_rises_linearly_to_the_peak():
    schedule = CosineDecay(0.4, decay_steps=10, warmup_steps=3)
    assert_allclose(rates(schedule, 4), [0.1, 0.2, 0.3, 0.4])
    assert schedule(4) < 0.4
    assert schedule(13) == pytest.approx(0.0)


@pytest.mark.parametrize(
    "schedule, name",
    [
        (Constant(-0.1), "learning_rate"),
        (Constant(0.0), "learning_rate"),
        (InverseScaling(0.1, power_t=-1), "power_t"),
        (ExponentialDecay(0.1, decay_rate=0.0), "decay_rate"),
        (ExponentialDecay(0.1, decay_rate=1.5), "decay_rate"),
        (ExponentialDecay(0.1, decay_rate=0.9, decay_steps=0), "decay_steps"),
        (StepDecay(0.1, step_size=0), "step_size"),
        (StepDecay(0.1, step_size=2.5), "step_size"),
        (StepDecay(0.1, step_size=2, gamma=0.0), "gamma"),
        (CosineDecay(0.1, decay_steps=0), "decay_steps"),
        (CosineDecay(0.1, decay_steps=10, alpha=1.5), "alpha"),
        (CosineDecay(0.1, decay_steps=10, warmup_steps=-1), "warmup_steps"),
    ],
    ids=repr,
)
def test_invalid_hyperparameters_raise_on_validate_and_first_call(schedule, name):
    with pytest.raises(ValueError, match=name):
        schedule.validate()
    with pytest.raises(ValueError, match=name):
        schedule(0)


def test_changed_hyperparameters_are_validated_again():
    schedule = StepDecay(0.1, step_size=2)
    assert schedule(0) == 0.1
    schedule.set_params(gamma=2.0)
    with pytest.raises(ValueError, match="gamma"):
        schedule(0)


def test_negative_step_count_raises():
    with pytest.raises(ValueError, match="step"):
        Constant(0.1)(-1)


def test_params_and_clone():
    schedule = CosineDecay(0.1, decay_steps=100, warmup_steps=5)
    assert schedule.get_params() == {
        "learning_rate": 0.1,
        "decay_steps": 100,
        "alpha": 0.0,
        "warmup_steps": 5,
    }
    copy = clone(schedule)
    assert copy is not schedule
    assert copy.get_params() == schedule.get_params()
    assert (
        repr(schedule)
        == "CosineDecay(decay_steps=100, learning_rate=0.1, warmup_steps=5)"
    )


def test_nested_parameters_through_a_solver():
    solver = Momentum(learning_rate=StepDecay(0.1, step_size=10))
    assert solver.get_params()["learning_rate__gamma"] == 0.1
    solver.set_params(learning_rate__gamma=0.5)
    assert solver.learning_rate.gamma == 0.5
    copy = clone(solver, safe=False)
    assert copy.learning_rate is not solver.learning_rate
    assert copy.learning_rate.get_params() == solver.learning_rate.get_params()


def test_nested_parameters_through_the_estimator():
    from skmomentum._classifier import MLPMomentumClassifier

    clf = MLPMomentumClassifier(solver=Momentum(learning_rate=StepDecay(0.1, 10)))
    clf.set_params(solver__learning_rate__gamma=0.5)
    assert clone(clf).get_params()["solver__learning_rate__gamma"] == 0.5


def test_solver_calls_the_schedule_with_the_number_of_updates_made():
    # Rates 1, 0.5, 0.25 for t = 0, 1, 2; gradient 1: w = -1, -1.5, -1.75.
    solver = GD(learning_rate=StepDecay(1.0, step_size=1, gamma=0.5))
    w = np.zeros(1)
    state = solver.init_state(w)
    for expected in (-1.0, -1.5, -1.75):
        solver.update(w, np.ones(1), state)
        assert w[0] == pytest.approx(expected)


def test_lr_scale_multiplies_the_schedule():
    solver = GD(learning_rate=Constant(1.0))
    w = np.zeros(1)
    state = solver.init_state(w)
    state.lr_scale = 0.1
    solver.update(w, np.ones(1), state)
    assert w[0] == pytest.approx(-0.1)


@pytest.mark.parametrize("bad_rate", [-0.1, float("nan"), float("inf")])
def test_a_user_schedule_returning_a_bad_rate_raises(bad_rate):
    solver = GD(learning_rate=lambda t: 0.1 if t < 2 else bad_rate)
    solver.validate()
    w = np.zeros(1)
    state = solver.init_state(w)
    solver.update(w, np.ones(1), state)
    solver.update(w, np.ones(1), state)
    with pytest.raises(ValueError, match="finite, non-negative"):
        solver.update(w, np.ones(1), state)


@pytest.mark.parametrize(
    "bad_rate", ["0.1", None, np.array([0.1, 0.2]), True, 10**400, 1 + 2j]
)
def test_a_user_schedule_returning_a_non_number_names_the_schedule(bad_rate):
    def my_schedule(t):
        return bad_rate

    solver = GD(learning_rate=my_schedule)
    w = np.zeros(1)
    with pytest.raises(ValueError, match=r"my_schedule returned .* at step 0"):
        solver.update(w, np.ones(1), solver.init_state(w))
    assert w[0] == 0.0


def test_numpy_scalars_are_valid_rates():
    solver = GD(learning_rate=lambda t: np.float32(0.5))
    w = np.zeros(1)
    solver.update(w, np.ones(1), solver.init_state(w))
    assert w[0] == pytest.approx(-0.5)


def test_extreme_power_t_gives_a_float_promptly():
    # An exact integer power would take forever (10**30) or overflow (400).
    huge = InverseScaling(0.1, power_t=10**30)
    assert huge(0) == 0.1
    assert huge(1) == 0.0
    steep = InverseScaling(0.1, power_t=400)
    assert steep(1) == pytest.approx(0.1 / 2.0**400, rel=1e-9, abs=0)
    assert steep(10**6) == 0.0
    expected = 1e300 / 1001.0**60 / 1001.0**60
    rate = InverseScaling(1e300, power_t=120)(1000)
    assert rate == pytest.approx(expected, rel=1e-9, abs=0)


@pytest.mark.parametrize(
    "schedule",
    [
        InverseScaling(0.1, power_t=10**400),
        Constant(10**400),
        StepDecay(10**400, step_size=2),
    ],
    ids=repr,
)
def test_hyperparameters_beyond_float_range_are_errors(schedule):
    with pytest.raises(ValueError, match="must be a finite float"):
        schedule.validate()


def test_schedules_are_validated_when_the_fit_starts():
    from sklearn.datasets import make_classification

    from skmomentum import MLPMomentumClassifier

    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(3,),
        solver=Momentum(learning_rate=StepDecay(0.1, step_size=0)),
        max_iter=2,
    )
    with pytest.raises(ValueError, match="step_size"):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")
