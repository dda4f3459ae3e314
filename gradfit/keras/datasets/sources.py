"""Where each dataset file comes from and the hash it must have; the switch to fetch them from a mirror.

Setting the environment variable `GRADFIT_DATASETS_ORIGIN` to a URL folder (for example
`http://mirror.example/keras-datasets/` or `file:///srv/datasets/`) makes every loader fetch
`<that folder>/<file name>` in place of its usual host. The hashes still apply, so a mirror must serve the
same bytes. (The tests serve small files from a local HTTP server this way, with their own hashes.)
"""
import os

from ..utils.file_utils import get_file

OVERRIDE_VARIABLE = "GRADFIT_DATASETS_ORIGIN"
_KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_CIFAR = "https://www.cs.toronto.edu/~kriz/"

# file name -> (folder URL, sha256 or md5 of the file), exactly as Keras 3 fetches them.
SOURCES = {
    "mnist.npz": (_KERAS, "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
    "train-labels-idx1-ubyte.gz": (_KERAS, None),  # Keras checks no hash for Fashion-MNIST
    "train-images-idx3-ubyte.gz": (_KERAS, None),
    "t10k-labels-idx1-ubyte.gz": (_KERAS, None),
    "t10k-images-idx3-ubyte.gz": (_KERAS, None),
    "cifar-10-python.tar.gz": (_CIFAR, "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"),
    "cifar-100-python.tar.gz": (_CIFAR, "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"),
    "imdb.npz": (_KERAS, "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"),
    "imdb_word_index.json": (_KERAS, "bfafd718b763782e994055a2d397834f"),
    "reuters.npz": (_KERAS, "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"),
    "reuters_word_index.json": (_KERAS, "4d44cc38712099c9e383dc6e5f11a921"),
    "boston_housing.npz": (_KERAS, "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"),
    "california_housing.npz": (_KERAS, "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"),
}


def origin(file_name):
    """The URL of `file_name`: under `$GRADFIT_DATASETS_ORIGIN` when set, else under its usual folder."""
    folder = os.environ.get(OVERRIDE_VARIABLE) or SOURCES[file_name][0]
    return f"{folder.rstrip('/')}/{file_name}"


def fetch(file_name, fname=None, **get_file_args):
    """The local path of `file_name` (cached as `fname`, default the same name), downloaded and verified once."""
    return get_file(fname=fname or file_name, origin=origin(file_name), file_hash=SOURCES[file_name][1],
                    **get_file_args)
