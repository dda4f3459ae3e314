"""What a layer owns: sublayers, variables and metrics, found by tracking attribute assignments.

`self.dense = Dense(4)` makes the Dense a sublayer; `self.blocks = [Dense(4)]` then
`self.blocks.append(Dense(2))` tracks both, as in Keras (removing an item stops tracking it). The
`Tracking` base of Layer holds this state and the weights API built on it.
"""
import threading

from ...tensor import Tensor, Variable, convert_to_tensor
from .. import backend as keras_backend
from .. import constraints, initializers, regularizers


class _BuildScope(threading.local):
    """The layers whose `build` is running on this thread, outermost first."""

    def __init__(self):
        self.layers = []


BUILD_SCOPE = _BuildScope()


class _NoOwner:
    """Stands in for the layer of a tracked container created without one: tracks nothing."""

    @staticmethod
    def _track(value):
        return value

    @staticmethod
    def _untrack(value):
        return None


class TrackedList(list):
    """A list whose layers and variables belong to `owner` (added or removed with the list)."""

    def __init__(self, values=(), owner=None):
        # Nested lists and dicts become tracked too, so what is appended to them is seen. Without an
        # owner (as when code rebuilds a list of the same type) it is a plain list.
        self._owner = owner if owner is not None else _NoOwner
        super().__init__(self._owner._track(v) for v in values)

    def append(self, value):
        super().append(self._owner._track(value))

    def insert(self, index, value):
        super().insert(index, self._owner._track(value))

    def extend(self, values):
        super().extend(self._owner._track(v) for v in values)

    def __iadd__(self, values):
        self.extend(values)
        return self

    def __setitem__(self, index, value):
        old = list(self[index]) if isinstance(index, slice) else [self[index]]
        if isinstance(index, slice):
            value = [self._owner._track(v) for v in value]
        else:
            value = self._owner._track(value)
        super().__setitem__(index, value)
        for item in old:
            self._owner._untrack(item)

    def __delitem__(self, index):
        old = list(self[index]) if isinstance(index, slice) else [self[index]]
        super().__delitem__(index)
        for item in old:
            self._owner._untrack(item)

    def pop(self, index=-1):
        value = super().pop(index)
        self._owner._untrack(value)
        return value

    def remove(self, value):
        super().remove(value)
        self._owner._untrack(value)

    def clear(self):
        old = list(self)
        super().clear()
        for item in old:
            self._owner._untrack(item)

    def __reduce_ex__(self, protocol):
        return (list, (list(self),))


class TrackedDict(dict):
    """A dict whose layer and variable values belong to `owner`."""

    def __init__(self, values=(), owner=None):
        self._owner = owner if owner is not None else _NoOwner
        super().__init__((k, self._owner._track(v)) for k, v in dict(values).items())

    def __setitem__(self, key, value):
        old = self.get(key)
        super().__setitem__(key, self._owner._track(value))
        if old is not None and old is not value:
            self._owner._untrack(old)

    def __delitem__(self, key):
        old = self[key]
        super().__delitem__(key)
        self._owner._untrack(old)

    def pop(self, key, *default):
        had = key in self
        value = super().pop(key, *default)
        if had:
            self._owner._untrack(value)
        return value

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self):
        old = list(self.values())
        super().clear()
        for item in old:
            self._owner._untrack(item)

    def __reduce_ex__(self, protocol):
        return (dict, (dict(self),))


def is_metric(value):
    """Metric objects (tracked in `layer.metrics`), recognised by their interface."""
    cls = type(value)
    return (not isinstance(value, type) and hasattr(cls, "update_state") and hasattr(cls, "result")
            and hasattr(cls, "reset_state"))


# Attributes the base class manages itself, so assigning them never goes through tracking.
_UNTRACKED = frozenset((
    "_layers", "_trainable_variables", "_non_trainable_variables", "_variable_ids", "_metrics", "_losses",
    "_inbound_nodes", "_outbound_nodes", "_build_shapes_dict", "_call_info", "built", "name", "_trainable",
    "_dtype_policy", "_compute_np_dtype", "_input_spec", "_supports_masking", "_custom_compute_mask",
    "_fast_input_check", "_input_shape_arg", "_batch_size_arg", "_path", "_auto_config", "autocast",
    "_convert_input_args", "_allow_non_tensor_positional_args", "_call_has_training_arg", "_call_has_mask_arg",
    "activity_regularizer", "__class__"))


