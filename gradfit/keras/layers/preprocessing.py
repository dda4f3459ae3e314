"""Preprocessing layers: Rescaling, and Normalization with `adapt`."""
from ... import backend
from ...ops import array as A
from ...ops import math as M
from ...ops import reduction as R
from ...tensor import Tensor, convert_to_tensor
from .layer import Layer


class Rescaling(Layer):
    """inputs * scale + offset (e.g. `Rescaling(1 / 255)` for pixel values)."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self._build_at_init()

    def call(self, inputs):
        dtype = self.compute_dtype
        if inputs.dtype != dtype:
            inputs = M.cast(inputs, dtype)
        return M.add(M.multiply(inputs, M.cast(self.scale, dtype)), M.cast(self.offset, dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": _plain(self.scale), "offset": _plain(self.offset)}


def _plain(value):
    return value.tolist() if hasattr(value, "tolist") else value


class Normalization(Layer):
    """(inputs - mean) / sqrt(variance) per position of `axis`, with mean and variance given or learned
    by `adapt(data)`; `invert=True` maps normalized values back."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape = None
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization: pass both `mean` and `variance` or neither, got mean={mean!r} and "
                             f"variance={variance!r}")
        if mean is not None:
            mean_shape, variance_shape = tuple(convert_to_tensor(mean).shape), tuple(convert_to_tensor(variance).shape)
            if mean_shape != variance_shape:
                raise ValueError(f"Normalization: `mean` and `variance` must have the same shape, got shapes "
                                 f"{mean_shape} and {variance_shape}")
            if len(mean_shape) > len(self.axis):
                raise ValueError(f"Normalization: the rank of `mean` ({len(mean_shape)}) must be at most the number "
                                 f"of axes {self.axis}")

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"Normalization '{self.name}': axis {self.axis} is out of range for input shape "
                             f"{tuple(input_shape)}")
        self._build_input_shape = tuple(input_shape)
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(f"Normalization '{self.name}': axis {d} of input shape {tuple(input_shape)} must be "
                                 "known, since a mean and variance are kept for each position along it")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = [input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)]
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64", initializer="zeros", trainable=False)
        else:
            self._fixed = (self._broadcast(self.input_mean), self._broadcast(self.input_variance))

    def _broadcast(self, value):
        value = M.cast(convert_to_tensor(value), self.compute_dtype)
        if len(value.shape):
            expanded = [1] * len(self._broadcast_shape)
            for i in range(1, len(value.shape) + 1):
                expanded[self._keep_axis[-i]] = value.shape[-i]
            value = A.reshape(value, expanded)
        return A.broadcast_to(value, self._broadcast_shape)

    def adapt(self, data):
        """Set mean and variance from `data`: an array or tensor, or an iterable of batches (a Dataset, a
        list of arrays, a generator); `(x, y)` batches use x. Weights change only once all data was read."""
        if isinstance(data, Tensor) or (hasattr(data, "__array__") and hasattr(data, "shape")):
            batches = [data]
        elif hasattr(data, "__iter__"):
            batches = data
        else:
            raise TypeError(f"Normalization.adapt() takes an array, a tensor or an iterable of batches, got "
                            f"{type(data).__name__}")
        total_mean = total_var = None
        total_count = 0
        for batch in batches:
            if isinstance(batch, (tuple, list)) and not hasattr(batch, "shape"):
                batch = batch[0]
            batch = M.cast(convert_to_tensor(batch), self.compute_dtype)
            if not self.built:
                self.build(tuple(batch.shape))
            self._check_adapt_shape(batch.shape)
            batch_mean = R.reduce_mean(batch, axis=self._reduce_axis)
            batch_var = R.reduce_variance(batch, axis=self._reduce_axis)
            batch_count = 1
            for d in self._reduce_axis:
                batch_count *= batch.shape[d]
            if total_mean is None:
                total_mean, total_var, total_count = batch_mean, batch_var, batch_count
                continue
            # Chan et al.'s parallel update of mean and variance, as Keras does batch by batch.
            total_count += batch_count
            weight = batch_count / total_count
            new_mean = M.add(M.multiply(total_mean, 1.0 - weight), M.multiply(batch_mean, weight))
            total_var = M.add(M.multiply(M.add(total_var, M.square(M.subtract(total_mean, new_mean))), 1.0 - weight),
                              M.multiply(M.add(batch_var, M.square(M.subtract(batch_mean, new_mean))), weight))
            total_mean = new_mean
        if total_mean is None:
            raise ValueError(f"Normalization '{self.name}'.adapt() received no data (an empty iterable)")
        if self.input_mean is not None:
            raise ValueError(f"Normalization '{self.name}' was given a fixed `mean` and `variance`; adapt() "
                             "cannot change them")
        self.adapt_mean.assign(total_mean)
        self.adapt_variance.assign(total_var)

    def _check_adapt_shape(self, shape):
        for d in self._keep_axis:
            if shape[d] != self._build_input_shape[d]:
                raise ValueError(f"Normalization '{self.name}' was built for input shape {self._build_input_shape}, "
                                 f"but adapt() got data of shape {tuple(shape)}")

    def call(self, inputs):
        if inputs.dtype != self.compute_dtype:
            inputs = M.cast(inputs, self.compute_dtype)
        if self.input_mean is None:
            mean = A.reshape(self.adapt_mean, self._broadcast_shape)
            variance = A.reshape(self.adapt_variance, self._broadcast_shape)
        else:
            mean, variance = self._fixed
        scale = M.maximum(M.sqrt(variance), backend.epsilon())
        if self.invert:
            return M.add(mean, M.multiply(inputs, scale))
        return M.divide(M.subtract(inputs, mean), scale)

    @property
    def mean(self):
        """The mean in the shape it broadcasts against inputs with (None before the layer is built)."""
        return self._statistic(0)

    @property
    def variance(self):
        return self._statistic(1)

    def _statistic(self, index):
        if not self.built:
            return None
        if self.input_mean is not None:
            return self._fixed[index]
        return A.reshape((self.adapt_mean, self.adapt_variance)[index], self._broadcast_shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": _plain(self.input_mean), "variance": _plain(self.input_variance)}

    def get_build_config(self):
        if self._build_input_shape:
            return {"input_shape": self._build_input_shape}
        return None
