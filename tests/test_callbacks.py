"""Training control: callbacks, history_, validation sets, class_weight."""

import io
import pickle
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss, recall_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmomentum import MLPMomentumClassifier
from skmomentum.callbacks import (
    Callback,
    EarlyStopping,
    ModelCheckpoint,
    ProgressBar,
    ReduceLROnPlateau,
)
from skmomentum.solvers import Genetic, Momentum


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _data(n=300, flip_y=0.0, random_state=0):
    X, y = make_classification(
        n_samples=n,
        n_features=10,
        n_informative=5,
        flip_y=flip_y,
        random_state=random_state,
    )
    return train_test_split(X, y, test_size=0.3, random_state=0)


# ------------------------------------------------------------ early stopping


def test_early_stopping_restores_best_epoch_exactly():
    # Noisy labels and a wide network: the validation loss turns up.
    X, X_val, y, y_val = _data(n=200, flip_y=0.3)
    params = dict(
        hidden_layer_sizes=(64,),
        solver=Momentum(learning_rate=0.1),
        tol=0.0,
        n_iter_no_change=np.inf,
        max_iter=200,
        random_state=0,
    )
    stopper = EarlyStopping(monitor="val_loss", patience=5)
    clf = MLPMomentumClassifier(callbacks=[stopper], **params)
    clf.fit(X, y, X_val=X_val, y_val=y_val)

    fitted = clf.callbacks_[0]
    best = fitted.best_epoch_
    assert 1 <= best < clf.n_iter_ < 200
    assert fitted.stopped_epoch_ == clf.n_iter_ == best + 5
    assert fitted.best_value_ == min(clf.validation_loss_curve_)
    assert clf.validation_loss_curve_[best - 1] == fitted.best_value_
    # The object passed in is untouched: state lives on the copy.
    assert not hasattr(stopper, "best_epoch_")

    refit = MLPMomentumClassifier(**{**params, "max_iter": best}).fit(X, y)
    assert refit.n_iter_ == best
    for W, W_ref in zip(clf.coefs_ + clf.intercepts_, refit.coefs_ + refit.intercepts_):
        assert_array_equal(W, W_ref)
    assert_array_equal(clf.predict_proba(X_val), refit.predict_proba(X_val))


def test_early_stopping_without_restore_keeps_last_weights():
    X, X_val, y, y_val = _data(n=200, flip_y=0.3)
    params = dict(
        hidden_layer_sizes=(64,),
        solver=Momentum(learning_rate=0.1),
        n_iter_no_change=np.inf,
        random_state=0,
    )
    stopper = EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=False)
    clf = MLPMomentumClassifier(callbacks=[stopper], **params)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    refit = MLPMomentumClassifier(**params, max_iter=clf.n_iter_).fit(X, y)
    assert_array_equal(clf.coefs_[0], refit.coefs_[0])


def test_early_stopping_on_val_score_and_training_loss():
    X, X_val, y, y_val = _data()
    for monitor in ("val_score", "loss"):
        clf = MLPMomentumClassifier(
            hidden_layer_sizes=(8,),
            max_iter=30,
            callbacks=[EarlyStopping(monitor=monitor, patience=2, min_delta=0.5)],
            random_state=0,
        ).fit(X, y, X_val=X_val, y_val=y_val)
        # min_delta=0.5 is never reached after the first epoch.
        assert clf.n_iter_ == 3
        assert clf.callbacks_[0].best_epoch_ == 1


def test_validation_monitor_without_validation_set_is_a_clear_error():
    X, _, y, _ = _data()
    clf = MLPMomentumClassifier(callbacks=[EarlyStopping(monitor="val_loss")])
    with pytest.raises(ValueError, match="needs a validation set"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match="'monitor' parameter of EarlyStopping"):
        MLPMomentumClassifier(callbacks=[EarlyStopping(monitor="accuracy")]).fit(X, y)


def test_builtin_early_stopping_and_val_loss_callback_together():
    X, _, y, _ = _data()
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        callbacks=[EarlyStopping(monitor="val_loss", patience=3)],
        random_state=0,
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert len(clf.validation_loss_curve_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)


# ------------------------------------------------------ ReduceLROnPlateau


