"""`tf.strings` and `tf.fingerprint`: text tensors, held as object arrays of bytes as TensorFlow holds them.

The hash functions are TensorFlow's: `to_hash_bucket_fast` and `fingerprint` use FarmHash's 64-bit
fingerprint, `to_hash_bucket_strong` keyed SipHash-2-4, so buckets equal TensorFlow's (and Keras's
`Hashing` layer's) for the same strings.
"""
import re
import struct

import numpy as np

from .backend import as_strings
from .ops.core import InvalidArgumentError
from .tensor import Tensor, convert_to_tensor

_MASK = (1 << 64) - 1
_K0, _K1, _K2 = 0xC3A5C85C97CB3127, 0xB492B66FBE98F273, 0x9AE16A3B2F90404F


def _text(value):
    """`value` (a string tensor, an array or a Python string/list) as an object array of bytes."""
    if isinstance(value, Tensor):
        value = value._value
    arr = np.asarray(value)
    if arr.dtype.kind not in "OSU":
        raise InvalidArgumentError(f"expected a string tensor, got dtype {arr.dtype.name}")
    return as_strings(arr)


def _strings(arr):
    return Tensor(arr)


def _map(value, fn, dtype=object):
    arr = _text(value)
    out = np.empty(arr.shape, dtype=dtype)
    for index, v in np.ndenumerate(arr):
        out[index] = fn(v)
    return Tensor(out)


# ------------------------------------------------------------------------------------- 64-bit hashes
def _word(data, at):
    return struct.unpack_from("<Q", data, at)[0]


def _half(data, at):
    return struct.unpack_from("<I", data, at)[0]


def _rot(v, shift):
    return ((v >> shift) | (v << (64 - shift))) & _MASK if shift else v


def _shift_mix(v):
    return v ^ (v >> 47)


def _mix16(u, v, mul=0x9DDFEA08EB382D69):
    a = _shift_mix(((u ^ v) * mul) & _MASK)
    b = _shift_mix(((v ^ a) * mul) & _MASK)
    return (b * mul) & _MASK


