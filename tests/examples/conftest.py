"""The examples import `_common` and one another by plain name, as they do when run as scripts; each test
runs in its own temporary directory, so the files examples write by default land there."""
import pathlib
import sys

import pytest

from gradfit import keras

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES))


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def float64():
    """Float64 weights: finite differences of second-order gradients need the precision."""
    keras.backend.set_floatx("float64")
    yield
    keras.backend.set_floatx("float32")
