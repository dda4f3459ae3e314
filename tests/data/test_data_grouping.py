"""scan, unique, group_by_window, bucket_by_sequence_length and ignore_errors (expected values recorded from
TensorFlow 2.21)."""
import logging

import numpy as np
import pytest

import gradfit as tf
from dataset_values import values
from gradfit.errors import InvalidArgumentError

Dataset = tf.data.Dataset


def int64s(*xs):
    return Dataset.from_tensor_slices(np.array(xs, dtype=np.int64))


# ------------------------------------------------------------------------------------------------- scan
def test_scan_carries_a_state():
    assert values(Dataset.range(5).scan(np.int64(0), lambda s, x: (s + x, s * 10))) == [0, 0, 10, 30, 60]
    out = Dataset.range(4).scan((np.int64(0), 1.0), lambda s, x: ((s[0] + x, s[1] * 2), {"a": s[0], "b": s[1]}))
    assert values(out) == [{"a": 0, "b": 1.0}, {"a": 0, "b": 2.0}, {"a": 1, "b": 4.0}, {"a": 3, "b": 8.0}]
    assert values(Dataset.range(3).scan(0, lambda s, x: (s + tf.cast(x, tf.int32), s))) == [0, 0, 1]
    assert values(Dataset.range(3).scan([0, 1], lambda s, x: (s + 1, s))) == [[0, 1], [1, 2], [2, 3]]
    # The element goes to scan_func whole, a tuple included.
    pairs = Dataset.zip((Dataset.range(3), Dataset.range(3)))
    assert values(pairs.scan(np.int64(0), lambda s, x: (s + x[0], s))) == [0, 0, 1]
    growing = Dataset.range(3).scan(tf.zeros([0], tf.int64), lambda s, x: (tf.concat([s, [x]], 0), s))
    assert values(growing) == [[], [0], [0, 1]]
    assert int(Dataset.range(3).scan(np.int64(0), lambda s, x: (s, x)).cardinality()) == 3


def test_scan_errors():
    with pytest.raises(TypeError, match="The element types for the new state must match the initial state. "
                                        "Expected tf.int64, got tf.float32"):
        values(Dataset.range(3).scan(np.int64(0), lambda s, x: (tf.cast(s, tf.float32), s)))
    with pytest.raises(TypeError, match="`scan_func` should return a pair consisting of new state and the output"):
        values(Dataset.range(3).scan(np.int64(0), lambda s, x: s + x))
    with pytest.raises(TypeError, match="element structure for the new state"):
        values(Dataset.range(3).scan(np.int64(0), lambda s, x: ((s, s), s)))


# ----------------------------------------------------------------------------------------------- unique
def test_unique_keeps_first_appearances():
    assert values(Dataset.from_tensor_slices([3, 1, 3, 2, 1, 5]).unique()) == [3, 1, 2, 5]
    assert values(int64s(3, 3, 2).unique()) == [3, 2]
    assert values(Dataset.from_tensor_slices(["b", "a", "b", "c", "a"]).unique()) == [b"b", b"a", b"c"]
    assert values(Dataset.from_tensor_slices([[1, 2], [1, 2], [2, 1]]).unique()) == [[1, 2], [2, 1]]
    assert int(Dataset.from_tensor_slices([3, 1, 3]).unique().cardinality()) == tf.data.UNKNOWN_CARDINALITY


def test_unique_errors():
    with pytest.raises(TypeError, match=r"does not support type tf.float32 -- only `tf.int32`, `tf.int64`, and "
                                        r"`tf.string` are supported"):
        Dataset.from_tensor_slices([1.0, 1.0]).unique()
    with pytest.raises(TypeError, match="does not support type tf.uint8"):
        Dataset.from_tensor_slices(np.array([1, 1], np.uint8)).unique()
    with pytest.raises(InvalidArgumentError, match="only supports inputs with a single component"):
        Dataset.zip((Dataset.range(2), Dataset.range(2))).unique()


