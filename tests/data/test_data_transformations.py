"""Transformations give the elements tf.data gives (expected values recorded from TensorFlow 2.21)."""
import os

import numpy as np
import pytest

import gradfit as tf
from gradfit.errors import InvalidArgumentError

Dataset = tf.data.Dataset


def values(dataset):
    return [v.tolist() if isinstance(v, np.ndarray) else v for v in dataset.as_numpy_iterator()]


def ragged():
    return Dataset.from_generator(lambda: iter([[1], [1, 2, 3], [4, 5]]),
                                  output_signature=tf.TensorSpec([None], tf.int32))


def test_batch_shapes_and_specs():
    pairs = Dataset.from_tensor_slices((np.zeros((5, 3)), np.arange(5)))
    assert [b[0].shape for b in pairs.batch(2)] == [(2, 3), (2, 3), (1, 3)]
    assert pairs.batch(2, drop_remainder=True).element_spec == (tf.TensorSpec((2, 3), tf.float64),
                                                                tf.TensorSpec((2,), tf.int64))
    assert len(list(pairs.batch(2, drop_remainder=True))) == 2
    assert values(Dataset.from_tensor_slices(["a", "bb", "c"]).batch(2)) == [[b"a", b"bb"], [b"c"]]
    with pytest.raises(InvalidArgumentError, match=r"First element had shape \[1\] and element 1 had shape \[3\]"):
        list(ragged().batch(2))
    with pytest.raises(InvalidArgumentError, match="greater than zero"):
        Dataset.range(3).batch(0)


def test_padded_batch():
    assert values(ragged().padded_batch(2)) == [[[1, 0, 0], [1, 2, 3]], [[4, 5]]]
    assert values(ragged().padded_batch(3, padded_shapes=[4], padding_values=-1)) == [
        [[1, -1, -1, -1], [1, 2, 3, -1], [4, 5, -1, -1]]]
    assert ragged().padded_batch(2, padded_shapes=[5]).element_spec == tf.TensorSpec((None, 5), tf.int32)
    with pytest.raises(InvalidArgumentError, match="pad to a smaller size"):
        list(ragged().padded_batch(2, padded_shapes=[2]))
    texts = Dataset.from_tensor_slices([["a", "bb"], ["c", "d"]]).padded_batch(2, padded_shapes=[3])
    assert values(texts) == [[[b"a", b"bb", b""], [b"c", b"d", b""]]]
    pairs = Dataset.from_generator(lambda: iter([([1], "a"), ([1, 2], "b")]),
                                   output_signature=(tf.TensorSpec([None], tf.int32), tf.TensorSpec([], tf.string)))
    (numbers, letters), = pairs.padded_batch(2, padding_values=(-1, "")).as_numpy_iterator()
    assert numbers.tolist() == [[1, -1], [1, 2]] and letters.tolist() == [b"a", b"b"]
    by_dict = Dataset.range(4).map(lambda x: {"a": tf.fill([x], x)}).padded_batch(2)
    assert by_dict.element_spec == {"a": tf.TensorSpec((None, None), tf.int64)}
    with pytest.raises(TypeError, match="values type int32 does not match type int64"):
        list(by_dict.padded_batch(2, padding_values={"a": np.int32(-1)}))


