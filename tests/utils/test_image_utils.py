"""keras.utils.load_img, img_to_array, array_to_img and save_img (values recorded from Keras 3.15 with the same
images and Pillow)."""
import io
import sys

import numpy as np
import pytest

from gradfit import keras

Image = pytest.importorskip("PIL.Image")
utils = keras.utils


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images")
    rgb = np.random.RandomState(0).randint(0, 256, (20, 30, 3)).astype(np.uint8)
    Image.fromarray(rgb).save(folder / "rgb.png")
    Image.fromarray(rgb[:, :, 0]).save(folder / "gray.png")
    Image.fromarray(np.dstack([rgb, rgb[:, :, :1]])).save(folder / "rgba.png")
    return folder


def summary(img, **kwargs):
    x = utils.img_to_array(img, **kwargs)
    return x.dtype.name, x.shape, float(x.sum()), float(x[0, 0, 0])


@pytest.mark.parametrize("name, color_mode, mode, expected", [
    ("rgb", "rgb", "RGB", ("float32", (20, 30, 3), 225796.0, 172.0)),
    ("rgb", "rgba", "RGBA", ("float32", (20, 30, 4), 378796.0, 172.0)),
    ("rgb", "grayscale", "L", ("float32", (20, 30, 1), 75680.0, 92.0)),
    ("gray", "rgb", "RGB", ("float32", (20, 30, 3), 218946.0, 172.0)),
    ("gray", "grayscale", "L", ("float32", (20, 30, 1), 72982.0, 172.0)),
    ("rgba", "rgba", "RGBA", ("float32", (20, 30, 4), 298778.0, 172.0)),
    ("rgba", "rgb", "RGB", ("float32", (20, 30, 3), 225796.0, 172.0)),
])
def test_load_img_color_modes(images, name, color_mode, mode, expected):
    img = utils.load_img(images / f"{name}.png", color_mode=color_mode)
    assert img.mode == mode and summary(img) == expected


@pytest.mark.parametrize("interpolation, keep_aspect_ratio, expected_sum, corner", [
    ("nearest", False, 39797.0, 192.0), ("nearest", True, 42278.0, 39.0),
    ("bilinear", False, 40599.0, 153.0), ("bilinear", True, 41153.0, 122.0),
    ("bicubic", False, 40628.0, 157.0), ("box", True, 41605.0, 141.0),
    ("hamming", False, 40570.0, 161.0), ("lanczos", True, 41215.0, 136.0),
])
def test_load_img_resizes(images, interpolation, keep_aspect_ratio, expected_sum, corner):
    img = utils.load_img(str(images / "rgb.png"), target_size=(12, 9), interpolation=interpolation,
                         keep_aspect_ratio=keep_aspect_ratio)
    assert summary(img) == ("float32", (12, 9, 3), expected_sum, corner)


def test_load_img_sources_and_errors(images):
    data = (images / "rgb.png").read_bytes()
    assert summary(utils.load_img(io.BytesIO(data))) == ("float32", (20, 30, 3), 225796.0, 172.0)
    wide = utils.img_to_array(utils.load_img(images / "rgb.png", target_size=(5, 25), keep_aspect_ratio=True))
    assert wide.sum(axis=(0, 1)).tolist() == [16853.0, 17316.0, 16409.0]
    # An unknown interpolation only matters when a resize is needed.
    assert utils.load_img(images / "rgb.png", target_size=(20, 30), interpolation="cubic").size == (30, 20)
    with pytest.raises(ValueError, match="Invalid interpolation method cubic specified. Supported methods are "
                                         "nearest, bilinear, bicubic, hamming, box, lanczos"):
        utils.load_img(images / "rgb.png", target_size=(5, 5), interpolation="cubic")
    with pytest.raises(ValueError, match='color_mode must be "grayscale", "rgb", or "rgba"'):
        utils.load_img(images / "rgb.png", color_mode="cmyk")
    with pytest.raises(TypeError, match="path should be path-like or io.BytesIO, not <class 'int'>"):
        utils.load_img(5)


