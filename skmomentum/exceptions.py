"""Exceptions raised by skmomentum."""


class DivergenceError(ValueError):
    """Training diverged: non-finite weights or a loss that exploded.

    Raised by ``fit`` and ``partial_fit`` instead of returning a model whose
    weights are useless. The message says what happened (non-finite weights,
    or how far the loss grew) and the fix that fits the solver: a smaller
    learning rate, a positive ``eps`` for Adam and RMSprop, smaller sample or
    class weights, or scaled features. The estimator is left as it was before
    the call (a previously fitted model keeps working).

    It subclasses :class:`ValueError`, so ``except ValueError`` catches it.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skmomentum import DivergenceError, MLPMomentumClassifier
    >>> from skmomentum.solvers import GD
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPMomentumClassifier(solver=GD(learning_rate=1e4), random_state=0)
    >>> try:
    ...     clf.fit(X * 100, y)
    ... except DivergenceError as error:
    ...     print("diverged:", "learning rate" in str(error))
    diverged: True
    """
