"""Records what TensorFlow/Keras produce for gradfit.data's golden tests.

Run with the peers' Python (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_data.py
Writes to tests/fixtures/data/:
  resize.npz      tf.image.resize of small random images, every interpolation, up- and downsampling
  images.npz      the pixels of a small image directory and what image_dataset_from_directory makes of it
  text.npz        the files of a small text directory and what text_dataset_from_directory makes of it
  split.npz       keras.utils.split_dataset of arrays, with and without shuffling
The image and text files are stored as arrays and strings; the tests write them out again (PNG is
lossless, so any encoder gives the same pixels).
"""
import json
import os
import tempfile

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "data")
METHODS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")
rng = np.random.default_rng(2024)


def make_resize():
    cases = [((5, 7), (3, 4)), ((4, 4), (9, 6)), ((6, 3), (6, 8)), ((1, 5), (3, 2)), ((8, 8), (3, 3))]
    out = {}
    for k, (in_size, out_size) in enumerate(cases):
        image = rng.integers(0, 256, in_size + (2,)).astype(np.uint8)
        out[f"input_{k}"] = image
        out[f"size_{k}"] = np.array(out_size)
        for method in METHODS:
            out[f"{method}_{k}"] = tf.image.resize(image, out_size, method=method).numpy()
    out["with_pad_input"] = rng.integers(0, 256, (5, 9, 3)).astype(np.uint8)
    out["with_pad"] = tf.image.resize_with_pad(out["with_pad_input"], 6, 4).numpy()
    np.savez_compressed(os.path.join(OUT, "resize.npz"), **out)


# Image directory: (class, relative file name, height, width, channels) for each file.
IMAGE_FILES = [("class_a", "a0.png", 6, 4, 3), ("class_a", "a1.png", 3, 5, 3), ("class_a", "a2.png", 7, 7, 3),
               ("class_b", "b0.png", 4, 9, 3), ("class_b", "nested/b1.png", 5, 5, 3),
               ("class_c", "c0.png", 8, 3, 3), ("class_c", "c1.png", 2, 2, 4), ("class_c", "notes.txt", 0, 0, 0)]
IMAGE_CONFIGS = {
    "rgb_bilinear": dict(label_mode="categorical", image_size=(6, 5)),
    "nearest_first": dict(interpolation="nearest", image_size=(4, 4), data_format="channels_first"),
    "crop": dict(crop_to_aspect_ratio=True, image_size=(3, 6), label_mode="int"),
    "pad": dict(pad_to_aspect_ratio=True, image_size=(5, 5), interpolation="bicubic"),
    "binary_subset": dict(label_mode="binary", class_names=["class_c", "class_a"], image_size=(3, 3)),
    "rgba_area": dict(color_mode="rgba", interpolation="area", image_size=(4, 3), label_mode=None),
    "grayscale": dict(color_mode="grayscale", image_size=(5, 4), grayscale_files=True),
    "explicit_labels": dict(labels=[1, 0, 1, 0, 1, 1, 0], label_mode="int", image_size=(2, 2)),
}


