"""What CIFAR-10 and CIFAR-100 share: their pickled batches and Keras's layout of them."""
import os

import numpy as np

from ... import backend
from .restricted_pickle import load_pickle


def load_batch(fpath, label_key="labels"):
    """`(data, labels)` from one CIFAR batch file: uint8 data of shape (n, 3, 32, 32) and a list of labels."""
    batch = {key.decode("utf8"): value for key, value in load_pickle(fpath, encoding="bytes").items()}
    data = batch["data"]
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def load_batches(folder, names, label_key="labels"):
    """`(x, y)` from the named batch files in `folder`: x uint8 laid out per the image data format, y (n, 1)."""
    parts = [load_batch(os.path.join(folder, name), label_key) for name in names]
    x = np.concatenate([data for data, _ in parts]).astype("uint8", copy=False)
    y = np.concatenate([np.asarray(labels, dtype=np.int64) for _, labels in parts]).reshape(-1, 1)
    if backend.image_data_format() == "channels_last":
        x = x.transpose(0, 2, 3, 1)
    return x, y
