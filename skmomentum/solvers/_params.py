"""get_params / set_params for objects that hold hyperparameters only.

Solvers and schedules are not estimators, but scikit-learn's ``clone``,
``GridSearchCV`` and nested keys such as ``solver__momentum`` only need
``get_params`` and ``set_params`` (the same approach as
``sklearn.gaussian_process.kernels.Kernel``).
"""

import inspect

from sklearn.utils._param_validation import validate_parameter_constraints


class ParamsMixin:
    """Hyperparameter access in scikit-learn's style.

    Every ``__init__`` argument is stored unchanged under its own name, so
    ``type(obj)(**obj.get_params(deep=False))`` rebuilds an equal object.
    """

    _parameter_constraints: dict = {}

    def validate(self):
        """Check the hyperparameters; raise a clear error naming the bad one.

        Raises
        ------
        sklearn.utils._param_validation.InvalidParameterError
            A ``ValueError`` and ``TypeError`` subclass naming the parameter,
            its allowed range and the value received.
        """
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )

    @classmethod
    def _get_param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        )

    def get_params(self, deep=True):
        """Get the hyperparameters of this object.

        Parameters
        ----------
        deep : bool, default=True
            If True, also return the parameters of nested objects that have
            ``get_params`` (for example a learning-rate schedule), as
            ``name__param``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            params[name] = value
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                for key, sub_value in value.get_params(deep=True).items():
                    params[f"{name}__{key}"] = sub_value
        return params

    def set_params(self, **params):
        """Set hyperparameters, including nested ones (``name__param``).

        Parameters
        ----------
        **params : dict
            Hyperparameters to set.

        Returns
        -------
        self : object
            This object.
        """
        valid = self._get_param_names()
        nested = {}
        for key, value in params.items():
            name, delim, sub_key = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
            if delim:
                nested.setdefault(name, {})[sub_key] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def __repr__(self):
        # Like scikit-learn's print_changed_only: show what differs from defaults.
        signature = inspect.signature(type(self).__init__)
        shown = []
        for name in self._get_param_names():
            value = getattr(self, name)
            default = signature.parameters[name].default
            if not _same(value, default):
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _same(value, default):
    if value is default:
        return True
    try:
        return bool(type(value) is type(default) and value == default)
    except (TypeError, ValueError):
        return False
