"""Adaptive pooling layers (AdaptiveAveragePooling1D/2D/3D, AdaptiveMaxPooling1D/2D/3D): pool to a fixed
`output_size` whatever the input's size. Output position i along an axis of length n covers inputs
floor(i * n / size) up to ceil((i + 1) * n / size), as Keras (and PyTorch) lay the windows out."""
from ...ops import array as A
from ...ops import reduction as R
from .. import backend as keras_backend
from .layer import Layer

_NAMES = {1: "length", 2: "(height, width)", 3: "(depth, height, width)"}


def adaptive_pool(inputs, output_size, reduce, data_format="channels_last"):
    """Pool each spatial axis of `inputs` to `output_size` windows with `reduce` (mean or max); max and mean
    over a box are computed one axis at a time."""
    x = inputs
    first_spatial = 1 if data_format == "channels_last" else 2
    for offset, size in enumerate(output_size):
        axis = first_spatial + offset
        n = x.shape[axis]
        if n is None:
            raise ValueError("Input length must be statically known for adaptive pooling")
        pieces = []
        for i in range(size):
            start, stop = (i * n) // size, -((-(i + 1) * n) // size)
            window = A.gather(x, list(range(start, stop)), axis=axis) if stop - start != n else x
            pieces.append(reduce(window, axis=axis, keepdims=True))
        x = A.concat(pieces, axis=axis)
    return x


class _AdaptivePooling(Layer):
    rank = None
    reduce = None

    def __init__(self, output_size, data_format=None, **kwargs):
        rank = self.rank
        if isinstance(output_size, int) and not isinstance(output_size, bool):
            output_size = (output_size,) * rank
        elif isinstance(output_size, (tuple, list)) and len(output_size) == rank:
            output_size = tuple(output_size)
        else:
            raise TypeError(f"`output_size` must be an integer or {_NAMES[rank]} tuple. Received: {output_size} of "
                            f"type {type(output_size)}")
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = data_format or keras_backend.image_data_format()
        if self.data_format not in {"channels_first", "channels_last"}:
            raise ValueError(f"Invalid data_format: {self.data_format}. Expected 'channels_first' or 'channels_last'.")
        self._build_at_init()

    def call(self, inputs):
        return adaptive_pool(inputs, self.output_size, type(self).reduce, self.data_format)

    def compute_output_shape(self, input_shape):
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def get_config(self):
        return {**super().get_config(), "output_size": self.output_size, "data_format": self.data_format}


def _pooling(name, rank, reduce, what):
    return type(name, (_AdaptivePooling,), {"rank": rank, "reduce": staticmethod(reduce), "__doc__": (
        f"Adaptive {what} pooling of {rank}-D inputs to `output_size` (an int or {_NAMES[rank]}).")})


AdaptiveAveragePooling1D = _pooling("AdaptiveAveragePooling1D", 1, R.reduce_mean, "average")
AdaptiveAveragePooling2D = _pooling("AdaptiveAveragePooling2D", 2, R.reduce_mean, "average")
AdaptiveAveragePooling3D = _pooling("AdaptiveAveragePooling3D", 3, R.reduce_mean, "average")
AdaptiveMaxPooling1D = _pooling("AdaptiveMaxPooling1D", 1, R.reduce_max, "max")
AdaptiveMaxPooling2D = _pooling("AdaptiveMaxPooling2D", 2, R.reduce_max, "max")
AdaptiveMaxPooling3D = _pooling("AdaptiveMaxPooling3D", 3, R.reduce_max, "max")
