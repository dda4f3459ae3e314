"""Checkpoint files: a checkpoint `prefix` is `prefix.index` and `prefix.data-00000-of-00001`.

The index is JSON: the saved object graph (each node's named children, and for a Variable its key) and
each value's shape and dtype. The data file is HDF5 with one dataset per value. The data is written
first and the index last, each atomically, so an index on disk always describes a complete checkpoint.
These are gradfit's own files: TensorFlow's checkpoint bundles are not read, and TensorFlow does not
read these.
"""
import io
import json
import os

import numpy as np

from ..errors import DataLossError, NotFoundError

FORMAT = "gradfit-checkpoint"
GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
DATA_SUFFIX = ".data-00000-of-00001"
INDEX_SUFFIX = ".index"


def write(prefix, graph_nodes, values):
    """Write a checkpoint: `graph_nodes` is [{"children": [[name, node], ...], "key": key or None}],
    `values` maps each key to a NumPy array."""
    import h5py

    from ..keras.saving.atomic_file import write_bytes

    prefix = os.fspath(prefix)
    os.makedirs(os.path.dirname(os.path.abspath(prefix)), exist_ok=True)
    keys = sorted(values)
    for key in keys:
        if values[key].dtype.kind not in "biufc":
            raise ValueError(f"Cannot checkpoint '{key}': values of dtype {values[key].dtype} are not supported")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        for i, key in enumerate(keys):
            h5.create_dataset(str(i), data=values[key])
    write_bytes(prefix + DATA_SUFFIX, buffer.getvalue())
    index = {"format": FORMAT, "version": 1, "nodes": graph_nodes,
             "tensors": [{"key": key, "shape": list(values[key].shape), "dtype": values[key].dtype.name}
                         for key in keys]}
    write_bytes(prefix + INDEX_SUFFIX, json.dumps(index, separators=(",", ":")).encode("utf-8"))
    return prefix


def _missing(path, what):
    return NotFoundError(f"Unsuccessful TensorSliceReader constructor: Failed to find any matching files for {path}"
                         + what)


class CheckpointReader:
    """A written checkpoint: its object graph, and values read on demand (`tf.train.load_checkpoint`)."""

    def __init__(self, prefix):
        prefix = os.fspath(prefix)
        if os.path.isdir(prefix):
            raise DataLossError(f"Unable to open table file {prefix}: it is a directory (pass a checkpoint prefix such "
                                "as the one tf.train.latest_checkpoint(directory) returns)")
        index_path = prefix + INDEX_SUFFIX
        if not os.path.exists(index_path):
            raise _missing(prefix, "")
        try:
            with open(index_path, "rb") as f:
                index = json.loads(f.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            index = None
        if not isinstance(index, dict) or index.get("format") != FORMAT:
            raise DataLossError(f"{index_path} is not a gradfit checkpoint: TensorFlow's own checkpoint files cannot "
                                "be read (save the weights from TensorFlow with model.save_weights('x.weights.h5') "
                                "and load them with load_weights instead)")
        self.prefix = prefix
        self.nodes = index["nodes"]
        self._tensors = {t["key"]: (i, tuple(t["shape"]), np.dtype(t["dtype"])) for i, t in enumerate(index["tensors"])}
        self._graph_text = json.dumps(index["nodes"]).encode("utf-8")

    def _check(self, name):
        if name == GRAPH_KEY:
            return None
        name = name[:-2] if name.endswith(":0") else name
        if name not in self._tensors:
            raise NotFoundError(f"Key {name} not found in checkpoint")
        return name

    def has_tensor(self, name):
        return name == GRAPH_KEY or (name[:-2] if name.endswith(":0") else name) in self._tensors

    def get_variable_to_shape_map(self):
        shapes = {key: list(shape) for key, (_, shape, _) in self._tensors.items()}
        shapes[GRAPH_KEY] = []
        return shapes

    def get_variable_to_dtype_map(self):
        from ..backend import as_dtype

        dtypes = {key: as_dtype(dtype) for key, (_, _, dtype) in self._tensors.items()}
        dtypes[GRAPH_KEY] = as_dtype("string")
        return dtypes

    def shape(self, key):
        return self._tensors[key][1]

    def dtype(self, key):
        return self._tensors[key][2]

    def get_tensor(self, name):
        """The saved value of `name` as a NumPy array (a NumPy scalar for a 0-d value)."""
        key = self._check(name)
        if key is None:
            return self._graph_text
        return self.read([key])[key]

    def read(self, keys):
        """{key: array} for `keys`, from one opening of the data file."""
        import h5py

        data_path = self.prefix + DATA_SUFFIX
        if not os.path.exists(data_path):
            raise _missing(data_path, " (the checkpoint's index exists but its data file is missing)")
        out = {}
        with h5py.File(data_path, "r") as h5:
            for key in keys:
                value = h5[str(self._tensors[key][0])][()]
                out[key] = value if isinstance(value, np.ndarray) else np.asarray(value)[()]
        return out


def list_variables(ckpt_dir_or_file):
    """[(key, shape)] of every value in a checkpoint (or the latest one in a directory), sorted by key."""
    reader = load_checkpoint(ckpt_dir_or_file)
    return sorted(reader.get_variable_to_shape_map().items())


def load_variable(ckpt_dir_or_file, name):
    """The saved value of `name` (a key from `list_variables`) as a NumPy array."""
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def load_checkpoint(ckpt_dir_or_file):
    """A CheckpointReader for a checkpoint prefix, or for the latest checkpoint in a directory."""
    from .checkpoint_state import latest_checkpoint

    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}")
        path = latest
    return CheckpointReader(path)


def remove(prefix):
    """Delete a checkpoint's files (those that exist)."""
    for suffix in (INDEX_SUFFIX, DATA_SUFFIX):
        try:
            os.remove(prefix + suffix)
        except FileNotFoundError:
            pass


def exists(prefix):
    return os.path.exists(os.fspath(prefix) + INDEX_SUFFIX)
