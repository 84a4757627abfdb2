"""
A pandas table through a Pipeline and a grid search over solvers
================================================================

:class:`~skmomentum.MLPMomentumClassifier` is a scikit-learn estimator, so
it drops into the usual tabular workflow: a :class:`pandas.DataFrame` in, a
:class:`~sklearn.compose.ColumnTransformer` preparing the columns, the
classifier as the last step of a :class:`~sklearn.pipeline.Pipeline`, and
:class:`~sklearn.model_selection.GridSearchCV` choosing the solver.

Because solvers are objects with ``get_params``/``set_params``, the grid can
hold *solver objects* and reach into their hyperparameters with nested keys
such as ``mlp__solver__learning_rate``.
"""

# %%
# The data: scikit-learn's wine table
# -----------------------------------
# 178 wines from three cultivars, 13 chemical measurements each, as a
# DataFrame.
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import Adam, Momentum, Nesterov

X, y = load_wine(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
X_train.describe().T[["mean", "std", "min", "max"]].round(2)

# %%
# Preparing the columns
# ---------------------
# The columns live on very different scales (``proline`` is in the
# hundreds, ``hue`` around 1), which gradient descent handles badly: one
# learning rate cannot suit weights whose gradients differ by orders of
# magnitude -- the ravine of the ravine example. The skewed, positive columns
# are log-transformed before scaling; the others are only standardised.
skewed = ["proline", "magnesium", "color_intensity", "malic_acid"]
others = [c for c in X.columns if c not in skewed]
prepare = ColumnTransformer(
    [
        (
            "log_scale",
            Pipeline(
                [
                    (
                        "log",
                        FunctionTransformer(np.log1p, feature_names_out="one-to-one"),
                    ),
                    ("scale", StandardScaler()),
                ]
            ),
            skewed,
        ),
        ("scale", StandardScaler(), others),
    ]
)
pipe = Pipeline(
    [
        ("prepare", prepare),
        (
            "mlp",
            MLPMomentumClassifier(
                hidden_layer_sizes=(16,), max_iter=60, random_state=0
            ),
        ),
    ]
)
pipe

# %%
# A grid over solver objects and their hyperparameters
# ----------------------------------------------------
# Each dictionary of the grid fixes one solver class and varies its own
# hyperparameters through nested keys. GridSearchCV clones the solver
# objects for every candidate, and fitting never modifies them.
param_grid = [
    {
        "mlp__solver": [Momentum(batch_size=32)],
        "mlp__solver__learning_rate": [0.01, 0.1],
        "mlp__solver__momentum": [0.5, 0.9],
    },
    {
        "mlp__solver": [Nesterov(batch_size=32)],
        "mlp__solver__learning_rate": [0.01, 0.1],
    },
    {
        "mlp__solver": [Adam(batch_size=32)],
        "mlp__solver__learning_rate": [0.001, 0.01],
    },
]
search = GridSearchCV(pipe, param_grid, cv=3)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    search.fit(X_train, y_train)
print("best:", search.best_params_)
print(
    f"test accuracy of the refitted best pipeline: {search.score(X_test, y_test):.3f}"
)

# %%
# The results as a table
# ----------------------
results = pd.DataFrame(search.cv_results_)
results["solver"] = results["param_mlp__solver"].map(lambda s: type(s).__name__)
results["learning rate"] = results["param_mlp__solver__learning_rate"]
results["momentum"] = results["param_mlp__solver__momentum"].astype(object).fillna("-")
table = results[
    [
        "solver",
        "learning rate",
        "momentum",
        "mean_test_score",
        "std_test_score",
        "mean_fit_time",
        "rank_test_score",
    ]
].sort_values("rank_test_score")
table.round(3)

# %%
# ... and as a plot
# -----------------
# Mean cross-validated accuracy of every candidate with one standard
# deviation over the folds (note the zoomed axis). On this small,
# well-prepared table every candidate does well, and most differences are
# within one fold-to-fold standard deviation: the honest reading of such a
# search is that the solver matters less here than preparing the columns.
labels = [
    f"{solver}, lr={lr}" + ("" if mu == "-" else f", mu={mu}")
    for solver, lr, mu in zip(
        table["solver"], table["learning rate"], table["momentum"]
    )
]
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
ax.barh(
    labels[::-1],
    table["mean_test_score"][::-1],
    xerr=table["std_test_score"][::-1],
    color="tab:blue",
    alpha=0.8,
)
low = (table["mean_test_score"] - table["std_test_score"]).min()
ax.set_xlim(max(0.0, low - 0.05), 1.01)
ax.set_xlabel("mean cross-validated accuracy (3 folds)")
ax.set_title("GridSearchCV over solver objects")

# %%
# The fitted pipeline keeps the DataFrame's column names: the classifier
# saw the transformed columns, and the pipeline checks names on ``predict``.
best = search.best_estimator_
print(best[:-1].get_feature_names_out()[:5], "...")
print("solver used:", best[-1].solver_)
plt.show()