class Tracking:
    """Attribute tracking and the weights API of `Layer` (add_weight, weights, get/set_weights, trainable)."""

    def __setattr__(self, name, value):
        if name not in _UNTRACKED:
            if "_layers" not in self.__dict__:
                self._init_state()
            value = self._track(value)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        value = self.__dict__.get(name)
        object.__delattr__(self, name)
        if value is not None:
            self._untrack(value)

    def _track(self, value):
        """Register a layer or variable (also inside lists, tuples, dicts) as belonging to this layer."""
        if isinstance(value, Tracking):
            if value is not self and not any(layer is value for layer in self._layers):
                self._layers.append(value)
        elif isinstance(value, Variable):
            self._track_variable(value)
        elif type(value) is list:
            return TrackedList(value, self)
        elif type(value) is dict:
            return TrackedDict(value, self)
        elif type(value) is tuple:
            for item in value:
                self._track(item)
        elif is_metric(value) and not any(m is value for m in self._metrics):
            self._metrics.append(value)
        return value

    def _untrack(self, value):
        if isinstance(value, Tracking):
            self._layers[:] = [layer for layer in self._layers if layer is not value]
        elif isinstance(value, Variable) and id(value) in self._variable_ids:
            self._variable_ids.discard(id(value))
            for store in (self._trainable_variables, self._non_trainable_variables):
                store[:] = [v for v in store if v is not value]
        elif isinstance(value, (list, tuple)):
            for item in value:
                self._untrack(item)
        elif isinstance(value, dict):
            for item in value.values():
                self._untrack(item)

    def _track_variable(self, variable):
        if id(variable) in self._variable_ids:
            return
        self._variable_ids.add(id(variable))
        (self._trainable_variables if variable.trainable else self._non_trainable_variables).append(variable)
        if not self._trainable:
            variable.trainable = False

    # --------------------------------------------------------------------------------------- weights
    def add_weight(self, *args, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", overwrite_with_gradient=False,
                   name=None):
        """Create a weight variable of this layer (Keras 3's signature); it is tracked in `weights`."""
        if args:
            if len(args) > 3:
                raise TypeError(f"add_weight() takes at most 3 positional arguments (shape, initializer, dtype) "
                                f"but {len(args)} were given")
            if isinstance(args[0], str):
                raise ValueError(f"`name` must be passed as a keyword argument: got add_weight('{args[0]}', ...); "
                                 f"use add_weight(shape=..., name='{args[0]}')")
            positional = dict(zip(("shape", "initializer", "dtype"), args))
            for key, given in (("shape", shape), ("initializer", initializer), ("dtype", dtype)):
                if key in positional and given is not None:
                    raise ValueError(f"`{key}` was passed both positionally and as a keyword argument")
            shape = positional.get("shape", shape)
            initializer = positional.get("initializer", initializer)
            dtype = positional.get("dtype", dtype)
        shape = () if shape is None else tuple(shape)
        if any(d is None for d in shape):
            raise ValueError(f"Layer '{self.name}': weight '{name}' needs a fully defined shape, got {shape}")
        dtype = self.variable_dtype if dtype is None else keras_backend.standardize_dtype(dtype)
        if initializer is None:
            initializer = "glorot_uniform" if keras_backend.is_float_dtype(dtype) else "zeros"
        initializer = initializers.get(initializer)
        name = name or keras_backend.unique_object_name("variable")
        value = initializer(shape, dtype=dtype)
        variable = Variable(value, trainable=trainable, name=name, dtype=dtype, aggregation=aggregation,
                            autocast=autocast)
        # Keras's path: the layers being built around this one (a model building its layers, a layer
        # building its sublayers), then this layer, then the weight.
        scope = BUILD_SCOPE.layers
        names = [layer.name for layer in scope] + ([] if scope and scope[-1] is self else [self.name])
        prefix = "/".join(names)
        variable._path = f"{prefix}/{name}"
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        self._track_variable(variable)
        return variable

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True, regularizer=None,
                     constraint=None, name=None):
        """Alias of `add_weight`."""
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                               autocast=autocast, regularizer=regularizer, constraint=constraint, name=name)

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Freezes (False) or unfreezes this layer, its variables and all its sublayers."""
        value = bool(value)
        self._trainable = value
        for variable in self._trainable_variables:
            variable.trainable = value
        for layer in self._layers:
            layer.trainable = value

    @property
    def weights(self):
        """This layer's weights (trainable ones first), then its sublayers', without duplicates."""
        if not self._layers:
            # A leaf layer: tracking already keeps each variable once, in one of the two lists.
            return self._trainable_variables + self._non_trainable_variables
        weights = []
        seen = set()
        for w in self._trainable_variables + self._non_trainable_variables:
            if id(w) not in seen:
                seen.add(id(w))
                weights.append(w)
        for layer in self._layers:
            for w in layer.weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    weights.append(w)
        return weights

    @property
    def variables(self):
        return self.weights

    @property
    def trainable_weights(self):
        return [v for v in self.weights if v.trainable] if self._trainable else []

    @property
    def non_trainable_weights(self):
        return [v for v in self.weights if not v.trainable] if self._trainable else self.weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def metrics(self):
        metrics = list(self._metrics)
        for layer in self._layers:
            metrics.extend(layer.metrics)
        return metrics

    @property
    def metrics_variables(self):
        return [v for metric in self.metrics for v in metric.variables]

    def get_weights(self):
        """The values of `weights` as a list of NumPy arrays."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        """Assign `weights` (arrays in the order of `get_weights()`); every shape is checked first."""
        own = self.weights
        weights = list(weights)
        if len(own) != len(weights):
            raise ValueError(f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of "
                             f"length {len(weights)}, but the layer was expecting {len(own)} weights "
                             f"({[w.path for w in own]})")
        values = [convert_to_tensor(w) if not isinstance(w, Tensor) else w for w in weights]
        for variable, value in zip(own, values):
            if tuple(variable.shape) != tuple(value.shape):
                raise ValueError(f"Layer '{self.name}' weight '{variable.path}' has shape {tuple(variable.shape)}, "
                                 f"but the provided weight has shape {tuple(value.shape)}")
        for variable, value in zip(own, values):
            variable.assign(value)

    def count_params(self):
        """The number of scalars in this layer's weights."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. "
                             "You can build it manually via: `layer.build(input_shape)`")
        total = 0
        for w in self.weights:
            n = 1
            for d in w.shape:
                n *= d
            total += n
        return int(total)
