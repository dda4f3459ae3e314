"""Every differentiable op's gradient against central finite differences, on random shapes (float64)."""
import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import gradfit as tf
from gradfit.autodiff.tape import Primitive
from gradfit.ops import array, conv, decompositions, linalg, math as gmath, nn, reduction, volumetric

from gradcheck import check_gradient, recorded_primitives

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def normal(rng, shape):
    return rng.standard_normal(shape)


def positive(rng, shape, low=0.3):
    return low + rng.random(shape) * 2


def away_from_zero(rng, shape):
    return np.sign(rng.standard_normal(shape) + 1e-9) * (0.3 + rng.random(shape))


def distinct(rng, shape):
    """Values at least 0.05 apart, so max/min/sort have no near ties."""
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.1 - n * 0.05 + rng.random(n) * 0.02).reshape(shape)


def inside(rng, shape, bound=0.8):
    return (rng.random(shape) * 2 - 1) * bound


# Each case: (function of tensors, input maker(draw, rng) -> list of arrays).
# A case maker takes (draw, rng): `draw` is Hypothesis's, or None for one fixed example.
def unary(fn, values=normal):
    def make(draw, rng):
        shape = (2, 3) if draw is None else draw(array_shapes(min_dims=0, max_dims=3, max_side=4))
        return fn, [values(rng, shape)]

    return make


def binary(fn, xvalues=normal, yvalues=normal):
    def make(draw, rng):
        shapes = ((2, 3), (1, 3)) if draw is None else draw(
            mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3)).input_shapes
        return fn, [xvalues(rng, shapes[0]), yvalues(rng, shapes[1])]

    return make


def fixed(fn, *makers):
    return lambda draw, rng: (fn, [m(rng) for m in makers])


def reduction_case(fn, values=normal, min_side=1):
    def make(draw, rng):
        if draw is None:
            shape, axis, keep = (2, 3), None, False
        else:
            shape = draw(array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=4))
            axis = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1), st.lists(
                st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True)))
            keep = draw(st.booleans())
        return (lambda x: fn(x, axis=axis, keepdims=keep)), [values(rng, shape)]

    return make


def not_near_integer_ratio(rng, shape):
    return rng.random(shape) * 0.5 + 0.25


def with_singular_values(rng, shape):
    """A random (batch of) matrices with singular values spread over [1, 3]: well conditioned, distinct."""
    *batch, m, n = shape
    k = min(m, n)
    u = np.linalg.qr(rng.standard_normal((*batch, m, m)))[0][..., :k]
    v = np.linalg.qr(rng.standard_normal((*batch, n, n)))[0][..., :k]
    return (u * np.linspace(3.0, 1.0, k)) @ np.swapaxes(v, -1, -2)


def with_eigenvalues(rng, shape):
    """A random symmetric (batch of) matrices with eigenvalues spread over [-2, 3]."""
    n = shape[-1]
    q = np.linalg.qr(rng.standard_normal(shape))[0]
    return (q * np.linspace(-2.0, 3.0, n)) @ np.swapaxes(q, -1, -2)


def spd(x):
    """A symmetric positive definite matrix built from any square x, differentiably."""
    return tf.matmul(x, x, transpose_b=True) + 2.0 * tf.eye(x.shape[-1], dtype=x.dtype)


