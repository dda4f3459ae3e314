"""keras.models: Model (Functional or subclassed) and Sequential."""
from .model import Model
from .functional import Functional
from .sequential import Sequential
from .summary import print_summary


def clone_model(model, input_tensors=None, clone_function=None):
    """A model of the same architecture with freshly initialized weights (rebuilt from its config)."""
    if input_tensors is not None or clone_function is not None:
        raise ValueError("clone_model: `input_tensors` and `clone_function` are not supported; the clone is "
                         "rebuilt from `model.get_config()`")
    return type(model).from_config(model.get_config())


__all__ = ["Model", "Functional", "Sequential", "clone_model", "print_summary"]
