"""Saving and loading whole models and their weights: `model.save`, `keras.models.load_model`,
`save_weights`/`load_weights`, `to_json`/`model_from_json`, in Keras 3's formats.

Every file is written to a temporary file beside its destination and renamed into place, so an
interrupted save leaves the previous file intact. Reading a file never runs code from it (a Python
lambda in a config needs `safe_mode=False`), and a malformed file is a ValueError naming the file.
"""
import contextlib
import io
import json
import os
import warnings
import tempfile

from .atomic_file import write_bytes
from .h5_store import H5Writer, open_for_reading
from .keras_archive import SavedModelFiles, write_archive, write_directory
from .serialization_lib import SafeModeScope, deserialize_keras_object, serialize_keras_object
from .state_tree import load_state, save_state, walk


# ------------------------------------------------------------------------------------------ whole models
def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Save `model` (architecture, weights, optimizer state, compile arguments) as a `.keras` file.

    `zipped=False` writes the same files into a directory instead. With `overwrite=False` an existing
    file is only replaced if the user confirms at the prompt.
    """
    kwargs.pop("include_optimizer", None)  # the .keras format always holds the optimizer, as in Keras 3
    save_format = kwargs.pop("save_format", None)
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs)}")
    to_fileobj = isinstance(filepath, io.IOBase)
    name = "" if to_fileobj else os.fspath(filepath)
    if save_format and not name.endswith((".keras", ".h5", ".hdf5")):
        raise ValueError("The `save_format` argument is deprecated in Keras 3. Please remove this argument and pass "
                         f"a file path with a `.keras` extension. Received: save_format={save_format}")
    zipped = True if zipped is None else zipped
    if not to_fileobj:
        if name.endswith((".h5", ".hdf5")) and zipped:
            raise ValueError(f"Cannot save {name!r}: `.h5`/`.hdf5` is Keras 2's legacy whole-model format, which "
                             "gradfit does not write. Save the model as `.keras` (e.g. `model.save('model.keras')`), "
                             "or its weights alone with `model.save_weights('model.weights.h5')`.")
        if zipped and not name.endswith(".keras"):
            raise ValueError("Invalid filepath extension for saving. Please add a `.keras` extension for the native "
                             f"Keras format. Received: filepath={name}")
        if not zipped and name.endswith(".keras"):
            raise ValueError("When using `zipped=False`, the `filepath` argument should not end in `.keras`. "
                             f"Received: filepath={name}")
        if os.path.exists(name) and not overwrite and not ask_to_proceed_with_overwrite(name):
            return
    if not model.built:
        warnings.warn("You are saving a model that has not yet been built. It might not contain any weights yet. "
                      "Consider building the model first by calling it on some data.", stacklevel=2)
    config_json = json.dumps(serialize_keras_object(model))
    weights = _weights_bytes(model)
    if to_fileobj or zipped:
        write_archive(filepath, config_json, weights)
    else:
        write_directory(name, config_json, weights)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved in a `.keras` file (or an unzipped `.keras` directory), compiled if it was saved
    compiled and `compile=True`, with its weights and optimizer state.

    `custom_objects` maps names to classes or functions the config refers to. `safe_mode=True` refuses
    to rebuild Python lambdas (their bytecode would run); pass False only for files you trust.
    """
    if isinstance(filepath, io.IOBase):
        return _load_model_from(SavedModelFiles(filepath, "the given file object"), custom_objects, compile,
                                safe_mode)
    name = os.fspath(filepath)
    is_directory = os.path.isdir(name) and os.path.exists(os.path.join(name, "config.json"))
    if not is_directory:
        if name.endswith((".h5", ".hdf5")):
            raise ValueError(f"Cannot load {name!r}: `.h5`/`.hdf5` whole-model files are Keras 2's legacy format, "
                             "which gradfit does not read. Save the model with Keras 3 as `.keras`; for weights "
                             "alone, build the model and call `model.load_weights(...)` on a `.weights.h5` file.")
        if not name.endswith(".keras"):
            raise ValueError(f"File format not supported: filepath={name}. gradfit loads Keras 3 `.keras` files "
                             "(and unzipped `.keras` directories).")
        if not os.path.isfile(name):
            raise ValueError(f"File not found: filepath={name}. Please ensure the file is an accessible `.keras` "
                             "zip file.")
    files = SavedModelFiles(name, f"'{name}'")
    try:
        return _load_model_from(files, custom_objects, compile, safe_mode)
    finally:
        files.close()


def _load_model_from(files, custom_objects, compile, safe_mode):
    config = files.read_config()
    if not compile:
        config["compile_config"] = None
    model = _model_from_config(config, files.display_name, custom_objects, safe_mode)
    reader = open_for_reading(files.read_weights(), f"{files.display_name} (model.weights.h5)")
    try:
        with _errors_naming(files.display_name, "its weights do not fit the model"):
            load_state(model, reader)
    finally:
        reader.close()
    with _errors_naming(files.display_name, "its assets do not fit the model"):
        _load_assets(model, files)
    return model


