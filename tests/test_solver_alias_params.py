"""Nested solver parameters on an alias string (``solver__learning_rate``)."""

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    validation_curve,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import Adam, Momentum


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def small(**params):
    return MLPMomentumClassifier(
        hidden_layer_sizes=(8,), max_iter=300, random_state=0, **params
    )


def test_set_params_turns_the_alias_into_its_object():
    clf = small(solver="adam").set_params(solver__learning_rate=0.05)
    assert isinstance(clf.solver, Adam)
    assert clf.solver.learning_rate == 0.05
    assert clf.get_params()["solver__learning_rate"] == 0.05
    twin = clone(clf)
    assert twin.solver is not clf.solver
    assert twin.get_params(deep=True)["solver__learning_rate"] == 0.05


def test_alias_and_nested_value_in_one_call():
    clf = small().set_params(solver="momentum", solver__momentum=0.5)
    assert isinstance(clf.solver, Momentum)
    assert clf.solver.momentum == 0.5


def test_unknown_alias_with_nested_value_names_the_choices():
    with pytest.raises(ValueError, match="unknown solver alias 'adamw'"):
        small(solver="adamw").set_params(solver__learning_rate=0.1)


def test_nested_value_the_solver_does_not_have():
    with pytest.raises(ValueError, match="momentum"):
        small(solver="adam").set_params(solver__momentum=0.5)


def test_grid_search_over_the_default_alias(iris):
    X, y = iris
    search = GridSearchCV(
        small(), {"solver__learning_rate": [1e-3, 1e-2]}, cv=2, error_score="raise"
    ).fit(X, y)
    assert search.best_params_["solver__learning_rate"] in (1e-3, 1e-2)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_randomized_search_with_a_scipy_distribution(iris):
    X, y = iris
    search = RandomizedSearchCV(
        make_pipeline(StandardScaler(), small(solver="nesterov")),
        {"mlpmomentumclassifier__solver__learning_rate": loguniform(1e-3, 1e-1)},
        n_iter=3,
        cv=2,
        random_state=0,
        error_score="raise",
    ).fit(X, y)
    rates = search.cv_results_["param_mlpmomentumclassifier__solver__learning_rate"]
    assert len(set(rates)) == 3


def test_validation_curve_over_the_learning_rate(iris):
    X, y = iris
    train, test = validation_curve(
        small(),
        X,
        y,
        param_name="solver__learning_rate",
        param_range=[1e-3, 1e-2],
        cv=2,
        error_score="raise",
    )
    assert train.shape == test.shape == (2, 2)
    assert np.isfinite(test).all()
