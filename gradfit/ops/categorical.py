"""Array kernels of the categorical preprocessing layers: token counting, index encodings, bucketing."""
import collections

import numpy as np

from ..backend import as_strings
from ..tensor import Tensor
from .core import InvalidArgumentError

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def values_of(inputs):
    """The array behind a tensor, array or (nested) list; text as an object array of bytes."""
    arr = inputs._value if isinstance(inputs, Tensor) else np.asarray(inputs)
    return as_strings(arr) if arr.dtype.kind in "OSU" else arr


def encode(indices, output_mode, depth, dtype, count_weights=None, idf_weights=None):
    """Integer indices in [0, depth) encoded as Keras's categorical layers do: 'int' as they are; 'one_hot' adds
    an axis of size `depth` (replacing a last axis of 1); 'multi_hot', 'count' and 'tf_idf' sum over the last
    axis (a 1-D input is one sample). Indices outside [0, depth) count nowhere."""
    indices = np.asarray(indices)
    if output_mode == "int":
        return Tensor(indices.astype(dtype, copy=False))
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        out = np.equal(indices[..., None], np.arange(depth)).astype(dtype)
        return Tensor(out)
    if np.any(indices < 0):
        bad = indices[indices < 0].ravel()[0]
        raise InvalidArgumentError(f"Input 'in' must be non-negative! Negative input value found: {bad}")
    single = indices.ndim == 1
    rows = indices.reshape(1, -1) if single else indices.reshape(-1, indices.shape[-1])
    weights = None if count_weights is None else np.asarray(count_weights, dtype=np.float64).reshape(rows.shape)
    out = np.zeros((rows.shape[0], depth), dtype=np.float64)
    keep = rows < depth
    row_ids = np.broadcast_to(np.arange(rows.shape[0])[:, None], rows.shape)
    np.add.at(out, (row_ids[keep], rows[keep]), 1.0 if weights is None else weights[keep])
    if output_mode == "multi_hot":
        out = (out > 0).astype(np.float64)
    elif output_mode == "tf_idf":
        out = out * np.asarray(idf_weights, dtype=np.float64)[:depth]
    out = out.astype(dtype)
    return Tensor(out[0] if single else out.reshape(indices.shape[:-1] + (depth,)))


def ranked_tokens(counts, limit=None):
    """Tokens by decreasing count, ties by decreasing token (Keras's vocabulary order), at most `limit`."""
    ranked = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
    return [token for token, _ in (ranked if limit is None else ranked[:max(limit, 0)])]


def count_tokens(batches, counts=None, document_counts=None):
    """Token frequencies over batches of token arrays; with `document_counts`, in how many rows each occurs."""
    counts = collections.Counter() if counts is None else counts
    for tokens in batches:
        tokens = np.asarray(tokens)
        counts.update(tokens.ravel().tolist())
        if document_counts is not None:
            rows = tokens.reshape(1, -1) if tokens.ndim < 2 else tokens.reshape(tokens.shape[0], -1)
            for row in rows:
                document_counts.update(set(row.tolist()))
    return counts


def inverse_document_frequencies(document_counts, tokens, num_documents):
    """log(1 + documents / (1 + documents containing the token)), per token."""
    return [float(np.log(1.0 + num_documents / (1.0 + document_counts.get(t, 0)))) for t in tokens]


def digitize(values, boundaries):
    """The bucket of each value: the number of boundaries <= it (int32)."""
    return np.searchsorted(np.asarray(boundaries, dtype=np.float64), np.asarray(values, dtype=np.float64),
                           side="right").astype(np.int32)


# --------------------------------------------------------------------------- quantile summaries
def summarize(values, epsilon):
    """A weighted summary (2 x k: values, weights) of about 1/epsilon evenly spaced sorted values."""
    values = np.sort(np.reshape(values, -1))
    step = max(values.size / (1.0 / epsilon), 1)
    picked = values[int(step - 1)::int(step)]
    return np.stack([picked, np.ones_like(picked) * step])


def compress_summary(summary, epsilon):
    """The summary re-cut at cumulative-weight fractions epsilon, 2 epsilon, ... 1 (kept when small)."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    positions = cumulative / cumulative[-1]
    values = np.interp(fractions, positions, summary[0])
    cumulative = np.interp(fractions, positions, cumulative)
    weights = cumulative - np.concatenate(([0.0], cumulative[:-1]))
    return np.stack((values, weights)).astype("float32")


def merge_summaries(first, second, epsilon):
    merged = np.concatenate((first, second), axis=1)
    return compress_summary(merged[:, np.argsort(merged[0])], epsilon)


def bin_boundaries(summary, num_bins):
    return compress_summary(summary, 1.0 / num_bins)[0, :-1]
