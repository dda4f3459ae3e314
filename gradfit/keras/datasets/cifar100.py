"""keras.datasets.cifar100: 60,000 32x32 colour images in 100 fine classes grouped into 20 coarse ones."""
import os

from .cifar import load_batches
from .sources import fetch


def load_data(label_mode="fine"):
    """Loads CIFAR-100 as `(x_train, y_train), (x_test, y_test)`.

    x: uint8 arrays of shape (50000, 32, 32, 3) and (10000, 32, 32, 3) (channels first when
    `keras.backend.image_data_format()` is 'channels_first'). y: arrays of shape (50000, 1) and (10000, 1)
    holding the fine labels 0..99 (`label_mode="fine"`) or the coarse ones 0..19 ("coarse"), int64 as Keras 3's
    loader returns them (its docstring says uint8).
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of "fine", "coarse". Received: label_mode={label_mode!r}.')
    path = fetch("cifar-100-python.tar.gz", fname="cifar-100-python-target", extract=True)
    folder = os.path.join(path, "cifar-100-python")
    label_key = f"{label_mode}_labels"
    return load_batches(folder, ["train"], label_key), load_batches(folder, ["test"], label_key)
