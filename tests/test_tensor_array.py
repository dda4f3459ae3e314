"""tf.TensorArray as TensorFlow 2.21's eager mode behaves (values and errors recorded from it)."""
import numpy as np
import pytest

import gradfit as tf
from gradfit.errors import InvalidArgumentError, OutOfRangeError


def written(n=3):
    ta = tf.TensorArray(tf.float32, size=n)
    for i in range(n):
        ta = ta.write(i, [float(i), float(i) + 0.5])
    return ta


def test_write_read_stack_size():
    ta = written()
    np.testing.assert_array_equal(ta.stack().numpy(), [[0, 0.5], [1, 1.5], [2, 2.5]])
    assert ta.size().dtype == tf.int32 and int(ta.size()) == 3
    assert ta.read(1).numpy().tolist() == [1.0, 1.5]
    assert ta.dtype == tf.float32 and ta.element_shape == tf.TensorShape([2])
    assert int(tf.TensorArray(tf.float32, size=0).size()) == 0
    assert tf.TensorArray("int32", size=2).write(0, 3).write(1, 4).stack().numpy().tolist() == [3, 4]
    assert float(tf.TensorArray(tf.float32, size=2).write(tf.constant(1), 3.0).read(tf.constant(1))) == 3.0


def test_writes_change_the_array_in_place_as_eager_tensorflow_does():
    ta = tf.TensorArray(tf.float32, size=1)
    ta.write(0, 1.0)  # the result not kept: the array itself changed
    assert float(ta.read(0)) == 1.0
    ta = tf.TensorArray(tf.float32, size=1)
    assert ta.write(0, 1.0).write(0, 2.0).stack().numpy().tolist() == [2.0]  # rewriting an index is allowed


def test_sizes_and_growth():
    with pytest.raises(ValueError, match="Size must be declared for TensorArrays when eager execution is enabled"):
        tf.TensorArray(tf.float32)
    with pytest.raises(OutOfRangeError, match="Tried to write to index 2 but array is not resizeable and size is: 2"):
        tf.TensorArray(tf.float32, size=2).write(2, 1.0)
    with pytest.raises(OutOfRangeError, match=r"Writing to negative indices \(index -1\) is not allowed"):
        tf.TensorArray(tf.float32, size=2).write(-1, 1.0)
    grown = tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(3, 1.0)
    assert int(grown.size()) == 4 and grown.stack().numpy().tolist() == [0, 0, 0, 1]
    assert grown.dynamic_size is True


def test_unwritten_elements_read_as_zeros_of_the_element_shape():
    assert float(tf.TensorArray(tf.float32, size=3).write(0, 1.0).read(1)) == 0.0
    ta = tf.TensorArray(tf.float32, size=3, element_shape=[2]).write(0, [1.0, 2.0])
    assert ta.read(1).numpy().tolist() == [0.0, 0.0]
    assert tf.TensorArray(tf.float32, size=3).write(1, [1.0, 2.0]).stack().numpy().tolist() == \
        [[0, 0], [1, 2], [0, 0]]
    assert tf.TensorArray(tf.float32, size=2, element_shape=[2]).stack().numpy().tolist() == [[0, 0], [0, 0]]
    with pytest.raises(ValueError, match="Cannot convert a partially known TensorShape <unknown> to a Tensor"):
        tf.TensorArray(tf.float32, size=2).stack()
    with pytest.raises(OutOfRangeError, match="Tried to read from index 5 but array size is: 3"):
        tf.TensorArray(tf.float32, size=3).read(5)
    with pytest.raises(OutOfRangeError, match=r"Reading from negative indices \(index -1\) is not allowed"):
        tf.TensorArray(tf.float32, size=2).read(-1)
    assert tf.TensorArray(tf.float32, size=0).stack().shape == (0,)


