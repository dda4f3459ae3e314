"""keras.ops' neural-network functions (Keras 3 names and signatures) on gradfit ops."""
import math

import numpy as np

from ... import backend
from ...ops import array as A
from ...ops import conv as C
from ...ops import math as M
from ...ops import nn as N
from ...ops import reduction as R
from ...ops import segment as S
from ...ops.core import value

sigmoid, tanh, softplus, softsign, silu, swish = M.sigmoid, M.tanh, N.softplus, N.softsign, N.silu, N.silu
relu, relu6, elu, selu, log_sigmoid = N.relu, N.relu6, N.elu, N.selu, N.log_sigmoid


def leaky_relu(x, negative_slope=0.2):
    return N.leaky_relu(x, alpha=negative_slope)


def gelu(x, approximate=True):
    return N.gelu(x, approximate=approximate)


def hard_sigmoid(x):
    return M.clip_by_value(M.add(M.multiply(x, 1.0 / 6.0), 0.5), 0.0, 1.0)


def hard_silu(x):
    return M.multiply(x, hard_sigmoid(x))


hard_swish = hard_silu


def softmax(x, axis=-1):
    return N.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    return N.log_softmax(x, axis=axis)


def logsumexp(x, axis=None, keepdims=False):
    return R.reduce_logsumexp(x, axis=axis, keepdims=keepdims)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    return A.one_hot(x, num_classes, axis=axis, dtype=dtype or backend.floatx())


def multi_hot(inputs, num_classes, axis=-1, dtype=None, sparse=False):
    return R.reduce_max(one_hot(inputs, num_classes, dtype=dtype), axis=-2)


def moments(x, axes, keepdims=False, synchronized=False):
    return N.moments(x, axes, keepdims=keepdims)


def normalize(x, axis=-1, order=2, epsilon=None):
    if order != 2:
        n = R.reduce_sum(M.pow(M.abs(x), float(order)), axis=axis, keepdims=True)
        return M.divide(x, M.maximum(M.pow(n, 1.0 / order), epsilon or backend.epsilon()))
    norm = M.sqrt(R.reduce_sum(M.square(x), axis=axis, keepdims=True))
    return M.divide(x, M.maximum(norm, epsilon or backend.epsilon()))


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    nd = value(x).ndim
    shape = [1] * nd
    shape[axis] = -1

    def r(t):
        return None if t is None else A.reshape(t, shape)

    return N.batch_normalization(x, r(mean), r(variance), r(offset), r(scale), epsilon)


def binary_crossentropy(target, output, from_logits=False):
    if from_logits:
        return N.sigmoid_cross_entropy_with_logits(target, output)
    eps = backend.epsilon()
    output = M.clip_by_value(output, eps, 1.0 - eps)
    return M.negative(M.add(M.multiply(target, M.log(output)),
                            M.multiply(M.subtract(1.0, target), M.log(M.subtract(1.0, output)))))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if from_logits:
        return N.softmax_cross_entropy_with_logits(target, output, axis=axis)
    output = M.divide(output, R.reduce_sum(output, axis=axis, keepdims=True))
    output = M.clip_by_value(output, backend.epsilon(), 1.0 - backend.epsilon())
    return M.negative(R.reduce_sum(M.multiply(target, M.log(output)), axis=axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target = A.reshape(target, value(output).shape[:-1]) if value(target).ndim == value(output).ndim else target
    target = M.cast(target, "int64")
    if from_logits:
        return N.sparse_softmax_cross_entropy_with_logits(target, output)
    output = M.divide(output, R.reduce_sum(output, axis=axis, keepdims=True))
    output = M.clip_by_value(output, backend.epsilon(), 1.0 - backend.epsilon())
    return M.negative(R.reduce_sum(M.multiply(A.one_hot(target, value(output).shape[-1], dtype=value(output).dtype),
                                              M.log(output)), axis=axis))


def _data_format(data_format):
    fmt = data_format or backend.image_data_format()
    return fmt


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    nd = value(inputs).ndim
    fmt = "NCHW" if _data_format(data_format) == "channels_first" else None
    if nd == 3:
        return C.conv1d(inputs, kernel, strides, padding.upper(), "NCW" if fmt else "NWC", dilation_rate)
    return C.conv2d(inputs, kernel, strides, padding.upper(), fmt or "NHWC", dilation_rate)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    fmt = "NCHW" if _data_format(data_format) == "channels_first" else "NHWC"
    if value(inputs).ndim == 3:
        out = C.depthwise_conv2d(A.expand_dims(inputs, 1), A.expand_dims(kernel, 0), strides, padding.upper(),
                                 dilations=dilation_rate)
        return A.squeeze(out, axis=1)
    return C.depthwise_conv2d(inputs, kernel, strides, padding.upper(), fmt, dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    y = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(y, pointwise_kernel, 1, "valid", data_format)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    v = value(inputs)
    k = value(kernel)
    nd = v.ndim - 2
    strides_ = (strides,) * nd if isinstance(strides, int) else tuple(strides)
    spatial = v.shape[1:-1]
    out = []
    for i, size in enumerate(spatial):
        kk = k.shape[i]
        if padding == "same":
            out.append(size * strides_[i])
        else:
            out.append(size * strides_[i] + max(kk - strides_[i], 0))
    shape = (v.shape[0], *out, k.shape[-2])
    if nd == 1:
        return C.conv1d_transpose(inputs, kernel, shape, strides_, padding.upper())
    return C.conv2d_transpose(inputs, kernel, shape, strides_, padding.upper())


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return C.max_pool(inputs, pool_size, strides or pool_size, padding.upper())


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return C.avg_pool(inputs, pool_size, strides or pool_size, padding.upper())


def top_k(x, k, sorted=True):
    return R.top_k(x, k, sorted=sorted)


def in_top_k(targets, predictions, k):
    return R.in_top_k(targets, predictions, k)


def erf(x):
    return M.erf(x)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    n = int(value(segment_ids).max()) + 1 if num_segments is None else num_segments
    return S.unsorted_segment_sum(data, segment_ids, n)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    n = int(value(segment_ids).max()) + 1 if num_segments is None else num_segments
    return S.unsorted_segment_max(data, segment_ids, n)


def dot_product_attention(query, key, value_, bias=None, mask=None, scale=None, is_causal=False, **kwargs):
    """softmax(q k^T * scale + bias, masked) v over (batch, seq, heads, dim) inputs, as Keras 3."""
    from ...ops import linalg as L

    d = np.shape(value(query))[-1]
    scale = 1.0 / math.sqrt(d) if scale is None else scale
    logits = M.multiply(L.einsum("btnh,bsnh->bnts", query, key), scale)
    if bias is not None:
        logits = M.add(logits, bias)
    t, s = value(logits).shape[-2:]
    keep = None
    if is_causal:
        keep = np.tril(np.ones((t, s), dtype=bool))
    if mask is not None:
        m = value(mask).astype(bool)
        keep = m if keep is None else np.logical_and(keep, m)
    if keep is not None:
        logits = M.where(keep, logits, np.finfo(value(logits).dtype).min / 2)
    probs = N.softmax(logits, axis=-1)
    return L.einsum("bnts,bsnh->btnh", probs, value_)


def glu(x, axis=-1):
    a, b = A.split(x, 2, axis=axis)
    return M.multiply(a, M.sigmoid(b))


def celu(x, alpha=1.0):
    return M.add(N.relu(x), M.multiply(alpha, M.expm1(M.divide(M.minimum(x, 0.0), alpha))))


def mish(x):
    return M.multiply(x, M.tanh(N.softplus(x)))
