"""Genetic algorithm vs gradient solvers: accuracy, time and global minima.

1. Digits (1797 8x8 images, 10 classes), standardised, 80/20 split with
   ``random_state=0``; the same 64-32-10 relu network for every solver and a
   fixed budget of epochs (``n_iter_no_change=max_iter``). The genetic
   algorithm measures its whole population on the full training set each
   generation (one generation per epoch); momentum makes mini-batch gradient
   steps (batches of 200).
2. ``minimize`` on the 2-D Rastrigin and Himmelblau functions from 20 random
   starts: how often each solver ends within ``f < 1e-3`` of a global minimum
   (f = 0 for both).

BLAS runs on one thread (``threadpoolctl``) for both solvers: on a shared
machine multithreaded batched products are slowed down far more by other
processes than single-threaded ones, which made timings meaningless.

Run with ``python benchmarks/genetic_vs_momentum.py`` (about a minute).
"""

import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmomentum import MLPMomentumClassifier
from skmomentum._minimize import minimize
from skmomentum.solvers import GD, Genetic, Momentum

HIDDEN = (32,)
DIGITS_RUNS = [
    ("Momentum(learning_rate=0.01)", Momentum(learning_rate=0.01), 200),
    ("Genetic()", Genetic(), 300),
    ("Genetic(mutation_rate=0.02)", Genetic(mutation_rate=0.02), 300),
    ("Genetic(mutation_rate=0.02)", Genetic(mutation_rate=0.02), 1000),
]

# Settings for 2-D test functions: few genes, so mutate half of them, and
# blend crossover to move between parents.
GENETIC_2D = Genetic(
    population_size=30,
    mutation_rate=0.5,
    mutation_scale=1.0,
    mutation_decay=0.95,
    crossover="blend",
)
TOL = 1e-3


def rastrigin(x):
    return float(10 * len(x) + np.sum(x**2 - 10 * np.cos(2 * np.pi * x)))


def rastrigin_grad(x):
    return 2 * x + 20 * np.pi * np.sin(2 * np.pi * x)


def himmelblau(x):
    return float((x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2)


def himmelblau_grad(x):
    a, b = x[0] ** 2 + x[1] - 11, x[0] + x[1] ** 2 - 7
    return np.array([4 * x[0] * a + 2 * b, 2 * a + 4 * x[1] * b])


def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

    print(f"digits: {len(X_train)} train / {len(X_test)} test, hidden={HIDDEN}\n")
    print("| solver | epochs | final loss | train acc | test acc | fit time (s) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, solver, max_iter in DIGITS_RUNS:
        clf = MLPMomentumClassifier(
            hidden_layer_sizes=HIDDEN,
            solver=solver,
            max_iter=max_iter,
            n_iter_no_change=max_iter,  # the same fixed budget for every run
            random_state=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            clf.fit(X_train, y_train)
            seconds = time.perf_counter() - start
        print(
            f"| {name} | {clf.n_iter_} | {clf.loss_:.3f} | "
            f"{clf.score(X_train, y_train):.3f} | {clf.score(X_test, y_test):.3f} | "
            f"{seconds:.2f} |"
        )


def global_minima():
    problems = [
        ("Rastrigin", rastrigin, rastrigin_grad, 5.12, 0.002),
        ("Himmelblau", himmelblau, himmelblau_grad, 5.0, 0.005),
    ]
    print(f"\nminimize from 20 random starts, success = f(x) < {TOL:g}\n")
    print("| function | solver | successes / 20 | mean calls of fun | time (s) |")
    print("| --- | --- | --- | --- | --- |")
    for name, fun, grad, box, rate in problems:
        starts = np.random.RandomState(0).uniform(-box, box, (20, 2))
        runs = [
            (
                "Genetic (30 x 100 generations)",
                {"solver": GENETIC_2D, "max_iter": 100},
            ),
            (
                f"GD(learning_rate={rate}), 2000 steps",
                {"jac": grad, "solver": GD(learning_rate=rate), "max_iter": 2000},
            ),
        ]
        for label, options in runs:
            start = time.perf_counter()
            results = [
                minimize(fun, x0, tol=1e-8, random_state=seed, **options)
                for seed, x0 in enumerate(starts)
            ]
            seconds = time.perf_counter() - start
            hits = sum(r.fun < TOL for r in results)
            calls = np.mean([r.nfev for r in results])
            print(f"| {name} | {label} | {hits} | {calls:.0f} | {seconds:.2f} |")


if __name__ == "__main__":
    with threadpool_limits(limits=1):
        digits()
        global_minima()
