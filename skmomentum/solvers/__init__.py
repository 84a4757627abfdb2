"""Solver objects: hyperparameters only; their state lives on the estimator.

Every solver can be named by an alias string wherever a solver is accepted:

================  ===================
alias             class
================  ===================
``"gd"``          :class:`GD`
``"minibatch"``   :class:`MiniBatchGD`
``"sgd"``         :class:`SGD`
``"momentum"``    :class:`Momentum`
``"nesterov"``    :class:`Nesterov`
``"rmsprop"``     :class:`RMSprop`
``"adam"``        :class:`Adam`
``"genetic"``     :class:`Genetic`
================  ===================
"""

from sklearn.base import clone

from ._base import GradientSolver, Solver, SolverState
from ._genetic import Genetic
from ._gradient import GD, SGD, Adam, MiniBatchGD, Momentum, Nesterov, RMSprop

SOLVER_ALIASES = {
    "gd": GD,
    "minibatch": MiniBatchGD,
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "rmsprop": RMSprop,
    "adam": Adam,
    "genetic": Genetic,
}


def resolve_solver(solver):
    """A validated private copy of ``solver`` (an alias string or an object).

    Parameters
    ----------
    solver : str or Solver
        An alias from ``SOLVER_ALIASES`` or a solver object.

    Returns
    -------
    solver : Solver
        A new object (never the one passed in), hyperparameters validated.

    Raises
    ------
    ValueError
        For an unknown alias or an invalid hyperparameter.

    Examples
    --------
    >>> from skmomentum.solvers import Momentum, resolve_solver
    >>> resolve_solver("adam")
    Adam()
    >>> solver = Momentum(momentum=0.5)
    >>> resolve_solver(solver) is solver
    False
    """
    if isinstance(solver, str):
        if solver not in SOLVER_ALIASES:
            raise ValueError(
                f"Unknown solver alias {solver!r}. Use one of "
                f"{sorted(SOLVER_ALIASES)} or a solver object such as "
                "skmomentum.solvers.Momentum(learning_rate=0.01)."
            )
        resolved = SOLVER_ALIASES[solver]()
    elif isinstance(solver, Solver):
        resolved = clone(solver, safe=False)
    elif isinstance(solver, type) and issubclass(solver, Solver):
        raise TypeError(
            f"solver={solver.__name__} is a class; pass an instance such as "
            f"{solver.__name__}() (with its hyperparameters) or an alias string."
        )
    else:
        raise TypeError(
            f"solver must be an alias string or a skmomentum solver object, got "
            f"{solver!r} of type {type(solver).__name__}."
        )
    resolved.validate()
    return resolved


__all__ = [
    "GD",
    "SGD",
    "SOLVER_ALIASES",
    "Adam",
    "Genetic",
    "GradientSolver",
    "MiniBatchGD",
    "Momentum",
    "Nesterov",
    "RMSprop",
    "Solver",
    "SolverState",
    "resolve_solver",
]
