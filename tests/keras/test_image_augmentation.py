"""The image augmentation layers (RandomZoom ... CutMix): Keras 3.15's pixels with the random draws pinned
(fixtures from golden/make_image_augmentation.py), configs and argument errors as Keras words them,
statistics of the real draws, and models that train, save and load with them."""
import json
import os

import numpy as np
import pytest

from gradfit import keras
from gradfit.keras.random import SeedGenerator

L = keras.layers
HERE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "image_augmentation")
GOLDEN = np.load(os.path.join(HERE, "augmentation.npz"))
with open(os.path.join(HERE, "cases.json")) as f:
    CASES = json.load(f)
RNG = np.random.default_rng(0)


class PinnedDraws:
    """A stand-in for a NumPy generator whose draws are pinned as the fixture's Keras draws were: uniform
    draws at quantile u, normal draws z, Beta draws w, integers at quantile u, permutations reversed."""

    def __init__(self, u, z, w):
        self.u, self.z, self.w = u, z, w

    def uniform(self, low=0.0, high=1.0, size=None):
        return np.full(size, low + (high - low) * self.u)

    def standard_normal(self, size=None, dtype=np.float64):
        return np.full(size, self.z, dtype)

    def beta(self, a, b, size=None):
        return np.full(size, self.w)

    def integers(self, low, high=None, size=None):
        return np.full(size, low + int(np.floor(self.u * (high - low))))

    def permutation(self, n):
        return np.arange(n)[::-1]


class PinnedSeedGenerator(SeedGenerator):
    def __init__(self, u, z=0.0, w=0.5):
        super().__init__(0)
        self.draws = PinnedDraws(u, z, w)

    def next(self, ordered=True):
        return self.draws


def make(case):
    kwargs = {k: tuple(v) if isinstance(v, list) and k != "fill_value" else v for k, v in case["kwargs"].items()}
    layer = getattr(L, case["class"])(**kwargs)
    if case.get("pins"):
        layer.generator = PinnedSeedGenerator(*case["pins"])
    return layer


def assert_matches_keras(out, expected):
    out = np.asarray(out)
    assert out.shape == expected.shape and out.dtype == expected.dtype
    # float32 roundings of pixels in 0..255: within 1e-5 of the images' scale
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-5 * max(1.0, float(np.abs(expected).max())))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['key']}-{c['class']}-{c['input']}" for c in CASES])
def test_layer_matches_keras(case):
    layer, x, key = make(case), GOLDEN["input/" + case["input"]], case["key"]
    if case["class"] == "RandomPerspective" and "applied" in case:  # the corner moves given, not drawn
        out = layer._warp(keras.ops.convert_to_tensor(x), np.array(case["applied"]), GOLDEN[f"{key}/start"],
                          GOLDEN[f"{key}/end"])
        assert_matches_keras(out, GOLDEN[key])
    elif case.get("labels"):
        out = layer({"images": x, "labels": GOLDEN["input/labels"]}, training=True)
        assert_matches_keras(out["images"], GOLDEN[f"{key}/images"])
        assert_matches_keras(out["labels"], GOLDEN[f"{key}/labels"])
    else:
        assert_matches_keras(layer(x, training=case["training"]), GOLDEN[key])


