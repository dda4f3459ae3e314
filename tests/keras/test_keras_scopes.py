"""keras.version, keras.name_scope and keras.device (behaviour of Keras 3.15 on CPU-only TensorFlow 2.21)."""
import pytest

import gradfit
from gradfit import keras
from gradfit.keras import scopes


def test_version_is_the_keras_api_version():
    assert keras.version() == "3.15.1" == keras.__version__
    assert gradfit.__version__ != keras.version()


def test_name_scopes_nest_into_a_path():
    assert scopes.current_path() == ""
    with keras.name_scope("outer") as outer:
        assert outer.name == "outer"
        with keras.name_scope("inner"):
            assert scopes.current_path() == "outer/inner"
        with keras.name_scope("other", override_parent="root"):
            assert scopes.current_path() == "root/other"
        assert scopes.current_path() == "outer"
    assert scopes.current_path() == ""


def test_name_scope_deduplicates_a_callers_repeated_scope():
    caller = object()
    with keras.name_scope("block", caller=caller):
        with keras.name_scope("block", caller=caller):
            assert scopes.current_path() == "block"
        with keras.name_scope("block", caller=caller, deduplicate=False):
            assert scopes.current_path() == "block/block"


@pytest.mark.parametrize("name", ["a/b", 3])
def test_name_scope_rejects_bad_names(name):
    with pytest.raises(ValueError, match="Argument `name` must be a string and cannot contain character `/`"):
        keras.name_scope(name)


@pytest.mark.parametrize("name", ["cpu", "CPU:0", "/cpu:0", "gpu", "gpu:1", "/GPU:0", "tpu:0",
                                  "/job:localhost/replica:0/task:0/device:CPU:0"])
def test_device_accepts_what_tensorflow_parses(name):
    with keras.device(name) as entered:
        assert entered is None
        assert float(keras.ops.sum(keras.ops.ones((2,)))) == 2.0


def test_device_rejects_unparsable_names():
    with pytest.raises(ValueError, match="Unknown attribute 'foo' is encountered while parsing the device spec"):
        keras.device("foo")
    with pytest.raises(ValueError, match="Multiple device types are not allowed"):
        keras.device("cpu/gpu")
    with pytest.raises(ValueError, match="Invalid device index 'x'"):
        keras.device("gpu:x")
