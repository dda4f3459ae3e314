"""Reading the pickled arrays inside dataset files without letting a tampered file run code.

IMDB and Reuters store ragged sequences as object arrays (a pickle stream inside the .npz) and CIFAR stores
its batches as pickled dicts. Rebuilding those needs only `numpy.ndarray`, `numpy.dtype` and
`multiarray._reconstruct`; any other global a pickle asks for is refused.
"""
import io
import pickle
import zipfile

import numpy as np

_ALLOWED_GLOBALS = frozenset({
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),  # written by NumPy 1 (and by Python 2 for CIFAR)
    ("numpy._core.multiarray", "_reconstruct"),  # written by NumPy 2
})


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds NumPy arrays and plain Python values, and nothing else."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"Refusing to load `{module}.{name}` from a dataset file: only NumPy arrays "
                                     "are expected there. The file may be corrupted or malicious.")


def load_pickle(path, encoding="ASCII"):
    """The object pickled in the file at `path` (CIFAR batches are Python 2 pickles: pass encoding='bytes')."""
    with open(path, "rb") as f:
        return RestrictedUnpickler(f, encoding=encoding).load()


def load_npz(path):
    """A dict of the arrays in an .npz file, object arrays included, read without arbitrary unpickling."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[:-len(".npy")]] = _read_npy(io.BytesIO(raw.read()))
    return arrays


def _read_npy(stream):
    try:
        return np.lib.format.read_array(stream, allow_pickle=False)  # plain arrays: no pickle at all
    except ValueError:
        pass
    # An object array: skip the header, then read its pickle stream with the restricted unpickler.
    stream.seek(0)
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        np.lib.format.read_array_header_1_0(stream)
    elif version[0] in (2, 3):
        # Format 3.0 only changes the header's text encoding; the 4-byte length that 2.0's reader skips is alike.
        np.lib.format.read_array_header_2_0(stream)
    else:
        raise ValueError(f"Unsupported .npy format version {version} in a dataset file")
    return RestrictedUnpickler(stream).load()