# ----------------------------------------------------------------------------- configs and errors
CONFIGS = [  # (layer, its config as Keras 3.15 gives it, less name and dtype)
    (lambda: L.RandomZoom(0.2, (-0.1, 0.3), fill_mode="constant", interpolation="nearest", seed=3, fill_value=1.0),
     {"data_format": "channels_last", "height_factor": 0.2, "width_factor": (-0.1, 0.3), "fill_mode": "constant",
      "interpolation": "nearest", "seed": 3, "fill_value": 1.0}),
    (lambda: L.RandomShear(0.2, (0.1, 0.3), seed=2),
     {"data_format": "channels_last", "x_factor": (-0.2, 0.2), "y_factor": (0.1, 0.3), "fill_mode": "reflect",
      "interpolation": "bilinear", "seed": 2, "fill_value": 0.0}),
    (lambda: L.RandomPerspective(0.4, 0.3, interpolation="nearest", fill_value=2.0),
     {"data_format": "channels_last", "factor": (0, 0.4), "scale": 0.3, "interpolation": "nearest", "fill_value": 2.0,
      "seed": None}),
    (lambda: L.RandomColorJitter((0, 1), 0.1, 0.2, 0.3, 0.4, seed=5),
     {"data_format": "channels_last", "value_range": (0, 1), "brightness_factor": 0.1, "contrast_factor": 0.2,
      "saturation_factor": 0.3, "hue_factor": 0.4, "seed": 5}),
    (lambda: L.RandomColorDegeneration((0.1, -0.4), value_range=(255, 0)),
     {"data_format": "channels_last", "factor": (-0.4, 0.1), "value_range": [0, 255], "seed": None}),
    (lambda: L.RandomHue(0.3, value_range=[0, 1]),
     {"data_format": "channels_last", "factor": (0, 0.3), "value_range": [0, 1], "seed": None}),
    (lambda: L.RandomSaturation(0.7),
     {"data_format": "channels_last", "factor": (-0.7, 0.7), "value_range": [0, 255], "seed": None}),
    (lambda: L.RandomInvert(0.4, value_range=(0, 1)),
     {"data_format": "channels_last", "factor": (0, 0.4), "value_range": (0, 1), "seed": None}),
    (lambda: L.RandomPosterization((6, 2)),
     {"data_format": "channels_last", "factor": (2, 6), "value_range": [0, 255], "seed": None}),
    (lambda: L.Solarization((0.2, 0.1), 0.7, value_range=(1, 0)),
     {"data_format": "channels_last", "value_range": [0, 1], "addition_factor": (0.1, 0.2),
      "threshold_factor": (0, 0.7), "seed": None}),
    (lambda: L.RandomSharpness((0.2, 0.4)),
     {"data_format": "channels_last", "factor": (0.2, 0.4), "value_range": [0, 255], "seed": None}),
    (lambda: L.AutoContrast((1, 0)), {"data_format": "channels_last", "value_range": [0, 1]}),
    (lambda: L.Equalization(bins=32), {"data_format": "channels_last", "bins": 32, "value_range": [0, 255]}),
    (lambda: L.RandomErasing(0.3, 0.4, fill_value=[1, 2, 3]),
     {"data_format": "channels_last", "factor": (0, 0.3), "scale": (0, 0.4), "fill_value": [1, 2, 3],
      "value_range": (0, 255), "seed": None}),
    (lambda: L.RandomGaussianBlur(0.6, (3, 5), (0.4, 0.1)),
     {"data_format": "channels_last", "factor": (0, 0.6), "kernel_size": (3, 5), "sigma": (0.1, 0.4),
      "value_range": (0, 255), "seed": None}),
    (lambda: L.MixUp(0.4, seed=1), {"data_format": "channels_last", "alpha": 0.4, "seed": 1}),
    (lambda: L.CutMix(0.3), {"data_format": "channels_last", "factor": (0, 0.3), "seed": None}),
    # Keras leaves the seed out of RandomGrayscale's config; it is kept here, so a saved layer repeats.
    (lambda: L.RandomGrayscale(0.3, seed=4), {"data_format": "channels_last", "factor": 0.3, "seed": 4}),
]


@pytest.mark.parametrize("make_layer, expected", CONFIGS, ids=[str(i) for i in range(len(CONFIGS))])
def test_configs_are_keras_and_round_trip(make_layer, expected):
    layer = make_layer()
    config = layer.get_config()
    assert {k: v for k, v in config.items() if k not in ("name", "dtype", "trainable")} == expected
    again = type(layer).from_config(config)  # RandomShear too, whose own config Keras 3.15 refuses
    assert again.get_config() == config


ZOOM_RANGE = r"in the range \(-1.0, 1.0\]. Received: "
UNIT_RANGE = r"in the range \[0, 1\]. Received: factor="


