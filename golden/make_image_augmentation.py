"""Keras 3's outputs for the image augmentation layers (RandomZoom ... CutMix), for
tests/keras/test_image_augmentation.py.

Run with the peers' Python (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_image_augmentation.py
Writes tests/fixtures/image_augmentation/augmentation.npz and cases.json, and augmenting.keras with its
inputs and predictions (augmenting.npz).

Random layers are recorded with their draws pinned: every uniform draw in [low, high) gives
low + (high - low) * u, normal draws give mean + stddev * z, Beta draws give w, integer draws
low + floor(u * (high - low)), and shuffles reverse the batch. The tests pin gradfit's layers the same
way (through their seed generator), so the pixels can be compared exactly. RandomPerspective's corner
moves are given directly (`perspective` cases) since pinned moves would all be equal.
"""
import contextlib
import json
import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras.src.backend.tensorflow import random as tf_random  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures",
                   "image_augmentation")


@contextlib.contextmanager
def pinned(u, z=0.0, w=0.5):
    def full(shape, value, dtype):
        return tf.constant(np.full(tuple(int(d) for d in shape), value), dtype=dtype or "float32")

    patches = {
        "uniform": lambda shape, minval=0.0, maxval=1.0, dtype=None, seed=None: full(
            shape, float(minval) + (float(maxval) - float(minval)) * u, dtype),
        "normal": lambda shape, mean=0.0, stddev=1.0, dtype=None, seed=None: full(
            shape, float(mean) + float(stddev) * z, dtype),
        "beta": lambda shape, alpha, beta, dtype=None, seed=None: full(shape, w, dtype),
        "randint": lambda shape, minval, maxval, dtype="int32", seed=None: full(
            shape, int(minval) + int(np.floor(u * (int(maxval) - int(minval)))), dtype),
        "shuffle": lambda x, axis=0, seed=None: tf.reverse(x, [axis]),
    }
    saved = {name: getattr(tf_random, name) for name in patches}
    for name, fn in patches.items():
        setattr(tf_random, name, fn)
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(tf_random, name, fn)


def inputs():
    rng = np.random.default_rng(11)
    rgb01 = rng.random((3, 7, 9, 3)).astype("float32")
    flat = rgb01.copy()
    flat[0, ..., 1] = 0.25  # a constant channel
    return {
        "rgb01": rgb01,
        "rgb255": (rgb01 * 255).astype("float32"),
        "rgb_m11": (rgb01 * 2 - 1).astype("float32"),
        "u8": (rgb01 * 255).astype("uint8"),
        "cf255": np.transpose(rgb01 * 255, (0, 3, 1, 2)).astype("float32"),
        "single255": (rgb01[0] * 255).astype("float32"),
        "gray01": rgb01[..., :1].copy(),
        "flat255": (flat * 255).astype("float32"),
        "labels": np.eye(3, dtype="float32"),
    }


