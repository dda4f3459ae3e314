"""Keras configs of losses, metrics, optimizers and schedules, plain functions included.

Objects go through the Keras-format (de)serializer every Keras object uses (`{"module", "class_name",
"config", "registered_name"}`, registered custom classes found by name); a plain function is written
as Keras writes it: `{"class_name": "function", "config": <its name>}`.
"""
import inspect

from ..layers.serialization import deserialize_keras_object, serialize_keras_object


def serialize_object(obj, module):
    """The Keras config dict of a Keras object or function (None stays None)."""
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return {"module": "builtins", "class_name": "function", "config": obj.__name__,
                "registered_name": "function"}
    if obj is not None and not hasattr(obj, "get_config"):
        raise ValueError(f"Cannot serialize {obj!r}: it is neither a function nor an object with get_config()")
    return serialize_keras_object(obj, module)


def deserialize_object(config, module_objects, custom_objects=None, kind="object"):
    """The object a Keras config (dict or registered name) describes; a name of a function gives the function."""
    if isinstance(config, dict) and config.get("class_name") == "function":
        name = config.get("config")
        found = {**module_objects, **(custom_objects or {})}.get(name)
        if found is None:
            raise ValueError(f"Unknown {kind} function {name!r}. Pass custom functions with "
                             f"`custom_objects={{{name!r}: ...}}`")
        return found
    return deserialize_keras_object(config, module_objects, kind, custom_objects)


def get_object(identifier, module_objects, deserialize, unknown_message):
    """What a `get(identifier)` of losses or metrics returns: None for None; for a name, a config dict, a
    class, an instance or a function, the instance (classes are instantiated) or function it names.
    Anything else raises ValueError(unknown_message())."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = module_objects.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(unknown_message())
