"""keras.utils: data helpers, seeding, the progress bar and file downloads."""
import importlib

# Each name lives in a small module of this package; they load on first use.
_WHERE = {
    "to_categorical": "numerical", "normalize": "numerical",
    "pad_sequences": "sequence",
    "set_random_seed": "random",
    "Progbar": "progbar",
    "PyDataset": "py_dataset", "Sequence": "py_dataset",
    "get_file": "file_utils",
    "split_dataset": "dataset_utils", "image_dataset_from_directory": "dataset_utils",
    "text_dataset_from_directory": "dataset_utils",
}


def __getattr__(name):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'gradfit.keras.utils' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = sorted(_WHERE)
