"""Model: a Layer that can be trained (the trainer's compile/fit/evaluate/predict are mixed in).

`keras.Model(inputs, outputs)` builds a Functional model; subclassing `keras.Model` and writing
`call` gives a subclassed model whose layers are tracked from its attributes.
"""
from ..layers.layer import Layer
from ..trainer import Trainer


def _functional_arguments(args, kwargs):
    return (len(args) == 2) or (len(args) == 1 and "outputs" in kwargs) or (
        "inputs" in kwargs and "outputs" in kwargs)


class Model(Trainer, Layer):
    """A trainable stack of layers: `keras.Model(inputs, outputs)`, a `keras.Sequential`, or a subclass
    with its own `call`."""

    def __new__(cls, *args, **kwargs):
        if cls is Model and _functional_arguments(args, kwargs):
            from .functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if _functional_arguments(args, kwargs):
            # A subclass calling `super().__init__(inputs, outputs)` becomes a Functional subclass, as in Keras.
            from .functional import Functional

            _make_functional_subclass(type(self), Functional)
            Functional.__init__(self, *args, **kwargs)
            return
        Trainer.__init__(self)
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {args or ''} {kwargs or ''}".strip())
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype)

    @property
    def layers(self):
        """The model's direct sublayers, in the order they were assigned (or added)."""
        return [layer for layer in self._layers if not getattr(layer, "_is_operation", False)]

    @layers.setter
    def layers(self, _):
        raise AttributeError("`Model.layers` attribute is reserved and should not be used. Please use another "
                             "name (e.g. `self.blocks = [...]`)")

    def get_layer(self, name=None, index=None):
        """A layer by its name, or by its index in `layers`."""
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index, got name={name!r} and index={index!r}")
        if index is not None:
            layers = self.layers
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model '{self.name}' only has "
                                 f"{len(layers)} layers")
            return layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}")
        raise ValueError("Provide either a layer name or a layer index at `get_layer`")

    def build(self, input_shape=None):
        """Builds a subclassed model by calling it once on zeros of `input_shape` (None dimensions as 1)."""
        if self.built:
            return
        if input_shape is None:
            raise ValueError(f"Model '{self.name}': build() needs an `input_shape`")
        from ...ops import array as A

        def zeros(shape):
            return A.zeros(tuple(1 if d is None else d for d in shape), dtype=self.compute_dtype)

        is_single_shape = isinstance(input_shape, (tuple, list)) and all(
            d is None or isinstance(d, int) for d in input_shape)
        inputs = zeros(input_shape) if is_single_shape else [zeros(s) for s in input_shape]
        self._build_shapes_dict = {"input_shape": input_shape}
        self.built = True
        try:
            self(inputs)
        except Exception:
            self.built = False
            raise

    # A first eager call builds a subclassed model by running it; build() is only for explicit calls.
    build._builds_by_calling = True

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Prints the layers, their output shapes and parameter counts, and the totals (Keras 3's layout)."""
        from .summary import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    # ---------------------------------------------------------------------------------------- saving
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Save the architecture, weights and optimizer state in Keras 3's `.keras` format."""
        from ..saving.saving_api import save_model

        return save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Save the weights to a `.weights.h5` file, in Keras 3's layout."""
        from ..saving.saving_api import save_weights

        return save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load weights saved by `save_weights` (or by Keras 3), checked before anything is assigned."""
        from ..saving.saving_api import load_weights

        return load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs):
        """The model's configuration as a JSON string (`keras.models.model_from_json` rebuilds it)."""
        from ..saving.saving_api import model_to_json

        return model_to_json(self, **kwargs)

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable}
        if type(self).get_config is Model.get_config and type(self).__init__ is not Model.__init__:
            auto = self.__dict__.get("_auto_config")
            from ..layers.serialization import is_plain_config

            if auto is None or not all(is_plain_config(v) for v in auto.values()):
                raise NotImplementedError(f"Model {type(self).__name__} cannot be recreated from its config "
                                          "automatically: override `get_config()` to return its constructor arguments")
            config.update(auto)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if "layers" in config and "input_layers" in config and "output_layers" in config:
            from .functional import functional_from_config

            return functional_from_config(cls, config, custom_objects)
        return cls(**config)


def _make_functional_subclass(cls, functional):
    """Put Functional in place of Model among the bases of `cls` (and of its Model ancestors)."""
    if issubclass(cls, functional):
        return
    for base in cls.__mro__:
        if Model in base.__bases__:
            base.__bases__ = tuple(functional if b is Model else b for b in base.__bases__)
            return
