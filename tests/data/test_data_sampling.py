"""choose_from_datasets, sample_from_datasets, Dataset.random and rejection_resample (expected values and
errors recorded from TensorFlow 2.21; random draws are NumPy's, so seeded orders are checked for
repeatability and distribution rather than against TensorFlow's sequence)."""
import numpy as np
import pytest

import gradfit as tf
from dataset_values import values
from gradfit.errors import InvalidArgumentError

Dataset = tf.data.Dataset


def choices(*indices):
    return Dataset.from_tensor_slices(np.array(indices, dtype=np.int64))


A, B = Dataset.range(0, 3), Dataset.range(10, 15)


# ---------------------------------------------------------------------------------- choose_from_datasets
def test_choose_from_datasets_follows_the_choices():
    assert values(Dataset.choose_from_datasets([A, B], choices(0, 1, 1, 0, 0, 0, 1))) == [0, 10, 11, 1, 2]
    assert values(Dataset.choose_from_datasets([A, B], choices(0, 1, 1, 0, 0, 0, 1),
                                               stop_on_empty_dataset=False)) == [0, 10, 11, 1, 2, 12]
    # Without stop_on_empty_dataset, the pass ends when every dataset is exhausted, even with choices left.
    assert values(Dataset.choose_from_datasets([A, B], choices(0, 1).repeat(), stop_on_empty_dataset=False)) == [
        0, 10, 1, 11, 2, 12, 13, 14]
    pairs = Dataset.choose_from_datasets([Dataset.zip((A, A)), Dataset.zip((B, B))], choices(0, 1, 1))
    assert values(pairs) == [(0, 0), (10, 10), (11, 11)]
    dicts = [Dataset.from_tensor_slices({"x": [1, 2]}), Dataset.from_tensor_slices({"x": [7]})]
    assert values(Dataset.choose_from_datasets(dicts, choices(1, 0, 0))) == [{"x": 7}, {"x": 1}, {"x": 2}]


def test_choose_from_datasets_spec_and_cardinality():
    short, long = Dataset.from_tensors([1, 2]), Dataset.from_tensors([1, 2, 3])
    mixed = Dataset.choose_from_datasets([short, long], choices(1, 0))
    assert mixed.element_spec == tf.TensorSpec((None,), tf.int32)
    assert values(mixed) == [[1, 2, 3], [1, 2]]
    assert int(Dataset.choose_from_datasets([A, B], choices(0, 1)).cardinality()) == tf.data.UNKNOWN_CARDINALITY
    endless = Dataset.choose_from_datasets([A.repeat(), B.repeat()], choices(0, 1).repeat())
    assert int(endless.cardinality()) == tf.data.INFINITE_CARDINALITY


def test_choose_from_datasets_errors():
    with pytest.raises(TypeError, match=r"Elements of `choice_dataset` must be scalar `tf.int64` tensors but are "
                                        r"TensorSpec\(shape=\(\), dtype=tf.int32"):
        Dataset.choose_from_datasets([A, B], Dataset.from_tensor_slices(np.array([0, 1], np.int32)))
    with pytest.raises(TypeError, match=r"must be scalar `tf.int64` tensors but are TensorSpec\(shape=\(2,\)"):
        Dataset.choose_from_datasets([A, B], Dataset.from_tensor_slices(np.array([[0, 1]], np.int64)))
    with pytest.raises(TypeError, match="`choice_dataset` should be a `tf.data.Dataset` but is <class 'list'>"):
        Dataset.choose_from_datasets([A, B], [0, 1])
    with pytest.raises(ValueError, match="`datasets` should not be empty"):
        Dataset.choose_from_datasets([], choices(0))
    with pytest.raises(TypeError, match="`datasets` must have compatible element specs"):
        Dataset.choose_from_datasets([A, A.map(lambda x: tf.cast(x, tf.float32))], choices(0))
    with pytest.raises(TypeError, match="`datasets` must have compatible element specs"):
        Dataset.choose_from_datasets([Dataset.zip((A, A)), B], choices(0))
    with pytest.raises(InvalidArgumentError, match="Selector index out of range: 2"):
        values(Dataset.choose_from_datasets([A, B], choices(0, 2)))


# ---------------------------------------------------------------------------------- sample_from_datasets
def test_sample_from_datasets_draws_every_element_once_in_each_datasets_order():
    out = values(Dataset.sample_from_datasets([A, B], seed=7))
    assert sorted(out) == [0, 1, 2, 10, 11, 12, 13, 14]
    assert [x for x in out if x < 10] == [0, 1, 2] and [x for x in out if x >= 10] == [10, 11, 12, 13, 14]
    assert values(Dataset.sample_from_datasets([A])) == [0, 1, 2]
    weights = Dataset.from_tensors([0.5, 0.5]).repeat()
    sampled = Dataset.sample_from_datasets([A, B], weights=weights, seed=1)
    assert sorted(values(sampled)) == [0, 1, 2, 10, 11, 12, 13, 14]


def test_sample_from_datasets_weights_of_zero_or_less_are_never_drawn():
    assert values(Dataset.sample_from_datasets([A, B], weights=[0.0, 1.0], seed=2)) == [10, 11, 12, 13, 14]
    assert values(Dataset.sample_from_datasets([A, B], weights=[1.0, 0.0], seed=2)) == [0, 1, 2]
    assert values(Dataset.sample_from_datasets([A, B], weights=[-1.0, 2.0], seed=2)) == [10, 11, 12, 13, 14]


