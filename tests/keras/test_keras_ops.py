"""keras.ops and keras.random: Keras 3 names and semantics on gradfit."""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

ops = keras.ops
X = np.arange(12, dtype=np.float32).reshape(3, 4) - 5.0


@pytest.mark.parametrize("name, expected", [
    ("mean", X.mean()), ("sum", X.sum()), ("max", X.max()), ("min", X.min()), ("std", X.std()),
    ("var", X.var()), ("prod", np.prod(X + 6)), ("argmax", np.argmax(X)), ("count_nonzero", np.count_nonzero(X)),
])
def test_reductions_match_numpy(name, expected):
    x = X + 6 if name == "prod" else X
    np.testing.assert_allclose(ops.convert_to_numpy(getattr(ops, name)(x)), expected, rtol=1e-6)


def test_shape_functions_match_numpy():
    x = ops.convert_to_tensor(X)
    np.testing.assert_array_equal(ops.moveaxis(x, 0, 1).numpy(), np.moveaxis(X, 0, 1))
    np.testing.assert_array_equal(ops.swapaxes(x, 0, 1).numpy(), X.T)
    np.testing.assert_array_equal(ops.flip(x, 1).numpy(), X[:, ::-1])
    np.testing.assert_array_equal(ops.ravel(x).numpy(), X.ravel())
    np.testing.assert_array_equal(ops.tril(x).numpy(), np.tril(X))
    np.testing.assert_array_equal(ops.concatenate([x, x], axis=1).numpy(), np.concatenate([X, X], 1))
    np.testing.assert_array_equal(ops.take(x, [0, 2], axis=1).numpy(), X[:, [0, 2]])
    idx = np.array([[3], [0], [1]])
    np.testing.assert_array_equal(ops.take_along_axis(x, idx, axis=1).numpy(), np.take_along_axis(X, idx, 1))
    np.testing.assert_array_equal(ops.split(x, [1, 3], axis=1)[1].numpy(), X[:, 1:3])
    np.testing.assert_array_equal(ops.slice(x, [1, 1], [2, 2]).numpy(), X[1:3, 1:3])
    np.testing.assert_array_equal(ops.dot(x, np.ones(4, np.float32)).numpy(), X.sum(1))
    assert ops.shape(x) == (3, 4) and ops.convert_to_numpy(x).dtype == np.float32


def test_slice_update_is_differentiable():
    x = tf.constant(np.zeros((3, 3), np.float32))
    u = tf.constant(np.ones((2, 2), np.float32))
    with tf.GradientTape() as tape:
        tape.watch([x, u])
        y = ops.sum(ops.slice_update(x, [1, 1], u) * np.arange(9, dtype=np.float32).reshape(3, 3))
    gx, gu = tape.gradient(y, [x, u])
    assert float(y) == 4 + 5 + 7 + 8
    np.testing.assert_array_equal(gu.numpy(), [[4, 5], [7, 8]])
    np.testing.assert_array_equal(gx.numpy(), [[0, 1, 2], [3, 0, 0], [6, 0, 0]])


def test_nn_functions_match_definitions():
    z = np.array([[1.0, 2.0, 3.0]], np.float32)
    np.testing.assert_allclose(ops.softmax(z).numpy(), np.exp(z) / np.exp(z).sum(), rtol=1e-6)
    np.testing.assert_allclose(ops.hard_sigmoid(np.array([-4.0, 0.0, 4.0])).numpy(), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(ops.sparse_categorical_crossentropy(np.array([2]), z, from_logits=True).numpy(),
                               -np.log(np.exp(3) / np.exp(z).sum()), rtol=1e-6)
    np.testing.assert_array_equal(ops.one_hot(np.array([0, 2]), 3).numpy(), [[1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(ops.multi_hot(np.array([[0, 2]]), 3).numpy(), [[1, 0, 1]])


def test_control_flow_runs_eagerly():
    assert ops.while_loop(lambda i: i < 5, lambda i: i + 1, 0) == 5
    assert ops.fori_loop(0, 4, lambda i, v: v + i, 0) == 6
    carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0.0, np.arange(4, dtype=np.float32))
    assert float(carry) == 6.0
    np.testing.assert_array_equal(ys.numpy(), [0.0, 0.0, 2.0, 9.0])


def test_random_seed_semantics():
    a = keras.random.normal((3,), seed=7).numpy()
    np.testing.assert_array_equal(keras.random.normal((3,), seed=7).numpy(), a)  # int seed: same each call
    gen = keras.random.SeedGenerator(7)
    b, c = keras.random.uniform((3,), seed=gen).numpy(), keras.random.uniform((3,), seed=gen).numpy()
    assert not np.array_equal(b, c)  # a SeedGenerator advances
    tf.random.set_seed(3)
    d = keras.random.normal((2,)).numpy()
    tf.random.set_seed(3)
    np.testing.assert_array_equal(keras.random.normal((2,)).numpy(), d)
    kept = keras.random.dropout(np.ones((1000,), np.float32), 0.25, seed=1).numpy()
    assert set(np.unique(kept)) <= {0.0, np.float32(1 / 0.75)} and 0.2 < np.mean(kept == 0) < 0.3
