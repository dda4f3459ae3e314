"""Layer: the base class of every Keras layer and model.

A layer stores its arguments in `__init__`, creates weights in `build(input_shape)` (run automatically
on the first call) and computes in `call(inputs, training=None, mask=None)`. `__call__` adds what
Keras adds around `call`: input conversion and checks, building, the training flag handed down to
nested layers, masks, activity regularization, and graph nodes for symbolic (Functional) inputs.
"""
import functools
import inspect
import threading
import warnings
import weakref

import numpy as np

from ... import nest
from ...backend import np_dtype
from ...ops import math as M
from ...tensor import Tensor, convert_to_tensor
from .. import backend as keras_backend
from .. import constraints, initializers, regularizers
from . import dtype_policy as policies
from . import masking
from .call_signature import call_info, input_shapes, is_tensor_like, map_shape_structure, plain_shape, shape_arguments
from .input_spec import accepts, assert_input_compatibility, fast_check_of
from .keras_tensor import KerasTensor, Node, any_symbolic
from .serialization import constructor_signature, is_plain_config
from .symbolic import output_spec_by_running
from .tracking import BUILD_SCOPE, Tracking


class _CallState(threading.local):
    """The call in progress on this thread: its outermost layer and the training value handed down."""

    entry = None
    training = None


_STATE = _CallState()
# Layers holding losses from `add_loss`; the next outermost call on their model clears them.
_LAYERS_WITH_LOSSES = weakref.WeakSet()


def _wrap_build(build):
    """`build` that also records the shapes it got and marks the layer built (as Keras's build wrapper)."""

    @functools.wraps(build)
    def wrapped_build(self, *args, **kwargs):
        scope = BUILD_SCOPE.layers
        inner = bool(scope) and scope[-1] is self  # a subclass's build calling its parent's
        if not inner:
            scope.append(self)
        try:
            build(self, *args, **kwargs)
        finally:
            if not inner:
                scope.pop()
        if "_build_shapes_dict" in self.__dict__:
            try:
                self._build_shapes_dict = inspect.signature(build).bind(self, *args, **kwargs).arguments
                self._build_shapes_dict.pop("self", None)
            except TypeError:
                self._build_shapes_dict = {"input_shape": args[0] if args else None}
        self.built = True

    wrapped_build._wraps_build = True
    return wrapped_build


