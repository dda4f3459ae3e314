"""Converts scikit-learn's copy of the UCI handwritten digits into the .npz shipped in gradfit/datasets.

    /work/peers/bin/python golden/make_digits.py

Source: sklearn/datasets/data/digits.csv.gz (1797 rows: 64 pixel counts 0..16, then the digit), itself the
test set of the UCI ML repository's "Optical Recognition of Handwritten Digits" data set.
"""
import gzip
import os

import numpy as np
import sklearn

SOURCE = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data", "digits.csv.gz")
TARGET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gradfit", "datasets", "digits.npz")


def main():
    with gzip.open(SOURCE, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    assert table.shape == (1797, 65) and table[:, :64].min() == 0 and table[:, :64].max() == 16
    images = table[:, :64].astype(np.uint8).reshape(-1, 8, 8)
    labels = table[:, 64].astype(np.uint8)
    np.savez_compressed(TARGET, images=images, labels=labels)
    print(TARGET, os.path.getsize(TARGET), "bytes;", np.bincount(labels))


if __name__ == "__main__":
    main()
