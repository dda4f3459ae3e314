"""Where datasets come from, what their elements look like, and how many there are (values as tf.data gives)."""
import collections

import numpy as np
import pytest

import gradfit as tf
from gradfit.errors import InvalidArgumentError

Dataset = tf.data.Dataset


def test_from_tensor_slices_structures_and_dtypes():
    assert Dataset.from_tensor_slices([1, 2, 3]).element_spec == tf.TensorSpec((), tf.int32)
    assert Dataset.from_tensor_slices([1.0, 2.0]).element_spec == tf.TensorSpec((), tf.float32)
    # A list is one tensor (its arrays stacked, keeping float64); a tuple is a structure.
    assert Dataset.from_tensor_slices([np.zeros(3), np.ones(3)]).element_spec == tf.TensorSpec((3,), tf.float64)
    features = {"pixels": np.zeros((4, 2, 2), np.float32), "id": [1, 2, 3, 4]}
    spec = Dataset.from_tensor_slices((features, np.arange(4))).element_spec
    assert spec == ({"pixels": tf.TensorSpec((2, 2), tf.float32), "id": tf.TensorSpec((), tf.int32)},
                    tf.TensorSpec((), tf.int64))
    first = next(iter(Dataset.from_tensor_slices((features, np.arange(4)))))
    assert list(first[0]) == ["pixels", "id"] and int(first[0]["id"]) == 1 and int(first[1]) == 0


def test_from_tensor_slices_of_strings_yields_bytes():
    assert list(Dataset.from_tensor_slices(["ab", "c"]).as_numpy_iterator()) == [b"ab", b"c"]
    assert Dataset.from_tensor_slices(["ab"]).element_spec.dtype == tf.string


def test_from_tensor_slices_accepts_tensors_and_namedtuples():
    Point = collections.namedtuple("Point", "x y")
    dataset = Dataset.from_tensor_slices(Point(tf.constant([1.0, 2.0]), tf.constant([3, 4])))
    second = list(dataset)[1]
    assert isinstance(second, Point) and float(second.x) == 2.0 and int(second.y) == 4


def test_from_tensor_slices_errors_name_what_is_wrong():
    with pytest.raises(ValueError, match=r"got 10 \(component 0, shape \(10, 3\)\) and 9 \(component 1"):
        Dataset.from_tensor_slices((np.zeros((10, 3)), np.zeros(9)))
    with pytest.raises(ValueError, match="rank >= 1"):
        Dataset.from_tensor_slices(3)
    with pytest.raises(ValueError, match="non-rectangular"):
        Dataset.from_tensor_slices([[1, 2], [3]])


def test_source_arrays_are_not_writable_through_batches():
    x = np.arange(12.0).reshape(6, 2)
    batch = next(iter(Dataset.from_tensor_slices(x).batch(3)))
    with pytest.raises(ValueError, match="read-only"):
        batch.numpy()[0, 0] = 100.0
    assert x[0, 0] == 0.0


def test_from_tensors_is_one_element():
    dataset = Dataset.from_tensors(([1, 2], 3))
    assert dataset.element_spec == (tf.TensorSpec((2,), tf.int32), tf.TensorSpec((), tf.int32))
    assert len(dataset) == 1
    values, scalar = dataset.get_single_element()
    assert values.numpy().tolist() == [1, 2] and int(scalar) == 3


def test_from_generator_with_output_signature():
    def examples():
        for i in range(3):
            yield {"tokens": np.arange(i + 1), "label": float(i)}

    signature = {"tokens": tf.TensorSpec((None,), tf.int32), "label": tf.TensorSpec((), tf.float32)}
    dataset = Dataset.from_generator(examples, output_signature=signature)
    assert dataset.element_spec == signature
    elements = list(dataset)
    assert [e["tokens"].dtype for e in elements] == [tf.int32] * 3  # converted to the signature's dtype
    assert [e["tokens"].numpy().tolist() for e in elements] == [[0], [0, 1], [0, 1, 2]]
    assert len(list(dataset)) == 3  # each pass calls the generator again
    assert dataset.cardinality().numpy() == tf.data.UNKNOWN_CARDINALITY


def test_from_generator_with_output_types_and_args():
    def repeat(text, times):
        for _ in range(int(times)):
            yield text, [1.5, 2.5]

    dataset = Dataset.from_generator(repeat, output_types=(tf.string, tf.float32), output_shapes=((), (2,)),
                                     args=("hi", 2))
    assert dataset.element_spec == (tf.TensorSpec((), tf.string), tf.TensorSpec((2,), tf.float32))
    assert [t for t, _ in dataset.as_numpy_iterator()] == [b"hi", b"hi"]
    unknown = Dataset.from_generator(lambda: iter([[1, 2]]), output_types=tf.int32).element_spec
    assert unknown.shape.rank is None and "shape=<unknown>" in repr(unknown)


def test_from_generator_mismatches_name_expected_and_received():
    def shapes():
        yield np.zeros(3, np.float32)
        yield np.zeros(2, np.float32)

    dataset = Dataset.from_generator(shapes, output_signature=tf.TensorSpec((3,), tf.float32))
    with pytest.raises(InvalidArgumentError, match=r"shape \(2,\) where an element of shape \(3,\) was expected"):
        list(dataset)
    words = Dataset.from_generator(lambda: iter(["a"]), output_signature=tf.TensorSpec((), tf.int32))
    with pytest.raises(InvalidArgumentError, match="expected type was int32, but the yielded element was 'a'"):
        list(words)
    pairs = Dataset.from_generator(lambda: iter([1]), output_signature=(tf.TensorSpec((), tf.int32),) * 2)
    with pytest.raises(InvalidArgumentError, match="did not match the expected structure"):
        list(pairs)


