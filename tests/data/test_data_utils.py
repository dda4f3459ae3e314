"""keras.utils.split_dataset and the *_dataset_from_directory loaders, against Keras 3 (golden/make_data.py)."""
import json
import os
import sys

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.data import images

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "data")


def fixture(name):
    return np.load(os.path.join(FIXTURES, name))


def text_of(array):
    return json.loads(str(array))


# ----------------------------------------------------------------------------------------- split_dataset
def test_split_dataset_of_arrays_matches_keras():
    f = fixture("split.npz")
    left, right = keras.utils.split_dataset((f["x"], f["y"]), left_size=0.6, shuffle=True, seed=3)
    assert isinstance(left, tf.data.Dataset) and len(left) == 6 and len(right) == 4
    for split, name in ((left, "left"), (right, "right")):
        xs, ys = zip(*split.as_numpy_iterator())
        np.testing.assert_array_equal(np.stack(xs), f[f"shuffled/{name}_x"])
        np.testing.assert_array_equal(np.stack(ys), f[f"shuffled/{name}_y"])
    left, right = keras.utils.split_dataset(f["x"], right_size=3)
    np.testing.assert_array_equal(np.stack(list(left.as_numpy_iterator())), f["plain/left"])
    np.testing.assert_array_equal(np.stack(list(right.as_numpy_iterator())), f["plain/right"])


def test_split_dataset_of_a_batched_dataset_stays_batched():
    dataset = tf.data.Dataset.from_tensor_slices((np.arange(20.0).reshape(10, 2), np.arange(10))).batch(4)
    left, right = keras.utils.split_dataset(dataset, left_size=6)
    assert [x.shape for x, _ in left] == [(4, 2), (2, 2)] and [y.numpy().tolist() for _, y in right] == [[6, 7, 8, 9]]


def test_split_dataset_errors():
    x = np.zeros((10, 2))
    with pytest.raises(ValueError, match="At least one of the `left_size` or `right_size`"):
        keras.utils.split_dataset(x)
    with pytest.raises(ValueError, match="`left_size` should be either a positive integer smaller than 10"):
        keras.utils.split_dataset(x, left_size=10)
    with pytest.raises(ValueError, match="greater than 1"):
        keras.utils.split_dataset(x, left_size=0.7, right_size=0.5)
    with pytest.raises(TypeError, match="Invalid `left_size` Type"):
        keras.utils.split_dataset(x, left_size="half")
    with pytest.raises(ValueError, match="different lengths"):
        keras.utils.split_dataset((x, np.zeros(9)), left_size=0.5)


# ------------------------------------------------------------------------------------------------ text
@pytest.fixture
def text_directory(tmp_path):
    for name, text in text_of(fixture("text.npz")["texts"]).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return str(tmp_path)


def test_text_dataset_from_directory_matches_keras(text_directory, capsys):
    f = fixture("text.npz")
    dataset = keras.utils.text_dataset_from_directory(text_directory, shuffle=False, batch_size=4, max_length=10)
    assert "Found 6 files belonging to 2 classes." in capsys.readouterr().out
    assert dataset.class_names == text_of(f["plain/class_names"])
    assert dataset.element_spec == (tf.TensorSpec((None,), tf.string), tf.TensorSpec((None,), tf.int32))
    texts, labels = zip(*[(t.tolist(), y.tolist()) for t, y in dataset.as_numpy_iterator()])
    assert [t.decode("utf-8", "replace") for b in texts for t in b] == text_of(f["plain/texts"])
    assert [y for b in labels for y in b] == f["plain/labels"].tolist()


def test_text_validation_split_selects_the_same_files_as_keras(text_directory):
    f = fixture("text.npz")
    train, val = keras.utils.text_dataset_from_directory(text_directory, seed=7, validation_split=0.5, subset="both",
                                                         label_mode="categorical", verbose=False)
    for name, part in (("train", train), ("val", val)):
        pairs = sorted((t.decode("utf-8"), y.tolist()) for tb, yb in part.as_numpy_iterator() for t, y in zip(tb, yb))
        assert [t for t, _ in pairs] == text_of(f[f"{name}/texts"])
        np.testing.assert_array_equal([y for _, y in pairs], f[f"{name}/labels"])


