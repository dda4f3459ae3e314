"""Custom objects known by name when configs are read back (`keras.saving.register_keras_serializable`).

Registered classes and functions live in one dictionary shared with every deserializer of gradfit
(layers, losses, metrics, optimizers), so a class registered here is found wherever a config names it.
A `custom_object_scope` adds objects to that dictionary for the duration of a `with` block.
"""
import inspect

from ..layers.serialization import _CUSTOM_OBJECTS as GLOBAL_CUSTOM_OBJECTS

# Registered object -> "package>name", the name written as `registered_name` in its configs.
GLOBAL_CUSTOM_NAMES = {}


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function as `'{package}>{name}'` (name defaults to its `__name__`).

    The registered name is written in the object's config and looked up when the config is read back,
    so a saved model containing the object loads without `custom_objects`.
    """

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_custom_objects():
    """The global dictionary of registered custom objects (names to classes and functions).

    Adding to it (`get_custom_objects()["MyLayer"] = MyLayer`) makes the object known by that name.
    """
    return GLOBAL_CUSTOM_OBJECTS


def get_registered_name(obj):
    """The name `obj` was registered under ('package>name'), else its `__name__`."""
    try:
        registered = GLOBAL_CUSTOM_NAMES.get(obj)
    except TypeError:  # an unhashable object cannot have been registered
        registered = None
    return registered if registered is not None else obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered (or in scope) under `name`, else the one in custom_objects or module_objects."""
    if name in GLOBAL_CUSTOM_OBJECTS:
        return GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


_MISSING = object()


class CustomObjectScope:
    """`with custom_object_scope({"MyLayer": MyLayer}):` makes these objects known by name inside the block.

    The objects go into the shared dictionary on entry and the previous entries come back on exit, so
    every deserializer sees them (scopes nest).
    """

    def __init__(self, custom_objects=None):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(f"custom_object_scope expects a dict of names to objects, got {custom_objects!r} "
                            f"(of type {type(custom_objects).__name__})")
        self.custom_objects = dict(custom_objects or {})
        self._previous = None

    def __enter__(self):
        self._previous = {key: GLOBAL_CUSTOM_OBJECTS.get(key, _MISSING) for key in self.custom_objects}
        GLOBAL_CUSTOM_OBJECTS.update(self.custom_objects)
        return self

    def __exit__(self, *exc_info):
        for key, value in self._previous.items():
            if value is _MISSING:
                GLOBAL_CUSTOM_OBJECTS.pop(key, None)
            else:
                GLOBAL_CUSTOM_OBJECTS[key] = value
        self._previous = None


custom_object_scope = CustomObjectScope
