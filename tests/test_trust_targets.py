"""Real inputs (issue 11): weights that cannot delete a class, sparse
multilabel ``y``, no silent useless model, and the Adam default on unscaled
and TF-IDF features."""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.datasets import (
    load_breast_cancer,
    load_iris,
    make_classification,
    make_multilabel_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skmomentum import MLPMomentumClassifier
from skmomentum._diagnostics import (
    MAX_PROBE_ROWS,
    MIN_PROBE_ROWS,
    PROBE_BUDGET,
    diagnose,
    probe_rows,
)
from skmomentum.solvers import Adam, Momentum

X_iris, y_iris = load_iris(return_X_y=True)
X_iris = StandardScaler().fit_transform(X_iris)


def small(**params):
    defaults = dict(
        hidden_layer_sizes=(8,),
        solver=Momentum(learning_rate=0.05),
        max_iter=20,
        random_state=0,
    )
    return MLPMomentumClassifier(**{**defaults, **params})


def fit(estimator, X, y, **params):
    """Fit, ignoring the max_iter ConvergenceWarning of short test fits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **params)


def diagnoses(method, X, y, **params):
    """Messages of the "useless model" ConvergenceWarnings of one call."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        method(X, y, **params)
    return [
        str(w.message)
        for w in caught
        if issubclass(w.category, ConvergenceWarning) and "useless" in str(w.message)
    ]


# ------------------------------------------------------------------ weights


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf, "2"])
def test_bad_class_weight_is_an_error_naming_class_weight(bad):
    # class_weight={0: -1, ...} used to delete class 0 silently; a NaN one
    # reported "sample_weight sums to zero".
    clf = small(class_weight={0: bad, 1: 1, 2: 1})
    with pytest.raises(ValueError, match=r"class_weight\[0\] = .* finite numbers >= 0"):
        clf.fit(X_iris, y_iris)
    with pytest.raises(ValueError, match=r"class_weight\[0\]"):
        clf.partial_fit(X_iris, y_iris, classes=[0, 1, 2])


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_bad_sample_weight_is_an_error_naming_sample_weight(bad):
    sample_weight = np.where(y_iris == 0, bad, 1.0)
    with pytest.raises(ValueError, match="sample_weight"):
        small(class_weight={0: 1, 1: 2, 2: 1}).fit(
            X_iris, y_iris, sample_weight=sample_weight
        )


def test_class_weight_zero_on_every_row_names_class_weight():
    with pytest.raises(ValueError, match=r"class_weight=.* weight zero to every"):
        small(class_weight={0: 0, 1: 0, 2: 0}).fit(X_iris, y_iris)


@pytest.mark.parametrize("through", ["class_weight", "sample_weight"])
def test_zero_weight_class_stays_in_classes_like_mlpclassifier(through):
    zero_class_0 = np.where(y_iris == 0, 0.0, 1.0)
    if through == "class_weight":
        clf = fit(small(class_weight={0: 0, 1: 1, 2: 1}), X_iris, y_iris)
    else:
        clf = fit(small(), X_iris, y_iris, sample_weight=zero_class_0)
    reference = fit(
        MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0),
        X_iris,
        y_iris,
        sample_weight=zero_class_0,
    )
    assert_array_equal(clf.classes_, reference.classes_)
    proba = clf.predict_proba(X_iris)
    assert proba.shape == reference.predict_proba(X_iris).shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    # Learnt from no rows: every row pushed class 0's probability down.
    assert proba[:, 0].max() < 0.2
    assert 0 not in clf.predict(X_iris)


def test_zero_class_weight_trains_as_zero_sample_weight():
    by_class = fit(small(class_weight={0: 0, 1: 1, 2: 3}), X_iris, y_iris)
    by_sample = fit(
        small(),
        X_iris,
        y_iris,
        sample_weight=np.choose(y_iris, [0.0, 1.0, 3.0]),
    )
    for a, b in zip(by_class.coefs_, by_sample.coefs_):
        assert_array_equal(a, b)


# ------------------------------------------------------- sparse multilabel y

X_ml, Y_ml = make_multilabel_classification(n_samples=120, n_classes=4, random_state=0)
X_ml = StandardScaler().fit_transform(X_ml)