class Layer(Tracking):
    """The Keras layer base class (`keras.layers.Layer`)."""

    def __new__(cls, *args, **kwargs):
        layer = super().__new__(cls)
        # The constructor arguments, so a subclass without its own get_config() still round-trips.
        try:
            bound = constructor_signature(cls).bind(None, *args, **kwargs)
        except TypeError:
            bound = None
        if bound is not None:
            arguments = dict(bound.arguments)
            arguments.pop(next(iter(arguments)), None)
            extra = arguments.pop("kwargs", None)
            if isinstance(extra, dict):
                arguments.update(extra)
            object.__setattr__(layer, "_auto_config", arguments)
        return layer

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_wraps_build", False):
            cls.build = _wrap_build(build)

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True, name=None,
                 **kwargs):
        # Legacy (tf.keras) arguments that give a Sequential model its input shape.
        input_dim = kwargs.pop("input_dim", None)
        input_shape = (input_dim,) if input_dim is not None else kwargs.pop("input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if batch_input_shape is not None:
            batch_size, input_shape = batch_input_shape[0], tuple(batch_input_shape[1:])
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        if not isinstance(trainable, bool):
            raise ValueError(f"Expected `trainable` to be a boolean, got trainable={trainable!r} "
                             f"(of type {type(trainable).__name__})")
        self._init_state(defaults=False)
        setattr_ = object.__setattr__
        setattr_(self, "name", name or keras_backend.unique_object_name(keras_backend.to_snake_case(
            type(self).__name__)))
        if not isinstance(self.name, str) or "/" in self.name:
            raise ValueError(f"Layer name must be a string without '/', got name={self.name!r}")
        setattr_(self, "_path", self.name)
        setattr_(self, "_trainable", trainable)
        self._set_dtype_policy(dtype)
        setattr_(self, "autocast", autocast)
        setattr_(self, "activity_regularizer", regularizers.get(activity_regularizer))
        setattr_(self, "_input_shape_arg", None if input_shape is None else tuple(input_shape))
        setattr_(self, "_batch_size_arg", batch_size)

    def _init_state(self, defaults=True):
        """The tracking and bookkeeping state (also set up lazily, with default name and dtype, if a
        subclass assigns attributes before calling `super().__init__()`)."""
        if "_layers" in self.__dict__:
            return
        setattr_ = object.__setattr__
        for attribute in ("_layers", "_trainable_variables", "_non_trainable_variables", "_metrics", "_losses",
                          "_inbound_nodes", "_outbound_nodes"):
            setattr_(self, attribute, [])
        setattr_(self, "_variable_ids", set())
        setattr_(self, "built", False)
        setattr_(self, "_build_shapes_dict", None)
        setattr_(self, "_input_spec", None)
        setattr_(self, "_fast_input_check", None)
        setattr_(self, "_convert_input_args", True)
        setattr_(self, "_allow_non_tensor_positional_args", False)
        info = call_info(self)
        setattr_(self, "_call_info", info)
        setattr_(self, "_call_has_training_arg", info.has_training)
        setattr_(self, "_call_has_mask_arg", info.has_mask)
        custom_mask = type(self).compute_mask is not Layer.compute_mask
        setattr_(self, "_custom_compute_mask", custom_mask)
        setattr_(self, "_supports_masking", custom_mask)
        if defaults:
            # Layer.__init__ (still to run) gives the unique name; this one only stands in until then.
            setattr_(self, "_trainable", True)
            setattr_(self, "name", keras_backend.to_snake_case(type(self).__name__))
            setattr_(self, "_path", self.name)
            setattr_(self, "autocast", True)
            setattr_(self, "activity_regularizer", None)
            self._set_dtype_policy(None)

    def _build_at_init(self):
        """Marks a layer with nothing to build as built right away (as Keras's weightless layers are)."""
        self.built = True

    # ----------------------------------------------------------------------------------------- dtypes
    def _set_dtype_policy(self, dtype):
        policy = policies.get(dtype)
        object.__setattr__(self, "_dtype_policy", policy)
        object.__setattr__(self, "_compute_np_dtype", np_dtype(policy.compute_dtype))

    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._set_dtype_policy(value)

    @property
    def dtype(self):
        """The dtype of the layer's weights ('float32' by default)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def path(self):
        return self._path

    # ------------------------------------------------------------------------------- input spec, masks
    @property
    def input_spec(self):
        return self._input_spec

    @input_spec.setter
    def input_spec(self, value):
        object.__setattr__(self, "_input_spec", value)
        object.__setattr__(self, "_fast_input_check", fast_check_of(value))

    def _assert_input_compatibility(self, x):
        fast = self._fast_input_check
        if fast is None or x.__class__ is not Tensor or not accepts(fast, x._value.shape):
            assert_input_compatibility(self._input_spec, x, self)

    @property
    def supports_masking(self):
        """Whether this layer passes on (or computes) a mask for its output."""
        return self._supports_masking

    @supports_masking.setter
    def supports_masking(self, value):
        object.__setattr__(self, "_supports_masking", bool(value))

    def compute_mask(self, inputs, previous_mask):
        return previous_mask

    # --------------------------------------------------------------------------------------- building
    def build(self, input_shape):
        """Create the layer's weights for inputs of `input_shape`; the base class has none to create."""
        self.built = True

    def _maybe_build(self, args, kwargs):
        shapes = input_shapes(self._call_info, args, kwargs)
        build = type(self).build
        if not getattr(build, "_wraps_build", False) or getattr(build, "_builds_by_calling", False):
            # `build` not overridden: nothing to create up front (sublayers build on their first call).
            self._build_shapes_dict = {"input_shape": next(iter(shapes.values()), None)}
            self.built = True
            return
        self.build(**shape_arguments(self.build, shapes, self))
        if self._input_spec is not None:
            self._assert_input_compatibility(args[0])

    def get_build_config(self):
        """The input shape(s) the layer was built with, so a reloaded layer can build the same weights."""
        if self._build_shapes_dict is None:
            return None
        shapes = {k: plain_shape(v) for k, v in self._build_shapes_dict.items()}
        if len(shapes) == 1 and "input_shape" in shapes:
            return {"input_shape": shapes["input_shape"]}
        return {"shapes_dict": shapes}

    def build_from_config(self, config):
        if not config:
            return
        if "input_shape" in config:
            self.build(config["input_shape"])
        elif "shapes_dict" in config:
            self.build(**config["shapes_dict"])

    # ------------------------------------------------------------------------------------------ calls
    def call(self, *args, **kwargs):
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `call()` method implemented")

    def __call__(self, *args, **kwargs):
        # The common case, one tensor of the compute dtype, goes straight through; this path runs for
        # every layer of every forward pass, so it avoids per-call introspection and allocation.
        first = args[0] if args else None
        cls = first.__class__
        if cls is not Tensor or len(args) != 1 or (kwargs and not _plain_keywords(kwargs)):
            if len(args) == 1 and cls is not KerasTensor and hasattr(cls, "__array__") and (
                    not kwargs or _plain_keywords(kwargs)):
                # A NumPy array of the compute dtype (what predict and fit usually pass) is wrapped as is.
                first = Tensor(first) if cls is np.ndarray and first.dtype is self._compute_np_dtype else \
                    self._convert_input(first)
                args = (first,)
            else:
                if not args:
                    args, kwargs = self._first_argument_from_keywords(kwargs)
                if any_symbolic(args, kwargs):
                    return self._symbolic_call(args, kwargs)
                args, kwargs = self._convert_arguments(args, kwargs)
                first = args[0]
        elif first._value.dtype is not self._compute_np_dtype and first._value.dtype.kind == "f" and \
                self.autocast and self._convert_input_args:
            first = self._convert_input(first)
            args = (first,)
        fast = self._fast_input_check
        if fast is not None:
            if first.__class__ is not Tensor or not accepts(fast, first._value.shape):
                assert_input_compatibility(self._input_spec, first, self)
        elif self._input_spec is not None:
            assert_input_compatibility(self._input_spec, first, self)
        if not self.built:
            self._maybe_build(args, kwargs)
        state = _STATE
        if state.entry is not None:
            if kwargs or len(args) != 1 or masking.in_use or self._custom_compute_mask:
                return self._call_in_context(state, first, args, kwargs)
            # A layer inside a model's forward pass: the training value comes from the outer call.
            training = state.training
            info = self._call_info
            if training is None:
                training = state.training = info.training_default
            outputs = self.call(first, training=training) if training is not None and info.has_training \
                else self.call(first)
            if self.activity_regularizer is not None:
                self._add_activity_loss(outputs)
            return outputs
        # The outermost call: it owns the training value handed down, and clears the last call's losses.
        state.entry = self
        state.training = None
        if _LAYERS_WITH_LOSSES.data:  # the WeakSet's own set: a C-level test, not WeakSet.__len__
            self._clear_losses()
        try:
            return self._call_in_context(state, first, args, kwargs)
        finally:
            state.entry = None
            state.training = None

    def _call_in_model(self, x):
        """Call from inside a built model's forward pass on a tensor whose shape and dtype the model already
        checked when it was built: the same as `self(x)`, without re-checking the input."""
        state = _STATE
        if state.entry is None or masking.in_use or self._custom_compute_mask:
            return self(x)
        training = state.training
        if training is None:
            training = state.training = self._call_info.training_default
        outputs = self.call(x, training=training) if training is not None and self._call_has_training_arg \
            else self.call(x)
        if self.activity_regularizer is not None:
            self._add_activity_loss(outputs)
        return outputs

    def _call_in_context(self, state, first, args, kwargs):
        """Resolve `training` and `mask`, run `call`, then activity regularization and output masks."""
        info = self._call_info
        # training: this call's argument, else the outer call's value, else call()'s default.
        if "training" in kwargs:
            training = kwargs["training"]
            if not info.has_training and not info.var_kwargs:
                del kwargs["training"]
        else:
            training = state.training
            if training is None:
                training = info.training_default
            if training is not None and info.has_training:
                kwargs["training"] = training
        state.training = training
        if not masking.in_use and not self._custom_compute_mask:
            outputs = self.call(*args, **kwargs)
            if self.activity_regularizer is not None:
                self._add_activity_loss(outputs)
            return outputs
        if info.has_mask:
            previous_mask = kwargs.get("mask")
            if previous_mask is None:
                previous_mask = kwargs["mask"] = masking.mask_of(first)
        else:
            previous_mask = masking.mask_of(first)
        outputs = self.call(*args, **kwargs)
        if self.activity_regularizer is not None:
            self._add_activity_loss(outputs)
        if self._supports_masking:
            if previous_mask is not None or self._custom_compute_mask:
                self._set_mask_metadata(first, outputs, previous_mask)
        elif previous_mask is not None and any(m is not None for m in nest.flatten(previous_mask)):
            warnings.warn(f"Layer '{self.name}' (of type {type(self).__name__}) was passed an input with a mask "
                          "attached to it, but it does not support masking, so downstream layers will not see "
                          "the mask", stacklevel=3)
        return outputs

    def _first_argument_from_keywords(self, kwargs):
        """`layer(inputs=x)`: the first argument of `call` given by name."""
        first = self._call_info.first
        if first is None or first not in kwargs:
            raise ValueError(f"Layer '{self.name}' was called without inputs: pass them as the first argument")
        kwargs = dict(kwargs)
        return (kwargs.pop(first),), kwargs

    def _convert_arguments(self, args, kwargs):
        """Arrays become tensors; floating inputs are cast to the layer's compute dtype (autocast)."""
        if self._convert_input_args:
            convert = self._convert_input
            args = tuple(nest.map_structure(convert, list(args)))
            kwargs = {k: (v if k == "training" else nest.map_structure(convert, v)) for k, v in kwargs.items()}
        if not self._allow_non_tensor_positional_args:
            for x in nest.flatten(list(args)):
                if x is not None and not is_tensor_like(x):
                    raise ValueError(f"Layer '{self.name}' takes tensors as positional arguments; pass "
                                     f"{x!r} (of type {type(x).__name__}) as a keyword argument or convert it "
                                     "to an array first")
        return args, kwargs

    def _convert_input(self, x):
        if isinstance(x, Tensor):
            if self.autocast and x._value.dtype.kind == "f" and x._value.dtype != self._compute_np_dtype:
                mask = masking.mask_of(x)
                x = M.cast(x, self._compute_np_dtype)
                if mask is not None:
                    masking.set_mask(x, mask)
            return x
        if isinstance(x, KerasTensor) or not hasattr(x, "__array__"):
            return x
        x = convert_to_tensor(x)
        if self.autocast and x._value.dtype.kind == "f" and x._value.dtype != self._compute_np_dtype:
            x = M.cast(x, self._compute_np_dtype)
        return x

    def _set_mask_metadata(self, inputs, outputs, previous_mask):
        flat_outputs = [outputs] if isinstance(outputs, Tensor) else nest.flatten(outputs)
        if all(masking.mask_of(x) is not None for x in flat_outputs):
            return
        masks = self.compute_mask(inputs, previous_mask)
        if masks is None:
            return
        for tensor, mask in zip(flat_outputs, nest.flatten(masks)):
            if mask is not None and isinstance(tensor, Tensor) and masking.mask_of(tensor) is None:
                masking.set_mask(tensor, mask)

    # ------------------------------------------------------------------------------- symbolic calls
    def _symbolic_call(self, args, kwargs):
        """Called on KerasTensors: build, infer the output's shape and dtype, and record a graph node."""
        if self._input_spec is not None:
            assert_input_compatibility(self._input_spec, args[0], self)
        if not self.built:
            self._maybe_build(args, kwargs)
        outputs = self.compute_output_spec(*args, **kwargs)
        if self._custom_compute_mask or (self._supports_masking and any(
                isinstance(x, KerasTensor) and x._keras_mask is not None for x in nest.flatten(list(args)))):
            # The output's symbolic mask, so mask-aware layers downstream see one while the graph is built.
            with_masks = output_spec_by_running(self, args, kwargs)
            for output, spec in zip(nest.flatten(outputs), nest.flatten(with_masks)):
                if isinstance(output, KerasTensor) and isinstance(spec, KerasTensor) and output._keras_mask is None:
                    output._keras_mask = spec._keras_mask
        Node(self, args, kwargs, outputs)
        return outputs

    def compute_output_shape(self, *args, **kwargs):
        raise NotImplementedError(f"Layer {type(self).__name__} should implement "
                                  "`def compute_output_shape(self, input_shape)`")

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensors for the outputs of a call on the given (symbolic) inputs."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = input_shapes(self._call_info, args, kwargs)
            output_shape = self.compute_output_shape(**shape_arguments(self.compute_output_shape, shapes, self))
            dtype = self.compute_dtype
            return map_shape_structure(lambda s: KerasTensor(s, dtype=dtype), output_shape)
        return output_spec_by_running(self, args, kwargs)

    @property
    def input(self):
        """The symbolic input of this layer's first call on KerasTensors."""
        return self._node_attribute("call_args", "input")

    @property
    def output(self):
        """The symbolic output of this layer's first call on KerasTensors."""
        return self._node_attribute("outputs", "output")

    def _node_attribute(self, attribute, what):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on symbolic inputs and thus has no "
                                 f"defined {what}")
        value = getattr(self._inbound_nodes[0], attribute)
        if attribute == "call_args":
            return value[0] if len(value) == 1 else list(value)
        return value

    # ------------------------------------------------------------------------------------------ losses
    def add_loss(self, loss):
        """Add a scalar loss tensor (from `call`): it appears in `losses` until the next outer call."""
        for x in nest.flatten(loss):
            if not isinstance(x, Tensor):
                raise ValueError(f"`add_loss()` on layer '{self.name}' takes tensors computed in `call()`, got {x!r}")
            self._losses.append(x)
        _LAYERS_WITH_LOSSES.add(self)

    def _add_activity_loss(self, outputs):
        for output in nest.flatten(outputs):
            if isinstance(output, Tensor):
                loss = self.activity_regularizer(output)
                if output.ndim > 0:
                    # Divided by the batch size so the penalty's weight does not change with it, as Keras.
                    loss = M.divide_no_nan(loss, M.cast(output.shape[0], loss.dtype))
                self.add_loss(loss)

    def _clear_losses(self):
        if self._losses:
            self._losses.clear()
        _LAYERS_WITH_LOSSES.discard(self)
        for layer in self._layers:
            layer._clear_losses()

    @property
    def losses(self):
        """Losses from `add_loss` and activity regularizers in the last call, then weight penalties."""
        losses = list(self._losses)
        if _LAYERS_WITH_LOSSES:  # only then can a sublayer hold losses from its last call
            for layer in self._flatten_layers(include_self=False):
                losses.extend(layer._losses)
        for variable in self.trainable_weights:
            if variable.regularizer is not None:
                losses.append(variable.regularizer(variable))
        return losses

    def _flatten_layers(self, include_self=True, recursive=True):
        """This layer and its sublayers (depth first, in Keras's order), each once."""
        layers = [self] if include_self else []
        seen = set()
        pending = list(reversed(self._layers))
        while pending:
            layer = pending.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            layers.append(layer)
            if recursive:
                pending.extend(reversed(layer._layers))
        return layers

    # ------------------------------------------------------------------------------- configuration
    def get_config(self):
        """The constructor arguments that recreate this layer (`from_config(get_config())`)."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": policies.serialize(self._dtype_policy)}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if type(self).get_config is Layer.get_config and type(self).__init__ is not Layer.__init__:
            # A subclass without get_config(): its constructor arguments, when they are plain values.
            auto = self.__dict__.get("_auto_config")
            # Only the arguments the base config does not already hold (e.g. a DTypePolicy given as dtype by
            # from_config is serialized above) must be plain values.
            extra = None if auto is None else {k: v for k, v in auto.items() if k not in config}
            if extra is None or not all(is_plain_config(v) for v in extra.values()):
                raise NotImplementedError(
                    f"Layer {type(self).__name__} cannot be recreated from its config automatically: override "
                    "`get_config()` to return its constructor arguments")
            config.update(extra)
        return config

    # ---------------------------------------------------------------------------------------- saving
    def save_own_variables(self, store):
        """Write this layer's own variables into `store` (a Keras weights-file group), as Keras does."""
        from ..saving.state_tree import save_own_variables

        save_own_variables(self, store)

    def load_own_variables(self, store):
        """Read this layer's own variables from `store`, checking every shape before assigning."""
        from ..saving.state_tree import load_own_variables

        load_own_variables(self, store)

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = policies.get(config["dtype"])
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    __str__ = __repr__


