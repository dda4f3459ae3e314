"""reverse_sequence, space_to_batch / batch_to_space, dynamic_partition / dynamic_stitch, unravel_index and the
histograms. Expected values were recorded from TensorFlow 2.21 on the same inputs."""
import numpy as np
import pytest

import gradfit as tf
from gradfit.errors import InvalidArgumentError

from gradcheck import check_gradient, check_second_order

X34 = np.arange(12.0).reshape(3, 4)
IMAGE = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)


def test_reverse_sequence_reverses_each_prefix():
    out = tf.reverse_sequence(X34, [1, 2, 4], seq_axis=1, batch_axis=0)
    np.testing.assert_array_equal(out.numpy(), [[0, 1, 2, 3], [5, 4, 6, 7], [11, 10, 9, 8]])
    assert out.dtype == tf.float64
    lengths64 = tf.constant([1, 2, 4], tf.int64)
    np.testing.assert_array_equal(tf.reverse_sequence(X34, lengths64, 1).numpy(), out.numpy())
    # The batch axis may come after the sequence axis.
    np.testing.assert_array_equal(tf.reverse_sequence(X34.T, [1, 2, 4], seq_axis=0, batch_axis=1).numpy(),
                                  out.numpy().T)


def test_reverse_sequence_errors_are_tensorflows():
    with pytest.raises(InvalidArgumentError, match=r"seq_lens\(2\) > input.dims\(1\)"):
        tf.reverse_sequence(X34, [1, 2, 5], seq_axis=1, batch_axis=0)
    with pytest.raises(InvalidArgumentError, match=r"Length of seq_lengths != input.dims\(0\), \(2 vs. 3\)"):
        tf.reverse_sequence(X34, [1, 2], seq_axis=1, batch_axis=0)
    with pytest.raises(InvalidArgumentError, match="batch_dim == seq_dim == 0"):
        tf.reverse_sequence(X34, [1, 2, 1], seq_axis=0, batch_axis=0)
    with pytest.raises(TypeError, match="seq_dim"):
        tf.reverse_sequence([[1, 2, 3]], [2])


def test_space_to_batch_moves_block_offsets_into_the_batch():
    out = tf.space_to_batch_nd(IMAGE, [2, 2], [[0, 0], [0, 0]])
    assert out.shape == (4, 2, 2, 1)
    np.testing.assert_array_equal(out.numpy()[..., 0], [[[0, 2], [8, 10]], [[1, 3], [9, 11]],
                                                        [[4, 6], [12, 14]], [[5, 7], [13, 15]]])
    np.testing.assert_array_equal(tf.space_to_batch(IMAGE, [2, 2], [[0, 0], [0, 0]]).numpy(), out.numpy())
    padded = tf.space_to_batch_nd(np.arange(18.0).reshape(2, 3, 3, 1), [2, 2], [[1, 0], [0, 1]]).numpy()[..., 0]
    np.testing.assert_array_equal(padded[[0, 2, 4, 5, 7]], [[[0, 0], [3, 5]], [[0, 0], [4, 0]], [[0, 2], [6, 8]],
                                                             [[9, 11], [15, 17]], [[10, 0], [16, 0]]])
    one_d = tf.space_to_batch(np.arange(12.0).reshape(2, 6, 1), [3], [[0, 0]]).numpy()[..., 0]
    np.testing.assert_array_equal(one_d, [[0, 3], [6, 9], [1, 4], [7, 10], [2, 5], [8, 11]])


def test_batch_to_space_is_the_inverse_and_crops():
    out = tf.batch_to_space(np.arange(16.0).reshape(4, 2, 2, 1), [2, 2], [[0, 0], [0, 0]]).numpy()[0, ..., 0]
    np.testing.assert_array_equal(out, [[0, 4, 1, 5], [8, 12, 9, 13], [2, 6, 3, 7], [10, 14, 11, 15]])
    cropped = tf.batch_to_space(np.arange(32.0).reshape(8, 2, 2, 1), [2, 2], [[0, 1], [1, 0]]).numpy()[..., 0]
    np.testing.assert_array_equal(cropped, [[[8, 1, 9], [24, 17, 25], [10, 3, 11]],
                                            [[12, 5, 13], [28, 21, 29], [14, 7, 15]]])
    one_d = tf.batch_to_space(np.arange(12.0).reshape(6, 2, 1), [3], [[1, 0]]).numpy()[..., 0]
    np.testing.assert_array_equal(one_d, [[4, 8, 1, 5, 9], [6, 10, 3, 7, 11]])
    x = np.random.default_rng(0).standard_normal((2, 5, 3, 2))
    paddings = [[1, 2], [0, 1]]
    there = tf.space_to_batch_nd(x, [4, 2], paddings)
    np.testing.assert_array_equal(tf.batch_to_space(there, [4, 2], paddings).numpy(), x)