@pytest.mark.parametrize("make_layer, error, message", [
    (lambda: L.RandomZoom(-1.0), ValueError, "height_factor` and `width_factor` arguments" + ".*" + ZOOM_RANGE +
     "input_number=-1.0"),
    (lambda: L.RandomZoom((0.1, 0.2, 0.3)), ValueError, ZOOM_RANGE + r"height_factor=\(0.1, 0.2, 0.3\)"),
    (lambda: L.RandomZoom(0.1, 1.5), ValueError, ZOOM_RANGE + "input_number=1.5"),
    (lambda: L.RandomZoom(0.1, fill_mode="mirror"), NotImplementedError, "Unknown `fill_mode` mirror"),
    (lambda: L.RandomZoom(0.1, interpolation="bicubic"), NotImplementedError, "Unknown `interpolation` bicubic"),
    (lambda: L.RandomShear(-0.1), ValueError, r"in the range \[0, 1.0\]. Received: input_number=-0.1"),
    (lambda: L.RandomShear((0.1,)), ValueError, r"Received: x_factor=\(0.1,\)"),
    (lambda: L.RandomPerspective(1.5), ValueError, UNIT_RANGE + "1.5"),
    (lambda: L.RandomPerspective(scale=1.5), ValueError, r"`scale` argument should be a number in the range \[0,1\]"),
    (lambda: L.RandomColorDegeneration(1.5), ValueError, r"in the range \[-1, 1\]. Received: factor=1.5"),
    (lambda: L.RandomColorDegeneration(0.1, value_range=3), ValueError, "`value_range` argument should be a list of "
     "two numbers. Received: value_range=3"),
    (lambda: L.RandomHue(-0.5), ValueError, UNIT_RANGE + "-0.5"),
    (lambda: L.RandomSaturation(2.0), ValueError, r"in the range \[-1, 1\]. Received: factor=2.0"),
    (lambda: L.RandomGrayscale(1.5), ValueError, "`factor` should be between 0 and 1. Received: factor=1.5"),
    (lambda: L.RandomInvert("x"), ValueError, UNIT_RANGE + "x"),
    (lambda: L.RandomPosterization(9), ValueError, r"in the range \[1, 8\]. Received: factor=9"),
    (lambda: L.Solarization(0.1, -0.2), ValueError, "`addition_factor` and `threshold_factor` arguments should be a "
     r"number \(or a list of two numbers\) in the range \[0, 1\]. Received: input_number=-0.2"),
    (lambda: L.Solarization("a"), ValueError, "Received: addition_factor=a"),
    (lambda: L.RandomSharpness(1.5), ValueError, UNIT_RANGE + "1.5"),
    (lambda: L.AutoContrast(value_range=(1,)), ValueError, r"Received: value_range=\(1,\)"),
    (lambda: L.Equalization(value_range=[1]), ValueError, r"Received: value_range=\[1\]"),
    (lambda: L.RandomErasing(scale=1.5), ValueError, r"The `scale` argument .* in the range \[0, 1\]. Received: "
     "factor=1.5"),
    (lambda: L.RandomErasing(fill_value="grey"), ValueError, "`fill_value` argument should be a number"),
    (lambda: L.RandomGaussianBlur(kernel_size=(3, 4)), ValueError, r"kernel_size must be an odd number. Received: "
     r"kernel_size=\(3, 4\)"),
    (lambda: L.RandomGaussianBlur(kernel_size=(3, 3, 3)), ValueError, "`kernel_size` argument should be a number"),
    (lambda: L.RandomGaussianBlur(sigma=2.0), ValueError, "The `sigma` argument .* Received: factor=2.0"),
    (lambda: L.CutMix(1.5), ValueError, UNIT_RANGE + "1.5"),
])
def test_arguments_are_checked_as_keras(make_layer, error, message):
    with pytest.raises(error, match=message):
        make_layer()


def test_images_must_suit_the_layer():
    with pytest.raises(ValueError, match="Input images must have 3 channels"):
        keras.Sequential([keras.Input((5, 5, 4)), L.RandomColorDegeneration(0.2)])
    with pytest.raises(ValueError, match="expected float images"):
        L.RandomSaturation(0.2)(np.zeros((2, 4, 4, 3), "uint8"))
    with pytest.raises(ValueError, match="Invalid channel size"):
        L.RandomGrayscale(1.0)(np.zeros((2, 4, 4, 2), "float32"))
    with pytest.raises(ValueError, match="bounding_boxes"):
        L.RandomZoom(0.1)({"images": np.zeros((2, 4, 4, 3), "float32"), "bounding_boxes": np.zeros((2, 1, 4))})


# ------------------------------------------------------------------------------ real random draws
def tiled(image, n):
    return np.tile(image[None], (n, 1, 1, 1))


IMAGE = GOLDEN["input/rgb255"][0]


