"""Convolutions and pooling over NHWC images (`tf.nn.conv2d`, `tf.nn.max_pool2d`, ...).

A convolution is patch extraction (im2col) followed by one matrix product, so its gradients are the
matrix product's and the patch extraction's (col2im): both primitives are differentiable again, which
gives second-order gradients through convolutions.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .core import InvalidArgumentError, Primitive, Tensor, defgrad, output, value
from . import array as A
from . import math as M
from . import reduction as R
from .linalg import matmul, einsum
from ..autodiff.tape import is_source
from ..backend import blas_threads
from .nn import ReluFused, ReluMaskedGradient, _relu_backward, dense, dense_value, is_relu_output


# --------------------------------------------------------------------------------------- geometry
def _pair(x, n, name):
    """strides/dilations/ksize as n ints (accepts an int, n ints, or TensorFlow's full-rank form)."""
    if isinstance(x, Tensor):
        x = x._value.tolist()
    if isinstance(x, (int, np.integer)):
        return (int(x),) * n
    x = [int(v) for v in x]
    if len(x) == n:
        return tuple(x)
    if len(x) == n + 2:
        return tuple(x[1:-1])
    if len(x) == 1:
        return (x[0],) * n
    raise InvalidArgumentError(f"{name} must have 1, {n} or {n + 2} entries, got {x}")


def _geometry(size, k, stride, dilation, padding, explicit=None):
    """(output size, pad before, pad after) along one spatial axis, following TensorFlow."""
    eff = (k - 1) * dilation + 1
    if explicit is not None:
        before, after = explicit
        out = (size + before + after - eff) // stride + 1
    elif padding == "VALID":
        out = (size - eff) // stride + 1 if size >= eff else 0
        before = after = 0
    elif padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + eff - size, 0)
        before = total // 2
        after = total - before
    else:
        raise ValueError(f"padding must be 'SAME' or 'VALID' (or explicit), got {padding!r}")
    if out <= 0:
        raise InvalidArgumentError(
            f"Computed output size would be {out}: input size {size} is smaller than the effective kernel size {eff}")
    return out, before, after


def _plan(shape, ksize, strides, dilations, padding):
    """Everything patch extraction needs for an (N, H, W, C) input."""
    if isinstance(padding, str):
        padding = padding.upper()
        explicit = (None, None)
    else:
        pads = [tuple(int(v) for v in p) for p in padding]
        if len(pads) == 4:
            pads = pads[1:3]
        explicit = tuple(pads)
        padding = "EXPLICIT"
    (kh, kw), (sh, sw), (dh, dw) = ksize, strides, dilations
    oh, pt, pb = _geometry(shape[1], kh, sh, dh, padding, explicit[0])
    ow, pl, pr = _geometry(shape[2], kw, sw, dw, padding, explicit[1])
    return (oh, ow, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr)


def _padded(x, plan, fill):
    oh, ow, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr = plan
    if pt or pb or pl or pr:
        # Filled, then the interior copied in: np.pad's generality costs more than the copy on small images.
        n, h, w, c = x.shape
        out = np.full((n, h + pt + pb, w + pl + pr, c), fill, dtype=x.dtype)
        out[:, pt:pt + h, pl:pl + w] = x
        return out
    return x


def _window_view(xp, plan):
    """A strided (N, OH, OW, KH, KW, C) view of the padded input, no copy."""
    oh, ow, kh, kw, sh, sw, dh, dw = plan[:8]
    n, _, _, c = xp.shape
    s = xp.strides
    return as_strided(xp, (n, oh, ow, kh, kw, c), (s[0], s[1] * sh, s[2] * sw, s[1] * dh, s[2] * dw, s[3]),
                      writeable=False)


_patches = Primitive("ExtractImagePatches")
_patches_grad = Primitive("ExtractImagePatchesGrad")


