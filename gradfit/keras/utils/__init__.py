"""keras.utils: data helpers, seeding, the progress bar, file downloads, images, and the names Keras also
exports here from keras.saving, keras.backend and keras.config (the same objects)."""
import importlib

# Each name lives in a small module of this package (or, for the shared ones, of gradfit.keras); they load
# on first use.
_WHERE = {
    "to_categorical": "numerical", "normalize": "numerical",
    "pad_sequences": "sequence",
    "set_random_seed": "random",
    "Progbar": "progbar",
    "PyDataset": "py_dataset", "Sequence": "py_dataset",
    "get_file": "file_utils",
    "split_dataset": "dataset_utils", "image_dataset_from_directory": "dataset_utils",
    "text_dataset_from_directory": "dataset_utils",
    "timeseries_dataset_from_array": "timeseries",
    "load_img": "image_utils", "img_to_array": "image_utils", "array_to_img": "image_utils",
    "save_img": "image_utils",
    "Config": "config",
    "get_source_inputs": "source_inputs",
    "register_keras_serializable": "..saving.object_registration",
    "get_custom_objects": "..saving.object_registration",
    "custom_object_scope": "..saving.object_registration", "CustomObjectScope": "..saving.object_registration",
    "get_registered_name": "..saving.object_registration",
    "get_registered_object": "..saving.object_registration",
    "serialize_keras_object": "..saving.serialization_lib", "deserialize_keras_object": "..saving.serialization_lib",
    "pack_x_y_sample_weight": "..data_adapter", "unpack_x_y_sample_weight": "..data_adapter",
    "is_keras_tensor": "..backend", "clear_session": "..backend", "standardize_dtype": "..backend",
    "enable_interactive_logging": "..config", "disable_interactive_logging": "..config",
    "is_interactive_logging_enabled": "..config",
}


def __getattr__(name):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'gradfit.keras.utils' has no attribute {name!r}")
    value = getattr(importlib.import_module(module if module.startswith(".") else f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = sorted(_WHERE)
