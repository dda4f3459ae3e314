"""Segment reductions: values, empty segments, dropped negative ids, errors and tie-sharing gradients
as TensorFlow gives them."""
import numpy as np
import pytest

import gradfit as tf
from gradfit.errors import InvalidArgumentError

from gradcheck import check_gradient, check_second_order

D = np.array([[1., 2.], [3., -4.], [5., 6.], [7., 8.]], np.float32)
LOWEST = np.finfo(np.float32).min


@pytest.mark.parametrize("call, expected", [
    (lambda: tf.math.unsorted_segment_sum(D, [0, 2, 0, -1], 4), [[6, 8], [0, 0], [3, -4], [0, 0]]),
    (lambda: tf.math.unsorted_segment_mean(D, [0, 2, 0, -1], 4), [[3, 4], [0, 0], [3, -4], [0, 0]]),
    (lambda: tf.math.unsorted_segment_max(D, [0, 2, 0, 1], 4), [[5, 6], [7, 8], [3, -4], [LOWEST, LOWEST]]),
    (lambda: tf.math.unsorted_segment_min(D, [0, 2, 0, 1], 3), [[1, 2], [7, 8], [3, -4]]),
    (lambda: tf.math.segment_sum(D, [0, 0, 2, 2]), [[4, -2], [0, 0], [12, 14]]),
    (lambda: tf.math.segment_mean(D, [0, 0, 2, 2]), [[2, -1], [0, 0], [6, 7]]),
    (lambda: tf.math.segment_max(D, [0, 0, 2, 2]), [[3, 2], [0, 0], [7, 8]]),
    (lambda: tf.math.segment_min(D, [0, 1, 1, 3]), [[1, 2], [3, -4], [0, 0], [7, 8]]),
    (lambda: tf.math.unsorted_segment_sum(D, [[0, 1], [1, 0], [2, 2], [0, 0]], 3), [12, 5, 11]),
    (lambda: tf.math.unsorted_segment_max(np.array([1, 5, 3], np.int32), [0, 0, 2], 3), [5, -2**31, 3]),
    (lambda: tf.math.segment_prod(D, [0, 0, 2, 2]), [[3, -8], [1, 1], [35, 48]]),
    (lambda: tf.math.unsorted_segment_prod(D, [0, -1, 2, 0], 4), [[7, 16], [1, 1], [5, 6], [1, 1]]),
    (lambda: tf.math.unsorted_segment_prod(np.array([1, 2, 3, -4], np.int32), [0, 0, 1, 1], 3), [2, -12, 1]),
    (lambda: tf.math.unsorted_segment_sqrt_n(np.array([1., 2., 3.], np.float32), [1, 1, 1], 2), [0, 6 / np.sqrt(3)]),
    (lambda: tf.math.unsorted_segment_sqrt_n(D, [0, 0, -1, 2], 3), [[4 / np.sqrt(2), -2 / np.sqrt(2)], [0, 0], [7, 8]]),
])
def test_segment_reductions(call, expected):
    np.testing.assert_allclose(call(), np.array(expected, dtype=np.asarray(call()).dtype), rtol=1e-7)


def test_segment_errors_name_the_ids():
    with pytest.raises(InvalidArgumentError, match="sorted"):
        tf.math.segment_sum(D, [1, 0, 2, 2])
    with pytest.raises(InvalidArgumentError, match=r"segment id 5 is out of range \[0, 3\)"):
        tf.math.unsorted_segment_sum(D, [0, 5, 0, 1], 3)
    with pytest.raises(InvalidArgumentError, match="prefix of data shape"):
        tf.math.unsorted_segment_sum(D, [0, 1], 3)


def test_segment_gradients_share_ties_as_tensorflow():
    w = tf.Variable(D)
    with tf.GradientTape(persistent=True) as tape:
        a = tf.reduce_sum(tf.math.unsorted_segment_max(w, [0, 0, 1, 1], 2) * [[1., 2.], [3., 4.]])
        b = tf.reduce_sum(tf.math.unsorted_segment_mean(w, [0, 1, 1, 1], 2) * [[1., 2.], [3., 4.]])
        c = tf.reduce_sum(tf.math.segment_min(tf.concat([w, w[:1]], 0), [0, 0, 1, 1, 1]))
    np.testing.assert_allclose(tape.gradient(a, w), [[0, 2], [1, 0], [0, 0], [3, 4]])
    np.testing.assert_allclose(tape.gradient(b, w), [[1, 2], [1, 4 / 3], [1, 4 / 3], [1, 4 / 3]], rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(c, w), [[2, 1], [0, 1], [0, 0], [0, 0]])
    assert tf.keras.ops.segment_max(D, np.array([1, 1, 0, 0])).numpy().tolist() == [[7, 8], [3, 2]]


def test_segment_prod_gradient_handles_zeros_as_tensorflow():
    # A segment's product over each row: with one zero only that zero gets the product of the others,
    # with two zeros nobody gets anything (TensorFlow's values).
    x = tf.Variable(np.array([1., 0., 2., 0., -3.]))
    y = tf.Variable(np.array([1., 0., 2., 4., -3.]))
    z = tf.Variable(np.array([1., 5., 2., 0., 0.]))
    with tf.GradientTape(persistent=True) as tape:
        a = tf.reduce_sum(tf.math.segment_prod(x, [0, 0, 1, 1, 2]) * [1., 2., 3.])
        b = tf.reduce_sum(tf.math.segment_prod(y, [0, 0, 0, 1, 1]) * [1., 2.])
        c = tf.reduce_sum(tf.math.unsorted_segment_prod(z, [0, -1, 0, 2, 2], 3) * [1., 2., 3.])
        d = tf.reduce_sum(tf.math.unsorted_segment_sqrt_n(z, [0, -1, 0, 2, 2], 3) * [1., 2., 3.])
    np.testing.assert_array_equal(tape.gradient(a, x), [0, 1, 0, 4, 3])
    np.testing.assert_array_equal(tape.gradient(b, y), [0, 2, 0, -6, 8])
    np.testing.assert_array_equal(tape.gradient(c, z), [2, 0, 1, 0, 0])
    np.testing.assert_allclose(tape.gradient(d, z), [2 ** -0.5, 0, 2 ** -0.5, 3 * 2 ** -0.5, 3 * 2 ** -0.5])


def test_segment_sqrt_n_refuses_integers():
    with pytest.raises(InvalidArgumentError, match="floating-point"):
        tf.math.unsorted_segment_sqrt_n(np.array([1, 2], np.int32), [0, 0], 1)


@pytest.mark.parametrize("fn", [
    lambda x: tf.math.unsorted_segment_prod(x, [2, 0, 2, -1, 0], 3),
    lambda x: tf.math.segment_prod(x, [0, 0, 1, 3, 3]),
    lambda x: tf.math.unsorted_segment_sqrt_n(x, [1, 1, 0, 1, -1], 3),
])
def test_new_segment_gradients_match_finite_differences(fn):
    rng = np.random.default_rng(0)
    check_gradient(fn, [np.sign(rng.standard_normal((5, 2))) * rng.uniform(0.5, 2.0, (5, 2))])
    check_second_order(fn, [rng.uniform(0.5, 2.0, (5, 2))])
