"""ONNX export through skl2onnx: converters for skmomentum's estimators.

Importing this module registers a converter for
:class:`~skmomentum.MLPMomentumClassifier` (and ``MLPMomentumRegressor``)
with skl2onnx, so :func:`skl2onnx.to_onnx` converts a fitted estimator,
alone or as a step of a :class:`~sklearn.pipeline.Pipeline`, and
onnxruntime serves it without Python or skmomentum::

    import skmomentum.onnx  # noqa: F401  (registers the converters)
    from skl2onnx import to_onnx

    onx = to_onnx(pipeline, X[:1].astype("float32"))

The graph is the network itself: per layer one ``MatMul`` and one ``Add``
followed by ``Relu``, ``Tanh``, ``Sigmoid`` or nothing (``identity``); the
output layer ends in ``Sigmoid`` (binary and multilabel) or ``Softmax``
(multiclass) for the classifier, nothing (``squared_error``) or ``Exp``
(``poisson``) for the regressor. A classifier has two outputs, as every
skl2onnx classifier: the labels (``ArgMax`` of the probabilities looked up
in ``classes_``; for multilabel targets each probability ``> 0.5``) and the
probabilities (a list of ``{class: probability}`` dicts unless the option
``zipmap=False`` is given). The computation runs in the input's type:
float32 input gives a float32 graph, float64 input a float64 graph.

Options of the classifier: ``zipmap`` (``True``, ``False`` or
``"columns"``) and ``nocl`` (``True``: the labels output holds class
indices ``0..n_classes - 1`` instead of ``classes_``). Pass them as
``to_onnx(model, X, options={id(model): {"zipmap": False}})`` or, for the
class, ``options={MLPMomentumClassifier: {"zipmap": False}}``.

Needs the optional extra ``skmomentum[onnx]`` (skl2onnx, onnx, onnxruntime).
"""

import numpy as np

try:
    from onnx import TensorProto
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
    )
except ImportError as error:
    raise ImportError(
        f"skmomentum.onnx needs skl2onnx and onnx ({error}). Install the optional "
        'extra: pip install "skmomentum[onnx]" (skl2onnx, onnx, onnxruntime).'
    ) from error

import skmomentum

__all__ = ["register"]

_HIDDEN_OPS = {"relu": "Relu", "tanh": "Tanh", "logistic": "Sigmoid", "identity": None}
_CLASSIFIER_OUTPUT_OPS = {"logistic": "Sigmoid", "softmax": "Softmax"}
_REGRESSOR_OUTPUT_OPS = {"identity": None, "exp": "Exp"}
_CLASSIFIER_OPTIONS = {"zipmap": [True, False, "columns"], "nocl": [False, True]}


def register():
    """Register skmomentum's converters with skl2onnx.

    Called when :mod:`skmomentum.onnx` is imported; calling it again is
    harmless (it overwrites the same registrations). Call it yourself only
    if another library replaced the converters since.

    Returns
    -------
    registered : list of type
        The estimator classes that now have a converter:
        ``MLPMomentumClassifier``, plus ``MLPMomentumRegressor`` where the
        installed skmomentum has it.

    Examples
    --------
    >>> import skmomentum.onnx
    >>> [cls.__name__ for cls in skmomentum.onnx.register()][0]
    'MLPMomentumClassifier'
    """
    registered = []
    for name, shape_fct, convert_fct, options in (
        (
            "MLPMomentumClassifier",
            _classifier_shapes,
            _convert_classifier,
            _CLASSIFIER_OPTIONS,
        ),
        ("MLPMomentumRegressor", _regressor_shapes, _convert_regressor, None),
    ):
        cls = getattr(skmomentum, name, None)
        if cls is None:
            continue
        update_registered_converter(
            cls, f"Skmomentum{name}", shape_fct, convert_fct, options=options
        )
        registered.append(cls)
    return registered


def _graph_dtype(operator):
    """ONNX and numpy float type of the graph: double for float64 input."""
    if isinstance(operator.inputs[0].type, DoubleTensorType):
        return TensorProto.DOUBLE, np.float64
    return TensorProto.FLOAT, np.float32


