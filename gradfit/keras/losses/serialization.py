"""Keras-format names and (de)serialization for losses, metrics, optimizers and schedules.

An object serializes as Keras 3 writes it: `{"module": ..., "class_name": ..., "config": ...,
"registered_name": None}`; a plain function as `{"class_name": "function", "config": <its name>}`.
"""
import inspect
import itertools
import re
from collections import defaultdict

_name_counters = defaultdict(itertools.count)


def to_snake_case(name):
    """'SparseCategoricalAccuracy' -> 'sparse_categorical_accuracy', as Keras names objects."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def auto_name(class_name):
    """A fresh default name for an object of `class_name`: 'adam', then 'adam_1', 'adam_2', ..."""
    prefix = to_snake_case(class_name)
    n = next(_name_counters[prefix])
    return prefix if n == 0 else f"{prefix}_{n}"


def serialize_object(obj, module):
    """The Keras config dict of a Keras object or function (None stays None)."""
    if obj is None:
        return None
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return {"module": "builtins", "class_name": "function", "config": obj.__name__,
                "registered_name": "function"}
    if not hasattr(obj, "get_config"):
        raise ValueError(f"Cannot serialize {obj!r}: it is neither a function nor an object with get_config()")
    return {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(),
            "registered_name": None}


def deserialize_object(config, module_objects, custom_objects=None, kind="object"):
    """The object a Keras config describes: a dict (class_name + config) or a registered name.

    A name of a class gives an instance built with defaults; a name of a function gives the function.
    """
    known = dict(module_objects)
    if custom_objects:
        known.update(custom_objects)
    if isinstance(config, str):
        found = known.get(config)
        if found is None:
            raise ValueError(f"Unknown {kind} identifier: {config!r}")
        return found() if inspect.isclass(found) else found
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not deserialize {kind}: expected a dict with 'class_name' and 'config', "
                         f"received {config!r}")
    class_name = config["class_name"]
    inner = config.get("config", {})
    if class_name == "function":
        found = known.get(inner)
        if found is None:
            raise ValueError(f"Unknown {kind} function: {inner!r}")
        return found
    cls = known.get(class_name)
    if cls is None:
        raise ValueError(f"Unknown {kind} class: {class_name!r}. Pass it in `custom_objects` if it is your own")
    return cls.from_config(dict(inner or {}))
