"""A PNG encoder for 8-bit images, on zlib alone.

A PNG is the 8-byte signature and then chunks (length, type, data, CRC-32 of type and data): IHDR (size,
bit depth, color type), IDAT (the zlib-compressed rows, each prefixed with its filter byte; 0 = none here)
and IEND.
"""
import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Channels -> PNG color type: gray, gray + alpha, RGB, RGBA.
COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(image, compression=6):
    """The PNG bytes of a uint8 image of shape `(height, width, channels)` with 1 to 4 channels."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise TypeError(f"encode_png expected a uint8 image, got dtype {image.dtype}")
    if image.ndim != 3 or image.shape[-1] not in COLOR_TYPES:
        raise ValueError(f"encode_png expected an image of shape (height, width, channels) with 1 to 4 channels, "
                         f"got shape {image.shape}")
    height, width, channels = image.shape
    rows = np.zeros((height, 1 + width * channels), np.uint8)
    rows[:, 1:] = image.reshape(height, width * channels)
    header = struct.pack(">IIBBBBB", width, height, 8, COLOR_TYPES[channels], 0, 0, 0)
    return (SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows.tobytes(), compression))
            + _chunk(b"IEND", b""))


def decode_png(data):
    """The uint8 pixels, shape `(height, width, channels)`, of an 8-bit non-interlaced PNG (any filters)."""
    if not data.startswith(SIGNATURE):
        raise ValueError("Not a PNG: the signature is missing")
    pos, idat, header = len(SIGNATURE), [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] != zlib.crc32(kind + body):
            raise ValueError(f"PNG chunk {kind!r} fails its CRC")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, color_type, _, _, interlace = header
    channels = {value: key for key, value in COLOR_TYPES.items()}.get(color_type)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"Only 8-bit non-interlaced gray/RGB(A) PNGs are decoded, got depth {depth}, color type "
                         f"{color_type}, interlace {interlace}")
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(height, 1 + width * channels)
    rows = np.zeros((height + 1, width * channels), np.int32)  # row 0: the zero row above the first
    for y in range(height):
        filtered, above, row = raw[y, 1:].astype(np.int32), rows[y], rows[y + 1]
        kind = raw[y, 0]
        if kind in (0, 2):
            row[:] = (filtered + (above if kind == 2 else 0)) & 0xFF
            continue
        for x in range(width * channels):  # Sub, Average and Paeth read bytes of this row already decoded
            left = row[x - channels] if x >= channels else 0
            upper_left = above[x - channels] if x >= channels else 0
            if kind == 1:
                predicted = left
            elif kind == 3:
                predicted = (left + above[x]) // 2
            else:
                estimate = left + above[x] - upper_left
                distances = (abs(estimate - left), abs(estimate - above[x]), abs(estimate - upper_left))
                predicted = (left, above[x], upper_left)[distances.index(min(distances))]
            row[x] = (filtered[x] + predicted) & 0xFF
    return rows[1:].astype(np.uint8).reshape(height, width, channels)
