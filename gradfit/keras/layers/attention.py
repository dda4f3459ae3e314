"""Attention over a list [query, value] or [query, value, key]: Attention (dot-product, Luong-style;
score_mode='concat' sums tanh(query + key)) and AdditiveAttention (Bahdanau-style)."""
from ...ops import array as A
from ...ops import linalg as L
from ...ops import math as M
from ...ops import nn as N
from ...ops import reduction as R
from .. import random
from .keras_tensor import KerasTensor
from .layer import Layer

# Subtracted from the scores of masked keys before the softmax, as Keras does.
_MASKED_SCORE_OFFSET = 1.0e9


class Attention(Layer):
    """Scores each value step for each query step (`query . key`, times a learned `scale` with
    use_scale=True), softmaxes them over the value steps and returns the weighted sum of the values.
    Masked value steps get no weight; outputs at masked query steps are zeros."""

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Invalid value for argument score_mode. Expected one of {{'dot', 'concat'}}. "
                             f"Received: score_mode={score_mode!r}")
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed=seed) if dropout > 0 else None
        self.supports_masking = True

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = self.add_weight(name="scale", shape=(), initializer="ones") if self.use_scale else None
        self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(), initializer="ones") \
            if self.score_mode == "concat" else None

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = L.matmul(query, key, transpose_b=True)
            return scores if self.scale is None else M.multiply(scores, self.scale)
        summed = M.add(A.expand_dims(query, -2), A.expand_dims(key, -3))
        if self.scale is not None:
            summed = M.multiply(self.scale, summed)
        return M.multiply(self.concat_score_weight, R.reduce_sum(M.tanh(summed), axis=-1))

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = self._scores_mask(scores, value_mask, use_causal_mask)
        if scores_mask is not None:
            if len(scores_mask.shape) == 2:
                scores_mask = A.expand_dims(scores_mask, -2)
            scores = M.where(scores_mask, scores, M.subtract(scores, _MASKED_SCORE_OFFSET))
        weights = N.softmax(scores, axis=-1)
        dropped = weights
        if training and self.dropout > 0:
            dropped = random.dropout(weights, self.dropout, seed=self.seed_generator)
        output = L.matmul(dropped, value)
        if query_mask is not None:
            output = M.where(A.expand_dims(M.cast(query_mask, "bool"), -1), output, 0.0)
        return (output, weights) if return_attention_scores else output

    @staticmethod
    def _scores_mask(scores, value_mask, use_causal_mask):
        value_mask = None if value_mask is None else M.cast(value_mask, "bool")
        if not use_causal_mask:
            return value_mask
        q_len, v_len = scores.shape[-2], scores.shape[-1]
        causal = M.greater_equal(A.reshape(A.range(q_len, dtype="int32"), (1, q_len, 1)),
                                 A.reshape(A.range(v_len, dtype="int32"), (1, 1, v_len)))
        return causal if value_mask is None else M.logical_and(A.expand_dims(value_mask, -2), causal)

    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape):
        self._validate_inputs(input_shape)
        return (*tuple(input_shape[0])[:-1], tuple(input_shape[1])[-1])

    def compute_output_spec(self, inputs, mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        output = KerasTensor(self.compute_output_shape([query.shape, value.shape]), dtype=self.compute_dtype)
        if not return_attention_scores:
            return output
        return output, KerasTensor((*tuple(query.shape)[:-1], key.shape[-2]), dtype=self.compute_dtype)

    def _validate_inputs(self, inputs, mask=None):
        name = f"{type(self).__name__} '{self.name}'"
        if not isinstance(inputs, (list, tuple)) or (inputs and isinstance(inputs[0], int)):
            raise ValueError(f"{name} must be called on a list of inputs, namely [query, value] or "
                             f"[query, value, key]. Received: inputs={inputs}")
        if not 2 <= len(inputs) <= 3:
            raise ValueError(f"{name} accepts inputs list of length 2 or 3, namely [query, value] or "
                             f"[query, value, key]. Received length: {len(inputs)}")
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(f"{name} mask must be a list, namely [query_mask, value_mask]. Received: mask={mask}")
            if not 2 <= len(mask) <= 3:
                raise ValueError(f"{name} accepts mask list of length 2 or 3. Received: mask={mask}")

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Attention with scores sum(scale * tanh(query + key)) over the feature axis (`scale` a learned
    vector with use_scale=True)."""

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = self.add_weight(name="scale", shape=(tuple(input_shape[0])[-1],),
                                     initializer="glorot_uniform") if self.use_scale else None

    def _calculate_scores(self, query, key):
        summed = M.tanh(M.add(A.expand_dims(query, -2), A.expand_dims(key, -3)))
        return R.reduce_sum(summed if self.scale is None else M.multiply(self.scale, summed), axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