CASES = {
    # elementwise unary
    "negative": unary(tf.negative), "abs": unary(tf.abs, away_from_zero), "square": unary(tf.square),
    "sqrt": unary(tf.sqrt, positive), "rsqrt": unary(tf.math.rsqrt, positive), "exp": unary(tf.exp),
    "expm1": unary(tf.math.expm1), "log": unary(tf.math.log, positive), "log1p": unary(tf.math.log1p, positive),
    "sin": unary(tf.sin), "cos": unary(tf.cos), "tan": unary(tf.math.tan, inside),
    "asin": unary(tf.math.asin, inside), "acos": unary(tf.math.acos, inside), "atan": unary(tf.math.atan),
    "sinh": unary(tf.math.sinh), "cosh": unary(tf.math.cosh), "asinh": unary(tf.math.asinh),
    "acosh": unary(tf.math.acosh, lambda r, s: 1.3 + r.random(s)), "atanh": unary(tf.math.atanh, inside),
    "tanh": unary(tf.tanh), "reciprocal": unary(tf.math.reciprocal, away_from_zero),
    "sigmoid": unary(tf.sigmoid), "erf": unary(tf.math.erf), "softplus": unary(tf.nn.softplus),
    "relu": unary(tf.nn.relu, away_from_zero), "relu6": unary(tf.nn.relu6, away_from_zero),
    "leaky_relu": unary(tf.nn.leaky_relu, away_from_zero), "elu": unary(tf.nn.elu, away_from_zero),
    "selu": unary(tf.nn.selu, away_from_zero), "gelu": unary(tf.nn.gelu),
    "gelu_tanh": unary(lambda x: tf.nn.gelu(x, approximate=True)), "silu": unary(tf.nn.silu),
    "softsign": unary(tf.nn.softsign, away_from_zero), "log_sigmoid": unary(tf.math.log_sigmoid),
    "identity": unary(tf.identity),
    # elementwise binary, broadcasting
    "add": binary(tf.add), "subtract": binary(tf.subtract), "multiply": binary(tf.multiply),
    "divide": binary(tf.divide, normal, away_from_zero),
    "maximum": binary(tf.maximum, distinct, lambda r, s: distinct(r, s) + 0.025),
    "minimum": binary(tf.minimum, distinct, lambda r, s: distinct(r, s) + 0.025),
    "pow": binary(tf.pow, positive, normal), "squared_difference": binary(tf.math.squared_difference),
    "atan2": binary(tf.math.atan2, away_from_zero, away_from_zero),
    "floormod": binary(tf.math.floormod, not_near_integer_ratio, lambda r, s: 1.0 + r.random(s) * 0.1),
    "xlogy": binary(tf.math.xlogy, positive, positive),
    "where": fixed(lambda x, y: tf.where(tf.constant([[True, False, True]]), x, y),
                   lambda r: r.standard_normal((2, 3)), lambda r: r.standard_normal((1, 3))),
    "clip_by_value": unary(lambda x: tf.clip_by_value(x, -0.5, 0.5), lambda r, s: distinct(r, s) + 0.013),
    # reductions and scans
    "reduce_sum": reduction_case(tf.reduce_sum), "reduce_mean": reduction_case(tf.reduce_mean),
    "reduce_max": reduction_case(tf.reduce_max, distinct), "reduce_min": reduction_case(tf.reduce_min, distinct),
    "reduce_prod": reduction_case(tf.reduce_prod, away_from_zero),
    "reduce_logsumexp": reduction_case(tf.reduce_logsumexp),
    "reduce_std": reduction_case(tf.math.reduce_std, distinct, min_side=2),
    "reduce_prod_with_zero": fixed(lambda x: tf.reduce_prod(x, axis=1), lambda r: np.array([[0.0, 2.0, 3.0], [1.5, 0.0, 0.0]])),
    "cumsum": fixed(lambda x: tf.math.cumsum(x, axis=1), lambda r: r.standard_normal((2, 4))),
    "cumsum_exclusive_reverse": fixed(lambda x: tf.math.cumsum(x, axis=0, exclusive=True, reverse=True),
                                      lambda r: r.standard_normal((3, 2))),
    "cumprod": fixed(lambda x: tf.math.cumprod(x, axis=-1), lambda r: away_from_zero(r, (2, 4))),
    "top_k": fixed(lambda x: tf.math.top_k(x, k=2).values, lambda r: distinct(r, (3, 5))),
    "norm": fixed(lambda x: tf.norm(x, axis=-1), lambda r: away_from_zero(r, (3, 4))),
    "norm_inf": fixed(lambda x: tf.norm(x, ord=np.inf, axis=0), lambda r: distinct(r, (3, 4))),
    "matrix_norm_1": fixed(lambda x: tf.norm(x, ord=1, axis=[1, 2]), lambda r: distinct(r, (2, 3, 4))),
    "matrix_norm_inf": fixed(lambda x: tf.norm(x, ord=np.inf, axis=[-1, 0]), lambda r: distinct(r, (3, 4))),
    "matrix_norm_spectral": fixed(lambda x: tf.norm(x, ord=2, axis=[0, 2]), lambda r: r.standard_normal((3, 2, 4))),
    "matrix_norm_nuclear": fixed(lambda x: tf.keras.ops.norm(x, ord="nuc"), lambda r: r.standard_normal((3, 4))),
    # shapes and indexing
    "reshape": fixed(lambda x: tf.reshape(x, (3, -1)), lambda r: r.standard_normal((2, 3, 2))),
    "transpose": fixed(lambda x: tf.transpose(x, (2, 0, 1)), lambda r: r.standard_normal((2, 3, 4))),
    "space_to_depth": fixed(lambda x: tf.nn.space_to_depth(x, 2) * tf.reshape(tf.range(48.0, dtype=x.dtype), (2, 1, 2, 12)),
                            lambda r: r.standard_normal((2, 2, 4, 3))),
    "depth_to_space": fixed(lambda x: tf.nn.depth_to_space(x, 2) * tf.reshape(tf.range(16.0, dtype=x.dtype), (1, 2, 4, 2)),
                            lambda r: r.standard_normal((1, 1, 2, 8))),
    "set_diag": fixed(lambda x, d: tf.linalg.set_diag(x, d) * 1.5, lambda r: r.standard_normal((2, 3, 4)),
                      lambda r: r.standard_normal((2, 3))),
    "xdivy": fixed(lambda x, y: tf.math.xdivy(x, y), lambda r: away_from_zero(r, (2, 3)), lambda r: away_from_zero(r, (2, 3))),
    "xlog1py": fixed(lambda x, y: tf.math.xlog1py(x, y), lambda r: r.standard_normal((2, 3)),
                     lambda r: r.random((2, 3)) + 0.1),
    "roll": fixed(lambda x: tf.roll(x, [1, -2], [0, 2]) * tf.reshape(tf.range(24.0, dtype=x.dtype), (2, 3, 4)),
                  lambda r: r.standard_normal((2, 3, 4))),
    "expand_squeeze": fixed(lambda x: tf.squeeze(tf.expand_dims(x, 1) * 2.0), lambda r: r.standard_normal((3, 2))),
    "broadcast_to": fixed(lambda x: tf.broadcast_to(x, (2, 3, 4)), lambda r: r.standard_normal((3, 1))),
    "concat": fixed(lambda x, y: tf.concat([x, y, x], axis=1), lambda r: r.standard_normal((2, 3)),
                    lambda r: r.standard_normal((2, 1))),
    "stack": fixed(lambda x, y: tf.stack([x, y], axis=1), lambda r: r.standard_normal((2, 3)),
                   lambda r: r.standard_normal((2, 3))),
    "unstack": fixed(lambda x: tf.unstack(x, axis=1)[0] * tf.unstack(x, axis=1)[2], lambda r: r.standard_normal((2, 3))),
    "split": fixed(lambda x: tf.split(x, [1, 3], axis=1)[1], lambda r: r.standard_normal((2, 4))),
    "gather": fixed(lambda x: tf.gather(x, [2, 0, 2], axis=1), lambda r: r.standard_normal((2, 3))),
    "gather_batch_dims": fixed(lambda x: tf.gather(x, [[0, 2], [1, 1]], axis=1, batch_dims=1),
                               lambda r: r.standard_normal((2, 3))),
    "gather_nd": fixed(lambda x: tf.gather_nd(x, [[0, 1], [1, 2], [0, 1]]), lambda r: r.standard_normal((2, 3))),
    "boolean_mask": fixed(lambda x: tf.boolean_mask(x, [True, False, True]), lambda r: r.standard_normal((3, 2))),
    "getitem_basic": fixed(lambda x: x[1:, ::2, None, -1], lambda r: r.standard_normal((3, 4, 2))),
    "getitem_advanced": fixed(lambda x: x[[0, 0, 2]], lambda r: r.standard_normal((3, 2))),
    "tile": fixed(lambda x: tf.tile(x, [2, 3]), lambda r: r.standard_normal((2, 2))),
    "pad_constant": fixed(lambda x: tf.pad(x, [[1, 0], [2, 1]]), lambda r: r.standard_normal((2, 3))),
    "pad_reflect": fixed(lambda x: tf.pad(x, [[1, 1], [2, 1]], mode="REFLECT"), lambda r: r.standard_normal((3, 4))),
    "pad_symmetric": fixed(lambda x: tf.pad(x, [[1, 1], [0, 2]], mode="SYMMETRIC"), lambda r: r.standard_normal((3, 4))),
    "reverse": fixed(lambda x: tf.reverse(x, [0]) * x, lambda r: r.standard_normal((3, 2))),
    "unsorted_segment_sum": fixed(lambda x: tf.math.unsorted_segment_sum(x, [0, 2, 0], 3), lambda r: r.standard_normal((3, 2))),
    "unsorted_segment_mean": fixed(lambda x: tf.math.unsorted_segment_mean(x, [0, 2, 0, -1], 3),
                                   lambda r: r.standard_normal((4, 2))),
    "unsorted_segment_max": fixed(lambda x: tf.math.unsorted_segment_max(x, [1, 0, 1, 1], 2), lambda r: distinct(r, (4, 3))),
    "segment_min": fixed(lambda x: tf.math.segment_min(x, [0, 0, 2]), lambda r: distinct(r, (3, 2))),
    "tensor_scatter_nd_max": fixed(lambda t, u: tf.tensor_scatter_nd_max(t, [[0, 1], [2, 0], [0, 1]], u),
                                   lambda r: distinct(r, (3, 2)), lambda r: distinct(r, (3,)) + 0.025),
    "tensor_scatter_nd_min": fixed(lambda t, u: tf.tensor_scatter_nd_min(t, [[1], [0]], u),
                                   lambda r: distinct(r, (3, 2)), lambda r: distinct(r, (2, 2)) + 0.025),
    # linear algebra
    "matmul": fixed(tf.matmul, lambda r: r.standard_normal((3, 4)), lambda r: r.standard_normal((4, 2))),
    "matmul_transposed": fixed(lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
                               lambda r: r.standard_normal((4, 3)), lambda r: r.standard_normal((2, 4))),
    "matmul_batched_broadcast": fixed(tf.matmul, lambda r: r.standard_normal((2, 3, 4)), lambda r: r.standard_normal((4, 2))),
    "matmul_batched_transpose_b": fixed(lambda a, b: tf.matmul(a, b, transpose_b=True),
                                        lambda r: r.standard_normal((2, 3, 4)), lambda r: r.standard_normal((2, 5, 4))),
    "tensordot": fixed(lambda a, b: tf.tensordot(a, b, axes=[[1, 2], [0, 1]]), lambda r: r.standard_normal((2, 3, 4)),
                       lambda r: r.standard_normal((3, 4, 2))),
    "einsum": fixed(lambda a, b: tf.einsum("abc,cde->abde", a, b), lambda r: r.standard_normal((2, 3, 4)),
                    lambda r: r.standard_normal((4, 2, 3))),
    "einsum_sum_out": fixed(lambda a, b: tf.einsum("ij,jk->i", a, b), lambda r: r.standard_normal((2, 3)),
                            lambda r: r.standard_normal((3, 4))),
    "einsum_ellipsis": fixed(lambda a, b: tf.einsum("...ij,...jk->...ik", a, b), lambda r: r.standard_normal((2, 2, 3)),
                             lambda r: r.standard_normal((2, 3, 2))),
    "inv": fixed(tf.linalg.inv, lambda r: r.standard_normal((3, 3)) + 3 * np.eye(3)),
    "det": fixed(tf.linalg.det, lambda r: r.standard_normal((3, 3)) + 2 * np.eye(3)),
    "trace": fixed(tf.linalg.trace, lambda r: r.standard_normal((3, 3))),
    "l2_normalize": fixed(lambda x: tf.linalg.l2_normalize(x, axis=1), lambda r: r.standard_normal((3, 4))),
    "band_part": fixed(lambda x: tf.linalg.band_part(x, 1, 0), lambda r: r.standard_normal((2, 3, 4))),
    "matvec": fixed(tf.linalg.matvec, lambda r: r.standard_normal((2, 3, 4)), lambda r: r.standard_normal((4,))),
    "triangular_solve_lower": fixed(tf.linalg.triangular_solve, lambda r: r.standard_normal((3, 3)) + 3 * np.eye(3),
                                    lambda r: r.standard_normal((2, 3, 2))),
    "triangular_solve_upper_adjoint": fixed(lambda a, b: tf.linalg.triangular_solve(a, b, lower=False, adjoint=True),
                                            lambda r: r.standard_normal((2, 3, 3)) + 3 * np.eye(3),
                                            lambda r: r.standard_normal((3, 2))),
    "cholesky": fixed(lambda x: tf.linalg.cholesky(spd(x)), lambda r: r.standard_normal((2, 3, 3))),
    "cholesky_solve": fixed(lambda x, b: tf.linalg.cholesky_solve(tf.linalg.cholesky(spd(x)), b),
                            lambda r: r.standard_normal((3, 3)), lambda r: r.standard_normal((3, 2))),
    "logdet": fixed(lambda x: tf.linalg.logdet(spd(x)), lambda r: r.standard_normal((2, 3, 3))),
    "slogdet": fixed(lambda x: tf.linalg.slogdet(x).log_abs_determinant, lambda r: with_singular_values(r, (2, 3, 3))),
    # Decompositions are unique up to signs of vectors; squares of their entries are not.
    "qr_square": fixed(lambda x: [tf.square(y) for y in tf.linalg.qr(x)], lambda r: with_singular_values(r, (3, 3))),
    "qr_tall_batched": fixed(lambda x: [tf.square(y) for y in tf.linalg.qr(x)],
                             lambda r: with_singular_values(r, (2, 4, 3))),
    "qr_wide": fixed(lambda x: [tf.square(y) for y in tf.linalg.qr(x)], lambda r: with_singular_values(r, (3, 5))),
    "qr_wide_r_only": fixed(lambda x: tf.linalg.qr(x, full_matrices=True).r, lambda r: with_singular_values(r, (2, 4))),
    "eigh": fixed(lambda x: [tf.linalg.eigh(x)[0], tf.square(tf.linalg.eigh(x)[1])],
                  lambda r: with_eigenvalues(r, (2, 4, 4))),
    "eigh_lower_triangle": fixed(lambda x: tf.square(tf.linalg.eigh(x)[1]), lambda r: r.standard_normal((3, 3)) * 0.1
                                 + with_eigenvalues(r, (3, 3))),
    "eigvalsh": fixed(tf.linalg.eigvalsh, lambda r: with_eigenvalues(r, (3, 3))),
    "svd_square": fixed(lambda x: [tf.square(y) for y in tf.linalg.svd(x)], lambda r: with_singular_values(r, (3, 3))),
    "svd_tall_batched": fixed(lambda x: [tf.square(y) for y in tf.linalg.svd(x)],
                              lambda r: with_singular_values(r, (2, 5, 3))),
    "svd_wide": fixed(lambda x: [tf.square(y) for y in tf.linalg.svd(x)], lambda r: with_singular_values(r, (2, 4))),
    "svd_wide_full_matrices": fixed(lambda x: [tf.square(y) for y in tf.linalg.svd(x, full_matrices=True)],
                                    lambda r: with_singular_values(r, (3, 4))),
    "svd_values_only": fixed(lambda x: tf.linalg.svd(x, compute_uv=False), lambda r: with_singular_values(r, (4, 3))),
    "pinv": fixed(tf.linalg.pinv, lambda r: with_singular_values(r, (4, 3))),
    "lstsq_tall": fixed(tf.linalg.lstsq, lambda r: with_singular_values(r, (4, 3)), lambda r: r.standard_normal((4, 2))),
    "lstsq_wide_regularized": fixed(lambda a, b: tf.linalg.lstsq(a, b, l2_regularizer=0.1),
                                    lambda r: with_singular_values(r, (2, 3)), lambda r: r.standard_normal((2, 2))),
    # nn
    "softmax": fixed(tf.nn.softmax, lambda r: r.standard_normal((3, 4))),
    "dense_relu": fixed(lambda x, w, b: nn.dense(x, w, b, activation="relu"), lambda r: away_from_zero(r, (3, 4)),
                        lambda r: r.standard_normal((4, 5)), lambda r: r.standard_normal((5,))),
    "dense_linear_3d": fixed(lambda x, w: nn.dense(x, w), lambda r: r.standard_normal((2, 3, 4)),
                             lambda r: r.standard_normal((4, 2))),
    "softmax_axis0": fixed(lambda x: tf.nn.softmax(x, axis=0), lambda r: r.standard_normal((3, 4))),
    "log_softmax": fixed(tf.nn.log_softmax, lambda r: r.standard_normal((3, 4))),
    "sparse_softmax_xent": fixed(lambda z: tf.nn.sparse_softmax_cross_entropy_with_logits([1, 0, 3], z),
                                 lambda r: r.standard_normal((3, 4))),
    "sparse_softmax_xent_3d": fixed(lambda z: tf.nn.sparse_softmax_cross_entropy_with_logits([[1, 0], [3, 2]], z),
                                    lambda r: r.standard_normal((2, 2, 4))),
    "softmax_xent": fixed(lambda y, z: tf.nn.softmax_cross_entropy_with_logits(y, z),
                          lambda r: r.dirichlet(np.ones(4), size=3), lambda r: r.standard_normal((3, 4))),
    "sigmoid_xent": fixed(lambda y, z: tf.nn.sigmoid_cross_entropy_with_logits(y, z), lambda r: r.random((3, 4)),
                          lambda r: r.standard_normal((3, 4)) * 3),
    "moments": fixed(lambda x: tf.nn.moments(x, axes=[0, 1]), lambda r: r.standard_normal((2, 3, 4))),
    "clip_by_norm": fixed(lambda x: tf.clip_by_norm(x, 1.0), lambda r: r.standard_normal((3, 4))),
    "clip_by_global_norm": fixed(lambda x, y: tf.clip_by_global_norm([x, y], 1.5)[0],
                                 lambda r: r.standard_normal((3, 4)), lambda r: r.standard_normal((2,))),
    "conv2d_same_strided": fixed(lambda x, w: tf.nn.conv2d(x, w, strides=2, padding="SAME"),
                                 lambda r: r.standard_normal((2, 5, 6, 3)), lambda r: r.standard_normal((3, 3, 3, 2))),
    "conv2d_valid_dilated": fixed(lambda x, w: tf.nn.conv2d(x, w, strides=1, padding="VALID", dilations=2),
                                  lambda r: r.standard_normal((1, 6, 6, 2)), lambda r: r.standard_normal((2, 2, 2, 3))),
    "conv2d_1x1": fixed(lambda x, w: tf.nn.conv2d(x, w, 1, "VALID"), lambda r: r.standard_normal((2, 3, 3, 2)),
                        lambda r: r.standard_normal((1, 1, 2, 3))),
    # What a Conv2D layer with a bias and ReLU runs: one fused op (strided SAME; x shifted off ReLU's kink).
    "conv2d_bias_relu": fixed(lambda x, w, b: conv.conv2d_dense(x, w, b, 2, "SAME", activation="relu"),
                              lambda r: r.standard_normal((2, 5, 6, 3)), lambda r: r.standard_normal((3, 3, 3, 2)),
                              lambda r: r.standard_normal((2,)) + 0.5),
    "conv2d_transpose": fixed(lambda x, w: tf.nn.conv2d_transpose(x, w, (2, 6, 6, 2), strides=2, padding="SAME"),
                              lambda r: r.standard_normal((2, 3, 3, 3)), lambda r: r.standard_normal((3, 3, 2, 3))),
    "depthwise_conv2d": fixed(lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME"),
                              lambda r: r.standard_normal((2, 4, 4, 3)), lambda r: r.standard_normal((3, 3, 3, 2))),
    "separable_conv2d": fixed(lambda x, d, p: tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "VALID"),
                              lambda r: r.standard_normal((1, 4, 4, 2)), lambda r: r.standard_normal((2, 2, 2, 1)),
                              lambda r: r.standard_normal((1, 1, 2, 3))),
    "conv1d": fixed(lambda x, w: tf.nn.conv1d(x, w, stride=1, padding="SAME"), lambda r: r.standard_normal((2, 5, 3)),
                    lambda r: r.standard_normal((3, 3, 2))),
    "max_pool2d": fixed(lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"), lambda r: distinct(r, (2, 4, 5, 2))),
    "max_pool2d_same_overlap": fixed(lambda x: tf.nn.max_pool2d(x, 3, 2, "SAME"), lambda r: distinct(r, (1, 5, 5, 2))),
    "avg_pool2d_same": fixed(lambda x: tf.nn.avg_pool2d(x, 3, 2, "SAME"), lambda r: r.standard_normal((2, 5, 5, 2))),
    "avg_pool1d": fixed(lambda x: tf.nn.avg_pool1d(x, 2, 2, "VALID"), lambda r: r.standard_normal((2, 6, 3))),
    "max_pool1d": fixed(lambda x: tf.nn.max_pool1d(x, 3, 1, "SAME"), lambda r: distinct(r, (2, 6, 2))),
    "conv3d_same_strided": fixed(lambda x, w: tf.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME"),
                                 lambda r: r.standard_normal((1, 3, 4, 5, 2)),
                                 lambda r: r.standard_normal((2, 3, 2, 2, 2))),
    "conv3d_valid_dilated": fixed(lambda x, w: tf.nn.conv3d(x, w, 1, "VALID", dilations=[1, 2, 1, 2, 1]),
                                  lambda r: r.standard_normal((2, 3, 3, 4, 1)),
                                  lambda r: r.standard_normal((2, 2, 2, 1, 3))),
    "conv3d_channels_first": fixed(lambda x, w: tf.nn.conv3d(x, w, 1, "SAME", data_format="NCDHW"),
                                   lambda r: r.standard_normal((1, 2, 3, 3, 2)),
                                   lambda r: r.standard_normal((1, 2, 3, 2, 2))),
    "conv3d_bias_relu": fixed(lambda x, w, b: volumetric.conv3d_dense(x, w, b, 1, "SAME", activation="relu"),
                              lambda r: r.standard_normal((1, 2, 3, 3, 2)),
                              lambda r: r.standard_normal((2, 2, 1, 2, 3)),
                              lambda r: r.standard_normal((3,)) + 0.5),
    "max_pool3d": fixed(lambda x: tf.nn.max_pool3d(x, 2, 2, "VALID"), lambda r: distinct(r, (2, 2, 4, 5, 2))),
    "max_pool3d_same_overlap": fixed(lambda x: tf.nn.max_pool3d(x, [2, 3, 2], [1, 2, 1], "SAME"),
                                     lambda r: distinct(r, (1, 3, 4, 3, 2))),
    "avg_pool3d_same": fixed(lambda x: tf.nn.avg_pool3d(x, [2, 3, 2], 2, "SAME"),
                             lambda r: r.standard_normal((2, 3, 5, 4, 2))),
    "avg_pool3d_channels_first": fixed(lambda x: tf.nn.avg_pool3d(x, 2, 1, "VALID", data_format="NCDHW"),
                                       lambda r: r.standard_normal((1, 2, 3, 3, 3))),
}


