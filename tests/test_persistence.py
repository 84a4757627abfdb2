"""Saving and loading: skops trusts only the estimator classes; pickle is exact.

The skops tests need the ``skops`` extra and are skipped without it.
"""

import copy
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelBinarizer, StandardScaler

import skmomentum
from skmomentum import MLPMomentumClassifier
from skmomentum._persistence import allowed_types, decode_state, encode_state
from skmomentum.callbacks import (
    Callback,
    EarlyStopping,
    ModelCheckpoint,
    ProgressBar,
    ReduceLROnPlateau,
)
from skmomentum.schedules import CosineDecay, ExponentialDecay, StepDecay
from skmomentum.solvers import SOLVER_ALIASES, Adam, Genetic, Momentum

# The type paths a user passes as ``trusted``: part of the file format, so a
# refactor that moves a class must change them here, on purpose.
PINNED_UNTRUSTED = {
    "MLPMomentumClassifier": ["skmomentum._classifier.MLPMomentumClassifier"],
    "MLPMomentumRegressor": ["skmomentum._regressor.MLPMomentumRegressor"],
}
PINNED_ALLOWED = [
    "skmomentum.callbacks.EarlyStopping",
    "skmomentum.callbacks.ModelCheckpoint",
    "skmomentum.callbacks.ProgressBar",
    "skmomentum.callbacks.ReduceLROnPlateau",
    "skmomentum.callbacks._Plateau",
    "skmomentum.schedules.Constant",
    "skmomentum.schedules.CosineDecay",
    "skmomentum.schedules.ExponentialDecay",
    "skmomentum.schedules.InverseScaling",
    "skmomentum.schedules.StepDecay",
    "skmomentum.solvers.Adam",
    "skmomentum.solvers.GD",
    "skmomentum.solvers.Genetic",
    "skmomentum.solvers.MiniBatchGD",
    "skmomentum.solvers.Momentum",
    "skmomentum.solvers.Nesterov",
    "skmomentum.solvers.RMSprop",
    "skmomentum.solvers.SGD",
    "skmomentum.solvers.SolverState",
]

ESTIMATORS = ["MLPMomentumClassifier", "MLPMomentumRegressor"]

SOLVERS = {
    **{alias: alias for alias in SOLVER_ALIASES},
    "genetic-small": Genetic(population_size=8, n_elite=1),
    "momentum-stepdecay": Momentum(
        learning_rate=StepDecay(0.05, step_size=3), ewma=True, bias_correction=True
    ),
    "adam-cosine": Adam(learning_rate=CosineDecay(0.01, decay_steps=20)),
}


def _estimator_class(name):
    cls = getattr(skmomentum, name, None)
    if cls is None:
        pytest.skip(f"skmomentum.{name} does not exist yet")
    return cls


def _data(name, dtype=np.float64):
    if name == "MLPMomentumClassifier":
        X, y = make_classification(
            n_samples=90, n_features=5, n_informative=3, n_classes=3, random_state=0
        )
    else:
        X, y = make_regression(n_samples=90, n_features=5, noise=1.0, random_state=0)
        y = y / y.std()
    return X.astype(dtype), y


def _fit(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args, **kwargs)


def _partial_fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if isinstance(model, MLPMomentumClassifier):
            return model.partial_fit(X, y, classes=np.unique(y))
        return model.partial_fit(X, y)


def _all_callbacks(solver=None):
    callbacks = [
        # Monitoring "loss" so that partial_fit (no validation set) runs them.
        EarlyStopping("loss", patience=3, restore_best_weights=True),
        ReduceLROnPlateau("loss", patience=1, factor=0.5),
        ModelCheckpoint("loss"),
        ProgressBar(),  # silent off a terminal
    ]
    if isinstance(solver, Genetic):  # no learning rate to reduce
        del callbacks[1]
    return callbacks


