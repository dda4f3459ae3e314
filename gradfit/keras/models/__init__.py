"""keras.models: Model (Functional or subclassed) and Sequential."""
from .model import Model
from .functional import Functional
from .sequential import Sequential
from .summary import print_summary
from ..saving.saving_api import load_model, model_from_json, save_model


def clone_model(model, input_tensors=None, clone_function=None):
    """A model of the same architecture with freshly initialized weights (rebuilt from its config)."""
    if input_tensors is not None or clone_function is not None:
        raise ValueError("clone_model: `input_tensors` and `clone_function` are not supported; the clone is "
                         "rebuilt from `model.get_config()`")
    return type(model).from_config(model.get_config())


__all__ = ["Model", "Functional", "Sequential", "clone_model", "load_model", "model_from_json", "print_summary",
           "save_model"]