def test_img_to_array(images):
    rgb = utils.load_img(images / "rgb.png")
    assert summary(rgb, data_format="channels_first") == ("float32", (3, 20, 30), 225796.0, 172.0)
    assert summary(rgb, dtype="uint8") == ("uint8", (20, 30, 3), 225796.0, 172.0)
    gray = utils.load_img(images / "gray.png", color_mode="grayscale")
    assert summary(gray, data_format="channels_first") == ("float32", (1, 20, 30), 72982.0, 172.0)
    assert summary(np.ones((2, 3))) == ("float32", (2, 3, 1), 6.0, 1.0)
    with pytest.raises(ValueError, match="Unsupported image shape: \\(2, 2, 2, 2\\)"):
        utils.img_to_array(np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match="The `data_format` argument must be one of"):
        utils.img_to_array(np.zeros((2, 2)), data_format="nchw")


RAMP = np.linspace(-1, 3, 60).reshape(4, 5, 3)


def pixels(img):
    return img.mode, img.size, np.asarray(img).astype(np.int64).tolist()


def test_array_to_img():
    mode, size, scaled = pixels(utils.array_to_img(RAMP))
    assert (mode, size) == ("RGB", (5, 4))
    assert scaled[0] == [[0, 4, 8], [12, 17, 21], [25, 30, 34], [38, 43, 47], [51, 56, 60]]
    assert scaled[3][4] == [246, 250, 255]
    assert pixels(utils.array_to_img(RAMP.transpose(2, 0, 1), data_format="channels_first"))[2] == scaled
    assert pixels(utils.array_to_img(RAMP * 50, scale=False))[2][0][:2] == [[206, 210, 213], [217, 220, 223]]
    assert pixels(utils.array_to_img(RAMP[:, :, :1]))[:2] == ("L", (5, 4))
    assert pixels(utils.array_to_img(RAMP[:, :, :1]))[2][0] == [0, 13, 26, 40, 53]
    big = pixels(utils.array_to_img(RAMP[:, :, :1] * 1000, scale=False))
    assert big[0] == "I" and big[2][0] == [-1000, -796, -593, -389, -186]
    assert pixels(utils.array_to_img(np.dstack([RAMP, RAMP[:, :, :1]])))[0] == "RGBA"
    assert pixels(utils.array_to_img(np.full((2, 2, 3), 7.0)))[2] == [[[0, 0, 0]] * 2] * 2
    with pytest.raises(ValueError, match="Unsupported channel number: 2"):
        utils.array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"Expected image array to have rank 3 \(single image\). Got array with "
                                         r"shape: \(2, 2\)"):
        utils.array_to_img(np.zeros((2, 2)))


def test_save_img(tmp_path):
    def saved(name, x, **kwargs):
        utils.save_img(tmp_path / name, x, **kwargs)
        with Image.open(tmp_path / name) as img:
            return img.format, img.mode, img.size, int(np.asarray(img).astype(np.int64).sum())

    assert saved("ramp.png", RAMP) == ("PNG", "RGB", (5, 4), 7621)
    with pytest.warns(UserWarning, match="The JPEG format does not support RGBA images, converting to RGB."):
        assert saved("ramp.jpg", np.dstack([RAMP, RAMP[:, :, :1]]))[:3] == ("JPEG", "RGB", (5, 4))
    rgb = np.random.RandomState(0).randint(0, 256, (20, 30, 3)).astype("float32")
    assert saved("plain.bmp", rgb, scale=False) == ("BMP", "RGB", (30, 20), 225796)
    assert saved("no_extension", RAMP, file_format="png") == ("PNG", "RGB", (5, 4), 7621)
    buffer = io.BytesIO()
    utils.save_img(buffer, RAMP, file_format="png")
    buffer.seek(0)
    assert Image.open(buffer).size == (5, 4)


def test_without_pillow_the_image_functions_say_so(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    with pytest.raises(ImportError, match="The use of `load_img` requires PIL"):
        utils.load_img(tmp_path / "x.png")
    with pytest.raises(ImportError, match="The use of `array_to_img` requires PIL"):
        utils.array_to_img(RAMP)
    with pytest.raises(ImportError, match="requires PIL"):
        utils.save_img(tmp_path / "x.png", RAMP)
    assert utils.img_to_array(np.ones((2, 2, 3))).shape == (2, 2, 3)  # needs only NumPy