def extract_patches(x, plan):
    """(N, OH, OW, KH*KW*C): every window of x flattened in (row, column, channel) order."""
    v = value(x)
    xp = _padded(v, plan, 0)
    oh, ow, kh, kw = plan[:4]
    n, c = v.shape[0], v.shape[3]
    if c < 8:
        # Few channels: one strided copy per window position (a copy of the 6-D window view would move
        # runs of only `c` floats at a time).
        out = np.empty((n, oh, ow, kh * kw * c), dtype=v.dtype)
        for k, key in enumerate(_window_slices(plan)):
            out[:, :, :, k * c:(k + 1) * c] = xp[key]
    else:
        out = np.ascontiguousarray(_window_view(xp, plan)).reshape(n, oh, ow, -1)
    return output(_patches, out, (x,), {"plan": plan, "shape": v.shape})


def patches_to_image(g, plan, shape):
    """The adjoint of `extract_patches`: each window's values added back where they came from."""
    gv = value(g)
    oh, ow, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr = plan
    n, h, w, c = shape
    out = np.zeros((n, h + pt + pb, w + pl + pr, c), dtype=gv.dtype)
    g6 = gv.reshape(n, oh, ow, kh, kw, c)
    for i in range(kh):
        for j in range(kw):
            r, q = i * dh, j * dw
            out[:, r:r + sh * (oh - 1) + 1:sh, q:q + sw * (ow - 1) + 1:sw, :] += g6[:, :, :, i, j, :]
    out = out[:, pt:pt + h, pl:pl + w, :]
    return output(_patches_grad, np.ascontiguousarray(out), (g,), {"plan": plan, "shape": shape})


defgrad(_patches, lambda g, ans, x, plan, shape: patches_to_image(g, plan, shape))
defgrad(_patches_grad, lambda g, ans, x, plan, shape: extract_patches(g, plan))


# ---------------------------------------------------------------------------------- convolutions
def _nhwc(x, data_format, rank=4):
    if data_format in (None, "NHWC", "NWC", "NDHWC", "channels_last"):
        return x, False
    if data_format in ("NCHW", "NCW", "NCDHW", "channels_first"):
        perm = [0] + list(range(2, rank)) + [1]
        return A.transpose(x, perm), True
    raise ValueError(f"data_format must be channels-last ('NWC', 'NHWC', 'NDHWC') or channels-first ('NCW', 'NCHW', "
                     f"'NCDHW'), got {data_format!r}")


def _from_nhwc(y, transposed, rank=4):
    if not transposed:
        return y
    return A.transpose(y, [0, rank - 1] + list(range(1, rank - 1)))


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """2-D convolution of NHWC `input` with `filters` shaped (KH, KW, C_in, C_out)."""
    x, transposed = _nhwc(input, data_format)
    xv, fv = value(x), value(filters)
    if xv.ndim != 4 or fv.ndim != 4:
        raise InvalidArgumentError(f"conv2d needs a rank-4 input and filter, got shapes {xv.shape} and {fv.shape}")
    if xv.shape[3] != fv.shape[2]:
        raise InvalidArgumentError(
            f"conv2d: input has {xv.shape[3]} channels (shape {xv.shape}) but the filter expects {fv.shape[2]} "
            f"(filter shape {fv.shape})")
    return _from_nhwc(conv2d_dense(x, filters, None, strides, padding, dilations), transposed)


def conv2d_dense(input, filters, bias=None, strides=1, padding="VALID", dilations=None, activation=None):
    """relu?(conv2d(input, filters) + bias) for NHWC input: a patch extraction, then one recorded `Conv2D` op
    (the product, with the bias and ReLU applied in place on it; their gradients computed together)."""
    xv, fv = value(input), value(filters)
    if xv.ndim != 4 or fv.ndim != 4 or xv.shape[3] != fv.shape[2]:
        raise InvalidArgumentError(f"conv2d: input shape {xv.shape} does not match filter shape {fv.shape}")
    kh, kw, cin, cout = fv.shape
    plan = _plan(xv.shape, (kh, kw), _pair(strides, 2, "strides"), _pair(dilations or 1, 2, "dilations"), padding)
    n, oh, ow = xv.shape[0], plan[0], plan[1]
    if (kh, kw) == (1, 1) and plan[4:6] == (1, 1) and not any(plan[8:]):
        y = dense(A.reshape(input, (n * oh * ow, cin)), A.reshape(filters, (cin, cout)), bias, activation=activation)
        return A.reshape(y, (n, oh, ow, cout))
    # The patches are recorded as an op of the input (second-order gradients reach the input through
    # them); the convolution's own node keeps them for its filter gradient.
    cols = A.reshape(extract_patches(input, plan), (n * oh * ow, kh * kw * cin))
    out = dense_value(cols._value, fv.reshape(kh * kw * cin, cout), bias, activation,
                      np.result_type(xv.dtype, fv.dtype))
    return output(_conv, out.reshape(n, oh, ow, cout), (input, filters) if bias is None else (input, filters, bias),
                  {"cols": cols, "plan": plan, "relu": activation == "relu"})