def test_sample_from_datasets_follows_the_weights():
    zeros, ones = Dataset.from_tensors(0).repeat(), Dataset.from_tensors(1).repeat()
    out = values(Dataset.sample_from_datasets([zeros, ones], weights=[0.25, 0.75], seed=11).take(20000))
    assert abs(np.mean(out) - 0.75) < 0.02


def test_sample_from_datasets_seeds_and_passes():
    assert values(Dataset.sample_from_datasets([A, B], seed=5)) == values(Dataset.sample_from_datasets([A, B], seed=5))
    a, b = Dataset.range(50), Dataset.range(100, 150)
    same = Dataset.sample_from_datasets([a, b], seed=5)
    assert values(same) == values(same)  # the same draws every pass by default, as in tf.data
    fresh = Dataset.sample_from_datasets([a, b], seed=5, rerandomize_each_iteration=True)
    first, second = values(fresh), values(fresh)
    assert first != second and sorted(first) == sorted(second)
    unseeded = Dataset.sample_from_datasets([a, b])
    assert values(unseeded) == values(unseeded)
    tf.random.set_seed(3)
    after_set_seed = values(Dataset.sample_from_datasets([a, b]))
    tf.random.set_seed(3)
    assert values(Dataset.sample_from_datasets([a, b])) == after_set_seed


def test_sample_from_datasets_stop_on_empty_dataset():
    for seed in range(10):
        out = values(Dataset.sample_from_datasets([Dataset.range(2), Dataset.range(10, 100)], seed=seed,
                                                  stop_on_empty_dataset=True))
        assert [x for x in out if x < 2] == [0, 1] and len(out) < 92


def test_sample_from_datasets_spec_cardinality_and_errors():
    pairs = Dataset.sample_from_datasets([Dataset.zip((A, B)), Dataset.zip((B, A))])
    assert pairs.element_spec == (tf.TensorSpec((), tf.int64), tf.TensorSpec((), tf.int64))
    assert int(Dataset.sample_from_datasets([A, B]).cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert int(Dataset.sample_from_datasets([A.repeat(), B.repeat()]).cardinality()) == tf.data.INFINITE_CARDINALITY
    with pytest.raises(ValueError, match=r"`weights` should have the same length as `datasets` but got "
                                         r"`len\(weights\)=3` vs. `len\(datasets\)=2`"):
        Dataset.sample_from_datasets([A, B], weights=[0.2, 0.3, 0.5])
    with pytest.raises(TypeError, match="`weights` type must be either `tf.float32` or `tf.float64`"):
        Dataset.sample_from_datasets([A, B], weights=[1, 3])
    with pytest.raises(ValueError, match="`datasets` should not be empty"):
        Dataset.sample_from_datasets([])


# ----------------------------------------------------------------------------------------- Dataset.random
def test_random_dataset():
    assert Dataset.random(seed=1).element_spec == tf.TensorSpec((), tf.int64)
    assert int(Dataset.random(seed=1).cardinality()) == tf.data.INFINITE_CARDINALITY
    assert values(Dataset.random(seed=4).take(5)) == values(Dataset.random(seed=4).take(5))
    fixed = Dataset.random(seed=4).take(5)
    assert values(fixed) == values(fixed)
    fresh = Dataset.random(seed=4, rerandomize_each_iteration=True).take(5)
    assert values(fresh) != values(fresh)
    draws = np.array(values(Dataset.random(seed=4).take(5000)))
    assert draws.min() >= 0 and draws.max() < 2**32 and draws.max() > 2**31
    assert values(Dataset.random(seed=4).batch(3).take(1))[0] == values(Dataset.random(seed=4).take(3))


# ------------------------------------------------------------------------------------- rejection_resample
def imbalanced():
    return Dataset.from_tensor_slices(np.array([0] * 900 + [1] * 100, np.int32)).shuffle(1000, seed=1)


@pytest.mark.parametrize("initial_dist", [[0.9, 0.1], None])
def test_rejection_resample_balances_the_classes(initial_dist):
    out = imbalanced().rejection_resample(lambda x: x, target_dist=[0.5, 0.5], initial_dist=initial_dist, seed=3)
    assert out.element_spec == (tf.TensorSpec((), tf.int32), tf.TensorSpec((), tf.int32))
    pairs = values(out)
    assert all(label == value for label, value in pairs)
    # TensorFlow gave 238 (given) and 259 (estimated) elements, about half of each class.
    assert 150 < len(pairs) < 350
    assert abs(np.mean([label for label, _ in pairs]) - 0.5) < 0.12


def test_rejection_resample_special_cases():
    parity = Dataset.range(10).map(lambda x: tf.cast(x % 2, tf.int32))
    unchanged = parity.rejection_resample(lambda x: x, [0.5, 0.5], initial_dist=[0.5, 0.5])
    assert len(values(unchanged)) == 10  # target == initial: the dataset itself, with its classes
    only_ones = Dataset.from_tensor_slices(np.array([0] * 90 + [1] * 10, np.int32)).rejection_resample(
        lambda x: x, [0.0, 1.0], initial_dist=[0.9, 0.1], seed=3)
    assert values(only_ones) == [(1, 1)] * 10
    pairs = Dataset.zip((Dataset.range(6), Dataset.range(6))).rejection_resample(
        lambda x, y: tf.cast(x % 2, tf.int32), target_dist=[0.5, 0.5], initial_dist=[0.5, 0.5])
    assert values(pairs) == [(0, (0, 0)), (1, (1, 1)), (0, (2, 2)), (1, (3, 3)), (0, (4, 4)), (1, (5, 5))]