# (class, constructor arguments, input, pins (u, z, w) or None, training)
CF = {"data_format": "channels_first"}
CASES = [
    ("RandomZoom", {"height_factor": (0.3, 0.3)}, "rgb01", None, True),
    ("RandomZoom", {"height_factor": (-0.4, -0.4), "width_factor": (0.2, 0.2), "fill_mode": "constant",
                    "interpolation": "nearest", "fill_value": 0.5}, "rgb01", None, True),
    ("RandomZoom", {"height_factor": 0.5, "fill_mode": "wrap"}, "rgb01", (0.8, 0, 0), True),
    ("RandomZoom", {"height_factor": (0.3, 0.3), **CF}, "cf255", None, True),
    ("RandomZoom", {"height_factor": (-0.2, -0.2)}, "single255", None, True),
    ("RandomZoom", {"height_factor": 0.3}, "u8", None, False),
    ("RandomShear", {"x_factor": 0.3, "y_factor": 0.2}, "rgb01", (0.3, 0, 0), True),
    ("RandomShear", {"x_factor": 0.3, "y_factor": 0.2, "fill_mode": "constant"}, "rgb01", (0.7, 0, 0), True),
    ("RandomShear", {"x_factor": (0.1, 0.5), "interpolation": "nearest", **CF}, "cf255", (0.6, 0, 0), True),
    ("RandomShear", {"x_factor": 0.3}, "u8", None, False),
    ("RandomPerspective", {"factor": (0.5, 1.0), "scale": 0.5}, "rgb01", (0.8, 0, 0), True),
    ("RandomPerspective", {"factor": (0.5, 1.0), "interpolation": "nearest", **CF}, "cf255", (0.2, 0, 0), True),
    ("RandomPerspective", {"scale": 0.5}, "u8", None, False),
    ("RandomColorJitter", {"brightness_factor": 0.2, "contrast_factor": 0.3, "saturation_factor": 0.4,
                           "hue_factor": 0.3}, "rgb255", (0.3, 0, 0), True),
    ("RandomColorJitter", {"value_range": (0, 1), "brightness_factor": (-0.2, 0.1), "contrast_factor": 0.5,
                           "saturation_factor": (0.2, 0.9), "hue_factor": 0.5}, "rgb01", (0.7, 0, 0), True),
    ("RandomColorJitter", {"hue_factor": 0.2}, "u8", None, False),
    ("RandomColorDegeneration", {"factor": 0.5}, "rgb255", (0.2, 0, 0), True),
    ("RandomColorDegeneration", {"factor": 0.5, "value_range": (0, 1)}, "rgb01", (0.9, 0, 0), True),
    ("RandomColorDegeneration", {"factor": 0.5, **CF}, "cf255", (0.1, 0, 0), True),
    ("RandomColorDegeneration", {"factor": 0.5}, "u8", None, False),
    ("RandomHue", {"factor": 0.5}, "rgb255", (0.3, 0, 0), True),
    ("RandomHue", {"factor": (0.2, 0.9), "value_range": (0, 1)}, "rgb01", (0.8, 0, 0), True),
    ("RandomHue", {"factor": 0.8, "value_range": (-1, 1)}, "rgb_m11", (0.6, 0, 0), True),
    ("RandomHue", {"factor": 0.5, **CF}, "cf255", (0.4, 0, 0), True),
    ("RandomHue", {"factor": 0.5}, "single255", (0.4, 0, 0), True),
    ("RandomHue", {"factor": 0.5}, "u8", None, False),
    ("RandomSaturation", {"factor": 0.5}, "rgb255", (0.9, 0, 0), True),
    ("RandomSaturation", {"factor": 0.5, "value_range": (0, 1)}, "rgb01", (0.2, 0, 0), True),
    ("RandomSaturation", {"factor": (0.6, 0.9), "value_range": (0, 1)}, "rgb01", (0.5, 0, 0), True),
    ("RandomSaturation", {"factor": 0.5, **CF}, "cf255", (0.8, 0, 0), True),
    ("RandomSaturation", {"factor": 0.5}, "u8", None, False),
    ("RandomGrayscale", {"factor": 0.5}, "rgb255", (0.3, 0, 0), True),
    ("RandomGrayscale", {"factor": 0.5}, "rgb255", (0.7, 0, 0), True),
    ("RandomGrayscale", {"factor": 1.0}, "u8", (0.5, 0, 0), True),
    ("RandomGrayscale", {"factor": 1.0, **CF}, "cf255", (0.5, 0, 0), True),
    ("RandomGrayscale", {"factor": 1.0}, "gray01", (0.5, 0, 0), True),
    ("RandomInvert", {"factor": (0.5, 1.0), "value_range": (0, 1)}, "rgb01", (0.3, 0, 0), True),
    ("RandomInvert", {"factor": 1.0}, "rgb255", (0.3, 0, 0), True),
    ("RandomInvert", {"factor": (0.9, 1.0), "value_range": (-1, 1)}, "rgb_m11", (0.3, 0, 0), True),
    ("RandomInvert", {}, "u8", None, False),
    ("RandomPosterization", {"factor": (3, 3)}, "rgb255", (0.5, 0, 0), True),
    ("RandomPosterization", {"factor": (2, 6), "value_range": (0, 1)}, "rgb01", (0.5, 0, 0), True),
    ("RandomPosterization", {"factor": 5, "value_range": (-1, 1)}, "rgb_m11", (0.9, 0, 0), True),
    ("RandomPosterization", {"factor": 4}, "u8", None, False),
    ("Solarization", {"addition_factor": 0.5, "threshold_factor": 0.5}, "rgb255", (0.3, 0, 0), True),
    ("Solarization", {"addition_factor": (0.1, 0.2), "threshold_factor": (0.4, 0.6), "value_range": (0, 1)},
     "rgb01", (0.6, 0, 0), True),
    ("Solarization", {}, "rgb255", (0.5, 0, 0), True),
    ("Solarization", {"threshold_factor": 0.5}, "u8", None, False),
    ("RandomSharpness", {"factor": 0.5}, "rgb255", (0.9, 0, 0), True),
    ("RandomSharpness", {"factor": (0.8, 1.0), "value_range": (0, 1)}, "rgb01", (0.5, 0, 0), True),
    ("RandomSharpness", {"factor": 0.5, **CF}, "cf255", (0.2, 0, 0), True),
    ("RandomSharpness", {"factor": 0.5}, "u8", None, False),
    ("AutoContrast", {}, "flat255", None, True),
    ("AutoContrast", {}, "flat255", None, False),
    ("AutoContrast", {"value_range": (0, 1)}, "rgb01", None, False),
    ("AutoContrast", {"value_range": (-1, 1)}, "rgb_m11", None, True),
    ("AutoContrast", {}, "u8", None, True),
    ("Equalization", {}, "rgb255", None, True),
    ("Equalization", {"bins": 64, "value_range": (0, 1)}, "rgb01", None, True),
    ("Equalization", {}, "flat255", None, True),
    ("Equalization", {}, "u8", None, True),
    ("Equalization", {**CF}, "cf255", None, True),
    ("Equalization", {}, "u8", None, False),
    ("RandomErasing", {"factor": (0.5, 1.0), "scale": (0.1, 0.5)}, "rgb255", (0.3, 0.5, 0), True),
    ("RandomErasing", {"factor": (0.5, 1.0), "scale": (0.3, 0.6), "fill_value": 7.0, "value_range": (0, 1)},
     "rgb01", (0.7, 0, 0), True),
    ("RandomErasing", {"factor": (0.5, 1.0), "fill_value": [1.0, 20.0, 300.0]}, "rgb255", (0.5, 0, 0), True),
    ("RandomErasing", {"factor": (0.5, 1.0), "scale": (0.2, 0.2), **CF}, "cf255", (0.4, -0.3, 0), True),
    ("RandomErasing", {"factor": 1.0}, "rgb255", (0.5, 0, 0), True),
    ("RandomErasing", {}, "u8", None, False),
    ("RandomGaussianBlur", {"factor": (0.5, 1.0), "sigma": (0.2, 0.9)}, "rgb255", (0.3, 0, 0), True),
    ("RandomGaussianBlur", {"factor": (0.5, 1.0), "kernel_size": (3, 5), "sigma": 0.8, "value_range": (0, 1)},
     "rgb01", (0.6, 0, 0), True),
    ("RandomGaussianBlur", {"factor": (0.5, 1.0), "kernel_size": 5, **CF}, "cf255", (0.9, 0, 0), True),
    ("RandomGaussianBlur", {}, "u8", None, False),
    ("MixUp", {}, "rgb255", (0.5, 0, 0.3), True),
    ("MixUp", {**CF}, "cf255", (0.5, 0, 0.8), True),
    ("MixUp", {}, "u8", None, False),
    ("CutMix", {"factor": (0.5, 1.0)}, "rgb255", (0.4, 0, 0.6), True),
    ("CutMix", {**CF}, "cf255", (0.8, 0, 0.3), True),
    ("CutMix", {}, "single255", (0.8, 0, 0.3), True),
    ("CutMix", {}, "u8", None, False),
]
# Images with labels: (class, constructor arguments, pins)
LABELLED = [("MixUp", {}, (0.5, 0, 0.3)), ("CutMix", {"factor": (0.5, 1.0)}, (0.4, 0, 0.6)),
            ("RandomZoom", {"height_factor": (0.3, 0.3)}, None)]
