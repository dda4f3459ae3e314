"""to_categorical, normalize, pad_sequences and set_random_seed: Keras 3's results (fixture from
golden/make_numerical.py) and Keras's errors."""
import json
import os
import random

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "utils", "numerical.npz"))


def cases(function):
    count = len({k.split("/")[1] for k in FIXTURE.files if k.startswith(function + "/")})
    return [f"{function}/{i}" for i in range(count)]


def arguments(case, from_json):
    x = FIXTURE[f"{case}/x"]
    return (json.loads(str(x)) if from_json else x), json.loads(str(FIXTURE[f"{case}/kwargs"]))


def assert_same(result, expected):
    assert isinstance(result, np.ndarray)
    assert result.dtype == expected.dtype and result.shape == expected.shape
    np.testing.assert_allclose(result, expected, rtol=1e-6, atol=0)


@pytest.mark.parametrize("case", cases("to_categorical"))
def test_to_categorical_matches_keras(case):
    x, kwargs = arguments(case, from_json=True)
    assert_same(keras.utils.to_categorical(x, **kwargs), FIXTURE[f"{case}/out"])


@pytest.mark.parametrize("case", cases("normalize"))
def test_normalize_matches_keras(case):
    x, kwargs = arguments(case, from_json=False)
    assert_same(keras.utils.normalize(x, **kwargs), FIXTURE[f"{case}/out"])


@pytest.mark.parametrize("case", cases("pad_sequences"))
def test_pad_sequences_matches_keras(case):
    x, kwargs = arguments(case, from_json=True)
    result = keras.utils.pad_sequences(x, **kwargs)
    expected = FIXTURE[f"{case}/out"]
    assert result.dtype == expected.dtype
    np.testing.assert_array_equal(result, expected)


def test_fixture_covers_every_function():
    assert len(cases("to_categorical")) >= 5 and len(cases("normalize")) >= 5 and len(cases("pad_sequences")) >= 8


def test_to_categorical_on_a_tensor_gives_a_float_tensor():
    out = keras.utils.to_categorical(tf.constant([[2], [0]]), num_classes=3)
    assert isinstance(out, tf.Tensor) and out.dtype == tf.float32
    np.testing.assert_array_equal(out.numpy(), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(keras.utils.to_categorical(tf.constant([1, 0])).numpy(), [[0, 1], [1, 0]])


def test_to_categorical_rejects_out_of_range_labels():
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\).*got 3"):
        keras.utils.to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="got -1"):
        keras.utils.to_categorical([0, -1], num_classes=3)
    with pytest.raises(ValueError, match="empty input"):
        keras.utils.to_categorical([])
    assert keras.utils.to_categorical([], num_classes=2).shape == (0, 2)


def test_normalize_along_axis_0_and_1d_and_all():
    x = np.array([[3.0, 1.0], [4.0, 0.0]])
    np.testing.assert_allclose(keras.utils.normalize(x, axis=0), [[0.6, 1.0], [0.8, 0.0]])
    np.testing.assert_allclose(keras.utils.normalize(np.array([3.0, 4.0])), [0.6, 0.8])
    np.testing.assert_allclose(keras.utils.normalize(np.array([[3.0], [4.0]]), axis=None), [[0.6], [0.8]])


def test_normalize_a_tensor():
    out = keras.utils.normalize(tf.constant([[3.0, 4.0], [0.0, 0.0]]))
    assert isinstance(out, tf.Tensor)
    np.testing.assert_allclose(out.numpy(), [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)


def test_pad_sequences_with_strings_and_errors():
    out = keras.utils.pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>")
    assert out.tolist() == [["a", "b"], ["<pad>", "c"]]
    with pytest.raises(ValueError, match="dtype=object"):
        keras.utils.pad_sequences([["a"]], value="<pad>")
    with pytest.raises(ValueError, match='padding to be "pre" or "post"'):
        keras.utils.pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match='truncating to be "pre" or "post"'):
        keras.utils.pad_sequences([[1]], truncating="both")
    with pytest.raises(ValueError, match="non-iterable: 5"):
        keras.utils.pad_sequences([[1], 5])
    with pytest.raises(ValueError, match=r"Shape of sample \(3,\) of sequence at position 1"):
        keras.utils.pad_sequences([[[1, 2]], [[1, 2, 3]]])
    assert keras.utils.pad_sequences([]).shape == (0, 0)


def draws():
    return random.random(), np.random.rand(), tf.random.uniform((2,)).numpy().tolist()


def test_set_random_seed_makes_python_numpy_and_gradfit_repeatable():
    keras.utils.set_random_seed(1234)
    first = draws()
    keras.utils.set_random_seed(1234)
    assert draws() == first
    keras.utils.set_random_seed(99)
    assert draws() != first


@pytest.mark.parametrize("seed", [1.5, "3", None, np.int64(3)])
def test_set_random_seed_wants_a_python_int(seed):
    with pytest.raises(ValueError, match="Expected `seed` argument to be an integer"):
        keras.utils.set_random_seed(seed)
