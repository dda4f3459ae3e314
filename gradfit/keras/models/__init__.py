"""keras.models: Model (Functional or subclassed) and Sequential."""
from .model import Model
from .functional import Functional
from .sequential import Sequential
from .summary import print_summary
from ..saving.saving_api import load_model, model_from_json, save_model
from ..layers import Input as keras_input
from ..layers import deserialize as deserialize_layer
from ..layers.input_layer import InputLayer
from ..layers.op_layer import OpLayer
from .functional_config import rebuild_functional


def clone_model(model, input_tensors=None, clone_function=None, **kwargs):
    """A model of the same architecture with new layers: `clone_function(layer)` for each layer (by default
    a layer of the same config, freshly initialized), connected as in `model`."""
    if input_tensors is not None or kwargs:
        raise ValueError("clone_model: `input_tensors`, `call_function` and `recursive` are not supported; pass "
                         f"`clone_function` to choose how layers are copied. Received: "
                         f"{sorted(['input_tensors'] * (input_tensors is not None) + list(kwargs))}")
    if clone_function is None:
        return type(model).from_config(model.get_config())
    if isinstance(model, Sequential):
        layers = [clone_function(layer) for layer in model.layers]
        inputs = [keras_input(batch_shape=model._layers[0].batch_shape, dtype=model._layers[0].dtype)] \
            if model._layers and isinstance(model._layers[0], InputLayer) else []
        return Sequential(inputs + layers, name=model.name, trainable=model.trainable)
    if isinstance(model, Functional):
        originals = {layer.name: layer for layer in model._operations}

        def make_layer(layer_data):
            layer = originals[layer_data["name"]]
            if isinstance(layer, InputLayer):
                return deserialize_layer(layer_data)  # new inputs
            return layer if isinstance(layer, OpLayer) else clone_function(layer)  # ops are reused, as in Keras

        return rebuild_functional(type(model), model.get_config(), make_layer=make_layer)
    raise ValueError(f"clone_model with a `clone_function` needs a Sequential or Functional model, got a subclassed "
                     f"{type(model).__name__}")


__all__ = ["Model", "Functional", "Sequential", "clone_model", "load_model", "model_from_json", "print_summary",
           "save_model"]