def test_block_errors_are_tensorflows():
    with pytest.raises(InvalidArgumentError, match=r"padded_shape\[0\]=4 is not divisible by block_shape\[0\]=3"):
        tf.space_to_batch_nd(IMAGE, [3, 3], [[0, 0], [0, 0]])
    with pytest.raises(InvalidArgumentError, match="Paddings must be non-negative"):
        tf.space_to_batch_nd(IMAGE, [2, 2], [[-1, 1], [0, 0]])
    with pytest.raises(InvalidArgumentError,
                       match=r"Input batch dimension \(3\) is not divisible by product of block sizes \(4\)"):
        tf.batch_to_space(np.arange(12.0).reshape(3, 2, 2, 1), [2, 2], [[0, 0], [0, 0]])


def test_dynamic_partition_splits_rows_by_partition_number():
    parts = tf.dynamic_partition([10, 20, 30, 40, 50], [0, 0, 1, 1, 0], 2)
    assert [p.numpy().tolist() for p in parts] == [[10, 20, 50], [30, 40]]
    assert parts[0].dtype == tf.int32
    rows = tf.dynamic_partition(X34, [1, 0, 1], 3)
    np.testing.assert_array_equal(rows[0].numpy(), [[4, 5, 6, 7]])
    np.testing.assert_array_equal(rows[1].numpy(), [[0, 1, 2, 3], [8, 9, 10, 11]])
    assert rows[2].shape == (0, 4)
    cells = tf.dynamic_partition(X34, [[0, 1, 0, 1], [1, 1, 0, 0], [0, 0, 0, 1]], 2)
    assert cells[0].numpy().tolist() == [0, 2, 6, 7, 8, 9, 10] and cells[1].numpy().tolist() == [1, 3, 4, 5, 11]
    with pytest.raises(InvalidArgumentError, match=r"partitions\[1\] = 2 is not in \[0, 2\)"):
        tf.dynamic_partition([10, 20], [0, 2], 2)
    with pytest.raises(InvalidArgumentError, match=r"data.shape = \[2\], partitions.shape = \[1\]"):
        tf.dynamic_partition([10, 20], [0], 2)


def test_dynamic_stitch_merges_with_later_values_winning():
    merged = tf.dynamic_stitch([[0, 4, 2], [1, 3]], [[10., 40., 20.], [11., 31.]])
    np.testing.assert_array_equal(merged.numpy(), [10, 11, 20, 31, 40])
    assert merged.dtype == tf.float32
    assert tf.dynamic_stitch([[0, 1], [1, 2]], [[1, 2], [3, 4]]).numpy().tolist() == [1, 3, 4]
    assert tf.dynamic_stitch([[0, 3]], [[1.0, 2.0]]).numpy().tolist() == [1, 0, 0, 2]  # gaps are zero
    rows = tf.dynamic_stitch([6, [4, 1], [[5, 2], [0, 3]]],
                             [[61., 62.], [[41., 42.], [11., 12.]], [[[51., 52.], [21., 22.]], [[1., 2.], [31., 32.]]]])
    np.testing.assert_array_equal(rows.numpy(), [[1, 2], [11, 12], [21, 22], [31, 32], [41, 42], [51, 52], [61, 62]])
    indices = tf.dynamic_partition(tf.range(5), [0, 1, 0, 1, 1], 2)
    values = tf.dynamic_partition([1., 2., 3., 4., 5.], [0, 1, 0, 1, 1], 2)
    assert tf.dynamic_stitch(indices, values).numpy().tolist() == [1, 2, 3, 4, 5]
    with pytest.raises(InvalidArgumentError, match=r"data\[0\].shape = \[3\] does not start with indices\[0\].shape"):
        tf.dynamic_stitch([[0, 3]], [[1.0, 2.0, 3.0]])


def test_dynamic_stitch_gradient_skips_overwritten_values():
    a, b = tf.constant([1.0, 2.0, 3.0]), tf.constant([4.0, 5.0])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = tf.reduce_sum(tf.dynamic_stitch([[0, 1, 2], [1, 3]], [a, b]) * [1.0, 2.0, 3.0, 4.0])
    ga, gb = tape.gradient(y, [a, b])
    # a[1] was overwritten by b[0], so it does not affect y (TensorFlow's gradient gives it 2.0 anyway).
    assert ga.numpy().tolist() == [1.0, 0.0, 3.0] and gb.numpy().tolist() == [2.0, 4.0]


def test_unravel_index():
    out = tf.unravel_index([22, 41, 37], [7, 6])
    np.testing.assert_array_equal(out.numpy(), [[3, 6, 6], [4, 5, 1]])
    assert out.dtype == tf.int32
    assert tf.unravel_index(5, [2, 3]).numpy().tolist() == [1, 2]
    wide = tf.unravel_index(tf.constant([5], tf.int64), tf.constant([2, 3], tf.int64))
    assert wide.dtype == tf.int64 and wide.numpy().tolist() == [[1], [2]]
    assert tf.unravel_index([-1], [2, 3]).numpy().tolist() == [[0], [-1]]  # TensorFlow's truncating arithmetic
    with pytest.raises(InvalidArgumentError, match="index is out of bound as with dims"):
        tf.unravel_index([6], [2, 3])
    with pytest.raises(InvalidArgumentError, match="Tidx"):
        tf.unravel_index([1.0], [2, 3])