class _Conv(ReluFused):
    """relu?(conv2d(x, filters) + bias) as one recorded op: its input gradient is
    `conv2d_backprop_input`, its filter gradient the patches' product with the output gradient."""

    __slots__ = ()

    def gradients(self, g, ans, inputs, params, wanted):
        x, filters = inputs[0], inputs[1]
        if params["relu"]:
            g = _relu_backward(g, ans)
        fshape = filters._value.shape
        out = {}
        if 0 in wanted:
            out[0] = conv2d_backprop_input(g, filters, params["plan"], x._value.shape)
        if 1 in wanted or 2 in wanted:
            g2 = A.reshape(g, (-1, fshape[3]))
            if 1 in wanted:
                out[1] = A.reshape(matmul(params["cols"], g2, transpose_a=True), fshape)
            if 2 in wanted:
                out[2] = A.sum_to(g2, inputs[2]._value.shape)
        return out


_conv = _Conv("Conv2D")


_PER_POSITION_COLUMNS = 1 << 20  # patch-gradient values above which each kernel position is done apart


def conv2d_backprop_input(g, filters, plan, shape):
    """The gradient of a convolution (filters (KH, KW, C_in, C_out), geometry `plan`) with respect to its
    (N, H, W, C_in) input, from the output gradient `g` (N, OH, OW, C_out): the gradient of every patch,
    each added back into the window it came from. When the patch gradients are large, each kernel
    position's product is computed apart, small enough to be added back while it is still in cache."""
    gv, fv = value(g), value(filters)
    oh, ow, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr = plan
    n, h, w, c = shape
    g2 = gv.reshape(-1, fv.shape[3])
    dtype = np.result_type(gv.dtype, fv.dtype)
    out = np.zeros((n, h + pt + pb, w + pl + pr, c), dtype=dtype)
    keys = _window_slices(plan)
    if g2.shape[0] * kh * kw * c > _PER_POSITION_COLUMNS:
        blas_threads.for_product(2 * g2.size * c)
        for key, (i, j) in zip(keys, np.ndindex(kh, kw)):
            out[key] += np.dot(g2, fv[i, j].T).reshape(n, oh, ow, c)
    else:
        blas_threads.for_product(2 * g2.size * c * kh * kw)
        cols = np.dot(g2, fv.reshape(-1, fv.shape[3]).T).reshape(n, oh, ow, kh * kw, c)
        for k, key in enumerate(keys):
            out[key] += cols[:, :, :, k]
    if pt or pb or pl or pr:
        out = np.ascontiguousarray(out[:, pt:pt + h, pl:pl + w, :])
    return output(_backprop_input, out, (g, filters), {"plan": plan, "shape": shape})


class _BackpropInput(Primitive):
    """conv2d_backprop_input(g, filters): linear in each, so both gradients read the patches of the
    incoming gradient `gg` (extracted once): d/dg is gg's convolution with the filters, d/dfilters the
    patches' product with g."""

    __slots__ = ()

    def gradients(self, gg, ans, inputs, params, wanted):
        g, filters = inputs
        kh, kw, cin, cout = filters._value.shape
        cols = A.reshape(extract_patches(gg, params["plan"]), (-1, kh * kw * cin))
        out = {}
        if 0 in wanted:
            out[0] = A.reshape(matmul(cols, A.reshape(filters, (-1, cout))), g._value.shape)
        if 1 in wanted:
            out[1] = A.reshape(matmul(cols, A.reshape(g, (-1, cout)), transpose_a=True), filters._value.shape)
        return out