def test_reduce_lr_on_plateau_lowers_the_rate_as_specified():
    X, _, y, _ = _data()
    solver = Momentum(learning_rate=0.01)
    reducer = ReduceLROnPlateau(
        monitor="loss", factor=0.1, patience=2, min_delta=10.0, min_lr=5e-5
    )
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(8,),
        solver=solver,
        max_iter=9,
        n_iter_no_change=np.inf,
        callbacks=[reducer],
        random_state=0,
    ).fit(X, y)
    rates = [record["learning_rate"] for record in clf.history_]
    # Epoch 1 sets the best; epochs 2 and 3 do not improve by 10: reduce
    # after epoch 3, then after every two more, never below min_lr.
    expected = [1e-2] * 3 + [1e-3] * 2 + [1e-4] * 2 + [5e-5] * 2
    assert_allclose(rates, expected, rtol=1e-12)
    assert [epoch for epoch, _ in clf.callbacks_[0].reductions_] == [3, 5, 7]
    assert solver.learning_rate == 0.01  # never mutated
    assert clf.solver_state_.lr_scale == pytest.approx(5e-3)


def test_reduce_lr_on_plateau_cooldown_and_val_loss():
    X, X_val, y, y_val = _data()
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(8,),
        solver=Momentum(learning_rate=0.01),
        max_iter=8,
        n_iter_no_change=np.inf,
        random_state=0,
        callbacks=[ReduceLROnPlateau(patience=1, min_delta=10.0, cooldown=2)],
    ).fit(X, y, X_val=X_val, y_val=y_val)
    assert [e for e, _ in clf.callbacks_[0].reductions_] == [2, 5, 8]


def test_reduce_lr_on_plateau_needs_a_learning_rate():
    X, _, y, _ = _data(n=60)
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,),
        solver=Genetic(population_size=6),
        max_iter=2,
        callbacks=[ReduceLROnPlateau(monitor="loss")],
    )
    with pytest.raises(ValueError, match="needs a solver with a learning rate"):
        clf.fit(X, y)


# ------------------------------------------------------------ validation


class CountEpochs(Callback):
    def on_train_begin(self, context):
        self.epochs_ = 0

    def on_epoch_end(self, context):
        self.epochs_ += 1


@pytest.mark.parametrize(
    "callback, name",
    [
        (EarlyStopping(monitor="loss", patience="3"), "patience"),
        (EarlyStopping(monitor="loss", patience=-1), "patience"),
        (EarlyStopping(monitor="loss", patience=0), "patience"),
        (EarlyStopping(monitor="loss", min_delta=float("nan")), "min_delta"),
        (EarlyStopping(monitor="loss", min_delta=-0.1), "min_delta"),
        (EarlyStopping(monitor="loss", restore_best_weights="yes"), "restore_best"),
        (ReduceLROnPlateau(monitor="loss", factor="0.5"), "factor"),
        (ReduceLROnPlateau(monitor="loss", factor=2), "factor"),
        (ReduceLROnPlateau(monitor="loss", factor=1.0), "factor"),
        (ReduceLROnPlateau(monitor="loss", patience=-1), "patience"),
        (ReduceLROnPlateau(monitor="loss", cooldown=1.5), "cooldown"),
        (ReduceLROnPlateau(monitor="loss", min_lr=-1e-3), "min_lr"),
        (ReduceLROnPlateau(monitor="loss", min_delta=float("nan")), "min_delta"),
        (ModelCheckpoint(monitor="loss", format="json"), "format"),
        (ProgressBar(file="stdrr"), "file"),
        (ProgressBar(force=1), "force"),
        (ProgressBar(mininterval=-1), "mininterval"),
    ],
    ids=repr,
)
def test_invalid_hyperparameters_are_errors_before_the_first_epoch(callback, name):
    X, _, y, _ = _data(n=60)
    counter = CountEpochs()
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,), max_iter=3, callbacks=[counter, callback]
    )
    with pytest.raises(ValueError, match=f"'{name}\\w*' parameter of"):
        clf.fit(X, y)
    # Also a TypeError, as scikit-learn's own parameter errors are.
    with pytest.raises(TypeError):
        clf.fit(X, y)
    assert not hasattr(clf, "callbacks_")


def test_a_callback_class_instead_of_an_instance_is_a_clear_error():
    X, _, y, _ = _data(n=60)
    clf = MLPMomentumClassifier(callbacks=[EarlyStopping])
    with pytest.raises(TypeError, match=r"class EarlyStopping, not an instance"):
        clf.fit(X, y)


def test_an_object_without_hooks_is_a_clear_error():
    X, _, y, _ = _data(n=60)
    clf = MLPMomentumClassifier(callbacks=[object()])
    with pytest.raises(TypeError, match="none of the callback hooks"):
        clf.fit(X, y)


