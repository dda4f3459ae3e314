"""Small TensorFlow functions code brings along: graph constructs as they behave eagerly, checks, gradient
wrappers and TensorFlow's own initializers. Expected values were recorded from TensorFlow 2.21."""
import logging

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.errors import InvalidArgumentError, NotFoundError

from gradcheck import check_gradient, check_second_order


def test_graph_constructs_do_what_eager_tensorflow_does():
    assert tf.no_op() is None and tf.group(tf.constant(1), [tf.constant(2)]) is None
    tensors = [tf.constant(1), None, tf.constant(2.0)]
    assert tf.tuple(tensors) is tensors
    with tf.control_dependencies([tf.constant(1)]) as scope:
        assert scope is None
    with tf.control_dependencies(None), tf.init_scope() as scope:
        assert scope is None and tf.inside_function() is False
    with pytest.raises(ValueError, match="Unknown keyword"):
        tf.group(tf.constant(1), control_inputs=[])


def test_get_static_value():
    value = tf.get_static_value(tf.constant([1, 2]))
    assert isinstance(value, np.ndarray) and value.dtype == np.int32 and value.tolist() == [1, 2]
    assert tf.get_static_value(tf.constant(3.5)) == np.float32(3.5)
    assert tf.get_static_value(tf.Variable([1, 2])) is None  # a variable can change
    assert tf.get_static_value([1, 2]) == [1, 2] and tf.get_static_value(3) == 3


def test_logger_and_timestamp():
    assert isinstance(tf.get_logger(), logging.Logger)
    t = tf.timestamp()
    assert t.dtype == tf.float64 and t.shape == () and abs(float(t) - __import__("time").time()) < 60


def test_ensure_shape():
    x = tf.zeros([2, 3])
    assert tf.ensure_shape(x, [None, 3]).shape == (2, 3)
    assert tf.ensure_shape(x, tf.TensorShape([2, None])).shape == (2, 3)
    assert tf.ensure_shape(x, None).shape == (2, 3)
    assert tf.ensure_shape([1.0, 2.0], [2]).dtype == tf.float32
    with pytest.raises(InvalidArgumentError,
                       match=r"Shape of tensor input \[2,3\] is not compatible with expected shape \[\?,4\]\."):
        tf.ensure_shape(x, [None, 4])
    with pytest.raises(InvalidArgumentError, match=r"input \[\] is not compatible with expected shape \[1\]"):
        tf.ensure_shape(tf.zeros([]), [1])


def test_identity_n():
    a, b = tf.identity_n([tf.constant(1), tf.constant([2.0])])
    assert a.dtype == tf.int32 and b.numpy().tolist() == [2.0]
    with pytest.raises(TypeError, match="Cannot iterate over a scalar tensor"):
        tf.identity_n(tf.constant(1))


