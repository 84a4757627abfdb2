"""The regression outputs: identity with half squared error, exp with Poisson."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.neural_network._base import poisson_loss, squared_loss

from skmomentum._gradcheck import _max_relative_error, central_differences
from skmomentum._losses import (
    LOSS_FUNCTIONS,
    check_out_activation,
    output_probabilities,
)
from skmomentum._network import NetworkObjective, forward, init_params, unpack

REGRESSION = [("squared_error", "identity"), ("poisson", "exp")]


def regression_targets(loss, rng, n, n_outputs):
    if loss == "poisson":
        Y = rng.poisson(2.0, size=(n, n_outputs)).astype(float)
        Y[0] = 0.0  # y = 0 rows: the y log y term is 0 there
        return Y
    return rng.normal(size=(n, n_outputs))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize(("loss", "out"), REGRESSION)
def test_loss_is_scikit_learns(loss, out, n_outputs, weighted):
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(12, n_outputs))
    Y = regression_targets(loss, rng, 12, n_outputs)
    sample_weight = rng.uniform(0.5, 2.0, 12) if weighted else None
    w = 1.0 / 12 if sample_weight is None else sample_weight / sample_weight.sum()
    value, _ = LOSS_FUNCTIONS[loss](Z.copy(), Y, w, out)
    prediction = output_probabilities(Z.copy(), out)
    if loss == "poisson":
        assert_allclose(prediction, np.exp(Z))
        expected = poisson_loss(Y, prediction, sample_weight)
    else:
        assert_allclose(prediction, Z)
        # Summed over targets, the function whose gradient MLPRegressor follows
        # (its squared_loss reports the mean over targets).
        expected = n_outputs * squared_loss(Y, prediction, sample_weight)
    assert_allclose(value, expected, rtol=1e-12)


@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize(("loss", "out"), REGRESSION)
def test_delta_is_the_gradient_of_the_loss(loss, out, n_outputs):
    rng = np.random.RandomState(1)
    Z = rng.normal(size=(6, n_outputs))
    Y = regression_targets(loss, rng, 6, n_outputs)
    w = rng.uniform(0.5, 2.0, 6)
    w /= w.sum()
    function = LOSS_FUNCTIONS[loss]
    _, delta = function(Z.copy(), Y, w, out)

    def value(z):
        return function(z.reshape(Z.shape).copy(), Y, w, out)[0]

    numeric = central_differences(value, Z.ravel())
    assert_allclose(delta.ravel(), numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize(("loss", "out"), REGRESSION)
def test_network_gradient_matches_finite_differences(loss, out, activation):
    rng = np.random.RandomState(2)
    X = rng.normal(size=(15, 4))
    Y = regression_targets(loss, rng, 15, 2)
    units = [4, 5, 3, 2]
    objective = NetworkObjective(units, activation, out, loss, 1e-3, np.float64, 15)
    objective.set_batch(X, Y, sample_weight=rng.uniform(0.5, 2.0, 15))
    params = init_params(units, activation, np.float64, rng)
    assert _max_relative_error(objective, params) < 1e-6


@pytest.mark.parametrize(("loss", "out"), REGRESSION)
def test_prediction_is_the_output_activation_of_the_logits(loss, out):
    rng = np.random.RandomState(3)
    X = rng.normal(size=(8, 4))
    units = [4, 6, 2]
    params = init_params(units, "tanh", np.float64, rng)
    coefs, intercepts = unpack(params, units)
    hidden = np.tanh(X @ coefs[0] + intercepts[0])
    logits = hidden @ coefs[1] + intercepts[1]
    prediction = output_probabilities(forward(coefs, intercepts, "tanh", X), out)
    assert_allclose(prediction, np.exp(logits) if out == "exp" else logits)


def test_training_lowers_the_regression_losses():
    rng = np.random.RandomState(4)
    X = rng.normal(size=(40, 3))
    targets = {
        "squared_error": X @ [[1.0], [-2.0], [0.5]],
        "poisson": rng.poisson(np.exp(0.5 * X[:, :1])).astype(float),
    }
    for loss, out in REGRESSION:
        units = [3, 8, 1]
        objective = NetworkObjective(units, "tanh", out, loss, 0.0, np.float64, 40)
        objective.set_batch(X, targets[loss])
        params = init_params(units, "tanh", np.float64, rng)
        start = objective.loss(params)
        for _ in range(200):
            params -= 0.05 * objective.loss_and_grad(params)[1]
        assert objective.loss(params) < 0.5 * start


@pytest.mark.parametrize(
    ("loss", "out"),
    [("log_loss", "identity"), ("poisson", "softmax"), ("squared_error", "exp")],
)
def test_a_loss_with_the_wrong_output_is_refused(loss, out):
    with pytest.raises(ValueError, match=f"loss='{loss}' needs an output activation"):
        check_out_activation(loss, out)
    with pytest.raises(ValueError, match="needs an output activation"):
        NetworkObjective([2, 3, 1], "relu", out, loss, 0.0, np.float64, 4)