_backprop_input = _BackpropInput("Conv2DBackpropInput")


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC", dilations=None,
                     name=None):
    """The gradient of conv2d with respect to its input: `filters` shaped (KH, KW, C_out, C_in)."""
    x, transposed = _nhwc(input, data_format)
    xv, fv = value(x), value(filters)
    out_shape = A._ints(output_shape)
    if transposed:
        out_shape = (out_shape[0], out_shape[2], out_shape[3], out_shape[1])
    kh, kw, cout, cin = fv.shape
    if xv.shape[3] != cin:
        raise InvalidArgumentError(
            f"conv2d_transpose: input has {xv.shape[3]} channels but the filter (shape {fv.shape}) expects {cin}")
    plan = _plan(out_shape, (kh, kw), _pair(strides, 2, "strides"), _pair(dilations or 1, 2, "dilations"), padding)
    if plan[:2] != xv.shape[1:3]:
        raise InvalidArgumentError(
            f"conv2d_transpose: output_shape {tuple(out_shape)} gives a {plan[:2]} convolution output, but "
            f"the input is {xv.shape[1:3]}")
    return _from_nhwc(conv2d_backprop_input(x, filters, plan, tuple(out_shape)), transposed)


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None, name=None):
    """Each input channel convolved with its own filters: `filter` (KH, KW, C, M) gives C*M channels."""
    x, transposed = _nhwc(input, data_format)
    xv, fv = value(x), value(filter)
    kh, kw, c, m = fv.shape
    if xv.ndim != 4 or xv.shape[3] != c:
        raise InvalidArgumentError(f"depthwise_conv2d: input shape {xv.shape} does not match filter shape {fv.shape}")
    plan = _plan(xv.shape, (kh, kw), _pair(strides, 2, "strides"), _pair(dilations or 1, 2, "dilations"), padding)
    n, oh, ow = xv.shape[0], plan[0], plan[1]
    cols = A.reshape(extract_patches(x, plan), (n, oh, ow, kh * kw, c))
    y = einsum("nhwkc,kcm->nhwcm", cols, A.reshape(filter, (kh * kw, c, m)))
    return _from_nhwc(A.reshape(y, (n, oh, ow, c * m)), transposed)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, data_format=None, dilations=None,
                     name=None):
    y = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return conv2d(y, pointwise_filter, 1, "VALID", data_format or "NHWC")


def _as_2d(x, data_format):
    """A (N, W, C) input as (N, 1, W, C), for the 1-D ops."""
    if data_format in ("NCW", "channels_first"):
        x = A.transpose(x, [0, 2, 1])
    return A.expand_dims(x, 1)


def _from_2d(y, data_format):
    y = A.squeeze(y, axis=1)
    if data_format in ("NCW", "channels_first"):
        y = A.transpose(y, [0, 2, 1])
    return y


def _pads_1d(padding):
    if isinstance(padding, str):
        return padding
    pads = [tuple(p) for p in padding]
    return [(0, 0), pads[-2] if len(pads) == 3 else pads[0]]


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):
    """1-D convolution of (N, W, C) `input` with `filters` shaped (K, C_in, C_out)."""
    y = conv2d(_as_2d(input, data_format), A.expand_dims(filters, 0), (1,) + _pair(stride, 1, "stride"),
               _pads_1d(padding), dilations=(1,) + _pair(dilations or 1, 1, "dilations"))
    return _from_2d(y, data_format)


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NWC", dilations=None,
                     name=None):
    shape = A._ints(output_shape)
    y = conv2d_transpose(_as_2d(input, data_format), A.expand_dims(filters, 0),
                         (shape[0], 1, shape[1], shape[2]), (1,) + _pair(strides, 1, "strides"), padding,
                         dilations=(1,) + _pair(dilations or 1, 1, "dilations"))
    return _from_2d(y, data_format)


