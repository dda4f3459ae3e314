"""Tensor and Variable behave as TensorFlow's do."""
import numpy as np
import pytest

import gradfit as tf


def test_default_dtypes():
    assert tf.constant(1.0).dtype == tf.float32
    assert tf.constant([1, 2]).dtype == tf.int32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant(np.zeros(3)).dtype == tf.float64  # NumPy float64 stays float64
    assert tf.constant(np.zeros(3, np.float32)).dtype == "float32"
    assert tf.constant([1.0], dtype=tf.float64).dtype == np.float64
    assert tf.zeros((2,)).dtype == tf.float32


def test_python_scalars_do_not_upcast():
    x = tf.constant([1.0, 2.0])
    for y in (x + 1, 2 * x, x / 3, x - 0.5, 1.5 ** x, x ** 2, np.float64(2.0) * x, x * np.float64(0.5)):
        assert y.dtype == tf.float32
    h = tf.constant(np.ones(2, np.float16))
    assert (h * 3.0).dtype == tf.float16


def test_float64_input_stays_float64_unless_cast():
    x = tf.constant(np.array([1.0, 2.0]))
    assert (x * 2.0).dtype == tf.float64
    assert tf.cast(x, tf.float32).dtype == tf.float32


def test_operators_and_reflected_operators():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal((x + x).numpy(), [[2, 4], [6, 8]])
    np.testing.assert_array_equal((10 - x).numpy(), [[9, 8], [7, 6]])
    np.testing.assert_array_equal((x @ x).numpy(), [[7, 10], [15, 22]])
    np.testing.assert_array_equal((np.eye(2, dtype=np.float32) @ x).numpy(), x.numpy())
    np.testing.assert_array_equal((-x).numpy(), -x.numpy())
    np.testing.assert_array_equal(abs(-x).numpy(), x.numpy())
    np.testing.assert_array_equal((x // 2).numpy(), [[0, 1], [1, 2]])
    np.testing.assert_array_equal((x % 3).numpy(), [[1, 2], [0, 1]])
    np.testing.assert_array_equal((-x % 3).numpy(), [[2, 1], [0, 2]])  # floormod, like Python
    np.testing.assert_array_equal((x > 2).numpy(), [[False, False], [True, True]])
    np.testing.assert_array_equal((x == 2.0).numpy(), [[False, True], [False, False]])
    assert (x == None) is False  # noqa: E711
    np.testing.assert_array_equal(((x > 1) & (x < 4)).numpy(), [[False, True], [True, False]])
    y = np.ones((2, 2), np.float32) + x  # ndarray on the left gives a Tensor
    assert isinstance(y, tf.Tensor)


def test_indexing_iteration_and_conversion():
    x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(x[1].numpy(), [4, 5, 6])
    np.testing.assert_array_equal(x[:, 1:].numpy(), [[2, 3], [5, 6]])
    np.testing.assert_array_equal(x[..., tf.newaxis].shape, (2, 3, 1))
    np.testing.assert_array_equal(x[:, tf.constant(2)].numpy(), [3, 6])
    assert len(x) == 2
    rows = list(x)
    assert len(rows) == 2 and isinstance(rows[0], tf.Tensor)
    assert float(x[0, 0]) == 1.0 and int(x[1, 2]) == 6 and bool(x[0, 0] > 0)
    assert np.asarray(x).shape == (2, 3)
    assert np.mean(x) == 3.5
    assert np.exp(x).shape == (2, 3)
    with pytest.raises(ValueError, match="ambiguous"):
        bool(x)
    with pytest.raises(TypeError):
        len(tf.constant(1.0))
    assert f"{tf.constant(0.5):.2f}" == "0.50"
    assert x.shape == (2, 3) and x.shape.as_list() == [2, 3] and x.ndim == 2
    assert "shape=(2, 3)" in repr(x)


def test_numpy_of_scalar_is_a_numpy_scalar():
    assert isinstance(tf.constant(2.0).numpy(), np.floating)


@pytest.mark.parametrize("make", [lambda s: tf.sqrt(s), lambda s: s + 1.0, lambda s: -s, lambda s: tf.norm(s * s)])
def test_numpy_functions_accept_scalar_results(make):
    # NumPy computes an elementwise op on 0-d arrays as a NumPy scalar; arrays come back all the same.
    t = make(tf.reduce_sum(tf.ones((3, 4))))
    a = np.asarray(t)
    assert isinstance(a, np.ndarray) and a.shape == () and a.dtype == np.float32
    assert np.array(t, dtype=np.float64).dtype == np.float64
    np.testing.assert_allclose(t, float(t))


def test_variable_assign_and_arithmetic():
    v = tf.Variable([1.0, 2.0], name="weights")
    assert v.name == "weights" and v.trainable and v.dtype == tf.float32
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub(tf.constant([0.5, 0.5]))
    np.testing.assert_array_equal(v.numpy(), [3.5, 4.5])
    np.testing.assert_array_equal((v * 2).numpy(), [7.0, 9.0])
    assert isinstance(v.read_value(), tf.Tensor)
    assert isinstance(v.value, tf.Tensor)
    with pytest.raises(ValueError, match=r"shape \(3,\).*variable 'weights' of shape \(2,\)"):
        v.assign([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(v.numpy(), [3.5, 4.5])


def test_variable_numpy_is_a_copy():
    v = tf.Variable([1.0, 2.0])
    a = v.numpy()
    a[0] = 100.0
    assert v.numpy()[0] == 1.0
    n = v.numpy()
    v.assign_add([1.0, 1.0])
    np.testing.assert_array_equal(n, [1.0, 2.0])


def test_reading_a_variable_then_updating_it_keeps_the_read_value():
    v = tf.Variable([1.0, 2.0, 3.0])
    t = v.value
    view = v[1:]
    v.assign_add([10.0, 10.0, 10.0])
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(view.numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(v.numpy(), [11.0, 12.0, 13.0])


def test_variable_from_initializer_callable_and_dtype():
    v = tf.Variable(lambda: tf.ones((2, 2)))
    assert v.shape == (2, 2)
    w = tf.Variable(3, dtype=tf.float64)
    assert w.dtype == tf.float64
    i = tf.Variable(3)
    assert i.dtype == tf.int32


def test_dtype_objects():
    assert tf.float32.is_floating and not tf.int32.is_floating and tf.int64.is_integer
    assert tf.as_dtype("float32") is tf.float32
    assert tf.float32 == "float32" and tf.float32 == np.float32 and tf.float32 != tf.float64
    assert tf.float32.as_numpy_dtype is np.float32
    assert repr(tf.float32) == "tf.float32"


def test_convert_to_tensor():
    t = tf.convert_to_tensor([1.0, 2.0])
    assert isinstance(t, tf.Tensor) and t.dtype == tf.float32
    assert tf.convert_to_tensor(t) is t
    assert tf.convert_to_tensor(3, dtype_hint=tf.float32).dtype == tf.float32
    with pytest.raises(ValueError, match="requested dtype float64 for a tensor of dtype float32"):
        tf.convert_to_tensor(t, dtype=tf.float64)
    assert tf.is_tensor(t) and not tf.is_tensor(np.ones(2))


def test_constant_with_shape():
    np.testing.assert_array_equal(tf.constant(7, shape=(2, 2)).numpy(), [[7, 7], [7, 7]])
    np.testing.assert_array_equal(tf.constant([1, 2, 3, 4], shape=(2, 2)).numpy(), [[1, 2], [3, 4]])


def test_ref_makes_tensors_hashable_keys():
    a = tf.constant(1.0)
    d = {a.ref(): "a"}
    assert d[a.ref()] == "a"
    assert a.ref().deref() is a


def test_tensor_shape_of_unknown_rank_behaves_as_tensorflow():
    unknown = tf.TensorShape(None)
    assert repr(unknown) == "TensorShape(None)" and str(unknown) == "<unknown>"
    assert unknown.rank is None and unknown.ndims is None and unknown.num_elements() is None
    assert unknown == tf.TensorShape(None) and unknown != tf.TensorShape([])
    assert not unknown.is_fully_defined() and unknown.is_compatible_with([1, 2])
    with pytest.raises(ValueError, match="as_list\\(\\) is not defined on an unknown TensorShape"):
        unknown.as_list()
    with pytest.raises(ValueError, match="length of shape with unknown rank"):
        len(unknown)
    assert unknown.merge_with([1, 2]) == [1, 2] and unknown.with_rank(2) == [None, None]
    assert tf.TensorSpec(None, "float32").is_compatible_with(tf.zeros((2, 3, 4)))


def test_tensor_shape_helpers():
    shape = tf.TensorShape([None, 3])
    assert shape.merge_with([2, None]) == [2, 3] and shape.concatenate([4]) == [None, 3, 4]
    assert shape.is_compatible_with([5, 3]) and not shape.is_compatible_with([5, 4])
    assert not shape.is_compatible_with([5, 3, 1])
    assert str(shape) == "(None, 3)" and str(tf.TensorShape([3])) == "(3,)"
    with pytest.raises(ValueError, match=r"Shapes \(None, 3\) and \(2, 4\) are not compatible"):
        shape.merge_with([2, 4])
    with pytest.raises(ValueError, match=r"must have rank 3"):
        shape.with_rank(3)
    spec = tf.TensorSpec((None, 3), "float32")
    assert spec.is_compatible_with(tf.zeros((7, 3))) and not spec.is_compatible_with(tf.zeros((7, 3), "int32"))
    assert repr(spec) == "TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)"
