"""keras.saving: models and weights in Keras 3's formats, and configs of Keras objects.

    model.save("model.keras")
    model = keras.saving.load_model("model.keras")
    model.save_weights("model.weights.h5")

Files written by gradfit load in Keras 3 and files written by Keras 3 load in gradfit (the `.keras`
zip of config.json, metadata.json and model.weights.h5; `.weights.h5` files). Weights files are HDF5,
read and written with h5py.
"""
from .object_registration import (CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name,
                                  get_registered_object, register_keras_serializable)
from .saving_api import load_model, load_weights, model_from_json, model_to_json, save_model, save_weights
from .serialization_lib import deserialize_keras_object, serialize_keras_object

__all__ = ["CustomObjectScope", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
           "get_registered_name", "get_registered_object", "load_model", "load_weights", "model_from_json",
           "model_to_json", "register_keras_serializable", "save_model", "save_weights", "serialize_keras_object"]
