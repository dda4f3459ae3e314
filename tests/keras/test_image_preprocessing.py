"""Resizing, CenterCrop and RandomFlip: Keras's pixels (expected values from Keras 3.15), dtypes, layouts
and training behaviour, inside models that train and save."""
import numpy as np
import pytest

from gradfit import keras

L = keras.layers
X = np.arange(2 * 4 * 6 * 1, dtype="float32").reshape(2, 4, 6, 1)


def test_resizing_crops_or_pads_to_the_aspect_ratio_as_keras():
    expected = [[3.5, 5.5, 7.5], [15.5, 17.5, 19.5]]
    np.testing.assert_allclose(L.Resizing(2, 3, crop_to_aspect_ratio=True)(X)[0, ..., 0], expected)
    np.testing.assert_allclose(L.Resizing(2, 3, pad_to_aspect_ratio=True, fill_value=-1)(X)[0, ..., 0], expected)
    padded = L.Resizing(6, 3, pad_to_aspect_ratio=True, fill_value=-1.0, interpolation="nearest")(X)[0, ..., 0].numpy()
    assert padded.shape == (6, 3) and (padded[0] == -1).all() and (padded[-1] == -1).all()
    with pytest.raises(ValueError, match="Only one of"):
        L.Resizing(2, 3, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)


def test_resizing_keeps_integer_images_integer_and_handles_layouts():
    u8 = (np.arange(2 * 5 * 7 * 3) % 251).astype("uint8").reshape(2, 5, 7, 3)
    out = L.Resizing(3, 4)(u8)
    assert out.dtype == "uint8" and out.shape == (2, 3, 4, 3)
    np.testing.assert_array_equal(out, np.round(L.Resizing(3, 4)(u8.astype("float32")).numpy()).astype("uint8"))
    assert L.Resizing(3, 4)(X[0]).shape == (3, 4, 1)
    first = L.Resizing(3, 4, data_format="channels_first")(np.transpose(X, (0, 3, 1, 2)))
    np.testing.assert_allclose(np.transpose(first, (0, 2, 3, 1)), L.Resizing(3, 4)(X), rtol=1e-6)


def test_center_crop_crops_or_smart_resizes():
    np.testing.assert_array_equal(L.CenterCrop(3, 3)(X)[0, ..., 0], [[1, 2, 3], [7, 8, 9], [13, 14, 15]])
    big = L.CenterCrop(5, 8)(X)[0, ..., 0].numpy()
    np.testing.assert_allclose(big[0], [0, 0.625, 1.375, 2.125, 2.875, 3.625, 4.375, 5], rtol=1e-6)
    np.testing.assert_allclose(big[:, 0], [0, 2.4, 6, 9.6, 12], rtol=1e-6)
    assert L.CenterCrop(2, 3)(X.astype("uint8")).dtype == "float32"


def test_random_flip_flips_whole_images_in_training_only():
    x = np.random.default_rng(0).random((64, 3, 5, 2)).astype("float32")
    flip = L.RandomFlip("horizontal", seed=3)
    y = flip(x).numpy()  # called on its own, the layer trains (as in Keras)
    flipped = [np.array_equal(y[i], x[i, :, ::-1]) for i in range(64)]
    assert all(f or np.array_equal(y[i], x[i]) for i, f in enumerate(flipped))
    assert 10 < sum(flipped) < 54
    np.testing.assert_array_equal(flip(x, training=False), x)
    both = L.RandomFlip(seed=4)(x).numpy()
    assert all(any(np.array_equal(both[i], v) for v in (x[i], x[i, ::-1], x[i, :, ::-1], x[i, ::-1, ::-1]))
               for i in range(64))
    with pytest.raises(ValueError, match="unknown mode"):
        L.RandomFlip("diagonal")


def test_augmenting_model_trains_predicts_unflipped_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.random((32, 8, 8, 3)).astype("float32"), np.arange(32) % 2
    model = keras.Sequential([keras.Input((8, 8, 3)), L.RandomFlip("horizontal", seed=1), L.Resizing(6, 6),
                              L.CenterCrop(4, 4), L.Flatten(), L.Dense(2, activation="softmax")])
    assert model.output_shape == (None, 2) and model.layers[2].output.shape == (None, 4, 4, 3)
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    # predict runs with training=False: no flip, so predictions are repeatable
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
    model.save(tmp_path / "augmenting.keras")
    again = keras.models.load_model(tmp_path / "augmenting.keras")
    assert again.layers[0].get_config() == model.layers[0].get_config()
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_random_crop_crops_in_training_and_passes_through_otherwise():
    x = np.tile(X, (10, 1, 1, 1))
    crop = L.RandomCrop(3, 3, seed=5)
    y = crop(x).numpy()
    assert y.shape == (20, 3, 3, 1)
    windows = [(t, c) for t in range(2) for c in range(4)]
    assert all(any(np.array_equal(y[i], x[i, t:t + 3, c:c + 3]) for t, c in windows) for i in range(20))
    assert len({y[i].tobytes() for i in range(20)}) > 1  # the place differs between images
    np.testing.assert_array_equal(crop(x, training=False), x)  # as Keras: unchanged outside training
    # No larger than the crop: the centered aspect-ratio offset, then resized (values from Keras 3.15).
    small = L.RandomCrop(5, 8)(X)[0, ..., 0].numpy()
    np.testing.assert_allclose(small[:, 0], [0, 4.2, 9, 13.8, 18], rtol=1e-5)
    assert keras.Sequential([keras.Input((4, 6, 1)), L.RandomCrop(3, 3)]).output_shape == (None, 3, 3, 1)