def test_unbatch_and_rebatch():
    pairs = Dataset.from_tensor_slices((np.zeros((5, 3)), np.arange(5))).batch(2)
    assert pairs.unbatch().element_spec == (tf.TensorSpec((3,), tf.float64), tf.TensorSpec((), tf.int64))
    assert [int(y) for _, y in pairs.unbatch()] == [0, 1, 2, 3, 4]
    assert values(Dataset.range(10).batch(3).rebatch(4)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert values(Dataset.range(10).batch(3).rebatch([2, 3])) == [[0, 1], [2, 3, 4], [5, 6], [7, 8, 9]]
    assert values(Dataset.range(10).batch(3).rebatch(4, drop_remainder=True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    with pytest.raises(ValueError, match="scalar components"):
        list(Dataset.range(3).unbatch())
    with pytest.raises(InvalidArgumentError, match="Encountered both 2 and 3"):
        list(Dataset.from_tensors((np.zeros((2,)), np.zeros((3,)))).unbatch())


def test_window_and_flat_map():
    windows = Dataset.range(7).window(3, shift=2, stride=2)
    assert [values(w) for w in windows] == [[0, 2, 4], [2, 4, 6], [4, 6], [6]]
    assert [values(w) for w in Dataset.range(7).window(3, shift=2, stride=2, drop_remainder=True)] == [
        [0, 2, 4], [2, 4, 6]]
    assert values(Dataset.range(5).window(3, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(3))) == [
        [0, 1, 2], [1, 2, 3], [2, 3, 4]]
    assert [(int(Dataset.range(10).window(3, shift=s, drop_remainder=d).cardinality())) for s, d in
            [(3, False), (2, False), (2, True)]] == [4, 5, 4]
    pairs = Dataset.from_tensor_slices(([1, 2, 3], [4, 5, 6])).window(2)
    assert [(values(a), values(b)) for a, b in pairs] == [([1, 2], [4, 5]), ([3], [6])]
    assert isinstance(pairs.element_spec[0], tf.data.DatasetSpec)
    flat = Dataset.from_tensor_slices(([1, 2], [3, 4])).flat_map(lambda a, b: Dataset.from_tensor_slices([a, b]))
    assert values(flat) == [1, 3, 2, 4]


def test_interleave_follows_tensorflows_order():
    blocks = Dataset.range(1, 4).interleave(lambda x: Dataset.from_tensors(x).repeat(4), cycle_length=2,
                                            block_length=3)
    assert values(blocks) == [1, 1, 1, 2, 2, 2, 1, 2, 3, 3, 3, 3]
    two = Dataset.range(1, 4).interleave(lambda x: Dataset.from_tensors(x).repeat(2), cycle_length=2)
    assert values(two) == [1, 2, 1, 2, 3, 3]


def test_filter_take_skip_repeat_shard_enumerate():
    assert values(Dataset.range(6).filter(lambda x: x % 2 == 0)) == [0, 2, 4]
    assert values(Dataset.range(10).take_while(lambda x: x < 4)) == [0, 1, 2, 3]
    assert values(Dataset.range(5).take(2)) == [0, 1] and values(Dataset.range(3).take(-1)) == [0, 1, 2]
    assert values(Dataset.range(5).skip(3)) == [3, 4] and values(Dataset.range(5).skip(-1)) == []
    assert values(Dataset.range(3).repeat(2)) == [0, 1, 2, 0, 1, 2] and values(Dataset.range(3).repeat(0)) == []
    assert values(Dataset.range(10).shard(3, 1)) == [1, 4, 7] and len(Dataset.range(10).shard(3, 1)) == 3
    assert values(Dataset.range(3).enumerate(5)) == [(5, 0), (6, 1), (7, 2)]
    assert [int(Dataset.range(10).take(3).cardinality()), int(Dataset.range(10).skip(13).cardinality())] == [3, 0]
    with pytest.raises(ValueError, match="must return a `tf.bool` scalar tensor"):
        list(Dataset.range(3).filter(lambda x: x))
    with pytest.raises(InvalidArgumentError, match=r"Index must be between 0 and 1 \(currently index = 2\)"):
        Dataset.range(3).shard(2, 2)


def generated(array):
    """The same elements as from_tensor_slices(array), from a generator (the element-by-element path)."""
    return Dataset.from_generator(lambda: iter(array), output_signature=tf.TensorSpec(array.shape[1:], array.dtype))


@pytest.mark.parametrize("pipeline", [
    lambda d: d.shuffle(50, seed=4).batch(7),
    lambda d: d.repeat(3).shuffle(40, seed=2).take(150).batch(16),
    lambda d: d.skip(10).shard(3, 2).batch(5, drop_remainder=True),
    lambda d: d.shuffle(200, seed=1).cache().repeat(2).batch(9),
    lambda d: d.take(-1).prefetch(3).skip(5).batch(64),
], ids=["shuffle", "repeat-shuffle-take", "skip-shard", "shuffle-cache-repeat", "prefetch-skip"])
def test_gathered_batches_equal_stacked_batches(pipeline):
    x = np.arange(360, dtype=np.float32).reshape(120, 3)
    gathered = [b.numpy() for b in pipeline(Dataset.from_tensor_slices(x))]
    stacked = [b.numpy() for b in pipeline(generated(x))]
    assert len(gathered) == len(stacked)
    for a, b in zip(gathered, stacked):
        np.testing.assert_array_equal(a, b)


def test_reduce_and_get_single_element():
    assert int(Dataset.range(5).reduce(np.int64(0), lambda total, x: total + x)) == 10
    assert int(Dataset.from_tensor_slices(([1, 2], [3, 4])).reduce(0, lambda s, pair: s + pair[0])) == 3
    state = Dataset.range(3).reduce({"sum": np.int64(0)}, lambda s, x: {"sum": s["sum"] + x})
    assert int(state["sum"]) == 3
    with pytest.raises(InvalidArgumentError, match="Dataset was empty."):
        Dataset.range(0).get_single_element()
    with pytest.raises(InvalidArgumentError, match="more than one element"):
        Dataset.range(2).get_single_element()


def test_cache_in_memory_runs_the_pipeline_once():
    calls = []

    def expensive(x):
        calls.append(int(x))
        return x * 10

    dataset = Dataset.range(5).map(expensive).cache()
    for _ in dataset:  # an early stop caches nothing
        break
    assert values(dataset) == [0, 10, 20, 30, 40] and values(dataset) == [0, 10, 20, 30, 40]
    assert calls == [0, 0, 1, 2, 3, 4]
    frozen = Dataset.range(50).shuffle(50).cache()
    assert values(frozen) == values(frozen) != list(range(50))  # the first pass's order is kept


def test_cache_to_a_file_is_reused_by_later_runs(tmp_path):
    calls = []

    def examples():
        calls.append("generator")
        yield {"text": "first", "tokens": np.arange(3)}
        yield {"text": "second one", "tokens": np.arange(5)}

    def pipeline():
        signature = {"text": tf.TensorSpec((), tf.string), "tokens": tf.TensorSpec((None,), tf.int64)}
        return Dataset.from_generator(examples, output_signature=signature).cache(str(tmp_path / "cache"))

    iterator = iter(pipeline())
    next(iterator)
    del iterator  # a partial pass leaves no cache file behind
    assert os.listdir(tmp_path) == []
    first = list(pipeline().as_numpy_iterator())
    assert len(os.listdir(tmp_path)) == 1
    second = list(pipeline().as_numpy_iterator())
    assert calls == ["generator", "generator"]  # the third pass read the file
    assert [e["text"] for e in second] == [b"first", b"second one"]
    assert [e["tokens"].tolist() for e in second] == [e["tokens"].tolist() for e in first]
    with pytest.raises(tf.errors.NotFoundError):
        list(Dataset.range(3).cache(str(tmp_path / "missing" / "cache")))


def test_options():
    options = tf.data.Options()
    options.deterministic = False
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    options.threading.private_threadpool_size = 1
    dataset = Dataset.range(20).with_options(options).map(lambda x: x + 1, num_parallel_calls=4)
    assert dataset.options().deterministic is False
    assert dataset.options().experimental_distribute.auto_shard_policy == tf.data.experimental.AutoShardPolicy.OFF
    assert sorted(values(dataset)) == list(range(1, 21))
    assert Dataset.range(3).options() == tf.data.Options()
    with pytest.raises(AttributeError, match="Cannot set the property foo on Options."):
        options.foo = 1


def test_apply_and_experimental_transformations():
    assert values(Dataset.range(6).apply(tf.data.experimental.take_while(lambda x: x < 2))) == [0, 1]
    assert values(Dataset.range(4).batch(2).apply(tf.data.experimental.unbatch())) == [0, 1, 2, 3]
    with pytest.raises(TypeError, match="must return a Dataset"):
        Dataset.range(3).apply(lambda d: 3)
