"""Damaged, truncated and hostile files give a clear error naming the file, never a crash deep in a library.

Every case either loads a model identical to the one saved (a byte nothing reads was changed) or raises
a ValueError/OSError whose message names the file; a failed `load_weights` leaves the model as it was.
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

from gradfit import keras
from gradfit.keras import layers

X = np.random.default_rng(0).standard_normal((4, 6)).astype("float32")


def make_model():
    return keras.Sequential([keras.Input((6,)), layers.Dense(8, activation="relu"), layers.BatchNormalization(),
                             layers.Dense(3)])


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A trained, compiled model saved as .keras and .weights.h5: (model, keras bytes, weights bytes)."""
    directory = tmp_path_factory.mktemp("good")
    keras.utils.set_random_seed(0)
    model = make_model()
    model.compile("adam", "mse")
    model.fit(X, np.ones((4, 3), "float32"), epochs=2, verbose=0)
    keras.saving.save_model(model, directory / "good.keras")
    keras.saving.save_weights(model, directory / "good.weights.h5")
    return model, (directory / "good.keras").read_bytes(), (directory / "good.weights.h5").read_bytes()


def load_model_or_error(path, model):
    """'error' for a clean, named error; 'loaded' for a model identical to `model`; anything else fails."""
    try:
        loaded = keras.saving.load_model(path)
    except (ValueError, OSError) as error:
        assert os.path.basename(str(path)) in str(error), f"{type(error).__name__} without the file name: {error}"
        return "error"
    for ours, theirs in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    return "loaded"


def load_weights_or_error(path):
    """'error' for a clean, named error that changed nothing, else 'loaded'."""
    target = make_model()
    before = target.get_weights()
    try:
        keras.saving.load_weights(target, path)
    except (ValueError, OSError) as error:
        assert os.path.basename(str(path)) in str(error), f"{type(error).__name__} without the file name: {error}"
        for ours, theirs in zip(target.get_weights(), before):
            np.testing.assert_array_equal(ours, theirs)
        return "error"
    return "loaded"


def offsets(size, count):
    return sorted(set(np.linspace(0, size - 1, count).astype(int)))


def flips(size, count, seed):
    rng = np.random.default_rng(seed)
    return list(zip(rng.integers(0, size, count), rng.integers(0, 8, count)))


# -------------------------------------------------------------------------------------- byte damage
def test_truncated_keras_files(saved, tmp_path):
    model, raw, _ = saved
    path = tmp_path / "cut.keras"
    for offset in offsets(len(raw), 150):
        path.write_bytes(raw[:offset])
        assert load_model_or_error(path, model) == "error", offset


def test_keras_files_with_a_flipped_bit(saved, tmp_path):
    model, raw, _ = saved
    path = tmp_path / "flipped.keras"
    outcomes = []
    for position, bit in flips(len(raw), 150, seed=1):
        damaged = bytearray(raw)
        damaged[position] ^= 1 << bit
        path.write_bytes(bytes(damaged))
        outcomes.append(load_model_or_error(path, model))
    # Every member is checked against its CRC-32: almost every flip is caught, none loads wrong values.
    assert outcomes.count("error") > 130


def test_truncated_weights_files(saved, tmp_path):
    _, _, raw = saved
    path = tmp_path / "cut.weights.h5"
    for offset in offsets(len(raw), 80):
        path.write_bytes(raw[:offset])
        assert load_weights_or_error(path) == "error", offset


def test_weights_files_with_a_flipped_bit(saved, tmp_path):
    _, _, raw = saved
    path = tmp_path / "flipped.weights.h5"
    # HDF5 has no checksum over values, so a flip inside a value loads that value; structure flips must fail cleanly.
    outcomes = set()
    for position, bit in flips(len(raw), 150, seed=2):
        damaged = bytearray(raw)
        damaged[position] ^= 1 << bit
        path.write_bytes(bytes(damaged))
        outcomes.add(load_weights_or_error(path))
    assert outcomes == {"error", "loaded"}


def test_not_a_zip_and_not_hdf5(tmp_path):
    (tmp_path / "text.keras").write_text("just some text")
    assert load_model_or_error(tmp_path / "text.keras", None) == "error"
    (tmp_path / "empty.weights.h5").write_bytes(b"")
    assert load_weights_or_error(tmp_path / "empty.weights.h5") == "error"


# ------------------------------------------------------------------------------------ archive members
def rewrite(raw, path, replace=None, drop=()):
    """Write a copy of the archive `raw` to `path` with members replaced (name -> bytes) or dropped."""
    replace = replace or {}
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            if name not in drop:
                target.writestr(name, replace.get(name, source.read(name)))
        for name, data in replace.items():
            if name not in source.namelist():
                target.writestr(name, data)


@pytest.mark.parametrize("member", ["config.json", "model.weights.h5"])
def test_missing_members(saved, tmp_path, member):
    model, raw, _ = saved
    rewrite(raw, tmp_path / "missing.keras", drop=[member])
    with pytest.raises(ValueError, match=f"missing.keras.*{member}"):
        keras.saving.load_model(tmp_path / "missing.keras")


