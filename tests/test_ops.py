"""Op values where TensorFlow's conventions are easy to get wrong, and the errors users see."""
import numpy as np
import pytest

import gradfit as tf
from gradfit.errors import InvalidArgumentError


def test_namespaces_place_ops_as_tensorflow_does():
    assert tf.math.reduce_std is tf.math.reduce_std and tf.math.top_k and tf.math.is_nan and tf.math.cumsum
    assert tf.nn.softmax and tf.nn.sparse_softmax_cross_entropy_with_logits and tf.nn.conv2d and tf.nn.moments
    assert tf.random.normal and tf.random.uniform and tf.random.truncated_normal and tf.random.categorical
    assert tf.linalg.norm and tf.linalg.matmul is tf.matmul and tf.linalg.einsum is tf.einsum
    assert tf.reduce_sum is tf.math.reduce_sum and tf.clip_by_global_norm and tf.linalg.global_norm


def test_rounding_and_floor_mod_follow_tensorflow():
    np.testing.assert_array_equal(tf.round([0.5, 1.5, 2.5, -0.5]).numpy(), [0.0, 2.0, 2.0, -0.0])
    np.testing.assert_array_equal(tf.math.floormod([-3.0, 3.0], [2.0, -2.0]).numpy(), [1.0, -1.0])
    assert (tf.constant([3, 4]) / tf.constant([2, 2])).dtype == tf.float64
    assert tf.reduce_mean(tf.constant([1, 2])).numpy() == 1  # integer mean stays integer
    assert tf.argmax([[1, 5], [3, 2]]).dtype == tf.int64
    np.testing.assert_array_equal(tf.argmax([[1, 5], [3, 2]]).numpy(), [1, 0])


def test_same_padding_puts_the_extra_pixel_after():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    w = np.ones((2, 2, 1, 1), np.float32)
    y = tf.nn.conv2d(x, w, strides=1, padding="SAME").numpy()[0, :, :, 0]
    assert y[0, 0] == 0 + 1 + 4 + 5 and y[3, 3] == 15  # bottom-right window is mostly padding
    assert tf.nn.avg_pool2d(x, 3, 2, "SAME").numpy()[0, 0, 0, 0] == np.mean([0, 1, 2, 4, 5, 6, 8, 9, 10])