def test_histograms():
    values = [-1.0, 0.0, 1.5, 2.0, 5.0, 15]
    assert tf.histogram_fixed_width(values, [0.0, 5.0], nbins=5).numpy().tolist() == [2, 1, 1, 0, 2]
    assert tf.histogram_fixed_width_bins(values, [0.0, 5.0], nbins=5).numpy().tolist() == [0, 0, 1, 2, 4, 4]
    assert tf.histogram_fixed_width(tf.constant([1, 2, 3, 9]), tf.constant([0, 10]), nbins=3).numpy().tolist() \
        == [3, 0, 1]
    wide = tf.histogram_fixed_width([1.0, 2.0], [0.0, 5.0], nbins=2, dtype=tf.int64)
    assert wide.dtype == tf.int64 and wide.numpy().tolist() == [2, 0]
    assert tf.histogram_fixed_width_bins([[1.0, 2.0], [3.0, 4.99]], [0.0, 5.0], nbins=5).numpy().tolist() \
        == [[1, 2], [3, 4]]
    # At a bin edge the two ops use different arithmetic, as in TensorFlow: 0.7 in float32 lands in bin 6
    # of the histogram (computed in double precision) but bin 7 of the bins op (computed in float32).
    x = tf.constant([0.3, 0.6, 0.7, 0.9], tf.float32)
    assert tf.histogram_fixed_width(x, [0.0, 1.0], nbins=10).numpy().tolist() == [0, 0, 0, 1, 0, 0, 2, 0, 1, 0]
    assert tf.histogram_fixed_width_bins([0.1 * 3, 0.6, 0.7, 1.0 - 1e-9], [0.0, 1.0], nbins=10).numpy().tolist() \
        == [3, 6, 7, 9]


def test_histogram_errors_are_tensorflows():
    with pytest.raises(InvalidArgumentError, match=r"value_range\[0\] < value_range\[1\], but got '\[5, 0\]'"):
        tf.histogram_fixed_width([1.0], [5.0, 0.0], nbins=2)
    with pytest.raises(InvalidArgumentError, match="nbins should be a positive number, but got '0'"):
        tf.histogram_fixed_width([1.0], [0.0, 5.0], nbins=0)
    with pytest.raises(InvalidArgumentError, match="Histogram values must not contain NaN"):
        tf.histogram_fixed_width([np.nan, 1.0], [0.0, 5.0], nbins=5)


GRADIENT_CASES = {
    "reverse_sequence": (lambda x: tf.reverse_sequence(x, [1, 2, 4], seq_axis=1, batch_axis=0), [(3, 4)]),
    "reverse_sequence_batch_last": (lambda x: tf.reverse_sequence(x, [3, 0], seq_axis=0, batch_axis=1), [(3, 2)]),
    "space_to_batch_nd": (lambda x: tf.space_to_batch_nd(x, [2, 2], [[1, 0], [0, 1]]), [(2, 3, 3, 1)]),
    "batch_to_space": (lambda x: tf.batch_to_space(x, [2, 2], [[0, 1], [1, 0]]), [(8, 2, 2, 1)]),
    "dynamic_partition": (lambda x: tf.dynamic_partition(x, [1, 0, 1], 2), [(3, 4)]),
    "dynamic_stitch": (lambda a, b: tf.dynamic_stitch([[0, 4, 2], [1, 3]], [a, b]), [(3, 2), (2, 2)]),
    "dynamic_stitch_duplicates": (lambda a, b: tf.dynamic_stitch([[0, 1, 2], [1, 3]], [a, b]), [(3,), (2,)]),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients_match_finite_differences(name):
    fn, shapes = GRADIENT_CASES[name]
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal(s) for s in shapes]
    check_gradient(fn, arrays)
    check_second_order(lambda *xs: tf.square(fn(*xs)) if not isinstance(fn(*xs), list)
                       else [tf.square(p) for p in fn(*xs)], arrays)


def test_recorded_gradients_equal_tensorflows():
    x = tf.constant(X34)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.reverse_sequence(x, [1, 2, 4], 1, 0) * np.arange(1.0, 13.0).reshape(3, 4))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[1, 2, 3, 4], [6, 5, 7, 8], [12, 11, 10, 9]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.concat(tf.dynamic_partition(x, [1, 0, 1], 2), 0) * np.arange(1.0, 13.0).reshape(3, 4))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[5, 6, 7, 8], [1, 2, 3, 4], [9, 10, 11, 12]])
