"""The genetic-algorithm solver (issue 8) and the population evaluation it uses."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmomentum import MLPMomentumClassifier
from skmomentum._minimize import minimize
from skmomentum._network import NetworkObjective, init_params, n_params
from skmomentum.solvers import GD, SOLVER_ALIASES, Genetic, resolve_solver
from skmomentum.solvers._genetic import crossover, mutate, tournament_select


class Sphere:
    """``||x - 1||**2`` with call counters; refuses to give gradients."""

    def __init__(self):
        self.n_loss = 0

    def loss(self, x):
        self.n_loss += 1
        return float(np.sum((x - 1.0) ** 2))

    def loss_and_grad(self, x):
        raise AssertionError("a gradient-free solver asked for a gradient")


class BatchSphere(Sphere):
    def __init__(self):
        super().__init__()
        self.n_losses = 0

    def losses(self, population):
        self.n_losses += 1
        return np.sum((population - 1.0) ** 2, axis=1)


def _network_objective(
    rng, *, dtype=np.float64, activation="tanh", loss="log_loss", n_out=3, alpha=0.1
):
    units = [4, 5, 3, n_out]
    n = 30
    X = rng.randn(n, 4).astype(dtype)
    if n_out > 1:
        Y = np.eye(n_out)[rng.randint(n_out, size=n)]
        out = "softmax"
    else:
        Y = rng.randint(2, size=(n, 1)).astype(float)
        out = "logistic"
    objective = NetworkObjective(units, activation, out, loss, alpha, dtype, n)
    return objective, X, Y.astype(dtype), units


# --- hyperparameters -------------------------------------------------------


def test_alias_and_registration():
    assert SOLVER_ALIASES["genetic"] is Genetic
    solver = resolve_solver("genetic")
    assert isinstance(solver, Genetic)
    assert solver.get_params() == Genetic().get_params()


@pytest.mark.parametrize(
    "params",
    [
        {"population_size": 1},
        {"population_size": 2.5},
        {"mutation_rate": 1.5},
        {"mutation_scale": 0.0},
        {"mutation_decay": 0.0},
        {"mutation_decay": 1.1},
        {"crossover": "one-point"},
        {"crossover_rate": -0.1},
        {"tournament_size": 0},
        {"n_elite": -1},
        {"init_scale": 0.0},
        {"batch_size": 0},
    ],
)
def test_invalid_hyperparameters_name_the_parameter(params):
    name = next(iter(params))
    with pytest.raises(InvalidParameterError, match=name):
        Genetic(**params).validate()


def test_inconsistent_hyperparameters():
    with pytest.raises(ValueError, match="n_elite=5"):
        Genetic(population_size=5, n_elite=5).validate()
    with pytest.raises(ValueError, match="tournament_size=6"):
        Genetic(population_size=5, tournament_size=6).validate()
    Genetic(population_size=5, n_elite=4, tournament_size=5).validate()


def test_clone_and_nested_params_leave_the_object_alone():
    solver = Genetic(population_size=7, crossover="blend")
    copy = clone(solver, safe=False)
    assert copy is not solver and copy.get_params() == solver.get_params()
    before = solver.get_params()
    params = np.zeros(3)
    state = solver.init_state(params, np.random.RandomState(0))
    solver.step(params, state, Sphere())
    assert solver.get_params() == before
    assert repr(solver) == "Genetic(crossover='blend', population_size=7)"


def test_resolve_batch_size():
    assert Genetic().resolve_batch_size(1234) == 1234
    assert Genetic(batch_size=100).resolve_batch_size(1234) == 100
    assert Genetic(batch_size=100).resolve_batch_size(50) == 50


def test_mutation_scale_decays_per_generation():
    solver = Genetic(mutation_scale=2.0, mutation_decay=0.5)
    params = np.zeros(2)
    state = solver.init_state(params, np.random.RandomState(0))
    assert solver.mutation_scale_at(state) == 2.0
    for _ in range(3):
        solver.step(params, state, Sphere())
    assert state.t == 3
    assert solver.mutation_scale_at(state) == 0.25


# --- state and steps -------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_init_state_population_around_params(dtype):
    params = np.arange(4, dtype=dtype)
    solver = Genetic(population_size=6, init_scale=0.5)
    state = solver.init_state(params, np.random.RandomState(0))
    assert state.t == 0
    assert state.population.shape == (6, 4)
    assert state.population.dtype == dtype
    np.testing.assert_array_equal(state.population[0], params)
    spread = state.population[1:] - params
    assert 0.2 < spread.std() < 1.0
    # None and ints are accepted like scikit-learn's random_state.
    assert solver.init_state(params).population.shape == (6, 4)
    np.testing.assert_array_equal(
        solver.init_state(params, 3).population,
        solver.init_state(params, np.random.RandomState(3)).population,
    )


def test_step_keeps_best_in_place_and_returns_its_loss():
    solver = Genetic(
        population_size=12, mutation_rate=0.5, mutation_scale=1.0, mutation_decay=0.9
    )
    params = np.array([3.0, -2.0, 0.5])
    buffer = params  # the very same array must be updated
    state = solver.init_state(params, np.random.RandomState(0))
    objective = Sphere()
    start = objective.loss(params)
    losses = []
    for _ in range(30):
        losses.append(solver.step(params, state, objective))
        assert losses[-1] == objective.loss(params)
    assert buffer is params
    assert state.t == 30
    assert losses[0] <= start  # the starting point is in the first generation
    # Elitism on a fixed objective: the best loss never goes up.
    assert np.all(np.diff(losses) <= 0)
    assert losses[-1] < 0.1 * start


def test_uses_batched_losses_when_available():
    solver = Genetic(population_size=8)
    params = np.zeros(3)
    objective = BatchSphere()
    state = solver.init_state(params, np.random.RandomState(0))
    for _ in range(5):
        solver.step(params, state, objective)
    assert objective.n_losses == 5
    assert objective.n_loss == 0
    # Without ``losses``, one ``loss`` call per member and generation.
    objective = Sphere()
    state = solver.init_state(np.zeros(3), np.random.RandomState(0))
    for _ in range(5):
        solver.step(np.zeros(3), state, objective)
    assert objective.n_loss == 5 * 8


def test_reproducible_under_the_same_random_state():
    def run(seed, **kwargs):
        solver = Genetic(population_size=10, **kwargs)
        params = np.array([2.0, -1.0, 4.0])
        state = solver.init_state(params, np.random.RandomState(seed))
        curve = [solver.step(params, state, Sphere()) for _ in range(15)]
        return params, curve

    p1, c1 = run(0)
    p2, c2 = run(0)
    np.testing.assert_array_equal(p1, p2)
    assert c1 == c2
    p3, _ = run(1)
    assert not np.array_equal(p1, p3)
    for kind in ("blend", "uniform"):
        assert run(0, crossover=kind)[1] == run(0, crossover=kind)[1]


def test_non_finite_losses_lose_every_tournament():
    class Cliff:
        def loss(self, x):
            return np.nan if x[0] > 0 else float(x @ x)

    solver = Genetic(population_size=10)
    params = np.array([-0.5, 0.5])
    state = solver.init_state(params, np.random.RandomState(0))
    for _ in range(10):
        loss = solver.step(params, state, Cliff())
        assert np.isfinite(loss) and params[0] <= 0


@pytest.mark.parametrize("n_elite", [0, 1, 3])
@pytest.mark.parametrize("crossover_kind", ["blend", "uniform"])
def test_variants_converge_on_a_sphere(n_elite, crossover_kind):
    solver = Genetic(
        population_size=20,
        n_elite=n_elite,
        crossover=crossover_kind,
        mutation_scale=0.5,
        mutation_decay=0.97,
    )
    params = np.array([3.0, -2.0, 0.0])
    state = solver.init_state(params, np.random.RandomState(0))
    for _ in range(80):
        loss = solver.step(params, state, Sphere())
    assert loss < 0.05


def test_operators():
    rng = np.random.RandomState(0)
    fitness = np.array([3.0, 0.0, 2.0, 1.0])
    winners = tournament_select(fitness, 1000, 4, rng)
    assert np.bincount(winners, minlength=4).argmax() == 1
    # Tournaments of one pick uniformly.
    assert len(np.unique(tournament_select(fitness, 100, 1, rng))) == 4

    mothers, fathers = np.zeros((50, 6)), np.ones((50, 6))
    uniform = crossover(mothers, fathers, "uniform", 1.0, rng)
    assert set(np.unique(uniform)) == {0.0, 1.0}
    blend = crossover(mothers, fathers, "blend", 1.0, rng)
    assert blend.min() >= -0.5 and blend.max() <= 1.5
    assert blend.min() < 0 and blend.max() > 1  # it explores beyond the parents
    np.testing.assert_array_equal(crossover(mothers, fathers, "blend", 0.0, rng), 0)

    children = np.zeros((200, 50))
    mutate(children, 0.1, 1.0, rng)
    assert 0.07 < np.mean(children != 0) < 0.13
    assert mutate(np.zeros((3, 3)), 0.0, 1.0, rng).sum() == 0


# --- NetworkObjective.losses -----------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize(
    "loss, n_out", [("log_loss", 3), ("log_loss", 1), ("squared_error", 3)]
)
def test_network_losses_match_loss_per_row(dtype, activation, loss, n_out):
    rng = np.random.RandomState(0)
    objective, X, Y, units = _network_objective(
        rng, dtype=dtype, activation=activation, loss=loss, n_out=n_out
    )
    population = rng.randn(7, n_params(units)).astype(dtype)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    for Xb, sw in [(X, None), (X, rng.rand(len(X))), (sp.csr_matrix(X), None)]:
        objective.set_batch(Xb, Y, sw)
        before = population.copy()
        batched = objective.losses(population)
        one_by_one = [objective.loss(row) for row in population]
        assert batched.shape == (7,)
        np.testing.assert_allclose(batched, one_by_one, rtol=rtol)
        np.testing.assert_array_equal(population, before)


def test_network_losses_in_chunks(monkeypatch):
    rng = np.random.RandomState(0)
    objective, X, Y, units = _network_objective(rng)
    objective.set_batch(X, Y)
    population = rng.randn(9, n_params(units))
    expected = objective.losses(population)
    # Room for two candidates' activations at a time: five chunks.
    monkeypatch.setattr(NetworkObjective, "_LOSSES_MAX_ELEMENTS", 2 * 30 * 11)
    np.testing.assert_allclose(objective.losses(population), expected, rtol=1e-12)
    np.testing.assert_allclose(
        objective.losses(population[:1]), [objective.loss(population[0])]
    )


def test_genetic_trains_a_network_objective():
    rng = np.random.RandomState(0)
    objective, X, Y, units = _network_objective(rng, alpha=1e-4)
    objective.set_batch(X, Y)
    params = init_params(units, "tanh", np.float64, rng)
    start = objective.loss(params)
    solver = Genetic(population_size=20)
    state = solver.init_state(params, rng)
    for _ in range(40):
        loss = solver.step(params, state, objective)
    assert loss < 0.8 * start
    assert loss == pytest.approx(objective.loss(params))


def test_params_changed_between_steps_join_the_population():
    solver = Genetic(population_size=6, n_elite=1)
    params = np.array([5.0, 5.0])
    state = solver.init_state(params, np.random.RandomState(0))
    solver.step(params, state, Sphere())
    params[...] = 1.0  # e.g. weights restored by the caller: the optimum
    assert solver.step(params, state, Sphere()) == 0.0
    np.testing.assert_array_equal(params, 1.0)


# --- the estimator ---------------------------------------------------------

# No expected failures. The one a GA could be suspected of,
# check_sample_weight_equivalence_on_dense_data (weight 2 vs a repeated row),
# passes: the fitness is the full-batch weighted mean loss, identical for both
# data sets, and the solver seeds its own generator with one draw at
# init_state, so its random numbers do not depend on n_samples.
SMALL_GENETIC = MLPMomentumClassifier(
    solver=Genetic(population_size=20),
    hidden_layer_sizes=(5,),
    max_iter=50,
    random_state=0,
)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([SMALL_GENETIC])
def test_sklearn_compatible_with_genetic(estimator, check):
    check(estimator)


def _xor(n=300, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_xor_accuracy():
    # 2-8-1 tanh network, default Genetic (50 candidates), 200 generations.
    X, y = _xor()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0
    )
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(8,),
        activation="tanh",
        solver="genetic",
        max_iter=200,
        random_state=0,
    ).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.9


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_iris_accuracy():
    # Standardised iris, 4-5-3 relu network, default Genetic, <= 200 generations.
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    model = make_pipeline(
        StandardScaler(),
        MLPMomentumClassifier(
            hidden_layer_sizes=(5,), solver="genetic", max_iter=200, random_state=0
        ),
    ).fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.9


def _fit_quietly(clf, X, y, method="fit", **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return getattr(clf, method)(X, y, **kwargs)


def test_estimator_one_generation_per_epoch():
    X, y = _xor(120)
    solver = Genetic(population_size=10)
    before = solver.get_params()
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,), solver=solver, max_iter=15, random_state=0
    )
    _fit_quietly(clf, X, y)
    assert solver.get_params() == before  # the object passed is not touched
    assert isinstance(clf.solver_, Genetic) and clf.solver_ is not solver
    assert clf.n_iter_ == 15 == clf.solver_state_.t == len(clf.loss_curve_)
    # Elitism on the full training set: the loss curve never goes up.
    assert np.all(np.diff(clf.loss_curve_) <= 1e-12)

    # Same random_state, same model.
    again = _fit_quietly(clone(clf), X, y)
    np.testing.assert_array_equal(again.coefs_[0], clf.coefs_[0])
    assert again.loss_curve_ == clf.loss_curve_

    # warm_start and partial_fit continue the same population.
    clf.set_params(warm_start=True, max_iter=5)
    _fit_quietly(clf, X, y)
    assert clf.solver_state_.t == 20 and len(clf.loss_curve_) == 20
    clf.partial_fit(X, y)
    assert clf.solver_state_.t == 21
    assert clf.loss_curve_[-1] <= clf.loss_curve_[14]
    # A new population size on warm start: a fresh population, same params.
    clf.set_params(solver=Genetic(population_size=6))
    _fit_quietly(clf, X, y, "partial_fit")
    assert clf.solver_state_.population.shape[0] == 6
    assert clf.loss_curve_[-1] <= clf.loss_curve_[-2]


def test_estimator_float32_and_sparse_and_minibatches():
    X, y = _xor(100)
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,),
        solver=Genetic(population_size=8),
        max_iter=3,
        random_state=0,
    )
    _fit_quietly(clf, X.astype(np.float32), y)
    assert clf.coefs_[0].dtype == np.float32
    assert clf.solver_state_.population.dtype == np.float32
    _fit_quietly(clf, sp.csr_matrix(X), y)
    assert clf.n_iter_ == 3
    # With batch_size, one generation per batch.
    clf.set_params(solver=Genetic(population_size=8, batch_size=25))
    _fit_quietly(clf, X, y)
    assert clf.solver_state_.t == 3 * 4


# --- minimize --------------------------------------------------------------


def rastrigin(x):
    return float(10 * len(x) + np.sum(x**2 - 10 * np.cos(2 * np.pi * x)))


def rastrigin_grad(x):
    return 2 * x + 20 * np.pi * np.sin(2 * np.pi * x)


def test_minimize_never_asks_for_a_gradient():
    def no_gradient(x):
        raise AssertionError("Genetic asked for a gradient")

    result = minimize(
        lambda x: float(x @ x),
        [2.0, -1.0],
        jac=no_gradient,
        solver=Genetic(population_size=10, mutation_rate=0.5, crossover="blend"),
        max_iter=30,
        random_state=0,
    )
    assert result.nit == 30 and result.path.shape == (31, 2)
    assert result.fun < 0.05
    assert result.njev == 0


def test_minimize_rastrigin_genetic_beats_gradient_descent():
    # 20 starts uniform in [-5.12, 5.12]^2; success means f(x) < 1e-3, the
    # global minimum (Rastrigin's many local minima all have f >= 0.99).
    starts = np.random.RandomState(0).uniform(-5.12, 5.12, (20, 2))
    genetic = Genetic(
        population_size=30,
        mutation_rate=0.5,
        mutation_scale=1.0,
        mutation_decay=0.95,
        crossover="blend",
    )
    ga_hits = gd_hits = 0
    for seed, x0 in enumerate(starts):
        ga = minimize(rastrigin, x0, solver=genetic, max_iter=100, random_state=seed)
        gd = minimize(
            rastrigin,
            x0,
            jac=rastrigin_grad,
            solver=GD(learning_rate=0.002),
            max_iter=2000,
            tol=1e-8,
        )
        ga_hits += ga.fun < 1e-3
        gd_hits += gd.fun < 1e-3
    # Measured: Genetic 18 / 20, GD 0 / 20 (docs/genetic.md).
    assert ga_hits >= 15
    assert gd_hits <= 2
