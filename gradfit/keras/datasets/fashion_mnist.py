"""keras.datasets.fashion_mnist: 70,000 28x28 grayscale images of 10 kinds of clothing (Zalando)."""
import gzip
import os

import numpy as np

from .sources import fetch

_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def load_data():
    """Loads Fashion-MNIST as `(x_train, y_train), (x_test, y_test)`.

    x: uint8 arrays of shape (60000, 28, 28) and (10000, 28, 28). y: uint8 labels 0..9 (T-shirt/top,
    Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot), shapes (60000,) and (10000,).
    The four gzipped IDX files are cached in `$GRADFIT_HOME/datasets/fashion-mnist`.

    Fashion-MNIST is copyright Zalando SE, under the MIT license.
    """
    paths = [fetch(name, cache_subdir=os.path.join("datasets", "fashion-mnist")) for name in _FILES]
    y_train, x_train, y_test, x_test = (read_idx(p) for p in paths)
    return (x_train, y_train), (x_test, y_test)


def read_idx(path):
    """The uint8 array in a gzipped IDX file (the MNIST format): magic 0x0000 08 <ndim>, then big-endian dims."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[:3] != b"\x00\x00\x08":
        raise ValueError(f"{path} is not an IDX file of unsigned bytes (its header is {data[:4]!r})")
    ndim = data[3]
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    pixels = np.frombuffer(data, np.uint8, offset=4 + 4 * ndim)
    if pixels.size != int(np.prod(shape)):
        raise ValueError(f"{path} declares shape {shape} but holds {pixels.size} values")
    return pixels.reshape(shape)
