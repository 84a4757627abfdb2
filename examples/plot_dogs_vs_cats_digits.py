"""
Image in, probability out: "3 or 8" as the tutorial's dogs vs cats
==================================================================

The tutorial's running example is Kaggle's dogs-vs-cats: an image is
flattened into a vector of pixel brightnesses, a network of ReLU neurons
transforms it, and a single sigmoid neuron at the output reads as the
probability of "dog"; training minimises the mean squared error between
that probability and the label (1 for dog, 0 for cat).

Dogs-vs-cats needs a download and a GPU, so this example keeps the recipe
and swaps the data for scikit-learn's 8x8 handwritten digits: the binary
task "is this an 8 (1) or a 3 (0)?", then all ten digits with a softmax
output and the log-loss.
"""

# %%
# The images
# ----------
# Each image is an 8x8 array of grey levels from 0 to 16; the network sees
# it as a vector of 64 numbers, exactly as the tutorial describes.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from skmomentum import MLPMomentumClassifier
from skmomentum.display import LossCurveDisplay
from skmomentum.solvers import Momentum

digits = load_digits()
mask = np.isin(digits.target, [3, 8])
images = digits.images[mask]
X = images.reshape(len(images), -1) / 16.0  # flatten, scale to [0, 1]
y = (digits.target[mask] == 8).astype(int)  # 1 = "8" (dog), 0 = "3" (cat)
print(f"{len(y)} images of {X.shape[1]} pixels, {y.mean():.0%} eights")

fig, axes = plt.subplots(2, 6, figsize=(7, 2.8), layout="constrained")
for ax, image, label in zip(axes.ravel(), images, y):
    ax.imshow(image, cmap="gray_r")
    ax.set_title("8" if label else "3")
    ax.set_axis_off()

# %%
# A sigmoid output trained on the squared error
# ---------------------------------------------
# With two classes the network has one output unit with the logistic
# (sigmoid) activation, so ``predict_proba(X)[:, 1]`` is the probability of
# "8". ``loss="squared_error"`` is the tutorial's loss,
# :math:`\frac1n \sum_i (y_i - \hat y_i)^2` (up to a factor 1/2). The
# solver is momentum in the tutorial's first form (an average of the
# gradients), which needs a larger learning rate than the classic form.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
binary = MLPMomentumClassifier(
    hidden_layer_sizes=(16,),
    activation="relu",
    loss="squared_error",
    solver=Momentum(learning_rate=0.5, momentum=0.9, ewma=True, batch_size=32),
    max_iter=60,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    binary.fit(X_train, y_train)
print("output activation:", binary.out_activation_)
print(f"test accuracy: {binary.score(X_test, y_test):.3f}")

# %%
# The predicted probabilities of "8" on the test images separate the two
# classes: most are close to 0 or 1, the few in between are the doubtful
# images.
proba = binary.predict_proba(X_test)[:, 1]
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
LossCurveDisplay.from_estimator(binary, ax=left, name="squared error")
left.set_title("training loss")
bins = np.linspace(0, 1, 21)
right.hist(proba[y_test == 0], bins=bins, alpha=0.7, label="true 3")
right.hist(proba[y_test == 1], bins=bins, alpha=0.7, label="true 8")
right.set_xlabel('predicted probability of "8"')
right.set_ylabel("test images")
right.legend()

# %%
# The test images the network is least sure about.
doubtful = np.argsort(np.abs(proba - 0.5))[:6]
fig, axes = plt.subplots(1, 6, figsize=(7, 1.8), layout="constrained")
for ax, i in zip(axes, doubtful):
    ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"P(8)={proba[i]:.2f}", fontsize=9)
    ax.set_axis_off()

# %%
# Ten classes with a softmax output and the log-loss
# --------------------------------------------------
# For more than two classes the output layer has one unit per class with a
# softmax activation, and the natural loss is the log-loss (cross-entropy):
# it punishes a confident wrong answer much more than the squared error does,
# which gives larger gradients where the network is most wrong.
X_all = digits.data / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X_all, digits.target, test_size=0.3, stratify=digits.target, random_state=0
)
multi = {}
for loss in ("log_loss", "squared_error"):
    clf = MLPMomentumClassifier(
        hidden_layer_sizes=(32,),
        loss=loss,
        solver=Momentum(learning_rate=0.1, momentum=0.9, batch_size=32),
        max_iter=40,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        multi[loss] = clf.fit(X_train, y_train)
    print(
        f"{loss:14s} output {clf.out_activation_}, test accuracy "
        f"{clf.score(X_test, y_test):.3f}"
    )

# %%
# Where the log-loss model still errs: the confusion matrix on the test set.
fig, ax = plt.subplots(figsize=(5, 4.5), layout="constrained")
ConfusionMatrixDisplay.from_estimator(
    multi["log_loss"], X_test, y_test, ax=ax, colorbar=False
)
ax.set_title("10 digits, softmax + log-loss")
plt.show()
