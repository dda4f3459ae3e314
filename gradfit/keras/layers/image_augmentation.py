"""Image augmentation layers that move or mix pixels: RandomZoom, RandomShear, RandomPerspective,
RandomErasing, MixUp and CutMix; and the base the augmentation layers share (random parameters drawn per
image in training, `{"images": ..., "labels": ...}` inputs)."""
import numpy as np

from ... import image
from ...ops import array as A
from ...ops import math as M
from ..random import beta, normal, uniform
from .image_preprocessing import _AffineImageLayer, _factor_pair, _RandomImageLayer, _range_factor


class _Augmentation(_RandomImageLayer):
    """An augmentation layer: `_draw(images)` picks one batch's random parameters and `_apply(images,
    parameters)` uses them, on channels-last batches. Inputs may also be a dict of "images" and "labels"
    (labels are mixed by the layers that mix images, else passed through)."""

    _MIXES_LABELS = False

    def call(self, inputs, training=True):
        if not isinstance(inputs, dict):
            return super().call(inputs, training=training)
        extra = sorted(set(inputs) - {"images", "labels"})
        if extra:
            raise ValueError(f"{type(self).__name__} '{self.name}' transforms the 'images' and 'labels' of a dict "
                             f"input; gradfit does not transform {extra} (bounding boxes and segmentation masks are "
                             "not supported)")
        images = inputs["images"]
        if not training or "labels" not in inputs or not self._MIXES_LABELS:
            return {**inputs, "images": self.call(images, training=training)}
        if images.dtype != self.compute_dtype:
            images = M.cast(images, self.compute_dtype)
        x, batched = self._as_batch(images)
        parameters = self._draw(x)
        return {"images": self._from_batch(self._apply(x, parameters), batched),
                "labels": self._apply_to_labels(inputs["labels"], parameters, batched)}

    def _augment(self, x):
        return self._apply(x, self._draw(x))

    def _draw(self, images):
        return None

    def _apply_to_labels(self, labels, parameters, batched):
        return labels

    def _uniform(self, shape, low=0.0, high=1.0):
        """Draws in [low, high) as a NumPy array of the compute dtype."""
        return uniform(shape, low, high, dtype=self.compute_dtype, seed=self.generator).numpy()

    def _chance(self, batch, factor):
        """Per image: whether to apply, with a probability itself drawn from `factor` (Keras's convention)."""
        probability = self._uniform((batch,), factor[0], factor[1])
        return self._uniform((batch,)) < probability


def rescale(images, source_range, target_range, dtype):
    """Pixel values mapped linearly from `source_range` onto `target_range` (unchanged when they match)."""
    if tuple(source_range) == tuple(target_range):
        return images
    f = np.dtype(dtype).type
    low, high = f(source_range[0]), f(source_range[1])
    unit = M.divide(M.subtract(images, low), high - low)
    return M.add(M.multiply(unit, f(target_range[1]) - f(target_range[0])), f(target_range[0]))


# ---------------------------------------------------------------------------------------- geometry
class _AffineAugmentation(_AffineImageLayer, _Augmentation):
    """A random projective transform per image (`_transforms`), with the augmentation layers' inputs."""


_ZOOM_FACTOR_MESSAGE = ("The `height_factor` and `width_factor` arguments should be a number (or a list of two "
                        "numbers) in the range (-1.0, 1.0]. ")
_SHEAR_FACTOR_MESSAGE = "The `factor` argument should be a number (or a list of two numbers) in the range [0, 1.0]. "


