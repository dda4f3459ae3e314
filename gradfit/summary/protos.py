"""Serializing the messages of an event file: Event, Summary, SummaryMetadata and TensorProto.

Field numbers are those of TensorFlow's public event.proto, summary.proto, tensor.proto and
tensor_shape.proto:

    Event            1 wall_time (double)  2 step (int64)  3 file_version (string)  5 summary (Summary)
                     10 source_metadata (SourceMetadata: 1 writer)
    Summary          1 value (repeated Value)
    Summary.Value    1 tag  8 tensor (TensorProto)  9 metadata (SummaryMetadata)
    SummaryMetadata  1 plugin_data (PluginData: 1 plugin_name, 2 content)  2 display_name
                     3 summary_description
    TensorProto      1 dtype (DataType enum)  2 tensor_shape (TensorShapeProto)  4 tensor_content (bytes)
                     8 string_val (repeated bytes)
    TensorShapeProto 2 dim (repeated Dim: 1 size)

Numeric tensors carry their values as little-endian bytes in `tensor_content`, strings one per `string_val`,
as TensorFlow's summary writer stores them.
"""
import functools

import numpy as np

from .wire import bytes_field, double_field, varint_field

# TensorFlow's DataType enum values for the dtypes a summary tensor can have.
DATA_TYPES = {
    np.dtype("float32"): 1, np.dtype("float64"): 2, np.dtype("int32"): 3, np.dtype("uint8"): 4,
    np.dtype("int16"): 5, np.dtype("int8"): 6, np.dtype("complex64"): 8, np.dtype("int64"): 9,
    np.dtype("bool"): 10, np.dtype("uint16"): 17, np.dtype("complex128"): 18, np.dtype("float16"): 19,
    np.dtype("uint32"): 22, np.dtype("uint64"): 23,
}
DT_STRING = 7
NUMPY_DTYPES = {code: dtype for dtype, code in DATA_TYPES.items()}

FILE_VERSION = "brain.Event:2"


def encode_tensor(array):
    """A TensorProto for a NumPy array: numbers as `tensor_content`, bytes/str elements as `string_val`."""
    array = np.asarray(array)
    dims = b"".join(bytes_field(2, varint_field(1, size), keep_empty=True) for size in array.shape)
    shape = bytes_field(2, dims, keep_empty=True)
    if array.dtype.kind in "OSU":
        strings = b"".join(bytes_field(8, _as_bytes(item), keep_empty=True) for item in array.reshape(-1))
        return varint_field(1, DT_STRING) + shape + strings
    code = DATA_TYPES.get(array.dtype)
    if code is None:
        raise TypeError(f"A summary tensor cannot hold dtype {array.dtype}")
    content = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    return varint_field(1, code) + shape + bytes_field(4, content)


def _as_bytes(item):
    if isinstance(item, bytes):
        return item
    if isinstance(item, str):
        return item.encode("utf-8")
    raise TypeError(f"A string tensor holds str or bytes, got {item!r} of type {type(item).__name__}")


@functools.lru_cache(maxsize=256)
def encode_metadata(plugin_name, content=b"", display_name=None, description=None):
    """A SummaryMetadata naming the TensorBoard plugin that reads the value."""
    plugin_data = bytes_field(1, plugin_name) + bytes_field(2, content)
    return (bytes_field(1, plugin_data, keep_empty=True) + bytes_field(2, display_name or b"")
            + bytes_field(3, description or b""))


def encode_summary_value(tag, tensor, metadata):
    """A Summary.Value: `tensor` is a serialized TensorProto, `metadata` a serialized SummaryMetadata."""
    return bytes_field(1, tag) + bytes_field(8, tensor, keep_empty=True) + bytes_field(9, metadata)


def encode_event(wall_time, step=0, file_version=None, summary_values=(), source_writer=None):
    """An Event: either the file's opening `file_version` record or a Summary of `summary_values`."""
    parts = [double_field(1, wall_time), varint_field(2, step)]
    if file_version is not None:
        parts.append(bytes_field(3, file_version))
    if summary_values:
        summary = b"".join(bytes_field(1, value, keep_empty=True) for value in summary_values)
        parts.append(bytes_field(5, summary, keep_empty=True))
    if source_writer:
        parts.append(bytes_field(10, bytes_field(1, source_writer), keep_empty=True))
    return b"".join(parts)
