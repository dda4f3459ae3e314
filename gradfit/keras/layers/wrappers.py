"""Layer wrappers: the Wrapper base class, Bidirectional (a recurrent layer run forwards and backwards,
outputs merged) and TimeDistributed (a layer applied to every time step)."""
from ... import nest
from ...ops import array as A
from ...ops import math as M
from .layer import Layer

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _clone(layer, **overrides):
    """A new, unbuilt layer with `layer`'s configuration (a recurrent layer's cell is cloned too)."""
    config = {**layer.get_config(), **overrides}
    cell = getattr(layer, "cell", None)
    if isinstance(cell, Layer) and "cell" in config:
        config["cell"] = type(cell).from_config(cell.get_config())
    return type(layer).from_config(config)


def _without_prefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Wrapper(Layer):
    """A layer that wraps another (`keras.layers.Wrapper`): it keeps it as `self.layer`, builds it, and saves
    it inside its own config."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please ensure wrapped "
                             "layer is a valid Keras layer.")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True

    def get_config(self):
        from . import serialize

        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize

        config = dict(config)
        return cls(deserialize(config.pop("layer"), custom_objects=custom_objects), **config)


class Bidirectional(Layer):
    """Runs a copy of `layer` forwards and one backwards (go_backwards=True) over the sequence and merges
    their outputs with `merge_mode`: 'concat' (default), 'sum', 'mul', 'ave' or None (a list of both).
    The weights are the forward layer's, then the backward layer's."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. "
                             f"Received: {layer}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: {backward_layer}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode!r}. Merge mode should be one of "
                             '{"sum", "mul", "ave", "concat", None}')
        super().__init__(**kwargs)
        self.forward_layer = _clone(layer, name=f"forward_{_without_prefix(layer.name, 'forward_')}")
        if backward_layer is None:
            backward_layer = _clone(layer, go_backwards=True,
                                    name=f"backward_{_without_prefix(layer.name, 'backward_')}")
        self.backward_layer = backward_layer
        self._verify_layer_config()
        for sublayer in (self.forward_layer, self.backward_layer):
            # Masked steps output zeros, so the reversed backward outputs line up with the forward ones.
            if getattr(sublayer, "zero_output_for_mask", None) is not None:
                sublayer.zero_output_for_mask = sublayer.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = list(weights) if weights else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError("Forward layer and backward layer should have different `go_backwards` value. Received: "
                             f"forward_layer.go_backwards={forward.go_backwards}, "
                             f"backward_layer.go_backwards={backward.go_backwards}")
        for attribute in ("stateful", "return_sequences", "return_state"):
            if getattr(forward, attribute) != getattr(backward, attribute):
                raise ValueError(f"Forward layer and backward layer are expected to have the same value for attribute "
                                 f"'{attribute}', got {getattr(forward, attribute)!r} for forward layer and "
                                 f"{getattr(backward, attribute)!r} for backward layer")

    def build(self, sequences_shape, initial_state_shape=None):
        for layer in (self.forward_layer, self.backward_layer):
            if not layer.built:
                layer.build(sequences_shape)
        if self._initial_weights is not None:
            half = len(self._initial_weights) // 2
            self.forward_layer.set_weights(self._initial_weights[:half])
            self.backward_layer.set_weights(self._initial_weights[half:])
            self._initial_weights = None

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if training is not None and self.forward_layer._call_has_training_arg:
            kwargs["training"] = training
        if mask is not None and self.forward_layer._call_has_mask_arg:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = A.reverse(y_rev, [1])
        if self.merge_mode == "concat":
            output = A.concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = M.add(y, y_rev)
        elif self.merge_mode == "ave":
            output = M.divide(M.add(y, y_rev), 2.0)
        elif self.merge_mode == "mul":
            output = M.multiply(y, y_rev)
        else:
            output = (y, y_rev)
        if self.return_state:
            return (output + states) if self.merge_mode is None else (output,) + states
        return output

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shapes = ()
        if self.return_state:
            output_shape, state_shapes = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            output_shape = tuple(output_shape[:-1]) + (output_shape[-1] * 2,)
        elif self.merge_mode is None:
            output_shape = [tuple(output_shape), tuple(output_shape)]
        if self.return_state:
            if self.merge_mode is None:
                return tuple(output_shape) + state_shapes + state_shapes
            return (tuple(output_shape),) + state_shapes + state_shapes
        return tuple(output_shape)

    def compute_mask(self, inputs, mask):
        if isinstance(mask, list):
            mask = mask[0]
        if self.return_sequences:
            output_mask = mask if self.merge_mode else (mask, mask)
        else:
            output_mask = None if self.merge_mode else (None, None)
        if self.return_state:
            count = len(nest.flatten(self.forward_layer.state_size)) * 2
            return (output_mask,) + (None,) * count if self.merge_mode else tuple(output_mask) + (None,) * count
        return output_mask

    @property
    def states(self):
        if self.forward_layer.states and self.backward_layer.states:
            return tuple(self.forward_layer.states) + tuple(self.backward_layer.states)
        return None

    def reset_state(self):
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    reset_states = reset_state

    def get_config(self):
        from . import serialize

        return {**super().get_config(), "merge_mode": self.merge_mode, "layer": serialize(self.forward_layer),
                "backward_layer": serialize(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize

        config = dict(config)
        config["layer"] = deserialize(config["layer"], custom_objects=custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize(config["backward_layer"], custom_objects=custom_objects)
        return cls(**config)


class TimeDistributed(Wrapper):
    """Applies `layer` to every time step of (batch, time, ...) inputs, as `layer.call` on each
    (batch, ...) slice; the outputs are stacked along the time axis. The weights are `layer`'s."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. "
                             f"Received: {layer}")
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _child_input_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(f"TimeDistributed '{self.name}' should be passed an input with at least 3 dimensions "
                             f"(batch, time, ...), received shape {input_shape}")
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape):
        child_shape = self._child_input_shape(tuple(input_shape))
        if not self.layer.built:
            self.layer.build(child_shape)
            self.layer.built = True

    def compute_output_shape(self, input_shape):
        child_output = self.layer.compute_output_shape(self._child_input_shape(tuple(input_shape)))
        return (child_output[0], input_shape[1], *child_output[1:])

    def call(self, inputs, training=None, mask=None):
        shape = tuple(inputs.shape)
        if len(shape) < 3:
            raise ValueError(f"TimeDistributed '{self.name}' expected input of rank >= 3 (batch, time, ...), got shape "
                             f"{shape}")
        if mask is not None:
            mask_shape = tuple(mask.shape)
            if len(mask_shape) < 2 or mask_shape[:2] != shape[:2]:
                raise ValueError(f"TimeDistributed '{self.name}': the mask of shape {mask_shape} is incompatible with "
                                 f"the input shape {shape}; its first two dimensions (batch size and timesteps) must "
                                 f"be {shape[:2]}")
        layer = self.layer
        steps = A.unstack(inputs, axis=1)
        masks = A.unstack(mask, axis=1) if mask is not None and layer._call_has_mask_arg else None
        outputs = []
        for t, x in enumerate(steps):
            kwargs = {}
            if masks is not None:
                kwargs["mask"] = masks[t]
            if layer._call_has_training_arg:
                kwargs["training"] = training
            outputs.append(layer.call(x, **kwargs))
        return A.stack(outputs, axis=1)