def test_max_pool_gradient_goes_to_the_first_maximum():
    x = tf.zeros((1, 2, 2, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy()[0, :, :, 0], [[1, 0], [0, 0]])


@pytest.mark.parametrize("ksize,strides,padding", [(2, 2, "VALID"), (3, 2, "SAME"), (3, 1, "VALID")])
def test_max_pool_gradient_follows_the_first_maximum_of_each_window_among_many_ties(ksize, strides, padding):
    x = np.random.default_rng(3).integers(0, 3, (2, 7, 7, 3)).astype(np.float32)  # ties everywhere
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.nn.max_pool2d(xt, ksize, strides, padding)
    g = np.arange(1, y.numpy().size + 1, dtype=np.float32).reshape(y.shape)  # tells windows apart
    got = tape.gradient(y, xt, output_gradients=tf.constant(g)).numpy()
    pad = max((y.shape[1] - 1) * strides + ksize - 7, 0) // 2 if padding == "SAME" else 0
    xp = np.pad(x, ((0, 0), (pad, ksize), (pad, ksize), (0, 0)), constant_values=-np.inf)
    want = np.zeros_like(xp)
    for n, i, j, c in np.ndindex(y.shape):
        window = xp[n, i * strides:i * strides + ksize, j * strides:j * strides + ksize, c]
        r, q = np.unravel_index(np.argmax(window), window.shape)  # argmax: the first maximum, row-major
        want[n, i * strides + r, j * strides + q, c] += g[n, i, j, c]
    np.testing.assert_array_equal(got, want[:, pad:pad + 7, pad:pad + 7])


def test_reduce_max_gradient_splits_between_ties():
    x = tf.constant([[2.0, 2.0, 1.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_max(x, axis=1)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[0.5, 0.5, 0.0]])


def test_gather_one_hot_top_k_split_unique():
    a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(tf.gather(a, [[0, 2], [1, 1]], axis=1, batch_dims=1).numpy(), [[1, 3], [5, 5]])
    np.testing.assert_array_equal(tf.gather_nd(a, [[1, 0], [0, 2]]).numpy(), [4, 3])
    np.testing.assert_array_equal(tf.one_hot([0, 2, -1], 3).numpy(), [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    np.testing.assert_array_equal(tf.math.top_k([[1.0, 3.0, 3.0, 2.0]], 2).indices.numpy(), [[1, 2]])
    parts = tf.split(tf.zeros((2, 6)), [1, -1, 2], axis=1)
    assert [p.shape[1] for p in parts] == [1, 3, 2]
    values, idx = tf.unique([3, 1, 3, 2, 1])
    np.testing.assert_array_equal(values.numpy(), [3, 1, 2])
    np.testing.assert_array_equal(idx.numpy(), [0, 1, 0, 2, 1])
    assert tf.unique([3, 1, 3]).y.numpy().tolist() == [3, 1] and tf.unique([3, 1, 3]).idx.numpy().tolist() == [0, 1, 0]
    with pytest.raises(InvalidArgumentError, match="1D vector"):
        tf.unique([[1, 2]])
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(tf.roll(x, [1, -2], [0, 2]), np.roll(x, (1, -2), (0, 2)))
    np.testing.assert_array_equal(tf.roll(x, 5, -2), np.roll(x, 5, -2))
    with pytest.raises(InvalidArgumentError, match="same size"):
        tf.roll(x, [1, 2], [0])
    np.testing.assert_array_equal(tf.range(1, 10, 3).numpy(), [1, 4, 7])
    assert tf.range(0.0, 1.0, 0.25).dtype == tf.float32


def test_clip_by_global_norm_returns_scaled_list_and_norm():
    a, b = tf.constant([3.0, 4.0]), tf.constant([0.0])
    clipped, norm = tf.clip_by_global_norm([a, None, b], 1.0)
    assert float(norm) == 5.0 and clipped[1] is None
    np.testing.assert_allclose(clipped[0].numpy(), [0.6, 0.8])
    np.testing.assert_allclose(tf.clip_by_norm([3.0, 4.0], 10.0).numpy(), [3.0, 4.0])


def test_random_is_repeatable_under_set_seed():
    tf.random.set_seed(42)
    a = tf.random.normal((3,)).numpy()
    b = tf.random.uniform((2,), seed=7).numpy()
    tf.random.set_seed(42)
    np.testing.assert_array_equal(tf.random.normal((3,)).numpy(), a)
    np.testing.assert_array_equal(tf.random.uniform((2,), seed=7).numpy(), b)
    t = tf.random.truncated_normal((1000,), stddev=2.0).numpy()
    assert np.abs(t).max() <= 4.0 and t.dtype == np.float32
    c = tf.random.categorical(tf.math.log([[0.0001, 0.9999]]), 50).numpy()
    assert c.shape == (1, 50) and c.mean() > 0.9


def test_stateless_random_values_depend_only_on_the_seed():
    a = tf.random.stateless_truncated_normal((2000,), seed=[1, 2], mean=1.0, stddev=0.5).numpy()
    tf.random.normal((5,))  # the global generator moving on changes nothing
    np.testing.assert_array_equal(tf.random.stateless_truncated_normal((2000,), seed=[1, 2], mean=1.0,
                                                                       stddev=0.5).numpy(), a)
    assert a.dtype == np.float32 and np.abs(a - 1.0).max() <= 1.0 and abs(a.mean() - 1.0) < 0.05
    assert not np.array_equal(tf.random.stateless_truncated_normal((2000,), seed=[1, 3]).numpy(), a)
    np.testing.assert_array_equal(tf.random.stateless_normal((4,), seed=(5, 6)).numpy(),
                                  tf.random.stateless_normal((4,), seed=(5, 6)).numpy())


@pytest.mark.parametrize("call, pattern", [
    (lambda: tf.add(tf.ones((32, 3)), tf.ones((8,))), r"^Add: incompatible shapes \(32, 3\) and \(8,\)"),
    (lambda: tf.ones((32, 3)) / tf.ones((8,)), r"^RealDiv: incompatible shapes \(32, 3\) and \(8,\)"),
    (lambda: tf.math.floordiv(tf.ones((2, 3)), tf.ones((4,))), r"^FloorDiv: incompatible shapes \(2, 3\) and \(4,\)"),
    (lambda: tf.matmul(tf.ones((32, 3)), tf.ones((8, 4))), r"In\[0\]: \[32, 3\], In\[1\]: \[8, 4\]"),
    (lambda: tf.reshape(tf.ones((2, 3)), (4, 2)), r"6 elements \(shape \(2, 3\)\) to shape \(4, 2\)"),
    (lambda: tf.concat([tf.ones((2, 3)), tf.ones((2, 4))], axis=0), r"shapes \[\(2, 3\), \(2, 4\)\]"),
    (lambda: tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((3, 3, 2, 4)), 1, "SAME"),
     r"input has 3 channels \(shape \(1, 5, 5, 3\)\) but the filter expects 2"),
    (lambda: tf.nn.sparse_softmax_cross_entropy_with_logits([0, 5], tf.zeros((2, 3))),
     r"label value of 5 which is outside the valid range of \[0, 3\)"),
    (lambda: tf.gather(tf.ones((3, 2)), [0, 3]), r"indices must be in \[0, 3\)"),
    (lambda: tf.reduce_sum(tf.ones((2, 3)), axis=2), r"axis 2 is out of range for a tensor of rank 2"),
    (lambda: tf.stack([tf.ones((2,)), tf.ones((3,))]), r"same shape, got \[\(2,\), \(3,\)\]"),
    (lambda: tf.transpose(tf.ones((2, 3)), [0, 0]), r"perm \(0, 0\) is not a permutation"),
    (lambda: tf.one_hot([0, 1], -1), r"depth must be non-negative, got -1"),
])
def test_errors_name_the_shapes(call, pattern):
    with pytest.raises(InvalidArgumentError, match=pattern):
        call()


def test_invalid_argument_error_is_also_a_value_error():
    with pytest.raises(ValueError):
        tf.add(tf.ones((2,)), tf.ones((3,)))


def _conv_relu_pool_grads(relu, x, w, b, extra_use=False):
    """Gradients of sum(max_pool(relu(conv(x) + b)) * weights) w.r.t. x, w and b; `relu` applies the ReLU."""
    from gradfit.ops import conv

    xt, wt, bt = tf.constant(x), tf.constant(w), tf.constant(b)
    with tf.GradientTape() as tape:
        tape.watch([xt, wt, bt])
        y = relu(conv.conv2d_dense, xt, wt, bt)
        pooled = tf.nn.max_pool2d(y, 2, 2, "VALID")
        loss = tf.reduce_sum(pooled * np.arange(pooled.numpy().size).reshape(pooled.shape).astype(np.float32))
        if extra_use:  # the activation feeds something else too
            loss = loss + tf.reduce_sum(y[:, :1] * 3.0)
    return [g.numpy() for g in tape.gradient(loss, [xt, wt, bt])]


@pytest.mark.parametrize("extra_use", [False, True])
def test_max_pool_over_a_relu_output_gives_the_gradients_of_the_unfused_computation(extra_use):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 6, 6, 3)).astype(np.float32)
    w = rng.standard_normal((3, 3, 3, 4)).astype(np.float32)
    b = np.array([-1.5, 0.0, 0.5, -100.0], np.float32)  # channel 3 is dead: every window pools a 0
    fused = _conv_relu_pool_grads(lambda c, x, w, b: c(x, w, b, 1, "SAME", activation="relu"), x, w, b, extra_use)
    relu_op = _conv_relu_pool_grads(lambda c, x, w, b: tf.nn.relu(c(x, w, b, 1, "SAME")), x, w, b, extra_use)
    plain = _conv_relu_pool_grads(lambda c, x, w, b: tf.maximum(c(x, w, b, 1, "SAME"), 0.0), x, w, b, extra_use)
    for got_fused, got_relu, want in zip(fused, relu_op, plain):
        np.testing.assert_allclose(got_fused, want, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got_relu, want, rtol=1e-5, atol=1e-5)
    assert fused[2][3] == 0  # no gradient reaches the dead channel's bias


def test_the_gradient_asked_for_a_pooled_relu_output_itself_is_the_max_pool_gradient():
    """Windows of zeros still send their gradient to their first position when the ReLU output is the
    source, as TensorFlow's MaxPoolGrad does; the kernel's gradient in the same call stays right."""
    from gradfit.ops import conv

    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((1, 4, 4, 2)).astype(np.float32))
    w = tf.constant(rng.standard_normal((3, 3, 2, 2)).astype(np.float32))
    b = tf.constant(np.array([0.2, -100.0], np.float32))  # channel 1: all zeros after the ReLU
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(w)
        y = conv.conv2d_dense(x, w, b, 1, "SAME", activation="relu")
        loss = tf.reduce_sum(tf.nn.max_pool2d(y, 2, 2, "VALID"))
    dy, dw = tape.gradient(loss, [y, w])
    want = np.zeros((1, 4, 4), np.float32)
    want[0, ::2, ::2] = 1  # every window's maximum is a tie of zeros: its first position
    np.testing.assert_array_equal(dy.numpy()[..., 1], want)
    assert type(dy) is tf.Tensor
    np.testing.assert_allclose(dw.numpy(), tape.gradient(loss, w).numpy(), rtol=1e-6)
    assert not np.any(dw.numpy()[..., 1])


