"""Validation data inside a Pipeline: metadata routing with transform_input.

``fit(X, y, X_val=..., y_val=...)`` on a Pipeline would hand the MLP raw
validation features while it trains on transformed ones. scikit-learn's
answer is metadata routing: ``Pipeline(..., transform_input=["X_val"])``
sends ``X_val`` through the fitted steps before the MLP sees it. The docs
(migration page and user guide) show this recipe; this test holds it.
"""

import numpy as np
import sklearn
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmomentum import MLPMomentumClassifier
from skmomentum.callbacks import EarlyStopping
from skmomentum.solvers import Adam


def _data():
    X, y = make_classification(
        n_samples=300, n_features=6, n_informative=4, random_state=0
    )
    # Features on wildly different scales: the MLP needs the scaler.
    X = X * np.array([1, 10, 100, 1e3, 1e4, 1e5]) + 50
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, random_state=1)
    return X_train, X_val, X_test, y_train, y_val, y_test


def _mlp():
    return MLPMomentumClassifier(
        hidden_layer_sizes=(8,),
        solver=Adam(learning_rate=0.01),
        max_iter=300,
        random_state=0,
        callbacks=[EarlyStopping(monitor="val_loss", patience=5, min_delta=1e-3)],
    )


def test_transform_input_scales_the_validation_set_the_mlp_sees():
    X_train, X_val, X_test, y_train, y_val, y_test = _data()
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = Pipeline(
            [
                ("scale", StandardScaler()),
                ("mlp", _mlp().set_fit_request(X_val=True, y_val=True)),
            ],
            transform_input=["X_val"],
        )
        pipe.fit(X_train, y_train, X_val=X_val, y_val=y_val)
        score = pipe.score(X_test, y_test)

    # The same run by hand, on data scaled by the same fitted scaler.
    scaler = StandardScaler().fit(X_train)
    by_hand = _mlp().fit(
        scaler.transform(X_train),
        y_train,
        X_val=scaler.transform(X_val),
        y_val=y_val,
    )
    mlp = pipe[-1]
    assert mlp.n_iter_ == by_hand.n_iter_
    assert mlp.callbacks_[0].best_epoch_ == by_hand.callbacks_[0].best_epoch_
    fitted, reference = (
        mlp.coefs_ + mlp.intercepts_,
        by_hand.coefs_ + by_hand.intercepts_,
    )
    for W, W_ref in zip(fitted, reference):
        assert_array_equal(W, W_ref)
    assert_array_equal(mlp.validation_loss_curve_, by_hand.validation_loss_curve_)
    assert score > 0.8


def test_without_routing_the_validation_set_skips_the_scaler():
    # What the recipe fixes: the step parameter route passes X_val raw, the
    # validation loss is measured on unscaled features and the run differs.
    X_train, X_val, _, y_train, y_val, _ = _data()
    pipe = Pipeline([("scale", StandardScaler()), ("mlp", _mlp())])
    pipe.fit(X_train, y_train, mlp__X_val=X_val, mlp__y_val=y_val)
    scaler = StandardScaler().fit(X_train)
    by_hand = _mlp().fit(
        scaler.transform(X_train),
        y_train,
        X_val=scaler.transform(X_val),
        y_val=y_val,
    )
    assert pipe[-1].validation_loss_curve_[0] != by_hand.validation_loss_curve_[0]
