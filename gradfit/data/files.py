"""Datasets and the file system: `Dataset.list_files`, and `Dataset.save` / `Dataset.load`.

A saved dataset is a directory in gradfit's own format, not TensorFlow's snapshot format (a directory
written by one does not load in the other): `dataset_spec.json` (the element spec, the number of elements,
the shards and the compression) and one file per shard, `shard_00000.gfdata`, in the `cache_file` format
(blocks of NumPy `.npy` records, no pickle), gzip-compressed with `compression="GZIP"`.
"""
import fnmatch
import gzip
import json
import os

from .. import TensorSpec
from ..errors import InvalidArgumentError, NotFoundError
from ..tensor import Tensor
from . import cache_file, host, structure
from .dataset import Dataset, IterationContext
from .sources import ListDataset

SPEC_FILENAME = "dataset_spec.json"
FORMAT = "gradfit-dataset-1"
_SHARD_SUFFIX = ".gfdata"


# ------------------------------------------------------------------------------------------ list_files
def list_files(file_pattern, shuffle=None, seed=None):
    """A dataset of the paths (tf.string) matching one glob pattern or several, sorted, then shuffled.

    Patterns match as TensorFlow's do: `*`, `?` and `[...]` within one path component, hidden files
    included. Unless `shuffle=False` the order is reshuffled each pass (repeatable with `seed`).
    """
    patterns = _patterns(file_pattern)
    matches = sorted(path for pattern in patterns for path in match_files(pattern))
    if not matches:
        raise InvalidArgumentError(f"No files matched pattern: {', '.join(patterns)}")
    dataset = Dataset.from_tensor_slices(matches)
    if shuffle is None or shuffle:
        dataset = dataset.shuffle(len(matches), seed=seed)
    return dataset


def _patterns(file_pattern):
    if isinstance(file_pattern, Tensor):
        file_pattern = file_pattern.numpy()
        file_pattern = file_pattern.tolist() if getattr(file_pattern, "ndim", 0) else file_pattern
    if isinstance(file_pattern, (str, bytes, os.PathLike)):
        file_pattern = [file_pattern]
    if not isinstance(file_pattern, (list, tuple)) and not hasattr(file_pattern, "tolist"):
        raise TypeError(f"`file_pattern` must be a string or a list of strings, got {file_pattern!r}")
    patterns = file_pattern.tolist() if hasattr(file_pattern, "tolist") else list(file_pattern)
    return [os.fsdecode(p) for p in patterns]


def match_files(pattern):
    """The paths matching `pattern` (a path with glob characters in any of its components)."""
    root, parts = ("/", pattern[1:].split("/")) if pattern.startswith("/") else ("", pattern.split("/"))
    return _expand(root, [p for p in parts if p])


def _expand(base, parts):
    head, rest = parts[0], parts[1:]
    if not any(c in head for c in "*?["):
        candidates = [head]
    else:
        try:
            candidates = [name for name in sorted(os.listdir(base or ".")) if fnmatch.fnmatchcase(name, head)]
        except OSError:
            return []
    found = []
    for name in candidates:
        path = os.path.join(base, name) if base else name
        if rest:
            if os.path.isdir(path):
                found.extend(_expand(path, rest))
        elif os.path.lexists(path):
            found.append(path)
    return found


