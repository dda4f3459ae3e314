"""Keras 3's config format for objects: `{"module", "class_name", "config", "registered_name"}`.

Initializers, regularizers, constraints, activations and layers all serialize through here, so one
format is written and one is read back (a bare class name string is accepted too).
"""
import inspect

# Classes users registered by name (`custom_objects` passed to `from_config` are looked up first).
_CUSTOM_OBJECTS = {}


def serialize_keras_object(obj, module):
    """The config dict of `obj` (an object with `get_config`), as Keras 3 writes it."""
    if obj is None:
        return None
    return {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(),
            "registered_name": None}


def deserialize_keras_object(config, module_objects, kind, custom_objects=None):
    """An object from a config dict or name, looked up in custom_objects then `module_objects`.

    `kind` names what is being deserialized ("initializer", "layer", ...) for the error message.
    """
    if isinstance(config, str):
        class_name, inner = config, {}
    elif isinstance(config, dict) and "class_name" in config:
        class_name, inner = config["class_name"], config.get("config") or {}
        class_name = config.get("registered_name") or class_name
    else:
        raise ValueError(f"Could not interpret {kind} config: {config!r}; expected a name or a dict with "
                         "'class_name' and 'config'")
    lookup = {**module_objects, **_CUSTOM_OBJECTS, **(custom_objects or {})}
    obj = lookup.get(class_name)
    if obj is None and isinstance(config, dict):
        obj = lookup.get(config["class_name"])
    if obj is None:
        raise ValueError(f"Unknown {kind} {class_name!r}. Available: {sorted(module_objects)}. Pass custom "
                         f"classes with `custom_objects={{{class_name!r}: ...}}`")
    if not inspect.isclass(obj):
        return obj
    if not hasattr(obj, "from_config"):
        return obj(**inner)
    if "custom_objects" in inspect.signature(obj.from_config).parameters:
        return obj.from_config(inner, custom_objects=custom_objects)
    return obj.from_config(inner)


def register_keras_serializable(package="Custom", name=None):
    """Decorator making a class findable by name when configs are read back."""

    def decorator(cls):
        _CUSTOM_OBJECTS[name or cls.__name__] = cls
        _CUSTOM_OBJECTS[f"{package}>{name or cls.__name__}"] = cls
        return cls

    return decorator


def constructor_signature(cls):
    """inspect.signature of `cls.__init__`, computed once per class."""
    signature = cls.__dict__.get("_constructor_signature")
    if signature is None:
        signature = inspect.signature(cls.__init__)
        type.__setattr__(cls, "_constructor_signature", signature)
    return signature


def is_plain_config(value):
    """Whether a value can go in a config as it is (None, numbers, strings, and lists/dicts of them)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(is_plain_config(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain_config(v) for k, v in value.items())
    return False
