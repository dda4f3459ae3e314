"""ReversibleEmbedding: an Embedding that can also project vectors back to logits over its vocabulary
(`layer(x, reverse=True)`), with the embedding table (tied) or a separate reverse table."""
from ...ops import linalg as L
from ...ops import math as M
from .core import Embedding
from .keras_tensor import KerasTensor


class ReversibleEmbedding(Embedding):
    """`layer(ids)` looks up embeddings; `layer(vectors, reverse=True)` gives logits `vectors @ embeddings.T`
    (or `@ reverse_embeddings` when `tie_weights=False`), capped to `logit_soft_cap * tanh(logits / cap)`."""

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        self.tie_weights, self.reverse_dtype, self.logit_soft_cap = tie_weights, reverse_dtype, logit_soft_cap

    def build(self, input_shape=None):
        if self.built:
            return
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(name="reverse_embeddings", shape=(self.output_dim, self.input_dim),
                                                      initializer=self.embeddings_initializer)

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        if self.tie_weights:
            logits = L.matmul(inputs if self.reverse_dtype is None else M.cast(inputs, self.reverse_dtype),
                              self.embeddings if self.reverse_dtype is None else M.cast(self.embeddings,
                                                                                        self.reverse_dtype),
                              transpose_b=True)
        else:
            kernel = self.reverse_embeddings
            if self.reverse_dtype is not None:
                inputs, kernel = M.cast(inputs, self.reverse_dtype), M.cast(kernel, self.reverse_dtype)
            logits = L.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = M.multiply(M.tanh(M.divide(logits, self.logit_soft_cap)), self.logit_soft_cap)
        return logits

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape, reverse=False):
        shape = list(input_shape)
        if reverse:
            shape[-1] = self.input_dim
        else:
            shape.append(self.output_dim)
        return tuple(shape)

    def compute_output_spec(self, inputs, reverse=False):
        return KerasTensor(self.compute_output_shape(inputs.shape, reverse=reverse), dtype=self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                "logit_soft_cap": self.logit_soft_cap}