# ------------------------------------------------------------------------------------------- save/load
def _opener(compression):
    if compression is None or compression == "":
        return open, None
    if str(compression).upper() == "GZIP":
        return gzip.open, "GZIP"
    raise ValueError(f"Unsupported compression {compression!r}: gradfit's saved datasets are uncompressed "
                     "(compression=None) or compressed with compression='GZIP'")


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None):
    """Writes the elements of one pass of `dataset` under the directory `path` (see the module docstring).

    `shard_func(element)` picks each element's shard (an int64 >= 0); by default every element goes to
    shard 0, so `load` gives them back in order. `checkpoint_args` is accepted and not used: a save runs
    in one go.
    """
    opener, compression = _opener(compression)
    path = os.fspath(path)
    spec = dataset.element_spec
    leaf_specs = list(structure.Layout(spec).flatten(spec))
    for leaf in leaf_specs:
        if not isinstance(leaf, TensorSpec):
            raise TypeError(f"Dataset.save cannot store elements that contain datasets; element_spec={spec}")
    os.makedirs(path, exist_ok=True)
    writers, count = {}, 0
    try:
        for element in dataset._elements(IterationContext(dataset.options())):
            shard = 0 if shard_func is None else _shard_index(structure.call(shard_func, element))
            writer = writers.get(shard)
            if writer is None:
                writer = writers[shard] = cache_file.Writer(os.path.join(path, _shard_name(shard)), opener)
            writer.add(element)
            count += 1
        for writer in writers.values():
            writer.commit()
    finally:
        for writer in writers.values():
            writer.discard()
    for name in os.listdir(path):  # shards of an earlier save to the same directory
        if name.startswith("shard_") and name.endswith(_SHARD_SUFFIX) and name not in map(_shard_name, writers):
            os.remove(os.path.join(path, name))
    meta = {"format": FORMAT, "element_spec": {"structure": cache_file.describe_structure(_template(spec)),
                                               "leaves": [_describe_spec(s) for s in leaf_specs]},
            "cardinality": count, "shards": sorted(writers), "compression": compression}
    tmp = os.path.join(path, SPEC_FILENAME + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(meta, f)
    os.replace(tmp, os.path.join(path, SPEC_FILENAME))


def _shard_index(value):
    arr = host.as_component(value)
    if arr.ndim != 0 or arr.dtype.kind not in "iu" or int(arr) < 0:
        raise InvalidArgumentError(f"shard_func must return a non-negative int64 scalar, got {value!r}")
    return int(arr)


def _shard_name(shard):
    return f"shard_{shard:05d}{_SHARD_SUFFIX}"


def _template(spec):
    return structure.map_leaves(lambda leaf: None, spec)


def _describe_spec(spec):
    shape = list(spec.shape) if structure.known_rank(spec) else None
    return {"shape": shape, "dtype": spec.dtype.name}


def load(path, element_spec=None, compression=None, reader_func=None, wait=False):
    """A dataset of the elements `Dataset.save` wrote under `path`.

    `reader_func(datasets)` gets the dataset of shard datasets and returns the dataset to read; by default
    the shards are read one after another, in shard order. `wait` is accepted and not used (a save is
    complete once `dataset_spec.json` exists).
    """
    path = os.fspath(path)
    spec_path = os.path.join(path, SPEC_FILENAME)
    if not os.path.exists(spec_path):
        raise NotFoundError(f"No dataset saved by Dataset.save at {path!r}: {SPEC_FILENAME} is missing")
    with open(spec_path, encoding="utf-8") as f:
        meta = json.load(f)
    if meta.get("format") != FORMAT:
        raise ValueError(f"{spec_path} is not a gradfit saved-dataset description (format {meta.get('format')!r})")
    opener, _ = _opener(meta["compression"] if compression is None else compression)
    if element_spec is None:
        saved = meta["element_spec"]
        template = cache_file.rebuild_structure(saved["structure"])
        leaves = [structure.make_spec(leaf["shape"], leaf["dtype"]) for leaf in saved["leaves"]]
        element_spec = structure.Layout(template).pack(leaves)
    shards = [ShardFileDataset(os.path.join(path, _shard_name(i)), element_spec, opener) for i in meta["shards"]]
    datasets = ListDataset(shards, structure.DatasetSpec(element_spec))
    if reader_func is None:
        return LoadedDataset(datasets.flat_map(lambda shard: shard), element_spec, meta["cardinality"])
    result = reader_func(datasets)
    if not isinstance(result, Dataset):
        raise TypeError(f"`reader_func` must return a Dataset, got {type(result).__name__}")
    return LoadedDataset(result, element_spec, result._cardinality())


class ShardFileDataset(Dataset):
    """The elements of one shard file of a saved dataset."""

    def __init__(self, path, element_spec, opener):
        self._path = path
        self._element_spec = element_spec
        self._opener = opener

    def _elements(self, ctx):
        return cache_file.read(self._path, self._opener)


class LoadedDataset(Dataset):
    """What `Dataset.load` returns: the reader's elements, with the saved element spec and count."""

    def __init__(self, child, element_spec, cardinality):
        self._child = child
        self._inputs = (child,)
        self._element_spec = element_spec
        self._count = cardinality

    def _elements(self, ctx):
        return self._child._elements(ctx)

    def _cardinality(self):
        return self._count