@pytest.mark.parametrize("name", sorted(CASES))
@SETTINGS
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_gradient_matches_finite_differences(name, data, seed):
    fn, arrays = CASES[name](data.draw, np.random.default_rng(seed))
    check_gradient(fn, arrays)


def _all_primitives():
    found = {}
    for module in (gmath, reduction, array, linalg, decompositions, nn, conv, volumetric):
        for _, obj in inspect.getmembers(module):
            if isinstance(obj, Primitive):
                found[obj.name] = obj
    return found


def test_every_differentiable_primitive_is_checked():
    """The table above exercises every primitive the ops define."""
    seen = set()
    for make in CASES.values():
        fn, arrays = make(None, np.random.default_rng(0))
        seen |= recorded_primitives(fn, arrays)
    # Primitives that only appear inside gradients are checked by the second-order tests; Cast changes
    # precision, so it has its own exact test below.
    gradient_only = {"ReluGrad", "StridedSliceGrad", "ExtractImagePatchesGrad", "ScatterAdd", "SumTo", "Unreduce",
                     "SparseSoftmaxCrossEntropyGrad", "MaxPoolGrad", "MaxPoolGradGrad"}
    missing = set(_all_primitives()) - seen - gradient_only - {"Cast"}
    assert not missing, f"primitives without a finite-difference check: {sorted(missing)}"


def test_cast_gradient_is_cast_back_to_the_input_dtype():
    x = tf.constant([1.5, -2.0, 3.25])
    w = np.array([0.5, 2.0, -1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.cast(x, tf.float64) * w)
    g = tape.gradient(y, x)
    assert g.dtype == tf.float32
    np.testing.assert_array_equal(g.numpy(), w.astype(np.float32))


def test_integer_casts_and_comparisons_are_not_differentiated():
    x = tf.constant([1.5, -2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.cast(tf.cast(x, tf.int32), tf.float32) * x) + tf.reduce_sum(tf.cast(x > 0, tf.float32))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, -2.0])
