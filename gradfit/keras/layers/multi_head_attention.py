"""MultiHeadAttention with Keras 3's weights: sublayers 'query', 'key', ('gate',) 'value' with kernels
(dim, num_heads, key_dim or value_dim) and biases (num_heads, key_dim or value_dim), then
'attention_output' with kernel (num_heads, value_dim, output_dim) and bias (output_dim,).

Attention runs as batched matrix products over (batch, heads, query steps, key steps) scores.
"""
import math

from ...ops import array as A
from ...ops import linalg as L
from ...ops import math as M
from ...ops import nn as N
from .. import activations, constraints, initializers, random, regularizers
from . import masking
from .keras_tensor import KerasTensor
from .layer import Layer, take_weight_settings

# Masked scores before the softmax (as Keras's Softmax layer): their probability underflows to 0.
_LARGE_NEGATIVE = -1e9


def _product(values):
    out = 1
    for v in values:
        out *= v
    return out


class _Projection(Layer):
    """The EinsumDense projection MultiHeadAttention uses: the last `bound_dims` axes of the input are
    contracted with a kernel shaped input_shape[-bound_dims:] + output_dims, as one matrix product."""

    def __init__(self, bound_dims, output_dims, use_bias, activation=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.bound_dims = bound_dims
        self.output_dims = tuple(output_dims)
        self.use_bias = use_bias
        self.activation = activations.get(activation)
        take_weight_settings(self, kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
                             bias=(bias_initializer, bias_regularizer, bias_constraint))
        # The attention layer handles masks itself; a masked query, key or value passes through quietly.
        self.supports_masking = True

    def build(self, input_shape):
        bound = tuple(input_shape[len(input_shape) - self.bound_dims:])
        self.kernel = self.add_weight(name="kernel", shape=bound + self.output_dims,
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight(name="bias", shape=self.output_dims, initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def call(self, inputs):
        shape = tuple(inputs.shape)
        free, bound = shape[:len(shape) - self.bound_dims], _product(shape[len(shape) - self.bound_dims:])
        kernel = A.reshape(self.kernel, (bound, _product(self.output_dims)))
        y = A.reshape(L.matmul(A.reshape(inputs, (-1, bound)), kernel), free + self.output_dims)
        if self.bias is not None:
            y = M.add(y, self.bias)
        return y if self.activation is activations.linear else self.activation(y)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:len(input_shape) - self.bound_dims]) + self.output_dims

    def get_config(self):
        return {**super().get_config(), "bound_dims": self.bound_dims, "output_dims": self.output_dims,
                "use_bias": self.use_bias, "activation": activations.serialize(self.activation)}


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017): `layer(query, value, key=None, attention_mask=None,
    return_attention_scores=False, training=None, use_causal_mask=False)`. Masks on the query, value
    and key (from Embedding(mask_zero=True) or Masking) are combined with `attention_mask`."""

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        for name, value, optional in (("num_heads", num_heads, False), ("key_dim", key_dim, False),
                                      ("value_dim", value_dim, True)):
            if (value is not None or not optional) and (
                    isinstance(value, bool) or not isinstance(value, int) or value <= 0):
                raise ValueError(f"MultiHeadAttention: received an invalid value for argument `{name}`, expected a "
                                 f"positive integer{' or None' if optional else ''}. Received: {name}={value!r}")
        if flash_attention:
            raise ValueError("MultiHeadAttention: flash attention is not supported by gradfit; "
                             "pass flash_attention=None or False")
        if sliding_window is not None and (
                isinstance(sliding_window, bool) or not isinstance(sliding_window, int) or sliding_window <= 0):
            raise ValueError(f"MultiHeadAttention: `sliding_window` must be `None` or a positive integer. Received: "
                             f"sliding_window={sliding_window!r}")
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads, self._key_dim = num_heads, key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout, self._use_bias, self._use_gate = dropout, use_bias, use_gate
        if output_shape:
            output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self._output_shape = output_shape or None
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        # As in Keras, the activity regularizer applies to each projection, not to the layer's output.
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(f"MultiHeadAttention: `attention_axes` must be an int, list, or tuple. Received: "
                             f"attention_axes={attention_axes!r}")
        self._attention_axes = None if attention_axes is None else tuple(attention_axes)
        self._sliding_window = sliding_window
        self.seed = seed
        self._seed_generator = random.SeedGenerator(seed) if dropout > 0 else None
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))
        # Heads of the key and value projections; fewer than the query's in grouped-query attention.
        self._num_key_value_heads = num_heads

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    def _projection(self, name, bound_dims, output_dims, activation=None):
        return _Projection(bound_dims, output_dims, self._use_bias, activation=activation, name=name,
                           kernel_initializer=initializers.get(initializers.serialize(self._kernel_initializer)),
                           bias_initializer=initializers.get(initializers.serialize(self._bias_initializer)),
                           kernel_regularizer=self._kernel_regularizer, bias_regularizer=self._bias_regularizer,
                           activity_regularizer=self._activity_regularizer, kernel_constraint=self._kernel_constraint,
                           bias_constraint=self._bias_constraint, dtype=self.dtype_policy)

    def build(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(f"MultiHeadAttention '{self.name}': all dimensions of `value` and `key`, except the last "
                             f"one, must be equal. Received: value_shape={value_shape} and key_shape={key_shape}")
        heads = self._num_heads
        self._query_dense = self._projection("query", 1, (heads, self._key_dim))
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("key", 1, (self._num_key_value_heads, self._key_dim))
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection("gate", 1, (heads, self._value_dim), activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection("value", 1, (self._num_key_value_heads, self._value_dim))
        self._value_dense.build(value_shape)
        # Projected tensors have rank len(query_shape) + 1: (batch, ..., heads, dim).
        rank = len(query_shape) + 1
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
        self._output_dense = self._projection("attention_output", 2, self._output_shape or (query_shape[-1],))
        self._output_dense.build(query_shape[:-1] + (heads, self._value_dim))

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        # Masks riding on the inputs count as the query/value/key masks (as Keras fills those arguments).
        if query_mask is None:
            query_mask = masking.mask_of(query)
        if value_mask is None:
            value_mask = masking.mask_of(value)
        if key_mask is None and key is not None:
            key_mask = masking.mask_of(key)
        key = value if key is None else key
        for what, x, dense in (("query", query, self._query_dense), ("value", value, self._value_dense),
                               ("key", key, self._key_dense)):
            if x.shape[-1] != dense.kernel.shape[0]:
                raise ValueError(f"MultiHeadAttention '{self.name}' expected {what} with last dimension "
                                 f"{dense.kernel.shape[0]}, got shape {tuple(x.shape)}")
        mask = self._attention_mask(query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
        gate = self._gate_dense(query) if self._use_gate else None
        q = self._query_dense(query)
        k = self._key_dense(key)
        v = self._value_dense(value)
        if self._num_key_value_heads != self._num_heads:  # each key/value head serves a group of query heads
            repeats = self._num_heads // self._num_key_value_heads
            k, v = A.repeat(k, repeats, axis=2), A.repeat(v, repeats, axis=2)
        output, scores = self._compute_attention(q, k, v, mask, training, return_attention_scores)
        output = self._output_dense(output if gate is None else M.multiply(output, gate))
        if return_attention_scores:
            return output, scores
        return output

    def _attention_mask(self, query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask):
        """The combined boolean mask (None when nothing is masked): attention_mask & query/value/key masks
        & causal & sliding-window, as Keras combines them."""
        mask = None
        if query_mask is not None:
            mask = A.expand_dims(M.cast(query_mask, "bool"), -1)
        for extra in (value_mask, key_mask):
            if extra is not None:
                extra = A.expand_dims(M.cast(extra, "bool"), -2)
                mask = extra if mask is None else M.logical_and(mask, extra)
        q_len, v_len = query.shape[1], value.shape[1]
        rows = A.reshape(A.range(q_len, dtype="int32"), (1, q_len, 1))
        cols = A.reshape(A.range(v_len, dtype="int32"), (1, 1, v_len))
        if use_causal_mask:
            causal = M.greater_equal(rows, cols)
            mask = causal if mask is None else M.logical_and(mask, causal)
        if self._sliding_window is not None:
            window = M.less(M.abs(M.subtract(rows, cols)), self._sliding_window)
            mask = window if mask is None else M.logical_and(mask, window)
        if attention_mask is not None:
            attention_mask = M.cast(attention_mask, "bool")
            mask = attention_mask if mask is None else M.logical_and(attention_mask, mask)
        return mask

    def _compute_attention(self, query, key, value, mask, training, return_attention_scores):
        """softmax(query . key / sqrt(key_dim)) . value over the attention axes, for every other axis."""
        rank = len(query.shape)
        attn = self._attention_axes
        batch = [i for i in range(rank - 1) if i not in attn]
        # (batch dims..., attended positions flattened, depth): one batched matrix product per stage.
        perm = batch + list(attn) + [rank - 1]
        q_shape, k_shape = tuple(query.shape), tuple(key.shape)
        batch_sizes = [q_shape[i] for i in batch]
        q_steps, k_steps = [q_shape[i] for i in attn], [k_shape[i] for i in attn]

        def flat(x, steps):
            return A.reshape(A.transpose(x, perm), batch_sizes + [_product(steps), x.shape[-1]])

        q = flat(M.multiply(query, self._inverse_sqrt_key_dim), q_steps)
        scores = L.matmul(q, flat(key, k_steps), transpose_b=True)
        keras_mask = None
        if mask is not None:
            keras_mask, mask = self._flat_mask(mask, len(batch), q_steps, k_steps)
            scores = M.where(mask, scores, _LARGE_NEGATIVE)
        probs = N.softmax(scores, axis=-1)
        # Keras takes a fused dot-product-attention path (no dropout, no scores returned, rank-4
        # projections) in which a fully masked row attends uniformly; elsewhere masked probabilities are 0.
        fused = not (self._dropout > 0 or return_attention_scores or rank != 4)
        if mask is not None and not fused:
            probs = M.where(mask, probs, 0.0)
        dropped = probs
        if training and self._dropout > 0:
            dropped = random.dropout(probs, self._dropout, seed=self._seed_generator)
        output = L.matmul(dropped, flat(value, k_steps))
        output = A.reshape(output, batch_sizes + q_steps + [value.shape[-1]])
        output = A.transpose(output, [perm.index(i) for i in range(rank)])
        scores_out = None
        if return_attention_scores:
            scores_out = A.reshape(probs, batch_sizes + q_steps + k_steps)
            # Keras's scores come out of a masked Softmax layer, which leaves the mask on them.
            masking.set_mask(scores_out, keras_mask)
        return output, scores_out

    @staticmethod
    def _flat_mask(mask, batch_rank, q_steps, k_steps):
        """A mask in Keras's (batch..., query positions..., key positions...) layout, with the head axis
        missing or 1: that mask expanded to the scores' rank (as Keras expands it) and the same as a
        broadcastable (batch..., query positions, key positions) mask."""
        n = len(q_steps)
        full_rank = batch_rank + 2 * n
        while len(mask.shape) < full_rank:
            mask = A.expand_dims(mask, -2 * n - 1)
        lead = list(tuple(mask.shape)[:batch_rank])
        flat = A.reshape(A.broadcast_to(mask, lead + list(q_steps) + list(k_steps)),
                         lead + [_product(q_steps), _product(k_steps)])
        return mask, flat

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(f"MultiHeadAttention '{self.name}': all dimensions of `value` and `key`, except the last "
                             f"one, must be equal. Received: value_shape={value_shape} and key_shape={key_shape}")
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False):
        key_shape = None if key is None else key.shape
        output = KerasTensor(self.compute_output_shape(query.shape, value.shape, key_shape), dtype=self.compute_dtype)
        if not return_attention_scores:
            return output
        q_shape, k_shape = tuple(query.shape), tuple(value.shape if key is None else key.shape)
        attn = self._attention_axes or tuple(range(1, len(q_shape) - 1))
        batch = [q_shape[i] for i in range(len(q_shape) - 1) if i not in attn]
        scores_shape = tuple(batch) + (self._num_heads,) + tuple(q_shape[i] for i in attn) + tuple(
            k_shape[i] for i in attn)
        return output, KerasTensor(scores_shape, dtype=self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "num_heads": self._num_heads, "key_dim": self._key_dim,
                "value_dim": self._value_dim, "dropout": self._dropout, "use_bias": self._use_bias,
                "use_gate": self._use_gate, "output_shape": self._output_shape,
                "attention_axes": self._attention_axes, "sliding_window": self._sliding_window,
                "kernel_initializer": initializers.serialize(self._kernel_initializer),
                "bias_initializer": initializers.serialize(self._bias_initializer),
                "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self._bias_regularizer),
                "activity_regularizer": regularizers.serialize(self._activity_regularizer),
                "kernel_constraint": constraints.serialize(self._kernel_constraint),
                "bias_constraint": constraints.serialize(self._bias_constraint), "seed": self.seed}