class RandomZoom(_AffineAugmentation):
    """In training, each image zoomed about its center by 1 + a draw from `height_factor` (and
    `width_factor`, else the same zoom for both axes): a positive factor zooms out, a negative one in."""

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        height_range = _range_factor(height_factor, "height_factor", _ZOOM_FACTOR_MESSAGE, open_low=True)
        width_range = None if width_factor is None else \
            _range_factor(width_factor, "width_factor", _ZOOM_FACTOR_MESSAGE, open_low=True)
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed, fill_value=fill_value,
                         data_format=data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_lower, self.height_upper = height_range
        if width_range is not None:
            self.width_lower, self.width_upper = width_range

    def _transforms(self, batch, height, width):
        f32 = np.float32
        zoom_y = self._uniform((batch,), 1.0 + self.height_lower, 1.0 + self.height_upper).astype(f32)
        zoom_x = zoom_y if self.width_factor is None else \
            self._uniform((batch,), 1.0 + self.width_lower, 1.0 + self.width_upper).astype(f32)
        offset_x = (f32(width) - f32(1)) / f32(2) * (f32(1) - zoom_x)
        offset_y = (f32(height) - f32(1)) / f32(2) * (f32(1) - zoom_y)
        zeros = np.zeros(batch, f32)
        return np.stack([zoom_x, zeros, offset_x, zeros, zoom_y, offset_y, zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor}


class RandomShear(_AffineAugmentation):
    """In training, each image sheared about its top-left corner: x by a draw from `x_factor`, y by one
    from `y_factor`, both negated on a coin flip per image."""

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        x_range = _range_factor(x_factor, "x_factor", _SHEAR_FACTOR_MESSAGE, low=0.0)
        y_range = _range_factor(y_factor, "y_factor", _SHEAR_FACTOR_MESSAGE, low=0.0)
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed, fill_value=fill_value,
                         data_format=data_format, **kwargs)
        self.x_factor, self.y_factor = x_range, y_range

    @classmethod
    def from_config(cls, config):
        # The config holds the (lower, upper) ranges; a number f was stored as (-f, f), which the argument
        # check would refuse, so it is given back as f.
        config = dict(config)
        for key in ("x_factor", "y_factor"):
            value = config.get(key)
            if isinstance(value, (tuple, list)) and len(value) == 2 and value[0] < 0 and value[0] == -value[1]:
                config[key] = value[1]
        return super().from_config(config)

    def _transforms(self, batch, height, width):
        sign = np.where(self._uniform((batch,)) > 0.5, -1.0, 1.0).astype(np.float32)
        shear_y = self._uniform((batch,), *self.y_factor).astype(np.float32) * sign
        shear_x = self._uniform((batch,), *self.x_factor).astype(np.float32) * sign
        ones, zeros = np.ones(batch, np.float32), np.zeros(batch, np.float32)
        return np.stack([ones, shear_x, zeros, shear_y, ones, zeros, zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "x_factor": self.x_factor, "y_factor": self.y_factor}


def _homographies(start_points, end_points):
    """The projective-transform rows mapping each output point in `end_points` (batch, 4, 2) back to its
    input point in `start_points`, solved in float32."""
    rows = []
    for point in range(4):
        (sx, sy), (ex, ey) = start_points[:, point].T, end_points[:, point].T
        zeros, ones = np.zeros_like(ex), np.ones_like(ex)
        rows.append(np.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1))
        rows.append(np.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1))
    system = np.stack(rows, axis=1).astype(np.float32)
    targets = start_points.reshape(len(start_points), 8, 1).astype(np.float32)
    return np.linalg.solve(system, targets).reshape(-1, 8)


class RandomPerspective(_AffineAugmentation):
    """In training, each image (with a probability drawn from `factor`) warped so that its corners move by
    up to `scale` / 2 of their coordinates; outside points read `fill_value`."""

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None, data_format=None,
                 **kwargs):
        factor = _factor_pair(factor, (0, 1))
        if scale < 0.0 or scale > 1.0:
            raise ValueError(f"The `scale` argument should be a number in the range [0,1]. Received: scale={scale}")
        super().__init__(fill_mode="constant", interpolation=interpolation, seed=seed, fill_value=fill_value,
                         data_format=data_format, **kwargs)
        self.factor, self.scale = factor, scale

    def _augment(self, x):
        n, height, width = x.shape[0], x.shape[1], x.shape[2]
        applied = self._chance(n, self.factor)
        moves = self._uniform((n, 4, 2), -0.5 * self.scale, 0.5 * self.scale).astype(np.float32)
        corners = np.array([[0, 0], [width - 1, 0], [0, height - 1], [width - 1, height - 1]], np.float32)
        start = np.broadcast_to(corners, (n, 4, 2))
        return self._warp(x, applied, start, start + start * moves)

    def _warp(self, x, applied, start_points, end_points):
        warped = image.projective_transform(x, _homographies(start_points, end_points), self.interpolation,
                                            "constant", self.fill_value)
        return M.where(np.asarray(applied).reshape(-1, 1, 1, 1), warped, x)

    def get_config(self):
        config = {**super().get_config(), "factor": self.factor, "scale": self.scale}
        del config["fill_mode"]
        return config


# -------------------------------------------------------------------------------- erasing and mixing
def _boxes(draw, ratios, height, width):
    """Masks (batch, height, width, 1) of boxes whose sides are `ratios` (batch, 2: x, y) of the image's,
    each placed by a `draw((batch,))` in [0, 1) as Keras's RandomErasing and CutMix place theirs (float32
    edges); and the boxes' areas."""
    f32 = np.float32
    edges = []
    for axis, length in ((0, width), (1, height)):
        crop = ratios[:, axis].astype(f32) * f32(length)
        start = draw((len(ratios),)).astype(f32) * (f32(length) - crop)
        edges.append((start, start + crop))
    (x0, x1), (y0, y1) = edges
    xs = np.arange(width, dtype=f32)[None, None, :]
    ys = np.arange(height, dtype=f32)[None, :, None]
    inside = (xs >= x0[:, None, None]) & (xs < x1[:, None, None]) & (ys >= y0[:, None, None]) & \
        (ys < y1[:, None, None])
    return inside[..., None], (x1 - x0) * (y1 - y0)


