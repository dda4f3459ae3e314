"""Recurrent layers: RNN(cell) and SimpleRNN, LSTM, GRU, with Keras 3's options (return_sequences,
return_state, go_backwards, stateful, initial_state, masking, dropout).

Masked steps (a mask from Embedding(mask_zero=True) or Masking) leave the states unchanged and output
the previous step's output (zeros with `zero_output_for_mask=True`), as Keras's TensorFlow backend.
With go_backwards=True the sequence is read from its end and the returned sequence is in that
(reversed) order. `unroll` is accepted; steps always run as a Python loop of ops.
"""
from ... import nest
from ...ops import array as A
from ...ops import math as M
from ...tensor import Variable
from .. import regularizers
from .input_spec import InputSpec
from .layer import Layer
from .rnn_cells import (DropoutRNNCell, GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells, _BuiltinCell,
                        initial_state_of, output_size_of)


class RNN(Layer):
    """Runs `cell` over the time axis of (batch, time, features) inputs. A list of cells is stacked."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError("The RNN cell should have a `state_size` attribute (single integer or list of "
                             f"integers, one integer per RNN state). Received: cell={cell}")
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(f"state_size must be an integer, or a list/tuple of integers (one for each state "
                             f"tensor). Received: state_size={state_size!r}")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)
        object.__setattr__(self, "states", None)

    @property
    def state_size(self):
        size = self.cell.state_size
        return [size] if isinstance(size, int) else list(size)

    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) < 3:
            raise ValueError(f"{type(self).__name__} '{self.name}' expected input of rank 3 (batch, time, features), "
                             f"got shape {sequences_shape}")
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((sequences_shape[0],) + sequences_shape[2:])
            self.cell.built = True
        if self.stateful:
            if sequences_shape[0] is None:
                raise ValueError(f"{type(self).__name__} '{self.name}': when using `stateful=True`, the batch size "
                                 f"must be static. Found dynamic batch size: sequence.shape={sequences_shape}")
            # The states are not weights (Keras keeps them out of `weights` too).
            object.__setattr__(self, "states", [
                Variable(s, trainable=False, name="rnn_state")
                for s in nest.flatten(self.get_initial_state(sequences_shape[0]))])
        if self.input_spec is not None and self.input_spec.ndim == 3 and sequences_shape[-1] is not None:
            self.input_spec = InputSpec(ndim=3, axes={-1: sequences_shape[-1]})

    def get_initial_state(self, batch_size):
        """Zeros for every state of the cell (or what the cell's own `get_initial_state` returns)."""
        state = initial_state_of(self.cell, batch_size, self.compute_dtype)
        return list(state) if nest.is_nested(state) else [state]

    def reset_state(self):
        """Zeros the states of a stateful layer."""
        for variable in self.states or ():
            variable.assign(A.zeros_like(variable))

    reset_states = reset_state

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, length = sequences_shape[0], sequences_shape[1]
        size = output_size_of(self.cell)
        output_shape = (batch, length, size) if self.return_sequences else (batch, size)
        if not self.return_state:
            return output_shape
        states = [(batch, s) if isinstance(s, int) else [(batch, d) for d in s] for s in self.state_size]
        return (output_shape, *states)

    def compute_mask(self, inputs, mask):
        mask = nest.flatten(mask)[0] if nest.is_nested(mask) else mask
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def call(self, sequences, initial_state=None, mask=None, training=False):
        batch = sequences.shape[0]
        if sequences.shape[1] == 0:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs at least one time step, got input of shape "
                             f"{tuple(sequences.shape)}")
        if initial_state is None:
            initial_state = nest.pack_sequence_as(self.get_initial_state(batch), self.states) if self.stateful \
                else self.get_initial_state(batch)
        else:
            initial_state = self._checked_initial_state(initial_state, batch)
        if self.stateful and self.states and self.states[0].shape[0] != batch:
            raise ValueError(f"{type(self).__name__} '{self.name}': if an RNN is stateful, the batch size of the input "
                             f"sequences must be the same as the batch size of the initial state. Expected batch "
                             f"size: {self.states[0].shape[0]}; received batch size: {batch}")
        if mask is not None:
            mask = nest.flatten(mask)[0]
        try:
            last_output, outputs, states = self._loop(sequences, initial_state, mask, training)
        finally:
            _reset_dropout_masks(self.cell)
        if self.stateful:
            for variable, state in zip(self.states, nest.flatten(states)):
                variable.assign(state)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return (output, *states)
        return output

    def _checked_initial_state(self, initial_state, batch):
        """The given initial states as a list, after checking their number and shapes against the cell's."""
        states = list(initial_state) if nest.is_nested(initial_state) else [initial_state]
        expected = [(batch, s) for s in nest.flatten(self.state_size)]
        got = [tuple(s.shape) for s in nest.flatten(states)]
        if got != expected:
            raise ValueError(f"{type(self).__name__} '{self.name}' expected initial_state of {len(expected)} tensor(s) "
                             f"with shapes {expected}, got shapes {got}")
        dtype = self.compute_dtype
        return nest.map_structure(lambda s: s if s.dtype == dtype else M.cast(s, dtype), states)

    def _loop(self, sequences, states, mask, training):
        """(last output, all outputs or None, final states): the cell applied step by step."""
        cell = self.cell
        steps = sequences.shape[1]
        # Time-major, so each step's slice is one contiguous block.
        time_major = A.transpose(sequences, [1, 0] + list(range(2, len(sequences.shape))))
        if isinstance(cell, _BuiltinCell) and type(cell).call is _BuiltinCell.call:
            # The input projection of every step at once, then one recurrent product per step (a subclass
            # that overrides `call` runs step by step instead).
            inputs = A.unstack(cell._project(time_major, training, time_major=True), axis=0)
            step = cell._step_function(states, training)
        else:
            inputs = A.unstack(time_major, axis=0)
            kwargs = {"training": training} if isinstance(cell, Layer) and cell._call_has_training_arg else {}

            def step(x, states):
                output, new_states = cell(x, states, **kwargs)
                return output, (list(new_states) if nest.is_nested(new_states) else [new_states])

        masks = A.unstack(A.expand_dims(M.cast(mask, "bool"), -1), axis=1) if mask is not None else None
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs, previous, zeros = [], None, None
        output = None
        for t in order:
            output, new_states = step(inputs[t], states)
            if masks is not None:
                keep = masks[t]
                if zeros is None:
                    zeros = previous = A.zeros_like(output)
                output = M.where(keep, output, zeros if self.zero_output_for_mask else previous)
                new_states = nest.map_structure(lambda new, old: M.where(keep, new, old), new_states, states)
                previous = output
            states = new_states
            if self.return_sequences:
                outputs.append(output)
        return output, (A.stack(outputs, axis=1) if self.return_sequences else None), states

    def get_config(self):
        from . import serialize

        return {**super().get_config(), "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask, "cell": serialize(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize

        config = dict(config)
        cell = config.pop("cell")
        if not isinstance(cell, Layer):
            cell = deserialize(cell, custom_objects=custom_objects)
        return cls(cell, **config)


def _reset_dropout_masks(cell):
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    for inner in getattr(cell, "cells", ()):
        _reset_dropout_masks(inner)


# Arguments of the built-in layers that belong to their cell, readable as layer attributes (`lstm.units`).
_CELL_ARGUMENTS = ("units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias", "reset_after",
                   "kernel_initializer", "recurrent_initializer", "bias_initializer", "kernel_regularizer",
                   "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
                   "bias_constraint", "dropout", "recurrent_dropout")


class _BuiltinRNN(RNN):
    """SimpleRNN, LSTM and GRU: an RNN around the matching cell, configured by the cell's arguments."""

    cell_class = None

    def __init__(self, cell_arguments, return_sequences, return_state, go_backwards, stateful, unroll,
                 activity_regularizer, kwargs):
        if "implementation" in kwargs:
            cell_arguments["implementation"] = kwargs.pop("implementation")
        cell = self.cell_class(**cell_arguments, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                               name=self._cell_name)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def __getattr__(self, name):
        if name in _CELL_ARGUMENTS and "cell" in self.__dict__ and hasattr(self.__dict__["cell"], name):
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self):
        cell = self.cell
        config = {k: v for k, v in cell.get_config().items() if k not in ("name", "trainable", "dtype")}
        base = {k: v for k, v in super().get_config().items() if k != "cell"}
        base["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return {**base, **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


class SimpleRNN(_BuiltinRNN):
    """A fully connected RNN whose output is fed back as its input at the next step."""

    cell_class, _cell_name = SimpleRNNCell, "simple_rnn_cell"

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, seed=None, **kwargs):
        cell_arguments = dict(units=units, activation=activation, use_bias=use_bias,
                              kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                              bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                              recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                              kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                              bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                              seed=seed)
        super().__init__(cell_arguments, return_sequences, return_state, go_backwards, stateful, unroll,
                         activity_regularizer, kwargs)

    def get_config(self):
        config = super().get_config()
        del config["seed"]  # as Keras 3's SimpleRNN config
        return config