def _assert_same(a, b, skip=(), where="estimator"):
    """``a`` and ``b`` are equal all the way down: types, dtypes, values."""
    assert type(a) is type(b), f"{where}: {type(a)} != {type(b)}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(a, b, err_msg=where, strict=True)
    elif isinstance(a, np.random.RandomState):
        _assert_same(a.get_state(), b.get_state(), skip, f"{where}.get_state()")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            if key not in skip:
                _assert_same(a[key], b[key], skip, f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, skip, f"{where}[{i}]")
    elif hasattr(a, "__dict__") and not isinstance(a, type):
        _assert_same(vars(a), vars(b), skip, f"{where}.__dict__")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _skops_round_trip(model, tmp_path):
    sio = pytest.importorskip("skops.io")
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    untrusted = sio.get_untrusted_types(file=path)
    return sio.load(path, trusted=untrusted), untrusted


def _fitted(name, solver="nesterov", callbacks=None, dtype=np.float64, **params):
    cls = _estimator_class(name)
    X, y = _data(name, dtype)
    params = {"max_iter": 4, "random_state": 0, **params}
    model = cls(hidden_layer_sizes=(6,), solver=solver, callbacks=callbacks, **params)
    fit_params = {} if callbacks is None else {"X_val": X[:20], "y_val": y[:20]}
    return _fit(model, X[20:], y[20:], **fit_params), X, y


# ---------------------------------------------------------------------- skops


@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.parametrize("solver", SOLVERS.values(), ids=SOLVERS.keys())
def test_skops_round_trip_is_exact_and_trusts_only_the_estimator(
    name, solver, tmp_path
):
    model, X, _ = _fitted(name, clone(solver, safe=False))

    loaded, untrusted = _skops_round_trip(model, tmp_path)

    assert untrusted == PINNED_UNTRUSTED[name]
    _assert_same(model, loaded)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X), strict=True)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_skops_round_trip_with_every_callback(name, tmp_path):
    model, _, _ = _fitted(name, "momentum", callbacks=_all_callbacks())
    assert model.callbacks_[2].best_params_ is not None  # something was recorded

    loaded, untrusted = _skops_round_trip(model, tmp_path)

    assert untrusted == PINNED_UNTRUSTED[name]
    _assert_same(model, loaded)
    assert loaded.callbacks_[0].best_epoch_ == model.callbacks_[0].best_epoch_


@pytest.mark.parametrize("name", ESTIMATORS)
def test_skops_keeps_float32(name, tmp_path):
    model, X, _ = _fitted(name, "adam", dtype=np.float32)

    loaded, _ = _skops_round_trip(model, tmp_path)

    assert loaded.coefs_[0].dtype == np.float32
    assert loaded.solver_state_.exp_avg.dtype == np.float32
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X), strict=True)


@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.parametrize(
    "solver", ["nesterov", "adam-cosine", "momentum-stepdecay", "genetic-small"]
)
def test_training_continues_after_loading_as_without_saving(name, solver, tmp_path):
    solver = clone(SOLVERS[solver], safe=False)
    model, X, y = _fitted(name, solver, callbacks=_all_callbacks(solver))
    loaded, _ = _skops_round_trip(model, tmp_path)
    not_timed = ("seconds",)  # wall-clock time in history_

    for a in (model, loaded):
        _partial_fit(a, X, y)
    _assert_same(model, loaded, skip=not_timed)

    for a in (model, loaded):
        _fit(a.set_params(warm_start=True, max_iter=3), X[20:], y[20:])
    _assert_same(model, loaded, skip=not_timed)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X), strict=True)


def test_skops_load_without_trusted_refuses(tmp_path):
    sio = pytest.importorskip("skops.io")
    from skops.io.exceptions import UntrustedTypesFoundException

    model, _, _ = _fitted("MLPMomentumClassifier", "adam")
    path = tmp_path / "model.skops"
    sio.dump(model, path)

    with pytest.raises(UntrustedTypesFoundException, match="MLPMomentumClassifier"):
        sio.load(path)


def test_skops_pipeline_trusts_only_the_estimator(tmp_path):
    X, y = _data("MLPMomentumClassifier")
    clf = MLPMomentumClassifier((6,), solver=Genetic(population_size=8), max_iter=3)
    pipe = _fit(make_pipeline(StandardScaler(), clf), X, y)

    loaded, untrusted = _skops_round_trip(pipe, tmp_path)

    assert untrusted == PINNED_UNTRUSTED["MLPMomentumClassifier"]
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))