_PLAIN = frozenset((bool, type(None), int, float, str, Tensor))


def _plain_keywords(kwargs):
    """Whether keyword arguments need no conversion (flags, numbers, tensors already)."""
    for value in kwargs.values():
        if value.__class__ not in _PLAIN:
            return False
    return True


def take_weight_settings(layer, **settings):
    """Set `layer.<name>_initializer`, `_regularizer` and `_constraint` from `name=(initializer, regularizer,
    constraint)` as given to a constructor (identifiers, configs or objects)."""
    for name, (initializer, regularizer, constraint) in settings.items():
        setattr(layer, f"{name}_initializer", initializers.get(initializer))
        setattr(layer, f"{name}_regularizer", regularizers.get(regularizer))
        setattr(layer, f"{name}_constraint", constraints.get(constraint))


def weight_settings(layer, *names, activity=False):
    """The `get_config` entries for the initializers, regularizers and constraints of the weights `names`
    (e.g. "kernel", "bias"), in Keras's order: initializers, regularizers, the activity regularizer
    when `activity`, constraints."""
    config = {f"{n}_initializer": initializers.serialize(getattr(layer, f"{n}_initializer")) for n in names}
    config.update({f"{n}_regularizer": regularizers.serialize(getattr(layer, f"{n}_regularizer")) for n in names})
    if activity:
        config["activity_regularizer"] = regularizers.serialize(layer.activity_regularizer)
    config.update({f"{n}_constraint": constraints.serialize(getattr(layer, f"{n}_constraint")) for n in names})
    return config