def test_dtype_and_shape_checks():
    with pytest.raises(InvalidArgumentError, match="dtype is float32 but Op is trying to write dtype int32"):
        tf.TensorArray(tf.float32, size=1).write(0, tf.constant(1, tf.int32))
    with pytest.raises(InvalidArgumentError, match="but Op is trying to write dtype float64"):
        tf.TensorArray(tf.float32, size=1).write(0, tf.constant(1.0, tf.float64))
    with pytest.raises(InvalidArgumentError, match="dtype is int32 but Op is trying to write dtype float32"):
        tf.TensorArray(tf.int32, size=1).write(0, 1.5)
    assert tf.TensorArray(tf.float32, size=1).write(0, 1).stack().numpy().tolist() == [1.0]  # Python ints convert
    assert tf.TensorArray(tf.float32, size=1).write(0, np.array(1.0)).stack().dtype == tf.float32
    with pytest.raises(ValueError, match=r"Incompatible shape for value \(\(1,\)\), expected \(\(2,\)\)"):
        tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0]).write(1, [1.0])
    with pytest.raises(ValueError, match=r"Incompatible shape for value \(\(2,\)\), expected \(\(3,\)\)"):
        tf.TensorArray(tf.float32, size=2, element_shape=[3]).write(0, [1.0, 2.0])
    ragged = tf.TensorArray(tf.float32, size=2, infer_shape=False).write(0, [1.0, 2.0]).write(1, [1.0])
    assert ragged.concat().numpy().tolist() == [1.0, 2.0, 1.0]
    assert tf.TensorArray(tf.float32, size=2, element_shape=[None, 3]).element_shape == tf.TensorShape([None, 3])
    assert tf.TensorArray(tf.float32, size=2).element_shape == tf.TensorShape(None)


def test_clear_after_read():
    ta = written()
    ta.read(0)
    with pytest.raises(InvalidArgumentError, match="Could not read index 0 twice because it was cleared"):
        ta.read(0)
    assert ta.stack().numpy().tolist() == [[0, 0], [1, 1.5], [2, 2.5]]  # a cleared element stacks as zeros
    kept = tf.TensorArray(tf.float32, size=1, clear_after_read=False).write(0, 1.0)
    assert float(kept.read(0)) == float(kept.read(0)) == 1.0
    again = written()
    assert again.stack().numpy().tolist() == again.stack().numpy().tolist()  # stack never clears
    assert again.identity().stack().numpy().tolist() == again.stack().numpy().tolist()


