"""keras.utils.timeseries_dataset_from_array gives Keras 3.15's windows and targets (values recorded from it)."""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

windows_of = keras.utils.timeseries_dataset_from_array


def values(dataset):
    def plain(x):
        if isinstance(x, tuple):
            return tuple(plain(v) for v in x)
        return x.tolist() if isinstance(x, np.ndarray) else x.item()

    return [plain(v) for v in dataset.as_numpy_iterator()]


def test_windows_follow_the_sampling_rate_and_stride():
    dataset = windows_of(np.arange(99), None, sequence_length=10, sampling_rate=2, sequence_stride=3, batch_size=4)
    assert isinstance(dataset, tf.data.Dataset)
    batches = values(dataset)
    assert batches[0] == [list(range(0, 20, 2)), list(range(3, 23, 2)), list(range(6, 26, 2)), list(range(9, 29, 2))]
    starts_and_ends = [[w[0], w[-1]] for batch in batches for w in batch]
    assert starts_and_ends == [[3 * i, 3 * i + 18] for i in range(27)]  # the last window is [78 ... 96]
    assert len(dataset) == 7
    assert len(windows_of(np.arange(100), None, sequence_length=10, batch_size=7)) == 13


def test_targets_line_up_with_window_starts():
    batches = values(windows_of(np.arange(20.0), np.arange(20) * 10, sequence_length=4, batch_size=5))
    assert [targets for _, targets in batches] == [[0, 10, 20, 30, 40], [50, 60, 70, 80, 90],
                                                   [100, 110, 120, 130, 140], [150, 160]]
    assert batches[3][0] == [[15.0, 16.0, 17.0, 18.0], [16.0, 17.0, 18.0, 19.0]]
    data = np.arange(50.0)
    (inputs, targets), = values(windows_of(data[:-10], data[10:], sequence_length=10, batch_size=64))[:1]
    assert inputs[0] == list(range(10)) and targets[0] == 10.0
    # start_index/end_index cut the data; window i's target is targets[start_index + i].
    cut = values(windows_of(np.arange(30.0), np.arange(30) * 10, sequence_length=3, sequence_stride=2,
                            sampling_rate=2, start_index=4, end_index=20, batch_size=3))
    assert cut == [([[4.0, 6.0, 8.0], [6.0, 8.0, 10.0], [8.0, 10.0, 12.0]], [40, 60, 80]),
                   ([[10.0, 12.0, 14.0], [12.0, 14.0, 16.0], [14.0, 16.0, 18.0]], [100, 120, 140])]
    # No more windows than targets.
    assert values(windows_of(np.arange(20), np.arange(5), sequence_length=3, batch_size=None)) == [
        ([0, 1, 2], 0), ([1, 2, 3], 1), ([2, 3, 4], 2), ([3, 4, 5], 3), ([4, 5, 6], 4)]


def test_shapes_and_dtypes():
    features = windows_of(np.zeros((20, 3), np.float32), np.zeros(20, np.int64), sequence_length=5, batch_size=None)
    assert features.element_spec == (tf.TensorSpec((5, 3), tf.float32), tf.TensorSpec((), tf.int64))
    batched = windows_of(np.zeros((20, 3), np.float32), np.zeros(20, np.int64), sequence_length=5, batch_size=4)
    assert batched.element_spec == (tf.TensorSpec((None, 5, 3), tf.float32), tf.TensorSpec((None,), tf.int64))
    assert windows_of(np.zeros(20), None, sequence_length=5).element_spec.dtype == tf.float64
    floats = windows_of([0.5 * i for i in range(10)], None, sequence_length=3, batch_size=2)
    assert floats.element_spec.dtype == tf.float32
    assert values(floats)[:2] == [[[0.0, 0.5, 1.0], [0.5, 1.0, 1.5]], [[1.0, 1.5, 2.0], [1.5, 2.0, 2.5]]]
    ints = windows_of(list(range(10)), list(range(10)), sequence_length=3)
    assert [s.dtype for s in ints.element_spec] == [tf.int32, tf.int32]
    pairs = windows_of(np.arange(24).reshape(12, 2), None, sequence_length=3, sequence_stride=4, batch_size=2)
    assert values(pairs) == [
        [[[0, 1], [2, 3], [4, 5]], [[8, 9], [10, 11], [12, 13]]], [[[16, 17], [18, 19], [20, 21]]]]
    assert values(windows_of(np.arange(5), None, sequence_length=10)) == []
    assert values(windows_of(np.arange(20), None, sequence_length=3, end_index=0)) == []


@pytest.mark.parametrize("batch_size", [8, None])
def test_shuffle_gives_every_window_once_per_pass(batch_size):
    dataset = windows_of(np.arange(60), np.arange(60) + 1000, sequence_length=5, sequence_stride=2, shuffle=True,
                         seed=7, batch_size=batch_size)
    if batch_size:
        dataset = dataset.unbatch()
    first, second = values(dataset), values(dataset)
    assert sorted(first) == sorted(second) and first != second
    assert all(window == list(range(window[0], window[0] + 5)) and target == window[0] + 1000
               for window, target in first)
    assert sorted(window[0] for window, _ in first) == list(range(0, 56, 2))
    sizes = [len(x) for x, _ in values(windows_of(np.arange(60), np.arange(60), sequence_length=5, shuffle=True,
                                                  seed=1, batch_size=16))]
    assert sizes == [16, 16, 16, 8]


@pytest.mark.parametrize("kwargs, message", [
    (dict(start_index=-1), "`start_index` must be 0 or greater. Received: start_index=-1"),
    (dict(start_index=100), "`start_index` must be lower than the length of the data. Received: start_index=100, for "
                            "data of length 100"),
    (dict(start_index=5, end_index=5), "`end_index` must be higher than `start_index`. Received: start_index=5, and "
                                       "end_index=5"),
    (dict(end_index=100), "`end_index` must be lower than the length of the data. Received: end_index=100, for data "
                          "of length 100"),
    (dict(end_index=-3), "`end_index` must be higher than 0. Received: end_index=-3"),
    (dict(sampling_rate=0), "`sampling_rate` must be higher than 0. Received: sampling_rate=0"),
    (dict(sampling_rate=100), "`sampling_rate` must be lower than the length of the data. Received: sampling_rate=100"),
    (dict(sequence_stride=0), "`sequence_stride` must be higher than 0. Received: sequence_stride=0"),
    (dict(sequence_stride=100), "`sequence_stride` must be lower than the length of the data. Received: "
                                "sequence_stride=100"),
    (dict(format="jax"), '`format` should be either "tf" or "grain". Received: format=jax'),
])
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError) as info:
        windows_of(np.arange(100), None, sequence_length=3, **kwargs)
    assert message in str(info.value)


def test_fit_on_windows():
    keras.utils.set_random_seed(0)
    series = np.sin(np.arange(200) / 5.0).astype("float32")
    dataset = windows_of(series[:-8][:, None], series[8:], sequence_length=8, batch_size=32)
    model = keras.Sequential([keras.Input((8, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(dataset, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
