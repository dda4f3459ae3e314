"""ConvLSTM1D and ConvLSTM2D: LSTMs whose input and recurrent transformations are convolutions (Shi et al.,
2015), with Keras 3's weights: a `conv_lstm_cell` holding kernel (*kernel_size, channels, 4 * filters),
recurrent_kernel (*kernel_size, filters, 4 * filters) and bias (4 * filters,), gates in the order i, f, c, o."""
from ...ops import array as A
from ...ops import conv as C
from ...ops import math as M
from .. import activations, initializers, random
from . import masking
from .conv_arguments import conv_output_length, input_channels, standardize_data_format, take_geometry
from .layer import Layer, take_weight_settings, weight_settings

_GATES = 4


class ConvLSTMCell(Layer):
    """The weights and one step of a ConvLSTM layer (its sublayer `conv_lstm_cell`)."""

    def __init__(self, rank, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                 recurrent_activation, use_bias, unit_forget_bias, dropout, recurrent_dropout, seed, weights, **kwargs):
        super().__init__(**kwargs)
        self.rank, self.filters = rank, filters
        take_geometry(self, kernel_size, strides, padding, data_format, dilation_rate)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias, self.unit_forget_bias = use_bias, unit_forget_bias
        self.dropout, self.recurrent_dropout = min(1.0, max(0.0, dropout)), min(1.0, max(0.0, recurrent_dropout))
        self.seed = seed
        self._seed_generator = random.SeedGenerator(seed)
        take_weight_settings(self, **weights)

    def build(self, input_shape):
        channels = input_channels(self, input_shape)
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (channels, self.filters * _GATES),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel", shape=self.kernel_size + (self.filters, self.filters * _GATES),
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        if not self.use_bias:
            self.bias = None
            return
        initializer = self.bias_initializer
        if self.unit_forget_bias:
            base = self.bias_initializer

            def initializer(shape, dtype=None):
                n = self.filters
                return A.concat([base((n,), dtype=dtype), initializers.get("ones")((n,), dtype=dtype),
                                 base((2 * n,), dtype=dtype)], axis=0)
        self.bias = self.add_weight(name="bias", shape=(self.filters * _GATES,), initializer=initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def _conv(self, x, kernel, strides, padding, dilation):
        if self.rank == 1:
            return C.conv1d(x, kernel, strides[0], padding.upper(), dilations=dilation[0])
        return C.conv2d(x, kernel, strides, padding.upper(), dilations=dilation)

    def input_transform(self, x):
        """The input convolution with bias, for a (batch, ..., channels) batch of frames: (..., 4 * filters)."""
        out = self._conv(x, self.kernel, self.strides, self.padding, self.dilation_rate)
        return out if self.bias is None else M.add(out, self.bias)

    def step(self, x_gates, h, c):
        """One time step from the input's gate pre-activations and the previous (h, c)."""
        h_gates = self._conv(h, self.recurrent_kernel, (1,) * self.rank, "same", (1,) * self.rank)
        z = M.add(x_gates, h_gates)
        zi, zf, zc, zo = A.split(z, _GATES, axis=-1)
        i = self.recurrent_activation(zi)
        f = self.recurrent_activation(zf)
        c = M.add(M.multiply(f, c), M.multiply(i, self.activation(zc)))
        o = self.recurrent_activation(zo)
        return M.multiply(o, self.activation(c)), c


class ConvLSTM(Layer):
    """What ConvLSTM1D and ConvLSTM2D share: inputs (batch, time, *spatial, channels) (channels_last) or
    (batch, time, channels, *spatial); outputs the last state h, or every step's with return_sequences;
    [output, h, c] with return_state."""

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if stateful:
            raise ValueError(f"{type(self).__name__}: stateful=True is not supported by gradfit")
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.data_format = standardize_data_format(data_format)
        # The cell sees channels-last frames: channels-first inputs are transposed on the way in and out.
        self.cell = ConvLSTMCell(
            self.rank, filters, kernel_size, strides, padding, "channels_last", dilation_rate, activation,
            recurrent_activation, use_bias, unit_forget_bias, dropout, recurrent_dropout, seed,
            dict(kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
                 recurrent=(recurrent_initializer, recurrent_regularizer, recurrent_constraint),
                 bias=(bias_initializer, bias_regularizer, bias_constraint)),
            name="conv_lstm_cell", dtype=kwargs.get("dtype"))
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards
        self.stateful, self.unroll, self.zero_output_for_mask = stateful, unroll, zero_output_for_mask
        self.supports_masking = True

    def __getattr__(self, name):
        # Keras's ConvLSTM exposes its cell's settings (filters, kernel_size, padding, ...) as its own.
        cell = self.__dict__.get("cell")
        if cell is not None and name in ("filters", "kernel_size", "strides", "padding", "dilation_rate", "activation", "recurrent_activation", "use_bias",
                                         "unit_forget_bias", "dropout", "recurrent_dropout", "seed"):
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _frame_shape(self, input_shape):
        """The (batch, *spatial, channels) shape of one frame, channels last."""
        shape = tuple(input_shape)
        if len(shape) != self.rank + 3:
            raise ValueError(f"{type(self).__name__} '{self.name}' expects input of rank {self.rank + 3} "
                             f"(batch, time, ...), got shape {shape}")
        frame = (shape[0],) + shape[2:]
        if self.data_format == "channels_first":
            frame = (frame[0],) + frame[2:] + (frame[1],)
        return frame

    def _output_spatial(self, frame_shape):
        cell = self.cell
        return tuple(conv_output_length(size, k, s, cell.padding, d) for size, k, s, d in zip(
            frame_shape[1:-1], cell.kernel_size, cell.strides, cell.dilation_rate))

    def build(self, input_shape):
        self.cell.build(self._frame_shape(input_shape))

    def call(self, inputs, mask=None, training=False, initial_state=None):
        cell = self.cell
        x = inputs
        if self.data_format == "channels_first":  # (batch, time, channels, ...) -> (batch, time, ..., channels)
            x = A.transpose(x, [0, 1] + list(range(3, self.rank + 3)) + [2])
        shape = tuple(x.shape)
        batch, steps = shape[0], shape[1]
        if training and 0 < cell.dropout < 1:
            keep = random.dropout(A.ones_like(x[:, 0]), cell.dropout, seed=cell._seed_generator)
            x = M.multiply(x, A.expand_dims(keep, 1))
        gates = cell.input_transform(A.reshape(x, (-1,) + shape[2:]))
        gates = A.reshape(gates, (batch, steps) + tuple(gates.shape[1:]))
        state_shape = (batch,) + tuple(gates.shape[2:-1]) + (cell.filters,)
        if initial_state is not None:
            h, c = initial_state
        else:
            h = c = A.zeros(state_shape, dtype=gates.dtype)
        recurrent_keep = None
        if training and 0 < cell.recurrent_dropout < 1:
            recurrent_keep = random.dropout(A.ones(state_shape, dtype=gates.dtype), cell.recurrent_dropout,
                                            seed=cell._seed_generator)
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs = []
        for t in order:
            h_in = h if recurrent_keep is None else M.multiply(h, recurrent_keep)
            new_h, new_c = cell.step(gates[:, t], h_in, c)
            if mask is not None:
                keep = A.reshape(M.cast(mask[:, t], "bool"), (batch,) + (1,) * (self.rank + 1))
                new_c = M.where(keep, new_c, c)
                out = M.where(keep, new_h, A.zeros_like(new_h) if self.zero_output_for_mask else h)
                new_h = M.where(keep, new_h, h)
            else:
                out = new_h
            h, c = new_h, new_c
            outputs.append(out)
        output = A.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        if self.data_format == "channels_first":
            output = self._channels_first(output)
            h, c = self._channels_first(h), self._channels_first(c)
        if self.return_sequences and mask is not None and not self.return_state:
            masking.set_mask(output, mask)
        return [output, h, c] if self.return_state else output

    def _channels_first(self, x):
        rank = len(x.shape)
        return A.transpose(x, [0] + ([1] if rank == self.rank + 3 else []) + [rank - 1] + list(
            range(rank - self.rank - 1, rank - 1)))

    def compute_mask(self, inputs, mask=None):
        if mask is None or not self.return_sequences:
            return None if not self.return_state else [None] * 3
        return mask if not self.return_state else [mask, None, None]

    def compute_output_shape(self, input_shape):
        frame = self._frame_shape(input_shape)
        spatial = self._output_spatial(frame)
        state = (frame[0],) + spatial + (self.cell.filters,)
        if self.data_format == "channels_first":
            state = (frame[0], self.cell.filters) + spatial
        output = (state[0], tuple(input_shape)[1]) + state[1:] if self.return_sequences else state
        return (output, state, state) if self.return_state else output

    def get_config(self):
        cell = self.cell
        return {**super().get_config(), "activity_regularizer": None if self.activity_regularizer is None else
                super().get_config()["activity_regularizer"], "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask, "filters": cell.filters,
                "kernel_size": cell.kernel_size, "strides": cell.strides, "padding": cell.padding,
                "data_format": self.data_format, "dilation_rate": cell.dilation_rate,
                "activation": activations.serialize(cell.activation),
                "recurrent_activation": activations.serialize(cell.recurrent_activation), "use_bias": cell.use_bias,
                **{k: v for k, v in weight_settings(cell, "kernel", "recurrent", "bias").items()
                   if k.endswith("initializer")},
                "unit_forget_bias": cell.unit_forget_bias,
                **{k: v for k, v in weight_settings(cell, "kernel", "recurrent", "bias").items()
                   if not k.endswith("initializer")},
                "dropout": cell.dropout, "recurrent_dropout": cell.recurrent_dropout, "seed": cell.seed}


class ConvLSTM1D(ConvLSTM):
    rank = 1


class ConvLSTM2D(ConvLSTM):
    rank = 2
