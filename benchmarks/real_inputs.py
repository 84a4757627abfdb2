"""The defaults on inputs users really have, side by side with MLPClassifier.

Three workloads, nothing downloaded:

1. raw (unscaled) ``load_breast_cancer``, ``train_test_split(random_state=0)``:
   test accuracy of ``MLPClassifier()``, ``MLPMomentumClassifier()`` and the
   old default ``solver="nesterov"``, for model seeds 0..2 (``--model-seeds``);
2. non-negative features of magnitude ~1e4, like raw measurements
   (``make_classification`` shifted to start at 0, times 1e4), one data set
   and model seed per run: how often a fit fails with a divergence error,
   returns a constant predictor (one class for every training row) or a
   useless one (training accuracy < 0.6), and how many useless ones came back
   *silently* (no ``ConvergenceWarning`` saying the model is useless);
3. TF-IDF input (``TfidfVectorizer`` on a generated corpus of topic-word
   documents): test accuracy of the defaults vs ``MLPClassifier()``.

Run ``python benchmarks/real_inputs.py`` (``--seeds 20`` for a quicker run).
With ``PYTHONPATH`` pointing at an older checkout it measures that version
("before"): the script only uses the public API.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from skmomentum import MLPMomentumClassifier
from skmomentum.solvers import Momentum


def fit_quietly(estimator, X, y):
    """Fit; return whether a ConvergenceWarning said the model is useless."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        estimator.fit(X, y)
    return any(
        issubclass(w.category, ConvergenceWarning) and "useless" in str(w.message)
        for w in caught
    )


def models(seed):
    return {
        "MLPClassifier()": MLPClassifier(random_state=seed),
        "MLPMomentumClassifier()": MLPMomentumClassifier(random_state=seed),
        'solver="nesterov"': MLPMomentumClassifier(
            solver="nesterov", random_state=seed
        ),
    }


def print_seed_scores(X_train, X_test, y_train, y_test, n_seeds):
    """Test accuracy of every model for seeds 0..n_seeds-1: seed 0 and the mean."""
    scores = {}
    for seed in range(n_seeds):
        for name, model in models(seed).items():
            fit_quietly(model, X_train, y_train)
            scores.setdefault(name, []).append(model.score(X_test, y_test))
    for name, values in scores.items():
        print(
            f"   {name:<25} seed 0: {values[0]:.3f}   "
            f"mean of seeds 0..{n_seeds - 1}: {np.mean(values):.3f}"
        )


def breast_cancer(n_seeds):
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    print("1. raw load_breast_cancer, test accuracy (split random_state=0)")
    print_seed_scores(X_train, X_test, y_train, y_test, n_seeds)


def large_magnitude(n_runs):
    configs = {
        'default (solver="adam")': lambda seed: MLPMomentumClassifier(
            random_state=seed
        ),
        'solver="nesterov"': lambda seed: MLPMomentumClassifier(
            solver="nesterov", random_state=seed
        ),
        "Momentum(learning_rate=1e-4)": lambda seed: MLPMomentumClassifier(
            solver=Momentum(learning_rate=1e-4), random_state=seed
        ),
        "MLPClassifier()": lambda seed: MLPClassifier(random_state=seed),
    }
    print(
        "2. 1e4 * (X - X.min(0)), X = make_classification(300, 20), "
        f"{n_runs} runs (data and model seed = run). Per configuration: "
        "diverged (error) / constant predictor / useless (training accuracy "
        "< 0.6, constant included) / useless without a warning / mean test "
        "accuracy of the fits that returned"
    )
    for name, make in configs.items():
        diverged = constant = useless = silent = 0
        accuracies = []
        start = time.perf_counter()
        for seed in range(n_runs):
            X, y = make_classification(n_samples=300, random_state=seed)
            X_train, X_test, y_train, y_test = train_test_split(
                1e4 * (X - X.min(axis=0)), y, random_state=seed
            )
            model = make(seed)
            try:
                warned = fit_quietly(model, X_train, y_train)
            except ValueError:  # DivergenceError is a ValueError
                diverged += 1
                continue
            constant += len(np.unique(model.predict(X_train))) == 1
            bad = model.score(X_train, y_train) < 0.6
            useless += bad
            silent += bad and not warned
            accuracies.append(model.score(X_test, y_test))
        mean = np.mean(accuracies) if accuracies else np.nan
        print(
            f"   {name:<29} {diverged:>3} / {constant:>3} / {useless:>3} / "
            f"{silent:>3}   accuracy {mean:.3f}   "
            f"({time.perf_counter() - start:.0f} s)"
        )


def make_corpus(n_docs, rng):
    """Short documents of 4 topics: a few topic words among common ones."""
    vocabulary = np.array([f"w{i}" for i in range(2000)])
    topics = rng.integers(4, size=n_docs)
    docs = []
    for topic in topics:
        length = rng.integers(10, 40)
        words = rng.zipf(1.3, size=length) % 2000
        # One word in five comes from the topic's 200-word list, which shares
        # half its words with the next topic's.
        own = rng.random(length) < 0.2
        words[own] = 500 + 100 * topic + rng.integers(200, size=own.sum())
        docs.append(" ".join(vocabulary[words]))
    return docs, topics


def tfidf(n_seeds):
    docs, topics = make_corpus(1000, np.random.default_rng(0))
    X = TfidfVectorizer(sublinear_tf=True).fit_transform(docs)
    X_train, X_test, y_train, y_test = train_test_split(X, topics, random_state=0)
    print(
        f"3. TF-IDF of a generated 4-topic corpus {X.shape} ({X.nnz} non-zeros), "
        "test accuracy"
    )
    print_seed_scores(X_train, X_test, y_train, y_test, n_seeds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100, help="runs of part 2")
    parser.add_argument(
        "--model-seeds", type=int, default=3, help="model seeds of parts 1, 3"
    )
    args = parser.parse_args(argv)
    breast_cancer(args.model_seeds)
    large_magnitude(args.seeds)
    tfidf(args.model_seeds)


if __name__ == "__main__":
    main()
