"""Class labels and class weights: from ``y`` to the network's targets.

Plain functions of the data and of what the estimator already knows (its
previous ``LabelBinarizer``), so the estimator only passes them along.
"""

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import type_of_target, unique_labels


def is_multilabel(y):
    return type_of_target(y).startswith("multilabel")


def label_binarizer_for(y, *, previous, incremental, warm_start, classes):
    """The ``LabelBinarizer`` of this fit: a new one, or ``previous`` checked.

    ``partial_fit`` needs ``classes`` on its first call and accepts the same
    classes again later; ``warm_start`` needs ``y`` to have the previous
    classes; a new model needs at least two classes in ``y``.
    """
    multilabel = is_multilabel(y)
    if previous is not None and (incremental or warm_start):
        binarizer = previous
        if classes is not None and not np.array_equal(
            unique_labels(classes), binarizer.classes_
        ):
            raise ValueError(
                f"classes={classes!r} is not the same as on the first call to "
                f"partial_fit, which set classes_={binarizer.classes_}. Pass the "
                "same classes on every call, or fit a new estimator."
            )
        if warm_start and not incremental:
            seen = unique_labels(y)
            if set(seen) != set(binarizer.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes "
                    f"as in the previous call to fit. Previously got "
                    f"{binarizer.classes_}, `y` has {seen}. Set warm_start=False "
                    "to train a new model on these classes."
                )
    elif incremental:
        if classes is None and not multilabel:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: the "
                "list of every class in the whole data set, e.g. "
                "classes=np.unique(y_all)."
            )
        binarizer = LabelBinarizer().fit(y if multilabel else classes)
    else:
        binarizer = LabelBinarizer().fit(y)
        if len(binarizer.classes_) < 2 and not multilabel:
            raise ValueError(
                f"y contains only one class ({binarizer.classes_[0]!r}): a "
                "classifier needs samples of at least two classes. Check the "
                "labels, or use partial_fit with classes=[...] listing all "
                "classes."
            )
    check_known_classes(
        y,
        binarizer,
        "y",
        "partial_fit only accepts the classes given on its first call: pass "
        "every class there (classes=np.unique(y_all)).",
    )
    return binarizer


def check_known_classes(y, binarizer, name, fix):
    """Refuse labels of ``y`` that ``binarizer`` does not know."""
    if binarizer.y_type_.startswith("multilabel"):
        return
    unknown = np.setdiff1d(unique_labels(y), binarizer.classes_)
    if len(unknown):
        raise ValueError(
            f"{name} contains classes {unknown.tolist()} that are not in classes_="
            f"{binarizer.classes_.tolist()}. {fix}"
        )


def check_class_weight(class_weight):
    """Refuse class weights that are not finite numbers >= 0.

    Checked on their own, before they are multiplied with ``sample_weight``,
    so the error names ``class_weight`` (a negative weight would otherwise
    drop a class's rows silently, a NaN one make every weight NaN).
    """
    if not isinstance(class_weight, dict):
        return
    for label, weight in class_weight.items():
        if (
            not isinstance(weight, Real)
            or isinstance(weight, bool)
            or not np.isfinite(weight)
            or weight < 0
        ):
            raise ValueError(
                f"class_weight[{label!r}] = {weight!r}: class weights must be "
                "finite numbers >= 0. A weight of 0 trains on none of that "
                "class's rows (the class stays in classes_); to remove a class, "
                "drop its rows from X and y."
            )


def combined_weights(sample_weight, class_weights, class_weight):
    """``sample_weight`` times ``class_weights`` (either may be None).

    Both were validated on their own; a product of zero on every row is
    refused, naming which of the two is to blame.
    """
    if sample_weight is not None and not sample_weight.sum() > 0:
        raise ValueError(
            "sample_weight sums to zero: at least one sample needs a positive weight."
        )
    if class_weights is None:
        return sample_weight
    weights = class_weights if sample_weight is None else sample_weight * class_weights
    if not weights.sum() > 0:
        raise ValueError(
            f"class_weight={class_weight!r} gives weight zero to every row "
            "(times sample_weight, if given): give at least one class present "
            "in y a positive weight."
        )
    return weights