def _forward(scope, operator, container, out_ops):
    """Add the network to the graph; return the output layer's variable."""
    model = operator.raw_operator
    proto, dtype = _graph_dtype(operator)
    if model.activation not in _HIDDEN_OPS or model.out_activation_ not in out_ops:
        raise ValueError(
            f"Cannot convert {type(model).__name__} with activation="
            f"{model.activation!r} and out_activation_={model.out_activation_!r} "
            f"to ONNX: the converter knows hidden activations {sorted(_HIDDEN_OPS)} "
            f"and output activations {sorted(out_ops)}."
        )
    A = scope.get_unique_variable_name("input")
    container.add_node("Cast", operator.inputs[0].full_name, A, to=proto)
    n_layers = len(model.coefs_)
    for i, (W, b) in enumerate(zip(model.coefs_, model.intercepts_)):
        names = {k: scope.get_unique_variable_name(k) for k in ("W", "b", "XW", "Z")}
        container.add_initializer(
            names["W"], proto, list(W.shape), np.asarray(W, dtype=dtype).ravel()
        )
        container.add_initializer(
            names["b"], proto, [1, len(b)], np.asarray(b, dtype=dtype)
        )
        container.add_node("MatMul", [A, names["W"]], names["XW"])
        container.add_node("Add", [names["XW"], names["b"]], names["Z"])
        A = names["Z"]
        last = i == n_layers - 1
        op = out_ops[model.out_activation_] if last else _HIDDEN_OPS[model.activation]
        if op is not None:
            A_next = scope.get_unique_variable_name("A")
            # axis=1 is the class axis in every opset (its default changed in 13).
            attrs = {"axis": 1} if op == "Softmax" else {}
            container.add_node(op, A, A_next, **attrs)
            A = A_next
    return A


def _class_labels(model):
    """``classes_`` as the int64 or string tensor skl2onnx declares.

    Numeric labels are integers (or integral floats, or booleans: scikit-learn
    refuses fractional labels), so int64 holds them exactly.
    """
    classes = np.asarray(model.classes_)
    if classes.dtype.kind in "OUS":
        return TensorProto.STRING, np.array([str(c).encode("utf-8") for c in classes])
    return TensorProto.INT64, classes.astype(np.int64)


def _classifier_shapes(operator):
    calculate_linear_classifier_output_shapes(operator)
    model = operator.raw_operator
    if model._label_binarizer.y_type_.startswith("multilabel"):
        # One 0/1 column per label, as the estimator's predict returns.
        N = operator.inputs[0].get_first_dimension()
        operator.outputs[0].type.shape = [N, len(model.classes_)]


def _regressor_shapes(operator):
    N = operator.inputs[0].get_first_dimension()
    tensor_type = (
        DoubleTensorType
        if isinstance(operator.inputs[0].type, DoubleTensorType)
        else FloatTensorType
    )
    operator.outputs[0].type = tensor_type([N, operator.raw_operator.n_outputs_])


def _convert_classifier(scope, operator, container):
    """skl2onnx converter of ``MLPMomentumClassifier``.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
        Gives unique names.
    operator : skl2onnx.common._topology.Operator
        ``operator.raw_operator`` is the fitted classifier; one input, two
        outputs (labels, probabilities).
    container : skl2onnx.common._container.ModelComponentContainer
        Receives the nodes and initializers.
    """
    model = operator.raw_operator
    proto = _graph_dtype(operator)[0]
    labels, proba = operator.outputs[0].full_name, operator.outputs[1].full_name
    P = _forward(scope, operator, container, _CLASSIFIER_OUTPUT_OPS)
    y_type = model._label_binarizer.y_type_
    if y_type == "binary":
        # The positive class's sigmoid, next to one minus it, as predict_proba.
        one, negative = (scope.get_unique_variable_name(k) for k in ("one", "neg"))
        container.add_initializer(one, proto, [], [1.0])
        container.add_node("Sub", [one, P], negative)
        container.add_node("Concat", [negative, P], proba, axis=1)
    else:
        container.add_node("Identity", P, proba)

    if y_type.startswith("multilabel"):
        # LabelBinarizer.inverse_transform: a label is on when P > 0.5.
        half, on = (scope.get_unique_variable_name(k) for k in ("half", "on"))
        container.add_initializer(half, proto, [], [0.5])
        container.add_node("Greater", [P, half], on)
        container.add_node("Cast", on, labels, to=TensorProto.INT64)
        return
    # Ties go to the first class, as numpy's argmax (and binary P > 0.5).
    index = scope.get_unique_variable_name("index")
    container.add_node("ArgMax", proba, index, axis=1, keepdims=0)
    if scope.get_options(model, {"nocl": False})["nocl"]:
        container.add_node("Identity", index, labels)
        return
    class_type, classes = _class_labels(model)
    classes_name = scope.get_unique_variable_name("classes")
    container.add_initializer(classes_name, class_type, [len(classes)], classes)
    container.add_node("Gather", [classes_name, index], labels, axis=0)


def _convert_regressor(scope, operator, container):
    """skl2onnx converter of ``MLPMomentumRegressor``.

    The output has shape ``(n_samples, n_outputs_)`` (``(n_samples, 1)`` for
    a single target, as skl2onnx's regressors); ``out_activation_`` is
    ``"identity"`` (``loss="squared_error"``) or ``"exp"`` (``"poisson"``).

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
        Gives unique names.
    operator : skl2onnx.common._topology.Operator
        ``operator.raw_operator`` is the fitted regressor; one input, one
        output.
    container : skl2onnx.common._container.ModelComponentContainer
        Receives the nodes and initializers.
    """
    Y = _forward(scope, operator, container, _REGRESSOR_OUTPUT_OPS)
    container.add_node("Identity", Y, operator.outputs[0].full_name)


register()