@pytest.mark.parametrize("padding,strides,dilations", [("SAME", 1, 1), ("VALID", 2, 1), ("SAME", 1, 2)])
def test_conv_input_gradient_is_the_same_computed_per_kernel_position(monkeypatch, padding, strides, dilations):
    """Large patch gradients are added back one kernel position at a time: the result is the same."""
    from gradfit.ops import conv

    rng = np.random.default_rng(2)
    x = tf.constant(rng.standard_normal((3, 9, 8, 4)).astype(np.float32))
    w = tf.constant(rng.standard_normal((3, 3, 4, 5)).astype(np.float32))

    def input_gradient():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.nn.conv2d(x, w, strides, padding, dilations=dilations)
            loss = tf.reduce_sum(y * np.arange(y.numpy().size).reshape(y.shape).astype(np.float32))
        return tape.gradient(loss, x).numpy()

    whole = input_gradient()
    monkeypatch.setattr(conv, "_PER_POSITION_COLUMNS", 0)
    np.testing.assert_allclose(input_gradient(), whole, rtol=1e-5, atol=1e-3)


def test_truncating_division_and_no_nan_variants():
    i, j = np.array([-7, 7, -7, 7, 6]), np.array([2, 2, -2, -2, 3])
    np.testing.assert_array_equal(tf.truncatediv(i, j), [-3, 3, 3, -3, 2])
    np.testing.assert_array_equal(tf.truncatemod(i, j), [-1, 1, -1, 1, 0])
    np.testing.assert_array_equal(tf.truncatediv(tf.constant([-7.5, 7.5]), 2.0), [-3.0, 3.0])
    np.testing.assert_allclose(tf.math.xdivy([0.0, 1.0], [0.0, 2.0]), [0.0, 0.5])
    np.testing.assert_allclose(tf.math.xlog1py([0.0, 2.0], [-1.0, 1.0]), [0.0, 2 * np.log(2.0)])
    np.testing.assert_array_equal(tf.math.reciprocal_no_nan([0.0, 4.0]), [0.0, 0.25])