def test_unstack_scatter_gather_split_concat():
    ta = tf.TensorArray(tf.float32, size=3).unstack([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert ta.read(2).numpy().tolist() == [5.0, 6.0]
    assert int(tf.TensorArray(tf.float32, size=3).unstack([1.0, 2.0]).size()) == 2
    with pytest.raises(ValueError, match="Cannot unstack 3 tensors into a TensorArray of static size 2"):
        tf.TensorArray(tf.float32, size=2).unstack([1.0, 2.0, 3.0])
    assert tf.TensorArray(tf.float32, size=2, dynamic_size=True).unstack([1.0, 2.0, 3.0]).stack().numpy().tolist() \
        == [1.0, 2.0, 3.0]
    g = tf.TensorArray(tf.float32, size=3).unstack([[1.0], [2.0], [3.0]])
    assert g.gather([2, 0]).numpy().tolist() == [[3.0], [1.0]]
    assert tf.TensorArray(tf.float32, size=3).write(0, [1.0]).gather([0, 1]).numpy().tolist() == [[1.0], [0.0]]
    s = tf.TensorArray(tf.float32, size=4).scatter([3, 1], [[1.0], [2.0]])
    assert s.gather([1, 3]).numpy().tolist() == [[2.0], [1.0]] and int(s.size()) == 4
    with pytest.raises(OutOfRangeError, match="Tried to write to index 3"):
        tf.TensorArray(tf.float32, size=2).scatter([3], [[1.0]])
    assert int(tf.TensorArray(tf.float32, size=0, dynamic_size=True).scatter([3], [[1.0]]).size()) == 4
    parts = tf.TensorArray(tf.float32, size=3).split([1.0, 2.0, 3.0, 4.0, 5.0], [2, 0, 3])
    assert parts.read(2).numpy().tolist() == [3.0, 4.0, 5.0] and parts.read(1).shape == (0,)
    with pytest.raises(InvalidArgumentError, match="sum of lengths is 6 and value's shape is: \\[5\\]"):
        tf.TensorArray(tf.float32, size=3).split([1.0, 2.0, 3.0, 4.0, 5.0], [2, 1, 3])
    with pytest.raises(InvalidArgumentError, match=r"size is not equal to the size of lengths \(1 vs. 2\)"):
        tf.TensorArray(tf.float32, size=1, infer_shape=False).split([1.0, 2.0, 3.0], [1, 2])
    joined = tf.TensorArray(tf.float32, size=2, infer_shape=False).write(0, [[1.0], [2.0]]).write(1, [[3.0]])
    assert joined.concat().numpy().tolist() == [[1.0], [2.0], [3.0]]
    with pytest.raises(InvalidArgumentError, match="Concat saw a scalar shape at index 0"):
        tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0).concat()


def test_loops():
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    i = tf.constant(0)
    while i < 4:
        ta = ta.write(i, tf.cast(i, tf.float32) ** 2)
        i += 1
    assert ta.stack().numpy().tolist() == [0.0, 1.0, 4.0, 9.0]

    def body(i, ta):
        return i + 1, ta.write(i, tf.cast(i, tf.float32) * 2.0)

    _, out = tf.while_loop(lambda i, ta: i < 4, body, [tf.constant(0), tf.TensorArray(tf.float32, size=4)])
    assert out.stack().numpy().tolist() == [0.0, 2.0, 4.0, 6.0]


def test_gradients_flow_to_what_was_written():
    x, w = tf.constant([1.0, 2.0, 3.0]), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        ta = tf.TensorArray(tf.float32, size=3)
        for i in range(3):
            ta = ta.write(i, x[i] * w)
        y = tf.reduce_sum(ta.stack() * tf.constant([1.0, 10.0, 100.0]))
    gx, gw = tape.gradient(y, [x, w])
    assert gx.numpy().tolist() == [2.0, 20.0, 200.0] and float(gw) == 321.0

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        ta = tf.TensorArray(tf.float32, size=2, clear_after_read=False).unstack(x * x)
        y = ta.read(1) * 3.0 + ta.read(1) + ta.read(0)
    assert tape.gradient(y, x).numpy().tolist() == [2.0, 16.0]

    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.TensorArray(tf.float32, size=3).unstack(x).gather([2, 0]) * [[1.0, 2.0], [3.0, 4.0]])
        pieces = tf.TensorArray(tf.float32, size=2, infer_shape=False).split(tf.reshape(x, [-1]), [2, 4])
        z = tf.reduce_sum(pieces.concat() * tf.range(6, dtype=tf.float32))
    assert tape.gradient(y, x).numpy().tolist() == [[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]]
    assert tape.gradient(z, x).numpy().tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]

    x = tf.constant([[1.0], [2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        ta = tf.TensorArray(tf.float32, size=3, element_shape=[1]).scatter([2, 0], x * 2.0)
        y = tf.reduce_sum(ta.stack() * tf.constant([[1.0], [10.0], [100.0]]))
    assert tape.gradient(y, x).numpy().tolist() == [[200.0], [2.0]]


def test_a_recurrent_loop_trains_through_a_tensor_array():
    rng = np.random.default_rng(0)
    xs = tf.constant(rng.standard_normal((5, 3)).astype(np.float32))
    w = tf.Variable(rng.standard_normal((3, 3)).astype(np.float32) * 0.1)

    def run():
        h = tf.zeros([3])
        ta = tf.TensorArray(tf.float32, size=5)
        for t in range(5):
            h = tf.tanh(xs[t] + tf.linalg.matvec(w, h))
            ta = ta.write(t, h)
        return tf.reduce_sum(ta.stack() ** 2)

    with tf.GradientTape() as tape:
        loss = run()
    grad = tape.gradient(loss, w).numpy()
    eps, numeric = 1e-3, np.zeros((3, 3))
    for i, j in np.ndindex(3, 3):
        base = w.numpy()
        for sign in (1, -1):
            shifted = base.copy()
            shifted[i, j] += sign * eps
            w.assign(shifted)
            numeric[i, j] += sign * float(run()) / (2 * eps)
        w.assign(base)
    np.testing.assert_allclose(grad, numeric, rtol=2e-2, atol=2e-3)