def _short(data, n):
    """FarmHash for 0 to 16 bytes."""
    if n >= 8:
        mul = _K2 + 2 * n
        a = (_word(data, 0) + _K2) & _MASK
        b = _word(data, n - 8)
        c = (_rot(b, 37) * mul + a) & _MASK
        d = ((_rot(a, 25) + b) * mul) & _MASK
        return _mix16(c, d, mul & _MASK)
    if n >= 4:
        mul = _K2 + 2 * n
        return _mix16((n + (_half(data, 0) << 3)) & _MASK, _half(data, n - 4), mul)
    if n:
        y = data[0] + (data[n >> 1] << 8)
        z = n + (data[n - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _medium(data, n):
    """FarmHash for 17 to 32 bytes."""
    mul = (_K2 + 2 * n) & _MASK
    a = (_word(data, 0) * _K1) & _MASK
    b = _word(data, 8)
    c = (_word(data, n - 8) * mul) & _MASK
    d = (_word(data, n - 16) * _K2) & _MASK
    return _mix16((_rot((a + b) & _MASK, 43) + _rot(c, 30) + d) & _MASK, (a + _rot((b + _K2) & _MASK, 18) + c) & _MASK,
                  mul)


def _long(data, n):
    """FarmHash for 33 to 64 bytes."""
    mul = (_K2 + 2 * n) & _MASK
    a = (_word(data, 0) * _K2) & _MASK
    b = _word(data, 8)
    c = (_word(data, n - 8) * mul) & _MASK
    d = (_word(data, n - 16) * _K2) & _MASK
    y = (_rot((a + b) & _MASK, 43) + _rot(c, 30) + d) & _MASK
    z = _mix16(y, (a + _rot((b + _K2) & _MASK, 18) + c) & _MASK, mul)
    e = (_word(data, 16) * mul) & _MASK
    f = _word(data, 24)
    g = ((y + _word(data, n - 32)) * mul) & _MASK
    h = ((z + _word(data, n - 24)) * mul) & _MASK
    return _mix16((_rot((e + f) & _MASK, 43) + _rot(g, 30) + h) & _MASK, (e + _rot((f + a) & _MASK, 18) + g) & _MASK,
                  mul)


def _weak32(data, at, a, b):
    w, x, y, z = (_word(data, at + 8 * i) for i in range(4))
    a = (a + w) & _MASK
    b = _rot((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rot(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def fingerprint64(data):
    """FarmHash's 64-bit fingerprint of a bytes object (TensorFlow's Fingerprint64)."""
    n = len(data)
    if n <= 16:
        return _short(data, n)
    if n <= 32:
        return _medium(data, n)
    if n <= 64:
        return _long(data, n)
    x, y = 81, (81 * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v, w = (0, 0), (0, 0)
    x = (x * _K2 + _word(data, 0)) & _MASK
    at, end = 0, ((n - 1) // 64) * 64
    while True:
        x = (_rot((x + y + v[0] + _word(data, at + 8)) & _MASK, 37) * _K1) & _MASK
        y = (_rot((y + v[1] + _word(data, at + 48)) & _MASK, 42) * _K1) & _MASK
        x ^= w[1]
        y = (y + v[0] + _word(data, at + 40)) & _MASK
        z = (_rot((z + w[0]) & _MASK, 33) * _K1) & _MASK
        v = _weak32(data, at, (v[1] * _K1) & _MASK, (x + w[0]) & _MASK)
        w = _weak32(data, at + 32, (z + w[1]) & _MASK, (y + _word(data, at + 16)) & _MASK)
        x, z = z, x
        at += 64
        if at == end:
            break
    mul = (_K1 + ((z & 0xFF) << 1)) & _MASK
    at = n - 64
    w = ((w[0] + ((n - 1) & 63)) & _MASK, w[1])
    v = ((v[0] + w[0]) & _MASK, v[1])
    w = ((w[0] + v[0]) & _MASK, w[1])
    x = (_rot((x + y + v[0] + _word(data, at + 8)) & _MASK, 37) * mul) & _MASK
    y = (_rot((y + v[1] + _word(data, at + 48)) & _MASK, 42) * mul) & _MASK
    x ^= (w[1] * 9) & _MASK
    y = (y + v[0] * 9 + _word(data, at + 40)) & _MASK
    z = (_rot((z + w[0]) & _MASK, 33) * mul) & _MASK
    v = _weak32(data, at, (v[1] * mul) & _MASK, (x + w[0]) & _MASK)
    w = _weak32(data, at + 32, (z + w[1]) & _MASK, (y + _word(data, at + 16)) & _MASK)
    x, z = z, x
    return _mix16((_mix16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK,
                  (_mix16(v[1], w[1], mul) + x) & _MASK, mul)


def siphash24(key0, key1, data):
    """SipHash-2-4 of a bytes object under the 128-bit key (key0, key1)."""
    v0, v1 = key0 ^ 0x736F6D6570736575, key1 ^ 0x646F72616E646F6D
    v2, v3 = key0 ^ 0x6C7967656E657261, key1 ^ 0x7465646279746573

    def rounds(v0, v1, v2, v3, count):
        for _ in range(count):
            v0 = (v0 + v1) & _MASK
            v1 = _rot(v1, 51) ^ v0  # rotate left 13
            v0 = _rot(v0, 32)
            v2 = (v2 + v3) & _MASK
            v3 = _rot(v3, 48) ^ v2  # rotate left 16
            v0 = (v0 + v3) & _MASK
            v3 = _rot(v3, 43) ^ v0  # rotate left 21
            v2 = (v2 + v1) & _MASK
            v1 = _rot(v1, 47) ^ v2  # rotate left 17
            v2 = _rot(v2, 32)
        return v0, v1, v2, v3

    n = len(data)
    tail = data[n - n % 8:] + bytes(7 - n % 8) + bytes([n & 0xFF])
    for block in [_word(data, i) for i in range(0, n - n % 8, 8)] + [_word(tail, 0)]:
        v3 ^= block
        v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 2)
        v0 ^= block
    v2 ^= 0xFF
    v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 4)
    return v0 ^ v1 ^ v2 ^ v3


def _check_buckets(num_buckets):
    num_buckets = int(num_buckets)
    if num_buckets < 1:
        raise InvalidArgumentError(f"num_buckets must be >= 1, got {num_buckets}")
    return num_buckets


def to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002 (TensorFlow's argument name)
    """Each string's bucket in [0, num_buckets): its 64-bit fingerprint modulo num_buckets, as int64."""
    num_buckets = _check_buckets(num_buckets)
    return _map(input, lambda s: fingerprint64(s) % num_buckets, np.int64)


def to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """Each string's bucket from SipHash-2-4 under `key` (two unsigned integers), as int64."""
    num_buckets = _check_buckets(num_buckets)
    if len(key) != 2:
        raise InvalidArgumentError(f"Key must have 2 elements, got {len(key)}")
    k0, k1 = (int(k) & _MASK for k in key)
    return _map(input, lambda s: siphash24(k0, k1, s) % num_buckets, np.int64)


def fingerprint(data, method="farmhash64", name=None):
    """`tf.fingerprint`: for each row of `data`, its FarmHash fingerprint as 8 uint8 bytes (little-endian)."""
    if method != "farmhash64":
        raise ValueError(f"Unsupported fingerprint method: {method!r}")
    arr = data._value if isinstance(data, Tensor) else np.asarray(data)
    if arr.ndim < 1:
        raise InvalidArgumentError("`data` must have rank >= 1")
    if arr.dtype.kind in "OSU":
        rows = [fingerprint64(v) for v in as_strings(arr).reshape(arr.shape[0], -1)[:, 0]] if arr.ndim == 1 else None
        if rows is None:
            raise InvalidArgumentError("string `data` must be a vector")
    else:
        flat = np.ascontiguousarray(arr).reshape(arr.shape[0], -1)
        rows = [fingerprint64(row.tobytes()) for row in flat]
    return Tensor(np.array([list(struct.pack("<Q", r)) for r in rows], dtype=np.uint8).reshape(len(rows), 8))


# --------------------------------------------------------------------------------------- text ops
def lower(input, encoding="", name=None):  # noqa: A002
    return _map(input, lambda s: s.decode("utf-8").lower().encode("utf-8") if encoding else s.lower())


def upper(input, encoding="", name=None):  # noqa: A002
    return _map(input, lambda s: s.decode("utf-8").upper().encode("utf-8") if encoding else s.upper())


def strip(input, name=None):  # noqa: A002
    """Leading and trailing whitespace removed."""
    return _map(input, lambda s: s.strip())


def length(input, unit="BYTE", name=None):  # noqa: A002
    """Each string's length in bytes, or in Unicode characters with unit='UTF8_CHAR' (int32)."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}")
    return _map(input, (lambda s: len(s)) if unit == "BYTE" else (lambda s: len(s.decode("utf-8"))), np.int32)


def _pattern(pattern):
    if isinstance(pattern, Tensor):
        pattern = pattern._value[()]
    return re.compile(pattern.encode("utf-8") if isinstance(pattern, str) else pattern)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """Matches of `pattern` replaced by `rewrite` (\\1 refers to a group), everywhere or the first only."""
    compiled = _pattern(pattern)
    rewrite = rewrite.encode("utf-8") if isinstance(rewrite, str) else rewrite
    return _map(input, lambda s: compiled.sub(rewrite, s, count=0 if replace_global else 1))


def regex_full_match(input, pattern, name=None):  # noqa: A002
    compiled = _pattern(pattern)
    return _map(input, lambda s: compiled.fullmatch(s) is not None, bool)


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002 (TensorFlow's argument names)
    """`len` bytes (or characters) from `pos` of each string; a negative `pos` counts from the end."""
    size = len

    def cut(s):
        text = s if unit == "BYTE" else s.decode("utf-8")
        n = text.__len__()
        start = pos + n if pos < 0 else pos
        if start < 0 or start > n:
            raise InvalidArgumentError(f"pos {pos} out of range for string b'{s.decode('utf-8', 'replace')}' at "
                                       f"index 0")
        part = text[start:start + size]
        return part if unit == "BYTE" else part.encode("utf-8")

    return _map(input, cut)


def join(inputs, separator="", name=None):
    """Elementwise concatenation of a list of string tensors (broadcast), with `separator` between."""
    sep = separator.encode("utf-8") if isinstance(separator, str) else separator
    parts = np.broadcast_arrays(*[_text(x) for x in inputs])
    out = np.empty(parts[0].shape, dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = sep.join(p[index] for p in parts)
    return Tensor(out)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """Strings joined along `axis` (all of them when None)."""
    arr = _text(inputs)
    sep = separator.encode("utf-8") if isinstance(separator, str) else separator
    if axis is None:
        out = np.empty((), dtype=object)
        out[()] = sep.join(arr.ravel())
        return Tensor(out.reshape((1,) * arr.ndim) if keepdims else out)
    axis = axis + arr.ndim if axis < 0 else axis
    moved = np.moveaxis(arr, axis, -1)
    out = np.empty(moved.shape[:-1], dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = sep.join(moved[index])
    return Tensor(np.expand_dims(out, axis) if keepdims else out)


def to_number(string_tensor, out_type="float32", name=None):
    """Each string parsed as a number of `out_type`; an unparsable one raises InvalidArgumentError."""
    dtype = np.dtype(getattr(out_type, "_np", out_type))

    def parse(s):
        try:
            return dtype.type(float(s) if dtype.kind == "f" else int(s))
        except ValueError:
            raise InvalidArgumentError(f"StringToNumberOp could not correctly convert string: {s.decode()}") from None

    return _map(string_tensor, parse, dtype)


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="", name=None):  # noqa: A002
    """Numbers (or booleans) as strings, formatted as TensorFlow formats them (floats with 6 decimals by default)."""
    arr = convert_to_tensor(input)._value
    if arr.dtype.kind in "OSU":
        raise InvalidArgumentError("Value for attr 'T' of string is not in the list of allowed values")
    if arr.dtype.kind == "f":
        spec = ("e" if scientific else "g" if shortest else "f")
        fmt = "%" + (fill if fill else "") + (str(width) if width > -1 else "") + (
            f".{precision}" if precision > -1 else "") + spec
    elif arr.dtype.kind == "b":
        return Tensor(as_strings(np.where(arr, "true", "false")))
    else:
        fmt = "%" + (fill if fill else "") + (str(width) if width > -1 else "") + "d"
    out = np.empty(arr.shape, dtype=object)
    for index, v in np.ndenumerate(arr):
        out[index] = (fmt % v).encode("utf-8")
    return Tensor(out)
