"""Circle loss (Sun et al., 2020) for metric learning on L2-normalized embeddings: function and class."""
import numpy as np

from ...ops import linalg as L
from ...ops import math as M
from ...ops import nn
from ...ops import reduction as R
from ...tensor import Tensor
from .loss import BuiltinLoss, float_tensor

# Stands in for -inf where a pair is not among the positives (negatives) of a row: exp() of it is exactly 0,
# and a row with no such pair gives a loss of exactly 0, as with -inf, with no inf - inf on the way back.
_NO_PAIR = -1e30


def _class_ids(labels, what):
    """Integer class ids, one per embedding (a trailing axis of 1 is dropped), as Keras casts them."""
    values = labels._value if isinstance(labels, Tensor) else np.asarray(labels)
    if values.ndim == 2 and values.shape[-1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"circle: {what} must hold one integer label per embedding, shape (batch,) or (batch, 1); "
                         f"received shape {values.shape}")
    return values.astype(np.int32)


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Circle loss of each embedding in `y_pred` against the reference embeddings (by default `y_pred`).

    With d the cosine distance max(1 - y_pred @ ref^T, 0), positive pairs (same label, the pair of an
    embedding with itself left out when `remove_diagonal`) and negative pairs (other labels):
    loss = softplus(logsumexp(-gamma * max(margin + d, 0) * (margin - d) over positives)
                    + logsumexp(gamma * max(1 + margin - d, 0) * (1 - margin - d) over negatives)).
    Rows with a loss of 0 (no positive or no negative pair) are masked out of the mean, as in Keras.
    """
    y_pred = float_tensor(y_pred)
    labels = _class_ids(y_true, "y_true")
    reference = y_pred if ref_embeddings is None else float_tensor(ref_embeddings, y_pred)
    reference_labels = labels if ref_labels is None else _class_ids(ref_labels, "ref_labels")
    if y_pred._value.ndim != 2 or reference._value.ndim != 2 or labels.shape[0] != y_pred._value.shape[0] \
            or reference_labels.shape[0] != reference._value.shape[0]:
        raise ValueError(f"circle: expected embeddings of shape (batch, dim) with one label each; received "
                         f"y_true {labels.shape}, y_pred {tuple(y_pred.shape)}, ref_labels {reference_labels.shape}, "
                         f"ref_embeddings {tuple(reference.shape)}")
    dtype = y_pred._value.dtype
    positive = labels[:, None] == reference_labels[None, :]
    negative = ~positive
    if remove_diagonal:
        positive &= ~np.eye(labels.shape[0], reference_labels.shape[0], dtype=bool)
    distances = M.maximum(M.subtract(1.0, L.matmul(y_pred, reference, transpose_b=True)), 0.0)
    margin, gamma = float(margin), float(gamma)
    positive_weights = M.maximum(M.multiply(M.add(distances, margin), positive.astype(dtype)), 0.0)
    negative_weights = M.maximum(M.multiply(M.subtract(1.0 + margin, distances), negative.astype(dtype)), 0.0)
    positive_terms = M.multiply(M.multiply(positive_weights, -gamma), M.subtract(margin, distances))
    negative_terms = M.multiply(M.multiply(negative_weights, gamma), M.subtract(1.0 - margin, distances))
    no_pair = np.asarray(_NO_PAIR, dtype)
    positive_loss = R.reduce_logsumexp(M.where(positive, positive_terms, no_pair), axis=1)
    negative_loss = R.reduce_logsumexp(M.where(negative, negative_terms, no_pair), axis=1)
    loss = nn.softplus(M.add(positive_loss, negative_loss))
    loss._keras_mask = Tensor(loss._value > 0)
    return loss


# Integer labels reach this function as they are (a Loss wrapping it does not cast them to float first).
circle.takes_class_ids = True


class Circle(BuiltinLoss):
    """Circle loss between integer labels and L2-normalized embeddings (e.g. a Dense layer followed by
    UnitNormalization): pulls same-label embeddings together and pushes the others apart."""

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction="sum_over_batch_size", name="circle",
                 dtype=None):
        super().__init__(circle, name=name, reduction=reduction, dtype=dtype, gamma=gamma, margin=margin,
                         remove_diagonal=remove_diagonal)
