"""Where each object's variables live in a weights file: Keras 3's object paths, found by walking attributes.

A model's layers and optimizer are reached from the model through their attributes, as Keras 3 walks
them: Sequential and Functional models list `layers` first, then every attribute in sorted order
(private ones last) that the bare base class does not have; a layer or optimizer found this way gets
the attribute's name as its path, and one inside a list or dict gets its class name in snake case
(`dense`, `dense_1`, ...). An object reached twice is stored once, under its first path. So new layer
classes need no code here: their sublayers and variables are found like Keras finds them.

Loading is validate-then-mutate: every variable's value is read and checked against the variable's
shape before any is assigned, and a failure part-way through restores the previous values.
"""
import functools
import warnings

import numpy as np

from ..backend import to_snake_case


def _saveable_bases():
    from ..layers.layer import Layer
    from ..optimizers.optimizer import Optimizer

    return Layer, Optimizer


def _kind(obj):
    from ..models.functional import Functional
    from ..models.sequential import Sequential

    if isinstance(obj, Functional):
        return "Functional"
    if isinstance(obj, Sequential):
        return "Sequential"
    return "Layer" if isinstance(obj, _saveable_bases()[0]) else "Optimizer"


@functools.lru_cache(maxsize=None)
def _skipped_attributes(kind):
    """Attributes of the bare base class: not walked (they are the framework's own bookkeeping)."""
    layer_class, optimizer_class = _saveable_bases()
    if kind == "Optimizer":
        return frozenset(dir(optimizer_class(1.0, name="bare_optimizer"))) - {"variables"}
    names = set(dir(layer_class(name="bare_layer")))
    if kind == "Functional":
        names |= {"operations", "_operations"}
    elif kind == "Sequential":
        names.add("_functional")
    return frozenset(names)


def _children(obj):
    """(attribute name, value) pairs in Keras's walking order."""
    kind = _kind(obj)
    if kind in ("Sequential", "Functional"):
        yield "layers", obj.layers
    skipped = _skipped_attributes(kind)
    for name in sorted(dir(obj), key=lambda n: f"~{n}" if n.startswith("_") else n):
        if name.startswith("__") or name in skipped:
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # a property that cannot be computed in this state holds nothing to save
            continue
        yield name, value


def _join(path, name):
    return f"{path}/{name}" if path else name


def walk(root, objects_to_skip=()):
    """Every saveable object under `root` with its path, in Keras's order: [(path, object), ...].

    Objects in `objects_to_skip` are left out (and so are the objects only reachable through them).
    """
    found = []
    visited = {id(obj) for obj in objects_to_skip or ()}
    bases = _saveable_bases()

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        found.append((path, obj))
        for name, child in _children(obj):
            if isinstance(child, bases):
                visit(child, _join(path, name))
            elif isinstance(child, (list, tuple, dict)):
                visit_container(child, _join(path, name), set())

    def visit_container(container, path, seen_containers):
        if id(container) in seen_containers:
            return
        seen_containers.add(id(container))
        used = {}
        for item in (container.values() if isinstance(container, dict) else container):
            if isinstance(item, bases):
                visit(item, _join(path, _unique(to_snake_case(type(item).__name__), used)))
            elif isinstance(item, (list, tuple, dict)):
                visit_container(item, _join(path, _unique("container", used)), seen_containers)

    visit(root, "")
    return found


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def own_variables(obj):
    """The variables an object stores itself, in file order (a layer's sublayers store their own)."""
    layer_class, _ = _saveable_bases()
    if isinstance(obj, layer_class):
        return list(obj._trainable_variables) + list(obj._non_trainable_variables)
    return list(obj.variables)


def _custom_method(obj, name):
    """The object's own `save_own_variables`/`load_own_variables`, if its class defines one."""
    layer_class, optimizer_class = _saveable_bases()
    method = getattr(type(obj), name, None)
    base = getattr(optimizer_class if isinstance(obj, optimizer_class) else layer_class, name, None)
    return None if method is None or method is base else getattr(obj, name)


