"""The training loop on real inputs: random stream, divergence checks
of the returned weights, Ctrl-C, loss_ after a restore, and the messages."""

import signal
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_iris, make_blobs, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skmomentum import DivergenceError, MLPMomentumClassifier, MLPMomentumRegressor
from skmomentum._training import divergence_error
from skmomentum.callbacks import Callback, EarlyStopping
from skmomentum.solvers import GD, Adam, Genetic, MiniBatchGD, Momentum, RMSprop

X_iris, y_iris = load_iris(return_X_y=True)
X_iris = StandardScaler().fit_transform(X_iris)


def small(**params):
    defaults = dict(
        hidden_layer_sizes=(8,),
        solver=Momentum(learning_rate=0.05, batch_size=16),
        max_iter=10,
        random_state=0,
    )
    return MLPMomentumClassifier(**{**defaults, **params})


def fit_quietly(clf, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(*args, **kwargs)


def weights(clf):
    return clf.coefs_ + clf.intercepts_


def assert_same_weights(a, b):
    for wa, wb in zip(weights(a), weights(b)):
        assert_array_equal(wa, wb)


# ---------------------------------------------------------- random stream


def test_warm_start_continues_the_shuffle_stream_bit_for_bit():
    params = dict(tol=0.0, n_iter_no_change=np.inf)
    once = fit_quietly(small(max_iter=20, **params), X_iris, y_iris)
    twice = small(max_iter=10, warm_start=True, **params)
    fit_quietly(twice, X_iris, y_iris)
    fit_quietly(twice, X_iris, y_iris)
    assert_same_weights(twice, once)
    assert twice.loss_curve_ == once.loss_curve_
    assert twice.t_ == once.t_


def test_partial_fit_continues_the_shuffle_stream():
    fitted = fit_quietly(
        small(max_iter=3, tol=0.0, n_iter_no_change=np.inf), X_iris, y_iris
    )
    clf = small()
    for _ in range(3):
        clf.partial_fit(X_iris, y_iris, classes=np.unique(y_iris))
    assert_same_weights(clf, fitted)


def test_continued_early_stopping_fit_holds_out_the_same_rows(monkeypatch):
    held_out = []
    original = MLPMomentumClassifier._validation_metrics

    def recording(self, layer_units, out_activation, X, Y, sample_weight):
        held_out.append(X.copy())
        return original(self, layer_units, out_activation, X, Y, sample_weight)

    monkeypatch.setattr(MLPMomentumClassifier, "_validation_metrics", recording)
    clf = small(early_stopping=True, warm_start=True, max_iter=3)
    fit_quietly(clf, X_iris, y_iris)
    fit_quietly(clf, X_iris, y_iris)
    assert_array_equal(held_out[0], held_out[1])
    # ... while the shuffle stream goes on: a new model would repeat fit 1.
    fresh = fit_quietly(small(early_stopping=True, max_iter=3), X_iris, y_iris)
    assert fresh.loss_curve_ == clf.loss_curve_[:3] != clf.loss_curve_[3:]


# ------------------------------------------------ the returned weights check


def test_partial_fit_whose_last_update_blows_up_raises_and_keeps_the_model():
    # The case: one batch with learning rate 1e3 used to return a
    # useless model (accuracy 0.515 from 0.70) with loss_ 0.56 while the
    # log-loss of the returned weights was 16.
    X, y = make_classification(
        n_samples=400, n_features=10, n_informative=4, flip_y=0.1, random_state=0
    )
    clf = fit_quietly(
        small(hidden_layer_sizes=(16,), max_iter=20, solver=Momentum(0.01)), X, y
    )
    before = clf.predict_proba(X)
    loss_before, coefs_before = clf.loss_, [c.copy() for c in weights(clf)]
    clf.set_params(solver=MiniBatchGD(learning_rate=1e3))
    with pytest.raises(DivergenceError, match="returned weights") as error:
        clf.partial_fit(X[:200], y[:200])
    assert "learning rate 1000.0" in str(error.value)
    assert_array_equal(clf.predict_proba(X), before)
    assert clf.loss_ == loss_before
    for a, b in zip(weights(clf), coefs_before):
        assert_array_equal(a, b)


def test_a_new_models_first_overshoot_is_not_an_error():
    # One full-batch step of GD(0.1) raises this loss about 300-fold, and the
    # next steps bring it back down (scikit-learn's check_estimator data): a
    # new model is held to the epochs' bound, not the continued-model one.
    X, y = make_blobs(n_samples=50, random_state=1)
    X -= X.min()
    reg = MLPMomentumRegressor(solver="gd", random_state=0).partial_fit(X, y)
    first = reg.loss_
    for _ in range(5):
        reg.partial_fit(X, y)
    assert reg.loss_curve_[1] > 100 * first
    assert reg.loss_ < reg.loss_curve_[1] / 100


def test_a_loss_non_finite_before_any_update_does_not_blame_the_solver():
    X = np.finfo(np.float64).max * np.random.RandomState(0).uniform(size=(20, 2))
    with pytest.raises(DivergenceError, match="at the start") as error:
        with np.errstate(all="ignore"):
            small().fit(X, np.arange(20) % 2)
    assert "learning rate" not in str(error.value)


class _Inflate(GD):
    """Grows the weights threefold per step: the loss grows but stays finite."""

    def step(self, params, state, objective):
        loss = objective.loss(params)
        params *= 3.0
        state.t += 1
        return loss


def test_divergence_error_states_the_loss_growth_with_its_figures():
    with pytest.raises(DivergenceError, match=r"training loss grew from [\d.]+"):
        small(solver=_Inflate(), max_iter=50).fit(X_iris, y_iris)


def test_divergence_error_on_unscaled_data_blames_the_learning_rate_and_scale():
    with pytest.raises(DivergenceError) as error:
        small(solver=GD(1e4)).fit(X_iris * 100, y_iris)
    message = str(error.value)
    assert message.startswith("Training diverged: the training loss grew from")
    assert "learning rate 10000.0" in message
    assert "not scaled (the largest |X| is 309)" in message


class _PoisonLastStep(GD):
    """Full-batch GD whose update makes one weight NaN."""

    def step(self, params, state, objective):
        loss = super().step(params, state, objective)
        params[0] = np.nan
        return loss


def test_divergence_error_states_non_finite_weights():
    with pytest.raises(DivergenceError) as error:
        small(solver=_PoisonLastStep(0.1)).fit(X_iris, y_iris)
    message = str(error.value)
    assert "the weights became non-finite (NaN or inf) in epoch 1" in message
    assert "learning rate 0.1" in message
    assert "not scaled" not in message  # standardised iris


def test_divergence_error_without_a_learning_rate_does_not_mention_one():
    solver = Genetic(population_size=4)
    with pytest.raises(DivergenceError) as error, np.errstate(all="ignore"):
        small(solver=solver, max_iter=2).fit(X_iris * 1e307, y_iris)
    message = str(error.value)
    assert "the loss of a batch became inf" in message
    assert "learning rate" not in message
    assert "not scaled" in message


def test_divergence_error_names_eps_and_weights_when_they_are_the_cause():
    message = str(divergence_error(Adam(eps=0.0), "the weights became non-finite"))
    assert "Adam(eps=0.0)" in message and "positive value" in message
    assert "learning rate 0.001" in message
    message = str(divergence_error(RMSprop(), "x", X_iris, None))
    assert "eps" not in message and "not scaled" not in message
    weights_ = np.ones(len(X_iris))
    weights_[0] = 1e6
    message = str(divergence_error(MiniBatchGD(), "x", X_iris, weights_))
    assert "largest sample weight (class_weight included) is 1e+06" in message
    assert isinstance(divergence_error(GD(), "x"), ValueError)


# ------------------------------------------------------------------ Ctrl-C


class _InterruptAt(Momentum):
    """Momentum whose update number ``at`` is interrupted, as Ctrl-C would."""

    def __init__(self, learning_rate=0.05, batch_size=16, at=0, real_signal=False):
        super().__init__(learning_rate=learning_rate, batch_size=batch_size)
        self.at = at
        self.real_signal = real_signal

    def step(self, params, state, objective):
        if state.t == self.at:
            if self.real_signal:
                signal.raise_signal(signal.SIGINT)
            raise KeyboardInterrupt
        return super().step(params, state, objective)


BATCHES_PER_EPOCH = 10  # 150 iris rows in batches of 16


@pytest.mark.parametrize("real_signal", [False, True])
def test_ctrl_c_keeps_the_last_completed_epoch(real_signal):
    two_epochs = fit_quietly(small(max_iter=2), X_iris, y_iris)
    solver = _InterruptAt(at=2 * BATCHES_PER_EPOCH + 3, real_signal=real_signal)
    with pytest.warns(UserWarning, match="last completed epoch"):
        clf = small(solver=solver).fit(X_iris, y_iris)
    assert_same_weights(clf, two_epochs)
    assert clf.n_iter_ == 2 and len(clf.history_) == 2
    assert clf.loss_curve_ == two_epochs.loss_curve_
    assert clf.loss_ == two_epochs.loss_
    assert clf.solver_state_.t == 2 * BATCHES_PER_EPOCH
    assert_array_equal(clf.solver_state_.velocity, two_epochs.solver_state_.velocity)


def test_ctrl_c_in_a_callback_keeps_that_completed_epoch():
    class InterruptAfterSecond(Callback):
        def on_epoch_end(self, context):
            if context.n_epochs == 2:
                raise KeyboardInterrupt

    two_epochs = fit_quietly(small(max_iter=2), X_iris, y_iris)
    with pytest.warns(UserWarning, match="interrupted"):
        clf = small(callbacks=[InterruptAfterSecond()]).fit(X_iris, y_iris)
    assert_same_weights(clf, two_epochs)
    assert clf.n_iter_ == 2


def test_ctrl_c_before_an_epoch_completed_fails_and_keeps_the_old_model():
    frame = pd.DataFrame(X_iris, columns=["a", "b", "c", "d"])
    clf = fit_quietly(small(), frame, y_iris)
    before = clf.predict_proba(frame)
    old = [w.copy() for w in weights(clf)]
    names = clf.feature_names_in_.copy()
    clf.set_params(solver=_InterruptAt(at=3))
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X_iris[:, :3], y_iris)  # other features: checks are restored too
    assert_array_equal(clf.predict_proba(frame), before)
    for a, b in zip(weights(clf), old):
        assert_array_equal(a, b)
    assert clf.n_features_in_ == 4
    assert_array_equal(clf.feature_names_in_, names)