@pytest.mark.parametrize(
    "params, weighted",
    [({}, False), ({"class_weight": "balanced"}, True)],
)
def test_sparse_multilabel_y_fits_as_its_dense_version(params, weighted):
    sw = np.linspace(0.5, 2, len(Y_ml)) if weighted else None
    dense = fit(small(**params), X_ml, Y_ml, sample_weight=sw)
    sparse = fit(small(**params), X_ml, sp.csr_matrix(Y_ml), sample_weight=sw)
    for a, b in zip(dense.coefs_, sparse.coefs_):
        assert_array_equal(a, b)
    # Predictions come back sparse, as MLPClassifier's for a sparse y.
    predicted = sparse.predict(X_ml)
    assert sp.issparse(predicted)
    assert_array_equal(predicted.toarray(), dense.predict(X_ml))
    assert sparse.score(X_ml, sp.csr_matrix(Y_ml)) == dense.score(X_ml, Y_ml)


def test_sparse_multilabel_y_partial_fit_as_its_dense_version():
    dense, sparse = small(), small()
    for block in (slice(0, 60), slice(60, 120)):
        dense.partial_fit(X_ml[block], Y_ml[block])
        sparse.partial_fit(X_ml[block], sp.csr_matrix(Y_ml[block]))
    for a, b in zip(dense.coefs_, sparse.coefs_):
        assert_array_equal(a, b)
    assert sparse.score(X_ml, sp.csr_matrix(Y_ml)) == dense.score(X_ml, Y_ml)


# -------------------------------------------------------------- diagnosis

X_bc, y_bc = load_breast_cancer(return_X_y=True)
X_bc_train, X_bc_test, y_bc_train, y_bc_test = train_test_split(
    X_bc, y_bc, random_state=0
)


def test_fixed_rate_on_raw_breast_cancer_warns_what_why_and_fix():
    # Nesterov's 0.01 kills every ReLU unit in its first steps on these raw
    # features; training stops early predicting the majority class.
    clf = MLPMomentumClassifier(solver="nesterov", random_state=0)
    [message] = diagnoses(clf.fit, X_bc_train, y_bc_train)
    assert len(np.unique(clf.predict(X_bc_train))) == 1
    for part in [
        f"predicts class {clf.predict(X_bc_train[:1])[0]} for every one of the "
        f"{len(y_bc_train)} training rows",
        "ReLU hidden units",
        "unscaled features",
        "learning rate too large for Nesterov()",
        "StandardScaler()",
        "solver='adam'",
    ]:
        assert part in message


def test_healthy_fit_emits_no_diagnosis():
    assert diagnoses(small(max_iter=50).fit, X_iris, y_iris) == []


def test_partial_fit_blocks_are_not_diagnosed():
    # A stream's first blocks are expected to be poor; a warning per block
    # would be noise. The same data in fit warns.
    clf = MLPMomentumClassifier(solver="nesterov", random_state=0)
    assert diagnoses(clf.partial_fit, X_bc_train, y_bc_train, classes=[0, 1]) == []
    assert len(np.unique(clf.predict(X_bc_train))) == 1


def _measurements(seed):
    """Non-negative features of magnitude ~1e4, like raw measurements."""
    X, y = make_classification(n_samples=300, random_state=seed)
    return 1e4 * (X - X.min(axis=0)), y


def test_dead_units_on_large_features_warn_even_when_both_classes_appear():
    X, y = _measurements(0)
    clf = MLPMomentumClassifier(solver=Momentum(learning_rate=1e-4), random_state=0)
    [message] = diagnoses(clf.fit, X, y)
    share = re.search(r"of 100 ReLU hidden units \((\d+)%\)", message).group(1)
    assert int(share) > 90 and "unscaled features" in message
    assert clf.score(X, y) < 0.6
    # The default (Adam) trains on the same data and says nothing.
    default = MLPMomentumClassifier(random_state=0)
    assert diagnoses(default.fit, X, y) == []
    assert default.score(X, y) > 0.8


def _layer(W, b):
    return [np.asarray(W, float)], [np.asarray(b, float)]


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("scale", [1, 100])
def test_diagnose_counts_units_never_active_on_any_row(sparse, scale):
    X = scale * np.abs(np.random.default_rng(0).normal(size=(50, 3)))
    X = sp.csr_matrix(X) if sparse else X
    coefs = [np.ones((3, 20)), np.ones((20, 1))]
    for n_dead, warns in [(18, False), (19, True), (20, True)]:
        b1 = np.zeros(20)
        b1[:n_dead] = -1e5  # far below any input: these units never fire
        intercepts = [b1, np.zeros(1)]
        message = diagnose(coefs, intercepts, "relu", X)
        assert (message is not None) == warns
        if warns:
            assert f"{n_dead} of 20 ReLU hidden units" in message
            assert ("entirely dead" in message) == (n_dead == 20)
            # A scaler is advised only for features far from scale 1.
            scaler = "StandardScaler(with_mean=False)" if sparse else "StandardScaler()"
            assert (scaler in message) == (scale == 100)
        # Dead units are a ReLU notion: tanh units are never "dead".
        assert diagnose(coefs, intercepts, "tanh", X) is None


