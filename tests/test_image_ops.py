"""tf.image: the same pixels as TensorFlow (NumPy references here; resizing shares its kernels with the
image-file loader, whose outputs are checked against TensorFlow's), and gradients through resizing."""
import numpy as np
import pytest

import gradfit as tf
from gradfit.data import images as kernels

RNG = np.random.default_rng(0)
IMG = RNG.random((2, 5, 7, 3)).astype(np.float32)
U8 = (RNG.random((5, 7, 3)) * 255).astype(np.uint8)


@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic", "area", "lanczos3", "gaussian", "mitchellcubic"])
def test_resize_matches_the_file_loaders_kernels(method):
    out = tf.image.resize(IMG, (8, 4), method=method)
    assert out.shape == (2, 8, 4, 3) and out.dtype == tf.float32
    for b in range(2):
        np.testing.assert_allclose(out[b], kernels.resize(IMG[b], (8, 4), method), rtol=1e-5, atol=1e-6)


def test_resize_dtypes_aspect_ratio_and_refusals():
    assert tf.image.resize(U8, (3, 9), method="nearest").dtype == tf.uint8
    assert tf.image.resize(U8, (3, 9)).dtype == tf.float32
    assert tf.image.resize(IMG, (10, 10), preserve_aspect_ratio=True).shape == (2, 7, 10, 3)
    with pytest.raises(ValueError, match="antialias=True is not supported"):
        tf.image.resize(IMG, (3, 3), antialias=True)
    with pytest.raises(ValueError, match="3 or 4 dimensions"):
        tf.image.resize(IMG[0, 0], (3, 3))


def test_flips_rotations_crops_and_pads():
    np.testing.assert_array_equal(tf.image.flip_left_right(IMG), IMG[:, :, ::-1])
    np.testing.assert_array_equal(tf.image.flip_up_down(U8), U8[::-1])
    for k in range(4):
        np.testing.assert_array_equal(tf.image.rot90(IMG, k), np.rot90(IMG, k, axes=(1, 2)))
    np.testing.assert_array_equal(tf.image.crop_to_bounding_box(IMG, 1, 2, 3, 4), IMG[:, 1:4, 2:6])
    padded = tf.image.pad_to_bounding_box(U8, 1, 2, 8, 10).numpy()
    assert padded.shape == (8, 10, 3) and padded.sum() == U8.astype(int).sum()
    np.testing.assert_array_equal(padded[1:6, 2:9], U8)
    np.testing.assert_array_equal(tf.image.central_crop(IMG, 0.5), IMG[:, 1:4, 1:6])
    with pytest.raises(ValueError, match="does not fit"):
        tf.image.crop_to_bounding_box(IMG, 3, 0, 3, 4)


def test_dtype_conversion_and_pixel_adjustments():
    as_float = tf.image.convert_image_dtype(U8, tf.float32)
    np.testing.assert_allclose(as_float, U8 / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(tf.image.convert_image_dtype(as_float, tf.uint8), U8)
    np.testing.assert_array_equal(tf.image.convert_image_dtype(IMG * 2, tf.uint8, saturate=True),
                                  np.minimum(IMG * 2 * 255.5, 255).astype(np.uint8))
    np.testing.assert_array_equal(tf.image.convert_image_dtype(tf.image.convert_image_dtype(U8, tf.int32), tf.uint8), U8)
    gray = tf.image.rgb_to_grayscale(IMG)
    np.testing.assert_allclose(gray, (IMG @ np.float32([0.2989, 0.5870, 0.1140]))[..., None], rtol=1e-6)
    np.testing.assert_allclose(tf.image.adjust_brightness(IMG, 0.2), IMG + 0.2, rtol=1e-6)
    mean = IMG.mean(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(tf.image.adjust_contrast(IMG, 1.7), (IMG - mean) * 1.7 + mean, rtol=1e-5, atol=1e-6)
    std = tf.image.per_image_standardization(IMG).numpy()
    np.testing.assert_allclose(std.mean(axis=(1, 2, 3)), 0, atol=1e-6)
    np.testing.assert_allclose(std.std(axis=(1, 2, 3)), 1, rtol=1e-5)


def test_gradients_through_resize_and_contrast_match_finite_differences():
    x = RNG.standard_normal((1, 4, 5, 2))
    w = RNG.standard_normal((1, 7, 3, 2))

    def loss(v):
        return tf.reduce_sum(tf.image.resize(tf.image.adjust_contrast(v, 1.3), (7, 3)) * w)

    t = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = loss(t)
    grad = tape.gradient(y, t).numpy()
    eps, numeric = 0.25, np.zeros_like(x)  # the function is linear, and resizing computes in float32
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        numeric[idx] = (float(loss(tf.constant(x + d))) - float(loss(tf.constant(x - d)))) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-5)


def test_projective_transform_maps_coordinates_and_fills_as_tensorflow():
    grid = np.arange(4 * 5, dtype=np.float32).reshape(1, 4, 5, 1)
    shift = [1, 0, 2, 0, 1, 0, 0, 0]  # read two pixels to the right
    out = {mode: tf.image.projective_transform(grid, shift, "nearest", mode, -1.0)[0, 0, :, 0].numpy().tolist()
           for mode in ("constant", "nearest", "wrap", "reflect")}
    assert out == {"constant": [2, 3, 4, -1, -1], "nearest": [2, 3, 4, 4, 4], "wrap": [2, 3, 4, 0, 1],
                   "reflect": [2, 3, 4, 4, 3]}
    half = tf.image.projective_transform(grid, [1, 0, 0.5, 0, 1, 0, 0, 0], "bilinear", "constant")
    np.testing.assert_allclose(half[0, 0, :4, 0], [0.5, 1.5, 2.5, 3.5])
    with pytest.raises(ValueError, match="fill_mode"):
        tf.image.projective_transform(grid, shift, fill_mode="mirror")
    w = tf.Variable(grid)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.image.projective_transform(w, [1, 0, 0.5, 0, 1, 0, 0, 0], "bilinear", "constant"))
    grad = tape.gradient(total, w).numpy()[0, ..., 0]
    np.testing.assert_allclose(grad[0], [0.5, 1, 1, 1, 1])  # each input pixel's share of the outputs
