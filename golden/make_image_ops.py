"""TensorFlow's outputs for the `tf.image` colour functions and measurements, for tests/test_image_color_ops.py.

Run with the peers' Python (TensorFlow installed):
    /work/peers/bin/python golden/make_image_ops.py
Writes tests/fixtures/image_ops/image_ops.npz: the inputs (x, y: float batches; u8, u8b: uint8 images)
and, under each case's name, TensorFlow's result for the call listed in CALLS.
"""
import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402,F401 (the calls below name it)

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures", "image_ops")

# name -> the call, written once for both libraries (`tf` is TensorFlow here and gradfit in the test)
CALLS = {
    "rgb_to_hsv": "tf.image.rgb_to_hsv(x)",
    "hsv_to_rgb": "tf.image.hsv_to_rgb(x)",
    "adjust_hue": "tf.image.adjust_hue(x, 0.3)",
    "adjust_hue_u8": "tf.image.adjust_hue(u8, -0.2)",
    "adjust_saturation": "tf.image.adjust_saturation(x, 1.7)",
    "adjust_saturation_u8": "tf.image.adjust_saturation(u8, 0.4)",
    "adjust_gamma": "tf.image.adjust_gamma(x, 2.2, 1.3)",
    "adjust_gamma_u8": "tf.image.adjust_gamma(u8, 0.5)",
    "grayscale_to_rgb": "tf.image.grayscale_to_rgb(tf.constant(x[..., :1]))",
    "crop_or_pad_wide": "tf.image.resize_with_crop_or_pad(x, 9, 20)",
    "crop_or_pad_tall": "tf.image.resize_with_crop_or_pad(x, 20, 9)",
    "crop_or_pad_small": "tf.image.resize_with_crop_or_pad(x, 5, 5)",
    "resize_with_pad_wide": "tf.image.resize_with_pad(x, 9, 20)",
    "resize_with_pad_tall": "tf.image.resize_with_pad(x, 20, 9)",
    "resize_with_pad_odd": "tf.image.resize_with_pad(x, 17, 10)",
    "resize_with_pad_u8": "tf.image.resize_with_pad(u8, 20, 9, method='nearest')",
    "total_variation_image": "tf.image.total_variation(tf.constant(x[0]))",
    "total_variation_batch": "tf.image.total_variation(tf.constant(x))",
    "image_gradients": "tf.stack(tf.image.image_gradients(tf.constant(x)))",
    "sobel_edges": "tf.image.sobel_edges(tf.constant(x))",
    "psnr": "tf.image.psnr(x, y, 1.0)",
    "psnr_u8": "tf.image.psnr(u8, u8b, 255)",
    "ssim": "tf.image.ssim(x, y, 1.0)",
    "ssim_u8": "tf.image.ssim(u8, u8b, 255)",
    "ssim_options": "tf.image.ssim(x, y, 1.0, filter_size=7, filter_sigma=1.1, k1=0.02, k2=0.05)",
    "ssim_map": "tf.image.ssim(x, y, 1.0, return_index_map=True)",
}


def main():
    rng = np.random.default_rng(1)
    x = rng.random((2, 13, 15, 3)).astype("float32")
    y = np.clip(x + rng.normal(0, 0.1, x.shape), 0, 1).astype("float32")
    u8 = (rng.random((13, 15, 3)) * 255).astype("uint8")
    u8b = (rng.random((13, 15, 3)) * 255).astype("uint8")
    arrays = {"x": x, "y": y, "u8": u8, "u8b": u8b}
    for name, call in CALLS.items():
        arrays[name] = np.asarray(eval(call))
    os.makedirs(OUT, exist_ok=True)
    np.savez_compressed(os.path.join(OUT, "image_ops.npz"), **arrays)
    print(f"{len(CALLS)} results -> {OUT}")


if __name__ == "__main__":
    main()
