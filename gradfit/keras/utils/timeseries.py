"""keras.utils.timeseries_dataset_from_array: sliding windows over a series, as a gradfit.data.Dataset."""
import numpy as np

from ...data import Dataset
from ...ops import array, math
from ...tensor import convert_to_tensor


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None,
                                  format="tf"):
    """A Dataset of windows `data[i], data[i + r], ..., data[i + (sequence_length - 1) * r]` (r the
    sampling rate), a window starting every `sequence_stride` steps, with `targets[i]` alongside.

    As Keras: only `data[start_index:end_index]` is used (end_index exclusive, and lower than len(data)),
    window i's target is `targets[start_index + i]`, there are no more windows than targets, and
    `shuffle` shuffles the window starts with NumPy's `RandomState(seed)`, then the windows with a buffer
    of 8 batches. Yields `(windows, targets)` batches of `batch_size` (single windows for None), or only
    windows when `targets` is None.
    """
    length = len(data)
    _check(length, start_index, end_index, sequence_stride, sampling_rate)
    if format == "grain":
        raise ValueError('format="grain" asks for a Grain dataset; gradfit builds gradfit.data pipelines: use '
                         'format="tf" (the default), which returns a gradfit.data.Dataset')
    if format != "tf":
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')

    start = 0 if start_index is None else start_index
    end = length if end_index is None else end_index
    num_windows = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_windows = min(num_windows, len(targets))
    index_dtype = "int32" if num_windows < 2147483647 else "int64"
    starts = np.arange(0, max(num_windows, 0), sequence_stride, dtype=index_dtype)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)

    values = convert_to_tensor(data)[start:end]
    labels = None if targets is None else convert_to_tensor(targets)[start:end]
    steps = math.cast(array.range(0, sequence_length * sampling_rate, sampling_rate), index_dtype)

    def windows(first):
        # One window per start (a batch of starts gives a batch of windows): rows first + k * sampling_rate.
        rows = math.add(array.expand_dims(first, -1), steps)
        picked = array.gather(values, rows)
        return picked if labels is None else (picked, array.gather(labels, first))

    dataset = Dataset.from_tensor_slices(starts)
    if shuffle:
        dataset = dataset.shuffle(buffer_size=1024 if batch_size is None else batch_size * 8, seed=seed)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset.map(windows)


def _check(length, start_index, end_index, sequence_stride, sampling_rate):
    """Keras's checks of the window arguments against the length of the data."""
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= length:
            raise ValueError(f"`start_index` must be lower than the length of the data. Received: "
                             f"start_index={start_index}, for data of length {length}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"`end_index` must be higher than `start_index`. Received: start_index={start_index}, "
                             f"and end_index={end_index} ")
        if end_index >= length:
            raise ValueError(f"`end_index` must be lower than the length of the data. Received: "
                             f"end_index={end_index}, for data of length {length}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= length:
            raise ValueError(f"`{name}` must be lower than the length of the data. Received: {name}={value}, "
                             f"for data of length {length}")
