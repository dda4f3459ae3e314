"""`tf.Module`: a named container whose variables and submodules are found by walking its attributes.

`variables`, `trainable_variables`, `non_trainable_variables` and `submodules` look through every
attribute, in sorted attribute-name order, and inside lists, tuples and dicts (dict keys sorted), taking
each object once: first the module's own attributes, then each submodule's, in the order found (as
TensorFlow does). Only `tf.Module`s are walked into: as in TensorFlow with Keras 3, a Keras layer held
by a module is not a submodule, and its weights are not in the module's `variables` (they are in
checkpoints, which track Keras layers too).
"""
import functools
import re

from .tensor import Variable

_VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _snake_case(name):
    """'MyModule' -> 'my_module', 'MLP' -> 'mlp', 'HTTPServer' -> 'http_server'."""
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    name = re.sub(r"(?<=[A-Z])([A-Z])(?=[a-z])", r"_\1", name)
    return name.lower()


class ModuleNameScope:
    """A module's name scope: `.name` is '<module name>/'; entering it is accepted (names do not change
    what is computed)."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        return self.name

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return f"<name_scope {self.name!r}>"


def _leaves_with_paths(value, path):
    """(path, leaf) for the leaves of nested lists, tuples and dicts (dict keys in sorted order)."""
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _leaves_with_paths(item, path + (i,))
    elif isinstance(value, dict):
        try:
            keys = sorted(value)
        except TypeError:
            keys = list(value)
        for key in keys:
            yield from _leaves_with_paths(value[key], path + (key,))
    else:
        yield path, value


class Module:
    """Base class for a named collection of variables, submodules and the functions that use them."""

    # Attribute names the walk skips (subclasses may extend this).
    _TF_MODULE_IGNORED_PROPERTIES = frozenset()

    def __init__(self, name=None):
        if name is None:
            name = _snake_case(type(self).__name__)
        elif not isinstance(name, str) or not _VALID_NAME.match(name):
            raise ValueError(f"{name!r} is not a valid module name. Module names must be valid Python identifiers "
                             "(e.g. a valid class name).")
        self._name = name
        self._scope_name = name + "/"

    @property
    def name(self):
        return self._name

    @property
    def name_scope(self):
        return ModuleNameScope(self._scope_name)

    @property
    def variables(self):
        """Every Variable this module and its submodules hold, each once."""
        return tuple(self._flatten(predicate=lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self):
        return tuple(self._flatten(predicate=lambda x: isinstance(x, Variable) and x.trainable))

    @property
    def non_trainable_variables(self):
        return tuple(self._flatten(predicate=lambda x: isinstance(x, Variable) and not x.trainable))

    @property
    def submodules(self):
        """Every Module reachable from this one (not itself), each once."""
        return tuple(self._flatten(predicate=lambda x: isinstance(x, Module)))

    def _flatten(self, recursive=True, predicate=None, attribute_traversal_key=None, with_path=False,
                 expand_composites=False):
        """The objects under this module's attributes for which `predicate` holds; with `with_path`,
        (path, object) pairs, where the path is a tuple of attribute names, list indices and dict keys
        (then an object reached twice is listed twice)."""
        predicate = predicate or (lambda x: True)
        seen = {id(self)}
        yield from _walk(self, (), recursive, predicate, attribute_traversal_key, with_path, seen, [])

    @classmethod
    def with_name_scope(cls, method):
        """Decorator: runs `method` inside the module's name scope."""

        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)

        return wrapped


def _walk(module, prefix, recursive, predicate, sort_key, with_path, seen, stack):
    """This module's matching leaves first, then each submodule's (the order TensorFlow uses)."""
    attributes = vars(module)
    ignored = type(module)._TF_MODULE_IGNORED_PROPERTIES
    submodules = []
    if id(module) in stack:
        recursive = False  # a module reached again through its own submodules
    for key in sorted(attributes, key=sort_key):
        if key in ignored:
            continue
        for path, leaf in _leaves_with_paths(attributes[key], (key,)):
            if not with_path:
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
            if predicate(leaf):
                yield (prefix + path, leaf) if with_path else leaf
            if recursive and isinstance(leaf, Module):
                submodules.append((prefix + path, leaf))
    stack.append(id(module))
    for path, submodule in submodules:
        yield from _walk(submodule, path, recursive, predicate, sort_key, with_path, seen, stack)
    stack.pop()