def test_diagnose_adds_the_estimators_output_check():
    X = np.eye(3)
    coefs, intercepts = [np.eye(3), np.ones((3, 2))], [np.zeros(3), np.zeros(2)]
    seen = []

    def check_outputs(logits):
        seen.append(logits.shape)
        return "it predicts class 'a' for every row"

    message = diagnose(coefs, intercepts, "relu", X, check_outputs=check_outputs)
    assert seen == [(3, 2)]
    assert message.startswith("The fitted network is useless as it stands: it")
    # No hook (a regressor): only the dead-unit check, here healthy.
    assert diagnose(coefs, intercepts, "relu", X) is None


def test_probe_is_bounded_evenly_spaced_a_view_and_not_random():
    X = np.zeros((MAX_PROBE_ROWS, 3))
    assert np.shares_memory(X[probe_rows(len(X))], X)
    assert len(range(len(X))[probe_rows(len(X))]) == MAX_PROBE_ROWS
    for n in (MAX_PROBE_ROWS + 1, 25_001, 10**6):
        rows = range(n)[probe_rows(n)]
        assert MAX_PROBE_ROWS // 3 <= len(rows) <= MAX_PROBE_ROWS
        assert rows[0] == 0 and rows.step == -(-n // MAX_PROBE_ROWS)


def test_probe_of_a_wide_network_reads_fewer_rows():
    # A 2M-parameter network (benchmark workload D) would spend a third of an
    # epoch on 2,000 rows; the probe keeps to its budget, with a floor.
    n = 4_000
    assert len(range(n)[probe_rows(n, n_params=5_000)]) == MAX_PROBE_ROWS
    wide = range(n)[probe_rows(n, n_params=2_000_000)]
    assert MIN_PROBE_ROWS // 2 <= len(wide) <= MIN_PROBE_ROWS
    medium = range(10**6)[probe_rows(10**6, n_params=200_000)]
    assert len(medium) * 200_000 <= PROBE_BUDGET


# ------------------------------------------------------------ the default


def test_default_solver_is_adam_with_mlpclassifier_defaults():
    clf = fit(MLPMomentumClassifier(max_iter=2, random_state=0), X_iris, y_iris)
    reference = MLPClassifier()
    assert clf.solver == reference.solver == "adam"
    assert clf.solver_.get_params() == Adam().get_params()
    assert clf.solver_.learning_rate == reference.learning_rate_init
    assert clf.solver_.batch_size == reference.batch_size == "auto"


def test_default_reaches_mlpclassifier_on_raw_breast_cancer():
    # Unscaled features (up to ~2500): the old default (Nesterov, 0.01)
    # scored 0.63 here. Averaged over three seeds: one run is noisy.
    ours, theirs = [], []
    for seed in range(3):
        clf = MLPMomentumClassifier(random_state=seed)
        assert diagnoses(clf.fit, X_bc_train, y_bc_train) == []
        ours.append(clf.score(X_bc_test, y_bc_test))
        reference = fit(MLPClassifier(random_state=seed), X_bc_train, y_bc_train)
        theirs.append(reference.score(X_bc_test, y_bc_test))
    assert np.mean(ours) >= np.mean(theirs) - 0.02
    assert np.mean(ours) > 0.88


def _corpus(n_docs, seed=0):
    """Short documents of 3 topics: some topic words among common ones."""
    rng = np.random.default_rng(seed)
    topics = rng.integers(3, size=n_docs)
    docs = []
    for topic in topics:
        words = rng.zipf(1.3, size=rng.integers(10, 30)) % 800
        own = rng.random(len(words)) < 0.25
        words[own] = 300 + 60 * topic + rng.integers(100, size=own.sum())
        docs.append(" ".join(f"w{w}" for w in words))
    return docs, topics


def test_default_on_tfidf_matches_mlpclassifier():
    docs, topics = _corpus(400)
    X = TfidfVectorizer(sublinear_tf=True).fit_transform(docs)
    X_train, X_test, y_train, y_test = train_test_split(X, topics, random_state=0)
    clf = MLPMomentumClassifier(max_iter=40, random_state=0)
    assert diagnoses(clf.fit, X_train, y_train) == []
    reference = fit(MLPClassifier(max_iter=40, random_state=0), X_train, y_train)
    ours = clf.score(X_test, y_test)
    assert ours >= reference.score(X_test, y_test) - 0.02
    assert ours > 0.6
