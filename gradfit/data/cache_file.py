"""The file format of `Dataset.cache(filename)`: elements in blocks of NumPy `.npy` records, no pickle.

A file starts with MAGIC and holds blocks of up to BLOCK elements. A block is a JSON header (the
element structure and how each component is stored) followed by one record per component: the
components stacked when they share a shape, else their shapes and their concatenated values; strings
as lengths plus their bytes. A cache is written under a temporary name and renamed when the pass is
complete, so a partial pass never leaves a file that a later run would read.
"""
import collections
import json
import os

import numpy as np

from . import structure

MAGIC = b"GRADFIT-DATASET-CACHE-1\n"
BLOCK = 256
SUFFIX = ".gfcache"
_UNSET = object()


def path_for(filename):
    return filename + SUFFIX


class Writer:
    """Writes one pass's elements; `commit()` publishes the file, `discard()` drops an unfinished one.

    `opener` opens the file (`gzip.open` for a compressed one).
    """

    def __init__(self, path, opener=open):
        self._path = path
        self._tmp = f"{path}.tmp-{os.getpid()}-{id(self)}"
        self._file = opener(self._tmp, "wb")
        self._file.write(MAGIC)
        self._layout = None
        self._elements = []
        self._done = False

    def add(self, element):
        if self._layout is None:
            self._layout = structure.Layout(element)
        self._elements.append(list(self._layout.flatten(element)))
        if len(self._elements) == BLOCK:
            self._flush()

    def _flush(self):
        if not self._elements:
            return
        columns = list(zip(*self._elements))
        leaves, records = [], []
        for column in columns:
            kind, arrays = _encode(column)
            leaves.append(kind)
            records.extend(arrays)
        header = {"count": len(self._elements), "structure": describe_structure(self._layout.template), "leaves": leaves}
        np.save(self._file, np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8), allow_pickle=False)
        for record in records:
            np.save(self._file, record, allow_pickle=False)
        self._elements = []

    def commit(self):
        self._flush()
        self._file.close()
        os.replace(self._tmp, self._path)
        self._done = True

    def discard(self):
        if not self._done:
            self._file.close()
            if os.path.exists(self._tmp):
                os.remove(self._tmp)
            self._done = True


def read(path, opener=open):
    """Yield the elements of a committed cache file."""
    with opener(path, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise ValueError(f"{path} is not a gradfit dataset cache file")
        described, layout = _UNSET, None
        while True:
            try:
                header = np.load(f, allow_pickle=False)
            except EOFError:
                return
            header = json.loads(header.tobytes().decode("utf-8"))
            count = header["count"]
            columns = [_decode(kind, f, count) for kind in header["leaves"]]
            if header["structure"] != described:
                described = header["structure"]
                layout = structure.Layout(rebuild_structure(described))
            for leaves in zip(*columns):
                yield layout.pack(list(leaves))


def _encode(column):
    first = column[0]
    if type(first) is not np.ndarray:
        raise TypeError("Dataset.cache(filename) cannot store elements that contain datasets")
    if first.dtype.kind == "O":
        shapes = np.array([a.shape for a in column], dtype=np.int64).reshape(len(column), first.ndim)
        values = [bytes(v) for a in column for v in a.ravel()]
        lengths = np.array([len(v) for v in values], dtype=np.int64)
        data = np.frombuffer(b"".join(values), dtype=np.uint8)
        return "strings", [shapes, lengths, data]
    if all(a.shape == first.shape and a.dtype == first.dtype for a in column):
        return "stacked", [np.stack(column)]
    shapes = np.array([a.shape for a in column], dtype=np.int64).reshape(len(column), first.ndim)
    return "ragged", [shapes, np.concatenate([a.ravel() for a in column])]


def _decode(kind, f, count):
    if kind == "stacked":
        stacked = np.load(f, allow_pickle=False)
        return [stacked[i, ...] for i in range(count)]
    shapes = np.load(f, allow_pickle=False)
    if kind == "ragged":
        data = np.load(f, allow_pickle=False)
        sizes = [int(np.prod(s)) for s in shapes]
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        return [data[offsets[i]:offsets[i + 1]].reshape(tuple(shapes[i])) for i in range(count)]
    lengths = np.load(f, allow_pickle=False)
    data = np.load(f, allow_pickle=False).tobytes()
    ends = np.cumsum(lengths)
    strings = [data[e - n:e] for e, n in zip(ends.tolist(), lengths.tolist())]
    out, k = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        arr = np.empty(size, dtype=object)
        arr[:] = strings[k:k + size]
        out.append(arr.reshape(tuple(shape)))
        k += size
    return out


def describe_structure(template):
    if isinstance(template, dict):
        return {"dict": [[k, describe_structure(v)] for k, v in template.items()]}
    if isinstance(template, tuple) and hasattr(template, "_fields"):
        return {"namedtuple": [type(template).__name__, list(template._fields), [describe_structure(v) for v in template]]}
    if isinstance(template, tuple):
        return {"tuple": [describe_structure(v) for v in template]}
    return None


def rebuild_structure(desc):
    if desc is None:
        return None
    if "dict" in desc:
        return {k: rebuild_structure(v) for k, v in desc["dict"]}
    if "namedtuple" in desc:
        name, fields, items = desc["namedtuple"]
        return collections.namedtuple(name, fields)(*[rebuild_structure(v) for v in items])
    return tuple(rebuild_structure(v) for v in desc["tuple"])