def test_from_generator_argument_errors():
    with pytest.raises(TypeError, match="must be a Python callable"):
        Dataset.from_generator(iter([1]), output_types=tf.int32)
    with pytest.raises(TypeError, match="either the `output_signature` argument or the `output_types`"):
        Dataset.from_generator(lambda: iter([1]))
    with pytest.raises(TypeError, match="can not be used together"):
        Dataset.from_generator(lambda: iter([1]), output_types=tf.int32, output_signature=tf.TensorSpec((), tf.int32))


def test_range_and_counter():
    assert list(Dataset.range(2, 10, 3).as_numpy_iterator()) == [2, 5, 8]
    assert list(Dataset.range(5, 0, -2).as_numpy_iterator()) == [5, 3, 1]
    assert Dataset.range(4).element_spec == tf.TensorSpec((), tf.int64)
    assert Dataset.range(3, dtype=tf.int32).element_spec.dtype == tf.int32
    assert int(Dataset.range(10, 2, -3).cardinality()) == 3
    assert list(Dataset.counter(3, 2).take(3).as_numpy_iterator()) == [3, 5, 7]
    assert int(Dataset.counter().cardinality()) == tf.data.INFINITE_CARDINALITY
    with pytest.raises(InvalidArgumentError, match="non-zero"):
        Dataset.range(0, 3, 0)
    with pytest.raises(TypeError, match="integers"):
        Dataset.range(0, 1, 0.25)


def test_zip_pairs_elements_and_stops_at_the_shortest():
    dataset = Dataset.zip(Dataset.range(3), Dataset.range(10, 15))
    assert list(dataset.as_numpy_iterator()) == [(0, 10), (1, 11), (2, 12)]
    assert len(dataset) == 3
    nested = Dataset.zip((Dataset.range(2), {"a": Dataset.from_tensor_slices([1.0, 2.0])}))
    assert nested.element_spec == (tf.TensorSpec((), tf.int64), {"a": tf.TensorSpec((), tf.float32)})
    assert [(int(i), float(d["a"])) for i, d in nested] == [(0, 1.0), (1, 2.0)]
    filtered = Dataset.zip((Dataset.range(5).filter(lambda x: x % 2 == 0), Dataset.range(5)))
    assert list(filtered.as_numpy_iterator()) == [(0, 0), (2, 1), (4, 2)]
    with pytest.raises(TypeError, match="encountered object of type <class 'int'>"):
        Dataset.zip((Dataset.range(3), 1))


def test_concatenate_checks_and_relaxes_element_specs():
    joined = Dataset.from_tensor_slices(np.zeros((2, 3))).concatenate(Dataset.from_tensor_slices(np.ones((2, 4))))
    assert joined.element_spec == tf.TensorSpec((None,), tf.float64)
    assert [len(v) for v in joined.as_numpy_iterator()] == [3, 3, 4, 4] and len(joined) == 4
    with pytest.raises(TypeError, match="Incompatible dataset elements"):
        Dataset.range(3).concatenate(Dataset.from_tensor_slices([1.0]))


def test_cardinality_and_len():
    assert int(Dataset.range(10).batch(3).cardinality()) == 4
    assert int(Dataset.range(10).batch(3, drop_remainder=True).cardinality()) == 3
    assert int(Dataset.range(10).repeat().cardinality()) == tf.data.INFINITE_CARDINALITY
    assert int(Dataset.range(0).repeat().cardinality()) == 0
    assert int(Dataset.range(10).filter(lambda x: x > 3).cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert Dataset.range(3).cardinality().dtype == tf.int64
    assert tf.data.experimental.cardinality(Dataset.range(3).repeat(2)).numpy() == 6
    with pytest.raises(TypeError, match="The dataset is infinite."):
        len(Dataset.range(10).repeat())
    with pytest.raises(TypeError, match="The dataset length is unknown."):
        len(Dataset.range(10).filter(lambda x: True))
    assert bool(Dataset.range(10).filter(lambda x: True))


def test_map_element_spec_comes_from_the_function():
    assert Dataset.range(3).map(lambda x: [x, x * 2]).element_spec == (tf.TensorSpec((), tf.int64),) * 2
    assert Dataset.range(3).map(lambda x: (1.5, "s")).element_spec == (tf.TensorSpec((), tf.float32),
                                                                        tf.TensorSpec((), tf.string))
    batched = Dataset.from_tensor_slices(np.zeros((10, 4), np.float32)).batch(3).map(lambda b: b[:, :2])
    assert batched.element_spec == tf.TensorSpec((None, 2), tf.float32)
    assert repr(Dataset.range(3).batch(2)) == (
        "<BatchDataset element_spec=TensorSpec(shape=(None,), dtype=tf.int64, name=None)>")


def test_iterators():
    iterator = iter(Dataset.range(2))
    assert iterator.element_spec == tf.TensorSpec((), tf.int64)
    assert int(iterator.get_next()) == 0 and int(next(iterator)) == 1
    with pytest.raises(tf.errors.OutOfRangeError):
        iterator.get_next()
    values = list(Dataset.from_tensor_slices(([1, 2], [[1.0], [2.0]])).as_numpy_iterator())
    assert isinstance(values[0][0], np.int32) and isinstance(values[0][1], np.ndarray)
