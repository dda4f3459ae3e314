"""keras.datasets.cifar10: 60,000 32x32 colour images in 10 classes."""
import os

from .cifar import load_batches
from .sources import fetch


def load_data():
    """Loads CIFAR-10 as `(x_train, y_train), (x_test, y_test)`.

    x: uint8 arrays of shape (50000, 32, 32, 3) and (10000, 32, 32, 3) (channels first, (n, 3, 32, 32), when
    `keras.backend.image_data_format()` is 'channels_first'). y: uint8 labels 0..9 of shape (50000, 1) and
    (10000, 1): airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck.
    """
    path = fetch("cifar-10-python.tar.gz", fname="cifar-10-batches-py-target", extract=True)
    folder = os.path.join(path, "cifar-10-batches-py")
    x_train, y_train = load_batches(folder, [f"data_batch_{i}" for i in range(1, 6)])
    x_test, y_test = load_batches(folder, ["test_batch"])
    return (x_train, y_train.astype("uint8")), (x_test, y_test.astype("uint8"))
