"""keras.datasets: Keras's small NumPy datasets, downloaded once into the gradfit cache.

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

Each loader fetches the same files from the same places as Keras 3, checks the same hashes and returns the
same arrays. Files are cached under `$GRADFIT_HOME/datasets` (default `~/.gradfit/datasets`); a machine
without network access can be given the files by hand there, or pointed at a mirror with the
`GRADFIT_DATASETS_ORIGIN` environment variable (see `sources.py`).
"""
import importlib

_SUBMODULES = ("boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist",
               "reuters")


def __getattr__(name):
    # Loaders import on first use so `keras.datasets` costs nothing until one is needed.
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'gradfit.keras.datasets' has no attribute {name!r}")


__all__ = list(_SUBMODULES)
