"""``python -m skmomentum``: train every solver alias on digits, print a table.

The data set ships with scikit-learn (no download): 1,797 8x8 digit images,
standardised, split 80/20 with ``random_state=0``. ``--task regression``
trains :class:`MLPMomentumRegressor` on the diabetes data instead (442
patients, features and target standardised on the training part) and prints
the test R².
"""

import argparse
import time
import warnings

from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from . import MLPMomentumClassifier, MLPMomentumRegressor
from .solvers import SOLVER_ALIASES


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skmomentum",
        description="Train MLPMomentumClassifier with every solver alias on "
        "scikit-learn's digits and print epochs, seconds and test accuracy "
        "(--task regression: MLPMomentumRegressor on diabetes, test R2).",
    )
    parser.add_argument(
        "--task",
        choices=["classification", "regression"],
        default="classification",
        help="digits with the classifier (default) or diabetes with the regressor",
    )
    parser.add_argument("--max-iter", type=int, default=200, help="epochs (200)")
    parser.add_argument(
        "--solvers",
        nargs="+",
        default=[s for s in SOLVER_ALIASES if s != "genetic"],
        choices=sorted(SOLVER_ALIASES),
        help="solver aliases to run (default: every gradient solver)",
    )
    args = parser.parse_args(argv)
    if args.task == "regression":
        return _regression_table(args)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

    print(f"digits: {len(X_train)} train / {len(X_test)} test, hidden (100,), relu")
    print(f"{'solver':<10} {'epochs':>6} {'seconds':>8} {'accuracy':>9}")
    for alias in args.solvers:
        clf = MLPMomentumClassifier(
            solver=alias, max_iter=args.max_iter, random_state=0
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        accuracy = clf.score(X_test, y_test)
        print(f"{alias:<10} {clf.n_iter_:>6} {seconds:>8.2f} {accuracy:>9.4f}")


def _regression_table(args):
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    # A standardised target suits the solvers' default learning rates; R² is
    # the same in standardised and original units.
    mean, std = y_train.mean(), y_train.std()
    y_train, y_test = (y_train - mean) / std, (y_test - mean) / std

    print(
        f"diabetes: {len(X_train)} train / {len(X_test)} test, hidden (100,), "
        "relu, early stopping"
    )
    print(f"{'solver':<10} {'epochs':>6} {'seconds':>8} {'R2':>9}")
    for alias in args.solvers:
        reg = MLPMomentumRegressor(
            solver=alias, max_iter=args.max_iter, early_stopping=True, random_state=0
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            reg.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        r2 = reg.score(X_test, y_test)
        print(f"{alias:<10} {reg.n_iter_:>6} {seconds:>8.2f} {r2:>9.4f}")


if __name__ == "__main__":
    main()