def convolution(input, filters, strides=None, padding="VALID", data_format=None, dilations=None, name=None):
    rank = value(input).ndim
    if rank == 5:
        from .volumetric import conv3d  # volumetric builds on this module

        return conv3d(input, filters, strides or 1, padding, data_format or "NDHWC", dilations)
    if rank == 3:
        return conv1d(input, filters, strides or 1, padding, data_format or "NWC", dilations)
    return conv2d(input, filters, strides or 1, padding, data_format or "NHWC", dilations)


# ---------------------------------------------------------------------------------------- pooling
_max_pool = Primitive("MaxPool")
_pool_scatter = Primitive("MaxPoolGrad")
_pool_gather = Primitive("MaxPoolGradGrad")


def _pool_plan(v, ksize, strides, padding):
    return _plan(v.shape, _pair(ksize, 2, "ksize"), _pair(strides, 2, "strides"), (1, 1), padding)


def _window_slices(plan):
    """For each position (i, j) of the window, in row-major order: the strided slice of the padded input
    holding that position of every window (shape (N, OH, OW, C) once applied)."""
    oh, ow, kh, kw, sh, sw, dh, dw = plan[:8]
    return [(slice(None), slice(i * dh, i * dh + sh * (oh - 1) + 1, sh), slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))
            for i in range(kh) for j in range(kw)]


def _first_max_masks(v, out, plan, positive_only=False):
    """One boolean mask per window position: where that position holds its window's first maximum.

    TensorFlow sends a max-pool gradient to the first maximum of each window (in row-major order), so
    ties (common after a ReLU) are broken by taking positions in order. With `positive_only`, windows
    whose maximum is not positive get no position at all (what a ReLU before the pooling would do to
    their gradient).
    """
    xp = _padded(v, plan, -np.inf)
    keys = _window_slices(plan)
    first = np.equal(xp[keys[0]], out)
    if positive_only:
        taken = np.less_equal(out, 0)  # windows already given their position (or none at all)
        np.greater(first, taken, out=first)
        taken |= first
    else:
        taken = first.copy()
    masks = [first]
    for key in keys[1:]:
        m = np.equal(xp[key], out)
        np.greater(m, taken, out=m)  # m and not taken: a maximum no earlier position holds
        taken |= m
        masks.append(m)
    return masks


def _max_pool_grad(g, ans, x, plan):
    """The max-pool gradient: each window's to its first maximum. When the pooled input is a ReLU's
    output, windows whose maximum is 0 get none (the ReLU would zero it) and the gradient is marked so
    the ReLU's own backward pass, over the larger unpooled activation, is skipped."""
    relu = is_relu_output(x) and not is_source(x)  # a gradient asked for x itself must be x's own
    dx = _scatter_to_windows(g, _first_max_masks(x._value, ans._value, plan, relu), plan, x._value.shape)
    if relu:
        dx.__class__ = ReluMaskedGradient
    return dx


def _scatter_to_windows(g, masks, plan, shape):
    """dx: each window's gradient placed at its first maximum (summed where windows overlap)."""
    gv = value(g)
    oh, ow, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr = plan
    n, h, w, c = shape
    if (kh, kw) == (sh, sw) and (dh, dw) == (1, 1) and not (pt or pb or pl or pr):
        # Windows that tile the input: every input position belongs to at most one window, so each
        # position's gradient is written once, straight into place.
        out = np.empty(shape, dtype=gv.dtype)
        if h > oh * kh:
            out[:, oh * kh:] = 0
        if w > ow * kw:
            out[:, :, ow * kw:] = 0
        for key, m in zip(_window_slices(plan), masks):
            np.multiply(gv, m, out=out[key])
    else:
        out = np.zeros((n, h + pt + pb, w + pl + pr, c), dtype=gv.dtype)
        for key, m in zip(_window_slices(plan), masks):
            out[key] += gv * m
        out = np.ascontiguousarray(out[:, pt:pt + h, pl:pl + w, :]) if pt or pb or pl or pr else out
    return output(_pool_scatter, out, (g,), {"masks": masks, "plan": plan, "shape": shape})


