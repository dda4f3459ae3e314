"""gradfit.keras: Keras 3's API (layers, models, losses, metrics, optimizers, callbacks, ...) on gradfit.

    from gradfit import keras
"""
import importlib

from ..tensor import Variable

_SUBMODULES = ("activations", "backend", "callbacks", "config", "constraints", "datasets", "initializers",
               "layers", "losses", "metrics", "mixed_precision", "models", "ops", "optimizers", "random",
               "regularizers", "saving", "tree", "utils")
_NAMES = {
    "Input": "layers", "InputLayer": "layers", "InputSpec": "layers", "Layer": "layers",
    "KerasTensor": "layers", "DTypePolicy": "mixed_precision",
    "Model": "models", "Sequential": "models",
    "Loss": "losses", "Metric": "metrics", "Optimizer": "optimizers",
    "Initializer": "initializers", "Regularizer": "regularizers", "Constraint": "constraints",
    "name_scope": "scopes", "device": "scopes",
}


def version():
    """The version of Keras whose API this package implements ("3.15.1"); gradfit's own is gradfit.__version__."""
    from .saving.keras_archive import KERAS_VERSION

    return KERAS_VERSION


def __getattr__(name):
    # Submodules load on first use, so `from gradfit import keras` stays cheap.
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _NAMES:
        value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'gradfit.keras' has no attribute {name!r}")


__all__ = list(_SUBMODULES) + list(_NAMES) + ["Variable", "version"]
