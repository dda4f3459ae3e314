"""tf.image colour functions, resizing with crop or pad, and image measurements: TensorFlow 2.21's values
(fixture from golden/make_image_ops.py), argument checks, the random_* draws, and gradients."""
import os

import numpy as np
import pytest

import gradfit as tf

GOLDEN = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "image_ops", "image_ops.npz"))
x, y, u8, u8b = GOLDEN["x"], GOLDEN["y"], GOLDEN["u8"], GOLDEN["u8b"]

CALLS = {
    "rgb_to_hsv": lambda: tf.image.rgb_to_hsv(x),
    "hsv_to_rgb": lambda: tf.image.hsv_to_rgb(x),
    "adjust_hue": lambda: tf.image.adjust_hue(x, 0.3),
    "adjust_hue_u8": lambda: tf.image.adjust_hue(u8, -0.2),
    "adjust_saturation": lambda: tf.image.adjust_saturation(x, 1.7),
    "adjust_saturation_u8": lambda: tf.image.adjust_saturation(u8, 0.4),
    "adjust_gamma": lambda: tf.image.adjust_gamma(x, 2.2, 1.3),
    "adjust_gamma_u8": lambda: tf.image.adjust_gamma(u8, 0.5),
    "grayscale_to_rgb": lambda: tf.image.grayscale_to_rgb(tf.constant(x[..., :1])),
    "crop_or_pad_wide": lambda: tf.image.resize_with_crop_or_pad(x, 9, 20),
    "crop_or_pad_tall": lambda: tf.image.resize_with_crop_or_pad(x, 20, 9),
    "crop_or_pad_small": lambda: tf.image.resize_with_crop_or_pad(x, 5, 5),
    "resize_with_pad_wide": lambda: tf.image.resize_with_pad(x, 9, 20),
    "resize_with_pad_tall": lambda: tf.image.resize_with_pad(x, 20, 9),
    "resize_with_pad_odd": lambda: tf.image.resize_with_pad(x, 17, 10),
    "resize_with_pad_u8": lambda: tf.image.resize_with_pad(u8, 20, 9, method="nearest"),
    "total_variation_image": lambda: tf.image.total_variation(tf.constant(x[0])),
    "total_variation_batch": lambda: tf.image.total_variation(tf.constant(x)),
    "image_gradients": lambda: tf.stack(tf.image.image_gradients(tf.constant(x))),
    "sobel_edges": lambda: tf.image.sobel_edges(tf.constant(x)),
    "psnr": lambda: tf.image.psnr(x, y, 1.0),
    "psnr_u8": lambda: tf.image.psnr(u8, u8b, 255),
    "ssim": lambda: tf.image.ssim(x, y, 1.0),
    "ssim_u8": lambda: tf.image.ssim(u8, u8b, 255),
    "ssim_options": lambda: tf.image.ssim(x, y, 1.0, filter_size=7, filter_sigma=1.1, k1=0.02, k2=0.05),
    "ssim_map": lambda: tf.image.ssim(x, y, 1.0, return_index_map=True),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_matches_tensorflow(name):
    out, expected = CALLS[name]().numpy(), GOLDEN[name]
    assert out.shape == expected.shape and out.dtype == expected.dtype
    # TensorFlow's hue kernel works in its own hue units: within a few float32 roundings
    np.testing.assert_allclose(out, expected, rtol=0, atol=2e-6)


def test_hsv_round_trip_and_known_colours():
    np.testing.assert_allclose(tf.image.hsv_to_rgb(tf.image.rgb_to_hsv(x)), x, atol=1e-6)
    pure = np.array([[[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0.5], [0, 0, 0]]], np.float32)
    np.testing.assert_allclose(tf.image.rgb_to_hsv(pure)[0], [[0, 1, 1], [1 / 3, 1, 1], [2 / 3, 1, 1], [0, 0, 0.5],
                                                              [0, 0, 0]], atol=1e-7)
    np.testing.assert_allclose(tf.image.adjust_hue(pure[:, :3], 1 / 3)[0], [[0, 1, 0], [0, 0, 1], [1, 0, 0]], atol=1e-6)
    np.testing.assert_allclose(tf.image.adjust_saturation(pure[:, :1], 0.0)[0], [[1, 1, 1]])


@pytest.mark.parametrize("call, message", [
    (lambda: tf.image.adjust_gamma(x, -1), "gamma should be a non-negative"),
    (lambda: tf.image.grayscale_to_rgb(x), "should be size 1"),
    (lambda: tf.image.random_brightness(x, -1), "max_delta must be non-negative"),
    (lambda: tf.image.random_contrast(x, 0.5, 0.2), "upper must be > lower"),
    (lambda: tf.image.random_contrast(x, -0.5, 0.2), "lower must be non-negative"),
    (lambda: tf.image.random_hue(x, 0.6), r"max_delta must be <= 0.5"),
    (lambda: tf.image.random_saturation(x, 0.5, 0.2), "upper must be > lower"),
    (lambda: tf.image.total_variation(x[0, 0]), "must be either 3 or 4-dimensional"),
    (lambda: tf.image.image_gradients(x[0]), "expects a 4D tensor"),
    (lambda: tf.image.resize_with_crop_or_pad(x, 0, 3), "must be > 0"),
    (lambda: tf.image.ssim(x[:, :8, :8], y[:, :8, :8], 1.0), "at least filter_size=11"),
    (lambda: tf.image.rgb_to_hsv(tf.constant(u8)), "must be floating point"),
])
def test_arguments_are_checked(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_random_adjustments_draw_once_per_call_and_repeat_with_a_seed():
    batch = np.tile(x[:1], (40, 1, 1, 1))
    flipped = tf.image.random_flip_left_right(batch, seed=3).numpy()
    mirrored = [np.array_equal(f, x[0, :, ::-1]) for f in flipped]
    assert all(m or np.array_equal(f, x[0]) for m, f in zip(mirrored, flipped)) and 5 < sum(mirrored) < 35
    upside_down = tf.image.random_flip_up_down(x[0], seed=1).numpy()
    assert np.array_equal(upside_down, x[0]) or np.array_equal(upside_down, x[0, ::-1])
    shift = (tf.image.random_brightness(x, 0.2, seed=4).numpy() - x)
    assert np.ptp(shift) < 1e-6 and abs(shift.flat[0]) <= 0.2  # one delta for the whole batch
    tf.random.set_seed(5)
    first = tf.image.random_hue(x, 0.3, seed=7)
    tf.random.set_seed(5)  # as in TensorFlow: an op seed repeats its draws after the global seed is set again
    np.testing.assert_array_equal(first, tf.image.random_hue(x, 0.3, seed=7))
    contrast = tf.image.random_contrast(x, 0.5, 0.6, seed=2).numpy()
    mean = x.mean(axis=(1, 2), keepdims=True)
    factor = (contrast - mean) / (x - mean)
    assert 0.5 <= factor.min() and factor.max() <= 0.6 and np.ptp(factor) < 1e-3
    saturated = tf.image.random_saturation(x, 2.0, 2.5).numpy()
    assert saturated.shape == x.shape and (saturated >= -1e-6).all()


def test_gradients_flow_through_colour_adjustments_and_ssim():
    v = tf.Variable(x[:1])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.image.adjust_hue(v, 0.2)) + tf.reduce_sum(tf.image.ssim(v, y[:1], 1.0)) + \
            tf.reduce_sum(tf.image.total_variation(v))
    grad = tape.gradient(loss, v).numpy()
    assert grad.shape == x[:1].shape and np.isfinite(grad).all() and np.abs(grad).sum() > 0
