"""Sequential: a plain stack of layers, each taking the previous one's output."""
import numpy as np

from ... import nest
from ...autodiff.tape import ACTIVE
from ...ops import array as A
from ..layers import layer as layer_module
from ..layers import masking
from ..layers.input_layer import InputLayer
from ..layers.input_spec import InputSpec, accepts, fast_check_of
from ..layers.keras_tensor import KerasTensor
from ..layers.layer import Layer
from ...tensor import Tensor
from .inference_plan import plan_for
from .model import Model


class Sequential(Model):
    """`keras.Sequential([layers...])` or `add()` one layer at a time.

    With a `keras.Input` first (or a first layer given `input_shape=`) the model is built at once;
    otherwise it is built by its first call, for that input's shape.
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._inputs = None
        self._outputs = None
        self._stack = ()
        self._expected_input = None
        self._trusted = False
        self._inference_plan = None
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Add a layer (or a `keras.Input`) on top of the stack."""
        if not self._layers and getattr(layer, "_input_shape_arg", None) is not None:
            self.add(InputLayer(shape=layer._input_shape_arg, batch_size=layer._batch_size_arg), rebuild=False)
        if isinstance(layer, KerasTensor) and layer._keras_history is not None and isinstance(
                layer._keras_history.operation, InputLayer):
            layer = layer._keras_history.operation
        if not isinstance(layer, Layer):
            raise ValueError(f"Only instances of `keras.Layer` can be added to a Sequential model, got {layer!r} "
                             f"(of type {type(layer).__name__})")
        if any(other.name == layer.name and other is not layer for other in self._layers):
            raise ValueError(f"All layers added to a Sequential model should have unique names. Name "
                             f"'{layer.name}' is already the name of a layer in this model")
        if isinstance(layer, InputLayer) and self._layers and isinstance(self._layers[0], InputLayer):
            raise ValueError(f"Sequential model '{self.name}' has already been configured to use input shape "
                             f"{self._layers[0].batch_shape}. You cannot add a different Input layer to it")
        self._layers.append(layer)
        if rebuild:
            self._maybe_rebuild()
        else:
            self._reset_build()

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        if not self.layers:
            raise TypeError(f"There are no layers in the Sequential model '{self.name}' to remove")
        layer = self._layers.pop()
        if rebuild:
            self._maybe_rebuild()
        else:
            self._reset_build()
        return layer

    def _conform_input(self, x):
        """As Keras: a (batch, n) input to a model built for (batch, n, 1) gets its trailing axis, and a
        trailing axis of size 1 the model does not expect is dropped; any other mismatch is an error."""
        expected = tuple(self._inputs[0].shape)
        if x.ndim == len(expected) - 1 and expected[-1] == 1:
            x = A.expand_dims(x, -1)
        elif x.ndim == len(expected) + 1 and x.shape[-1] == 1:
            x = A.squeeze(x, axis=-1)
        shape = tuple(x.shape)
        if len(shape) != len(expected) or any(e is not None and d != e for d, e in zip(shape[1:], expected[1:])):
            raise ValueError(f"Sequential '{self.name}' expected input of shape {expected}, got shape {shape}")
        return x

    def _reset_build(self):
        self.built = False
        self._expected_input = None
        self._trusted = False
        self._inference_plan = None
        self._inputs = self._outputs = None
        self._stack = tuple(layer for layer in self._layers if not isinstance(layer, InputLayer))

    def _maybe_rebuild(self):
        self._reset_build()
        if len(self._layers) < 2:
            return
        first = self._layers[0]
        if isinstance(first, InputLayer):
            self.build(first.batch_shape)
        elif isinstance(first, Model):
            # A built model first in the stack (a Sequential with an Input) gives its input shape.
            try:
                input_shape = first.input_shape
            except AttributeError:
                return
            if isinstance(input_shape, tuple) and all(d is None or isinstance(d, int) for d in input_shape):
                self.build(input_shape)

    @property
    def layers(self):
        """The layers added, without the InputLayer."""
        return [layer for layer in self._layers if not isinstance(layer, InputLayer)]

    @layers.setter
    def layers(self, _):
        raise AttributeError("`Sequential.layers` is read-only: use `add()` and `pop()` to change the layers")

    def build(self, input_shape=None):
        """Connect the layers for inputs of `input_shape` (batch dimension included), creating weights."""
        if input_shape is None and self._layers and isinstance(self._layers[0], InputLayer):
            input_shape = self._layers[0].batch_shape
        if input_shape is None:
            raise ValueError(f"Sequential model '{self.name}': build() needs an `input_shape` (the batch dimension "
                             "included, e.g. (None, 784)) when the model does not start with a keras.Input")
        input_shape = tuple(None if d is None else int(d) for d in input_shape)
        if not self._layers:
            raise ValueError(f"Sequential model {self.name} cannot be built because it has no layers. Call "
                             "`model.add(layer)`")
        if isinstance(self._layers[0], InputLayer):
            if self._layers[0].batch_shape != input_shape:
                raise ValueError(f"Sequential model '{self.name}' has already been configured to use input shape "
                                 f"{self._layers[0].batch_shape}. You cannot build it with input_shape {input_shape}")
        else:
            self._layers.insert(0, InputLayer(batch_shape=input_shape, dtype=self._layers[0].compute_dtype))
        self._stack = tuple(self.layers)
        x = inputs = self._layers[0].output
        trusted = []
        for layer in self._stack:
            # A layer whose input the build has checked, and needs no cast, can skip the check when called.
            trusted.append(isinstance(x, KerasTensor) and (x.dtype == layer.compute_dtype or x.dtype.name[:5] != "float"
                                                           or not layer.autocast))
            x = layer(x)
        self._trusted = all(trusted)
        self._inputs, self._outputs = [inputs], [x]
        self._expected_input = fast_check_of(InputSpec(shape=(None,) + tuple(inputs.shape[1:])))
        self._build_shapes_dict = {"input_shape": input_shape}
        self.built = True
        self._inference_plan = plan_for(self._stack) if self._trusted and type(self).call is Sequential.call else None

    def __call__(self, *args, **kwargs):
        # Inference on an array or tensor of the input's shape and dtype, with no tape recording and no
        # other call in progress, takes the plan's shortcut (see inference_plan); anything else, the layers.
        if self._inference_plan is not None and len(args) == 1 and (not kwargs or (
                len(kwargs) == 1 and "training" in kwargs and not kwargs["training"])):
            out = self._infer(args[0])
            if out is not None:
                return out
        return super().__call__(*args, **kwargs)

    def _infer(self, x):
        """The output of an inference call on `x` by the plan, or None where the layers must answer."""
        plan = self._inference_plan
        if plan is None or ACTIVE:
            return None
        cls = x.__class__
        v = x if cls is np.ndarray else x._value if cls is Tensor else None
        if (v is not None and v.dtype is plan.dtype and accepts(self._expected_input, v.shape)
                and layer_module._STATE.entry is None and not masking.in_use
                and not layer_module._LAYERS_WITH_LOSSES.data):
            return plan.run(v)
        return None

    def call(self, inputs, training=None, mask=None):
        x = inputs
        expected = self._expected_input
        if expected is not None and (x.__class__ is not Tensor or not accepts(expected, x._value.shape)):
            x = self._conform_input(x)
        if mask is None and not masking.in_use:
            if self._trusted:
                # The training value reaches each layer through the call context this call opened.
                for layer in self._stack:
                    x = layer._call_in_model(x)
                return x
            if training is None:
                for layer in self._stack:
                    x = layer(x)
                return x
        for layer in self._stack:
            kwargs = {}
            if mask is not None and layer._call_has_mask_arg:
                kwargs["mask"] = mask
            if training is not None and layer._call_has_training_arg:
                kwargs["training"] = training
            x = layer(x, **kwargs)
            mask = masking.mask_of(x) if masking.in_use else None
        return x

    def compute_output_spec(self, inputs, training=None, mask=None):
        for layer in self._stack or self.layers:
            inputs = layer.compute_output_spec(inputs)
        return inputs

    def compute_output_shape(self, input_shape):
        for layer in self._stack or self.layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    @property
    def inputs(self):
        if self._inputs is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined inputs yet")
        return list(self._inputs)

    @property
    def outputs(self):
        if self._outputs is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined outputs yet")
        return list(self._outputs)

    @property
    def input(self):
        return self.inputs[0]

    @property
    def output(self):
        return self.outputs[0]

    @property
    def input_shape(self):
        if self._inputs is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet")
        return tuple(self._inputs[0].shape)

    @property
    def output_shape(self):
        if self._outputs is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output shape yet")
        return nest.map_structure(lambda x: tuple(x.shape), self._outputs[0])

    @property
    def input_dtype(self):
        if self._layers and isinstance(self._layers[0], InputLayer):
            return self._layers[0].dtype
        return super().input_dtype

    def get_config(self):
        from .. import layers as layers_module

        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": Layer.get_config(self)["dtype"],
                  "layers": [layers_module.serialize(layer) for layer in self._layers]}
        if self._inputs is not None:
            config["build_input_shape"] = self._layers[0].batch_shape
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .. import layers as layers_module

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(layers_module.deserialize(layer_config, custom_objects=custom_objects))
        build_input_shape = config.get("build_input_shape")
        if not model.built and build_input_shape:
            model.build(build_input_shape)
        return model
