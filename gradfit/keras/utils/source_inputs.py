"""keras.utils.get_source_inputs: the graph inputs a symbolic tensor is computed from."""


def get_source_inputs(tensor):
    """The input KerasTensors (from `keras.Input`) needed to compute the KerasTensor `tensor`, as a list,
    each once, in the order the search back through the layers meets them. A value that is not a symbolic
    tensor is returned as it is."""
    history = getattr(tensor, "_keras_history", None)
    if not hasattr(tensor, "_keras_history"):
        return tensor
    if history is None or not history.operation._inbound_nodes:
        return [tensor]
    node = history.operation._inbound_nodes[history.node_index]
    if node.is_input:
        return list(node.output_tensors)
    sources = []
    for parent in node.input_tensors:
        for source in get_source_inputs(parent):
            if all(source is not known for known in sources):
                sources.append(source)
    return sources