def test_geometric_draws_are_per_image_and_in_range():
    batch = tiled(IMAGE, 64)
    zoomed = L.RandomZoom(0.4, seed=1)(batch).numpy()
    assert len({z.tobytes() for z in zoomed}) == 64
    np.testing.assert_allclose(zoomed[:, 3, 4], batch[:, 3, 4], atol=1e-3)  # the center stays
    # zooming in (a negative factor) keeps the image inside; zooming out reflects it at the borders
    inside = L.RandomZoom((-0.5, -0.1), fill_mode="constant", fill_value=-1.0, seed=2)(batch).numpy()
    assert (inside >= 0).all()
    outside = L.RandomZoom((0.5, 0.9), fill_mode="constant", fill_value=-1.0, seed=2)(batch).numpy()
    np.testing.assert_allclose(outside[:, 0], -1.0, atol=1e-6)
    sheared = L.RandomShear(x_factor=(0.4, 0.4), fill_mode="constant", fill_value=-1.0, seed=3)(batch).numpy()
    # the top row stays (shear about the top-left corner), the bottom one moves left or right
    np.testing.assert_allclose(sheared[:, 0], batch[:, 0], atol=1e-3)
    corners = sheared[:, -1, [0, -1], 0] == -1
    assert corners[:, 0].any() and corners[:, 1].any() and not (corners[:, 0] & corners[:, 1]).any()
    warped = L.RandomPerspective(seed=4)(batch).numpy()  # factor 1.0: each image warped with probability 1/2
    changed = np.array([not np.array_equal(w, b) for w, b in zip(warped, batch)])
    assert 15 < changed.sum() < 49


def test_colour_draws_are_per_image_and_follow_keras_conventions():
    batch = tiled(IMAGE, 200)
    inverted = L.RandomInvert(seed=1)(batch).numpy()  # factor 1.0: probability drawn in [0, 1), so half
    flipped = np.array([np.allclose(i, 255 - IMAGE) for i in inverted])
    assert all(f or np.array_equal(i, IMAGE) for f, i in zip(flipped, inverted)) and 70 < flipped.sum() < 130
    gray = L.RandomGrayscale(0.3, seed=2)(batch).numpy()
    is_gray = np.array([np.ptp(g, axis=-1).max() == 0 for g in gray])
    assert 35 < is_gray.sum() < 85
    hues = L.RandomHue(0.5, seed=3)(batch[:40]).numpy()
    assert len({h.tobytes() for h in hues}) == 40
    posterized = L.RandomPosterization((2, 6), seed=4)(batch).numpy()
    levels = {len(np.unique(p)) for p in posterized}  # 2..5 bits kept: at most 4, 8, 16, 32 levels
    assert max(levels) <= 32 and min(levels) <= 4 and len(levels) == 4
    degenerated = L.RandomColorDegeneration(0.5, seed=5)(batch[:30]).numpy()
    assert len({d.tobytes() for d in degenerated}) == 30 and (degenerated >= 0).all() and (degenerated <= 255).all()
    jittered = L.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.2, hue_factor=0.1, seed=6)(batch[:30])
    assert len({j.tobytes() for j in jittered.numpy()}) == 30