def test_directory_argument_errors(text_directory):
    with pytest.raises(ValueError, match="you must provide a `seed`"):
        keras.utils.text_dataset_from_directory(text_directory, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match='`subset` must be either "training", "validation" or "both"'):
        keras.utils.text_dataset_from_directory(text_directory, validation_split=0.2, subset="test", seed=1)
    with pytest.raises(ValueError, match="`label_mode` argument must be one of"):
        keras.utils.text_dataset_from_directory(text_directory, label_mode="sparse")
    with pytest.raises(ValueError, match="did not match the names of the subdirectories"):
        keras.utils.text_dataset_from_directory(text_directory, class_names=["pos", "other"])
    with pytest.raises(ValueError, match="Expected the lengths of `labels`"):
        keras.utils.text_dataset_from_directory(text_directory, labels=[0, 1], verbose=False)


# ---------------------------------------------------------------------------------------------- images
def test_resize_matches_tensorflow():
    f = fixture("resize.npz")
    for k in range(5):
        size = tuple(f[f"size_{k}"])
        for method in images.INTERPOLATIONS:
            # Pixel values reach 255: 1e-4 absolute is 4e-7 of the range, float32 summation noise.
            np.testing.assert_allclose(images.resize(f[f"input_{k}"], size, method), f[f"{method}_{k}"],
                                       rtol=1e-5, atol=1e-4, err_msg=f"{method} case {k}")
    np.testing.assert_allclose(images.resize_with_pad(f["with_pad_input"], (6, 4)), f["with_pad"], rtol=1e-5,
                               atol=1e-4)


def write_image_directory(root, pixels):
    from PIL import Image

    for cls, name, *_ in text_of(fixture("images.npz")["files"]):
        path = os.path.join(root, cls, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if name.endswith(".txt"):
            with open(path, "w") as fh:
                fh.write("not an image")
            continue
        image = pixels[f"{cls}/{name}"]
        Image.fromarray(image[:, :, 0] if image.shape[2] == 1 else image).save(path)


@pytest.fixture
def image_directories(tmp_path):
    pytest.importorskip("PIL", reason="image decoding needs Pillow")
    f = fixture("images.npz")
    color, gray = str(tmp_path / "color"), str(tmp_path / "gray")
    write_image_directory(color, {k[len("pixels/"):]: f[k] for k in f.files if k.startswith("pixels/")})
    write_image_directory(gray, {k[len("gray_pixels/"):]: f[k] for k in f.files if k.startswith("gray_pixels/")})
    return color, gray


def test_image_dataset_from_directory_matches_keras(image_directories):
    f = fixture("images.npz")
    color, gray = image_directories
    for name, config in text_of(f["configs"]).items():
        config = dict(config)
        root = gray if config.pop("grayscale_files", False) else color
        dataset = keras.utils.image_dataset_from_directory(root, shuffle=False, batch_size=3, verbose=False, **config)
        batches = list(dataset.as_numpy_iterator())
        if config.get("label_mode", "int") is None:
            got_images = np.concatenate(batches)
        else:
            got_images = np.concatenate([b[0] for b in batches])
            np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), f[f"{name}/labels"], err_msg=name)
        assert got_images.dtype == np.float32
        np.testing.assert_allclose(got_images, f[f"{name}/images"], rtol=1e-5, atol=1e-4, err_msg=name)
        assert dataset.class_names == text_of(f[f"{name}/class_names"]), name
        assert [os.path.relpath(p, root) for p in dataset.file_paths] == text_of(f[f"{name}/file_paths"]), name


def test_image_validation_split_selects_the_same_files_as_keras(image_directories):
    f = fixture("images.npz")
    color, _ = image_directories
    train, val = keras.utils.image_dataset_from_directory(color, seed=42, validation_split=0.4, subset="both",
                                                          image_size=(3, 3), batch_size=2, verbose=False)
    assert [os.path.relpath(p, color) for p in train.file_paths] == text_of(f["split/train_paths"])
    assert [os.path.relpath(p, color) for p in val.file_paths] == text_of(f["split/val_paths"])
    images_seen = sum(len(x) for x, _ in train) + sum(len(x) for x, _ in val)
    assert images_seen == 7


def test_image_loading_without_pillow_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match="pip install pillow"):
        keras.utils.image_dataset_from_directory(str(tmp_path))
