"""The graph of a Functional model: which nodes lie between its inputs and outputs, and in what order.

Layer order follows Keras 3 exactly (deepest from the outputs first, ties in the order the search
from the outputs met them), so `model.layers` and `model.get_weights()` line up with Keras's.
"""
import collections

from ... import nest


def map_graph(inputs, outputs):
    """(nodes_by_depth, operations) for the graph from the flat `inputs` to the flat `outputs`.

    Raises ValueError when an output depends on a KerasTensor that is not reachable from `inputs`.
    """
    nodes_in_decreasing_depth, operation_indices = _build_map(inputs, outputs)
    node_depths = {}
    operation_depths = {}
    for node in reversed(nodes_in_decreasing_depth):
        depth = node_depths.setdefault(node, 0)
        depth = max(depth, operation_depths.get(node.operation, 0))
        operation_depths[node.operation] = depth
        node_depths[node] = depth
        for parent in node.parent_nodes:
            node_depths[parent] = max(depth + 1, node_depths.get(parent, 0))
    for tensor in inputs:
        operation = tensor._keras_history.operation
        if operation not in operation_depths:
            operation_depths[operation] = 0
            operation_indices[operation] = -1
            node_depths[operation._inbound_nodes[0]] = 0

    nodes_by_depth = collections.defaultdict(list)
    for node, depth in node_depths.items():
        nodes_by_depth[depth].append(node)
    operations_by_depth = collections.defaultdict(list)
    for operation, depth in operation_depths.items():
        operations_by_depth[depth].append(operation)
    operations = []
    for depth in sorted(operations_by_depth, reverse=True):
        operations.extend(sorted(operations_by_depth[depth], key=lambda op: operation_indices[op]))

    _check_connected(inputs, nodes_by_depth)
    return dict(nodes_by_depth), operations


def _build_map(inputs, outputs):
    """Depth-first search from the outputs: nodes in decreasing depth, and each operation's discovery
    index."""
    finished, in_progress = set(), set()
    ordered, operation_indices = [], {}
    input_ids = {id(t) for t in inputs}

    def visit(tensor):
        history = tensor._keras_history
        if history is None:
            return
        operation = history.operation
        node = operation._inbound_nodes[history.node_index]
        if node in finished:
            return
        if node in in_progress:
            raise ValueError(f"The graph of layers has a cycle at layer '{operation.name}'")
        if operation not in operation_indices:
            operation_indices[operation] = len(operation_indices)
        in_progress.add(node)
        if not node.is_input and id(tensor) not in input_ids:
            for parent_tensor in node.input_tensors:
                visit(parent_tensor)
        finished.add(node)
        in_progress.discard(node)
        ordered.append(node)

    for output in outputs:
        visit(output)
    return ordered, operation_indices


def _check_connected(inputs, nodes_by_depth):
    """Every tensor a node needs must be a model input or the output of an earlier node."""
    computable = {id(t) for t in inputs}
    used = set()
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            if node.is_input and not any(id(t) in computable for t in node.output_tensors):
                continue
            for tensor in node.input_tensors:
                if id(tensor) not in computable:
                    raise ValueError(
                        f"Graph disconnected: cannot obtain value for tensor {tensor.name} (shape "
                        f"{tuple(tensor.shape)}) needed by layer '{node.operation.name}': it does not come from "
                        f"the model's inputs {[t.name for t in inputs]}. Layers reached without issue: "
                        f"{sorted(used)}")
            used.add(node.operation.name)
            for tensor in node.output_tensors:
                computable.add(id(tensor))


def execution_plan(nodes_by_depth, inputs):
    """The non-input nodes in the order they run (deepest first), each as (node, argument filler, key).

    `key` is set for a call on one tensor whose shape and dtype the graph already checked when it was
    built (the id of that KerasTensor): such a call can skip the layer's input checks.
    """
    from ..layers.keras_tensor import KerasTensor

    input_ids = {id(t) for t in inputs}
    plan = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            if node.is_input or any(id(t) in input_ids for t in node.output_tensors):
                continue
            layer, args = node.operation, node.call_args
            trusted = (len(args) == 1 and not node.call_kwargs and isinstance(args[0], KerasTensor)
                       and getattr(layer, "built", False) and (args[0].dtype == layer.compute_dtype
                                                               or not args[0].dtype.is_floating
                                                               or not layer.autocast))
            plan.append((node, _argument_filler(node), id(args[0]) if trusted else None))
    return plan


def _argument_filler(node):
    """A function from {id(KerasTensor): value} to this node's (args, kwargs)."""
    from ..layers.keras_tensor import KerasTensor

    args, kwargs = node.call_args, node.call_kwargs
    if len(args) == 1 and not kwargs and isinstance(args[0], KerasTensor):
        key = id(args[0])
        return lambda values: ((values[key],), {})
    if len(args) == 1 and not kwargs and isinstance(args[0], list) and all(isinstance(x, KerasTensor)
                                                                            for x in args[0]):
        keys = [id(x) for x in args[0]]
        return lambda values: (([values[k] for k in keys],), {})

    def fill(values):
        def resolve(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        return (tuple(nest.map_structure(resolve, list(args))),
                {k: nest.map_structure(resolve, v) for k, v in kwargs.items()})

    return fill