# ---------------------------------------------------- loss_ after a restore


def test_early_stopping_loss_is_the_restored_epochs_loss():
    clf = fit_quietly(
        small(early_stopping=True, max_iter=100, n_iter_no_change=4),
        X_iris,
        y_iris,
    )
    best = clf.validation_scores_.index(clf.best_validation_score_)
    assert best < clf.n_iter_ - 1  # weights were restored
    assert clf.loss_ == clf.loss_curve_[best] == clf.history_[best]["loss"]
    assert len(clf.loss_curve_) == len(clf.history_) == clf.n_iter_
    assert clf.best_loss_ is None


def test_early_stopping_callback_loss_is_the_restored_epochs_loss():
    stopper = EarlyStopping(monitor="val_loss", patience=3)
    clf = fit_quietly(
        small(max_iter=100, n_iter_no_change=100, callbacks=[stopper]),
        X_iris,
        y_iris,
        X_val=X_iris[::3],
        y_val=y_iris[::3],
    )
    best_epoch = clf.callbacks_[0].best_epoch_
    assert best_epoch < clf.n_iter_
    assert clf.loss_ == clf.history_[best_epoch - 1]["loss"]
    assert len(clf.history_) == len(clf.loss_curve_) == clf.n_iter_


# ------------------------------------------------------- ConvergenceWarning