# -------------------------------------------------------------------------------------- group_by_window
def test_group_by_window():
    by_parity = Dataset.range(10).group_by_window(lambda x: x % 2, lambda k, w: w.batch(3), window_size=3)
    assert values(by_parity) == [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]
    assert by_parity.element_spec == tf.TensorSpec((None,), tf.int64)
    assert int(by_parity.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    sized = Dataset.range(10).group_by_window(lambda x: x % 2, lambda k, w: w.batch(5),
                                              window_size_func=lambda k: k + 2)
    assert values(sized) == [[0, 2], [1, 3, 5], [4, 6], [8], [7, 9]]
    keyed = Dataset.range(6).group_by_window(lambda x: x % 3, lambda k, w: w.map(lambda v: v * 0 + k), window_size=2)
    assert values(keyed) == [0, 0, 1, 1, 2, 2]
    pairs = Dataset.zip((Dataset.range(6), Dataset.range(6))).group_by_window(lambda x, y: x % 2,
                                                                              lambda k, w: w.batch(2), window_size=2)
    assert values(pairs) == [([0, 2], [0, 2]), ([1, 3], [1, 3]), ([4], [4]), ([5], [5])]


def test_group_by_window_flushes_the_groups_left_in_increasing_key_order():
    def flushed(*xs, key=lambda x: x):
        return values(int64s(*xs).group_by_window(key, lambda k, w: w.batch(10), window_size=10))

    assert flushed(5, 3, 9, 3, 1, 7, 0, 2, 8, 6, 4, key=lambda x: x % 5) == [[5, 0], [1, 6], [7, 2], [3, 3, 8], [9, 4]]
    assert flushed(14, 3, 100, 7, 22, 1000, 2) == [[2], [3], [7], [14], [22], [100], [1000]]
    assert flushed(3, -1, 2, -5) == [[-5], [-1], [2], [3]]


def test_group_by_window_errors():
    with pytest.raises(ValueError, match="Either the `window_size` argument or the `window_size_func` argument"):
        Dataset.range(10).group_by_window(lambda x: x % 2, lambda k, w: w.batch(5))
    with pytest.raises(ValueError, match="Either the `window_size` argument or the `window_size_func` argument"):
        Dataset.range(10).group_by_window(lambda x: x % 2, lambda k, w: w, window_size=2, window_size_func=lambda k: k)
    with pytest.raises(ValueError, match="tf.int64"):
        values(Dataset.range(10).group_by_window(lambda x: tf.cast(x % 2, tf.int32), lambda k, w: w, window_size=2))
    with pytest.raises(TypeError, match="`reduce_func` must return a single `tf.data.Dataset` object"):
        values(Dataset.range(10).group_by_window(lambda x: x % 2, lambda k, w: k, window_size=2))
    with pytest.raises(InvalidArgumentError, match="Window size must be greater than zero, but got 0"):
        values(Dataset.range(6).group_by_window(lambda x: x % 2, lambda k, w: w, window_size=0))
    with pytest.raises(InvalidArgumentError, match="Window size must be greater than zero, but got 0"):
        values(Dataset.range(6).group_by_window(lambda x: x % 2, lambda k, w: w, window_size_func=lambda k: k * 0))


# ---------------------------------------------------------------------------- bucket_by_sequence_length
ELEMENTS = [[0], [1, 2, 3, 4], [5, 6, 7], [7, 8, 9, 10, 11], [13, 14, 15, 16, 19, 20], [21, 22]]


def ragged():
    return Dataset.from_generator(lambda: iter(ELEMENTS), output_signature=tf.TensorSpec((None,), tf.int64))


def length(e):
    return tf.shape(e)[0]


def test_bucket_by_sequence_length_pads_each_batch():
    buckets = ragged().bucket_by_sequence_length(length, [3, 5], [2, 2, 2])
    assert values(buckets) == [[[1, 2, 3, 4], [5, 6, 7, 0]], [[7, 8, 9, 10, 11, 0], [13, 14, 15, 16, 19, 20]],
                               [[0, 0], [21, 22]]]
    assert buckets.element_spec == tf.TensorSpec((None, None), tf.int64)
    assert values(ragged().bucket_by_sequence_length(length, [3, 5], [2, 2, 2], padding_values=np.int64(-1))) == [
        [[1, 2, 3, 4], [5, 6, 7, -1]], [[7, 8, 9, 10, 11, -1], [13, 14, 15, 16, 19, 20]], [[0, -1], [21, 22]]]
    assert values(ragged().bucket_by_sequence_length(length, [3, 5], [2, 2, 2], padded_shapes=[8])) == [
        [[1, 2, 3, 4, 0, 0, 0, 0], [5, 6, 7, 0, 0, 0, 0, 0]],
        [[7, 8, 9, 10, 11, 0, 0, 0], [13, 14, 15, 16, 19, 20, 0, 0]],
        [[0, 0, 0, 0, 0, 0, 0, 0], [21, 22, 0, 0, 0, 0, 0, 0]]]
    assert values(ragged().bucket_by_sequence_length(length, [3, 7], [2, 2, 2], pad_to_bucket_boundary=True)) == [
        [[1, 2, 3, 4, 0, 0], [5, 6, 7, 0, 0, 0]], [[7, 8, 9, 10, 11, 0], [13, 14, 15, 16, 19, 20]], [[0, 0], [21, 22]]]
    assert values(ragged().bucket_by_sequence_length(length, [3, 5], [3, 3, 1], drop_remainder=True)) == [
        [[7, 8, 9, 10, 11]], [[13, 14, 15, 16, 19, 20]]]
    # Boundaries are taken as given: bucket i holds lengths in [boundaries[i-1], boundaries[i]).
    assert values(ragged().bucket_by_sequence_length(length, [5, 3], [2, 2, 2])) == [
        [[0, 0, 0, 0], [1, 2, 3, 4]], [[7, 8, 9, 10, 11, 0], [13, 14, 15, 16, 19, 20]], [[5, 6, 7], [21, 22, 0]]]


def test_bucket_by_sequence_length_variants():
    plain = Dataset.range(10).bucket_by_sequence_length(lambda e: tf.cast(e, tf.int32), [3, 5], [2, 2, 2],
                                                        no_padding=True)
    assert values(plain) == [[0, 1], [3, 4], [5, 6], [7, 8], [2], [9]]
    assert plain.element_spec == tf.TensorSpec((None,), tf.int64)
    pairs = Dataset.zip((ragged(), Dataset.range(6))).bucket_by_sequence_length(lambda e, i: tf.shape(e)[0], [3, 5],
                                                                                [2, 2, 2])
    assert values(pairs) == [([[1, 2, 3, 4], [5, 6, 7, 0]], [1, 2]),
                             ([[7, 8, 9, 10, 11, 0], [13, 14, 15, 16, 19, 20]], [3, 4]), ([[0, 0], [21, 22]], [0, 5])]
    many = Dataset.range(40).map(lambda x: tf.range(x % 7)).bucket_by_sequence_length(length, [2, 4, 6], [3, 2, 4, 1])
    assert values(many)[:5] == [[[0, 1, 0], [0, 1, 2]], [[0, 1, 2, 3, 4, 5]], [[0], [0], [0]],
                                [[0, 1, 0], [0, 1, 2]], [[0, 1, 2, 3, 0], [0, 1, 2, 3, 4], [0, 1, 2, 3, 0],
                                                         [0, 1, 2, 3, 4]]]
    assert len(values(many)) == 18


def test_bucket_by_sequence_length_errors():
    with pytest.raises(ValueError, match=r"`len\(bucket_batch_sizes\)` must equal `len\(bucket_boundaries\) \+ 1` but "
                                         r"`len\(bucket_batch_sizes\)=2` and `len\(bucket_boundaries\)=2`"):
        ragged().bucket_by_sequence_length(length, [3, 5], [2, 2])
    with pytest.raises(InvalidArgumentError, match=r"elements must have length < max\(bucket_boundaries\)"):
        values(ragged().bucket_by_sequence_length(length, [3, 5], [2, 2, 2], pad_to_bucket_boundary=True))


# ------------------------------------------------------------------------------------------ ignore_errors
def inverse(x):
    return tf.debugging.check_numerics(1.0 / x, "boom")


@pytest.mark.filterwarnings("ignore:divide by zero")
def test_ignore_errors_drops_failing_elements():
    assert values(Dataset.from_tensor_slices([1.0, 2.0, 0.0, 4.0]).map(inverse).ignore_errors()) == [1.0, 0.5, 0.25]
    parallel = Dataset.from_tensor_slices([1.0, 2.0, 0.0, 4.0, 0.0, 5.0]).map(inverse, num_parallel_calls=3)
    assert values(parallel.ignore_errors()) == pytest.approx([1.0, 0.5, 0.25, 0.2])
    kept = Dataset.from_tensor_slices([1.0, 2.0, 0.0, 4.0]).filter(lambda x: inverse(x) > 0)
    assert values(kept.ignore_errors()) == [1.0, 2.0, 4.0]
    flat = Dataset.from_tensor_slices([1.0, 0.0, 4.0]).flat_map(lambda x: Dataset.from_tensors(inverse(x)))
    assert values(flat.ignore_errors()) == [1.0, 0.25]
    assert int(Dataset.from_tensor_slices([1.0, 2.0]).ignore_errors().cardinality()) == tf.data.UNKNOWN_CARDINALITY
    with pytest.raises(InvalidArgumentError, match="boom"):
        values(Dataset.from_tensor_slices([1.0, 0.0]).map(inverse))


def test_ignore_errors_ends_a_generator_that_raised(caplog):
    def generate():
        yield 1.0
        yield 2.0
        raise ValueError("broken source")

    source = Dataset.from_generator(generate, output_signature=tf.TensorSpec((), tf.float32))
    with caplog.at_level(logging.WARNING, logger="gradfit.data"):
        assert values(source.ignore_errors(log_warning=True)) == [1.0, 2.0]
    assert "broken source" in caplog.text
    bad_values = Dataset.from_generator(lambda: iter([1.0, "x", 3.0]), output_signature=tf.TensorSpec((), tf.float32))
    assert values(bad_values.ignore_errors()) == [1.0, 3.0]


@pytest.mark.filterwarnings("ignore:divide by zero")
def test_experimental_transformations_for_apply():
    experimental = tf.data.experimental
    broken = Dataset.from_tensor_slices([1.0, 2.0, 0.0, 4.0]).map(inverse)
    assert values(broken.apply(experimental.ignore_errors())) == [1.0, 0.5, 0.25]
    assert values(Dataset.range(4).apply(experimental.scan(np.int64(0), lambda s, x: (s + x, s)))) == [0, 0, 1, 3]
    assert values(int64s(2, 2, 1).apply(experimental.unique())) == [2, 1]
    grouped = Dataset.range(6).apply(experimental.group_by_window(lambda x: x % 2, lambda k, w: w.batch(3), 3))
    assert values(grouped) == [[0, 2, 4], [1, 3, 5]]
    # tf.data.experimental.choose_from_datasets skips exhausted datasets by default (the method stops).
    picks = int64s(0, 0, 0, 1)
    assert values(experimental.choose_from_datasets([Dataset.range(2), Dataset.range(10, 12)], picks)) == [0, 1, 10]
    assert values(Dataset.choose_from_datasets([Dataset.range(2), Dataset.range(10, 12)], picks)) == [0, 1]
    assert values(experimental.Counter(3).take(2)) == [3, 4]
    assert values(experimental.RandomDataset(seed=1).take(2)) == values(Dataset.random(seed=1).take(2))
