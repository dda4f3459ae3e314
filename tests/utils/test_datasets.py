"""keras.datasets loaders fetch Keras's files from a (local) mirror and return what Keras 3 returns for them.

The small files in tests/fixtures/utils/datasets are in the real formats (an .npz for MNIST, IMDB, Reuters and
the housing sets, gzipped IDX for Fashion-MNIST, Python 2 pickled batches in a tar.gz for CIFAR), and
keras_outputs.npz holds Keras's own `load_data` results for them (golden/make_datasets.py).
"""
import gzip
import hashlib
import io
import json
import os
import pickle

import numpy as np
import pytest

from gradfit import backend, keras
from gradfit.keras.datasets import sources
from gradfit.keras.utils.file_utils import DownloadError

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "utils", "datasets")
KERAS = np.load(os.path.join(FIXTURES, "keras_outputs.npz"))

CALLS = {
    "mnist": ("mnist", {}),
    "fashion_mnist": ("fashion_mnist", {}),
    "cifar10": ("cifar10", {}),
    "cifar100_fine": ("cifar100", {}),
    "cifar100_coarse": ("cifar100", {"label_mode": "coarse"}),
    "imdb_default": ("imdb", {}),
    "imdb_vocabulary": ("imdb", {"num_words": 12, "skip_top": 3, "seed": 7}),
    "imdb_maxlen": ("imdb", {"maxlen": 15}),
    "imdb_plain": ("imdb", {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 20}),
    "reuters_default": ("reuters", {}),
    "reuters_options": ("reuters", {"num_words": 12, "test_split": 0.3, "maxlen": 10, "oov_char": None}),
    "boston_default": ("boston_housing", {}),
    "boston_options": ("boston_housing", {"test_split": 0.3, "seed": 1}),
    "california_small": ("california_housing", {"version": "small"}),
    "california_large": ("california_housing", {"test_split": 0.25, "seed": 3}),
}


