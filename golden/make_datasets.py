"""Tiny dataset files in Keras's real formats, and what Keras 3's loaders return for them.

Run with the peers' Python (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_datasets.py
Writes tests/fixtures/utils/datasets/: the small files (served to gradfit's loaders by a local HTTP server in
the tests) and keras_outputs.npz (Keras's `load_data` results on the same files, sequences as JSON).
"""
import gzip
import io
import json
import os
import pickle
import struct
import tarfile
import tempfile

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
from keras.src.datasets import (boston_housing, california_housing, cifar, cifar100, fashion_mnist,  # noqa: E402
                                imdb, mnist, reuters)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "utils", "datasets")


class Python2Pickler(pickle._Pickler):
    """Writes bytes as Python 2 `str` opcodes, as in the real CIFAR files (read back with encoding='bytes')."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_python2_str(self, obj):
        n = len(obj)
        self.write((pickle.SHORT_BINSTRING + bytes([n])) if n < 256 else (pickle.BINSTRING + struct.pack("<i", n)))
        self.write(obj)
        self.memoize(obj)

    dispatch[bytes] = save_python2_str


def python2_pickle(obj):
    buffer = io.BytesIO()
    Python2Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


def npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def idx(array):
    header = b"\x00\x00\x08" + bytes([array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes(), mtime=0)


def tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sequences(rng, n, vocabulary, longest):
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [int(w) for w in rng.randint(1, vocabulary, size=rng.randint(1, longest))]
    return out


def make_files():
    rng = np.random.RandomState(0)
    files = {}
    images = lambda n, *shape: rng.randint(0, 256, size=(n, *shape)).astype(np.uint8)  # noqa: E731
    labels = lambda n, k: rng.randint(0, k, size=n).astype(np.uint8)  # noqa: E731
    files["mnist.npz"] = npz(x_train=images(6, 28, 28), y_train=labels(6, 10), x_test=images(3, 28, 28),
                             y_test=labels(3, 10))
    for prefix, n in (("train", 5), ("t10k", 4)):
        files[f"{prefix}-images-idx3-ubyte.gz"] = idx(images(n, 28, 28))
        files[f"{prefix}-labels-idx1-ubyte.gz"] = idx(labels(n, 10))

    batches = {}
    for i in range(1, 6):
        batches[f"cifar-10-batches-py/data_batch_{i}"] = python2_pickle({
            b"batch_label": f"training batch {i} of 5".encode(), b"labels": [int(v) for v in labels(2, 10)],
            b"data": images(2, 3072), b"filenames": [b"a.png", b"b.png"]})
    batches["cifar-10-batches-py/test_batch"] = python2_pickle({
        b"batch_label": b"testing batch 1 of 1", b"labels": [int(v) for v in labels(3, 10)],
        b"data": images(3, 3072), b"filenames": [b"c.png", b"d.png", b"e.png"]})
    batches["cifar-10-batches-py/batches.meta"] = python2_pickle({b"label_names": [b"airplane"]})
    files["cifar-10-python.tar.gz"] = tar_gz(batches)
    files["cifar-100-python.tar.gz"] = tar_gz({
        f"cifar-100-python/{split}": python2_pickle({
            b"fine_labels": [int(v) for v in labels(n, 100)], b"coarse_labels": [int(v) for v in labels(n, 20)],
            b"data": images(n, 3072), b"batch_label": split.encode()})
        for split, n in (("train", 4), ("test", 3))})

    files["imdb.npz"] = npz(x_train=sequences(rng, 12, 40, 30), y_train=rng.randint(0, 2, 12).astype(np.int64),
                            x_test=sequences(rng, 10, 40, 30), y_test=rng.randint(0, 2, 10).astype(np.int64))
    files["imdb_word_index.json"] = json.dumps({"the": 1, "and": 2, "film": 19}).encode()
    files["reuters.npz"] = npz(x=sequences(rng, 20, 50, 25), y=rng.randint(0, 46, 20).astype(np.int64))
    files["reuters_word_index.json"] = json.dumps({"said": 1, "of": 3}).encode()
    files["boston_housing.npz"] = npz(x=rng.rand(30, 13).round(3), y=(rng.rand(30) * 40 + 10).round(1))
    files["california_housing.npz"] = npz(x=rng.rand(620, 8).astype(np.float32),
                                          y=(rng.rand(620) * 4e5).astype(np.float32))
    return files


class cifar10:  # noqa: N801
    """Keras's cifar10.load_data with its 10,000-images-per-batch buffer sized to the batches found.

    Everything else is Keras's: its batch parser, label reshape, casts and channels-last transpose.
    """

    get_file = None

    @classmethod
    def load_data(cls):
        folder = os.path.join(cls.get_file(fname="cifar-10-batches-py-target",
                                           origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                                           extract=True), "cifar-10-batches-py")
        parts = [cifar.load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
        x_train = np.concatenate([x for x, _ in parts]).astype("uint8")
        y_train = np.concatenate([np.asarray(y) for _, y in parts]).astype("uint8")
        x_test, y_test = cifar.load_batch(os.path.join(folder, "test_batch"))
        y_train = np.reshape(y_train, (len(y_train), 1))
        y_test = np.reshape(y_test, (len(y_test), 1))
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
        return (x_train, y_train), (x_test.astype(x_train.dtype), y_test.astype(y_train.dtype))


# Keras call -> (module, kwargs); each result is stored under its key.
CALLS = {
    "mnist": (mnist, {}),
    "fashion_mnist": (fashion_mnist, {}),
    "cifar10": (cifar10, {}),
    "cifar100_fine": (cifar100, {}),
    "cifar100_coarse": (cifar100, {"label_mode": "coarse"}),
    "imdb_default": (imdb, {}),
    "imdb_vocabulary": (imdb, {"num_words": 12, "skip_top": 3, "seed": 7}),
    "imdb_maxlen": (imdb, {"maxlen": 15}),
    "imdb_plain": (imdb, {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 20}),
    "reuters_default": (reuters, {}),
    "reuters_options": (reuters, {"num_words": 12, "test_split": 0.3, "maxlen": 10, "oov_char": None}),
    "boston_default": (boston_housing, {}),
    "boston_options": (boston_housing, {"test_split": 0.3, "seed": 1}),
    "california_small": (california_housing, {"version": "small"}),
    "california_large": (california_housing, {"test_split": 0.25, "seed": 3}),
}


def main():
    files = make_files()
    os.makedirs(OUT, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)

    scratch = tempfile.mkdtemp()

    def local_get_file(fname=None, origin=None, extract=False, **kwargs):
        name = origin.rsplit("/", 1)[1]
        if not extract:
            return os.path.join(OUT, name)
        folder = os.path.join(scratch, name + "_extracted")
        with tarfile.open(os.path.join(OUT, name)) as archive:
            archive.extractall(folder, filter="data")
        return folder

    outputs = {}
    for key, (module, kwargs) in CALLS.items():
        module.get_file = local_get_file
        (x_train, y_train), (x_test, y_test) = module.load_data(**kwargs)
        for part, value in (("x_train", x_train), ("y_train", y_train), ("x_test", x_test), ("y_test", y_test)):
            if value.dtype == object:
                outputs[f"{key}/{part}"] = np.array(json.dumps([list(map(int, s)) for s in value]))
            else:
                outputs[f"{key}/{part}"] = value
                outputs[f"{key}/{part}_dtype"] = np.array(str(value.dtype))
    np.savez_compressed(os.path.join(OUT, "keras_outputs.npz"), **outputs)
    print("wrote", sorted(files), "and", len(outputs), "Keras outputs")


if __name__ == "__main__":
    main()
