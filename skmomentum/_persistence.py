"""An estimator's saved state as plain data, so skops trusts all but its class.

skops loads only types it trusts: builtins, numpy, scipy and scikit-learn's
own; every other class stored in a file must be trusted by the user, by its
module path. A fitted skmomentum estimator holds skmomentum helper objects
(the solver and its fitted copy ``solver_``, the ``SolverState``, schedules,
callbacks and their fitted copies), so without help a user would have to
trust a list of internal paths that changes whenever a class moves.

Instead, :class:`PersistenceMixin` makes the estimator's ``__getstate__``
turn each helper object into a tagged dict of plain data::

    {"__skmomentum__": "skmomentum.solvers.Nesterov", "state": {...}}

(``state`` is the object's own ``__dict__``, encoded the same way), and its
``__setstate__`` turns such dicts back into objects. Only the classes of
:func:`allowed_types`, an explicit table of skmomentum's documented types, are
ever created; a tag naming anything else is an error, so a file cannot make
the loader import or instantiate an arbitrary name. An object of any other
class (a user's own callback, say) is left as it is: skops then lists its
type as untrusted, as it should.

Pickle and :func:`copy.deepcopy` go through the same two methods, and their
round trip is exact (object identity included: an object referenced twice is
encoded once and decoded once); :func:`sklearn.base.clone` does not (it
rebuilds from ``get_params``). A pickle written before this encoding existed
(helper objects inside) still loads: ``decode_state`` passes them through.
"""

import functools

_TAG = "__skmomentum__"
# Tag of a user's dict that happens to contain the key _TAG.
_DICT_TAG = "builtins.dict"


@functools.cache
def allowed_types():
    """The helper classes an estimator's state may hold, by public name.

    These names are written into saved files: they are part of the file
    format, so a class that moves to another private module keeps its name
    here. ``_Plateau`` is the private record of the monitoring callbacks.

    Returns
    -------
    types : dict of str to type
        ``{"skmomentum.solvers.Nesterov": Nesterov, ...}``.
    """
    from . import callbacks, schedules, solvers

    names = {
        solvers: (
            "GD",
            "MiniBatchGD",
            "SGD",
            "Momentum",
            "Nesterov",
            "RMSprop",
            "Adam",
            "Genetic",
            "SolverState",
        ),
        schedules: (
            "Constant",
            "InverseScaling",
            "ExponentialDecay",
            "StepDecay",
            "CosineDecay",
        ),
        callbacks: (
            "EarlyStopping",
            "ReduceLROnPlateau",
            "ModelCheckpoint",
            "ProgressBar",
            "_Plateau",
        ),
    }
    types = {}
    for module, class_names in names.items():
        for name in class_names:
            # A class renamed in its module drops out here: its objects are
            # then saved as themselves and skops flags them (tests notice).
            cls = getattr(module, name, None)
            if isinstance(cls, type):
                types[f"{module.__name__}.{name}"] = cls
    return types


def encode_state(state):
    """Replace every skmomentum helper object in ``state`` by plain data.

    Parameters
    ----------
    state : dict
        An estimator's ``__dict__`` (or what ``__getstate__`` returns).
        Not modified.

    Returns
    -------
    plain : dict
        The same state, where each object of :func:`allowed_types` (also
        inside lists, tuples, dicts and other such objects) is a dict
        ``{"__skmomentum__": name, "state": encoded __dict__}``. Arrays,
        numbers, strings, scikit-learn and numpy objects are kept as they are.
    """
    names = {cls: name for name, cls in allowed_types().items()}
    memo = {}  # id -> (original, encoded); the original stays alive

    def encode(value):
        if id(value) in memo:
            return memo[id(value)][1]
        kind = type(value)
        if kind in names:
            plain = {_TAG: names[kind], "state": None}
            memo[id(value)] = (value, plain)
            plain["state"] = encode(_object_state(value))
            return plain
        if kind is dict:
            plain = {key: encode(item) for key, item in value.items()}
            if _TAG in value:
                plain = {_TAG: _DICT_TAG, "state": plain}
        elif kind is list:
            plain = [encode(item) for item in value]
        elif kind is tuple:
            plain = tuple(encode(item) for item in value)
        else:
            return value
        memo[id(value)] = (value, plain)
        return plain

    return encode(state)


def decode_state(plain):
    """Rebuild the helper objects that :func:`encode_state` encoded.

    Parameters
    ----------
    plain : dict
        Output of :func:`encode_state` (after a trip through a file).

    Returns
    -------
    state : dict
        The estimator state with its helper objects.

    Raises
    ------
    ValueError
        If a tag names a type that is not in :func:`allowed_types`.
    """
    types = allowed_types()
    memo = {}

    def decode(value):
        if id(value) in memo:
            return memo[id(value)][1]
        kind = type(value)
        if kind is dict and _TAG in value and value[_TAG] != _DICT_TAG:
            name = value[_TAG]
            if name not in types:
                raise ValueError(
                    f"The saved estimator holds an object of type {name!r}, which "
                    "this version of skmomentum does not know: it was saved by "
                    "another version, or the file was altered. Load it with the "
                    "skmomentum version that saved it."
                )
            cls = types[name]
            obj = cls.__new__(cls)
            memo[id(value)] = (value, obj)
            _set_object_state(obj, decode(value["state"]))
            return obj
        if kind is dict:
            items = value["state"] if _TAG in value else value
            result = {key: decode(item) for key, item in items.items()}
        elif kind is list:
            result = [decode(item) for item in value]
        elif kind is tuple:
            result = tuple(decode(item) for item in value)
        else:
            return value
        memo[id(value)] = (value, result)
        return result

    return decode(plain)


def _object_state(obj):
    """What pickle would save of ``obj``: ``__getstate__()`` or ``__dict__``."""
    getstate = getattr(obj, "__getstate__", None)  # object's own from 3.11
    state = getstate() if getstate is not None else obj.__dict__
    return {} if state is None else state


def _set_object_state(obj, state):
    """What pickle would do to restore ``obj``: ``__setstate__`` or the dict."""
    if hasattr(obj, "__setstate__"):
        obj.__setstate__(state)
    else:
        obj.__dict__.update(state)


class PersistenceMixin:
    """Save the estimator's helper objects as plain data (skops, pickle).

    Put it before :class:`sklearn.base.BaseEstimator` in the bases: its
    ``__getstate__`` encodes what ``BaseEstimator.__getstate__`` returns
    (``_sklearn_version`` included) with :func:`encode_state`, and its
    ``__setstate__`` decodes before handing over to ``BaseEstimator``. A file
    written by ``skops.io.dump`` then names no skmomentum type but the
    estimator's class.
    """

    def __getstate__(self):
        return encode_state(super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(decode_state(state))