def _gather_from_windows(gx, masks, plan, shape):
    """The adjoint of `_scatter_to_windows`: each window reads the value at its first maximum."""
    xp = _padded(value(gx), plan, 0)
    out = None
    for key, m in zip(_window_slices(plan), masks):
        part = xp[key] * m
        out = part if out is None else np.add(out, part, out=out)
    return output(_pool_gather, out, (gx,), {"masks": masks, "plan": plan, "shape": shape})


defgrad(_max_pool, _max_pool_grad)
defgrad(_pool_scatter, lambda g, ans, x, masks, plan, shape: _gather_from_windows(g, masks, plan, shape))
defgrad(_pool_gather, lambda g, ans, x, masks, plan, shape: _scatter_to_windows(g, masks, plan, shape))


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """The largest value of each window (padding never wins: it is -inf)."""
    x, transposed = _nhwc(input, data_format)
    v = value(x)
    if v.ndim != 4:
        raise InvalidArgumentError(f"max_pool2d needs a rank-4 (N, H, W, C) input, got shape {v.shape}")
    plan = _pool_plan(v, ksize, strides, padding)
    return _from_nhwc(output(_max_pool, _window_max(v, plan), (x,), {"plan": plan}), transposed)


def _window_max(v, plan):
    """The largest value of each window of the (N, H, W, C) array `v`: one strided slice per window
    position, folded with np.maximum (no window copies)."""
    xp = _padded(v, plan, -np.inf)
    out = None
    for key in _window_slices(plan):
        out = xp[key].copy() if out is None else np.maximum(out, xp[key], out=out)
    return out


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """The mean of each window; with SAME padding, the mean of its in-bounds elements only."""
    x, transposed = _nhwc(input, data_format)
    v = value(x)
    if v.ndim != 4:
        raise InvalidArgumentError(f"avg_pool2d needs a rank-4 (N, H, W, C) input, got shape {v.shape}")
    plan = _pool_plan(v, ksize, strides, padding)
    oh, ow, kh, kw = plan[:4]
    n, _, _, c = v.shape
    cols = A.reshape(extract_patches(x, plan), (n, oh, ow, kh * kw, c))
    total = R.reduce_sum(cols, axis=3)
    if any(plan[8:]):
        ones = np.ones((1,) + v.shape[1:3] + (1,), dtype=v.dtype)
        counts = _window_view(_padded(ones, plan, 0), plan).sum(axis=(3, 4))
    else:
        counts = float(kh * kw)
    return _from_nhwc(M.divide(total, counts), transposed)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    y = max_pool2d(_as_2d(input, data_format), (1,) + _pair(ksize, 1, "ksize"), (1,) + _pair(strides, 1, "strides"),
                   padding)
    return _from_2d(y, data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    y = avg_pool2d(_as_2d(input, data_format), (1,) + _pair(ksize, 1, "ksize"), (1,) + _pair(strides, 1, "strides"),
                   padding)
    return _from_2d(y, data_format)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):
    if value(input).ndim == 5:
        from .volumetric import max_pool3d

        return max_pool3d(input, ksize, strides, padding, data_format or "NDHWC")
    if value(input).ndim == 3:
        return max_pool1d(input, ksize, strides, padding, data_format or "NWC")
    return max_pool2d(input, ksize, strides, padding, data_format or "NHWC")


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):
    if value(input).ndim == 5:
        from .volumetric import avg_pool3d

        return avg_pool3d(input, ksize, strides, padding, data_format or "NDHWC")
    if value(input).ndim == 3:
        return avg_pool1d(input, ksize, strides, padding, data_format or "NWC")
    return avg_pool2d(input, ksize, strides, padding, data_format or "NHWC")


def pool(input, window_shape, pooling_type, strides=None, padding="VALID", data_format=None, dilations=None,
         name=None):
    fn = max_pool if pooling_type.upper() == "MAX" else avg_pool
    return fn(input, window_shape, strides or window_shape, padding, data_format)
