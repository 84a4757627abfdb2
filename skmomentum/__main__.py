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

from . import MLPMomentumClassifier, MLPMomentumRegressor, __version__
from .solvers import SOLVER_ALIASES


def _positive_int(text):
    """argparse type: an int >= 1 (argparse turns the error into exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


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
    parser.add_argument(
        "--version", action="version", version=f"skmomentum {__version__}"
    )
    parser.add_argument(
        "--max-iter", type=_positive_int, default=200, help="epochs, >= 1 (200)"
    )
    parser.add_argument(
        "--solvers",
        nargs="+",
        default=[s for s in SOLVER_ALIASES if s != "genetic"],
        choices=sorted(SOLVER_ALIASES),
        help="solver aliases to run (default: every gradient solver)",
    )
    args = parser.parse_args(argv)
    if args.task == "regression":
        X, y = load_diabetes(return_X_y=True)
        title = "diabetes", "relu, early stopping", "R2"

        def make(alias):
            return MLPMomentumRegressor(
                solver=alias,
                max_iter=args.max_iter,
                early_stopping=True,
                random_state=0,
            )
    else:
        X, y = load_digits(return_X_y=True)
        title = "digits", "relu", "accuracy"

        def make(alias):
            return MLPMomentumClassifier(
                solver=alias, max_iter=args.max_iter, random_state=0
            )

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    if args.task == "regression":
        # A standardised target suits the solvers' default learning rates; R²
        # is the same in standardised and original units.
        mean, std = y_train.mean(), y_train.std()
        y_train, y_test = (y_train - mean) / std, (y_test - mean) / std
    _print_table(make, args.solvers, (X_train, X_test, y_train, y_test), title)


def _print_table(make, solvers, data, title):
    """Fit ``make(alias)`` for every solver; print epochs, seconds, score."""
    X_train, X_test, y_train, y_test = data
    name, network, score_name = title
    print(
        f"{name}: {len(X_train)} train / {len(X_test)} test, hidden (100,), {network}"
    )
    print(f"{'solver':<10} {'epochs':>6} {'seconds':>8} {score_name:>9}")
    for alias in solvers:
        model = make(alias)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        score = model.score(X_test, y_test)
        print(f"{alias:<10} {model.n_iter_:>6} {seconds:>8.2f} {score:>9.4f}")


if __name__ == "__main__":
    main()
