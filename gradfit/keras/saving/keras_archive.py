"""The `.keras` format: a zip archive (or, unzipped, a directory) of three files, as Keras 3 writes it.

- `metadata.json`: the Keras version whose format this is and the date saved;
- `config.json`: the model's config (`serialize_keras_object(model)`: module, class_name, config,
  registered_name, build_config, compile_config);
- `model.weights.h5`: the variables of the model and its optimizer (see h5_store and state_tree).

Reading checks the archive before trusting it: a file that is not a zip, a missing or corrupt member,
a member declaring far more data than it stores, or JSON that is not a model config are ValueErrors
naming the file.
"""
import datetime
import io
import json
import os
import zipfile
import zlib

from ... import __version__ as gradfit_version
from .atomic_file import atomic_write, write_bytes

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
# The Keras release whose `.keras` layout gradfit writes (Keras records its version in metadata.json).
KERAS_VERSION = "3.15.1"
# As Keras: a member over 4 GiB that expands more than 100 times is refused (a zip bomb, not a model).
_BOMB_FLOOR_BYTES = 1 << 32
_MAX_EXPANSION = 100
# What zipfile and zlib raise on a damaged archive.
ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def metadata_json():
    return json.dumps({"keras_version": KERAS_VERSION, "gradfit_version": gradfit_version,
                       "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")})


def write_archive(destination, config_json, weights_bytes):
    """Write a `.keras` zip to a path (atomically) or to an open binary file object."""
    if isinstance(destination, io.IOBase):
        _write_zip(destination, config_json, weights_bytes)
        return
    with atomic_write(destination) as f:
        _write_zip(f, config_json, weights_bytes)


def _write_zip(fileobj, config_json, weights_bytes):
    with zipfile.ZipFile(fileobj, "w") as archive:
        archive.writestr(METADATA_FILENAME, metadata_json())
        archive.writestr(CONFIG_FILENAME, config_json)
        archive.writestr(WEIGHTS_FILENAME, weights_bytes)


def write_directory(directory, config_json, weights_bytes):
    """The unzipped form: the same three files in a directory (each replaced atomically)."""
    os.makedirs(directory, exist_ok=True)
    write_bytes(os.path.join(directory, WEIGHTS_FILENAME), weights_bytes)
    write_bytes(os.path.join(directory, METADATA_FILENAME), metadata_json().encode())
    write_bytes(os.path.join(directory, CONFIG_FILENAME), config_json.encode())


class SavedModelFiles:
    """The members of a `.keras` archive or directory, read with checks; `display_name` names it in errors."""

    def __init__(self, source, display_name):
        self.display_name = display_name
        self._archive = None
        self._directory = None
        if isinstance(source, (str, os.PathLike)) and os.path.isdir(source):
            self._directory = os.fspath(source)
            return
        try:
            self._archive = zipfile.ZipFile(source, "r")
        except ARCHIVE_ERRORS as error:
            raise self.error(f"it is not a valid zip archive ({error})") from error

    def error(self, message):
        return ValueError(f"Cannot load {self.display_name}: {message}")

    def names(self):
        if self._directory is not None:
            return sorted(os.listdir(self._directory))
        return self._archive.namelist()

    def read(self, name):
        """The bytes of member `name`; a missing, oversized or corrupt member is a ValueError."""
        if self._directory is not None:
            path = os.path.join(self._directory, name)
            if not os.path.isfile(path):
                raise self.error(f"it has no {name}")
            with open(path, "rb") as f:
                return f.read()
        try:
            info = self._archive.getinfo(name)
        except KeyError:
            raise self.error(f"the archive has no {name} (it holds {self._archive.namelist()})") from None
        if info.file_size > _BOMB_FLOOR_BYTES and info.file_size > _MAX_EXPANSION * info.compress_size:
            raise self.error(f"{name} declares {info.file_size} bytes but stores only {info.compress_size}; "
                             "refusing to read a potential decompression bomb")
        try:
            with self._archive.open(info, "r") as f:
                return f.read()
        except ARCHIVE_ERRORS as error:
            raise self.error(f"{name} is damaged ({error})") from error

    def read_config(self):
        """config.json as a dict describing an object (with 'class_name' and 'config')."""
        raw = self.read(CONFIG_FILENAME)
        try:
            config = json.loads(raw.decode("utf-8"))
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise self.error(f"{CONFIG_FILENAME} is not valid JSON ({error})") from error
        if not isinstance(config, dict) or "class_name" not in config or not isinstance(config.get("config"), dict):
            raise self.error(f"{CONFIG_FILENAME} does not describe a model: expected an object with 'class_name' "
                             f"and 'config', got {_preview(config)}")
        return config

    def read_assets(self, path):
        """{file name: bytes} of the files saved for the object at `path` under assets/ (Keras's `save_assets`)."""
        prefix = f"assets/{path}/"
        if self._directory is not None:
            folder = os.path.join(self._directory, *prefix.split("/"))
            if not os.path.isdir(folder):
                return {}
            return {name: self.read(prefix + name) for name in sorted(os.listdir(folder))
                    if os.path.isfile(os.path.join(folder, name))}
        return {name[len(prefix):]: self.read(name) for name in self._archive.namelist()
                if name.startswith(prefix) and "/" not in name[len(prefix):] and len(name) > len(prefix)}

    def read_weights(self):
        """model.weights.h5 as an in-memory binary file."""
        if WEIGHTS_FILENAME not in self.names():
            if "model.weights.npz" in self.names():
                raise self.error("its weights are stored as model.weights.npz (Keras's `weights_format='npz'`), "
                                 "which gradfit does not read; save the model with the default h5 weights")
            raise self.error(f"the archive has no {WEIGHTS_FILENAME} (it holds {self.names()})")
        return io.BytesIO(self.read(WEIGHTS_FILENAME))

    def close(self):
        if self._archive is not None:
            self._archive.close()


def _preview(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
