"""
Comparing every solver on handwritten digits
============================================

:class:`~skmomentum.MLPMomentumClassifier` takes its optimiser as a
``solver`` argument: an alias string or a solver object from
:mod:`skmomentum.solvers`. This example trains the same network (one hidden
layer of 32 ReLU units, log-loss, softmax output) on scikit-learn's 8x8
digits with every alias, for the same number of epochs, and compares the
training loss curves, the test accuracy and the time each took.

Each solver runs with its default hyperparameters; the point is to see how
they behave, not to rank tuned optimisers.
"""

# %%
# Data
# ----
# 1797 images of 8x8 pixels, flattened into 64 features and scaled to [0, 1].
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skmomentum import MLPMomentumClassifier
from skmomentum.display import LossCurveDisplay
from skmomentum.solvers import SOLVER_ALIASES, Genetic

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(X_train.shape, X_test.shape)

# %%
# Train with every alias
# ----------------------
# ``max_iter`` counts epochs (passes over the training set); 30 epochs is
# short on purpose, so the differences in speed show. "gd" makes one update
# per epoch, "minibatch" and the adaptive solvers about seven (batches of
# 200), "sgd" one per sample; "genetic" evolves a population instead of
# following a gradient, one generation per epoch. A generation costs one loss
# evaluation per member of the population, so to keep this example fast the
# genetic run uses a population of 20 instead of the default 50.
max_iter = 30
results, models = [], {}
for alias in SOLVER_ALIASES:
    solver = Genetic(population_size=20) if alias == "genetic" else alias
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(32,), solver=solver, max_iter=max_iter, random_state=0
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Stopping at max_iter before convergence is intended here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    elapsed = time.perf_counter() - start
    models[alias] = clf
    results.append(
        {
            "solver": alias,
            "class": type(clf.solver_).__name__,
            "epochs": clf.n_iter_,
            "final loss": clf.loss_,
            "test accuracy": clf.score(X_test, y_test),
            "fit time (s)": elapsed,
        }
    )

table = pd.DataFrame(results).set_index("solver")
table.round(3)

# %%
# Loss curves
# -----------
# :class:`~skmomentum.display.LossCurveDisplay` draws each estimator's
# ``loss_curve_`` onto the same axes. Full-batch gradient descent makes a
# single small step per epoch and barely moves in 30 epochs; mini-batches
# make several steps per epoch; momentum and Nesterov build up speed on top
# of that (with their default learning rate of 0.01 and momentum 0.9 the
# effective step is about that of mini-batch descent at 0.1, so their curves
# are close); RMSprop and Adam scale each parameter's step by its recent
# gradient size. SGD makes a step per sample: much more progress per epoch,
# at a much higher cost per epoch. The genetic algorithm needs far more
# generations than 30 to train a network of 2,442 weights: gradient-free
# search does not scale to many parameters.
fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
for alias, clf in models.items():
    LossCurveDisplay.from_estimator(clf, ax=ax, name=alias)
ax.set_yscale("log")
ax.set_title(f"Training loss on digits, {max_iter} epochs")

# %%
# Test accuracy and cost
# ----------------------
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
order = table.sort_values("test accuracy").index
left.barh(order, table.loc[order, "test accuracy"], color="tab:blue")
left.set_xlim(0, 1.12)
left.set_xlabel("test accuracy")
for i, value in enumerate(table.loc[order, "test accuracy"]):
    left.text(value + 0.01, i, f"{value:.2f}", va="center")
right.barh(order, table.loc[order, "fit time (s)"], color="tab:gray")
right.set_xlabel("fit time (s)")
right.set_yticklabels([])
fig.suptitle("Same network, same epochs, different solvers")

print(
    f"best: {table['test accuracy'].idxmax()}",
    np.round(table["test accuracy"].max(), 3),
)
plt.show()
