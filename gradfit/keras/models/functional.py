"""Functional models: `keras.Model(inputs, outputs)` over a graph of layers called on KerasTensors."""
from ... import nest
from ...ops import array as A
from ...ops import math as M
from ...tensor import Tensor, convert_to_tensor
from ..layers import masking
from ..layers.input_layer import InputLayer
from ..layers.keras_tensor import KerasTensor
from ..layers.layer import Layer
from ..trainer import Trainer
from .graph import execution_plan, map_graph
from .model import Model


class Functional(Model):
    """A model defined by its input and output KerasTensors. Inputs and outputs may be a tensor, a list
    or a dict of them; shared layers, multiple inputs/outputs and nested models are supported."""

    def __init__(self, inputs, outputs, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        if kwargs:
            raise TypeError(f"Functional model got unexpected arguments {sorted(kwargs)}")
        Trainer.__init__(self)
        Layer.__init__(self, name=name, trainable=trainable)
        self._inputs_struct = _plain_structure(inputs)
        self._outputs_struct = _plain_structure(outputs)
        self._inputs = nest.flatten(self._inputs_struct)
        self._outputs = nest.flatten(self._outputs_struct)
        for what, tensors in (("inputs", self._inputs), ("outputs", self._outputs)):
            for x in tensors:
                if not isinstance(x, KerasTensor):
                    raise ValueError(f"All `{what}` of a Functional model must be KerasTensors (from keras.Input "
                                     f"and layers called on them), got {x!r} of type {type(x).__name__}")
        self._nodes_by_depth, self._operations = map_graph(self._inputs, self._outputs)
        self._plan = execution_plan(self._nodes_by_depth, self._inputs)
        self._nodes = {id(node) for nodes in self._nodes_by_depth.values() for node in nodes}
        self._layers = [op for op in self._operations if not getattr(op, "_is_operation", False)]
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.built = True

    # --------------------------------------------------------------------------------- structure
    @property
    def layers(self):
        """All layers of the graph, InputLayers included, in Keras's order (inputs first)."""
        return list(self._layers)

    @property
    def operations(self):
        return list(self._operations)

    @property
    def inputs(self):
        return list(self._inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        return nest.map_structure(lambda x: tuple(x.shape), _unpack_singleton(self._inputs_struct))

    @property
    def output_shape(self):
        return nest.map_structure(lambda x: tuple(x.shape), _unpack_singleton(self._outputs_struct))

    @property
    def input_names(self):
        return [x.name for x in self._inputs]

    @property
    def output_names(self):
        return [x._keras_history.operation.name for x in self._outputs]

    def build(self, input_shape=None):
        self.built = True

    # ------------------------------------------------------------------------------------ calling
    def call(self, inputs, training=None, mask=None):
        flat_inputs = self._standardize_inputs(inputs)
        if mask is not None:
            for x, m in zip(flat_inputs, nest.flatten(mask)):
                masking.set_mask(x, m)
        values = {id(kt): x for kt, x in zip(self._inputs, flat_inputs)}
        for node, fill, key in self._plan:
            if key is not None:
                outputs = node.operation._call_in_model(values[key])
            else:
                args, kwargs = fill(values)
                if training is not None and "training" in kwargs:
                    kwargs["training"] = training
                outputs = node.operation(*args, **kwargs)
            kts = node.output_tensors
            if len(kts) == 1:
                values[id(kts[0])] = outputs if isinstance(outputs, Tensor) else nest.flatten(outputs)[0]
            else:
                for kt, value in zip(kts, nest.flatten(outputs)):
                    values[id(kt)] = value
        return nest.pack_sequence_as(_unpack_singleton(self._outputs_struct), [values[id(kt)] for kt in self._outputs])

    def _standardize_inputs(self, inputs):
        """The flat list of input tensors, matched to the model's inputs by position or by name, converted
        to each input's dtype, with a trailing axis of size 1 added or removed where the model expects it."""
        struct = self._inputs_struct
        if isinstance(inputs, dict) and not isinstance(struct, dict):
            names = [x.name for x in self._inputs]
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(f"Model '{self.name}' expects inputs named {names}, got a dict with keys "
                                 f"{sorted(inputs)}")
            flat = [inputs[n] for n in names]
        elif isinstance(struct, dict) and isinstance(inputs, dict):
            missing = [k for k in struct if k not in inputs]
            if missing:
                raise ValueError(f"Model '{self.name}' expects inputs with keys {sorted(struct)}, got keys "
                                 f"{sorted(inputs)}")
            flat = nest.flatten({k: inputs[k] for k in struct})
        else:
            flat = [inputs] if not isinstance(inputs, (list, tuple, dict)) else nest.flatten(inputs)
        if len(flat) != len(self._inputs):
            raise ValueError(f"Model '{self.name}' expects {len(self._inputs)} input(s) "
                             f"{[tuple(x.shape) for x in self._inputs]}, got {len(flat)}: "
                             f"{[tuple(getattr(x, 'shape', ())) for x in flat]}")
        return [self._conform(x, ref) for x, ref in zip(flat, self._inputs)]

    def _conform(self, x, ref):
        if x is None:
            return None
        mask = masking.mask_of(x) if masking.in_use else None
        if not isinstance(x, Tensor):
            x = convert_to_tensor(x)
        if x.dtype != ref.dtype:
            x = M.cast(x, ref.dtype)
        shape, expected = tuple(x.shape), tuple(ref.shape)
        if len(shape) == len(expected) + 1 and shape[-1] == 1:
            x = A.squeeze(x, axis=-1)
        elif len(shape) == len(expected) - 1 and expected[-1] == 1:
            x = A.expand_dims(x, -1)
        shape = tuple(x.shape)
        if len(shape) != len(expected) or any(e is not None and d != e for d, e in zip(shape[1:], expected[1:])):
            raise ValueError(f"Model '{self.name}' expected input '{ref.name}' of shape {expected}, got shape "
                             f"{tuple(shape)}")
        if mask is not None and masking.mask_of(x) is None:
            masking.set_mask(x, mask)
        return x

    def compute_output_spec(self, inputs, training=None, mask=None):
        """Output KerasTensors for symbolic inputs (a nested model called inside another graph)."""
        flat = [inputs] if not isinstance(inputs, (list, tuple, dict)) else nest.flatten(inputs)
        if isinstance(inputs, dict) and not isinstance(self._inputs_struct, dict):
            flat = [inputs[x.name] for x in self._inputs]
        values = {id(kt): x for kt, x in zip(self._inputs, flat)}
        for node, fill, _ in self._plan:
            args, kwargs = fill(values)
            outputs = node.operation.compute_output_spec(*args, **kwargs)
            for kt, value in zip(node.output_tensors, nest.flatten(outputs)):
                values[id(kt)] = value
        return nest.pack_sequence_as(_unpack_singleton(self._outputs_struct), [values[id(kt)] for kt in self._outputs])

    def compute_output_shape(self, input_shape):
        single = isinstance(input_shape, (tuple, list)) and all(d is None or isinstance(d, int) for d in input_shape)
        inputs = KerasTensor(input_shape) if single else [KerasTensor(s) for s in input_shape]
        return nest.map_structure(lambda x: tuple(x.shape), self.compute_output_spec(inputs))

    # -------------------------------------------------------------------------------------- config
    def get_config(self):
        from .functional_config import functional_config

        if type(self).__init__ is not Functional.__init__ and type(self).get_config is Functional.get_config:
            return Model.get_config(self)
        return functional_config(self)


def functional_from_config(cls, config, custom_objects=None):
    from .functional_config import rebuild_functional

    return rebuild_functional(cls if issubclass(cls, Functional) else Functional, config, custom_objects)


def _plain_structure(structure):
    """Inputs/outputs as given, with tuples made lists (as Keras keeps them)."""
    if isinstance(structure, tuple) and not hasattr(structure, "_fields"):
        return [_plain_structure(x) for x in structure]
    if isinstance(structure, list):
        return [_plain_structure(x) for x in structure]
    if isinstance(structure, dict):
        return {k: _plain_structure(v) for k, v in structure.items()}
    return structure


def _unpack_singleton(structure):
    if isinstance(structure, list) and len(structure) == 1:
        return structure[0]
    return structure


__all__ = ["Functional", "InputLayer"]