def test_a_user_callback_without_constraints_is_accepted():
    X, _, y, _ = _data(n=60)
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,), max_iter=4, callbacks=[StopAt(2)]
    ).fit(X, y)
    assert clf.n_iter_ == 2


# ---------------------------------------------------- stopping and hooks


class StopAt(Callback):
    def __init__(self, epoch=3):
        self.epoch = epoch

    def on_epoch_end(self, context):
        return context.epoch >= self.epoch


class Recorder(Callback):
    def __init__(self, events=None):
        self.events = events

    def on_train_begin(self, context):
        self.events.append("train_begin")

    def on_epoch_begin(self, context):
        self.events.append(f"epoch_begin {context.epoch}")

    def on_batch_end(self, context):
        self.events.append("batch")

    def on_epoch_end(self, context):
        self.events.append(f"epoch_end {context.record['epoch']}")

    def on_train_end(self, context):
        self.events.append("train_end")


def test_callback_returning_true_stops_after_that_epoch():
    X, _, y, _ = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = MLPMomentumClassifier(
            hidden_layer_sizes=(8,), callbacks=[StopAt(4)], random_state=0
        ).fit(X, y)
    assert clf.n_iter_ == 4
    assert len(clf.loss_curve_) == len(clf.history_) == 4


def test_hooks_order_and_batch_hook():
    X, _, y, _ = _data(n=100)  # 70 rows, batches of 32: 3 per epoch
    events = []
    MLPMomentumClassifier(
        hidden_layer_sizes=(4,),
        solver=Momentum(batch_size=32),
        max_iter=2,
        callbacks=[Recorder(events)],
        random_state=0,
    ).fit(X, y)
    assert events == [
        "train_begin",
        "epoch_begin 1",
        "batch",
        "batch",
        "batch",
        "epoch_end 1",
        "epoch_begin 2",
        "batch",
        "batch",
        "batch",
        "epoch_end 2",
        "train_end",
    ]


def test_batch_hook_can_stop_mid_epoch():
    class StopAfterBatches(Callback):
        def on_batch_end(self, context):
            return context.batch == 1

    X, _, y, _ = _data(n=100)
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,),
        solver=Momentum(batch_size=10),
        max_iter=5,
        callbacks=[StopAfterBatches()],
        random_state=0,
    ).fit(X, y)
    assert clf.n_iter_ == 1
    assert clf.solver_state_.t == 2


def test_plain_object_with_hooks_is_accepted():
    class Plain:
        def __init__(self):
            self.seen = 0

        def on_epoch_end(self, context):
            self.seen += 1
            return self.seen == 2

    X, _, y, _ = _data()
    plain = Plain()
    clf = MLPMomentumClassifier(hidden_layer_sizes=(4,), callbacks=[plain]).fit(X, y)
    assert clf.n_iter_ == 2
    assert plain.seen == 0  # a copy was used


# ------------------------------------------------------------ progress bar


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def _fit_with_bar(bar):
    X, _, y, _ = _data()
    MLPMomentumClassifier(
        hidden_layer_sizes=(4,), max_iter=5, callbacks=[bar], random_state=0
    ).fit(X, y)


def test_progress_bar_draws_on_a_terminal():
    X, X_val, y, y_val = _data()
    out = FakeTerminal()
    MLPMomentumClassifier(
        hidden_layer_sizes=(4,),
        max_iter=5,
        n_iter_no_change=np.inf,
        callbacks=[ProgressBar(file=out, mininterval=0)],
        random_state=0,
    ).fit(X, y, X_val=X_val, y_val=y_val)
    text = out.getvalue()
    assert "MLPMomentumClassifier" in text
    assert "5/5" in text
    assert "loss=" in text and "val_loss=" in text and "val_score=" in text


def test_progress_bar_is_silent_off_a_terminal_unless_forced():
    out = io.StringIO()
    _fit_with_bar(ProgressBar(file=out))
    assert out.getvalue() == ""
    _fit_with_bar(ProgressBar(file=out, force=True))
    assert "5/5" in out.getvalue()


def test_progress_bar_without_tqdm_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(ImportError, match="pip install tqdm"):
        _fit_with_bar(ProgressBar(file=FakeTerminal()))


def test_progress_bar_shares_its_stream_when_cloned():
    out = FakeTerminal()
    clf = clone(MLPMomentumClassifier(callbacks=[ProgressBar(file=out)]))
    assert clf.callbacks[0].file is out