def fixture_bytes(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


@pytest.fixture
def mirror(file_server, cache_home, monkeypatch):
    """Every dataset file served from the local server, under the hashes of the small fixture files."""
    monkeypatch.setenv(sources.OVERRIDE_VARIABLE, file_server.url + "/mirror/")
    for name, (folder, file_hash) in sources.SOURCES.items():
        data = fixture_bytes(name)
        file_server.files[f"/mirror/{name}"] = data
        if file_hash is not None:
            digest = hashlib.sha256(data) if len(file_hash) == 64 else hashlib.md5(data)
            monkeypatch.setitem(sources.SOURCES, name, (folder, digest.hexdigest()))
    return file_server


def assert_same_as_keras(key, part, value):
    expected = KERAS[f"{key}/{part}"]
    if f"{key}/{part}_dtype" not in KERAS:  # word sequences, stored as JSON
        assert value.dtype == object and value.ndim == 1
        assert [list(s) for s in value] == json.loads(str(expected))
        return
    assert value.dtype == str(KERAS[f"{key}/{part}_dtype"]), (key, part, value.dtype)
    np.testing.assert_array_equal(value, expected)


@pytest.mark.parametrize("key", sorted(CALLS))
def test_loader_returns_what_keras_returns(mirror, key):
    module, kwargs = CALLS[key]
    (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, module).load_data(**kwargs)
    for part, value in (("x_train", x_train), ("y_train", y_train), ("x_test", x_test), ("y_test", y_test)):
        assert_same_as_keras(key, part, value)


def test_mnist_download_parse_and_cache_hit(mirror, cache_home):
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    assert x_train.shape == (6, 28, 28) and x_train.dtype == np.uint8
    assert y_test.shape == (3,) and y_test.dtype == np.uint8
    assert os.path.isfile(cache_home / "datasets" / "mnist.npz")
    assert mirror.requests == [("/mirror/mnist.npz", None)]

    (again, _), _ = keras.datasets.mnist.load_data()
    np.testing.assert_array_equal(again, x_train)
    assert len(mirror.requests) == 1  # served from the cache


def test_mnist_checksum_mismatch_is_refused_and_nothing_is_cached(mirror, cache_home):
    mirror.files["/mirror/mnist.npz"] = fixture_bytes("mnist.npz")[:-10] + b"0123456789"  # tampered in transit
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected"):
        keras.datasets.mnist.load_data()
    assert os.listdir(cache_home / "datasets") == []


def test_mnist_interrupted_download_then_retry(mirror, cache_home):
    mirror.ranges = False
    mirror.truncate["/mirror/mnist.npz"] = 3  # every attempt of the first call is cut off
    with pytest.raises(DownloadError, match="interrupted"):
        keras.datasets.mnist.load_data()
    assert os.listdir(cache_home / "datasets") == []

    (x_train, _), _ = keras.datasets.mnist.load_data()
    np.testing.assert_array_equal(x_train, KERAS["mnist/x_train"])


def test_fashion_mnist_files_are_cached_in_their_own_folder(mirror, cache_home):
    keras.datasets.fashion_mnist.load_data()
    assert sorted(os.listdir(cache_home / "datasets" / "fashion-mnist")) == sorted(
        ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz"])


def test_cifar_archive_is_extracted_once(mirror, cache_home):
    keras.datasets.cifar10.load_data()
    keras.datasets.cifar10.load_data()
    assert len(mirror.requests) == 1
    folder = cache_home / "datasets"
    assert sorted(os.listdir(folder)) == ["cifar-10-batches-py-target", "cifar-10-batches-py-target_archive"]


def test_cifar10_channels_first(mirror):
    backend.set_image_data_format("channels_first")
    try:
        (x_train, y_train), (x_test, _) = keras.datasets.cifar10.load_data()
    finally:
        backend.set_image_data_format("channels_last")
    assert x_train.shape == (10, 3, 32, 32) and x_test.shape == (3, 3, 32, 32)
    np.testing.assert_array_equal(x_train.transpose(0, 2, 3, 1), KERAS["cifar10/x_train"])


def test_word_indexes_and_label_names(mirror):
    assert keras.datasets.imdb.get_word_index() == {"the": 1, "and": 2, "film": 19}
    assert keras.datasets.reuters.get_word_index() == {"said": 1, "of": 3}
    names = keras.datasets.reuters.get_label_names()
    assert len(names) == 46 and names[3] == "earn"


def test_bad_arguments_fail_before_any_download(mirror):
    with pytest.raises(ValueError, match="label_mode"):
        keras.datasets.cifar100.load_data(label_mode="medium")
    with pytest.raises(ValueError, match="test_split"):
        keras.datasets.boston_housing.load_data(test_split=1.0)
    with pytest.raises(ValueError, match="version"):
        keras.datasets.california_housing.load_data(version="huge")
    assert mirror.requests == []


def test_imdb_maxlen_that_keeps_nothing_is_an_error(mirror):
    with pytest.raises(ValueError, match="no sequence was kept"):
        keras.datasets.imdb.load_data(maxlen=1)


class _Gadget:
    def __reduce__(self):
        return (os.getcwd, ())


def test_pickled_code_in_a_dataset_file_is_refused(mirror, monkeypatch):
    buffer = io.BytesIO()
    payload = np.empty(2, dtype=object)
    payload[0], payload[1] = [1, 2], _Gadget()
    np.savez(buffer, x_train=payload, y_train=np.zeros(2, np.int64), x_test=payload, y_test=np.zeros(2, np.int64))
    data = buffer.getvalue()
    mirror.files["/mirror/imdb.npz"] = data
    monkeypatch.setitem(sources.SOURCES, "imdb.npz", (sources.SOURCES["imdb.npz"][0], hashlib.sha256(data).hexdigest()))
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load `posix.getcwd`|Refusing to load `nt.getcwd`"):
        keras.datasets.imdb.load_data()


def test_not_an_idx_file_is_reported(tmp_path):
    from gradfit.keras.datasets.fashion_mnist import read_idx
    path = tmp_path / "bad.gz"
    path.write_bytes(gzip.compress(b"\x00\x00\x0d\x01" + b"\x00" * 8))
    with pytest.raises(ValueError, match="not an IDX file of unsigned bytes"):
        read_idx(str(path))
