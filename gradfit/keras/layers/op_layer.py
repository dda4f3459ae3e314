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
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        function = config["function"]
        layer = cls(deserialize_function(function, custom_objects, safe_mode) if isinstance(function, dict)
                    else function)
        object.__setattr__(layer, "name", config.get("name", layer.name))
        return layer