def test_searchsorted_unique_with_counts_and_scatter_sub():
    seq = np.array([[1, 3, 5], [2, 4, 6]])
    np.testing.assert_array_equal(tf.searchsorted(seq, [[3, 6], [1, 7]]), [[1, 3], [0, 3]])
    np.testing.assert_array_equal(tf.searchsorted(seq, [[3, 6], [1, 7]], side="right"), [[2, 3], [0, 3]])
    with pytest.raises(InvalidArgumentError, match="must agree on all but the last axis"):
        tf.searchsorted(seq, [[1, 2]])
    y, idx, count = tf.unique_with_counts([4, 1, 4, 2, 2, 4])
    assert (y.numpy().tolist(), idx.numpy().tolist(), count.numpy().tolist()) == ([4, 1, 2], [0, 1, 0, 2, 2, 0], [3, 1, 2])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_sub(tf.ones((4,)), [[1], [1], [3]], [1.0, 2.0, 5.0]),
                                  [1.0, -2.0, 1.0, -4.0])


def test_space_depth_round_trip_and_set_diag():
    x = np.arange(2 * 4 * 6 * 3, dtype=np.float32).reshape(2, 4, 6, 3)
    y = tf.nn.space_to_depth(x, 2)
    assert y.shape == (2, 2, 3, 12)
    np.testing.assert_array_equal(y[0, 0, 0], np.concatenate([x[0, 0, 0], x[0, 0, 1], x[0, 1, 0], x[0, 1, 1]]))
    np.testing.assert_array_equal(tf.nn.depth_to_space(y, 2), x)
    with pytest.raises(InvalidArgumentError, match="multiples of block_size 4"):
        tf.nn.space_to_depth(x, 4)
    np.testing.assert_array_equal(tf.linalg.set_diag(np.zeros((2, 3)), [1.0, 2.0]), [[1, 0, 0], [0, 2, 0]])
    np.testing.assert_array_equal(tf.linalg.set_diag(np.full((3, 2), 7.0), [1.0, 2.0]), [[1, 7], [7, 2], [7, 7]])
    assert float(tf.nn.l2_loss(tf.constant([3.0, 4.0]))) == 12.5


