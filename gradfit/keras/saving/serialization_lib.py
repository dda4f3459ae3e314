"""Any Keras object as a Keras 3 config dict and back (`keras.saving.serialize_keras_object` / `deserialize_...`).

An object is written as `{"module", "class_name", "config", "registered_name"}` under the public name
Keras gives it (`keras.layers`/`Dense`, `keras`/`Sequential`, `keras.optimizers`/`Adam`, ...), a
registered custom class under its own module and `'package>name'`; layers and models add their
`build_config` and `compile_config`. Reading a config never imports a module the config names: classes
come from gradfit's Keras namespaces, the registered objects and `custom_objects` only, and a Python
lambda is rebuilt only with `safe_mode=False`.
"""
import base64
import functools
import importlib
import inspect
import marshal
import types

import numpy as np

from ...tensor import Tensor
from ..layers import serialization as layer_serialization
from ..layers.keras_tensor import KerasTensor
from .object_registration import CustomObjectScope, GLOBAL_CUSTOM_OBJECTS, get_registered_name

PLAIN_TYPES = (str, int, float, bool)

# (Keras module, gradfit module) whose classes and functions are written under that Keras module.
_NAMESPACES = (
    ("keras.layers", "gradfit.keras.layers"),
    ("keras.optimizers", "gradfit.keras.optimizers"),
    ("keras.optimizers.schedules", "gradfit.keras.optimizers.schedules"),
    ("keras.losses", "gradfit.keras.losses"),
    ("keras.metrics", "gradfit.keras.metrics"),
    ("keras.initializers", "gradfit.keras.initializers"),
    ("keras.regularizers", "gradfit.keras.regularizers"),
    ("keras.constraints", "gradfit.keras.constraints"),
    ("keras.activations", "gradfit.keras.activations"),
)
# Helpers of those namespaces that are not parts of a model: a config never resolves to them.
_NOT_MODEL_PARTS = frozenset({"get", "serialize", "deserialize", "deserialize_keras_object"})
# Modules Keras searches for a built-in function written as `{"module": "builtins", "class_name": "function"}`.
_BUILTIN_FUNCTION_MODULES = ("keras.activations", "keras.losses", "keras.metrics", "keras.initializers",
                             "keras.regularizers", "keras.constraints", "keras.optimizers")


@functools.lru_cache(maxsize=None)
def _public_names():
    """{class or function: (Keras module, public name)} and its inverse {(module, name): object}."""
    from .. import models
    from ..layers.dtype_policy import DTypePolicy

    by_object, by_name = {}, {}

    def add(module, name, obj):
        by_object.setdefault(obj, (module, name))
        by_name.setdefault((module, name), obj)

    add("keras", "Sequential", models.Sequential)
    add("keras", "Model", models.Model)
    # Keras has no public name for Functional; it writes the module the class lives in.
    add("keras.src.models.functional", "Functional", models.Functional)
    add("keras", "DTypePolicy", DTypePolicy)
    for keras_module, module_name in _NAMESPACES:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if name.startswith("_") or name in _NOT_MODEL_PARTS or not (inspect.isclass(obj) or
                                                                         inspect.isfunction(obj)):
                continue
            if getattr(obj, "__name__", None) == name and obj.__module__.startswith("gradfit."):
                add(keras_module, name, obj)
    return by_object, by_name


def _public_name(obj):
    try:
        return _public_names()[0].get(obj)
    except TypeError:  # unhashable
        return None


def _builtin(module, name):
    """The gradfit object Keras names `module.name` (e.g. keras.layers.Dense), or None."""
    found = _public_names()[1].get((module, name))
    if found is None and module.split(".")[0] == "keras":
        # Classes Keras writes under an internal module path (keras.src....): known by their name.
        for (_, public), obj in _public_names()[1].items():
            if public == name and inspect.isclass(obj):
                return obj
    return found


