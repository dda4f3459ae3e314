"""OpLayer: a tensor function applied to KerasTensors (`x + 1`, `activations.relu(x)`) as a graph node."""
import functools
import inspect
import json
import os

import numpy as np

from .. import backend as keras_backend
from .layer import Layer
from .serialization import deserialize_function, serialize_function


class OpLayer(Layer):
    """Runs `function(*args, **kwargs)` on real tensors when its Functional model runs.

    It is an operation of the graph, not one of `model.layers` (as Keras's ops are); summaries show it
    under its function's name.
    """

    def __init__(self, function, **kwargs):
        name = keras_backend.to_snake_case(getattr(function, "__name__", "op"))
        super().__init__(name=keras_backend.unique_object_name(name), **kwargs)
        self.function = function
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self._is_operation = True
        self.built = True

    @property
    def summary_class_name(self):
        return "".join(part.capitalize() for part in self.function.__name__.split("_"))

    def call(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def get_config(self):
        return {"name": self.name, "function": serialize_function(self.function)}

    @classmethod
    def for_call(cls, function, args, kwargs):
        """The node for `function(*args, **kwargs)` and the arguments to call it with. When the call fits
        the Keras operation of the function's name (its constructor's parameters hold plain values), the
        node is that operation, as Keras builds it, so a saved model reads back in Keras; otherwise the node
        runs `function` as called."""
        keras_form = _keras_form(function, args, kwargs)
        if keras_form is None:
            return cls(function), args, kwargs
        operation, call_args = keras_form
        return cls.from_keras_operation(operation), call_args, {}

    @classmethod
    def from_keras_operation(cls, config):
        """The node Keras writes for an op in a Functional model (`x + y` as keras.src.ops.numpy.Add, a
        Masking layer's NotEqual and Any, `keras.ops.mean`, ...): the keras.ops function of that name,
        called with the operation's config as keyword arguments."""
        from .. import ops as keras_ops
        from ...ops.array import getitem

        class_name = config["class_name"]
        settings = {k: v for k, v in config.get("config", {}).items() if k != "name"}
        name = keras_backend.to_snake_case(class_name)
        function = getitem if class_name == "GetItem" else getattr(keras_ops, name, None)
        if function is None:
            raise ValueError(f"Unknown Keras operation '{class_name}' ({config.get('module')}): keras.ops has no "
                             f"function {name!r}")
        function = getattr(function, "__wrapped__", function)

        def operation(*args, **kwargs):
            return function(*args, **settings, **kwargs)

        operation.__name__ = name
        layer = cls(operation)
        object.__setattr__(layer, "name", config.get("config", {}).get("name", layer.name))
        object.__setattr__(layer, "_keras_operation", {k: config[k] for k in ("module", "class_name", "config")})
        return layer

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        function = config["function"]
        layer = cls(deserialize_function(function, custom_objects, safe_mode) if isinstance(function, dict)
                    else function)
        object.__setattr__(layer, "name", config.get("name", layer.name))
        return layer


# Functions whose Keras operation has another name than theirs (KerasTensor operators use them).
_CLASS_OF_FUNCTION = {"getitem": "get_item"}


@functools.lru_cache(maxsize=1)
def _keras_ops_names():
    """The names each function has in keras.ops (`Sub` is keras.ops.subtract), by the function's id."""
    from .. import ops as keras_ops

    names = {}
    for name, fn in sorted(vars(keras_ops).items()):
        fn = getattr(fn, "__wrapped__", fn)
        if callable(fn) and not name.startswith("_"):
            names.setdefault(id(fn), []).append(name)
    return names


@functools.lru_cache(maxsize=1)
def _keras_operations():
    """Keras's operation classes by snake-case name: module, constructor and call parameters (recorded from
    Keras by golden/make_keras_operations.py)."""
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "saving", "keras_operations.json")
    with open(path) as f:
        table = json.load(f)
    return {keras_backend.to_snake_case(name): (name, spec) for name, spec in table.items()}


def _plain(value):
    """`value` as JSON config (lists for tuples, Python numbers for NumPy scalars), or raise TypeError."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    raise TypeError(type(value).__name__)


def _keras_form(function, args, kwargs):
    """(Keras operation config, call arguments) for `function(*args, **kwargs)`, or None when it does not fit."""
    own = keras_backend.to_snake_case(getattr(function, "__name__", ""))
    names = [_CLASS_OF_FUNCTION.get(own, own)] + _keras_ops_names().get(id(function), [])
    entry = next((_keras_operations()[n] for n in names if n in _keras_operations()), None)
    if entry is None:
        return None
    class_name, spec = entry
    try:
        parameters = inspect.signature(function).parameters
        given = dict(inspect.signature(function).bind(*args, **kwargs).arguments)
    except (TypeError, ValueError):
        return None
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters.values()):
        return None
    defaults = {n: p.default for n, p in parameters.items()}

    def take(param):
        value = given.pop(param) if param in given else defaults[param]
        if value is inspect.Parameter.empty:
            raise TypeError(param)
        return value

    # The call's arguments match by position (Keras's `x1, x2` are `x, y` here), the constructor's by name.
    own_call = [n for n in parameters if n not in spec["init"] and n != "name"][:len(spec["call"])]
    if len(own_call) < len(spec["call"]):
        return None
    config = {"name": keras_backend.unique_object_name(keras_backend.to_snake_case(class_name))} if spec["named"] \
        else {}
    try:
        call_args = [take(n) for n in own_call]
        for param in spec["init"]:
            if param in parameters:
                config[param] = _plain(take(param))
    except TypeError:
        return None
    # What is left must be a name, or a value the Keras operation has no parameter for, left at its default.
    for param, value in given.items():
        default = defaults[param]
        if param != "name" and value is not default and not (
                isinstance(value, (bool, int, float, str)) and type(value) is type(default) and value == default):
            return None
    return {"module": spec["module"], "class_name": class_name, "config": config}, call_args
