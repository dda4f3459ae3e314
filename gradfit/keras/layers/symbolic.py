"""Shape inference for layers without `compute_output_shape`: run them on stand-in values."""
from ... import nest
from ...autodiff.tape import ACTIVE, _Paused
from ...backend import quiet_floating_point
from ...ops import array as A
from ...tensor import Tensor
from . import masking
from .keras_tensor import KerasTensor


def output_spec_by_running(layer, args, kwargs):
    """KerasTensors for `layer`'s outputs, found by calling it on zeros standing in for the symbolic inputs.

    It runs twice with different sizes for the unknown (None) dimensions: an output dimension that
    changes with them is unknown too. No tape records these runs, and the losses they add are dropped.
    """
    from .layer import _STATE

    def concrete(size):
        def fill(x):
            if not isinstance(x, KerasTensor):
                return x
            value = A.zeros(tuple(size if d is None else d for d in x.shape), dtype=x.dtype)
            if x._keras_mask is not None:
                masking.set_mask(value, A.ones(tuple(size if d is None else d for d in x._keras_mask.shape),
                                               dtype="bool"))
            return value

        return nest.map_structure(fill, list(args)), {k: nest.map_structure(fill, v) for k, v in kwargs.items()}

    runs = []
    outer = (_STATE.entry, _STATE.training)
    # The runs must leave no trace: state a call updates (BatchNormalization's moving statistics, an RNN's
    # states) is put back. An update writes to a fresh buffer while a reference to the old one is held.
    saved = [(v, v._value) for v in layer.variables]
    # Zeros divided by zeros are expected here: the values are thrown away, only the shapes count.
    with _Paused(list(ACTIVE)), quiet_floating_point():
        for size in (2, 3):
            call_args, call_kwargs = concrete(size)
            _STATE.entry = None
            try:
                runs.append(layer(*call_args, **call_kwargs))
            finally:
                _STATE.entry, _STATE.training = outer
                layer._clear_losses()
    for variable, before in saved:
        variable._replace(before)

    def spec(a, b):
        if not isinstance(a, Tensor):
            return a
        shape = tuple(d if d == e else None for d, e in zip(a._value.shape, b._value.shape))
        result = KerasTensor(shape, dtype=a._value.dtype)
        mask_a, mask_b = masking.mask_of(a), masking.mask_of(b)
        if isinstance(mask_a, Tensor) and isinstance(mask_b, Tensor):
            mask_shape = tuple(d if d == e else None for d, e in zip(mask_a._value.shape, mask_b._value.shape))
            result._keras_mask = KerasTensor(mask_shape, dtype="bool")
        return result

    return nest.map_structure(spec, runs[0], runs[1])