@pytest.mark.parametrize("stream", ["stderr", "stdout", None, "sys.stderr"])
def test_estimator_with_a_progress_bar_pickles_deepcopies_and_dumps(stream, tmp_path):
    import copy

    import joblib

    file = sys.stderr if stream == "sys.stderr" else stream
    X, _, y, _ = _data(n=60)
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,), max_iter=2, callbacks=[ProgressBar(file=file)]
    )

    def same_stream(restored):
        # sys.stderr comes back as its name, resolved at fit time.
        expected = "stderr" if stream == "sys.stderr" else stream
        return restored.callbacks[0].file == expected

    for estimator in (clf, clone(clf).fit(X, y)):
        assert same_stream(pickle.loads(pickle.dumps(estimator)))
        assert same_stream(copy.deepcopy(estimator))
        joblib.dump(estimator, tmp_path / "model.joblib")
        assert same_stream(joblib.load(tmp_path / "model.joblib"))


def test_estimator_with_every_callback_saves_with_skops_trusting_nothing(tmp_path):
    sio = pytest.importorskip("skops.io")
    X, _, y, _ = _data(n=60)
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,),
        max_iter=3,
        callbacks=[
            ProgressBar(file=sys.stderr),
            EarlyStopping(monitor="loss"),
            ReduceLROnPlateau(monitor="loss"),
            ModelCheckpoint(monitor="loss", path=tmp_path / "ckpt-{fit_id}.skops"),
        ],
    ).fit(X, y)
    data = sio.dumps(clf)
    # Only the estimator's class needs trusting: no callback adds a type.
    untrusted = sio.get_untrusted_types(data=data)
    assert untrusted == [f"{type(clf).__module__}.{type(clf).__name__}"]
    restored = sio.loads(data, trusted=untrusted)
    assert restored.callbacks[0].file == "stderr"
    assert_array_equal(restored.predict(X), clf.predict(X))


def test_progress_bar_writes_to_a_stream_named_by_string(capsys):
    X, _, y, _ = _data(n=60)
    MLPMomentumClassifier(
        hidden_layer_sizes=(4,),
        max_iter=3,
        callbacks=[ProgressBar(file="stdout", force=True)],
    ).fit(X, y)
    captured = capsys.readouterr()
    assert "3/3" in captured.out and captured.err == ""


# -------------------------------------------------------------- checkpoint


def test_model_checkpoint_in_memory_and_on_disk(tmp_path):
    X, X_val, y, y_val = _data(n=200, flip_y=0.3)
    path = tmp_path / "best.pkl"
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(64,),
        solver=Momentum(learning_rate=0.1),
        max_iter=40,
        n_iter_no_change=np.inf,
        random_state=0,
        callbacks=[
            ModelCheckpoint(monitor="val_loss"),
            ModelCheckpoint(monitor="val_loss", path=path),
        ],
    ).fit(X, y, X_val=X_val, y_val=y_val)
    memory, _ = clf.callbacks_
    assert memory.best_value_ == min(clf.validation_loss_curve_)
    assert memory.best_epoch_ < clf.n_iter_  # overfits: the last epoch is not best
    saved = ModelCheckpoint.load(path)
    assert saved["epoch"] == memory.best_epoch_
    for W, W_saved in zip(memory.best_coefs_, saved["coefs"]):
        assert_array_equal(W, W_saved)
    # The checkpoint reproduces the best epoch's validation loss.
    clf.coefs_, clf.intercepts_ = saved["coefs"], saved["intercepts"]
    assert log_loss(y_val, clf.predict_proba(X_val)) == pytest.approx(
        saved["value"], rel=1e-10
    )


# ------------------------------------------------------- history and val


def test_history_records_and_dataframe():
    X, X_val, y, y_val = _data()
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(8,), alpha=1.0, max_iter=4, random_state=0
    ).fit(X, y, X_val=X_val, y_val=y_val)
    frame = pd.DataFrame(clf.history_)
    assert list(frame.columns) == [
        "epoch",
        "loss",
        "val_loss",
        "val_score",
        "learning_rate",
        "seconds",
    ]
    assert frame["epoch"].tolist() == [1, 2, 3, 4]
    assert frame["loss"].tolist() == clf.loss_curve_
    assert frame["val_loss"].tolist() == clf.validation_loss_curve_
    assert frame["val_score"].tolist() == clf.validation_scores_
    assert (frame["learning_rate"] == clf.solver_.learning_rate).all()
    assert (frame["seconds"] > 0).all()
    # The validation loss is the data term only (no L2 penalty), the score
    # the accuracy, both at the last epoch's weights.
    last = clf.history_[-1]
    assert last["val_loss"] == pytest.approx(
        log_loss(y_val, clf.predict_proba(X_val)), rel=1e-10
    )
    assert last["val_score"] == clf.score(X_val, y_val)


