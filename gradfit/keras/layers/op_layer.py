"""OpLayer: a tensor function applied to KerasTensors (`x + 1`, `activations.relu(x)`) as a graph node."""
from .. import backend as keras_backend
from .layer import Layer
from .serialization import deserialize_function, serialize_function


class OpLayer(Layer):
    """Runs `function(*args, **kwargs)` on real tensors when its Functional model runs.

    It is an operation of the graph, not one of `model.layers` (as Keras's ops are); summaries show it
    under its function's name.
    """

    def __init__(self, function, **kwargs):
        name = keras_backend.to_snake_case(getattr(function, "__name__", "op"))
        super().__init__(name=keras_backend.unique_object_name(name), **kwargs)
        self.function = function
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self._is_operation = True
        self.built = True

    @property
    def summary_class_name(self):
        return "".join(part.capitalize() for part in self.function.__name__.split("_"))

    def call(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def get_config(self):
        return {"name": self.name, "function": serialize_function(self.function)}

    @classmethod
    def from_keras_operation(cls, config):
        """The node Keras writes for an op in a Functional model (`x + y` as keras.src.ops.numpy.Add, a
        Masking layer's NotEqual and Any, `keras.ops.mean`, ...): the keras.ops function of that name,
        called with the operation's config as keyword arguments."""
        from .. import ops as keras_ops
        from ...ops.array import getitem

        class_name = config["class_name"]
        settings = {k: v for k, v in config.get("config", {}).items() if k != "name"}
        name = keras_backend.to_snake_case(class_name)
        function = getitem if class_name == "GetItem" else getattr(keras_ops, name, None)
        if function is None:
            raise ValueError(f"Unknown Keras operation '{class_name}' ({config.get('module')}): keras.ops has no "
                             f"function {name!r}")
        function = getattr(function, "__wrapped__", function)

        def operation(*args, **kwargs):
            return function(*args, **settings, **kwargs)

        operation.__name__ = name
        layer = cls(operation)
        object.__setattr__(layer, "name", config.get("config", {}).get("name", layer.name))
        object.__setattr__(layer, "_keras_operation", {k: config[k] for k in ("module", "class_name", "config")})
        return layer

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        function = config["function"]
        layer = cls(deserialize_function(function, custom_objects, safe_mode) if isinstance(function, dict)
                    else function)
        object.__setattr__(layer, "name", config.get("name", layer.name))
        return layer