def test_tensor_scatter_nd_max_and_min_keep_the_extreme_and_share_gradients_among_ties():
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]], tf.float64)
    np.testing.assert_array_equal(tf.tensor_scatter_nd_max(t, [[0, 0], [1, 1], [0, 0]], [5.0, 1.0, 7.0]),
                                  [[7, 2], [3, 4]])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_min(t, [[0], [0]], [[0.0, 5.0], [3.0, 1.0]]), [[0, 1], [3, 4]])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_max([1, 2, 3], [[0], [2], [2]], [3, 1, 9]), [3, 2, 9])
    with pytest.raises(InvalidArgumentError, match=r"indices \[5\] do not index into shape \[2\]"):
        tf.tensor_scatter_nd_max(tf.constant([1, 2]), [[0], [5]], [3, 1])
    u = tf.constant([0.0, 0.0, 5.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([t, u])
        y = tf.reduce_sum(tf.tensor_scatter_nd_min(t, [[0, 0], [0, 0], [1, 1]], u) * [[1.0, 2.0], [3.0, 4.0]])
    gt, gu = tape.gradient(y, [t, u])  # TensorFlow's values: the two tied updates share element (0, 0)
    np.testing.assert_array_equal(gt, [[0, 2], [3, 4]])
    np.testing.assert_array_equal(gu, [0.5, 0.5, 0])


def test_invert_permutation_and_its_errors():
    np.testing.assert_array_equal(tf.math.invert_permutation([3, 4, 0, 2, 1]), [2, 4, 3, 0, 1])
    assert tf.math.invert_permutation(tf.constant([1, 0], tf.int64)).dtype == tf.int64
    for bad, message in [([0, 0], "0 is duplicated"), ([2, 1, 1, 2], "1 is duplicated"),
                         ([0, 2], "2 is not between 0 and 2"), ([[0, 1]], "1D vector"), ([0.0, 1.0], "int32 or int64")]:
        with pytest.raises(InvalidArgumentError, match=message):
            tf.math.invert_permutation(bad)


def test_polyval_zero_fraction_and_monotonicity():
    np.testing.assert_array_equal(tf.math.polyval([1.0, 2.0, 3.0], tf.constant([0.0, 1.0, 2.0])), [3, 6, 11])
    np.testing.assert_array_equal(tf.math.polyval([tf.constant([1.0, 2.0]), 2.0], tf.constant([[0.0, 1.0]])), [[2, 4]])
    assert tf.math.polyval([1, 2], 3).numpy() == 5 and tf.math.polyval([1, 2], 3).dtype == tf.int32
    np.testing.assert_array_equal(tf.math.polyval([], tf.constant([1.0, 2.0])), [0, 0])
    with pytest.raises(ValueError, match="must be list type"):
        tf.math.polyval(tf.constant([1.0, 2.0]), 3.0)
    x = tf.constant([0.5, -2.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.math.polyval([2.0, -1.0, 3.0], x))
    np.testing.assert_array_equal(tape.gradient(y, x), [1.0, -9.0])
    fraction = tf.math.zero_fraction(tf.constant([[0.0, 1.0], [0.0, 2.0]], tf.float64))
    assert fraction.dtype == tf.float32 and float(fraction) == 0.5
    assert np.isclose(float(tf.math.zero_fraction([0, 1, 0])), 2 / 3) and np.isnan(float(tf.math.zero_fraction([])))
    assert bool(tf.math.is_strictly_increasing([[1, 2], [3, 4]]))
    assert not bool(tf.math.is_strictly_increasing([1, 1, 3]))
    assert bool(tf.math.is_strictly_increasing([])) and bool(tf.math.is_non_decreasing([1, 1, 3]))


def test_confusion_matrix_counts_or_sums_weights_as_tensorflow():
    np.testing.assert_array_equal(tf.math.confusion_matrix([1, 2, 4], [2, 2, 4]),
                                  [[0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 1]])
    weighted = tf.math.confusion_matrix([1, 2, 2], [2, 2, 2], 3, weights=[1.5, 2.0, 3.0], dtype=tf.float64)
    assert weighted.dtype == tf.float64
    np.testing.assert_array_equal(weighted, [[0, 0, 0], [0, 0, 1.5], [0, 0, 5]])
    # Integer output truncates each weight first; float labels are truncated; any shape is flattened.
    np.testing.assert_array_equal(tf.math.confusion_matrix([1, 2, 2], [2, 2, 2], 3, weights=[1.5, 2.0, 3.0]),
                                  [[0, 0, 0], [0, 0, 1], [0, 0, 5]])
    np.testing.assert_array_equal(tf.math.confusion_matrix([1.7, 1.0], [2.2, 0.0]), [[0, 0, 0], [1, 0, 1], [0, 0, 0]])
    np.testing.assert_array_equal(tf.math.confusion_matrix([[1, 2]], [[2, 2]]), [[0, 0, 0], [0, 0, 1], [0, 0, 1]])
    assert tf.math.confusion_matrix([1, 0], [0, 0], dtype=tf.int64).dtype == tf.int64
    with pytest.raises(InvalidArgumentError, match="`labels` contains negative values"):
        tf.math.confusion_matrix([1, -1], [2, 2])
    with pytest.raises(InvalidArgumentError, match="`predictions` out of bound"):
        tf.math.confusion_matrix([1, 1], [2, 3], num_classes=3)