def test_history_without_validation_and_warm_start_numbering():
    X, _, y, _ = _data()
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,), max_iter=3, warm_start=True, random_state=0
    )
    clf.fit(X, y)
    assert set(clf.history_[0]) == {"epoch", "loss", "learning_rate", "seconds"}
    assert clf.validation_loss_curve_ is None and clf.validation_scores_ is None
    clf.fit(X, y)
    assert [r["epoch"] for r in clf.history_] == [1, 2, 3, 4, 5, 6]
    clf.partial_fit(X, y)
    assert clf.history_[-1]["epoch"] == 7


def test_history_learning_rate_is_none_for_genetic():
    X, _, y, _ = _data(n=60)
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,),
        solver=Genetic(population_size=6),
        max_iter=2,
        random_state=0,
    ).fit(X, y)
    assert [r["learning_rate"] for r in clf.history_] == [None, None]


def test_history_learning_rate_follows_a_schedule():
    X, _, y, _ = _data(n=100)

    def schedule(t):
        return 0.1 / (1 + t)

    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(4,),
        solver=Momentum(learning_rate=schedule),
        max_iter=3,
        random_state=0,
    ).fit(X, y)
    # 70 rows, one batch per epoch: update t uses schedule(t).
    assert_allclose([r["learning_rate"] for r in clf.history_], [0.1, 0.05, 0.1 / 3])


def test_validation_set_errors():
    X, X_val, y, y_val = _data()
    clf = MLPMomentumClassifier(hidden_layer_sizes=(4,), max_iter=2)
    with pytest.raises(ValueError, match="given together"):
        clf.fit(X, y, X_val=X_val)
    with pytest.raises(
        ValueError, match=r"y_val contains classes \[5, 6\] that are not in classes_"
    ):
        clf.fit(X, y, X_val=X_val, y_val=y_val + 5)
    with pytest.raises(ValueError, match="features"):
        clf.fit(X, y, X_val=X_val[:, :3], y_val=y_val)


def test_explicit_validation_set_replaces_the_split():
    X, X_val, y, y_val = _data()
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(8,), early_stopping=True, random_state=0
    ).fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.validation_scores_[-1] <= clf.best_validation_score_
    assert clf.best_validation_score_ == pytest.approx(clf.score(X_val, y_val))


# ------------------------------------------------------------ class_weight


def test_balanced_class_weight_raises_minority_recall():
    X, y = make_classification(
        n_samples=3000,
        n_features=10,
        n_informative=4,
        weights=[0.99, 0.01],
        flip_y=0,
        class_sep=0.8,
        random_state=0,
    )
    X, X_test, y, y_test = train_test_split(X, y, stratify=y, random_state=0)
    params = dict(hidden_layer_sizes=(16,), max_iter=30, random_state=0)
    plain = MLPMomentumClassifier(**params).fit(X, y)
    balanced = MLPMomentumClassifier(class_weight="balanced", **params).fit(X, y)
    recall_plain = recall_score(y_test, plain.predict(X_test))
    recall_balanced = recall_score(y_test, balanced.predict(X_test))
    assert recall_balanced > recall_plain + 0.2