# RandomPerspective given its corner moves: (constructor arguments, applied per image, moves (3, 4, 2))
PERSPECTIVE = [({"scale": 0.5}, [True, True, False], 0.2),
               ({"interpolation": "nearest", "fill_value": 0.5}, [True, False, True], 0.35)]


def main():
    data = inputs()
    arrays = {f"input/{name}": x for name, x in data.items()}
    cases = []
    for i, (kind, kwargs, source, pins, training) in enumerate(CASES):
        layer = getattr(keras.layers, kind)(**kwargs)
        with pinned(*pins) if pins else contextlib.nullcontext():
            y = layer(data[source], training=training)
        key = f"case{i}"
        arrays[key] = np.asarray(y)
        cases.append({"key": key, "class": kind, "kwargs": kwargs, "input": source, "pins": pins, "training": training})
    for i, (kind, kwargs, pins) in enumerate(LABELLED):
        layer = getattr(keras.layers, kind)(**kwargs)
        with pinned(*pins) if pins else contextlib.nullcontext():
            out = layer({"images": data["rgb255"], "labels": data["labels"]}, training=True)
        key = f"labelled{i}"
        arrays[f"{key}/images"], arrays[f"{key}/labels"] = np.asarray(out["images"]), np.asarray(out["labels"])
        cases.append({"key": key, "class": kind, "kwargs": kwargs, "input": "rgb255", "pins": pins, "labels": True})
    rng = np.random.default_rng(3)
    for i, (kwargs, applied, spread) in enumerate(PERSPECTIVE):
        layer = keras.layers.RandomPerspective(**kwargs)
        height, width = 7, 9
        start = np.tile(np.array([[0, 0], [width - 1, 0], [0, height - 1], [width - 1, height - 1]], "float32"),
                        (3, 1, 1))
        end = (start + rng.uniform(-spread, spread, start.shape) * np.array([width, height])).astype("float32")
        y = layer.transform_images(tf.constant(data["rgb01"]), {
            "apply_perspective": tf.constant(applied), "start_points": tf.constant(start),
            "end_points": tf.constant(end)}, training=True)
        key = f"perspective{i}"
        arrays.update({key: np.asarray(y), f"{key}/start": start, f"{key}/end": end})
        cases.append({"key": key, "class": "RandomPerspective", "kwargs": kwargs, "input": "rgb01",
                      "applied": applied})
    os.makedirs(OUT, exist_ok=True)
    np.savez_compressed(os.path.join(OUT, "augmentation.npz"), **arrays)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
    save_model(data)
    print(f"{len(cases)} cases -> {OUT}")


