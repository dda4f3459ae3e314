"""The protocol buffer wire format, as far as event files need it: varints, fixed64 doubles, byte strings.

A message is the concatenation of its fields; each field is a key (`field_number << 3 | wire_type`, a
varint) followed by its value. Proto3 leaves a field at its default (0, empty) out, so encoders here
return `b""` for those and callers join the pieces in field-number order, as protobuf serializes them.
"""
import functools
import struct

VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5


def encode_varint(value):
    """Little-endian base-128 digits, 7 bits a byte, high bit set on all but the last.

    A negative int64 is written as its 64-bit two's complement (ten bytes), as protobuf does.
    """
    value = int(value)
    if 0 <= value < 0x80:
        return _ONE_BYTE[value]
    if value < 0:
        value += 1 << 64
    if not 0 <= value < 1 << 64:
        raise ValueError(f"A varint holds a 64-bit integer, got {value}")
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


_ONE_BYTE = tuple(bytes((value,)) for value in range(0x80))


def decode_varint(data, pos=0):
    """`(value, next_pos)` for the varint at `data[pos:]`; values are unsigned (see `as_int64`)."""
    value = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("Truncated varint in protocol buffer data")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        if shift >= 70:
            raise ValueError("Varint longer than 10 bytes in protocol buffer data")


def as_int64(value):
    """A decoded varint read back as a signed int64."""
    return value - (1 << 64) if value >= 1 << 63 else value


@functools.lru_cache(maxsize=None)
def field_key(field, wire_type):
    return encode_varint(field << 3 | wire_type)


def varint_field(field, value):
    """An integer (int32/int64/enum/bool) field; 0 is the default and is left out."""
    return field_key(field, VARINT) + encode_varint(value) if value else b""


def double_field(field, value):
    """A `double` field (fixed64, little-endian); 0.0 is the default and is left out."""
    return field_key(field, FIXED64) + struct.pack("<d", value) if value else b""


def bytes_field(field, data, keep_empty=False):
    """A `string`, `bytes` or embedded message field. An empty one is left out unless `keep_empty`
    (an embedded message that is present but has all fields at their defaults)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data and not keep_empty:
        return b""
    return field_key(field, LENGTH_DELIMITED) + encode_varint(len(data)) + bytes(data)


def parse_fields(data):
    """The fields of a serialized message, in order, as `(field_number, wire_type, value)`.

    `value` is an int for varints, and the raw bytes for fixed64, fixed32 and length-delimited fields
    (whether those hold a string, packed numbers or a message depends on the schema, which the caller knows).
    """
    fields = []
    pos = 0
    data = memoryview(data).tobytes() if not isinstance(data, bytes) else data
    while pos < len(data):
        key, pos = decode_varint(data, pos)
        field, wire_type = key >> 3, key & 7
        if wire_type == VARINT:
            value, pos = decode_varint(data, pos)
        elif wire_type == FIXED64:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire_type == FIXED32:
            value, pos = data[pos:pos + 4], pos + 4
        elif wire_type == LENGTH_DELIMITED:
            length, pos = decode_varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        else:
            raise ValueError(f"Unsupported protocol buffer wire type {wire_type} (field {field})")
        if pos > len(data):
            raise ValueError(f"Truncated protocol buffer data in field {field}")
        fields.append((field, wire_type, value))
    return fields
