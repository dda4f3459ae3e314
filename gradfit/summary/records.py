"""TFRecord framing: how event files (and TFRecord files) store a sequence of byte strings.

Each record is
    uint64 length, little-endian
    uint32 masked CRC32C of those 8 bytes
    length bytes of data
    uint32 masked CRC32C of the data
CRC32C is the Castagnoli CRC (reflected polynomial 0x82F63B78). The stored checksums are "masked"
(rotated right by 15 bits, plus a constant) so that a CRC of data that itself embeds CRCs stays well mixed.
"""
import struct

_CASTAGNOLI = 0x82F63B78
_MASK_DELTA = 0xA282EAD8


def _make_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _CASTAGNOLI if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def crc32c(data, crc=0):
    """The CRC32C of `data` (bytes-like); pass a previous result as `crc` to continue over more data."""
    table = _TABLE
    crc ^= 0xFFFFFFFF
    for byte in bytes(data):
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """The checksum TFRecord stores: the CRC32C rotated right by 15 bits, plus 0xA282EAD8."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def encode_record(data):
    """`data` framed as one TFRecord."""
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc32c(header)) + bytes(data) + struct.pack("<I", masked_crc32c(data))


def read_records(path, check_crc=True):
    """Yields the data of each record in the TFRecord file at `path`, checking both checksums.

    A truncated last record (a file still being written) ends the iteration; a checksum mismatch raises
    ValueError naming the record's offset.
    """
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos + 12 <= len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if check_crc and header_crc != masked_crc32c(header):
            raise ValueError(f"Corrupted record at byte {pos} of {path}: the length's checksum does not match")
        end = pos + 12 + length
        if end + 4 > len(data):
            return
        payload = data[pos + 12:end]
        (payload_crc,) = struct.unpack("<I", data[end:end + 4])
        if check_crc and payload_crc != masked_crc32c(payload):
            raise ValueError(f"Corrupted record at byte {pos} of {path}: the data's checksum does not match")
        yield payload
        pos = end + 4
