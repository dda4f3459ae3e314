"""Activations, softmax, cross-entropies, moments and dropout (`tf.nn`)."""
import math as _pymath

import numpy as np

from ..backend import blas_threads, rng
from ..autodiff.tape import Node
from .core import ACTIVE, InvalidArgumentError, Primitive, Tensor, defgrad, normalize_axis, output, record, value
from . import array as A
from . import math as M
from . import reduction as R
from .linalg import matmul

# ------------------------------------------------------------------------------------ activations
_ZEROS = {}


def _zero(dtype):
    """0 as a 0-d array of `dtype`: NumPy compares an array with it about twice as fast as with a Python 0."""
    zero = _ZEROS.get(dtype)
    if zero is None:
        zero = _ZEROS[dtype] = np.zeros((), dtype)
    return zero


_relu = Primitive("Relu")
_relu_grad = Primitive("ReluGrad")


def relu(features, name=None):
    try:
        v = features._value
    except AttributeError:
        v = value(features)
    out = np.maximum(v, _zero(v.dtype))
    if ACTIVE:
        return record(_relu, out, (features,))
    return Tensor(out)


class ReluMaskedGradient(Tensor):
    """A gradient that is already zero wherever the ReLU output it flows back to is zero (max pooling
    over a ReLU output makes one): the ReLU's backward pass over the whole activation is skipped."""

    __slots__ = ()


def is_relu_output(x):
    """Whether `x` is the output of a ReLU: a relu op, or a dense or convolution op with ReLU fused."""
    node = x._node
    if node.__class__ is not Node or node.params is None:
        return False
    return node.prim is _relu or (isinstance(node.prim, ReluFused) and node.params["relu"])


def _relu_backward(g, ans):
    """g where the ReLU's output is positive, else 0 (one fused pass)."""
    if g.__class__ is ReluMaskedGradient:
        return g
    gv, av = g._value, ans._value
    out = np.multiply(gv, np.greater(av, _zero(av.dtype)))
    return output(_relu_grad, out.astype(gv.dtype, copy=False), (g, ans))


defgrad(_relu, lambda g, ans, x: _relu_backward(g, ans))
defgrad(_relu_grad, lambda gg, ans, g, y: _relu_backward(gg, y), None)


class ReluFused(Primitive):
    """An op that may apply a ReLU to its output: its params say so under "relu"."""

    __slots__ = ()


class _Dense(ReluFused):
    """x @ kernel + bias, then ReLU or nothing: a Dense layer in one recorded op, with its gradients
    computed together (the activation's gradient once, then input, kernel and bias)."""

    __slots__ = ()

    def gradients(self, g, ans, inputs, params, wanted):
        x, kernel = inputs[0], inputs[1]
        if params["relu"]:
            g = _relu_backward(g, ans)
        out = {}
        if 0 in wanted:
            out[0] = matmul(g, kernel, transpose_b=True)
        if 1 in wanted:
            xv = x._value
            if xv.ndim > 2:
                out[1] = matmul(A.reshape(x, (-1, xv.shape[-1])), A.reshape(g, (-1, g._value.shape[-1])),
                                transpose_a=True)
            else:
                out[1] = matmul(x, g, transpose_a=True)
        if 2 in wanted:
            out[2] = A.sum_to(g, inputs[2]._value.shape)
        return out


_dense = _Dense("Dense")


def dense_value(xv, kv, bias, activation, dtype=None):
    """The array xv @ kv (+ bias), then ReLU when `activation` is 'relu', for a 2-D `xv`; of `dtype`
    (the kernel's by default)."""
    blas_threads.for_product(2 * xv.size * kv.shape[1])
    out = np.dot(xv, kv)
    dtype = kv.dtype if dtype is None else dtype
    if out.dtype != dtype:
        out = out.astype(dtype)
    # `out` is a fresh array, so the bias and the activation are applied in place.
    if bias is not None:
        out += bias._value
    if activation == "relu":
        np.maximum(out, _zero(out.dtype), out=out)
    return out


def dense(inputs, kernel, bias=None, activation=None):
    """inputs @ kernel (+ bias), then `activation` ('relu' or None): what a Keras Dense layer computes."""
    if activation not in (None, "relu"):
        raise ValueError(f"dense fuses only the 'relu' activation or none, got {activation!r}")
    xv = inputs._value if isinstance(inputs, Tensor) else value(inputs)
    kv = kernel._value
    if xv.ndim < 2 or xv.shape[-1] != kv.shape[0]:
        raise InvalidArgumentError(f"dense: input shape {xv.shape} does not match kernel shape {kv.shape}")
    if xv.ndim > 2:
        out = dense_value(xv.reshape(-1, xv.shape[-1]), kv, bias, activation).reshape(xv.shape[:-1] + (kv.shape[1],))
    else:
        out = dense_value(xv, kv, bias, activation)
    if ACTIVE:
        return record(_dense, out, (inputs, kernel) if bias is None else (inputs, kernel, bias),
                      {"relu": activation == "relu"})
    return Tensor(out)


