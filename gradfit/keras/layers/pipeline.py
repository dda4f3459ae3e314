"""Pipeline: a plain layer applying a list of layers in turn (a preprocessing or augmentation chain)."""
from ... import nest
from . import masking
from .layer import Layer


class Pipeline(Layer):
    """Calls each of `layers` on the previous one's output (training and masks passed along); unlike a
    Sequential model it is a layer, and takes raw inputs as its layers do."""

    def __init__(self, layers, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._pipeline_layers = list(layers)
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True

    @property
    def layers(self):
        return self._pipeline_layers

    def build(self, input_shape=None):
        """Build each layer on the shape the previous one gives (so their weights exist to be loaded)."""
        for layer in self._pipeline_layers:
            if not layer.built:
                layer.build(input_shape)
                layer.built = True
            input_shape = layer.compute_output_shape(input_shape)

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {}
            if layer._call_has_mask_arg and mask is not None:
                kwargs["mask"] = mask
            if layer._call_has_training_arg and training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            inputs = outputs
            mask = nest.map_structure(masking.mask_of, outputs)
            if all(m is None for m in nest.flatten(mask)):
                mask = None
        return outputs

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self):
        from . import serialize

        return {"layers": [serialize(layer) for layer in self._pipeline_layers], "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize

        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(f"`Pipeline` config must contain a `layers` key mapping to a list of serialized layers. "
                             f"Received config with layers={layers}.")
        return cls(**{**config, "layers": [deserialize(layer, custom_objects=custom_objects) for layer in layers]})
