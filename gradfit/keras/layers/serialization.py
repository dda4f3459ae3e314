"""Keras 3's config format for objects: `{"module", "class_name", "config", "registered_name"}`.

Initializers, regularizers, constraints, activations and layers all serialize through here, so one
format is written and one is read back (a bare class name string is accepted too).
"""
import base64
import importlib
import inspect
import marshal
import types

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


def serialize_function(fn):
    """A Python lambda as its marshalled bytecode (as Keras stores it); a named function by name."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
        closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
        return {"class_name": "__lambda__", "config": {"code": code, "defaults": fn.__defaults__,
                                                      "closure": closure}}
    from .. import activations

    name = activations.serialize(fn) if fn in activations.ALL_OBJECTS_DICT.values() else None
    if name is not None:
        return {"module": "keras.activations", "class_name": "function", "config": name, "registered_name": None}
    module, name = fn.__module__, fn.__name__
    namespace = vars(importlib.import_module(module)) if module else {}
    if namespace.get(name) is not fn:
        # Functions made by factories carry another __name__ than the one their module gives them.
        name = next((key for key, value in namespace.items() if value is fn), name)
    return {"module": module, "class_name": "function", "config": name, "registered_name": name}


def _lambda_globals():
    """The names a deserialized lambda can refer to: `tf` (gradfit) and `keras`, as in user code."""
    import gradfit

    return {"__builtins__": __builtins__, "tf": gradfit, "keras": gradfit.keras}


def deserialize_function(config, custom_objects=None, safe_mode=None):
    """The function of a `serialize_function` config.

    A lambda is rebuilt from its bytecode and a named function imported from its module, which runs code
    named by the config; in safe mode (the default) only custom_objects and functions of gradfit/keras
    modules are allowed. Pass `safe_mode=False` (or call `enable_unsafe_deserialization()`) for configs
    you trust.
    """
    safe = in_safe_mode(safe_mode)
    name = config.get("registered_name") or config.get("config")
    if custom_objects and isinstance(name, str) and name in custom_objects:
        return custom_objects[name]
    if config.get("class_name") == "__lambda__":
        if safe:
            raise ValueError("Requested the deserialization of a Python lambda (a Lambda layer's function), which "
                             "can run arbitrary code, so it is refused by default. If you trust the source of the "
                             "config, pass `safe_mode=False` or call "
                             "`keras.config.enable_unsafe_deserialization()`")
        inner = config["config"]
        code = marshal.loads(base64.b64decode(inner["code"]))
        closure = inner.get("closure")
        cells = tuple(types.CellType(v) for v in closure) if closure else None
        return types.FunctionType(code, _lambda_globals(), name=code.co_name,
                                  argdefs=tuple(inner["defaults"]) if inner.get("defaults") else None,
                                  closure=cells)
    if config.get("module") == "keras.activations":
        from .. import activations

        return activations.get(config["config"])
    module = config.get("module") or ""
    if safe and module.split(".")[0] not in ("gradfit", "keras"):
        raise ValueError(f"Function {name!r} of module {module!r} is not a gradfit or Keras function: pass it in "
                         f"`custom_objects={{{name!r}: ...}}`, or pass `safe_mode=False` to import it")
    return getattr(importlib.import_module(module), config["config"])


_unsafe_deserialization = [False]


def enable_unsafe_deserialization():
    """Allow configs to rebuild Python lambdas and import functions from any module (trusted configs only)."""
    _unsafe_deserialization[0] = True


def in_safe_mode(safe_mode=None):
    """Whether deserialization is restricted: `safe_mode` when given, else unless unsafe mode was enabled."""
    return not _unsafe_deserialization[0] if safe_mode is None else bool(safe_mode)
