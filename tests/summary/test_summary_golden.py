"""tf.summary writes what TensorFlow writes: the scripted calls of golden/make_summary.py (fixture
tests/fixtures/summary/summary.npz) give the same events, compared field by field in protobuf wire form.

Only the wall times differ, and the name of the writing program in the file's first event. PNG images are
compared by their pixels (two encoders may compress the same pixels differently).
"""
import glob
import json
import os

import numpy as np
import pytest

import gradfit as tf
from gradfit.summary.png import decode_png
from gradfit.summary.records import masked_crc32c
from gradfit.summary.wire import parse_fields

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "summary", "summary.npz"))
CALLS = json.loads(str(FIXTURE["calls"]))

# Paths (field numbers from the Event down) of the fields that hold messages rather than strings or bytes.
SUBMESSAGES = {(5,), (5, 1), (5, 1, 8), (5, 1, 8, 2), (5, 1, 8, 2, 2), (5, 1, 9), (5, 1, 9, 1), (10,)}
WALL_TIME, SOURCE_METADATA = 1, 10


def split_records(data):
    """The records of an event file, checking the framing and both masked CRC32Cs as a reader would."""
    records, pos = [], 0
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 8], "little")
        assert int.from_bytes(data[pos + 8:pos + 12], "little") == masked_crc32c(data[pos:pos + 8])
        payload = data[pos + 12:pos + 12 + length]
        assert int.from_bytes(data[pos + 12 + length:pos + 16 + length], "little") == masked_crc32c(payload)
        records.append(payload)
        pos += 16 + length
    assert pos == len(data)
    return records


def field_tree(data, path=()):
    tree = []
    for field, wire_type, value in parse_fields(data):
        if path + (field,) in SUBMESSAGES:
            value = field_tree(value, path + (field,))
        tree.append([field, wire_type, value])
    return tree


def without(tree, *fields):
    return [node for node in tree if node[0] not in fields]


def png_payloads(tree):
    """Replaces the PNGs in an image summary's tensor by their decoded pixels."""
    for node in tree:
        if isinstance(node[2], list):
            png_payloads(node[2])
        elif isinstance(node[2], bytes) and node[2].startswith(b"\x89PNG"):
            node[2] = decode_png(node[2]).tolist()
    return tree


def run_calls(logdir):
    writer = tf.summary.create_file_writer(logdir)
    returns, conditions = [], []
    with writer.as_default():
        for call in CALLS:
            if call[0] == "default_step":
                tf.summary.experimental.set_step(call[1])
                continue
            if call[0] == "record":
                conditions.append(tf.summary.record_if(call[1]))
                conditions[-1].__enter__()
                continue
            function, name, data, dtype, kwargs = call
            data = np.asarray(data) if dtype is None else np.asarray(data, dtype=dtype)
            returns.append(bool(getattr(tf.summary, function)(name, data, **kwargs)))
        for condition in reversed(conditions):
            condition.__exit__(None, None, None)
    writer.close()
    tf.summary.experimental.set_step(None)
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*.v2"))
    with open(path, "rb") as f:
        return returns, f.read()


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    returns, data = run_calls(str(tmp_path_factory.mktemp("calls")))
    return returns, split_records(data)


def expected_records():
    return split_records(FIXTURE["tf_events"].tobytes())


def test_calls_return_what_tensorflow_returns(written):
    assert written[0] == json.loads(str(FIXTURE["returns"]))


def test_same_number_of_events(written):
    assert len(written[1]) == len(expected_records())


def test_first_event_is_the_file_version(written):
    ours, theirs = field_tree(written[1][0]), field_tree(expected_records()[0])
    assert without(ours, WALL_TIME, SOURCE_METADATA) == without(theirs, WALL_TIME, SOURCE_METADATA)
    assert [node[0] for node in ours] == [node[0] for node in theirs] == [WALL_TIME, 3, SOURCE_METADATA]
    assert ours[-1][2] == [[1, 2, b"gradfit"]]


@pytest.mark.parametrize("index", range(1, len(expected_records())))
def test_summary_event_matches_field_by_field(written, index):
    ours, theirs = field_tree(written[1][index]), field_tree(expected_records()[index])
    assert ours[0][0] == theirs[0][0] == WALL_TIME
    assert png_payloads(without(ours, WALL_TIME)) == png_payloads(without(theirs, WALL_TIME))