def test_random_contrast_and_brightness_per_image_within_their_ranges():
    z = np.random.default_rng(0).random((30, 3, 3, 1)).astype("float32")
    out = L.RandomContrast(0.5, value_range=(0, 1), seed=2)(z).numpy()
    mean = z.mean(axis=(1, 2), keepdims=True)
    inside = (out > 0) & (out < 1)  # not clipped to value_range
    ratio = np.where(inside, (out - mean) / (z - mean), np.nan)
    assert np.nanmin(ratio) >= 0.999 and np.nanmax(ratio) <= 1.501  # factor 0.5 means [1, 1.5], as Keras 3.15
    per_image = np.nanmedian(ratio.reshape(30, -1), axis=1)
    assert np.allclose(ratio.reshape(30, -1)[inside.reshape(30, -1)],
                       np.repeat(per_image, inside.reshape(30, -1).sum(axis=1)), atol=1e-3)  # one factor per image
    assert (out >= 0).all() and (out <= 1).all() and np.ptp(per_image) > 0.1
    y = L.RandomBrightness(0.5, value_range=(0, 1), seed=2)(np.full((30, 2, 2, 1), 0.5, "float32")).numpy()
    assert (y == y[:, :1, :1]).all() and len(np.unique(y)) > 20  # one shift per image, drawn in [-0.5, 0.5]
    assert (y >= 0).all() and (y <= 1).all() and np.ptp(y) > 0.5
    clipped = L.RandomBrightness((0.9, 1.0), value_range=(0, 1), seed=2)(np.full((4, 2, 2, 1), 0.5, "float32"))
    np.testing.assert_array_equal(clipped, 1.0)
    np.testing.assert_array_equal(L.RandomContrast(0.5)(z, training=False), z)
    assert L.RandomBrightness(0.1)(X.astype("uint8"), training=False).dtype == "uint8"


@pytest.mark.parametrize("make, message", [
    (lambda: L.RandomContrast(1.5), r"range \[0, 1\]. Received: factor=1.5"),
    (lambda: L.RandomContrast([0.1]), r"range \[0, 1\]"),
    (lambda: L.RandomBrightness(2.0), r"range \[-1, 1\]. Received: factor=2.0"),
    (lambda: L.RandomBrightness(0.1, value_range=(1,)), "value_range` argument should be a list of two numbers"),
])
def test_random_layer_arguments_are_checked_as_keras(make, message):
    with pytest.raises(ValueError, match=message):
        make()
    assert L.RandomContrast((0.3, 0.1)).factor == (0.1, 0.3) and L.RandomBrightness(0.2).factor == (-0.2, 0.2)


GRID = np.arange(5 * 7, dtype="float32").reshape(1, 5, 7, 1)


def test_random_rotation_and_translation_transform_as_keras():
    # A factor range of one value fixes the draw, so the pixels can be compared with Keras 3.15's.
    rotated = L.RandomRotation((0.1, 0.1), fill_mode="reflect")(GRID)[0, ..., 0].numpy()
    np.testing.assert_allclose(rotated[0], [4.4182, 2.5575, 3.3666, 6.8493, 11.7728, 16.6964, 21.0173], atol=1e-3)
    np.testing.assert_allclose(rotated[2, 3], 17.0, atol=1e-4)  # the center stays
    np.testing.assert_allclose(rotated[4], [12.9827, 17.3036, 22.2272, 27.1507, 30.6334, 31.4425, 29.5818], atol=1e-3)
    shifted = L.RandomTranslation((0.2, 0.2), (-0.3, -0.3), fill_mode="constant", fill_value=-1.0,
                                  interpolation="nearest")(GRID)[0, ..., 0].numpy()
    np.testing.assert_array_equal(shifted, [[-1] * 7, [2, 3, 4, 5, 6, -1, -1], [9, 10, 11, 12, 13, -1, -1],
                                            [16, 17, 18, 19, 20, -1, -1], [23, 24, 25, 26, 27, -1, -1]])
    x = np.random.default_rng(0).random((3, 5, 7, 2)).astype("float32")
    np.testing.assert_array_equal(L.RandomRotation(0.2)(x, training=False), x)
    first = L.RandomRotation((0.1, 0.1), data_format="channels_first")(np.transpose(x, (0, 3, 1, 2)))
    np.testing.assert_allclose(np.transpose(first, (0, 2, 3, 1)), L.RandomRotation((0.1, 0.1))(x), atol=1e-6)
    angles = L.RandomRotation(0.25, seed=3)(np.tile(GRID, (8, 1, 1, 1))).numpy()
    assert len({a.tobytes() for a in angles}) == 8  # one angle per image
    with pytest.raises(NotImplementedError, match="Unknown `fill_mode` mirror"):
        L.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(ValueError, match="input_number=1.5"):
        L.RandomTranslation(1.5, 0.1)