def relu6(features, name=None):
    return M.minimum(relu(features), 6.0)


def leaky_relu(features, alpha=0.2, name=None):
    """x where x > 0, else alpha * x."""
    mask = value(features) > 0
    return M.where(mask, features, M.multiply(features, alpha))


def elu(features, alpha=1.0, name=None):
    mask = value(features) > 0
    return M.where(mask, features, M.multiply(M.expm1(M.minimum(features, 0.0)), alpha))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(features, name=None):
    return M.multiply(elu(features, _SELU_ALPHA), _SELU_SCALE)


def gelu(features, approximate=False, name=None):
    """x * Phi(x); with approximate=True the tanh approximation."""
    if approximate:
        inner = M.multiply(M.add(features, M.multiply(M.pow(features, 3.0), 0.044715)), _pymath.sqrt(2 / _pymath.pi))
        return M.multiply(M.multiply(features, 0.5), M.add(M.tanh(inner), 1.0))
    return M.multiply(M.multiply(features, 0.5), M.add(M.erf(M.multiply(features, 1 / _pymath.sqrt(2.0))), 1.0))


_softplus = Primitive("Softplus")
defgrad(_softplus, lambda g, ans, x: M.multiply(g, M.sigmoid(x)))


def softplus(features, name=None):
    """log(1 + exp(x)), computed without overflow."""
    v = value(features)
    out = np.logaddexp(v, np.zeros((), dtype=v.dtype)).astype(v.dtype, copy=False)
    return output(_softplus, out, (features,))


def softsign(features, name=None):
    return M.divide(features, M.add(M.abs(features), 1.0))


def silu(features, beta=1.0, name=None):
    return M.multiply(features, M.sigmoid(M.multiply(features, beta) if beta != 1.0 else features))


swish = silu
sigmoid = M.sigmoid
tanh = M.tanh


def log_sigmoid(x, name=None):
    return M.negative(softplus(M.negative(x)))


# ------------------------------------------------------------------------------------------ softmax
_softmax = Primitive("Softmax")
_log_softmax = Primitive("LogSoftmax")


def _softmax_value(v, axis):
    # The ufuncs' own reductions and in-place ufuncs: np.max/np.sum's Python wrappers cost more than the
    # work here.
    e = v - np.maximum.reduce(v, axis=axis, keepdims=True)
    np.exp(e, out=e)
    e /= np.add.reduce(e, axis=axis, keepdims=True)
    return e


def _log_softmax_value(v, axis):
    shifted = v - v.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


_LAST_AXIS = {"axis": -1}


def softmax(logits, axis=None, name=None):
    """exp(x) / sum(exp(x)) along `axis` (the last by default)."""
    v = logits._value if isinstance(logits, Tensor) else value(logits)
    if axis is None or axis == -1:
        out = _softmax_value(v, -1)
        if ACTIVE:
            return record(_softmax, out, (logits,), _LAST_AXIS)
        return Tensor(out)
    axis = normalize_axis(axis, v.ndim)[0]
    return output(_softmax, _softmax_value(v, axis), (logits,), {"axis": axis})


def log_softmax(logits, axis=None, name=None):
    v = value(logits)
    axis = -1 if axis is None else normalize_axis(axis, v.ndim)[0]
    return output(_log_softmax, _log_softmax_value(v, axis), (logits,), {"axis": axis})


defgrad(_softmax, lambda g, ans, x, axis: M.multiply(
    ans, M.subtract(g, R.reduce_sum(M.multiply(g, ans), axis=axis, keepdims=True))))
defgrad(_log_softmax, lambda g, ans, x, axis: M.subtract(
    g, M.multiply(M.exp(ans), R.reduce_sum(g, axis=axis, keepdims=True))))


# ------------------------------------------------------------------------------- cross-entropies
_sparse_xent = Primitive("SparseSoftmaxCrossEntropyWithLogits")
_softmax_xent = Primitive("SoftmaxCrossEntropyWithLogits")
_sigmoid_xent = Primitive("SigmoidCrossEntropyWithLogits")


_ARANGE = {}