def write_images(root, grayscale):
    pixels = {}
    for cls, name, h, w, c in IMAGE_FILES:
        path = os.path.join(root, cls, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if name.endswith(".txt"):
            with open(path, "w") as f:
                f.write("not an image")
            continue
        channels = 1 if grayscale else c
        image = np.asarray(rng_images.integers(0, 256, (h, w, channels)), dtype=np.uint8)
        tf.io.write_file(path, tf.io.encode_png(image))
        pixels[f"{cls}/{name}"] = image
    return pixels


def make_images():
    out = {"files": json.dumps(IMAGE_FILES), "configs": json.dumps(IMAGE_CONFIGS)}
    with tempfile.TemporaryDirectory() as color_dir, tempfile.TemporaryDirectory() as gray_dir:
        for key, image in write_images(color_dir, False).items():
            out["pixels/" + key] = image
        for key, image in write_images(gray_dir, True).items():
            out["gray_pixels/" + key] = image
        for name, config in IMAGE_CONFIGS.items():
            config = dict(config)
            root = gray_dir if config.pop("grayscale_files", False) else color_dir
            ds = keras.utils.image_dataset_from_directory(root, shuffle=False, batch_size=3, verbose=False, **config)
            images, labels = [], []
            for batch in ds.as_numpy_iterator():
                if config.get("label_mode", "int") is None:
                    images.append(batch)
                else:
                    images.append(batch[0])
                    labels.append(batch[1])
            out[f"{name}/images"] = np.concatenate(images)
            if labels:
                out[f"{name}/labels"] = np.concatenate(labels)
            out[f"{name}/class_names"] = json.dumps(ds.class_names)
            out[f"{name}/file_paths"] = json.dumps([os.path.relpath(p, root) for p in ds.file_paths])
        train, val = keras.utils.image_dataset_from_directory(color_dir, seed=42, validation_split=0.4, subset="both",
                                                              image_size=(3, 3), batch_size=2, verbose=False)
        out["split/train_paths"] = json.dumps([os.path.relpath(p, color_dir) for p in train.file_paths])
        out["split/val_paths"] = json.dumps([os.path.relpath(p, color_dir) for p in val.file_paths])
    np.savez_compressed(os.path.join(OUT, "images.npz"), **out)


TEXTS = {"neg/1.txt": "terrible film", "neg/2.txt": "boring", "neg/sub/3.txt": "worst plot ever",
         "pos/1.txt": "great acting", "pos/2.txt": "loved it, ünïcode too", "pos/3.txt": "fine",
         "pos/skip.md": "ignored"}


def make_text():
    out = {"texts": json.dumps(TEXTS)}
    with tempfile.TemporaryDirectory() as root:
        for name, text in TEXTS.items():
            os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
            with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                f.write(text)
        ds = keras.utils.text_dataset_from_directory(root, shuffle=False, batch_size=4, max_length=10, verbose=False)
        texts, labels = zip(*[(t.tolist(), y.tolist()) for t, y in ds.as_numpy_iterator()])
        out["plain/texts"] = json.dumps([t.decode("utf-8", "replace") for b in texts for t in b])
        out["plain/labels"] = np.array([y for b in labels for y in b])
        out["plain/class_names"] = json.dumps(ds.class_names)
        train, val = keras.utils.text_dataset_from_directory(root, seed=7, validation_split=0.5, subset="both",
                                                             label_mode="categorical", verbose=False)
        for name, part in (("train", train), ("val", val)):
            pairs = sorted((t.decode("utf-8"), list(y)) for tb, yb in part.as_numpy_iterator() for t, y in zip(tb, yb))
            out[f"{name}/texts"] = json.dumps([t for t, _ in pairs])
            out[f"{name}/labels"] = np.array([y for _, y in pairs], dtype=np.float32)
    np.savez_compressed(os.path.join(OUT, "text.npz"), **out)


def make_split():
    x = np.arange(30, dtype=np.float32).reshape(10, 3)
    y = np.arange(10) * 10
    out = {"x": x, "y": y}
    left, right = keras.utils.split_dataset((x, y), left_size=0.6, shuffle=True, seed=3)
    out["shuffled/left_x"], out["shuffled/left_y"] = (np.stack(c) for c in zip(*left.as_numpy_iterator()))
    out["shuffled/right_x"], out["shuffled/right_y"] = (np.stack(c) for c in zip(*right.as_numpy_iterator()))
    left, right = keras.utils.split_dataset(x, right_size=3)
    out["plain/left"] = np.stack(list(left.as_numpy_iterator()))
    out["plain/right"] = np.stack(list(right.as_numpy_iterator()))
    np.savez_compressed(os.path.join(OUT, "split.npz"), **out)


rng_images = np.random.default_rng(7)

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_resize()
    make_images()
    make_text()
    make_split()
    print("wrote", sorted(os.listdir(OUT)))
