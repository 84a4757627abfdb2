"""
Ship a model: save with skops, serve with onnxruntime
=====================================================

A trained model is only useful once it leaves the notebook. This example
trains a digit classifier, saves it with `skops <https://skops.readthedocs.io>`_
(a file format that, unlike pickle, runs no code when loaded), loads it back
trusting only skmomentum's estimator class, converts it to
`ONNX <https://onnx.ai>`_ and serves it with onnxruntime, which needs neither
skmomentum nor scikit-learn, and checks that every step predicts the same.

It needs the optional extras: ``pip install "skmomentum[skops,onnx]"``.
"""

# %%
# Train
# -----
# A pipeline of a scaler and the network on the 8x8 digits, in float32:
# float32 input trains in float32, and float32 is what an ONNX model
# usually serves.
import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmomentum import MLPMomentumClassifier
from skmomentum.callbacks import EarlyStopping
from skmomentum.solvers import Nesterov

digits = load_digits()
X = digits.data.astype(np.float32)
X_train, X_test, y_train, y_test, _, images_test = train_test_split(
    X, digits.target, digits.images, test_size=0.25, random_state=0
)
model = make_pipeline(
    StandardScaler(),
    MLPMomentumClassifier(
        hidden_layer_sizes=(64,),
        solver=Nesterov(learning_rate=0.02),
        early_stopping=True,
        callbacks=[EarlyStopping("val_loss", patience=5)],
        max_iter=100,
        random_state=0,
    ),
)
model.fit(X_train, y_train)
print(f"test accuracy {model.score(X_test, y_test):.3f}")

# %%
# Save with skops and load without running code
# ---------------------------------------------
# ``skops.io.load`` creates only the types it is told to trust. It trusts
# numpy, scipy and scikit-learn on its own; everything else must be named.
# skmomentum saves its solver, schedules and callbacks as plain data, so
# the only type left to trust is the estimator class itself.
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

folder = Path(tempfile.mkdtemp())
path = folder / "digits.skops"
sio.dump(model, path)
untrusted = sio.get_untrusted_types(file=path)
print("types to trust:", untrusted)

try:
    sio.load(path)
except UntrustedTypesFoundException as error:
    print("refused:", error)

# %%
# Review the list, then pass it. A list that names anything else is a file
# you did not expect: do not load it.
assert untrusted == ["skmomentum._classifier.MLPMomentumClassifier"]
loaded = sio.load(path, trusted=untrusted)
assert np.array_equal(loaded.predict_proba(X_test), model.predict_proba(X_test))
print("the loaded pipeline predicts exactly as the trained one")

# %%
# Convert to ONNX
# ---------------
# Importing :mod:`skmomentum.onnx` registers the converter with skl2onnx;
# the scaler converts with skl2onnx's own. ``zipmap=False`` gives the
# probabilities as a plain matrix instead of one dict per row.
import onnxruntime as rt
from skl2onnx import to_onnx

import skmomentum.onnx  # noqa: F401 (registers the converter)

onx = to_onnx(loaded, X_test[:1], options={id(loaded[-1]): {"zipmap": False}})
onnx_path = folder / "digits.onnx"
onnx_path.write_bytes(onx.SerializeToString())
print(f"{onnx_path.name}: {onnx_path.stat().st_size / 1024:.0f} KiB")
print("operators:", sorted({node.op_type for node in onx.graph.node}))

# %%
# Serve with onnxruntime
# ----------------------
# This part could run in any process, or any language onnxruntime supports:
# it reads only the ``.onnx`` file.
session = rt.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
input_name = session.get_inputs()[0].name
labels, proba = session.run(None, {input_name: X_test})

print("same labels:", np.array_equal(labels, loaded.predict(X_test)))
print(
    "largest probability difference: "
    f"{np.abs(proba - loaded.predict_proba(X_test)).max():.1e}"
)

# %%
# The first test digits with the label onnxruntime gives them.
fig, axes = plt.subplots(2, 8, figsize=(8, 2.6))
for ax, image, label, truth in zip(axes.ravel(), images_test, labels, y_test):
    ax.imshow(image, cmap="gray_r")
    ax.set_title(f"{label}" if label == truth else f"{label} ({truth})", fontsize=10)
    ax.set_axis_off()
fig.suptitle("Served by onnxruntime")
plt.show()

# %%
# The files were written to a temporary folder; remove it.
shutil.rmtree(folder)