def _rows(n):
    """np.arange(n), cached: every sparse cross-entropy step indexes its rows with one."""
    rows = _ARANGE.get(n)
    if rows is None:
        rows = _ARANGE[n] = np.arange(n)
    return rows


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """-log softmax(logits)[label] per example, fused and numerically stable."""
    lv = value(labels)
    zv = value(logits)
    if lv.dtype.kind not in "iu":
        if lv.dtype.kind == "f" and np.all(np.equal(np.mod(lv, 1), 0)):
            lv = lv.astype(np.int64)
        else:
            raise InvalidArgumentError(f"sparse_softmax_cross_entropy_with_logits: labels must be integers, got {lv.dtype}")
    if lv.shape != zv.shape[:-1]:
        raise InvalidArgumentError(
            f"sparse_softmax_cross_entropy_with_logits: labels shape {lv.shape} must equal logits shape "
            f"{zv.shape} without its last dimension")
    n = zv.shape[-1]
    flat_z = zv.reshape(-1, n)
    flat_l = lv.reshape(-1)
    # The ufuncs' own reductions: the array methods' Python wrappers cost more than the work on a batch.
    shifted = flat_z - np.maximum.reduce(flat_z, axis=-1, keepdims=True)
    exps = np.exp(shifted)
    sums = np.add.reduce(exps, axis=-1)
    try:
        picked = shifted[_rows(flat_l.shape[0]), flat_l]
        if flat_l.size and np.minimum.reduce(flat_l) < 0:
            raise IndexError
    except IndexError:
        bad = flat_l[(flat_l < 0) | (flat_l >= n)][0]
        raise InvalidArgumentError(
            f"Received a label value of {bad} which is outside the valid range of [0, {n}); labels must be class "
            f"indices for logits with {n} classes") from None
    out = (np.log(sums) - picked).reshape(lv.shape)
    # exp(shifted) and its row sums are kept: the gradient is softmax = exps / sums, minus the one-hot.
    return output(_sparse_xent, out, (labels, logits), {"labels": flat_l, "exps": exps, "sums": sums})


_sparse_xent_backward = Primitive("SparseSoftmaxCrossEntropyGrad")


def _sparse_xent_grad(g, ans, labels_t, logits, labels, exps, sums):
    """(softmax(logits) - onehot(labels)) * g, in one fused pass."""
    probs = exps / sums[:, None]
    probs[_rows(labels.shape[0]), labels] -= 1
    probs *= g._value.reshape(-1, 1)
    shape = logits._value.shape
    return output(_sparse_xent_backward, probs.reshape(shape), (g, logits), {"labels": labels.reshape(shape[:-1])})


def _sparse_xent_backward_grad_g(gg, ans, g, logits, labels):
    n = logits._value.shape[-1]
    onehot = np.equal(labels[..., None], np.arange(n)).astype(logits._value.dtype)
    return R.reduce_sum(M.multiply(gg, M.subtract(softmax(logits), onehot)), axis=-1)


def _sparse_xent_backward_grad_logits(gg, ans, g, logits, labels):
    # d/dz [g * softmax(z)] applied to gg: g * p * (gg - sum(gg * p)).
    p = softmax(logits)
    inner = M.subtract(gg, R.reduce_sum(M.multiply(gg, p), axis=-1, keepdims=True))
    return M.multiply(A.expand_dims(g, -1), M.multiply(p, inner))


defgrad(_sparse_xent, None, _sparse_xent_grad)
defgrad(_sparse_xent_backward, _sparse_xent_backward_grad_g, _sparse_xent_backward_grad_logits)


def softmax_cross_entropy_with_logits(labels=None, logits=None, axis=-1, name=None):
    """-sum(labels * log softmax(logits)) along `axis`."""
    lv = value(labels)
    zv = value(logits)
    if lv.shape != zv.shape:
        raise InvalidArgumentError(
            f"softmax_cross_entropy_with_logits: labels shape {lv.shape} must equal logits shape {zv.shape}")
    axis = normalize_axis(axis, zv.ndim)[0]
    out = -(lv * _log_softmax_value(zv, axis)).sum(axis=axis).astype(zv.dtype, copy=False)
    return output(_softmax_xent, out, (labels, logits), {"axis": axis})


defgrad(_softmax_xent,
        lambda g, ans, labels, logits, axis: M.multiply(A.expand_dims(g, axis), M.negative(log_softmax(logits, axis))),
        lambda g, ans, labels, logits, axis: M.multiply(A.expand_dims(g, axis), M.subtract(
            M.multiply(softmax(logits, axis), R.reduce_sum(labels, axis=axis, keepdims=True)), labels)))


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """max(x, 0) - x * z + log(1 + exp(-|x|)): binary cross-entropy on logits, stable for any x."""
    zv, xv = value(labels), value(logits)
    if np.shape(zv) != np.shape(xv):
        raise InvalidArgumentError(
            f"sigmoid_cross_entropy_with_logits: labels shape {np.shape(zv)} must equal logits shape {np.shape(xv)}")
    out = (np.maximum(xv, 0) - xv * zv + np.log1p(np.exp(-np.abs(xv)))).astype(xv.dtype, copy=False)
    return output(_sigmoid_xent, out, (labels, logits))