@pytest.mark.parametrize(
    "solver, knobs, absent",
    [
        (Momentum(learning_rate=0.05), "learning rate (0.05)", "Genetic"),
        (Adam(), "learning rate (0.001)", "Genetic"),
        (Genetic(population_size=4), "population_size (4)", "learning rate"),
    ],
)
def test_convergence_warning_names_the_solver_and_its_knobs(solver, knobs, absent):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        small(solver=solver, max_iter=2).fit(X_iris, y_iris)
    (warning,) = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    message = str(warning.message)
    assert "Maximum iterations (2)" in message
    assert repr(solver) in message and knobs in message
    assert absent not in message


def test_one_lucky_row_sets_no_false_divergence_bound():
    # SGD on zero-inflated targets: the first one-row batch often has a zero
    # target that the starting network fits well. Measured against that row
    # alone, a healthy first epoch looked like a thousandfold growth (22 of
    # 30 seeds); the starting weights' loss on evenly spaced rows does not.
    for seed in range(5):
        rng = np.random.RandomState(seed)
        X = rng.randn(300, 5)
        y = np.where(rng.rand(300) < 0.8, 0.0, np.abs(rng.randn(300)) * 500)
        reg = MLPMomentumRegressor(
            (10,), activation="tanh", solver="sgd", max_iter=3, random_state=seed
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            reg.fit(X, y)
        assert np.isfinite(reg.loss_curve_).all()
        assert reg.loss_curve_[-1] < reg.loss_curve_[0] * 10


@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_reference_loss_is_the_data_loss_of_evenly_spaced_rows_in_batches(batch_size):
    # The divergence reference reads at most REFERENCE_ROWS rows in chunks of
    # one batch: the objective's buffers (one batch) never grow for it, and
    # the chunks add up to the data loss of all those rows at once.
    from skmomentum._network import NetworkObjective, init_params
    from skmomentum._training import REFERENCE_ROWS, BatchIterator, _reference_loss

    rng = np.random.RandomState(0)
    X, units = rng.randn(1000, 4), [4, 6, 3]
    Y = np.eye(3)[rng.randint(3, size=1000)]
    sw = rng.uniform(0.5, 2.0, 1000)
    params = init_params(units, "relu", np.float64, rng)
    objective = NetworkObjective(
        units, "relu", "softmax", "log_loss", 0.5, np.float64, batch_size
    )
    batches = BatchIterator(X, Y, sw, batch_size, True, rng)
    reference = _reference_loss(params, objective, batches)
    assert objective._capacity == batch_size
    rows = slice(None, None, -(-1000 // REFERENCE_ROWS))
    whole = NetworkObjective(units, "relu", "softmax", "log_loss", 0.5, np.float64, 1)
    whole.set_batch(X[rows], Y[rows], sw[rows], sw.mean())
    assert reference == pytest.approx(whole.data_loss(params), rel=1e-12)
    assert whole.data_loss(params) < whole.loss(params)  # (the L2 term left out)
