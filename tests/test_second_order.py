"""Second-order gradients through nested tapes, against finite differences of first-order gradients."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra.numpy import array_shapes

import gradfit as tf
from gradfit.ops import conv

from gradcheck import check_second_order

ELEMENTWISE = {
    "exp": tf.exp, "log": lambda x: tf.math.log(x + 3.0), "sqrt": lambda x: tf.sqrt(x + 3.0),
    "tanh": tf.tanh, "sigmoid": tf.sigmoid, "sin": tf.sin, "square": tf.square,
    "reciprocal": lambda x: tf.math.reciprocal(x + 3.0), "softplus": tf.nn.softplus, "erf": tf.math.erf,
    "gelu": tf.nn.gelu, "elu": tf.nn.elu, "relu_times_x": lambda x: tf.nn.relu(x) * x,
    "mul_div": lambda x: x * x / (x * x + 1.0), "pow": lambda x: tf.pow(x * x + 1.0, 1.5),
    "maximum": lambda x: tf.maximum(x * x, 0.5 * x), "abs_cube": lambda x: tf.abs(x) * x * x,
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=array_shapes(min_dims=1, max_dims=2, max_side=3), seed=st.integers(0, 2**16))
def test_elementwise_second_order(name, shape, seed):
    rng = np.random.default_rng(seed)
    x = np.sign(rng.standard_normal(shape) + 1e-9) * (0.2 + rng.random(shape))
    check_second_order(ELEMENTWISE[name], [x])


def test_broadcasting_binary_second_order():
    rng = np.random.default_rng(0)
    check_second_order(lambda a, b: a * b * b + a / (b * b + 1.0), [rng.standard_normal((3, 4)),
                                                                    rng.standard_normal((4,))])


def test_matmul_second_order():
    rng = np.random.default_rng(1)
    check_second_order(lambda a, b: tf.tanh(tf.matmul(a, b)), [rng.standard_normal((3, 4)), rng.standard_normal((4, 2))])
    check_second_order(lambda a, b: tf.square(tf.matmul(a, b, transpose_b=True)),
                       [rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 4))])


def test_fused_dense_second_order():
    from gradfit.ops import nn

    rng = np.random.default_rng(7)
    x = np.sign(rng.standard_normal((3, 4))) * (0.3 + rng.random((3, 4)))
    check_second_order(lambda x, w, b: tf.square(nn.dense(x, w, b, activation="relu")),
                       [x, rng.standard_normal((4, 5)), rng.standard_normal((5,))])


def test_softmax_and_cross_entropy_second_order():
    rng = np.random.default_rng(2)
    z = rng.standard_normal((3, 5))
    check_second_order(tf.nn.softmax, [z])
    check_second_order(tf.nn.log_softmax, [z])
    check_second_order(lambda z: tf.nn.sparse_softmax_cross_entropy_with_logits([0, 4, 2], z), [z])
    check_second_order(lambda y, z: tf.nn.softmax_cross_entropy_with_logits(y, z),
                       [rng.dirichlet(np.ones(5), size=3), z])
    check_second_order(lambda z: tf.nn.sigmoid_cross_entropy_with_logits(np.full((3, 5), 0.3), z), [z])


def test_conv2d_second_order():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 5, 5, 2))
    w = rng.standard_normal((3, 3, 2, 3))
    check_second_order(lambda x, w: tf.tanh(tf.nn.conv2d(x, w, strides=2, padding="SAME")), [x, w])
    check_second_order(lambda x, w: tf.square(tf.nn.conv2d(x, w, 1, "VALID", dilations=2)), [x, w])


def test_conv_layer_op_and_transposed_conv_second_order():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 5, 5, 2))
    w = rng.standard_normal((3, 3, 2, 3))
    b = rng.standard_normal((3,))
    check_second_order(lambda x, w, b: tf.sin(conv.conv2d_dense(x, w, b, 1, "SAME")), [x, w, b])
    y = rng.standard_normal((2, 3, 3, 3))
    wt = rng.standard_normal((3, 3, 2, 3))
    check_second_order(lambda y, w: tf.square(tf.nn.conv2d_transpose(y, w, (2, 6, 6, 2), 2, "SAME")), [y, wt])
    check_second_order(lambda y, w: tf.tanh(tf.nn.conv2d_transpose(y, w, (2, 5, 5, 2), 1, "VALID")), [y, wt])


def test_conv_relu_then_max_pool_second_order():
    """The pooled gradient of a ReLU output skips the ReLU's backward op: second order must not notice."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((1, 4, 4, 2))
    w = rng.standard_normal((3, 3, 2, 3))
    b = np.array([0.3, -0.2, -50.0])  # a dead channel: windows whose maximum is 0
    check_second_order(lambda x, w, b: tf.square(tf.nn.max_pool2d(
        conv.conv2d_dense(x, w, b, 1, "SAME", activation="relu"), 2, 2, "VALID")), [x, w, b])


