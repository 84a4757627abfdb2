"""Tests of the displays: attributes, labels and the number of lines drawn."""

import builtins
import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg", force=True)
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skmomentum import MLPMomentumClassifier, minimize  # noqa: E402
from skmomentum.display import (  # noqa: E402
    LossCurveDisplay,
    OptimizationPathDisplay,
)
from skmomentum.solvers import Momentum  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _fit(X, y, **params):
    params = {"hidden_layer_sizes": (5,), "max_iter": 8, "random_state": 0, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPMomentumClassifier(**params).fit(X, y)


def ravine(x):
    return 0.5 * (x[0] ** 2 + 10.0 * x[1] ** 2)


def ravine_grad(x):
    return np.array([x[0], 10.0 * x[1]])


# --- LossCurveDisplay -------------------------------------------------------


def test_loss_curve_from_estimator_attributes(iris):
    clf = _fit(*iris, solver=Momentum(learning_rate=0.05))
    display = LossCurveDisplay.from_estimator(clf)

    assert display.ax_.figure is display.figure_
    assert display.line_ in display.ax_.get_lines()
    assert display.lines_ == [display.line_]
    assert display.validation_line_ is None
    assert display.score_ax_ is None
    np.testing.assert_allclose(display.line_.get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(
        display.line_.get_xdata(), np.arange(1, clf.n_iter_ + 1)
    )
    assert display.line_.get_label() == "Momentum"
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_ylabel() == "loss"
    assert display.ax_.get_legend() is not None


def test_loss_curve_name_and_alias(iris):
    clf = _fit(*iris, solver="adam")
    display = LossCurveDisplay.from_estimator(clf)
    assert display.line_.get_label() == "Adam"
    display = LossCurveDisplay.from_estimator(clf, name="mine")
    assert display.line_.get_label() == "mine"


def test_loss_curve_several_estimators_share_axes(iris):
    _, ax = plt.subplots()
    displays = [
        LossCurveDisplay.from_estimator(_fit(*iris, solver=s), ax=ax, name=s)
        for s in ("gd", "momentum", "adam")
    ]
    assert all(d.ax_ is ax for d in displays)
    assert len(ax.get_lines()) == 3
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["gd", "momentum", "adam"]
    # Each estimator gets its own colour.
    assert len({d.line_.get_color() for d in displays}) == 3


def _without_validation_loss(clf):
    # Only the accuracy, as scikit-learn's MLPClassifier records it.
    clf.validation_loss_curve_ = None
    return clf


def test_loss_curve_validation_scores_on_second_axis(iris):
    _, ax = plt.subplots()
    first = LossCurveDisplay.from_estimator(
        _without_validation_loss(_fit(*iris, early_stopping=True, solver="adam")),
        ax=ax,
    )
    second = LossCurveDisplay.from_estimator(
        _without_validation_loss(_fit(*iris, early_stopping=True, solver="gd")),
        ax=ax,
    )
    assert first.score_ax_ is not None
    # The second estimator reuses the twin axis instead of stacking another.
    assert second.score_ax_ is first.score_ax_
    assert len(ax.get_lines()) == 2
    assert len(first.score_ax_.get_lines()) == 2
    assert first.validation_line_.get_color() == first.line_.get_color()
    assert first.validation_line_.get_linestyle() == ":"
    assert first.score_ax_.get_ylabel() == "validation accuracy"
    assert len(second.lines_) == 2
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Adam (validation) accuracy" in legend


def test_loss_curve_validation_loss_preferred(iris):
    clf = _fit(*iris, early_stopping=True)
    assert clf.validation_scores_ is not None
    if getattr(clf, "validation_loss_curve_", None) is None:
        clf.validation_loss_curve_ = [1.0] * len(clf.loss_curve_)
    display = LossCurveDisplay.from_estimator(clf)
    np.testing.assert_allclose(
        display.validation_line_.get_ydata(), clf.validation_loss_curve_
    )
    assert display.score_ax_ is None
    assert display.validation_line_.axes is display.ax_
    assert display.validation_line_.get_linestyle() == "--"
    assert len(display.ax_.get_lines()) == 2


def test_loss_curve_validation_can_be_hidden(iris):
    clf = _fit(*iris, early_stopping=True)
    display = LossCurveDisplay.from_estimator(clf, validation=False)
    assert display.validation_line_ is None
    assert display.score_ax_ is None
    assert len(display.lines_) == 1
    assert display.line_.get_label() == "Adam"  # the default solver


def test_loss_curve_pipeline_and_sklearn_mlp(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe = make_pipeline(
            StandardScaler(), MLPClassifier((5,), max_iter=5, random_state=0)
        ).fit(X, y)
    display = LossCurveDisplay.from_estimator(pipe)
    assert display.line_.get_label() == "adam"
    assert len(display.line_.get_ydata()) == 5


def test_loss_curve_kwargs_and_direct_plot():
    display = LossCurveDisplay([3.0, 2.0, 1.0], validation_curve=[3.5, 2.5, 2.0])
    display.plot(line_kwargs={"color": "red"}, validation_kwargs={"linewidth": 3})
    assert display.line_.get_color() == "red"
    assert display.line_.get_label() == "training"
    assert display.validation_line_.get_linewidth() == 3
    assert display.validation_line_.get_label() == "validation"


def test_loss_curve_unfitted_raises():
    with pytest.raises(ValueError, match="fit it before"):
        LossCurveDisplay.from_estimator(MLPMomentumClassifier())


def test_loss_curve_bad_kind():
    with pytest.raises(ValueError, match="validation_kind"):
        LossCurveDisplay([1.0], validation_kind="accuracy").plot()


# --- OptimizationPathDisplay ------------------------------------------------


@pytest.fixture
def result():
    return minimize(
        ravine,
        [-4.0, 1.0],
        jac=ravine_grad,
        solver=Momentum(learning_rate=0.05),
        max_iter=30,
    )


def test_path_from_result_attributes(result):
    display = OptimizationPathDisplay.from_result(result, ravine, name="momentum")
    assert display.ax_.figure is display.figure_
    np.testing.assert_allclose(display.line_.get_xydata(), result.path)
    np.testing.assert_allclose(display.start_.get_xydata(), result.path[:1])
    assert display.contour_ is not None
    assert display.line_.get_label() == "momentum"
    assert display.ax_.get_xlabel() == "$w_1$"
    assert display.ax_.get_ylabel() == "$w_2$"
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["momentum"]
    # The contour covers the path.
    (x0, x1), (y0, y1) = display.ax_.get_xlim(), display.ax_.get_ylim()
    assert x0 <= result.path[:, 0].min() and x1 >= result.path[:, 0].max()
    assert y0 <= result.path[:, 1].min() and y1 >= result.path[:, 1].max()


def test_path_several_results_share_one_contour(result):
    other = minimize(ravine, [-4.0, 1.0], jac=ravine_grad, solver="gd", max_iter=30)
    first = OptimizationPathDisplay.from_result(result, ravine, name="momentum")
    second = OptimizationPathDisplay.from_result(other, ravine, ax=first.ax_, name="gd")
    assert second.ax_ is first.ax_
    assert second.contour_ is None
    # Two paths, each with its start marker.
    assert len(first.ax_.get_lines()) == 4
    legend = [t.get_text() for t in first.ax_.get_legend().get_texts()]
    assert legend == ["momentum", "gd"]


def test_path_scalar_only_function_and_limits(result):
    calls = []

    def scalar_only(x):
        x = np.asarray(x)
        if x.shape != (2,):
            raise ValueError("one point at a time")
        calls.append(1)
        return float(ravine(x))

    display = OptimizationPathDisplay(result.path, scalar_only).plot(
        xlim=(-5, 5), ylim=(-2, 2), resolution=20, levels=[1.0, 2.0, 4.0]
    )
    assert len(calls) == 400
    assert display.ax_.get_xlim() == (-5, 5)
    assert list(display.contour_.levels) == [1.0, 2.0, 4.0]
    assert display.ax_.get_legend() is None


def test_path_rejects_wrong_shape():
    with pytest.raises(ValueError, match=r"shape \(n_iterates, 2\)"):
        OptimizationPathDisplay(np.zeros((5, 3)), ravine).plot()
    with pytest.raises(ValueError, match="no path"):
        OptimizationPathDisplay.from_result(object(), ravine)


def test_missing_matplotlib_message(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    for module in [m for m in sys.modules if m.startswith("matplotlib")]:
        monkeypatch.delitem(sys.modules, module)
    with pytest.raises(ImportError, match=r"pip install skmomentum\[plots\]"):
        LossCurveDisplay([1.0]).plot()
    with pytest.raises(ImportError, match=r"OptimizationPathDisplay\.plot requires"):
        OptimizationPathDisplay(np.zeros((2, 2)), ravine).plot()