def save_model(data):
    """A model with augmentation layers, saved by Keras: in inference only AutoContrast changes pixels.
    (Equalization is left out: in Keras its symbolic output is its input, which makes a cycle in a model.)"""
    keras.utils.set_random_seed(0)
    L = keras.layers
    model = keras.Sequential([
        keras.Input((7, 9, 3)), L.AutoContrast(), L.RandomZoom(0.2, 0.1, seed=1), L.RandomShear(0.2, 0.1),
        L.RandomPerspective(scale=0.3), L.RandomColorJitter(brightness_factor=0.1, hue_factor=0.2),
        L.RandomColorDegeneration(0.3), L.RandomHue(0.2), L.RandomSaturation(0.3), L.RandomGrayscale(0.2),
        L.RandomInvert(0.3), L.RandomPosterization(6), L.Solarization(0.1, 0.8), L.RandomSharpness(0.2),
        L.RandomErasing(0.3), L.RandomGaussianBlur(0.5, kernel_size=3, sigma=0.5), L.MixUp(0.3),
        L.CutMix(0.5), L.Flatten(), L.Dense(2, activation="softmax")])
    model.save(os.path.join(OUT, "augmenting.keras"))
    x = data["rgb255"]
    np.savez(os.path.join(OUT, "augmenting.npz"), x=x, y=model.predict(x, verbose=0))


if __name__ == "__main__":
    main()
