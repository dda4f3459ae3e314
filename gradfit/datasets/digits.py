"""gradfit.datasets.digits: the UCI 8x8 handwritten digits, shipped with gradfit (no download).

1797 images of the digits 0..9, about 180 of each, written by 13 people. Each image is 8x8 counts, 0..16,
of the ink pixels in 4x4 blocks of a 32x32 bitmap. The data is the test set of the UCI Machine Learning
Repository's "Optical Recognition of Handwritten Digits" (E. Alpaydin, C. Kaynak, 1998), as distributed with
scikit-learn.
"""
import os

import numpy as np

from ..keras.datasets.tabular import check_test_split

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits.npz")


def load_data(test_split=0.2, seed=113):
    """Loads the digits as `(x_train, y_train), (x_test, y_test)`, like the `keras.datasets` loaders.

    x: uint8 arrays of shape (n, 8, 8) with values 0..16 (divide by 16.0 for [0, 1] floats); y: uint8 digit
    labels 0..9. The split is stratified: for each digit, `round(test_split * count)` of its images, drawn with
    `np.random.RandomState(seed)`, go to the test set, so both sets keep the 10 classes balanced. Each set is
    then shuffled with the same generator. The same `seed` always gives the same split; the default, 113, gives
    1438 training and 359 test images.
    """
    check_test_split(test_split)
    with np.load(_PATH, allow_pickle=False) as f:
        images, labels = f["images"], f["labels"]
    rng = np.random.RandomState(seed)
    train, test = [], []
    for digit in range(10):
        indices = rng.permutation(np.flatnonzero(labels == digit))
        n_test = int(round(test_split * len(indices)))
        test.append(indices[:n_test])
        train.append(indices[n_test:])
    train, test = rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))
    return (images[train], labels[train]), (images[test], labels[test])
