"""tf.nn.conv3d, max_pool3d and avg_pool3d: values against direct loops, TensorFlow's gradient conventions,
the rank-5 forms of the generic ops, and the errors users see. (Keras-recorded values, gradients included,
are in tests/keras/test_layers_advanced_golden.py.)"""
import numpy as np
import pytest

import gradfit as tf

RNG = np.random.default_rng(0)


def _geometry(size, k, stride, dilation, padding):
    """(output size, padding before) along one axis, TensorFlow's arithmetic."""
    eff = (k - 1) * dilation + 1
    if padding == "VALID":
        return (size - eff) // stride + 1, 0
    out = -(-size // stride)
    return out, max((out - 1) * stride + eff - size, 0) // 2


def reference_conv3d(x, f, strides, dilations, padding):
    """The convolution as a sum over kernel taps, one output position at a time."""
    geometry = [_geometry(s, k, st, d, padding) for s, k, st, d in zip(x.shape[1:4], f.shape[:3], strides, dilations)]
    out = np.zeros((x.shape[0],) + tuple(g[0] for g in geometry) + (f.shape[4],))
    for pos in np.ndindex(*out.shape[1:4]):
        for tap in np.ndindex(*f.shape[:3]):
            src = [p * s + t * d - g[1] for p, t, s, d, g in zip(pos, tap, strides, dilations, geometry)]
            if all(0 <= i < n for i, n in zip(src, x.shape[1:4])):
                out[(slice(None),) + pos] += x[(slice(None),) + tuple(src)] @ f[tap]
    return out


def reference_pool3d(x, ksize, strides, padding, reduce):
    """Each window's in-bounds values reduced (padding never takes part)."""
    geometry = [_geometry(s, k, st, 1, padding) for s, k, st in zip(x.shape[1:4], ksize, strides)]
    out = np.zeros((x.shape[0],) + tuple(g[0] for g in geometry) + (x.shape[4],))
    for pos in np.ndindex(*out.shape[1:4]):
        starts = [p * s - g[1] for p, s, g in zip(pos, strides, geometry)]
        window = x[(slice(None),) + tuple(slice(max(a, 0), a + k) for a, k in zip(starts, ksize))]
        out[(slice(None),) + pos] = reduce(window, axis=(1, 2, 3))
    return out


@pytest.mark.parametrize("strides, dilations, padding", [
    ((1, 1, 1), (1, 1, 1), "VALID"),
    ((2, 1, 2), (1, 1, 1), "SAME"),
    ((3, 2, 1), (1, 1, 1), "SAME"),
    ((1, 1, 1), (2, 1, 2), "SAME"),
    ((1, 1, 1), (1, 2, 1), "VALID"),
])
def test_conv3d_is_the_sum_over_kernel_taps(strides, dilations, padding):
    x = RNG.standard_normal((2, 5, 6, 7, 3))
    f = RNG.standard_normal((2, 3, 2, 3, 4))
    y = tf.nn.conv3d(x, f, [1, *strides, 1], padding, dilations=[1, *dilations, 1])
    np.testing.assert_allclose(y.numpy(), reference_conv3d(x, f, strides, dilations, padding), rtol=1e-10,
                               atol=1e-10)


def test_conv3d_channels_first_and_the_generic_convolution():
    x = RNG.standard_normal((2, 4, 5, 3, 2))
    f = RNG.standard_normal((2, 2, 3, 2, 3))
    expected = reference_conv3d(x, f, (1, 2, 1), (1, 1, 1), "SAME")
    first = tf.nn.conv3d(np.moveaxis(x, -1, 1), f, [1, 1, 2, 1, 1], "SAME", data_format="NCDHW")
    np.testing.assert_allclose(np.moveaxis(first.numpy(), 1, -1), expected, rtol=1e-10, atol=1e-10)
    generic = tf.nn.convolution(x, f, strides=(1, 2, 1), padding="SAME")
    np.testing.assert_allclose(generic.numpy(), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("ksize, strides, padding", [
    ((2, 2, 2), (2, 2, 2), "VALID"),
    ((3, 2, 3), (2, 1, 2), "SAME"),
    ((1, 3, 2), (1, 2, 2), "SAME"),
])
def test_pool3d_reduces_each_box_of_in_bounds_values(ksize, strides, padding):
    x = RNG.standard_normal((2, 5, 6, 7, 3))
    np.testing.assert_array_equal(tf.nn.max_pool3d(x, ksize, strides, padding).numpy(),
                                  reference_pool3d(x, ksize, strides, padding, np.max))
    np.testing.assert_allclose(tf.nn.avg_pool3d(x, ksize, strides, padding).numpy(),
                               reference_pool3d(x, ksize, strides, padding, np.mean), rtol=1e-12)
    # The generic forms pick the 3-D ops for rank-5 inputs.
    np.testing.assert_array_equal(tf.nn.max_pool(x, ksize, strides, padding).numpy(),
                                  tf.nn.max_pool3d(x, ksize, strides, padding).numpy())
    np.testing.assert_array_equal(tf.nn.pool(x, ksize, "AVG", strides, padding).numpy(),
                                  tf.nn.avg_pool3d(x, ksize, strides, padding).numpy())


def test_pool3d_channels_first():
    x = RNG.standard_normal((2, 3, 4, 5, 6))
    last = np.moveaxis(x, 1, -1)
    for pool in (tf.nn.max_pool3d, tf.nn.avg_pool3d):
        first = pool(x, [2, 1, 2], [1, 1, 2], "SAME", data_format="NCDHW").numpy()
        np.testing.assert_allclose(np.moveaxis(first, 1, -1), pool(last, [2, 1, 2], [1, 1, 2], "SAME").numpy())


def test_max_pool3d_gradient_goes_to_every_tied_maximum_as_tensorflow():
    """TensorFlow's 3-D max-pool gradient reaches every position equal to its window's maximum (its 2-D
    one only the first): a window of equal values passes the gradient to all of them."""
    x = tf.constant(np.zeros((1, 2, 2, 2, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool3d(x, 2, 2, "VALID")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy().ravel(), np.ones(8))
    # Overlapping windows add up at shared maxima.
    x = tf.constant(np.array([1.0, 3.0, 3.0, 0.0], np.float32).reshape(1, 4, 1, 1, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool3d(x, [2, 1, 1], 1, "VALID")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy().ravel(), [0.0, 2.0, 2.0, 0.0])


def test_avg_pool3d_same_padding_averages_in_bounds_values_only():
    y = tf.nn.avg_pool3d(np.ones((1, 3, 3, 3, 1), np.float32), 2, 2, "SAME")
    np.testing.assert_array_equal(y.numpy(), np.ones((1, 2, 2, 2, 1), np.float32))
    assert y.dtype == tf.float32


@pytest.mark.parametrize("call, message", [
    (lambda: tf.nn.conv3d(np.ones((1, 4, 4, 4, 3)), np.ones((2, 2, 2, 2, 5)), 1, "VALID"), "3 channels"),
    (lambda: tf.nn.conv3d(np.ones((1, 4, 4, 3)), np.ones((2, 2, 3, 5)), 1, "VALID"), "rank-5"),
    (lambda: tf.nn.conv3d(np.ones((1, 4, 4, 4, 3)), np.ones((2, 2, 2, 3, 5)), 1, "FULL"), "padding"),
    (lambda: tf.nn.conv3d(np.ones((1, 2, 4, 4, 3)), np.ones((3, 2, 2, 3, 5)), 1, "VALID"), "output size"),
    (lambda: tf.nn.max_pool3d(np.ones((1, 4, 4, 3)), 2, 2, "VALID"), "rank-5"),
    (lambda: tf.nn.avg_pool3d(np.ones((1, 4, 4, 4, 3)), (2, 2), 2, "VALID"), "ksize"),
])
def test_bad_arguments_name_what_was_expected(call, message):
    with pytest.raises((ValueError, tf.errors.InvalidArgumentError), match=message):
        call()
