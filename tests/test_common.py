"""scikit-learn's estimator checks on the default estimator and every solver."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import SOLVER_ALIASES

GRADIENT_ALIASES = [alias for alias in SOLVER_ALIASES if alias != "genetic"]

# With one sample per update, a weight-2 row is one step of double size while
# the repeated row is two steps at different points: the two fits cannot agree.
BATCH_OF_ONE = {
    "check_sample_weight_equivalence_on_dense_data": (
        "SGD takes one sample per update; an integer weight cannot equal repeated rows"
    ),
    "check_sample_weight_equivalence_on_sparse_data": (
        "SGD takes one sample per update; an integer weight cannot equal repeated rows"
    ),
}

ESTIMATORS = [MLPMomentumClassifier()] + [
    MLPMomentumClassifier(solver=alias, max_iter=50, random_state=0)
    for alias in GRADIENT_ALIASES
]


def _expected_failed_checks(estimator):
    return BATCH_OF_ONE if estimator.solver == "sgd" else {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
