"""Lambda: wraps a function of tensors as a layer (`Lambda(lambda x: x ** 2)`)."""
import inspect

from .call_signature import map_shape_structure
from .layer import Layer
from .serialization import deserialize_function, serialize_function
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
        config = {"function": serialize_function(self.function)}
        if self._output_shape is not None:
            config["output_shape"] = serialize_function(self._output_shape) if callable(self._output_shape) \
                else self._output_shape
        if self.mask is not None:
            config["mask"] = serialize_function(self.mask) if callable(self.mask) else self.mask
        config["arguments"] = dict(self.arguments)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """The Lambda of a config; a Python lambda in it is only rebuilt with `safe_mode=False` (it is code)."""
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            if isinstance(config.get(key), dict):
                config[key] = deserialize_function(config[key], custom_objects, safe_mode)
        return super().from_config(config)