# ------------------------------------------------------------------------------------- one object's variables
def save_own_variables(obj, store):
    """Keras's `Layer.save_own_variables`: the object's own variables as store["0"], store["1"], ..."""
    for i, variable in enumerate(own_variables(obj)):
        store[str(i)] = variable.numpy()


def load_own_variables(obj, store):
    """Keras's `Layer.load_own_variables`: assign the object's own variables from store["0"], ... once every
    value has been checked (count and shapes); a mismatch is a ValueError and nothing is assigned."""
    for variable, value in _checked_values(obj, own_variables(obj), store):
        variable.assign(value)


# ------------------------------------------------------------------------------------------------ save
def save_state(root, writer):
    """Write the variables of `root` and of everything under it into `writer` (an H5Writer)."""
    for path, obj in walk(root):
        name = obj.name if isinstance(getattr(obj, "name", None), str) else None
        store = writer.make(path, name)
        custom = _custom_method(obj, "save_own_variables")
        if custom is not None:
            custom(store)
        else:
            save_own_variables(obj, store)


# ------------------------------------------------------------------------------------------------ load
def load_state(root, reader, skip_mismatch=False, objects_to_skip=None):
    """Assign the variables of `root` and everything under it from `reader` (an H5Reader).

    Every value is read and checked first; an object whose variables do not match (count or shapes) is
    an error naming the file, or with `skip_mismatch=True` a warning and the object is left as it was.
    """
    _, optimizer_class = _saveable_bases()
    assignments, custom_loads, failures = [], [], []
    for path, obj in walk(root, objects_to_skip):
        store = reader.get(path)
        custom = _custom_method(obj, "load_own_variables")
        if custom is not None:
            custom_loads.append((custom, store))
            continue
        variables = own_variables(obj)
        if isinstance(obj, optimizer_class) and len(store) != len(variables):
            # As Keras: an optimizer whose saved state does not fit (not built, other variables) keeps its own.
            if len(store):
                warnings.warn(f"Skipping variable loading for optimizer '{obj.name}', because it has "
                              f"{len(variables)} variables whereas the saved optimizer has {len(store)} variables.",
                              stacklevel=3)
            continue
        try:
            assignments.extend(_checked_values(obj, variables, store))
        except ValueError as error:
            failures.append((obj, error))
    if failures:
        message = (f"{len(failures)} object(s) could not be loaded from {reader.display_name}: "
                   + "; ".join(str(error) for _, error in failures))
        if not skip_mismatch:
            raise ValueError(message)
        warnings.warn(f"Skipping them (skip_mismatch=True). {message}", stacklevel=3)
    _assign_all(assignments, custom_loads, root)


def _checked_values(obj, variables, store):
    """[(variable, value)] for one object, every count, shape and dtype checked; ValueError otherwise."""
    what = f"{type(obj).__name__} '{obj.name}'"
    if len(store) != len(variables):
        raise ValueError(f"{what} expected {len(variables)} variables {[v.path for v in variables]}, but the file "
                         f"holds {len(store)} at '{_path_of(store)}'")
    pairs = []
    for i, variable in enumerate(variables):
        value = np.asarray(store[str(i)])
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(f"{what} variable '{variable.path}' has shape {tuple(variable.shape)}, but the file "
                             f"holds shape {tuple(value.shape)} at '{_path_of(store)}/{i}'")
        pairs.append((variable, value.astype(variable._value.dtype, copy=False)))
    return pairs


def _path_of(store):
    return getattr(store, "path", "the store")


def _assign_all(assignments, custom_loads, root):
    """Assign the checked values, then run custom loaders; on any error put every variable back."""
    touched = {id(v): v for v, _ in assignments}
    if custom_loads:
        for v in _all_variables(root):
            touched.setdefault(id(v), v)
    # Holding each buffer makes the next in-place write copy it first, so this is a free snapshot.
    snapshot = [(v, v._value) for v in touched.values()]
    try:
        for variable, value in assignments:
            variable.assign(value)
        for load, store in custom_loads:
            load(store)
    except BaseException:
        for variable, value in snapshot:
            variable._value = value
        raise


def _all_variables(root):
    variables = []
    for _, obj in walk(root):
        variables.extend(own_variables(obj))
    return variables