def test_class_weight_dict_multiplies_sample_weight():
    X, _, y, _ = _data()
    sw = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    params = dict(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    weighted = MLPMomentumClassifier(class_weight={0: 1.0, 1: 3.0}, **params)
    weighted.fit(X, y, sample_weight=sw)
    manual = MLPMomentumClassifier(**params)
    manual.fit(X, y, sample_weight=sw * np.where(y == 1, 3.0, 1.0))
    assert_allclose(weighted.coefs_[0], manual.coefs_[0], rtol=1e-12)


def test_class_weight_multilabel_and_partial_fit():
    X, Y = make_multilabel_classification(n_samples=50, random_state=0)
    with pytest.raises(ValueError, match="dict is not supported for multilabel"):
        MLPMomentumClassifier(class_weight={0: 1.0}).fit(X, Y)
    # "balanced" for multilabel: product of per-label balanced weights.
    params = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    balanced = MLPMomentumClassifier(class_weight="balanced", **params).fit(X, Y)
    manual = MLPMomentumClassifier(**params)
    manual.fit(X, Y, sample_weight=compute_sample_weight("balanced", Y))
    assert_allclose(balanced.coefs_[0], manual.coefs_[0], rtol=1e-10)

    X, _, y, _ = _data()
    with pytest.raises(ValueError, match=r"labels \[7\] that are not classes"):
        MLPMomentumClassifier(class_weight={0: 1, 7: 2}).fit(X, y)
    # partial_fit: "balanced" from the block, dicts as given.
    block = MLPMomentumClassifier(class_weight="balanced", **params)
    block.partial_fit(X, y, classes=[0, 1])
    manual = MLPMomentumClassifier(**params)
    manual.partial_fit(
        X, y, classes=[0, 1], sample_weight=compute_sample_weight("balanced", y)
    )
    assert_allclose(block.coefs_[0], manual.coefs_[0], rtol=1e-10)
    MLPMomentumClassifier(class_weight={0: 1, 1: 2}).partial_fit(
        X[y == 0], y[y == 0], classes=[0, 1]
    )


# ------------------------------------------- scikit-learn compatibility


@parametrize_with_checks(
    [
        MLPMomentumClassifier(
            callbacks=[
                EarlyStopping(monitor="loss", patience=3),
                ReduceLROnPlateau(monitor="loss", patience=2),
            ],
            max_iter=20,
            random_state=0,
        ),
        MLPMomentumClassifier(
            class_weight="balanced",
            callbacks=[ProgressBar()],
            max_iter=20,
            random_state=0,
        ),
    ]
)
def test_sklearn_compatible_with_callbacks(estimator, check):
    check(estimator)


def test_grid_search_with_callbacks_is_picklable():
    X, _, y, _ = _data()
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(8,),
        max_iter=30,
        random_state=0,
        callbacks=[EarlyStopping(monitor="loss", patience=2), ProgressBar()],
    )
    search = GridSearchCV(
        clf,
        {
            "solver": [Momentum(learning_rate=0.01), Momentum(learning_rate=0.1)],
            "class_weight": [None, "balanced"],
        },
        cv=2,
    ).fit(X, y)
    best = search.best_estimator_
    assert best.callbacks_[0].best_epoch_ is not None
    assert (
        clf.callbacks[0].get_params()
        == EarlyStopping(monitor="loss", patience=2).get_params()
    )
    restored = pickle.loads(pickle.dumps(search))
    assert_array_equal(restored.predict(X), search.predict(X))


def test_callbacks_as_grid_values():
    X, _, y, _ = _data()
    search = GridSearchCV(
        MLPMomentumClassifier(hidden_layer_sizes=(4,), max_iter=20, random_state=0),
        {"callbacks": [None, [EarlyStopping(monitor="loss", patience=1)]]},
        cv=2,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 2


def test_clone_copies_callbacks_with_their_parameters():
    stopper = EarlyStopping(monitor="loss", patience=7)
    cloned = clone(MLPMomentumClassifier(callbacks=[stopper]))
    assert cloned.callbacks[0] is not stopper
    assert cloned.callbacks[0].get_params() == stopper.get_params()
    assert repr(stopper) == "EarlyStopping(monitor='loss', patience=7)"


# --------------------------------------------- scikit-learn's callback API


def test_sklearn_scoring_monitor_sees_every_epoch():
    callback_api = pytest.importorskip("sklearn.callback")
    X, _, y, _ = _data()
    monitor = callback_api.ScoringMonitor(scoring="accuracy")
    clf = MLPMomentumClassifier(hidden_layer_sizes=(4,), max_iter=6, random_state=0)
    clf.set_callbacks(monitor)
    clf.fit(X, y)
    frame = monitor.get_logs().data_as_pandas
    epochs = frame[frame["task_name"] == "epoch"]
    assert len(epochs) == 6
    assert epochs["accuracy"].iloc[-1] == pytest.approx(clf.score(X, y))
    # clone keeps scikit-learn's callbacks, as for its own estimators.
    assert clone(clf)._skl_callbacks == [monitor]


def test_sklearn_callback_can_stop_training():
    pytest.importorskip("sklearn.callback")

    class StopAtThird:
        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context):
            pass

        def on_fit_task_end(self, estimator, context):
            return context.task_name == "epoch" and context.task_id == 2

    X, _, y, _ = _data()
    clf = MLPMomentumClassifier(hidden_layer_sizes=(4,), max_iter=10)
    clf.set_callbacks(StopAtThird()).fit(X, y)
    assert clf.n_iter_ == 3
