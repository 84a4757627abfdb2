"""A gradient-free solver: a genetic algorithm on flat parameter vectors.

The maths lives in plain functions (:func:`tournament_select`,
:func:`crossover`, :func:`mutate`, :func:`evaluate`); :class:`Genetic` holds
the hyperparameters and runs one generation per ``step``. The population and
the random generator live in the :class:`SolverState`, so the solver object is
never changed by training.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import Solver, SolverState

_PROBABILITY = Interval(Real, 0, 1, closed="both")
_POSITIVE = Interval(Real, 0, None, closed="neither")

# BLX-alpha (Eshelman & Schaffer, 1993): a child gene is drawn uniformly from
# the parents' interval widened by this fraction of its length on each side,
# so blend crossover can explore a little beyond its parents.
BLEND_ALPHA = 0.5


def evaluate(objective, population):
    """Loss of every row of ``population`` (one candidate per row).

    Uses ``objective.losses(population)`` when the objective has it (the
    network evaluates many candidates per batch with stacked matrix
    products), otherwise calls ``objective.loss`` row by row. Non-finite
    losses become ``inf`` so they always lose a tournament.
    """
    losses = getattr(objective, "losses", None)
    if callable(losses):
        fitness = np.asarray(losses(population), dtype=np.float64)
    else:
        fitness = np.array([objective.loss(row) for row in population], dtype=float)
    fitness[~np.isfinite(fitness)] = np.inf
    return fitness


def tournament_select(fitness, n_winners, tournament_size, rng):
    """Indices of ``n_winners`` tournament winners (lowest loss wins).

    Each tournament draws ``tournament_size`` contestants uniformly with
    replacement; ties go to the first drawn.
    """
    contestants = rng.randint(len(fitness), size=(n_winners, tournament_size))
    best = np.argmin(fitness[contestants], axis=1)
    return contestants[np.arange(n_winners), best]


def crossover(mothers, fathers, kind, rate, rng):
    """Children of paired rows; a pair crosses with probability ``rate``.

    ``kind="uniform"`` takes each gene from either parent with probability
    1/2; ``kind="blend"`` (BLX-0.5) draws each gene uniformly from
    ``[lo - 0.5 d, hi + 0.5 d]`` with ``lo, hi`` the parents' genes and
    ``d = hi - lo``. Pairs that do not cross return a copy of the mother.
    """
    children = mothers.copy()
    crosses = rng.uniform(size=len(mothers)) < rate
    if not crosses.any():
        return children
    m, f = mothers[crosses], fathers[crosses]
    if kind == "uniform":
        children[crosses] = np.where(rng.uniform(size=m.shape) < 0.5, m, f)
    else:
        u = rng.uniform(-BLEND_ALPHA, 1.0 + BLEND_ALPHA, size=m.shape)
        children[crosses] = m + u * (f - m)
    return children


def mutate(children, rate, scale, rng):
    """Add ``N(0, scale**2)`` noise to each gene with probability ``rate``."""
    if rate == 0 or scale == 0:
        return children
    mask = rng.uniform(size=children.shape) < rate
    noise = rng.normal(0.0, scale, size=children.shape)
    children += np.where(mask, noise, 0.0).astype(children.dtype, copy=False)
    return children


class Genetic(Solver):
    r"""Genetic algorithm: evolve a population of parameter vectors.

    Gradient-free: the fitness of a candidate is its loss on the current batch
    (``objective.loss``, or ``objective.losses`` for many at once), and no
    gradient is ever computed. One call to :meth:`step` is one generation:

    1. evaluate every member of the population on the batch;
    2. copy the best into ``params`` (in place) and return its loss;
    3. breed the next generation: the ``n_elite`` best pass unchanged, every
       other child comes from two parents chosen by tournament selection
       (lowest loss among ``tournament_size`` random members), crossed over
       with probability ``crossover_rate``, then mutated: each gene gets
       Gaussian noise with probability ``mutation_rate``, with standard
       deviation :math:`\sigma_t = \sigma_0 \gamma^t` (``mutation_scale``
       :math:`\sigma_0`, ``mutation_decay`` :math:`\gamma`, ``t`` the number
       of generations already made).

    The initial population is the starting ``params`` itself plus
    ``population_size - 1`` copies perturbed by ``N(0, init_scale**2)``. If
    ``params`` was changed by the caller between two steps, it replaces the
    last child of the population, so edits and restored weights are kept.
    With ``n_elite >= 1`` and a fixed batch the returned loss never goes up.

    Parameters
    ----------
    population_size : int, default=50
        Number of candidates per generation (>= 2).
    mutation_rate : float, default=0.05
        Probability that a gene of a child is mutated, in [0, 1]. For very
        short parameter vectors (a 2-D test function) raise it towards 0.5 so
        that children mutate at all.
    mutation_scale : float, default=0.3
        Standard deviation :math:`\sigma_0` of the Gaussian mutation (> 0).
    mutation_decay : float, default=0.995
        Factor :math:`\gamma` in (0, 1] applied to the mutation scale after
        each generation; 1 keeps it constant.
    crossover : {"uniform", "blend"}, default="uniform"
        ``"uniform"`` takes each gene from either parent with probability
        1/2, so a child only holds weights one of its parents had: the
        default, because a network's weights work in co-adapted groups that
        averaging destroys (on digits it reaches a lower loss than blend).
        ``"blend"`` is BLX-0.5: each child gene is drawn uniformly from the
        parents' interval widened by half its length on both sides; it
        explores between and slightly beyond the parents and suits
        low-dimensional continuous problems such as test functions for
        :func:`skmomentum.minimize`.
    crossover_rate : float, default=0.9
        Probability that a pair of parents is crossed over rather than the
        first parent copied, in [0, 1].
    tournament_size : int, default=3
        Contestants per tournament (>= 1, at most ``population_size``);
        larger means stronger selection pressure, 1 means random parents.
    n_elite : int, default=2
        Best candidates copied unchanged into the next generation (>= 0,
        less than ``population_size``).
    init_scale : float or None, default=None
        Standard deviation of the noise that seeds the initial population
        around the starting parameters; None uses ``mutation_scale``.
    batch_size : int or None, default=None
        Samples the fitness is measured on per generation; None means the
        whole training set, so the estimator makes one generation per epoch.

    See Also
    --------
    GD : Full-batch gradient descent, the gradient-based counterpart.

    Notes
    -----
    Each generation costs ``population_size`` loss evaluations, no
    gradients. It shines on small, rugged, multi-modal problems (Rastrigin,
    tiny networks with many local minima) and is far slower than gradient
    solvers on networks with thousands of weights.

    Examples
    --------
    >>> import numpy as np
    >>> from skmomentum.solvers import Genetic
    >>> class Sphere:
    ...     def loss(self, x):
    ...         return float(x @ x)
    >>> solver = Genetic(
    ...     population_size=20, mutation_rate=0.5, mutation_scale=0.5, crossover="blend"
    ... )
    >>> x = np.array([3.0, -2.0])
    >>> state = solver.init_state(x, np.random.RandomState(0))
    >>> losses = [solver.step(x, state, Sphere()) for _ in range(60)]
    >>> losses[0] <= 13.0 and losses[-1] < 0.01
    True
    >>> state.t
    60
    """

    _parameter_constraints = {
        "population_size": [Interval(Integral, 2, None, closed="left")],
        "mutation_rate": [_PROBABILITY],
        "mutation_scale": [_POSITIVE],
        "mutation_decay": [Interval(Real, 0, 1, closed="right")],
        "crossover": [StrOptions({"uniform", "blend"})],
        "crossover_rate": [_PROBABILITY],
        "tournament_size": [Interval(Integral, 1, None, closed="left")],
        "n_elite": [Interval(Integral, 0, None, closed="left")],
        "init_scale": [_POSITIVE, None],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        population_size=50,
        mutation_rate=0.05,
        mutation_scale=0.3,
        mutation_decay=0.995,
        crossover="uniform",
        crossover_rate=0.9,
        tournament_size=3,
        n_elite=2,
        init_scale=None,
        batch_size=None,
    ):
        self.population_size = population_size
        self.mutation_rate = mutation_rate
        self.mutation_scale = mutation_scale
        self.mutation_decay = mutation_decay
        self.crossover = crossover
        self.crossover_rate = crossover_rate
        self.tournament_size = tournament_size
        self.n_elite = n_elite
        self.init_scale = init_scale
        self.batch_size = batch_size

    def validate(self):
        """Check the hyperparameters and how they fit together.

        Raises
        ------
        ValueError
            If a hyperparameter is out of range, ``n_elite`` is not less than
            ``population_size`` or ``tournament_size`` exceeds it.
        """
        super().validate()
        if self.n_elite >= self.population_size:
            raise ValueError(
                f"Genetic(n_elite={self.n_elite}) must be less than "
                f"population_size={self.population_size}: otherwise no child is "
                "ever bred. Lower n_elite or raise population_size."
            )
        if self.tournament_size > self.population_size:
            raise ValueError(
                f"Genetic(tournament_size={self.tournament_size}) exceeds "
                f"population_size={self.population_size}. Use a tournament no "
                "larger than the population."
            )

    def resolve_batch_size(self, n_samples):
        """``n_samples`` unless ``batch_size`` is set: fitness on the full set."""
        if self.batch_size is None:
            return n_samples
        return min(int(self.batch_size), n_samples)

    def mutation_scale_at(self, state):
        """Mutation standard deviation of the generation about to be bred."""
        return self.mutation_scale * self.mutation_decay**state.t

    def init_state(self, params, random_state=None):
        """Initial population around ``params`` and the solver's own RNG.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Starting point; it is the first member of the population.
        random_state : int, RandomState instance or None, default=None
            Source of randomness. One integer is drawn from it to seed a
            private generator, so the solver's draws do not depend on how
            often the caller uses ``random_state`` afterwards.

        Returns
        -------
        state : SolverState
            With ``population`` (``(population_size, n_params)``, same dtype
            as ``params``), ``rng`` and ``best`` (the parameters last written
            to ``params``). Every array ends in an axis of length
            ``n_params``, so the estimator's warm start can carry it over.
        """
        seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
        rng = np.random.RandomState(seed)
        population = self._seed_population(params, rng)
        return SolverState(population=population, rng=rng, best=params.copy())

    def _seed_population(self, params, rng):
        scale = self.mutation_scale if self.init_scale is None else self.init_scale
        noise = rng.normal(0.0, scale, size=(self.population_size - 1, params.size))
        population = np.empty((self.population_size, params.size), dtype=params.dtype)
        population[0] = params
        np.add(params, noise, out=population[1:], casting="unsafe")
        return population

    def step(self, params, state, objective):
        """Run one generation; leave the best candidate in ``params``.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Overwritten in place with the best member of the evaluated
            generation.
        state : SolverState
            From :meth:`init_state`; its population is replaced by the next
            generation and ``state.t`` counts generations.
        objective : object
            Has ``loss(params)``, and optionally ``losses(population)``.

        Returns
        -------
        loss : float
            Loss of the best member, now in ``params``.
        """
        if len(state.population) != self.population_size:
            # population_size changed between warm-started fits: start afresh
            # around the current parameters, keeping the generator.
            state.population = self._seed_population(params, state.rng)
        population, rng = state.population, state.rng
        if not np.array_equal(params, state.best):
            # The caller changed params since the last step (a restored or
            # edited model): let it compete instead of the last child.
            population[-1] = params
        fitness = evaluate(objective, population)
        best = int(np.argmin(fitness))
        params[...] = population[best]
        state.best[...] = params
        best_loss = float(fitness[best])

        order = np.argsort(fitness, kind="stable")
        n_elite, n_children = self.n_elite, len(population) - self.n_elite
        parents = tournament_select(fitness, 2 * n_children, self.tournament_size, rng)
        children = crossover(
            population[parents[:n_children]],
            population[parents[n_children:]],
            self.crossover,
            self.crossover_rate,
            rng,
        )
        mutate(children, self.mutation_rate, self.mutation_scale_at(state), rng)
        elite = population[order[:n_elite]]
        population[:n_elite] = elite
        population[n_elite:] = children
        state.t += 1
        return best_loss
