"""gradfit: Keras's way of training neural networks, on NumPy.

    import gradfit as tf
    from gradfit import keras
"""
__version__ = "0.1.0"

from . import backend, errors, nest
from .backend import DType, as_dtype
from .tensor import Tensor, TensorShape, Variable, constant, convert_to_tensor, is_tensor
from . import ops
from .autodiff import GradientTape, UnconnectedGradients, custom_gradient, stop_gradient
from . import autodiff, debugging, image, linalg, math, nn, random, strings
from .function import config, device, executing_eagerly, function, name_scope
from .strings import fingerprint
from .control_flow import (cond, foldl, foldr, map_fn, numpy_function, py_function, scan, switch_case, vectorized_map,
                           while_loop)

from .ops.math import (abs, acos, acosh, add, add_n, asin, asinh, atan, atan2, atanh, cast, ceil, clip_by_value,
                       cos, cosh, divide, equal, exp, expm1, floor, floordiv, greater, greater_equal, less,
                       less_equal, log, log1p, logical_and, logical_not, logical_or, logical_xor, maximum, minimum,
                       mod, multiply, negative, not_equal, pow, reciprocal, round, rsqrt, saturate_cast, sigmoid,
                       sign, sin, sinh, sqrt, square, squared_difference, subtract, tan, tanh, truediv,
                       truncatediv, truncatemod, where)
from .ops.reduction import (argmax, argmin, cumsum, reduce_all, reduce_any, reduce_logsumexp, reduce_max,
                            reduce_mean, reduce_min, reduce_prod, reduce_std, reduce_sum, reduce_variance)
from .ops.array import (boolean_mask, broadcast_dynamic_shape, broadcast_static_shape, broadcast_to, concat,
                        expand_dims, eye, fill, gather, gather_nd, identity, linspace, meshgrid, one_hot, ones,
                        ones_like, pad, range, rank, repeat, reshape, reverse, roll, scatter_nd, sequence_mask, shape,
                        shape_n, size, slice, sort, argsort, split, squeeze, stack, strided_slice,
                        tensor_scatter_nd_add, tensor_scatter_nd_max, tensor_scatter_nd_min,
                        tensor_scatter_nd_sub, tensor_scatter_nd_update, tile, transpose, unique,
                        unique_with_counts, unstack, zeros, searchsorted,
                        zeros_like)
from .ops.segment import unsorted_segment_sum
from .ops.linalg import einsum, matmul, norm, tensordot
from .ops.clip import clip_by_global_norm, clip_by_norm, global_norm
from .ops.math import scalar_mul
from .ops.realdiv import realdiv
from .ops.identity import ensure_shape, identity_n
from .ops.indexing import dynamic_partition, dynamic_stitch, unravel_index
from .ops.histogram import histogram_fixed_width, histogram_fixed_width_bins
from .ops.rearrange import batch_to_space, reverse_sequence, space_to_batch, space_to_batch_nd
from .control_flow import case
from .debugging import assert_equal, assert_greater, assert_less, assert_rank
from .autodiff.gradient_functions import AggregationMethod, grad_pass_through, hessians, no_gradient, recompute_grad
from .init_ops import (constant_initializer, ones_initializer, random_normal_initializer, random_uniform_initializer,
                       zeros_initializer)
from .module import Module
from .tensor_array import TensorArray
from . import train
from .eager_runtime import (control_dependencies, get_logger, get_static_value, group, init_scope, inside_function,
                            no_op, timestamp, tuple)

float16 = as_dtype("float16")
float32 = as_dtype("float32")
float64 = as_dtype("float64")
half = float16
double = float64
int8 = as_dtype("int8")
int16 = as_dtype("int16")
int32 = as_dtype("int32")
int64 = as_dtype("int64")
uint8 = as_dtype("uint8")
uint16 = as_dtype("uint16")
uint32 = as_dtype("uint32")
uint64 = as_dtype("uint64")
bool = as_dtype("bool")
complex64 = as_dtype("complex64")
complex128 = as_dtype("complex128")
string = as_dtype("object")

newaxis = None


def print(*inputs, sep=" ", end="\n", output_stream=None, summarize=None, name=None):
    """Prints tensors by value, as `tf.print` does."""
    import builtins
    import sys

    parts = [x.numpy() if isinstance(x, Tensor) else x for x in inputs]
    stream = sys.stdout if output_stream is None or output_stream == "stdout" else (
        sys.stderr if output_stream == "stderr" else output_stream)
    builtins.print(*parts, sep=sep, end=end, file=stream)


class TensorSpec:
    """A shape and dtype (None for unknown dimensions), as in `tf.TensorSpec`."""

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = TensorShape(shape)
        self.dtype = as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, x):
        """Whether a tensor, array or spec `x` fits: its dtype (when it has one) and a compatible shape."""
        dtype = getattr(x, "dtype", None)
        if dtype is not None and as_dtype(dtype) != self.dtype:
            return False
        return self.shape.is_compatible_with(getattr(x, "shape", x))

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and self.shape == other.shape and self.dtype == other.dtype

    def __hash__(self):
        return hash((self.shape, self.dtype.name))

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype=tf.{self.dtype.name}, name={self.name!r})"


def __getattr__(name):
    # keras, data, datasets and summary are larger; they load on first use.
    import importlib

    if name in ("keras", "data", "datasets", "summary"):
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in ("losses", "metrics", "optimizers", "initializers"):
        # TensorFlow 2 also exposes these Keras modules at its top level.
        module = importlib.import_module(f".keras.{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'gradfit' has no attribute {name!r}")
