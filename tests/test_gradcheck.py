import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone

from skmomentum._gradcheck import (
    _max_relative_error,
    central_differences,
    check_gradients,
)
from skmomentum._network import NetworkObjective, init_params

ACTIVATIONS = ["relu", "tanh", "logistic", "identity"]
LOSSES = ["log_loss", "squared_error"]
TARGETS = ["binary", "multiclass", "multilabel"]


def make_problem(activation, loss, target, alpha=1e-3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(15, 4))
    if target == "binary":
        out, Y = "logistic", (rng.rand(15, 1) > 0.5).astype(float)
    elif target == "multiclass":
        out, Y = "softmax", np.eye(3)[rng.randint(0, 3, 15)]
    else:
        out, Y = "logistic", (rng.rand(15, 3) > 0.5).astype(float)
    units = [4, 5, 3, Y.shape[1]]
    objective = NetworkObjective(units, activation, out, loss, alpha, np.float64, 15)
    objective.set_batch(X, Y)
    params = init_params(units, activation, np.float64, np.random.RandomState(seed))
    return objective, params


class Perturbed:
    """An objective whose gradient has a deliberate mistake."""

    def __init__(self, objective, mistake):
        self.objective, self.mistake = objective, mistake

    def loss(self, flat):
        return self.objective.loss(flat)

    def loss_and_grad(self, flat):
        loss, grad = self.objective.loss_and_grad(flat)
        grad = grad.copy()
        self.mistake(grad)
        return loss, grad


def test_central_differences():
    def f(x):
        return np.sin(x[0]) * x[1] + x[2] ** 3

    x = np.array([0.3, 2.0, -1.5])
    expected = [np.cos(0.3) * 2.0, np.sin(0.3), 3 * 1.5**2]
    assert_allclose(central_differences(f, x), expected, rtol=1e-8)
    assert_allclose(
        central_differences(f, x, indices=[2, 0]), [expected[2], expected[0]], rtol=1e-8
    )
    assert_allclose(x, [0.3, 2.0, -1.5])


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backprop_matches_finite_differences(activation, loss, target):
    objective, params = make_problem(activation, loss, target)
    before = params.copy()
    assert _max_relative_error(objective, params) < 1e-6
    assert_allclose(params, before)


def test_backprop_matches_after_training():
    # Near a minimum the gradient is small; the floor keeps rounding noise of
    # the finite differences from looking like an error.
    objective, params = make_problem("tanh", "log_loss", "multiclass", seed=3)
    for _ in range(500):
        params -= 0.5 * objective.loss_and_grad(params)[1]
    assert _max_relative_error(objective, params) < 1e-6


@pytest.mark.parametrize(
    "mistake",
    [
        lambda g: g.__setitem__(7, g[7] * 1.01),  # one derivative off by 1 %
        lambda g: g.__imul__(-1.0),  # sign error
        lambda g: g.__setitem__(slice(-3, None), 0.0),  # output intercepts lost
        lambda g: g.__iadd__(1e-4),  # small bias everywhere
    ],
    ids=["one-percent", "sign", "dropped", "offset"],
)
def test_flags_a_broken_gradient(mistake):
    objective, params = make_problem("relu", "log_loss", "multilabel")
    assert _max_relative_error(Perturbed(objective, mistake), params) > 1e-3


class Counting:
    def __init__(self, objective):
        self.objective, self.calls = objective, 0

    def loss(self, flat):
        self.calls += 1
        return self.objective.loss(flat)

    def loss_and_grad(self, flat):
        return self.objective.loss_and_grad(flat)


def test_large_networks_check_a_random_sample():
    objective, params = make_problem("tanh", "squared_error", "binary")
    counting = Counting(objective)
    error = _max_relative_error(counting, params, max_params=10, random_state=0)
    assert error < 1e-6
    assert counting.calls == 2 * 10
    again = _max_relative_error(objective, params, max_params=10, random_state=0)
    assert again == error


# Through the estimator ---------------------------------------------------


def classification_data(target, n=30, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    if target == "binary":
        y = (X[:, 0] > 0).astype(int)
    elif target == "multiclass":
        y = np.array(["a", "b", "c"])[np.arange(n) % 3]
    else:
        y = (rng.rand(n, 3) > 0.5).astype(int)
    return X, y


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("loss", LOSSES)
def test_check_gradients_on_an_unfitted_estimator(target, loss):
    from skmomentum._classifier import MLPMomentumClassifier

    X, y = classification_data(target)
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(5, 3), activation="tanh", loss=loss, random_state=0
    )
    assert check_gradients(clf, X, y) < 1e-6
    assert not hasattr(clf, "coefs_")


def test_check_gradients_on_a_fitted_estimator_leaves_it_unchanged():
    from skmomentum._classifier import MLPMomentumClassifier

    X, y = classification_data("multiclass")
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(6,), solver="adam", max_iter=30, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged in 30 epochs
        clf.fit(X, y)
    coefs = [c.copy() for c in clf.coefs_]
    weights = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    assert check_gradients(clf, X, y, sample_weight=weights) < 1e-6
    for before, after in zip(coefs, clf.coefs_):
        assert_allclose(after, before)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"eps": 0}, "eps"),
        ({"eps": -1e-6}, "eps"),
        ({"eps": float("nan")}, "eps"),
        ({"eps": float("inf")}, "eps"),
        ({"eps": "1e-6"}, "eps"),
        ({"max_params": 0}, "max_params"),
        ({"max_params": 2.5}, "max_params"),
    ],
    ids=repr,
)
def test_check_gradients_rejects_bad_settings(kwargs, name):
    from skmomentum import MLPMomentumClassifier

    X, y = classification_data("binary")
    clf = MLPMomentumClassifier(hidden_layer_sizes=(3,), random_state=0)
    with pytest.raises(ValueError, match=f"'{name}' parameter of check_gradients"):
        check_gradients(clf, X, y, **kwargs)


def test_check_gradients_rejects_labels_unknown_to_a_fitted_estimator():
    from skmomentum import MLPMomentumClassifier

    X, y = classification_data("multiclass")
    clf = MLPMomentumClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    y_new = np.where(y == "c", "z", y)
    with pytest.raises(ValueError, match=r"classes \['z'\] that are not in classes_"):
        check_gradients(clf, X, y_new)
    # An unfitted estimator takes whatever labels it is given.
    assert check_gradients(clone(clf), X, y_new) < 1e-6
