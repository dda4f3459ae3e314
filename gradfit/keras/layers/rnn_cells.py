"""Recurrent cells: SimpleRNNCell, LSTMCell (kernel columns i, f, c, o) and GRUCell (columns z, r, h;
reset_after=True with its (2, 3 * units) bias), with Keras 3's weights and dropout, and StackedRNNCells.

A cell computes one time step: `cell(inputs, states, training=False)` returns `(output, new_states)`.
The built-in cells also split that step in two for the recurrent layers: `_project` multiplies the
inputs by the kernel for all time steps at once, and `_step_function` returns the per-step function
that adds the recurrent part (one matrix product per step).
"""
from ... import nest
from ...ops import array as A
from ...ops import linalg as L
from ...ops import math as M
from .. import activations, initializers, random
from .layer import Layer, take_weight_settings, weight_settings
from .recurrent_gates import gru_gates, lstm_gates


class DropoutRNNCell:
    """Dropout masks for a cell's inputs and recurrent state, drawn once per sequence: every step of a
    sequence drops the same units, as Keras does. The recurrent layer resets them after each call."""

    dropout_mask_count = None

    def _create_dropout_mask(self, step_input, rate):
        ones = A.ones_like(step_input)
        if self.dropout_mask_count is None:
            return random.dropout(ones, rate, seed=self.seed_generator)
        return [random.dropout(ones, rate, seed=self.seed_generator) for _ in range(self.dropout_mask_count)]

    def get_dropout_mask(self, step_input):
        if self.__dict__.get("_dropout_mask") is None and self.dropout > 0:
            object.__setattr__(self, "_dropout_mask", self._create_dropout_mask(step_input, self.dropout))
        return self.__dict__.get("_dropout_mask")

    def get_recurrent_dropout_mask(self, step_input):
        if self.__dict__.get("_recurrent_dropout_mask") is None and self.recurrent_dropout > 0:
            object.__setattr__(self, "_recurrent_dropout_mask",
                               self._create_dropout_mask(step_input, self.recurrent_dropout))
        return self.__dict__.get("_recurrent_dropout_mask")

    def reset_dropout_mask(self):
        object.__setattr__(self, "_dropout_mask", None)

    def reset_recurrent_dropout_mask(self):
        object.__setattr__(self, "_recurrent_dropout_mask", None)


def _rate(value):
    return min(1.0, max(0.0, float(value)))


class _BuiltinCell(Layer, DropoutRNNCell):
    """Arguments, weights, configuration and the two-part step the three built-in cells share; `gates`
    is how many blocks of `units` columns the kernels hold (1, 4 or 3)."""

    gates = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ValueError(f"{type(self).__name__}: received an invalid value for argument `units`, expected a "
                             f"positive integer, got {units!r}")
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        take_weight_settings(self, kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
                             recurrent=(recurrent_initializer, recurrent_regularizer, recurrent_constraint),
                             bias=(bias_initializer, bias_regularizer, bias_constraint))
        self.dropout = _rate(dropout)
        self.recurrent_dropout = _rate(recurrent_dropout)
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed=seed)
        self.state_size = units
        self.output_size = units

    def _build_kernels(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs the last dimension of its input to be "
                             f"known, got shape {tuple(input_shape)}")
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units * self.gates),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, self.units * self.gates),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)

    def _add_bias(self, shape, initializer):
        return self.add_weight(name="bias", shape=shape, initializer=initializer, regularizer=self.bias_regularizer,
                               constraint=self.bias_constraint) if self.use_bias else None

    def _masked_blocks(self, x, mask, kernel, bias=None):
        """x @ kernel (+ bias), with one dropout mask per block of `units` kernel columns when the cell
        draws one per gate (recurrent dropout, as Keras's implementation 1), or one for all."""
        if isinstance(mask, list):
            blocks = A.split(kernel, self.gates, axis=1)
            y = A.concat([L.matmul(M.multiply(x, m), k) for m, k in zip(mask, blocks)], axis=-1)
        else:
            y = L.matmul(x if mask is None else M.multiply(x, mask), kernel)
        return y if bias is None else M.add(y, bias)

    def _project(self, inputs, training=False, time_major=False):
        """inputs @ kernel (+ input bias) for one step (batch, features) or all steps at once, given as
        (batch, time, features) or, with time_major=True, (time, batch, features)."""
        step = inputs if len(inputs.shape) == 2 else (inputs[0] if time_major else inputs[:, 0, :])
        mask = self.get_dropout_mask(step) if training else None
        if mask is not None and len(inputs.shape) == 3 and not time_major:
            mask = [A.expand_dims(m, 1) for m in mask] if isinstance(mask, list) else A.expand_dims(mask, 1)
        return self._masked_blocks(inputs, mask, self.kernel, self._input_bias())

    def _input_bias(self):
        return self.bias

    def _recurrent_mask(self, state, training):
        return self.get_recurrent_dropout_mask(state) if training else None

    def call(self, inputs, states, training=False):
        nested = isinstance(states, (list, tuple))
        step = self._step_function(list(states) if nested else [states], training)
        output, new_states = step(self._project(inputs, training), list(states) if nested else [states])
        return output, (new_states if nested or len(new_states) > 1 else new_states[0])

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [A.zeros((batch_size, d), dtype=self.compute_dtype) for d in sizes]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, **weight_settings(self, "kernel", "recurrent", "bias"),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}


