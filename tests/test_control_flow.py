"""tf.cond, tf.while_loop, tf.map_fn, tf.scan and friends: values as TensorFlow gives them, and gradients
through the branch taken and every iteration."""
import numpy as np
import pytest

import gradfit as tf
from gradfit.errors import InvalidArgumentError


def values(structure):
    return tf.nest.map_structure(lambda t: np.asarray(t).tolist(), structure)


X = np.arange(6.0, dtype=np.float32).reshape(3, 2)


def test_cond_takes_one_branch_and_differentiates_through_it():
    w = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        big = tf.cond(w > 1.0, lambda: w * w, lambda: -w)
        small = tf.cond(w > 5.0, lambda: w * w, lambda: -w)
    assert float(big) == 9.0 and float(small) == -3.0
    assert float(tape.gradient(big, w)) == 6.0 and float(tape.gradient(small, w)) == -1.0
    assert values(tf.cond(tf.constant(False), lambda: (1, 2), lambda: (3, 4))) == (3, 4)
    with pytest.raises(InvalidArgumentError, match=r"scalar, got shape \(2,\)"):
        tf.cond(tf.constant([True, False]), lambda: 1, lambda: 2)
    with pytest.raises(TypeError, match="'false_fn' argument required"):
        tf.cond(True, lambda: 1)


def test_while_loop_keeps_the_structure_of_its_loop_variables():
    i, s = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s * 2.0), (tf.constant(0), tf.constant(1.0)))
    assert (int(i), float(s)) == (5, 32.0) and i.dtype == tf.int32
    out = tf.while_loop(lambda i, d: i < 3, lambda i, d: (i + 1, {"a": d["a"] + 1.0}), (0, {"a": tf.constant(0.0)}))
    assert values(out) == (3, {"a": 3.0})
    assert values(tf.while_loop(lambda i: i < 10, lambda i: (i + 3,), (0,), maximum_iterations=2)) == (6,)
    assert values(tf.while_loop(lambda i: i < 0, lambda i: (i + 1,), [5])) == [5]
    with pytest.raises(ValueError, match="structure of `loop_vars`"):
        tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1,), (0, 1.0))


def test_while_loop_gradient_runs_through_every_iteration():
    w = tf.Variable(1.5)
    with tf.GradientTape() as tape:
        _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * w), (0, tf.constant(2.0)))
    np.testing.assert_allclose(float(y), 2.0 * 1.5 ** 3)
    np.testing.assert_allclose(float(tape.gradient(y, w)), 2.0 * 3 * 1.5 ** 2)


def test_map_fn_and_vectorized_map_stack_per_element_results():
    assert values(tf.map_fn(lambda r: tf.reduce_sum(r), X)) == [1.0, 5.0, 9.0]
    assert values(tf.map_fn(lambda t: t[0] * t[1], (X, X))) == [[0.0, 1.0], [4.0, 9.0], [16.0, 25.0]]
    pairs = tf.map_fn(lambda r: (r[0], r[1] * 2), X)
    assert values(pairs) == ([0.0, 2.0, 4.0], [2.0, 6.0, 10.0])
    assert values(tf.vectorized_map(lambda r: r * 2, X)) == (X * 2).tolist()
    w = tf.Variable([1.0, -1.0])
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.map_fn(lambda r: tf.square(r * w), tf.constant(X)))
    np.testing.assert_allclose(tape.gradient(total, w), (2 * X ** 2 * [1.0, -1.0]).sum(axis=0))


def test_scan_and_folds_as_tensorflow():
    assert values(tf.scan(lambda a, r: a + r, X)) == [[0.0, 1.0], [2.0, 4.0], [6.0, 9.0]]
    assert values(tf.scan(lambda a, r: a + r, X, reverse=True)) == [[6.0, 9.0], [6.0, 8.0], [4.0, 5.0]]
    assert values(tf.scan(lambda a, r: a + tf.reduce_sum(r), X, initializer=tf.constant(1.0))) == [2.0, 7.0, 16.0]
    out = tf.scan(lambda a, r: (a[0] + 1.0, a[1] * 2.0), X, initializer=(tf.constant(0.0), tf.constant(1.0)))
    assert values(out) == ([1.0, 2.0, 3.0], [2.0, 4.0, 8.0])
    assert values(tf.foldl(lambda a, r: a + r, X)) == [6.0, 9.0]
    assert values(tf.foldr(lambda a, r: a - r, X)) == [2.0, 1.0]
    assert values(tf.foldl(lambda a, r: a + tf.reduce_sum(r), X, initializer=0.0)) == 15.0


def test_switch_case_runs_the_indexed_branch_else_the_default_or_last():
    branches = [lambda: tf.constant(1), lambda: tf.constant(2), lambda: tf.constant(3)]
    assert int(tf.switch_case(tf.constant(1), branches)) == 2
    assert int(tf.switch_case(7, branches)) == 3
    assert int(tf.switch_case(7, branches, default=lambda: tf.constant(9))) == 9
    assert int(tf.switch_case(1, {0: lambda: tf.constant(5), 1: lambda: tf.constant(6)})) == 6


def test_numpy_and_python_functions_inside_a_computation():
    doubled = tf.numpy_function(lambda a: a * 2, [X], tf.float32)
    assert doubled.dtype == tf.float32 and values(doubled) == (X * 2).tolist()
    cast = tf.numpy_function(lambda a: a.astype(np.float64), [X], tf.float32)
    assert cast.dtype == tf.float32
    first, total = tf.numpy_function(lambda a: [a, a.sum()], [X], [tf.float32, tf.float32])
    assert values(total) == 15.0 and first.shape == (3, 2)
    assert float(tf.py_function(lambda a: 3.0, [X], tf.float32)) == 3.0
    w = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.py_function(lambda a: a * w, [tf.constant(2.0)], tf.float32)
        z = tf.numpy_function(lambda a: a, [y], tf.float32)  # NumPy code has no gradient
    assert float(tape.gradient(y, w)) == 2.0
    assert tape.gradient(z, w) is None
