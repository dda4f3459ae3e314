"""Lambda: wraps a function of tensors as a layer (`Lambda(lambda x: x ** 2)`)."""
import base64
import importlib
import inspect
import marshal
import types

from .. import activations
from .call_signature import map_shape_structure
from .layer import Layer
from .symbolic import output_spec_by_running


class Lambda(Layer):
    """Calls `function(inputs, **arguments)` (also passing `mask`/`training` when the function takes them).

    The output shape is inferred by running the function, or given by `output_shape` (a shape without
    the batch dimension, or a function of the input shape).
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda: `function` must be callable, got {function!r}")
        self.arguments = arguments or {}
        self.function = function
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):
            parameters = {}
        self._fn_expects_training_arg = "training" in parameters
        self._fn_expects_mask_arg = "mask" in parameters
        self.built = True

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None:
            return output_spec_by_running(self, args, kwargs)
        return super().compute_output_spec(*args, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            raise NotImplementedError(f"Lambda '{self.name}' has no `output_shape`; its output shape is found by "
                                      "calling it on symbolic inputs")
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = input_shape[0] if input_shape and not isinstance(input_shape[0], (list, tuple)) \
            else input_shape[0][0]
        return map_shape_structure(lambda s: (batch,) + tuple(s), self._output_shape)

    def get_config(self):
        config = {"function": _serialize_function(self.function)}
        if self._output_shape is not None:
            config["output_shape"] = _serialize_function(self._output_shape) if callable(self._output_shape) \
                else self._output_shape
        if self.mask is not None:
            config["mask"] = _serialize_function(self.mask) if callable(self.mask) else self.mask
        config["arguments"] = dict(self.arguments)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            if isinstance(config.get(key), dict):
                config[key] = _deserialize_function(config[key], custom_objects)
        return super().from_config(config)


def _serialize_function(fn):
    """A Python lambda as its marshalled bytecode (as Keras stores it); a named function by name."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
        closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
        return {"class_name": "__lambda__", "config": {"code": code, "defaults": fn.__defaults__,
                                                      "closure": closure}}
    name = activations.serialize(fn) if fn in activations.ALL_OBJECTS_DICT.values() else None
    if name is not None:
        return {"module": "keras.activations", "class_name": "function", "config": name, "registered_name": None}
    return {"module": fn.__module__, "class_name": "function", "config": fn.__name__,
            "registered_name": fn.__name__}


def _lambda_globals():
    """The names a deserialized lambda can refer to: `tf` (gradfit) and `keras`, as in user code."""
    import gradfit

    return {"__builtins__": __builtins__, "tf": gradfit, "keras": gradfit.keras}


def _deserialize_function(config, custom_objects=None):
    """The function of a `_serialize_function` config. Lambdas are rebuilt from bytecode, which runs code
    from the config: only load configs you trust."""
    if config.get("class_name") == "__lambda__":
        inner = config["config"]
        code = marshal.loads(base64.b64decode(inner["code"]))
        closure = inner.get("closure")
        cells = tuple(types.CellType(v) for v in closure) if closure else None
        return types.FunctionType(code, _lambda_globals(), name=code.co_name,
                                  argdefs=tuple(inner["defaults"]) if inner.get("defaults") else None,
                                  closure=cells)
    name = config.get("registered_name") or config["config"]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if config.get("module") == "keras.activations":
        return activations.get(config["config"])
    module = importlib.import_module(config["module"])
    return getattr(module, config["config"])
