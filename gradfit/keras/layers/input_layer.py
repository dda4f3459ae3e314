"""InputLayer and `keras.Input`: the symbolic entry points of Functional and Sequential models."""
from .. import backend as keras_backend
from .keras_tensor import KerasTensor, Node
from .layer import Layer


class InputLayer(Layer):
    """The layer behind `keras.Input`: holds a KerasTensor of `batch_shape` and passes inputs through."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, input_tensor=None,
                 optional=False, name=None, ragged=False, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if sparse or ragged:
            raise ValueError(f"InputLayer '{self.name}': sparse and ragged inputs are not supported by the NumPy "
                             "backend")
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(f"InputLayer '{self.name}': `input_tensor` must be a KerasTensor, got "
                                 f"{type(input_tensor).__name__}")
            batch_shape, dtype = tuple(input_tensor.shape), input_tensor.dtype.name
        if shape is not None and batch_shape is not None:
            raise ValueError(f"InputLayer '{self.name}': pass either `shape` or `batch_shape`, not both")
        if batch_shape is None:
            if shape is None:
                raise ValueError(f"InputLayer '{self.name}': pass a `shape` (without the batch dimension), e.g. "
                                 "keras.Input(shape=(784,))")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        dtype = keras_backend.standardize_dtype(dtype)
        self._dtype_name = dtype
        self.sparse = False
        self.optional = optional
        self.built = True
        tensor = input_tensor if input_tensor is not None else KerasTensor(self._batch_shape, dtype=dtype,
                                                                           name=name)
        self._input_tensor = tensor
        Node(self, outputs=tensor)

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._dtype_name

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {"batch_shape": self._batch_shape, "dtype": self._dtype_name, "sparse": False, "ragged": False,
                "name": self.name, "optional": self.optional}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None,
          optional=False):
    """A symbolic input tensor: `x = keras.Input(shape=(784,))` has shape (None, 784), and calling layers
    on it builds a graph that `keras.Model(inputs, outputs)` turns into a model."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, batch_shape=batch_shape,
                       name=name, input_tensor=tensor, optional=optional)
    return layer.output