def dense_labels(y):
    """``y`` as an ndarray: a sparse multilabel indicator matrix made dense."""
    return y.toarray() if sp.issparse(y) else np.asarray(y)


def class_weight_function(class_weight, y, sample_weight, known_classes):
    """``weigh(labels) -> per-sample weights`` for ``class_weight``, or None.

    ``"balanced"`` counts only rows of positive weight (weighted counts with
    ``sample_weight``); in ``partial_fit`` those of the block. For a multilabel
    target each label is a binary output and a row's weight is the product of
    its labels' balanced weights (scikit-learn's convention for multi-output
    ``class_weight``).
    """
    if class_weight is None:
        return None
    check_class_weight(class_weight)
    keep = slice(None) if sample_weight is None else sample_weight > 0
    sw = None if sample_weight is None else sample_weight[keep]
    if is_multilabel(y):
        if isinstance(class_weight, dict):
            raise ValueError(
                "class_weight as a dict is not supported for multilabel "
                "targets: a row has several labels, so no single class "
                "weight applies. Use class_weight='balanced' (per label, "
                "multiplied) or pass sample_weight."
            )
        Y = dense_labels(y[keep])
        table = np.ones((Y.shape[1], 2))
        for j in range(Y.shape[1]):
            present = np.unique(Y[:, j])
            table[j, present] = compute_class_weight(
                "balanced", classes=present, y=Y[:, j], sample_weight=sw
            )

        def weigh_labels(labels):
            labels = dense_labels(labels).astype(int)
            return table[np.arange(labels.shape[1]), labels].prod(axis=1)

        return weigh_labels

    if isinstance(class_weight, dict):
        known = set(unique_labels(y).tolist()) | set(known_classes)
        unknown = [k for k in class_weight if k not in known]
        if unknown:
            raise ValueError(
                f"class_weight has labels {unknown} that are not classes of y "
                f"({sorted(known)}). Use the labels of y as keys."
            )
        weights = dict(class_weight)
    else:
        present = unique_labels(y[keep])
        balanced = compute_class_weight(
            "balanced", classes=present, y=y[keep], sample_weight=sw
        )
        weights = dict(zip(present, balanced))

    def weigh(labels):
        uniques, inverse = np.unique(labels, return_inverse=True)
        return np.array([weights.get(u, 1.0) for u in uniques])[inverse]

    return weigh


def binarized_targets(binarizer, y, dtype):
    """``binarizer.transform(y).astype(dtype)`` without the int64 copy.

    ``binarizer`` is a fitted :class:`sklearn.preprocessing.LabelBinarizer`
    with its default labels (0 and 1). For binary and multiclass ``y`` the
    float matrix is written directly, so the targets take their final size
    once instead of twice (an int64 matrix then its copy); ``dtype=np.uint8``
    gives compact targets that the batch iterator and the objective turn
    into float rows batch by batch. Anything
    else (multilabel targets, labels the binarizer does not know) goes
    through ``transform``.
    """
    classes = binarizer.classes_
    if sp.issparse(y):  # a multilabel indicator matrix: transform makes it dense
        return binarizer.transform(y).astype(dtype)
    y = np.asarray(y)
    if binarizer.y_type_ not in ("binary", "multiclass") or y.ndim != 1:
        return binarizer.transform(y).astype(dtype)
    if len(classes) == 1:  # the binarizer's one-class case: all zeros
        return np.zeros((len(y), 1), dtype=dtype)
    codes = np.searchsorted(classes, y).clip(0, len(classes) - 1)
    if not np.array_equal(classes[codes], y):  # unknown labels: transform's way
        return binarizer.transform(y).astype(dtype)
    if binarizer.y_type_ == "binary":
        Y = np.zeros((len(y), 1), dtype=dtype)
        Y[:, 0] = codes == 1
        return Y
    Y = np.zeros((len(y), len(classes)), dtype=dtype)
    Y[np.arange(len(y)), codes] = 1
    return Y