class SimpleRNNCell(_BuiltinCell):
    """One step of a fully connected RNN: output = activation(x @ kernel + h @ recurrent_kernel + bias)."""

    def build(self, input_shape):
        self._build_kernels(input_shape)
        self.bias = self._add_bias((self.units,), self.bias_initializer)

    def _step_function(self, states, training):
        recurrent_kernel, activation = self.recurrent_kernel, self.activation
        mask = self._recurrent_mask(states[0], training)

        def step(x, states):
            prev = states[0] if mask is None else M.multiply(states[0], mask)
            output = M.add(x, L.matmul(prev, recurrent_kernel))
            if activation is not activations.linear:
                output = activation(output)
            return output, [output]

        return step


class LSTMCell(_BuiltinCell):
    """One step of a long short-term memory network; states [h, c], kernels of 4 * units columns in
    Keras's order (input, forget, cell, output). `unit_forget_bias` starts the forget bias at 1."""

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        # Keras's implementation 1 (forced by recurrent dropout) draws a dropout mask per gate.
        self.implementation = 1 if self.recurrent_dropout else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.state_size = [units, units]

    def build(self, input_shape):
        self._build_kernels(input_shape)
        self.bias = self._add_bias((self.units * 4,), self._forget_bias_initializer() if self.unit_forget_bias
                                   else self.bias_initializer)

    def _forget_bias_initializer(self):
        """The bias initializer, with the forget gate's block of the bias set to ones."""
        units, base = self.units, self.bias_initializer

        def initializer(shape, dtype=None):
            return A.concat([base((units,), dtype=dtype), initializers.get("ones")((units,), dtype=dtype),
                             base((units * 2,), dtype=dtype)], axis=0)

        return initializer

    def _step_function(self, states, training):
        recurrent_kernel = self.recurrent_kernel
        mask = self._recurrent_mask(states[0], training)
        fused = self.activation is activations.tanh and self.recurrent_activation is activations.sigmoid

        def step(x, states):
            h_prev, c_prev = states
            inner = self._masked_blocks(h_prev, mask, recurrent_kernel)
            if fused:
                h, c = lstm_gates(x, inner, c_prev)
                return h, [h, c]
            i, f, g, o = A.split(M.add(x, inner), 4, axis=-1)
            act, rec = self.activation, self.recurrent_activation
            c = M.add(M.multiply(rec(f), c_prev), M.multiply(rec(i), act(g)))
            h = M.multiply(rec(o), act(c))
            return h, [h, c]

        return step

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRUCell(_BuiltinCell):
    """One step of a gated recurrent unit; kernels of 3 * units columns (update z, reset r, candidate h).
    With reset_after=True (the default, cuDNN-compatible) the reset gate applies after the recurrent
    product and the bias has shape (2, 3 * units): input bias, then recurrent bias."""

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 reset_after=True, seed=None, **kwargs):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after
        self.implementation = 1 if self.recurrent_dropout else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 3

    def build(self, input_shape):
        self._build_kernels(input_shape)
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self.bias = self._add_bias(shape, self.bias_initializer)

    def _input_bias(self):
        if self.bias is None or not self.reset_after:
            return self.bias
        return self.bias[0]

    def _step_function(self, states, training):
        units, recurrent_kernel = self.units, self.recurrent_kernel
        mask = self._recurrent_mask(states[0], training)
        recurrent_bias = self.bias[1] if self.bias is not None and self.reset_after else None
        act, rec = self.activation, self.recurrent_activation
        fused = act is activations.tanh and rec is activations.sigmoid
        if not self.reset_after:
            kernel_zr, kernel_h = recurrent_kernel[:, :2 * units], recurrent_kernel[:, 2 * units:]
            masks = mask if isinstance(mask, list) else [mask] * 3

        def step(x, states):
            h_prev = states[0]
            if self.reset_after:
                inner = self._masked_blocks(h_prev, mask, recurrent_kernel, recurrent_bias)
                if fused:
                    h = gru_gates(x, inner, h_prev)
                    return h, [h]
                x_z, x_r, x_h = A.split(x, 3, axis=-1)
                i_z, i_r, i_h = A.split(inner, 3, axis=-1)
                z, r = rec(M.add(x_z, i_z)), rec(M.add(x_r, i_r))
                hh = act(M.add(x_h, M.multiply(r, i_h)))
            else:
                x_z, x_r, x_h = A.split(x, 3, axis=-1)
                h_z = h_prev if masks[0] is None else M.multiply(h_prev, masks[0])
                h_r = h_prev if masks[1] is None else M.multiply(h_prev, masks[1])
                if isinstance(mask, list):
                    inner = A.concat([L.matmul(h_z, kernel_zr[:, :units]), L.matmul(h_r, kernel_zr[:, units:])], -1)
                else:
                    inner = L.matmul(h_z, kernel_zr)
                i_z, i_r = A.split(inner, 2, axis=-1)
                z, r = rec(M.add(x_z, i_z)), rec(M.add(x_r, i_r))
                h_h = h_prev if masks[2] is None else M.multiply(h_prev, masks[2])
                hh = act(M.add(x_h, L.matmul(M.multiply(r, h_h), kernel_h)))
            h = M.add(M.multiply(z, h_prev), M.multiply(M.subtract(1.0, z), hh))
            return h, [h]

        return step

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


