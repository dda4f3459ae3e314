"""What a layer's `call` and `build` accept, worked out once per class rather than on every call."""
import inspect

from ... import nest
from ...tensor import Tensor, TensorShape
from .keras_tensor import KerasTensor

_EMPTY = inspect.Parameter.empty
_VAR = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
# Arguments that are never an input tensor whose shape `build` receives.
_NOT_INPUTS = ("mask", "training", "args", "kwargs")


class CallInfo:
    """The parameters of a `call` method: names, which of `training`/`mask` it takes, defaults."""

    __slots__ = ("signature", "names", "positional", "var_args", "var_kwargs", "has_training", "has_mask",
                 "training_default", "first")

    def __init__(self, call):
        self.signature = inspect.signature(call)
        params = list(self.signature.parameters.values())
        if params and params[0].name == "self":
            params = params[1:]
        self.names = [p.name for p in params if p.kind not in _VAR]
        self.positional = [p.name for p in params if p.kind in _POSITIONAL]
        self.var_args = next((p.name for p in params if p.kind == inspect.Parameter.VAR_POSITIONAL), None)
        self.var_kwargs = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in params)
        self.has_training = "training" in self.names
        self.has_mask = "mask" in self.names
        training = self.signature.parameters.get("training")
        self.training_default = None if training is None or training.default is _EMPTY else training.default
        self.first = self.positional[0] if self.positional else self.var_args

    def bind(self, args, kwargs):
        """{argument name: value} for a call (extra positional values are listed under *args' name)."""
        bound = dict(zip(self.positional, args))
        if len(args) > len(self.positional):
            bound[self.var_args or "args"] = list(args[len(self.positional):])
        bound.update(kwargs)
        return bound


def _cached(cls, attribute, fn):
    info = cls.__dict__.get(attribute)
    if info is None:
        info = fn()
        setattr(cls, attribute, info)
    return info


def call_info(layer):
    """The CallInfo of `layer.call` (per class; per instance when `call` was replaced on the instance)."""
    if "call" in layer.__dict__:
        return CallInfo(layer.__dict__["call"])
    cls = type(layer)
    return _cached(cls, "_call_info_of_class", lambda: CallInfo(cls.call))


def is_tensor_like(x):
    return isinstance(x, (Tensor, KerasTensor))


def shape_of(x):
    """The shape of a tensor (TensorShape), or a nested structure of shapes for nested tensors."""
    if isinstance(x, Tensor):
        return TensorShape(x._value.shape)
    if isinstance(x, KerasTensor):
        return x.shape
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return [shape_of(v) for v in x]
    if isinstance(x, dict):
        return {k: shape_of(v) for k, v in x.items()}
    raise TypeError(f"Expected a tensor, got {type(x).__name__}")


def input_shapes(info, args, kwargs):
    """{'<arg>_shape': shape} for every call argument holding tensors, in call order (Keras's shapes_dict)."""
    shapes = {}
    for name, value in info.bind(args, kwargs).items():
        if name in _NOT_INPUTS:
            continue
        leaves = nest.flatten(value)
        if leaves and all(x is None or is_tensor_like(x) for x in leaves) and any(is_tensor_like(x) for x in leaves):
            shapes[f"{name}_shape"] = shape_of(value)
    return shapes


def shape_arguments(target, shapes, layer):
    """Keyword arguments for `build`/`compute_output_shape`: one parameter takes the first input's shape,
    several must each be named `<call argument>_shape`."""
    params = [p for p in inspect.signature(target).parameters.values() if p.kind not in _VAR]
    if len(params) == 1:
        return {params[0].name: next(iter(shapes.values()), None)}
    kwargs = {}
    for p in params:
        if not p.name.endswith("_shape"):
            raise ValueError(f"{type(layer).__name__}.{target.__name__}() takes several arguments, so each must be "
                             f"named after a call() argument with a `_shape` suffix; got `{p.name}`")
        if p.name in shapes:
            kwargs[p.name] = shapes[p.name]
    return kwargs


def is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def map_shape_structure(fn, structure):
    """Apply `fn` to every shape tuple in a nested structure of shapes."""
    if is_shape(structure):
        return fn(tuple(structure))
    if isinstance(structure, dict):
        return {k: map_shape_structure(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_shape_structure(fn, v) for v in structure) if type(structure) in (list, tuple) \
            else [map_shape_structure(fn, v) for v in structure]
    raise ValueError(f"Expected a shape tuple or a nested structure of them, got {structure!r}")


def plain_shape(shape):
    """A shape (or nested shapes) as plain tuples, for configs."""
    if isinstance(shape, (list, tuple)) and shape and not all(d is None or isinstance(d, int) for d in shape):
        return [plain_shape(s) for s in shape]
    if isinstance(shape, dict):
        return {k: plain_shape(v) for k, v in shape.items()}
    return tuple(shape) if isinstance(shape, (list, tuple)) else shape