def test_scalar_mul_converts_the_scalar_to_the_tensors_dtype():
    assert tf.scalar_mul(2, tf.constant([1, 2])).numpy().tolist() == [2, 4]
    doubled = tf.scalar_mul(np.float64(2.0), tf.constant([1.0, 2.0]))
    assert doubled.dtype == tf.float32 and doubled.numpy().tolist() == [2.0, 4.0]
    with pytest.raises(TypeError, match="Cannot convert 2.5 to EagerTensor of dtype int32"):
        tf.scalar_mul(2.5, tf.constant([1, 2]))
    with pytest.raises(ValueError, match=r"The input scalar must be a 0-D value. Received shape \(2,\)"):
        tf.scalar_mul(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype float64"):
        tf.scalar_mul(tf.constant(2.0, tf.float64), tf.constant([1.0, 2.0]))


def test_realdiv():
    assert tf.realdiv(tf.constant([1.0, 3.0]), tf.constant([2.0, 2.0])).numpy().tolist() == [0.5, 1.5]
    assert tf.realdiv(1.0, 2.0).dtype == tf.float32
    with np.errstate(all="ignore"):
        out = tf.realdiv(tf.constant([1.0, 0.0]), 0.0).numpy()
    assert out[0] == np.inf and np.isnan(out[1])
    with pytest.raises(NotFoundError):
        tf.realdiv(tf.constant([7, -7]), tf.constant([2, 2]))
    with pytest.raises(InvalidArgumentError, match="expected to be a float tensor but is a double tensor"):
        tf.realdiv(tf.constant([1.0]), tf.constant([2.0], tf.float64))


def test_case_takes_the_first_true_branch():
    t, f = tf.constant(True), tf.constant(False)
    one, two, three = (lambda: tf.constant(1)), (lambda: tf.constant(2)), (lambda: tf.constant(3))
    assert int(tf.case([(f, one), (t, two)], default=three)) == 2
    assert int(tf.case([(f, one)], default=three)) == 3
    assert int(tf.case([(t, one), (t, two)])) == 1
    assert int(tf.case([(t, one), (t, two)], exclusive=True)) == 1  # TensorFlow 2.21 does not raise here either
    with pytest.raises(InvalidArgumentError, match="None of conditions evaluated as True: False, False"):
        tf.case([(f, one), (f, two)])
    with pytest.raises(TypeError, match="pred must be a Tensor, got: True"):
        tf.case([(True, one)], default=three)
    with pytest.raises(TypeError, match="must be a 2-tuple"):
        tf.case([t], default=three)
    with pytest.raises(ValueError, match="scalar"):
        tf.case([(tf.constant([True, False]), one)], default=three)


def test_grad_pass_through_gives_the_identity_gradient():
    x = tf.constant([0.4, 1.6])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.grad_pass_through(tf.round)(x)
        loss = tf.reduce_sum(y * [1.0, 2.0])
    assert y.numpy().tolist() == [0.0, 2.0] and tape.gradient(loss, x).numpy().tolist() == [1.0, 2.0]
    # TensorFlow's documented example: the gradient of an assignment, as if it were the identity.
    target, z = tf.Variable(1.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.grad_pass_through(target.assign)(z ** 2)
    assert float(tape.gradient(y, z)) == 6.0 and float(target) == 9.0
    a, b = tf.constant([0.4, 1.6]), tf.constant(2.3)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        ya, yb = tf.grad_pass_through(lambda p, q: (tf.round(p), tf.floor(q)))(a, b)
        loss = tf.reduce_sum(ya * [1.0, 2.0]) + 5.0 * yb
    ga, gb = tape.gradient(loss, [a, b])
    assert ga.numpy().tolist() == [1.0, 2.0] and float(gb) == 5.0 and float(yb) == 2.0


def test_recompute_grad_keeps_values_and_gradients():
    v = tf.Variable([1.0, 2.0])
    f = tf.recompute_grad(lambda z: tf.reduce_sum(tf.sin(z * v)))
    x = tf.constant([0.5, 0.25])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    gx, gv = tape.gradient(y, [x, v])
    np.testing.assert_allclose(gx.numpy(), [0.87758255, 1.7551651], rtol=1e-6)
    np.testing.assert_allclose(gv.numpy(), [0.43879128, 0.21939564], rtol=1e-6)
    check_gradient(tf.recompute_grad(lambda z: tf.sin(z) * z), [np.array([0.4, 1.6])])


@pytest.mark.parametrize("name,fn,arrays", [
    ("realdiv", lambda a, b: tf.realdiv(a, b), [[0.4, 1.6], [2.0, 3.0]]),
    ("scalar_mul", lambda a, s: tf.scalar_mul(s, a), [[0.4, 1.6], 2.5]),
    ("ensure_shape", lambda a: tf.ensure_shape(a, [None]) * a, [[0.4, 1.6]]),
    ("identity_n", lambda a, b: tf.identity_n([a, b])[0] * tf.identity_n([a, b])[1], [[0.4, 1.6], [2.0, 3.0]]),
])
def test_gradients_match_finite_differences(name, fn, arrays):
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    check_gradient(fn, arrays)
    check_second_order(fn, arrays)


def test_graph_only_gradient_functions():
    assert tf.no_gradient("MyOp") is None
    with pytest.raises(TypeError, match="op_type must be a string"):
        tf.no_gradient(3)
    with pytest.raises(RuntimeError, match="Use tf.GradientTape instead"):
        tf.hessians(tf.constant(1.0), tf.constant(1.0))
    assert (tf.AggregationMethod.ADD_N, tf.AggregationMethod.DEFAULT, tf.AggregationMethod.EXPERIMENTAL_TREE,
            tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N) == (0, 0, 1, 2)


def test_constant_initializer():
    assert tf.constant_initializer(3.0)([2, 2]).numpy().tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert tf.constant_initializer(3)([2]).dtype == tf.int32  # the value's own dtype when none is asked
    assert tf.constant_initializer([1, 2, 3, 4])([2, 2]).numpy().tolist() == [[1, 2], [3, 4]]
    assert tf.constant_initializer([1, 2, 3, 4])([2, 2], dtype=tf.float64).dtype == tf.float64
    assert tf.constant_initializer(np.array([[1., 2.], [3., 4.]]))([4]).dtype == tf.float64
    assert tf.constant_initializer([1, 2]).get_config() == {"value": [1, 2]}
    with pytest.raises(TypeError, match="Cannot convert 3.0 to EagerTensor of dtype int32"):
        tf.constant_initializer(3.0)([2], dtype=tf.int32)
    with pytest.raises(TypeError, match=r"has 3 elements, but got `shape` \(2, 2\) with 4 elements"):
        tf.constant_initializer([1, 2, 3])([2, 2])
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        tf.constant_initializer(tf.constant([1.0, 2.0]))


def test_zeros_and_ones_initializers():
    assert tf.zeros_initializer()([2, 3]).dtype == tf.float32
    assert tf.zeros_initializer()([2], dtype=tf.int64).numpy().tolist() == [0, 0]
    assert tf.ones_initializer()([2], dtype=tf.bool).numpy().tolist() == [True, True]
    assert tf.ones_initializer()((1, 2)).shape == (1, 2) and tf.zeros_initializer().get_config() == {}
    with pytest.raises(ValueError, match="expected to be numeric or boolean"):
        tf.ones_initializer()([2], dtype=tf.string)
    with pytest.raises(TypeError, match="Keyword argument should be one of"):
        tf.ones_initializer()([2], partition_info=None)
    assert tf.Variable(tf.zeros_initializer()(shape=[2])).numpy().tolist() == [0.0, 0.0]


def test_random_initializers():
    normal = tf.random_normal_initializer(mean=1.0, stddev=0.5, seed=3)
    assert normal.get_config() == {"mean": 1.0, "stddev": 0.5, "seed": 3}
    assert tf.random_normal_initializer().get_config() == {"mean": 0.0, "stddev": 0.05, "seed": None}
    np.testing.assert_array_equal(normal([5]).numpy(), normal([5]).numpy())  # seeded: the same every call
    unseeded = tf.random_normal_initializer()
    assert not np.array_equal(unseeded([5]).numpy(), unseeded([5]).numpy())
    assert normal([3], dtype=tf.float64).dtype == tf.float64
    with pytest.raises(ValueError, match="expected to be floating point"):
        normal([3], dtype=tf.int32)
    uniform = tf.random_uniform_initializer(-1, 1, seed=2)
    assert uniform.get_config() == {"minval": -1, "maxval": 1, "seed": 2}
    assert tf.random_uniform_initializer().get_config() == {"minval": -0.05, "maxval": 0.05, "seed": None}
    ints = tf.random_uniform_initializer(0, 5, seed=1)([1000], dtype=tf.int64).numpy()
    assert ints.dtype == np.int64 and ints.min() >= 0 and ints.max() <= 4
    floats = tf.random_uniform_initializer()([1000]).numpy()
    assert floats.min() >= -0.05 and floats.max() < 0.05
    assert type(tf.random_normal_initializer.from_config(normal.get_config())) is type(normal)


def test_initializers_serve_keras_layers():
    layer = keras.layers.Dense(2, kernel_initializer=tf.constant_initializer(0.5),
                               bias_initializer=tf.ones_initializer())
    assert layer(np.ones((1, 3), np.float32)).numpy().tolist() == [[2.5, 2.5]]
    seeded = keras.layers.Dense(3, kernel_initializer=tf.random_normal_initializer(seed=4))
    seeded.build((None, 2))
    assert seeded.kernel.dtype == tf.float32 and abs(float(tf.math.reduce_std(seeded.kernel))) < 0.2
