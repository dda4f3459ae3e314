"""keras.utils.to_categorical and keras.utils.normalize.

NumPy arrays and lists give NumPy arrays, as in Keras; gradfit Tensors give Tensors computed with ops.
"""
import numpy as np

from ...tensor import Tensor


def to_categorical(x, num_classes=None):
    """Class indices as one-hot rows: shape `x.shape + (num_classes,)`, a trailing axis of size 1 dropped first.

    `num_classes` defaults to `max(x) + 1`. For NumPy or list input the result is a float64 NumPy array, as
    in Keras; for a Tensor it is a floatx Tensor.
    """
    if isinstance(x, Tensor):
        from ..ops import nn as keras_nn

        if x.shape.rank is not None and x.shape.rank > 1 and x.shape[-1] == 1:
            x = x[..., 0]
        indices = x.numpy()
        return keras_nn.one_hot(x, _checked_num_classes(indices, num_classes))
    x = np.array(x, dtype="int64")
    input_shape = x.shape
    if len(input_shape) > 1 and input_shape[-1] == 1:
        input_shape = input_shape[:-1]
    x = x.reshape(-1)
    num_classes = _checked_num_classes(x, num_classes)
    categorical = np.zeros((x.shape[0], num_classes))
    categorical[np.arange(x.shape[0]), x] = 1
    return categorical.reshape(input_shape + (num_classes,))


def _checked_num_classes(indices, num_classes):
    if not num_classes:
        if indices.size == 0:
            raise ValueError("to_categorical cannot infer num_classes from an empty input: pass num_classes")
        num_classes = int(indices.max()) + 1
    if indices.size and (indices.min() < 0 or indices.max() >= num_classes):
        bad = indices.min() if indices.min() < 0 else indices.max()
        raise ValueError(f"to_categorical expected class indices in [0, {num_classes}) for num_classes={num_classes}, "
                         f"got {int(bad)}")
    return int(num_classes)


def normalize(x, axis=-1, order=2):
    """`x` divided by its `order`-norm along `axis` (slices of norm 0 are left as they are; `axis=None`:
    the norm of all of `x`).

    A NumPy array gives a NumPy array (float64 for integer input) with `np.linalg.norm`, as in Keras, but
    `axis=0` normalises along axis 0 (Keras's NumPy path takes it for -1); a Tensor gives a Tensor, with
    `keras.ops.nn.normalize`.
    """
    if isinstance(x, Tensor):
        from ..ops import nn as keras_nn

        return keras_nn.normalize(x, axis=axis, order=order)
    x = np.asarray(x)
    if axis is None:
        norm = np.asarray(np.linalg.norm(x.reshape(-1), order))
    else:
        norm = np.linalg.norm(x, order, axis, keepdims=True)
    norm = np.where(norm == 0, 1, norm)
    return x / norm
