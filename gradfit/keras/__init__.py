"""gradfit.keras: Keras 3's API (layers, models, losses, metrics, optimizers, callbacks, ...) on gradfit.

    from gradfit import keras
"""
import importlib

from ..tensor import Variable

_SUBMODULES = ("activations", "backend", "callbacks", "config", "constraints", "datasets", "initializers",
               "layers", "losses", "metrics", "mixed_precision", "models", "ops", "optimizers", "random",
               "regularizers", "saving", "utils")
_NAMES = {
    "Input": "layers", "InputLayer": "layers", "InputSpec": "layers", "Layer": "layers",
    "KerasTensor": "layers", "DTypePolicy": "mixed_precision",
    "Model": "models", "Sequential": "models",
    "Loss": "losses", "Metric": "metrics", "Optimizer": "optimizers",
    "Initializer": "initializers", "Regularizer": "regularizers", "Constraint": "constraints",
}


def __getattr__(name):
    # Submodules load on first use, so `from gradfit import keras` stays cheap.
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _NAMES:
        value = getattr(__getattr__(_NAMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gradfit.keras' has no attribute {name!r}")


__all__ = list(_SUBMODULES) + list(_NAMES) + ["Variable"]
