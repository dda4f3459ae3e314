"""Reading event files back, as `tf.compat.v1.train.summary_iterator` does.

    from gradfit.summary.reader import summary_iterator
    for event in summary_iterator(path):
        for value in event.summary:
            print(event.step, value.tag, value.plugin_name, value.numpy())
"""
import dataclasses
import struct

import numpy as np

from .protos import DT_STRING, NUMPY_DTYPES
from .records import read_records
from .wire import FIXED64, LENGTH_DELIMITED, VARINT, as_int64, parse_fields


@dataclasses.dataclass
class SummaryValue:
    """One `Summary.Value`: its tag, its plugin metadata and its tensor (dtype code, shape, raw values)."""
    tag: str = ""
    plugin_name: str = ""
    plugin_content: bytes = b""
    display_name: str = ""
    description: str = ""
    dtype: int = 0
    shape: tuple = ()
    tensor_content: bytes = b""
    string_val: list = dataclasses.field(default_factory=list)

    def numpy(self):
        """The tensor as a NumPy array (an object array of bytes for string tensors)."""
        if self.dtype == DT_STRING:
            return np.array(self.string_val, dtype=object).reshape(self.shape)
        dtype = NUMPY_DTYPES[self.dtype].newbyteorder("<")
        return np.frombuffer(self.tensor_content, dtype=dtype).reshape(self.shape).astype(dtype.newbyteorder("="))


@dataclasses.dataclass
class Event:
    """One record of an event file: the file-version header, or a summary written at `step`."""
    wall_time: float = 0.0
    step: int = 0
    file_version: str = ""
    summary: list = dataclasses.field(default_factory=list)
    source_writer: str = ""


def parse_event(data):
    """An `Event` from its serialized bytes."""
    event = Event()
    for field, wire_type, value in parse_fields(data):
        if field == 1 and wire_type == FIXED64:
            (event.wall_time,) = struct.unpack("<d", value)
        elif field == 2 and wire_type == VARINT:
            event.step = as_int64(value)
        elif field == 3 and wire_type == LENGTH_DELIMITED:
            event.file_version = value.decode("utf-8")
        elif field == 5 and wire_type == LENGTH_DELIMITED:
            event.summary.extend(_parse_value(v) for f, _, v in parse_fields(value) if f == 1)
        elif field == 10 and wire_type == LENGTH_DELIMITED:
            event.source_writer = "".join(v.decode("utf-8") for f, _, v in parse_fields(value) if f == 1)
    return event


def _parse_value(data):
    value = SummaryValue()
    for field, _, item in parse_fields(data):
        if field == 1:
            value.tag = item.decode("utf-8")
        elif field == 8:
            _parse_tensor(item, value)
        elif field == 9:
            _parse_metadata(item, value)
    return value


def _parse_tensor(data, value):
    for field, _, item in parse_fields(data):
        if field == 1:
            value.dtype = item
        elif field == 2:
            value.shape = tuple(_dim_size(dim) for f, _, dim in parse_fields(item) if f == 2)
        elif field == 4:
            value.tensor_content = item
        elif field == 8:
            value.string_val.append(item)


def _dim_size(data):
    return next((as_int64(size) for f, _, size in parse_fields(data) if f == 1), 0)


def _parse_metadata(data, value):
    for field, _, item in parse_fields(data):
        if field == 1:
            for f, _, plugin_item in parse_fields(item):
                if f == 1:
                    value.plugin_name = plugin_item.decode("utf-8")
                elif f == 2:
                    value.plugin_content = plugin_item
        elif field == 2:
            value.display_name = item.decode("utf-8")
        elif field == 3:
            value.description = item.decode("utf-8")


def summary_iterator(path):
    """Yields each `Event` in the event file at `path`, checking every record's checksums."""
    for record in read_records(path):
        yield parse_event(record)
