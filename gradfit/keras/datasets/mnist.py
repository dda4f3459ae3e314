"""keras.datasets.mnist: 70,000 28x28 grayscale handwritten digits."""
import numpy as np

from .sources import fetch


def load_data(path="mnist.npz"):
    """Loads MNIST as `(x_train, y_train), (x_test, y_test)`.

    x: uint8 arrays of shape (60000, 28, 28) and (10000, 28, 28), pixel values 0..255.
    y: uint8 arrays of digit labels 0..9, shapes (60000,) and (10000,).
    `path` is the file name in the cache (`$GRADFIT_HOME/datasets`).

    MNIST is by Yann LeCun and Corinna Cortes, from NIST data, under the Creative Commons Attribution-Share
    Alike 3.0 license.
    """
    path = fetch("mnist.npz", fname=path)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
