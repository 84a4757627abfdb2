"""ModelCheckpoint files: atomic, per fit, safe to load, checked before training."""

import os
import pickle
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score

from skmomentum import MLPMomentumClassifier
from skmomentum.callbacks import Callback, ModelCheckpoint
from skmomentum.solvers import Momentum


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


X, y = make_classification(n_samples=90, n_features=5, random_state=0)


class CountEpochs(Callback):
    def on_train_begin(self, context):
        self.epochs_ = 0

    def on_epoch_end(self, context):
        self.epochs_ += 1


def _clf(*callbacks, max_iter=5):
    return MLPMomentumClassifier(
        hidden_layer_sizes=(4,),
        solver=Momentum(learning_rate=0.05),
        max_iter=max_iter,
        random_state=0,
        callbacks=list(callbacks),
    )


def _checkpoint(path, **kwargs):
    return ModelCheckpoint(monitor="loss", path=path, **kwargs)


def test_default_format_is_skops_and_holds_the_best_epoch(tmp_path):
    clf = _clf(_checkpoint(tmp_path / "best.skops"), max_iter=8).fit(X, y)
    fitted = clf.callbacks_[0]
    assert fitted.path_ == str(tmp_path / "best.skops")
    with open(fitted.path_, "rb") as f:
        assert f.read(4) == b"PK\x03\x04"  # a zip archive: skops
    saved = ModelCheckpoint.load(fitted.path_)
    assert saved["epoch"] == fitted.best_epoch_
    assert saved["value"] == min(clf.loss_curve_)
    for W, W_saved in zip(fitted.best_coefs_, saved["coefs"]):
        assert_array_equal(W, W_saved)
    # Only the checkpoint is left in the folder: no temporary files.
    assert os.listdir(tmp_path) == ["best.skops"]


def test_fit_id_template_gives_each_fit_its_own_file(tmp_path):
    checkpoint = _checkpoint(str(tmp_path / "ckpt-{fit_id}.skops"))
    cross_val_score(_clf(checkpoint), X, y, cv=3)
    files = sorted(os.listdir(tmp_path))
    assert len(files) == 3
    for name in files:
        assert name.startswith("ckpt-") and name.endswith(".skops")
        assert ModelCheckpoint.load(tmp_path / name)["monitor"] == "loss"


def test_grid_search_in_parallel_writes_distinct_files_and_scores_every_fit(
    tmp_path,
):
    checkpoint = _checkpoint(str(tmp_path / "ckpt-{fit_id}.skops"))
    search = GridSearchCV(
        _clf(checkpoint), {"alpha": [1e-4, 1e-2]}, cv=2, n_jobs=2, error_score="raise"
    ).fit(X, y)
    assert not np.isnan(search.cv_results_["mean_test_score"]).any()
    files = os.listdir(tmp_path)
    assert len(files) == 2 * 2 + 1  # every fold of every candidate, and the refit
    assert all(name.endswith(".skops") for name in files)
    refit_file = search.best_estimator_.callbacks_[0].path_
    assert os.path.basename(refit_file) in files


def test_one_shared_path_in_parallel_never_crashes_a_fit(tmp_path):
    # Without {fit_id} the fits share the file (the last write wins), but
    # their temporary files are unique: no fit fails, no score is NaN.
    path = tmp_path / "shared.skops"
    search = GridSearchCV(
        _clf(_checkpoint(path)),
        {"alpha": [1e-4, 1e-3, 1e-2]},
        cv=2,
        n_jobs=2,
        error_score=np.nan,
    ).fit(X, y)
    assert not np.isnan(search.cv_results_["mean_test_score"]).any()
    assert os.listdir(tmp_path) == ["shared.skops"]
    assert ModelCheckpoint.load(path)["epoch"] >= 1


def test_a_symlink_planted_at_the_path_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    path = tmp_path / "best.skops"
    path.symlink_to(victim)
    (tmp_path / "best.skops.tmp").symlink_to(victim)  # the old temporary name
    _clf(_checkpoint(path)).fit(X, y)
    assert victim.read_text() == "precious"
    assert not path.is_symlink()
    assert ModelCheckpoint.load(path)["monitor"] == "loss"


def test_a_missing_folder_is_an_error_before_the_first_epoch(tmp_path):
    counter = CountEpochs()
    clf = _clf(counter, _checkpoint(tmp_path / "nowhere" / "best.skops"))
    with pytest.raises(FileNotFoundError, match="does not exist; create it"):
        clf.fit(X, y)
    assert os.listdir(tmp_path) == []


def test_an_unwritable_folder_is_an_error_before_the_first_epoch(tmp_path):
    if os.geteuid() == 0:  # root writes anywhere chmod allows; /sys refuses
        folder = "/sys"
        if not os.path.isdir(folder):
            pytest.skip("needs a folder that refuses new files")
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
    with pytest.raises(PermissionError, match="cannot create files in"):
        _clf(_checkpoint(os.path.join(folder, "best.skops"))).fit(X, y)


@pytest.mark.parametrize(
    "path, error, match",
    [
        (b"best.skops", TypeError, "'path' parameter of ModelCheckpoint"),
        ("ckpt-{epoch}.skops", ValueError, "unknown field"),
        ("ckpt-{fit_id", ValueError, "not a valid template"),
    ],
)
def test_bad_paths_are_clear_errors(tmp_path, monkeypatch, path, error, match):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=match):
        _clf(_checkpoint(path)).fit(X, y)
    assert os.listdir(tmp_path) == []


def test_a_folder_as_path_is_a_clear_error(tmp_path):
    with pytest.raises(IsADirectoryError, match="names a folder"):
        _clf(_checkpoint(tmp_path)).fit(X, y)


def test_load_refuses_pickle_unless_allowed(tmp_path):
    path = tmp_path / "best.pkl"
    _clf(_checkpoint(path, format="pickle")).fit(X, y)
    with pytest.raises(ValueError, match="allow_pickle=True"):
        ModelCheckpoint.load(path)
    saved = ModelCheckpoint.load(path, allow_pickle=True)
    assert saved["monitor"] == "loss"
    # And a pickle that would run code is refused the same way.
    evil = tmp_path / "evil.pkl"
    evil.write_bytes(pickle.dumps(print))
    with pytest.raises(ValueError, match="not a skops checkpoint"):
        ModelCheckpoint.load(evil)


def test_without_skops_the_error_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "skops", None)
    monkeypatch.setitem(sys.modules, "skops.io", None)
    with pytest.raises(ImportError, match=r"skmomentum\[skops\]"):
        _clf(_checkpoint(tmp_path / "best.skops")).fit(X, y)
    # format="pickle" needs nothing more.
    _clf(_checkpoint(tmp_path / "best.pkl", format="pickle")).fit(X, y)
    assert os.listdir(tmp_path) == ["best.pkl"]
