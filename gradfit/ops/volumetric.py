"""Convolution and pooling over NDHWC volumes (`tf.nn.conv3d`, `tf.nn.max_pool3d`, `tf.nn.avg_pool3d`).

A volume is a stack of images, so the 2-D machinery does the work. The patches of a volume are the 2-D
patches of every depth slice, then windows along depth of those: a second 2-D patch extraction with a
(KD, 1) window over (N, D, OH*OW, KH*KW*C), which leaves each patch in (depth, row, column, channel)
order, the order of the filters' rows. One matrix product finishes the convolution. Pooling windows are
boxes, so max and mean pool rows and columns first, then depth. The gradients are those of the 2-D
primitives, differentiable again.
"""
import numpy as np

from .core import InvalidArgumentError, Primitive, defgrad, output, value
from . import array as A
from .conv import (_from_nhwc, _nhwc, _padded, _pair, _plan, _scatter_to_windows, _window_max, _window_slices,
                   avg_pool2d, extract_patches)
from .nn import dense


def _check_padding(padding, op):
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise ValueError(f"{op}: padding must be 'SAME' or 'VALID', got {padding!r}")
    return padding.upper()


def _is_identity(plan):
    """Whether a patch plan copies its input unchanged (1x1 windows, stride 1, no padding)."""
    return plan[2:6] == (1, 1, 1, 1) and not any(plan[8:])


def volume_patches(x, ksize, strides, dilations, padding):
    """(N, OD, OH, OW, KD*KH*KW*C): every window of the NDHWC volume `x`, flattened in
    (depth, row, column, channel) order."""
    v = value(x)
    n, d, h, w, c = v.shape
    (kd, kh, kw), (sd, sh, sw), (dd, dh, dw) = ksize, strides, dilations
    rows_plan = _plan((n * d, h, w, c), (kh, kw), (sh, sw), (dh, dw), padding)
    oh, ow = rows_plan[:2]
    rows = A.reshape(x, (n * d, h, w, c))
    if not _is_identity(rows_plan):
        rows = extract_patches(rows, rows_plan)
    rows = A.reshape(rows, (n, d, oh * ow, kh * kw * c))
    depth_plan = _plan((n, d, oh * ow, kh * kw * c), (kd, 1), (sd, 1), (dd, 1), padding)
    cols = rows if _is_identity(depth_plan) else extract_patches(rows, depth_plan)
    return A.reshape(cols, (n, depth_plan[0], oh, ow, kd * kh * kw * c))


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):
    """3-D convolution of NDHWC `input` with `filters` shaped (KD, KH, KW, C_in, C_out)."""
    x, transposed = _nhwc(input, data_format, rank=5)
    xv, fv = value(x), value(filters)
    if xv.ndim != 5 or fv.ndim != 5:
        raise InvalidArgumentError(f"conv3d needs a rank-5 input and filter, got shapes {xv.shape} and {fv.shape}")
    if xv.shape[4] != fv.shape[3]:
        raise InvalidArgumentError(
            f"conv3d: input has {xv.shape[4]} channels (shape {xv.shape}) but the filter expects {fv.shape[3]} "
            f"(filter shape {fv.shape})")
    return _from_nhwc(conv3d_dense(x, filters, None, strides, padding, dilations), transposed, rank=5)


def conv3d_dense(input, filters, bias=None, strides=1, padding="VALID", dilations=None, activation=None):
    """relu?(conv3d(input, filters) + bias) for NDHWC input: the volume's patches, then one fused dense op."""
    xv, fv = value(input), value(filters)
    if xv.ndim != 5 or fv.ndim != 5 or xv.shape[4] != fv.shape[3]:
        raise InvalidArgumentError(f"conv3d: input shape {xv.shape} does not match filter shape {fv.shape}")
    padding = _check_padding(padding, "conv3d")
    cols = volume_patches(input, fv.shape[:3], _pair(strides, 3, "strides"), _pair(dilations or 1, 3, "dilations"),
                          padding)
    n, od, oh, ow, k = cols.shape
    kernel = A.reshape(filters, (k, fv.shape[4]))
    y = dense(A.reshape(cols, (n * od * oh * ow, k)), kernel, bias, activation=activation)
    return A.reshape(y, (n, od, oh, ow, fv.shape[4]))


# ---------------------------------------------------------------------------------------- pooling
_max_pool3d = Primitive("MaxPool3D")


def _max_over_windows(x, plan):
    """The 2-D window maximum that max_pool3d is made of. Its gradient goes to every position holding its
    window's maximum, as TensorFlow's 3-D max-pool gradient does (its 2-D one picks the first)."""
    return output(_max_pool3d, _window_max(value(x), plan), (x,), {"plan": plan})


def _every_max_masks(v, out, plan):
    """One boolean mask per window position: where that position holds its window's maximum."""
    xp = _padded(v, plan, -np.inf)
    return [np.equal(xp[key], out) for key in _window_slices(plan)]


defgrad(_max_pool3d, lambda g, ans, x, plan: _scatter_to_windows(
    g, _every_max_masks(x._value, ans._value, plan), plan, x._value.shape))


def _pool3d(input, ksize, strides, padding, data_format, op, pool_rows, pool_depth):
    """A box pooling as rows-and-columns pooling of every depth slice, then depth pooling of the result."""
    x, transposed = _nhwc(input, data_format, rank=5)
    v = value(x)
    if v.ndim != 5:
        raise InvalidArgumentError(f"{op} needs a rank-5 (N, D, H, W, C) input, got shape {v.shape}")
    padding = _check_padding(padding, op)
    (kd, kh, kw), (sd, sh, sw) = _pair(ksize, 3, "ksize"), _pair(strides, 3, "strides")
    n, d, h, w, c = v.shape
    rows = pool_rows(A.reshape(x, (n * d, h, w, c)), (kh, kw), (sh, sw), padding)
    oh, ow = rows.shape[1:3]
    y = pool_depth(A.reshape(rows, (n, d, oh * ow, c)), (kd, 1), (sd, 1), padding)
    return _from_nhwc(A.reshape(y, (n, y.shape[1], oh, ow, c)), transposed, rank=5)


def _max_pool_stage(x, ksize, strides, padding):
    return _max_over_windows(x, _plan(value(x).shape, ksize, strides, (1, 1), padding))


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """The largest value of each (depth, row, column) window (padding never wins: it is -inf)."""
    return _pool3d(input, ksize, strides, padding, data_format, "max_pool3d", _max_pool_stage, _max_pool_stage)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """The mean of each (depth, row, column) window; with SAME padding, of its in-bounds elements only
    (the count of a box is the product of its counts along each axis, so pooling axis by axis is exact)."""
    return _pool3d(input, ksize, strides, padding, data_format, "avg_pool3d", avg_pool2d, avg_pool2d)
