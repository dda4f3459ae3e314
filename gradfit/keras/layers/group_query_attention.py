"""GroupedQueryAttention (`keras.layers.GroupQueryAttention`): attention whose key and value projections have
fewer heads than the query's, each shared by a group of query heads (Ainslie et al., 2023)."""
from .multi_head_attention import MultiHeadAttention


class GroupedQueryAttention(MultiHeadAttention):
    """`layer(query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
    return_attention_scores=False, training=None, use_causal_mask=False)` with `num_query_heads` query heads and
    `num_key_value_heads` key/value heads of size `head_dim`; the output has the query's last dimension."""

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError("`num_query_heads` must be divisible by `num_key_value_heads`.")
        super().__init__(num_query_heads, head_dim, dropout=dropout, use_bias=use_bias, sliding_window=sliding_window,
                         flash_attention=flash_attention, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, use_gate=use_gate,
                         seed=seed, **kwargs)
        self._num_key_value_heads = num_key_value_heads

    head_dim = property(lambda self: self._key_dim)
    num_query_heads = property(lambda self: self._num_heads)
    num_key_value_heads = property(lambda self: self._num_key_value_heads)

    def build(self, query_shape, value_shape, key_shape=None):
        for name, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if shape is not None and len(shape) != 3:
                raise ValueError(f"GroupedQueryAttention '{self.name}' expects {name} of rank 3 (batch, steps, "
                                 f"features), got shape {tuple(shape)}")
        super().build(query_shape, value_shape, key_shape)

    def get_config(self):
        config = super().get_config()
        for key in ("num_heads", "key_dim", "value_dim", "output_shape", "attention_axes"):
            config.pop(key, None)
        return {**config, "head_dim": self._key_dim, "num_query_heads": self._num_heads,
                "num_key_value_heads": self._num_key_value_heads}


GroupQueryAttention = GroupedQueryAttention
