"""tf.debugging assertions: the messages TensorFlow 2.21's eager code gives, recorded on the same inputs."""
import numpy as np
import pytest

import gradfit as tf
from gradfit.errors import InvalidArgumentError


def message(fn, *args, **kwargs):
    with pytest.raises(InvalidArgumentError) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_passing_assertions_return_none():
    assert tf.debugging.assert_equal([1, 2], [1, 2]) is None
    assert tf.assert_greater([1, 2], [0, 1]) is None
    assert tf.assert_less(tf.zeros([0]), tf.zeros([0])) is None  # nothing to compare
    assert tf.assert_rank(tf.zeros([2, 3]), 2) is None
    assert tf.debugging.assert_rank(3.0, 0) is None
    assert tf.debugging.assert_positive([1, 2]) is None


def test_failed_comparison_reports_the_first_differences():
    assert message(tf.debugging.assert_equal, [1, 2, 3], [1, 5, 3]) == (
        "Condition x == y did not hold.\nIndices of first 1 different values:\n[[1]]\nCorresponding x values:\n[2]\n"
        "Corresponding y values:\n[5]\nFirst 3 elements of x:\n[1 2 3]\nFirst 3 elements of y:\n[1 5 3]")
    assert message(tf.debugging.assert_equal, [1, 2, 3], [1, 5, 3], message="my msg").startswith(
        "my msg\nCondition x == y did not hold.\n")
    assert message(tf.debugging.assert_equal, [[1, 2], [3, 4]], [[1, 0], [3, 0]]) == (
        "Condition x == y did not hold.\nIndices of first 2 different values:\n[[0 1]\n [1 1]]\n"
        "Corresponding x values:\n[2 4]\nCorresponding y values:\n[0 0]\nFirst 3 elements of x:\n[1 2 3]\n"
        "First 3 elements of y:\n[1 0 3]")
    assert message(tf.debugging.assert_equal, [1.5, 2.25], [1.5, 2.0]).endswith(
        "First 2 elements of x:\n[1.5  2.25]\nFirst 2 elements of y:\n[1.5 2. ]")
    assert message(tf.debugging.assert_equal, tf.constant(["a"]), tf.constant(["b"])).endswith(
        "First 1 elements of x:\n[b'a']\nFirst 1 elements of y:\n[b'b']")


def test_different_shapes_show_only_the_first_elements():
    assert message(tf.debugging.assert_equal, tf.constant([1.5, 2.0]), 1.5) == (
        "Condition x == y did not hold.\nFirst 2 elements of x:\n[1.5 2. ]\nFirst 1 elements of y:\n[1.5]")
    assert message(tf.assert_equal, 1, 2) == (
        "Condition x == y did not hold.\nFirst 1 elements of x:\n[1]\nFirst 1 elements of y:\n[2]")
    assert message(tf.debugging.assert_equal, [[1, 2], [1, 2]], [1, 3]) == (
        "Condition x == y did not hold.\nFirst 3 elements of x:\n[1 2 1]\nFirst 2 elements of y:\n[1 3]")


def test_summarize_limits_what_is_shown():
    assert message(tf.debugging.assert_equal, tf.range(10), tf.range(10) * 0, summarize=2) == (
        "Condition x == y did not hold.\nIndices of first 2 different values:\n[[1]\n [2]]\n"
        "Corresponding x values:\n[1 2]\nCorresponding y values:\n[0 0]\nFirst 2 elements of x:\n[0 1]\n"
        "First 2 elements of y:\n[0 0]")
    assert message(tf.debugging.assert_equal, tf.range(5), tf.zeros(5, tf.int32), summarize=-1).endswith(
        "First 5 elements of x:\n[0 1 2 3 4]\nFirst 5 elements of y:\n[0 0 0 0 0]")
    assert message(tf.debugging.assert_equal, tf.range(5), tf.zeros(5, tf.int32), summarize=0) == \
        "Condition x == y did not hold."


def test_every_comparison_names_its_condition():
    for fn, symbol, x, y in [(tf.assert_greater, ">", [1, 2], [0, 3]), (tf.assert_less, "<", [1, 2], [2, 2]),
                             (tf.debugging.assert_greater_equal, ">=", [1, 2], [2, 2]),
                             (tf.debugging.assert_less_equal, "<=", [3, 2], [2, 2]),
                             (tf.debugging.assert_none_equal, "!=", [1, 2], [1, 3])]:
        assert message(fn, x, y).startswith(f"Condition x {symbol} y did not hold.\nIndices of first 1 different")


def test_comparing_mismatched_tensors_is_an_op_error():
    assert message(tf.debugging.assert_equal, [1, 2, 3], [1, 2]) == "Incompatible shapes: [3] vs. [2]"
    assert message(tf.debugging.assert_equal, tf.constant([1.0]), tf.constant([1])) == (
        "cannot compute Equal as input #1(zero-based) was expected to be a float tensor but is a int32 tensor")
    assert message(tf.debugging.assert_less, tf.constant([1.0, 2.5], tf.float64), 2.0) == (
        "cannot compute Less as input #1(zero-based) was expected to be a double tensor but is a float tensor")


def test_sign_assertions():
    assert message(tf.debugging.assert_positive, [1, -2, 0]) == (
        "\nCondition x > 0 did not hold element-wise:\nx (shape=(3,) dtype=int32) = \n['1', '-2', '0']")
    assert message(tf.debugging.assert_positive, [1, -2, 0], message="m").startswith("m.  \nCondition x > 0")
    assert "Condition x < 0 did not hold element-wise" in message(tf.debugging.assert_negative, [1, -2])
    assert "Condition x >= 0 did not hold element-wise" in message(tf.debugging.assert_non_negative, [1, -2])
    assert "Condition x <= 0 did not hold element-wise" in message(tf.debugging.assert_non_positive, [1, -2])


def test_rank_assertions():
    assert message(tf.assert_rank, tf.zeros([2, 3]), 1) == "Tensor  must have rank 1.  Received rank 2, shape (2, 3)"
    assert message(tf.debugging.assert_rank, tf.zeros([2, 3]), 1, message="hey") == (
        "hey.  Tensor  must have rank 1.  Received rank 2, shape (2, 3)")
    assert message(tf.debugging.assert_rank, tf.zeros([2, 3]), tf.constant(3)).startswith("Tensor  must have rank 3.")
    assert message(tf.debugging.assert_rank, [1, 2], 2) == "Tensor  must have rank 2.  Received rank 1, shape (2,)"
    assert message(tf.debugging.assert_rank, tf.zeros([2, 3]), [2]) == "Rank must be a scalar."
    assert message(tf.debugging.assert_rank_at_least, tf.zeros([2]), 2) == (
        "Tensor  must have rank at least 2.  Received rank 1, shape (2,)")
    assert message(tf.debugging.assert_rank_in, tf.zeros([2]), [2, 3]) == (
        "Tensor  must have rank in (2, 3).  Received rank 1, shape (2,)")
    # TensorFlow raises ValueError for ranks; InvalidArgumentError is one, so either `except` catches it.
    with pytest.raises(ValueError):
        tf.assert_rank(tf.zeros([2]), 2)


def test_assert_type():
    with pytest.raises(TypeError, match="tensor must be of type tf.float32; got tf.int32"):
        tf.debugging.assert_type(tf.constant(1), tf.float32)
    assert tf.debugging.assert_type(tf.constant(1.0), tf.float32) is None


def test_assertions_see_values_not_tapes():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        tf.debugging.assert_less(x, 3.0)
        y = tf.reduce_sum(x * x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0])
