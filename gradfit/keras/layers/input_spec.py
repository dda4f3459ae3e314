"""InputSpec: the rank, shape and dtype a layer accepts, checked on every call before any state changes."""
from .. import backend as keras_backend


class InputSpec:
    """What a layer expects of an input (Keras 3's `keras.InputSpec`).

    `shape` includes the batch dimension (None matches anything); `axes` maps an axis to the size it must
    have, as `{-1: 8}` for a Dense layer built for 8 features.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = keras_backend.standardize_dtype(dtype) if dtype is not None else None
        if shape is not None:
            self.shape = tuple(None if d is None else int(d) for d in shape)
            self.ndim = len(self.shape)
        else:
            self.shape = None
            self.ndim = ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            axes = axes or {}
            self.axes = {int(k): axes[k] for k in axes}
        except (ValueError, TypeError):
            raise TypeError(f"InputSpec: `axes` must be a dict with integer keys, got axes={axes!r}") from None
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            max_axis = (self.ndim if self.ndim else self.max_ndim) - 1
            if max(self.axes) > max_axis:
                raise ValueError(f"InputSpec: axis {max(self.axes)} is greater than the largest allowed, {max_axis}")

    def expected_shape(self):
        """The expected shape as text: '(None, 28, 28)', '(..., 8)' or '(rank >= 2)'."""
        if self.shape is not None:
            return str(self.shape)
        if self.axes:
            last = max(self.axes) if all(a >= 0 for a in self.axes) else -1
            if all(a < 0 for a in self.axes):
                dims = ["..."] + [str(self.axes.get(a, "?")) for a in range(min(self.axes), 0)]
                return f"({', '.join(dims)})"
            dims = [str(self.axes.get(a, "?")) for a in range(last + 1)]
            return f"({', '.join(dims)}, ...)"
        parts = []
        if self.ndim is not None:
            parts.append(f"rank {self.ndim}")
        if self.min_ndim is not None:
            parts.append(f"rank >= {self.min_ndim}")
        if self.max_ndim is not None:
            parts.append(f"rank <= {self.max_ndim}")
        return f"({', '.join(parts)})" if parts else "(any)"

    def __repr__(self):
        spec = [f"dtype={self.dtype}" if self.dtype else "", f"shape={self.shape}" if self.shape else "",
                f"ndim={self.ndim}" if self.ndim else "", f"max_ndim={self.max_ndim}" if self.max_ndim else "",
                f"min_ndim={self.min_ndim}" if self.min_ndim else "", f"axes={self.axes}" if self.axes else ""]
        return f"InputSpec({', '.join(s for s in spec if s)})"

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes, "optional": self.optional}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _describe(layer):
    return f"{type(layer).__name__} '{layer.name}'"


def assert_input_compatibility(input_spec, inputs, layer):
    """Raises ValueError naming the layer, what it expected and the shape it got, on any mismatch."""
    from ... import nest

    specs = nest.flatten(input_spec)
    if isinstance(inputs, dict) and all(s is not None and s.name for s in specs):
        missing = [s.name for s in specs if s.name not in inputs]
        if missing:
            raise ValueError(f"{_describe(layer)} expected inputs named {[s.name for s in specs]}, got a dict "
                             f"with keys {list(inputs)}")
        inputs = [inputs[s.name] for s in specs]
    flat = nest.flatten(inputs)
    if len(flat) != len(specs):
        raise ValueError(f"{_describe(layer)} expected {len(specs)} input(s), got {len(flat)}: "
                         f"{[tuple(getattr(x, 'shape', ())) for x in flat]}")
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None or (x is None and spec.optional):
            continue
        if not hasattr(x, "shape"):
            raise ValueError(f"{_describe(layer)} expected tensor inputs, got {x!r} of type {type(x).__name__}")
        _check_one(spec, tuple(x.shape), getattr(x, "dtype", None), layer, index if len(specs) > 1 else None)


def _shape_hint(spec):
    """' (shape ...)' where the spec knows more than the rank, else nothing."""
    return f" (shape {spec.expected_shape()})" if spec.shape is not None or spec.axes else ""


def _check_one(spec, shape, dtype, layer, index):
    where = f"{_describe(layer)}" + (f" (input {index})" if index is not None else "")
    ndim = len(shape)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        raise ValueError(f"{where} expected input of rank {spec.ndim}{_shape_hint(spec)}, got shape {shape} of "
                         f"rank {ndim}")
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        raise ValueError(f"{where} expected input of rank at most {spec.max_ndim}, got shape {shape} of rank {ndim}")
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        raise ValueError(f"{where} expected input of rank at least {spec.min_ndim}{_shape_hint(spec)}, got shape "
                         f"{shape} of rank {ndim}")
    if spec.dtype is not None and dtype is not None:
        got = keras_backend.standardize_dtype(dtype)
        if got != spec.dtype:
            raise ValueError(f"{where} expected input of dtype {spec.dtype}, got dtype {got} (shape {shape})")
    for axis, size in spec.axes.items():
        if size is None or not -ndim <= axis < ndim:
            continue
        if shape[axis] is not None and shape[axis] != size:
            what = "last dimension" if axis == -1 or axis == ndim - 1 else f"dimension {axis}"
            raise ValueError(f"{where} expected input with {what} {size}, got shape {shape}")
    if spec.shape is not None:
        spec_shape, got = spec.shape, shape
        if spec.allow_last_axis_squeeze:
            got = got[:-1] if got and got[-1] == 1 else got
            spec_shape = spec_shape[:-1] if spec_shape and spec_shape[-1] == 1 else spec_shape
        if len(spec_shape) != len(got) and not spec.allow_last_axis_squeeze:
            raise ValueError(f"{where} expected input of shape {spec.shape}, got shape {shape}")
        for expected, dim in zip(spec_shape, got):
            if expected is not None and dim is not None and expected != dim:
                raise ValueError(f"{where} expected input of shape {spec.shape}, got shape {shape}")


def fast_check_of(spec):
    """A single InputSpec as (ndim, min_ndim, max_ndim, ((axis, size), ...)) for `accepts`, or None when
    the spec needs the full check (dtype, squeezable last axis, several inputs)."""
    if not isinstance(spec, InputSpec) or spec.dtype is not None or spec.allow_last_axis_squeeze:
        return None
    axes = {axis: size for axis, size in spec.axes.items() if size is not None}
    if spec.shape is not None:
        axes.update({axis: size for axis, size in enumerate(spec.shape) if size is not None})
    return spec.ndim, spec.min_ndim, spec.max_ndim, tuple(axes.items())


def accepts(fast, shape):
    """Whether a concrete shape passes a `fast_check_of` spec (the full check then explains a failure)."""
    ndim_required, min_ndim, max_ndim, axes = fast
    ndim = len(shape)
    if (ndim_required is not None and ndim != ndim_required) or (min_ndim is not None and ndim < min_ndim) or (
            max_ndim is not None and ndim > max_ndim):
        return False
    for axis, size in axes:
        if -ndim <= axis < ndim and shape[axis] != size:
            return False
    return True