class _UserCallback(Callback):
    def on_epoch_end(self, context):
        self.seen_ = context.record["epoch"]


def test_a_users_own_class_is_left_for_skops_to_judge(tmp_path):
    model, _, _ = _fitted("MLPMomentumClassifier", callbacks=[_UserCallback()])

    loaded, untrusted = _skops_round_trip(model, tmp_path)

    assert untrusted == sorted(
        PINNED_UNTRUSTED["MLPMomentumClassifier"] + [f"{__name__}._UserCallback"]
    )
    assert loaded.callbacks_[0].seen_ == model.callbacks_[0].seen_


def test_random_state_instance_stays_shared(tmp_path):
    model, _, _ = _fitted(
        "MLPMomentumClassifier", random_state=np.random.RandomState(3)
    )
    assert model._random_state is model.random_state

    loaded, _ = _skops_round_trip(model, tmp_path)

    assert loaded._random_state is loaded.random_state
    _assert_same(model, loaded)


# --------------------------------------------------------- the plain encoding


def test_allowed_types_are_pinned():
    # Tags in saved files: renaming or dropping one breaks old files.
    assert sorted(allowed_types()) == PINNED_ALLOWED


def test_encoded_state_is_plain_data():
    model, _, _ = _fitted(
        "MLPMomentumClassifier",
        Momentum(learning_rate=ExponentialDecay(0.05, decay_rate=0.9)),
        callbacks=_all_callbacks(),
    )
    allowed = tuple(allowed_types().values())
    trusted = (str, int, float, bool, type(None), np.ndarray, np.generic)
    trusted += (np.random.RandomState, LabelBinarizer)

    def check(value, where):
        assert not isinstance(value, allowed), where
        if isinstance(value, dict):
            for key, item in value.items():
                check(item, f"{where}[{key!r}]")
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                check(item, f"{where}[{i}]")
        else:
            assert isinstance(value, trusted), f"{where}: {type(value)}"

    state = model.__getstate__()
    check(state, "state")
    assert state["solver_"]["__skmomentum__"] == "skmomentum.solvers.Momentum"
    assert decode_state(state)["solver_"].learning_rate.decay_rate == 0.9


def test_decoding_refuses_types_outside_the_allow_list():
    plain = {"x": {"__skmomentum__": "os.system", "state": {}}}

    with pytest.raises(ValueError, match=r"'os\.system'.*does not know"):
        decode_state(plain)


def test_user_dicts_with_the_tag_key_survive():
    state = {"d": {"__skmomentum__": "skmomentum.solvers.Adam", "state": 1}}

    assert decode_state(encode_state(state)) == state


# --------------------------------------------------------------------- pickle


@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.parametrize("solver", ["adam", "genetic-small", "momentum-stepdecay"])
def test_pickle_deepcopy_and_clone_are_unchanged(name, solver):
    solver = clone(SOLVERS[solver], safe=False)
    model, X, y = _fitted(name, solver, callbacks=_all_callbacks(solver))

    copies = [pickle.loads(pickle.dumps(model)), copy.deepcopy(model)]
    for copied in copies:
        _assert_same(model, copied)
    for a in [model, *copies]:
        _partial_fit(a, X, y)
    for copied in copies:
        _assert_same(model, copied, skip=("seconds",))
    fresh = clone(model)
    assert not hasattr(fresh, "coefs_")
    _assert_same(fresh.get_params(deep=False), model.get_params(deep=False))


def test_pickles_of_the_old_format_still_load():
    # Before PersistenceMixin the state was the plain __dict__, objects inside.
    model, _, _ = _fitted("MLPMomentumClassifier", "rmsprop", _all_callbacks())
    old_state = dict(vars(model))

    restored = MLPMomentumClassifier.__new__(MLPMomentumClassifier)
    restored.__setstate__(old_state)

    _assert_same(model, restored)
