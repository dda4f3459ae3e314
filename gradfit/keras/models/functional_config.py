"""A Functional model's config in Keras 3's format, and the model rebuilt from one.

Each layer is serialized with its `inbound_nodes`: the arguments of each of its calls inside the model,
where a KerasTensor is written as `[layer name, node index, tensor index]` of the call that made it.
"""
from ... import nest
from ..layers.keras_tensor import KerasTensor
from ..saving.serialization_lib import deserialize_keras_object


def _serialize_layer(layer):
    from .. import layers

    return layers.serialize(layer)


def functional_config(model):
    """The config dict (`name`, `trainable`, `layers`, `input_layers`, `output_layers`)."""
    own = model._nodes
    # A layer's calls inside this model are renumbered 0, 1, ... (it may have calls elsewhere too).
    reindex = {}
    for operation in model._operations:
        kept = 0
        for node in operation._inbound_nodes:
            if id(node) in own:
                reindex[id(node)] = kept
                kept += 1

    def tensor_ref(tensor):
        history = tensor._keras_history
        node = history.operation._inbound_nodes[history.node_index]
        return [history.operation.name, reindex[id(node)], history.tensor_index]

    def serialize_argument(x):
        if isinstance(x, KerasTensor):
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(x.shape), "dtype": x.dtype.name, "keras_history": tensor_ref(x)}}
        return x

    layer_configs = []
    for operation in model._operations:
        inbound = []
        for node in operation._inbound_nodes:
            if id(node) in own and not node.is_input:
                inbound.append({"args": nest.map_structure(serialize_argument, list(node.call_args)),
                                "kwargs": {k: nest.map_structure(serialize_argument, v)
                                           for k, v in node.call_kwargs.items()}})
        config = _serialize_layer(operation)
        config["name"] = operation.name
        config["inbound_nodes"] = inbound
        layer_configs.append(config)
    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": nest.map_structure(tensor_ref, model._inputs_struct),
            "output_layers": nest.map_structure(tensor_ref, model._outputs_struct)}


def _is_tensor_ref(x):
    return isinstance(x, list) and len(x) == 3 and isinstance(x[0], str) and all(isinstance(i, int) for i in x[1:])


def rebuild_functional(cls, config, custom_objects=None, make_layer=None):
    """The model described by `config`: layers recreated (by `make_layer(layer_config)` when given), then
    called again in the recorded order. Tensors are found by the names the config gives the layers."""
    from .. import layers as layers_module

    if make_layer is None:
        def make_layer(layer_data):
            return layers_module.deserialize(layer_data, custom_objects=custom_objects)

    produced = {}  # (layer name in the config, node index, tensor index) -> KerasTensor
    pending = []
    for layer_data in config["layers"]:
        layer = make_layer(layer_data)
        name = layer_data["name"]
        if layer.__class__.__name__ == "InputLayer":
            produced[(name, 0, 0)] = layer.output
        pending.extend((name, layer, node) for node in layer_data.get("inbound_nodes", []))
    calls = {}
    while pending:
        progress = False
        remaining = []
        for name, layer, node in pending:
            arguments = _resolve(node, produced)
            if arguments is None:
                remaining.append((name, layer, node))
                continue
            args, kwargs = arguments
            outputs = layer(*args, **kwargs)
            index = calls.get(name, 0)
            calls[name] = index + 1
            for i, tensor in enumerate(nest.flatten(outputs)):
                produced[(name, index, i)] = tensor
            progress = True
        if not progress:
            names = sorted({name for name, _, _ in remaining})
            raise ValueError(f"Cannot rebuild the model from its config: the inputs of layers {names} never appear")
        pending = remaining

    def lookup(ref):
        return produced[tuple(ref)]

    inputs = _map_refs(lookup, config["input_layers"])
    outputs = _map_refs(lookup, config["output_layers"])
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _map_refs(fn, structure):
    if _is_tensor_ref(structure):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: _map_refs(fn, v) for k, v in structure.items()}
    return [_map_refs(fn, v) for v in structure]


def _resolve(node, produced):
    """(args, kwargs) with tensor references replaced by the tensors made so far; None if one is missing."""
    missing = []

    def resolve(x):
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            key = tuple(x["config"]["keras_history"])
            if key not in produced:
                missing.append(key)
                return None
            return produced[key]
        return x

    def walk(x):
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            return resolve(x)
        if isinstance(x, dict) and x.get("class_name") in _INDEX_PARTS:
            return deserialize_keras_object(x)
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            items = [walk(v) for v in x]
            # An index key (`x[:, :2]`) was a tuple of slices before JSON made it a list.
            if any(v is Ellipsis or isinstance(v, slice) for v in items) and all(
                    v is None or v is Ellipsis or isinstance(v, (slice, int)) for v in items):
                return tuple(items)
            return items
        return x

    args = [walk(a) for a in node.get("args", [])]
    kwargs = {k: walk(v) for k, v in node.get("kwargs", {}).items()}
    return None if missing else (args, kwargs)


_INDEX_PARTS = ("__slice__", "__ellipsis__")