def _load_assets(model, files):
    """Give each object with `load_assets` (vocabulary layers) the files Keras saved for it under assets/."""
    for path, obj in walk(model):
        load = getattr(obj, "load_assets", None)
        contents = files.read_assets(path) if load is not None else None
        if not contents:
            continue
        with tempfile.TemporaryDirectory() as directory:
            for name, data in contents.items():
                with open(os.path.join(directory, os.path.basename(name)), "wb") as f:
                    f.write(data)
            load(directory)


def _model_from_config(config, display_name, custom_objects, safe_mode):
    with _errors_naming(display_name, "its config.json does not describe a model gradfit can rebuild"):
        with SafeModeScope(safe_mode):
            model = deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)
    from ..models.model import Model

    if not isinstance(model, Model):
        raise ValueError(f"Cannot load {display_name}: its config.json describes a {type(model).__name__}, "
                         "not a model")
    return model


@contextlib.contextmanager
def _errors_naming(display_name, what):
    """Turn any error raised while interpreting a file's contents into a ValueError naming the file.

    A file is untrusted input: whatever part of it is wrong (a config value a layer rejects, a field of
    the wrong type, a damaged HDF5 structure), the user gets one kind of error saying which file it is and
    what is wrong (`what` it should have held, when the error does not say); the original stays chained.
    """
    try:
        yield
    except ValueError as error:
        if display_name in str(error):
            raise
        raise ValueError(f"Cannot load {display_name}: {error}") from error
    except Exception as error:
        raise ValueError(f"Cannot load {display_name}: {what} ({type(error).__name__}: {error})") from error


# ----------------------------------------------------------------------------------------------- weights
def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """Write the variables of `model` and of its optimizer to a `.weights.h5` file (Keras 3's layout)."""
    name = os.fspath(filepath)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    if max_shard_size is not None:
        raise ValueError("Sharded weights (`max_shard_size`, `.weights.json`) are not supported by gradfit: save "
                         "a single `.weights.h5` file.")
    if not name.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={name}")
    if not model.built:
        raise ValueError("You are saving a model that has not yet been built. Try building the model first by "
                         "calling it on some data or by using `build()`.")
    if os.path.exists(name) and not overwrite and not ask_to_proceed_with_overwrite(name):
        return
    write_bytes(name, _weights_bytes(model))


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Assign the variables of `model` (and its optimizer) from a `.weights.h5` or `.keras` file.

    Every value is checked against its variable before any is assigned; with `skip_mismatch=True`,
    objects whose saved variables do not fit are skipped with a warning instead of an error. Layers (or
    the optimizer) in `objects_to_skip` keep their values.
    """
    objects_to_skip = kwargs.pop("objects_to_skip", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    name = os.fspath(filepath)
    if not model.built:
        raise ValueError("You are loading weights into a model that has not yet been built. Try building the model "
                         "first by calling it on some data or by using `build()`.")
    if name.endswith(".keras"):
        if not os.path.isfile(name):
            raise FileNotFoundError(f"No such file: '{name}'")
        files = SavedModelFiles(name, f"'{name}'")
        try:
            source, display = files.read_weights(), f"'{name}' (model.weights.h5)"
        finally:
            files.close()
    elif name.endswith(".weights.h5"):
        if not os.path.isfile(name):
            raise FileNotFoundError(f"No such file: '{name}'")
        source, display = name, f"'{name}'"
    elif name.endswith((".h5", ".hdf5")):
        raise ValueError(f"Cannot load {name!r}: `.h5`/`.hdf5` files without `.weights.h5` are Keras 2's legacy "
                         "format, which gradfit does not read. Use a Keras 3 `.weights.h5` or `.keras` file.")
    else:
        raise ValueError(f"File format not supported: filepath={name}. gradfit loads weights from Keras 3 "
                         "`.weights.h5` and `.keras` files.")
    reader = open_for_reading(source, display)
    try:
        with _errors_naming(display, "its weights do not fit the model"):
            load_state(model, reader, skip_mismatch=skip_mismatch, objects_to_skip=objects_to_skip)
    finally:
        reader.close()


def _weights_bytes(model):
    writer = H5Writer()
    try:
        save_state(model, writer)
        return writer.getvalue()
    finally:
        writer.close()


# ------------------------------------------------------------------------------------------------- JSON
def model_to_json(model, **kwargs):
    """The model's config (Keras 3's format) as a JSON string; `kwargs` go to `json.dumps`."""
    return json.dumps(serialize_keras_object(model), **kwargs)


def model_from_json(json_string, custom_objects=None):
    """A new (freshly initialized) model from the JSON of `model.to_json()`."""
    try:
        config = json.loads(json_string)
    except (TypeError, ValueError) as error:
        raise ValueError(f"model_from_json expects the JSON string of `model.to_json()`: {error}") from error
    return deserialize_keras_object(config, custom_objects=custom_objects)


# ---------------------------------------------------------------------------------------------- prompts
def ask_to_proceed_with_overwrite(filepath):
    """Ask on the terminal whether to overwrite `filepath`; True if the answer is yes (as Keras does)."""
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True