defgrad(_sigmoid_xent,
        lambda g, ans, z, x: M.multiply(g, M.negative(x)),
        lambda g, ans, z, x: M.multiply(g, M.subtract(M.sigmoid(x), z)))


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    log_weight = M.add(M.multiply(M.subtract(pos_weight, 1.0), labels), 1.0)
    return M.add(M.multiply(M.subtract(1.0, labels), logits),
                 M.multiply(log_weight, M.add(M.log1p(M.exp(M.negative(M.abs(logits)))), relu(M.negative(logits)))))


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    return M.subtract(M.exp(log_input), M.multiply(log_input, targets))


# --------------------------------------------------------------------------- statistics, dropout
def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and variance of x over `axes`."""
    mean = R.reduce_mean(x, axis=axes, keepdims=True)
    variance = R.reduce_mean(M.square(M.subtract(x, mean)), axis=axes, keepdims=True)
    if not keepdims:
        ax = normalize_axis(axes, value(x).ndim)
        mean = A.squeeze(mean, axis=ax)
        variance = A.squeeze(variance, axis=ax)
    return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    inv = M.rsqrt(M.add(variance, variance_epsilon))
    if scale is not None:
        inv = M.multiply(inv, scale)
    y = M.multiply(M.subtract(x, mean), inv)
    return M.add(y, offset) if offset is not None else y


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each element with probability `rate` and scale the rest by 1 / (1 - rate)."""
    rate = float(value(rate)) if isinstance(rate, Tensor) else float(rate)
    if not 0 <= rate < 1:
        raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
    if rate == 0:
        return x if isinstance(x, Tensor) else Tensor(value(x))
    v = value(x)
    shape = v.shape if noise_shape is None else tuple(
        d if n is None else int(n) for n, d in zip(A._ints(noise_shape), v.shape))
    keep = rng(seed).random(shape, dtype=np.float32) >= rate
    mask = keep.astype(v.dtype) * v.dtype.type(1.0 / (1.0 - rate))
    return M.multiply(x, mask)


def bias_add(value_, bias, data_format=None, name=None):
    if data_format in ("NCHW", "NCW", "NCDHW"):
        nd = value(value_).ndim
        bias = A.reshape(bias, (-1,) + (1,) * (nd - 2))
    return M.add(value_, bias)


def embedding_lookup(params, ids, max_norm=None, name=None):
    return A.gather(params, ids)


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    loss = per_example_loss if sample_weight is None else M.multiply(per_example_loss, sample_weight)
    n = global_batch_size if global_batch_size is not None else value(per_example_loss).shape[0]
    return M.divide(R.reduce_sum(loss), float(n))


def scale_regularization_loss(regularization_loss):
    return R.reduce_sum(regularization_loss) if isinstance(regularization_loss, (list, tuple)) else regularization_loss


def space_to_depth(input, block_size, data_format="NHWC", name=None):
    """(batch, h, w, c) -> (batch, h / b, w / b, c * b * b): each b x b block of pixels becomes channels."""
    n, h, w, c = _nhwc(input, "space_to_depth")
    b = int(block_size)
    if b < 2 or h % b or w % b:
        raise InvalidArgumentError(f"space_to_depth: height {h} and width {w} must be multiples of block_size {b} (>= 2)")
    x = A.reshape(input, (n, h // b, b, w // b, b, c))
    return A.reshape(A.transpose(x, (0, 1, 3, 2, 4, 5)), (n, h // b, w // b, b * b * c))


def depth_to_space(input, block_size, data_format="NHWC", name=None):
    """(batch, h, w, c) -> (batch, h * b, w * b, c / (b * b)): the inverse of `space_to_depth`."""
    n, h, w, c = _nhwc(input, "depth_to_space")
    b = int(block_size)
    if b < 2 or c % (b * b):
        raise InvalidArgumentError(f"depth_to_space: channels {c} must be a multiple of block_size {b} squared (>= 2)")
    x = A.reshape(input, (n, h, w, b, b, c // (b * b)))
    return A.reshape(A.transpose(x, (0, 1, 3, 2, 4, 5)), (n, h * b, w * b, c // (b * b)))


def _nhwc(input, what):
    shape = value(input).shape
    if len(shape) != 4:
        raise InvalidArgumentError(f"{what}: input must be 4-D (batch, height, width, channels), got shape {shape}")
    return shape