def test_pooling_second_order():
    rng = np.random.default_rng(4)
    n = 2 * 4 * 4 * 2
    x = (rng.permutation(n) * 0.1 - n * 0.05).reshape(2, 4, 4, 2)
    check_second_order(lambda x: tf.square(tf.nn.max_pool2d(x, 2, 2, "VALID")), [x])
    check_second_order(lambda x: tf.square(tf.nn.max_pool2d(x, 3, 1, "SAME")), [x])
    check_second_order(lambda x: tf.sin(tf.nn.avg_pool2d(x, 3, 2, "SAME")), [x])


def test_volume_convolution_and_pooling_second_order():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((1, 3, 4, 3, 2))
    w = rng.standard_normal((2, 2, 2, 2, 2))
    check_second_order(lambda x, w: tf.tanh(tf.nn.conv3d(x, w, [1, 2, 1, 1, 1], "SAME")), [x, w])
    n = x.size
    distinct = (rng.permutation(n) * 0.1 - n * 0.05).reshape(x.shape)
    check_second_order(lambda x: tf.square(tf.nn.max_pool3d(x, 2, 1, "SAME")), [distinct])
    check_second_order(lambda x: tf.sin(tf.nn.avg_pool3d(x, [2, 3, 2], 2, "SAME")), [x])


def test_indexing_and_gather_second_order():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 3))
    check_second_order(lambda x: tf.square(x[1:, ::2]) * x[:3, :2], [x])
    check_second_order(lambda x: tf.square(tf.gather(x, [0, 3, 3])), [x])
    check_second_order(lambda x: tf.exp(tf.reduce_sum(x, axis=0)), [x])
    check_second_order(lambda x: tf.square(tf.broadcast_to(x[:, :1], (4, 3))), [x])


def test_maml_meta_gradient_matches_finite_differences():
    """d/dw of loss(w - lr * grad loss_train(w)) on a query set: the MAML meta-objective."""
    rng = np.random.default_rng(6)
    x_train, y_train = rng.standard_normal((5, 3)), rng.standard_normal((5, 1))
    x_query, y_query = rng.standard_normal((4, 3)), rng.standard_normal((4, 1))
    lr = 0.1

    def model(w, b, x):
        return tf.matmul(tf.tanh(tf.matmul(x, w) + b), tf.ones((4, 1), dtype=tf.float64))

    def meta_objective(w, b):
        with tf.GradientTape() as inner:
            inner.watch([w, b])
            train_loss = tf.reduce_mean(tf.square(model(w, b, x_train) - y_train))
        gw, gb = inner.gradient(train_loss, [w, b])
        w2, b2 = w - lr * gw, b - lr * gb
        return tf.reduce_mean(tf.square(model(w2, b2, x_query) - y_query))

    w0, b0 = rng.standard_normal((3, 4)), rng.standard_normal((4,))
    w, b = tf.constant(w0), tf.constant(b0)
    with tf.GradientTape() as outer:
        outer.watch([w, b])
        meta = meta_objective(w, b)
    gw, gb = outer.gradient(meta, [w, b])

    def numeric(arr, other, first):
        grad = np.zeros_like(arr)
        for k in np.ndindex(arr.shape):
            up, down = arr.copy(), arr.copy()
            up[k] += 1e-6
            down[k] -= 1e-6
            args_up = (up, other) if first else (other, up)
            args_down = (down, other) if first else (other, down)
            grad[k] = (float(meta_objective(*map(tf.constant, args_up)))
                       - float(meta_objective(*map(tf.constant, args_down)))) / 2e-6
        return grad

    np.testing.assert_allclose(gw.numpy(), numeric(w0, b0, True), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gb.numpy(), numeric(b0, w0, False), rtol=1e-5, atol=1e-7)


def test_maml_with_variables_and_persistent_second_order():
    """Variables as the meta-parameters, with the same tape differentiating twice (persistent)."""
    v = tf.Variable(2.0, dtype=tf.float64)
    with tf.GradientTape(persistent=True) as t:
        y = v * v * v
        dy = t.gradient(y, v)
    d2y = t.gradient(dy, v)
    assert float(dy) == 12.0
    assert float(d2y) == 12.0
