"""The HDF5 weights file (`model.weights.h5`, `*.weights.h5`) as Keras 3 lays it out.

Each object with variables owns a group `<object path>/vars` (attribute `name`: the object's name)
holding one dataset per variable, named "0", "1", ... in the object's variable order. Reading refuses
what a weights file never holds and a hostile one might (links to other files, external or virtual
datasets, datasets declaring far more data than the file stores), and every failure names the file.
"""
import io
import math

import numpy as np

# A dataset larger than this must store at least 1/_MAX_EXPANSION of its declared bytes, as Keras
# requires: it stops files that declare huge arrays filled from nothing (shape or compression bombs).
_BOMB_FLOOR_BYTES = 1 << 32
_MAX_EXPANSION = 1000


def _h5py():
    """h5py, imported on first use (it takes longer to import than the rest of keras.saving)."""
    import h5py

    return h5py


def open_for_reading(source, display_name):
    """An `H5Reader` over a path or a binary file object; a file HDF5 cannot open is a ValueError."""
    h5py = _h5py()
    try:
        h5_file = h5py.File(source, mode="r")
    except (OSError, ValueError) as error:
        raise ValueError(f"{display_name} is not a readable HDF5 weights file ({error})") from error
    return H5Reader(h5_file, display_name)


class H5Writer:
    """Writes Keras's weights layout into an in-memory HDF5 file; `getvalue()` gives its bytes."""

    def __init__(self):
        self._buffer = io.BytesIO()
        self._file = _h5py().File(self._buffer, mode="w")

    def make(self, path, name=None):
        """The group for the variables of the object at `path` ("" is the root object), created now."""
        group = self._file.create_group("vars") if not path else self._file.create_group(path).create_group("vars")
        if name is not None:
            group.attrs["name"] = name
        return _GroupWriter(group)

    def set_attribute(self, name, value):
        """A string or number stored on the file's root group (Keras reads only the groups it walks)."""
        self._file.attrs[name] = value

    def getvalue(self):
        self._file.close()
        return self._buffer.getvalue()

    def close(self):
        if self._file.id.valid:
            self._file.close()


class _GroupWriter:
    """The `store` handed to `save_own_variables`: `store["0"] = array`."""

    def __init__(self, group):
        self._group = group

    def __setitem__(self, key, value):
        self._group.create_dataset(str(key), data=np.asarray(value))

    def __contains__(self, key):
        return str(key) in self._group

    def keys(self):
        return list(self._group.keys())

    def __len__(self):
        return len(self._group)


class H5Reader:
    """Reads variables out of an open HDF5 weights file; `display_name` names it in every error."""

    def __init__(self, h5_file, display_name):
        self._file = h5_file
        self.display_name = display_name

    def get(self, path):
        """The variables stored for the object at `path` (an empty store if the file has none)."""
        group_path = f"{path}/vars" if path else "vars"
        try:
            group = self._group(group_path)
        except KeyError:
            return GroupReader(None, group_path, self)
        return GroupReader(group, group_path, self)

    def _group(self, path):
        h5py = _h5py()
        current = self._file
        for part in path.split("/"):
            if not part:
                raise self.error(f"invalid group path '{path}'")
            if part not in current:
                raise KeyError(path)
            link = current.get(part, getclass=True, getlink=True)
            if link in (h5py.ExternalLink, h5py.SoftLink):
                raise self.error(f"'{path}' is a {link.__name__}, which a weights file never holds")
            current = current[part]
            if not isinstance(current, h5py.Group):
                raise self.error(f"'{path}' should be a group of variables, found a {type(current).__name__}")
        return current

    def attribute(self, name):
        """A string attribute of the file's root group (`H5Writer.set_attribute`), or None if it has none."""
        value = self._file.attrs.get(name)
        if value is None:
            return None
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if not isinstance(value, str):
            raise self.error(f"the attribute '{name}' should be a string, found {type(value).__name__}")
        return value

    def error(self, message):
        return ValueError(f"Invalid weights in {self.display_name}: {message}")

    def close(self):
        try:
            self._file.close()
        except Exception:  # closing a file HDF5 found corrupt must not hide the error being reported
            pass


class GroupReader:
    """The `store` handed to `load_own_variables`: `len(store)`, `store.keys()`, `store["0"]` (a NumPy array)."""

    def __init__(self, group, path, reader):
        self._group = group
        self.path = path
        self._reader = reader

    def keys(self):
        return [] if self._group is None else list(self._group.keys())

    def __len__(self):
        return 0 if self._group is None else len(self._group)

    def __contains__(self, key):
        return self._group is not None and str(key) in self._group

    def __getitem__(self, key):
        h5py = _h5py()
        key = str(key)
        where = f"'{self.path}/{key}'"
        if self._group is None or key not in self._group:
            raise self._reader.error(f"the variable {where} is missing")
        link = self._group.get(key, getclass=True, getlink=True)
        if link in (h5py.ExternalLink, h5py.SoftLink):
            raise self._reader.error(f"{where} is a {link.__name__}, which a weights file never holds")
        dataset = self._group[key]
        if not isinstance(dataset, h5py.Dataset):
            raise self._reader.error(f"{where} should be a dataset, found a {type(dataset).__name__}")
        if dataset.external or dataset.is_virtual:
            raise self._reader.error(f"{where} refers to data outside the file, which a weights file never holds")
        if dataset.dtype.kind not in "biuf":
            raise self._reader.error(f"{where} holds {dataset.dtype} data, expected numbers")
        declared = math.prod(dataset.shape or ()) * dataset.dtype.itemsize
        if declared > _BOMB_FLOOR_BYTES and declared > _MAX_EXPANSION * dataset.id.get_storage_size():
            raise self._reader.error(f"{where} declares {declared} bytes but stores only "
                                     f"{dataset.id.get_storage_size()}; refusing to load it")
        try:
            return np.array(dataset)
        except (OSError, ValueError, TypeError) as error:
            raise self._reader.error(f"{where} cannot be read ({error})") from error