class StackedRNNCells(Layer):
    """Several cells run as one: each step feeds the output of a cell to the next; the states are the
    cells' states in order."""

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ValueError(f"StackedRNNCells: all cells must have a `call` method. Received cell without a "
                                 f"`call` method: {cell}")
            if not hasattr(cell, "state_size"):
                raise ValueError(f"StackedRNNCells: all cells must have a `state_size` attribute. Received: {cell}")
        self.cells = list(cells)

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return output_size_of(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        return [initial_state_of(cell, batch_size, self.compute_dtype) for cell in self.cells]

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            input_shape = (tuple(input_shape)[0], output_size_of(cell))

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            nested = nest.is_nested(cell_states)
            kwargs = {"training": training} if isinstance(cell, Layer) and cell._call_has_training_arg else {}
            inputs, cell_states = cell(inputs, list(cell_states) if nested else [cell_states], **kwargs)
            if not nested and isinstance(cell_states, (list, tuple)) and len(cell_states) == 1:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        return inputs, new_states

    def get_config(self):
        from . import serialize

        return {**super().get_config(), "cells": [serialize(cell) for cell in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize

        config = dict(config)
        cells = [deserialize(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def output_size_of(cell):
    """A cell's output size: `output_size`, else the size of its first state."""
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    return cell.state_size[0] if isinstance(cell.state_size, (list, tuple)) else cell.state_size


def initial_state_of(cell, batch_size, dtype):
    """Zeros for each of a cell's states (or what its own `get_initial_state` returns)."""
    fn = getattr(cell, "get_initial_state", None)
    if fn is not None:
        return fn(batch_size=batch_size)
    if isinstance(cell.state_size, int):
        return A.zeros((batch_size, cell.state_size), dtype=dtype)
    return [A.zeros((batch_size, d), dtype=dtype) for d in cell.state_size]