class RandomErasing(_Augmentation):
    """In training, a random box of each image (with a probability drawn from `factor`; its area a draw
    from `scale`) replaced by `fill_value` (a number, three per-channel numbers, or None for Gaussian
    noise times the top of `value_range`), clipped to `value_range`."""

    _CAST_ALWAYS = True

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, (0, 1))
        self.scale = _factor_pair(scale, (0, 1), name="scale")
        if not (fill_value is None or isinstance(fill_value, (int, float)) or
                (isinstance(fill_value, (tuple, list)) and len(fill_value) == 3)):
            raise ValueError("The `fill_value` argument should be a number (or a list of three numbers) Received: "
                             f"fill_value={fill_value}")
        self.fill_value = fill_value
        self.value_range = value_range

    def _draw(self, images):
        n, height, width, _ = images.shape
        sides = np.sqrt(self._uniform((n, 2), *self.scale))
        masks, _ = _boxes(self._uniform, sides, height, width)
        applied = self._chance(n, self.factor)
        if self.fill_value is None:
            fill = normal(images.shape, dtype=self.compute_dtype, seed=self.generator).numpy() * \
                np.asarray(self.value_range[1], self.compute_dtype)
        else:
            fill = np.broadcast_to(np.asarray(self.fill_value, self.compute_dtype), images.shape)
        fill = np.clip(fill, self.value_range[0], self.value_range[1]).astype(self.compute_dtype)
        return {"masks": masks & np.asarray(applied).reshape(-1, 1, 1, 1), "fill": fill}

    def _apply(self, images, parameters):
        return M.where(parameters["masks"], parameters["fill"], images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale, "fill_value": self.fill_value,
                "value_range": self.value_range}


def _mixed_labels(labels, weights, order, dtype):
    labels = labels if labels.dtype == dtype else M.cast(labels, dtype)
    weights = np.asarray(weights, dtype).reshape((-1,) + (1,) * (len(labels.shape) - 1))
    return M.add(M.multiply(labels, weights), M.multiply(A.gather(labels, order), 1 - weights))


class MixUp(_Augmentation):
    """In training, each image blended with another of the batch (a random pairing): w * image + (1 - w)
    * other, w drawn per image from Beta(alpha, alpha); labels given with the images are blended alike."""

    _MIXES_LABELS = True

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.alpha = alpha

    def _draw(self, images):
        n = images.shape[0]
        order = self.generator.next().permutation(n)
        return {"order": order, "weights": beta((n,), self.alpha, self.alpha, seed=self.generator).numpy()}

    def _apply(self, images, parameters):
        weights = np.asarray(parameters["weights"], self.compute_dtype).reshape(-1, 1, 1, 1)
        return M.add(M.multiply(images, weights), M.multiply(A.gather(images, parameters["order"]), 1 - weights))

    def _apply_to_labels(self, labels, parameters, batched):
        if not batched:
            return labels
        return _mixed_labels(labels, parameters["weights"], parameters["order"], self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class CutMix(_Augmentation):
    """In training, a random box of each image replaced by the same box of another image of the batch; the
    box covers 1 - w of the image, w drawn from Beta(a, a) with a drawn from `factor`. Labels given with
    the images are mixed in proportion to the areas. A single image is returned unchanged."""

    _MIXES_LABELS = True
    _CAST_ALWAYS = True

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, (0, 1))

    def call(self, inputs, training=True):
        images = inputs["images"] if isinstance(inputs, dict) else inputs
        if len(images.shape) == 3:  # as Keras: nothing to mix with
            training = False
        return super().call(inputs, training=training)

    def _draw(self, images):
        n, height, width, _ = images.shape
        alpha = float(self._uniform((), *self.factor)) + 1e-6
        weights = beta((n,), alpha, alpha, dtype=self.compute_dtype, seed=self.generator).numpy()
        side = np.sqrt(1.0 - weights)
        masks, areas = _boxes(self._uniform, np.stack([side, side], axis=1), height, width)
        order = self.generator.next().permutation(n)
        return {"order": order, "masks": masks, "weights": 1.0 - areas / np.float32(width * height)}

    def _apply(self, images, parameters):
        return M.where(parameters["masks"], A.gather(images, parameters["order"]), images)

    def _apply_to_labels(self, labels, parameters, batched):
        return _mixed_labels(labels, parameters["weights"], parameters["order"], self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