def test_missing_metadata_is_not_needed(saved, tmp_path):
    model, raw, _ = saved
    rewrite(raw, tmp_path / "no_metadata.keras", drop=["metadata.json"])
    assert load_model_or_error(tmp_path / "no_metadata.keras", model) == "loaded"


def config_of(raw):
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return json.loads(archive.read("config.json"))


def edited(config, edit):
    config = json.loads(json.dumps(config))
    edit(config)
    return json.dumps(config).encode()


def set_path(*keys, value):
    def edit(config):
        node = config
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return edit


CONFIG_DAMAGE = {
    "not json": b"{\"class_name\": ",
    "not utf-8": b"\xff\xfe\x00{}",
    "a list": b"[1, 2, 3]",
    "no class name": b"{\"config\": {}}",
    "unknown class": lambda c: edited(c, set_path("class_name", value="Teleporter")),
    "layers not a list": lambda c: edited(c, set_path("config", "layers", value=5)),
    "layer not a dict": lambda c: edited(c, set_path("config", "layers", 1, value="dense")),
    "units a string": lambda c: edited(c, set_path("config", "layers", 1, "config", "units", value="eight")),
    "units negative": lambda c: edited(c, set_path("config", "layers", 1, "config", "units", value=-3)),
    "units changed": lambda c: edited(c, set_path("config", "layers", 1, "config", "units", value=9)),
    "unknown activation": lambda c: edited(c, set_path("config", "layers", 1, "config", "activation",
                                                       value="teleport")),
    "input shape garbage": lambda c: edited(c, set_path("config", "layers", 0, "config", "batch_shape",
                                                        value=[None, "six"])),
    "function from os": lambda c: edited(c, set_path("config", "layers", 1, "config", "activation", value={
        "module": "os", "class_name": "function", "config": "system", "registered_name": "system"})),
    "optimizer unknown": lambda c: edited(c, set_path("compile_config", "optimizer", "class_name",
                                                      value="Warp")),
    "optimizer config wrong": lambda c: edited(c, set_path("compile_config", "optimizer", "config",
                                                           value={"learning_rate": "fast"})),
    "loss unknown": lambda c: edited(c, set_path("compile_config", "loss", value="no_such_loss")),
    "a model that is a layer": lambda c: json.dumps(c["config"]["layers"][1]).encode(),
}


@pytest.mark.parametrize("damage", sorted(CONFIG_DAMAGE))
def test_damaged_config_json(saved, tmp_path, damage):
    model, raw, _ = saved
    content = CONFIG_DAMAGE[damage]
    content = content(config_of(raw)) if callable(content) else content
    rewrite(raw, tmp_path / "config.keras", replace={"config.json": content})
    assert load_model_or_error(tmp_path / "config.keras", model) == "error"


# ------------------------------------------------------------------------------- hostile weights files
def edited_weights(raw, path, edit):
    with open(path, "wb") as f:
        f.write(raw)
    with h5py.File(path, "a") as f:
        edit(f)


def replace_dataset(name, value):
    def edit(f):
        del f[name]
        f[name] = value
    return edit


WEIGHTS_DAMAGE = {
    "wrong shape": replace_dataset("layers/dense/vars/0", np.zeros((6, 9), "float32")),
    "transposed": replace_dataset("layers/dense/vars/0", np.zeros((8, 6), "float32")),
    "scalar for a matrix": replace_dataset("layers/dense/vars/0", np.float32(1.0)),
    "strings": replace_dataset("layers/dense/vars/1", np.array([b"a"] * 8)),
    "missing variable": lambda f: f.__delitem__("layers/dense_1/vars/1"),
    "extra variable": lambda f: f.__setitem__("layers/dense_1/vars/2", np.zeros(3, "float32")),
    "missing layer": lambda f: f.__delitem__("layers/batch_normalization"),
    "group for a dataset": lambda f: (f.__delitem__("layers/dense/vars/1"), f.create_group("layers/dense/vars/1")),
    "dataset for a group": lambda f: (f.__delitem__("layers/dense/vars"), f.__setitem__("layers/dense/vars",
                                                                                       np.zeros(3))),
    "soft link": lambda f: (f.__delitem__("layers/dense/vars/1"),
                            f.__setitem__("layers/dense/vars/1", h5py.SoftLink("/layers/dense_1/vars/1"))),
    "external link": lambda f: (f.__delitem__("layers/dense/vars/1"),
                                f.__setitem__("layers/dense/vars/1", h5py.ExternalLink("/etc/passwd", "/x"))),
}


@pytest.mark.parametrize("damage", sorted(WEIGHTS_DAMAGE))
def test_damaged_weights_structure(saved, tmp_path, damage):
    model, raw_keras, raw = saved
    path = tmp_path / "damaged.weights.h5"
    edited_weights(raw, path, WEIGHTS_DAMAGE[damage])
    assert load_weights_or_error(path) == "error"
    # The same damage inside a .keras archive.
    rewrite(raw_keras, tmp_path / "damaged.keras", replace={"model.weights.h5": path.read_bytes()})
    assert load_model_or_error(tmp_path / "damaged.keras", model) == "error"