# ------------------------------------------------------------------------------------------ serializing
def serialize_keras_object(obj):
    """The Keras 3 config of `obj`: plain values as they are, containers item by item, objects as dicts."""
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return serialize_dict(obj)
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {"start": serialize_keras_object(obj.start),
                                                     "stop": serialize_keras_object(obj.stop),
                                                     "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, KerasTensor):
        history = obj._keras_history
        history = None if history is None else [history.operation.name, history.node_index, history.tensor_index]
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(obj.shape), "dtype": obj.dtype.name, "keras_history": history}}
    if isinstance(obj, (Tensor, np.ndarray)) and np.ndim(obj) > 0:
        value = np.asarray(obj)
        return {"class_name": "__tensor__" if isinstance(obj, Tensor) else "__numpy__",
                "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(obj, (Tensor, np.generic, np.ndarray)):
        return np.asarray(obj).item()
    if isinstance(obj, types.FunctionType):
        return _serialize_function(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize object {obj!r} of type {type(obj).__name__}. To be serializable, a class "
                        "must implement the `get_config()` method.")
    inner = obj.get_config()
    if not isinstance(inner, dict):
        raise TypeError(f"The `get_config()` method of {obj!r} should return a dict. It returned: {inner!r}")
    inner = serialize_dict(inner)
    from ..layers.layer import Layer

    if isinstance(obj, Layer):
        _write_public_names(inner, obj)
    config = {**object_identity(type(obj)), "config": inner}
    _add_build_and_compile_config(obj, config)
    return config


def serialize_dict(obj):
    return {key: serialize_keras_object(value) for key, value in obj.items()}


def object_identity(cls):
    """`{"module", "class_name", "registered_name"}` for instances of `cls`, as Keras writes them."""
    public = _public_name(cls)
    if public is not None:
        module, name = public
        return {"module": module, "class_name": name,
                "registered_name": name if module.startswith("keras.src.") else None}
    module = cls.__module__
    return {"module": None if module == "__main__" else module, "class_name": cls.__name__,
            "registered_name": get_registered_name(cls)}


def _serialize_function(fn):
    if fn.__name__ == "<lambda>":
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
        return {"class_name": "__lambda__", "config": {"value": [code, fn.__defaults__, closure]}}
    if _public_name(fn) is not None:
        return {"module": "builtins", "class_name": "function", "config": fn.__name__,
                "registered_name": "function"}
    name = get_registered_name(fn)
    return {"module": fn.__module__, "class_name": "function", "config": name, "registered_name": name}


def _add_build_and_compile_config(obj, config):
    get_build_config = getattr(obj, "get_build_config", None)
    if get_build_config is not None and getattr(obj, "built", False):
        build_config = get_build_config()
        if build_config is not None:
            config["build_config"] = serialize_dict(build_config)
    from ..models.model import Model
    from .compile_config import get_compile_config

    # A model's own get_compile_config (a user's override) comes first.
    get_own = getattr(obj, "get_compile_config", None)
    compile_config = get_own() if get_own is not None else get_compile_config(obj) if isinstance(obj, Model) \
        else None
    if compile_config is not None:
        config["compile_config"] = serialize_dict(compile_config)


def _write_public_names(config, layer):
    """Give every sublayer config inside `config` the module and registered name Keras would write.

    Sublayer configs are made by each layer's own get_config; they are matched to the sublayers by
    (name, class name), which are unique within a model's configs.
    """
    classes = {(sub.name, type(sub).__name__): type(sub) for sub in layer._flatten_layers(include_self=False)}

    def visit(node):
        if isinstance(node, dict):
            inner = node.get("config")
            if "class_name" in node and "module" in node and isinstance(inner, dict):
                cls = classes.get((inner.get("name"), node["class_name"]))
                if cls is not None:
                    node.update(object_identity(cls))
            for value in node.values():
                visit(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                visit(value)

    visit(config)


# ---------------------------------------------------------------------------------------- deserializing
class SafeModeScope:
    """Within the block, lambdas in configs are rebuilt only if `safe_mode` is False (or unsafe mode is on)."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode
        self._previous = None

    def __enter__(self):
        flag = layer_serialization._unsafe_deserialization
        self._previous = flag[0]
        if self.safe_mode is False:
            flag[0] = True
        return self

    def __exit__(self, *exc_info):
        layer_serialization._unsafe_deserialization[0] = self._previous


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object a Keras 3 config describes (the reverse of `serialize_keras_object`).

    Classes are looked up in `custom_objects`, then among registered objects, then among gradfit's
    built-in Keras classes; a layer is built from its `build_config` and a model compiled from its
    `compile_config`. A serialized Python lambda is refused unless `safe_mode=False`.
    """
    module_objects = kwargs.pop("module_objects", None)
    if kwargs:
        raise ValueError(f"deserialize_keras_object got unexpected arguments {sorted(kwargs)}")
    safe_mode = layer_serialization.in_safe_mode(None if safe_mode else False)
    custom_objects = {**GLOBAL_CUSTOM_OBJECTS, **(module_objects or {}), **(custom_objects or {})}
    return _deserialize(config, custom_objects, safe_mode)


def _deserialize(config, custom_objects, safe_mode):
    if config is None or isinstance(config, PLAIN_TYPES) and not isinstance(config, str):
        return config
    if isinstance(config, str):
        return custom_objects.get(config, config)
    if isinstance(config, (list, tuple)):
        return [_deserialize(x, custom_objects, safe_mode) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {key: _deserialize(value, custom_objects, safe_mode) for key, value in config.items()}
    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    special = _SPECIAL.get(class_name)
    if special is not None:
        return special(inner, custom_objects, safe_mode)
    if class_name == "function":
        return _retrieve_function(config, custom_objects)
    if not isinstance(inner, dict):
        raise TypeError(f"Expected 'config' to be a dict for {class_name}, instead got {type(inner).__name__}. "
                        f"Full config: {config}")
    cls = _retrieve_class(config, custom_objects)
    if isinstance(cls, types.FunctionType):
        return cls
    if not hasattr(cls, "from_config"):
        raise TypeError(f"Unable to reconstruct an instance of '{class_name}' because the class is missing a "
                        f"`from_config()` method. Full object config: {config}")
    with CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        if "custom_objects" in inspect.signature(cls.from_config).parameters:
            instance = cls.from_config(inner, custom_objects=custom_objects)
        else:
            instance = cls.from_config(inner)
        build_config = config.get("build_config")
        if build_config and not getattr(instance, "built", True):
            instance.build_from_config(build_config)
            instance.built = True
        compile_config = config.get("compile_config")
        if compile_config:
            from .compile_config import compile_from_config

            compile_own = getattr(instance, "compile_from_config", None)
            if compile_own is not None:
                compile_own(compile_config)
            else:
                compile_from_config(instance, compile_config)
    return instance


def _retrieve_class(config, custom_objects):
    class_name, module = config["class_name"], config.get("module")
    registered = config.get("registered_name") or class_name
    for name in (registered, class_name):
        if name in custom_objects:
            return custom_objects[name]
    if isinstance(module, str) and module.split(".")[0] == "keras":
        found = _builtin(module, class_name)
        if found is not None:
            return found
    raise TypeError(f"Could not locate class '{class_name}'. Make sure custom classes are decorated with "
                    "`@keras.saving.register_keras_serializable()` or passed in `custom_objects`. If they are "
                    f"already decorated, make sure they are imported before loading. Full object config: {config}")


def _retrieve_function(config, custom_objects):
    name, module = config["config"], config.get("module")
    if not isinstance(name, str):
        raise TypeError(f"Expected 'config' to be a function name, instead got {name!r}. Full config: {config}")
    for key in (config.get("registered_name"), name):
        if key in custom_objects:
            return custom_objects[key]
    modules = _BUILTIN_FUNCTION_MODULES if module == "builtins" else (module,) if isinstance(module, str) and \
        module.split(".")[0] == "keras" else ()
    for keras_module in modules:
        found = _builtin(keras_module, name)
        if found is not None and inspect.isfunction(found):
            return found
    if module == "builtins" and ">" not in name:
        # Keras 3.6 and older wrote custom functions by bare name: match a registered 'package>name'.
        for key, value in custom_objects.items():
            if key.endswith(f">{name}"):
                return value
    raise TypeError(f"Could not locate function '{name}'. Make sure custom functions are decorated with "
                    "`@keras.saving.register_keras_serializable()` or passed in `custom_objects`. "
                    f"Full object config: {config}")


def _lambda(inner, custom_objects, safe_mode):
    if safe_mode:
        raise ValueError("Requested the deserialization of a Python lambda. This carries a potential risk of "
                         "arbitrary code execution and thus it is disallowed by default. If you trust the source "
                         "of the artifact, you can override this error by passing `safe_mode=False` to the "
                         "loading function, or calling `keras.config.enable_unsafe_deserialization()`.")
    value = inner.get("value") if isinstance(inner, dict) else None
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        raise ValueError(f"A serialized lambda holds [code, defaults, closure], got {value!r}")
    code, defaults, closure = value
    return layer_serialization.deserialize_function(
        {"class_name": "__lambda__", "config": {"code": code, "defaults": defaults, "closure": closure}},
        safe_mode=False)


def _keras_tensor(inner, custom_objects, safe_mode):
    tensor = KerasTensor(tuple(inner["shape"]), dtype=inner["dtype"])
    tensor._pre_serialization_keras_history = inner.get("keras_history")
    return tensor


def _slice(inner, custom_objects, safe_mode):
    return slice(*(_deserialize(inner[key], custom_objects, safe_mode) for key in ("start", "stop", "step")))


_SPECIAL = {
    "__numpy__": lambda inner, *_: np.array(inner["value"], dtype=inner["dtype"]),
    "__tensor__": lambda inner, *_: Tensor(np.array(inner["value"], dtype=inner["dtype"])),
    "__bytes__": lambda inner, *_: inner["value"].encode("utf-8"),
    "__ellipsis__": lambda inner, *_: Ellipsis,
    "__slice__": _slice,
    "__lambda__": _lambda,
    "__keras_tensor__": _keras_tensor,
}