def test_filter_and_mixing_draws():
    batch = tiled(IMAGE, 100)
    blurred = L.RandomGaussianBlur(seed=1)(batch).numpy()  # factor 1.0: half the images
    assert 30 < sum(not np.array_equal(b, IMAGE) for b in blurred) < 70
    erased = L.RandomErasing(factor=(1.0, 1.0), scale=(0.1, 0.4), fill_value=-1.0, value_range=(-1, 255),
                             seed=2)(batch).numpy()
    pixels = (erased[..., 0] == -1).sum(axis=(1, 2))  # sides sqrt(scale) of 7 and of 9, cut to whole pixels
    smallest = np.floor(np.sqrt(0.1) * 7) * np.floor(np.sqrt(0.1) * 9)
    largest = np.ceil(np.sqrt(0.4) * 7) * np.ceil(np.sqrt(0.4) * 9)
    assert smallest <= pixels.min() and pixels.max() <= largest and np.ptp(pixels) > 6
    x = np.stack([np.full((4, 4, 3), float(i)) for i in range(50)]).astype("float32")
    labels = np.eye(50, dtype="float32")
    mixed = L.MixUp(seed=3)({"images": x, "labels": labels}, training=True)
    mixed_labels, values = mixed["labels"].numpy(), mixed["images"].numpy()[:, 0, 0, 0]
    np.testing.assert_allclose(mixed_labels.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(values, mixed_labels @ np.arange(50), rtol=1e-5)  # images and labels mixed alike
    own = np.diagonal(mixed_labels)  # Beta(0.2, 0.2) weights: mostly near 0 or 1, 1/2 on average
    assert ((own < 0.1) | (own > 0.9)).mean() > 0.4 and 0.3 < own.mean() < 0.7
    big = np.broadcast_to(x[:, :1, :1], (50, 16, 16, 3))
    cut = L.CutMix(seed=4)({"images": big, "labels": labels}, training=True)
    own = np.isclose(cut["images"].numpy()[..., 0], np.arange(50)[:, None, None]).mean(axis=(1, 2))
    # labels mixed by the box's area (as Keras: the exact box, not its whole pixels)
    np.testing.assert_allclose(np.diagonal(cut["labels"].numpy()), own, atol=(16 + 16 + 1) / 256)
    assert np.ptp(own) > 0.3


def test_seeds_repeat_and_inference_passes_through():
    x = tiled(IMAGE, 4)
    np.testing.assert_array_equal(L.RandomHue(0.4, seed=7)(x), L.RandomHue(0.4, seed=7)(x))
    keras.utils.set_random_seed(3)
    first = L.RandomErasing()(x).numpy()
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(first, L.RandomErasing()(x))
    u8 = x.astype("uint8")
    for layer in (L.RandomHue(0.4), L.RandomInvert(), L.MixUp(), L.Equalization(), L.RandomColorJitter(hue_factor=0.2)):
        out = layer(u8, training=False)
        assert out.dtype == "uint8" and np.array_equal(out, u8)  # unchanged, as Keras returns them
    for layer in (L.RandomZoom(0.3), L.Solarization(0.5, 0.5), L.RandomGaussianBlur(), L.CutMix()):
        out = layer(u8, training=False)
        assert out.dtype == "float32" and np.array_equal(out, u8.astype("float32"))  # cast, as in Keras
    labelled = L.CutMix()({"images": x, "labels": np.eye(4)}, training=False)
    np.testing.assert_array_equal(labelled["labels"], np.eye(4))


# ------------------------------------------------------------------------------------ in models
def augmenting_model():
    return keras.Sequential([
        keras.Input((8, 8, 3)), L.AutoContrast(), L.RandomZoom(0.2, seed=1), L.RandomShear(0.1, 0.1, seed=2),
        L.RandomPerspective(scale=0.2, seed=3), L.RandomColorJitter(brightness_factor=0.1, hue_factor=0.1, seed=4),
        L.RandomColorDegeneration(0.2, seed=5), L.RandomSaturation(0.3, seed=6), L.RandomGrayscale(0.2, seed=7),
        L.RandomInvert(0.1, seed=8), L.RandomPosterization(6, seed=9), L.Solarization(0.1, 0.9, seed=10),
        L.RandomSharpness(0.3, seed=11), L.Equalization(), L.RandomErasing(0.3, seed=12),
        L.RandomGaussianBlur(0.5, seed=13), L.MixUp(seed=14), L.CutMix(seed=15), L.Rescaling(1 / 255), L.Flatten(),
        L.Dense(2, activation="softmax")])


def test_model_with_augmentation_trains_predicts_and_round_trips(tmp_path):
    x = (RNG.random((32, 8, 8, 3)) * 255).astype("float32")
    y = np.arange(32) % 2
    model = augmenting_model()
    assert model.output_shape == (None, 2) and model.layers[5].output.shape == (None, 8, 8, 3)
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    predictions = model.predict(x, verbose=0)
    np.testing.assert_array_equal(predictions, model.predict(x, verbose=0))  # inference: no random changes
    model.save(tmp_path / "augmenting.keras")
    again = keras.models.load_model(tmp_path / "augmenting.keras")
    assert [json.dumps(layer.get_config()) for layer in again.layers] == \
        [json.dumps(layer.get_config()) for layer in model.layers]
    np.testing.assert_allclose(again.predict(x, verbose=0), predictions, rtol=1e-6)


def test_model_saved_by_keras_loads_and_predicts_as_keras():
    model = keras.models.load_model(os.path.join(HERE, "augmenting.keras"))
    saved = np.load(os.path.join(HERE, "augmenting.npz"))
    assert [type(layer).__name__ for layer in model.layers][:3] == ["AutoContrast", "RandomZoom", "RandomShear"]
    np.testing.assert_allclose(model.predict(saved["x"], verbose=0), saved["y"], rtol=1e-5, atol=1e-7)
