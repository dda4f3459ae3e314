"""The pieces of an event file: CRC32C, TFRecord framing, protobuf varints, PNG images."""
import struct
import zlib

import numpy as np
import pytest

from gradfit.summary import records, wire
from gradfit.summary.png import decode_png, encode_png
from gradfit.summary.protos import encode_event, encode_metadata, encode_summary_value, encode_tensor
from gradfit.summary.reader import parse_event


# ------------------------------------------------------------------------------------------ CRC32C
@pytest.mark.parametrize("data, expected", [
    (b"", 0x00000000),
    (b"a", 0xC1D04330),
    (b"123456789", 0xE3069283),  # the standard check value of CRC-32C
    (bytes(32), 0x8A9136AA),  # the test vectors of RFC 3720 (iSCSI), B.4
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
])
def test_crc32c_known_vectors(data, expected):
    assert records.crc32c(data) == expected


def test_crc32c_continues_over_pieces():
    assert records.crc32c(b"56789", records.crc32c(b"1234")) == records.crc32c(b"123456789")


def test_masked_crc_rotates_and_adds_the_delta():
    crc = records.crc32c(b"123456789")
    assert records.masked_crc32c(b"123456789") == ((crc >> 15 | crc << 17) + 0xA282EAD8) & 0xFFFFFFFF


# ------------------------------------------------------------------------------------ TFRecord framing
def test_record_layout(tmp_path):
    framed = records.encode_record(b"hello")
    assert framed[:8] == struct.pack("<Q", 5) and framed[12:17] == b"hello" and len(framed) == 5 + 16
    assert struct.unpack("<I", framed[8:12])[0] == records.masked_crc32c(framed[:8])
    assert struct.unpack("<I", framed[17:])[0] == records.masked_crc32c(b"hello")
    path = tmp_path / "records"
    path.write_bytes(framed + records.encode_record(b"") + records.encode_record(b"x" * 1000))
    assert list(records.read_records(path)) == [b"hello", b"", b"x" * 1000]


def test_corrupted_record_is_reported(tmp_path):
    framed = bytearray(records.encode_record(b"hello") * 2)
    framed[-6] ^= 1
    path = tmp_path / "records"
    path.write_bytes(bytes(framed))
    with pytest.raises(ValueError, match="byte 21 .* data's checksum"):
        list(records.read_records(path))


def test_truncated_last_record_ends_reading(tmp_path):
    path = tmp_path / "records"
    path.write_bytes(records.encode_record(b"done") + records.encode_record(b"in progress")[:-3])
    assert list(records.read_records(path)) == [b"done"]


# ------------------------------------------------------------------------------------------- varints
@pytest.mark.parametrize("value, encoded", [
    (0, b"\x00"), (1, b"\x01"), (127, b"\x7f"), (128, b"\x80\x01"), (300, b"\xac\x02"),
    (2 ** 40, b"\x80\x80\x80\x80\x80\x20"), (2 ** 63 - 1, b"\xff" * 8 + b"\x7f"), (-1, b"\xff" * 9 + b"\x01"),
])
def test_varint_encoding(value, encoded):
    assert wire.encode_varint(value) == encoded
    decoded, end = wire.decode_varint(encoded + b"rest")
    assert wire.as_int64(decoded) == value and end == len(encoded)


def test_fields_in_number_order_and_defaults_left_out():
    assert wire.varint_field(2, 0) == b"" and wire.bytes_field(1, "") == b""
    assert wire.bytes_field(2, b"", keep_empty=True) == b"\x12\x00"
    assert wire.varint_field(2, 3) == b"\x10\x03" and wire.bytes_field(1, "ab") == b"\x0a\x02ab"
    assert wire.double_field(1, 1.5) == b"\x09" + struct.pack("<d", 1.5)
    assert wire.parse_fields(b"\x10\x03\x0a\x02ab") == [(2, wire.VARINT, 3), (1, wire.LENGTH_DELIMITED, b"ab")]


def test_event_round_trip():
    tensor = encode_tensor(np.array([[1, 2], [3, 4]], "int64"))
    metadata = encode_metadata("custom", content=b"\x01", description="two by two")
    event = parse_event(encode_event(12.5, 7, summary_values=[encode_summary_value("m", tensor, metadata)]))
    assert (event.wall_time, event.step, event.file_version) == (12.5, 7, "")
    (value,) = event.summary
    assert (value.tag, value.plugin_name, value.plugin_content, value.description) == ("m", "custom", b"\x01",
                                                                                         "two by two")
    np.testing.assert_array_equal(value.numpy(), [[1, 2], [3, 4]])
    assert value.numpy().dtype == np.int64
    strings = parse_event(encode_event(1.0, summary_values=[encode_summary_value("s", encode_tensor(
        np.array(["a", "b\u00e9"])), b"")])).summary[0]
    assert strings.shape == (2,) and strings.string_val == [b"a", "b\u00e9".encode()]


# ----------------------------------------------------------------------------------------------- PNG
def read_png_by_hand(data):
    """Chunks checked with zlib.crc32, rows inflated with zlib; rows must be unfiltered (filter byte 0)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + body)
        chunks.append((kind, body))
        pos += 12 + length
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, color_type, compression, filtering, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, compression, filtering, interlace) == (8, 0, 0, 0)
    rows = zlib.decompress(chunks[1][1])
    stride = len(rows) // height
    assert all(rows[y * stride] == 0 for y in range(height))
    pixels = np.frombuffer(rows, np.uint8).reshape(height, stride)[:, 1:]
    return width, height, color_type, pixels


@pytest.mark.parametrize("channels, color_type", [(1, 0), (2, 4), (3, 2), (4, 6)])
def test_png_holds_the_pixels(channels, color_type):
    image = np.random.default_rng(channels).integers(0, 256, size=(5, 7, channels)).astype(np.uint8)
    width, height, found_type, pixels = read_png_by_hand(encode_png(image))
    assert (width, height, found_type) == (7, 5, color_type)
    np.testing.assert_array_equal(pixels.reshape(5, 7, channels), image)
    np.testing.assert_array_equal(decode_png(encode_png(image)), image)


def test_png_refuses_what_it_cannot_encode():
    with pytest.raises(TypeError, match="uint8"):
        encode_png(np.zeros((2, 2, 1), np.float32))
    with pytest.raises(ValueError, match="1 to 4 channels"):
        encode_png(np.zeros((2, 2, 5), np.uint8))