class LSTM(_BuiltinRNN):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997); states [h, c]."""

    cell_class, _cell_name = LSTMCell, "lstm_cell"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        _check_use_cudnn(use_cudnn)
        cell_arguments = dict(units=units, activation=activation, recurrent_activation=recurrent_activation,
                              use_bias=use_bias, kernel_initializer=kernel_initializer,
                              recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                              unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
                              recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                              kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                              bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                              seed=seed)
        super().__init__(cell_arguments, return_sequences, return_state, go_backwards, stateful, unroll,
                         activity_regularizer, kwargs)
        self.use_cudnn = use_cudnn


class GRU(_BuiltinRNN):
    """Gated recurrent unit (Cho et al., 2014); reset_after=True by default, as cuDNN and Keras 3."""

    cell_class, _cell_name = GRUCell, "gru_cell"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        _check_use_cudnn(use_cudnn)
        cell_arguments = dict(units=units, activation=activation, recurrent_activation=recurrent_activation,
                              use_bias=use_bias, kernel_initializer=kernel_initializer,
                              recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                              kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                              bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                              recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                              dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after, seed=seed)
        super().__init__(cell_arguments, return_sequences, return_state, go_backwards, stateful, unroll,
                         activity_regularizer, kwargs)
        self.use_cudnn = use_cudnn


def _check_use_cudnn(use_cudnn):
    # There is no cuDNN here: True cannot be honoured, and 'auto' means the one implementation there is.
    if use_cudnn not in ("auto", True, False):
        raise ValueError(f"Invalid value received for argument `use_cudnn`. Expected one of {{'auto', True, False}}. "
                         f"Received: use_cudnn={use_cudnn!r}")
    if use_cudnn is True:
        raise ValueError("use_cudnn=True was specified, but cuDNN is not available in gradfit. Pass "
                         "use_cudnn='auto' to use the NumPy implementation")

