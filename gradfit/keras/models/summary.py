"""`model.summary()`: the table Keras 3 prints (same columns, widths, wrapping and totals), as plain text."""
import re
import shutil

from ... import nest
from ..utils.progbar import print_msg

_WORD = re.compile(r"\s*\S+\s*")


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Print the summary, or pass it to `print_fn` as one string (as Keras 3 does)."""
    text = summary_text(model, line_length, positions, expand_nested, show_trainable, layer_range)
    if print_fn is None:
        print_msg(text, line_break=False)
    else:
        print_fn(text)


def summary_text(model, line_length=None, positions=None, expand_nested=False, show_trainable=False,
                 layer_range=None):
    layers, sequential_like, relevant_nodes = _layout(model)
    if sequential_like:
        default_length, positions = 88, positions or [0.45, 0.80, 1.0]
        header, align = ["Layer (type)", "Output Shape", "Param #"], ["left", "left", "right"]
    else:
        default_length, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header, align = ["Layer (type)", "Output Shape", "Param #", "Connected to"], ["left", "left", "right", "left"]
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        align.append("center")
    console_width = shutil.get_terminal_size().columns
    line_length = line_length or min(default_length, console_width - 4)
    widths = _column_widths(positions, line_length, len(header))

    rows = []
    start, stop = _layer_index_range(layers, layer_range)
    for layer in layers[start:stop]:
        rows.extend(_layer_rows(layer, 0, sequential_like, relevant_nodes, show_trainable, expand_nested))

    lines = [f'Model: "{model.name}"', _border("┏", "┳", "┓", "━", widths)]
    lines += _row_lines(header, widths, align, "┃")
    lines.append(_border("┡", "╇", "┩", "━", widths))
    for i, row in enumerate(rows):
        if i:
            lines.append(_border("├", "┼", "┤", "─", widths))
        lines += _row_lines(row, widths, align, "│")
    lines.append(_border("└", "┴", "┘", "─", widths))

    trainable, non_trainable = model.trainable_weights, model.non_trainable_weights
    optimizer = getattr(model, "optimizer", None)
    optimizer_variables = list(getattr(optimizer, "variables", []) or []) if (
        getattr(model, "compiled", False) and optimizer is not None and getattr(optimizer, "built", False)) else []
    counts = [(" Trainable params: ", trainable), (" Non-trainable params: ", non_trainable)]
    total_count = sum(_count(w) for _, w in counts) + _count(optimizer_variables)
    total_bytes = sum(_bytes(w) for _, w in counts) + _bytes(optimizer_variables)
    lines.append(f" Total params: {total_count:,} ({_readable(total_bytes)})")
    for label, weights in counts:
        lines.append(f"{label}{_count(weights):,} ({_readable(_bytes(weights))})")
    if optimizer_variables:
        lines.append(f" Optimizer params: {_count(optimizer_variables):,} ({_readable(_bytes(optimizer_variables))})")
    # Keras prints through a console as wide as the terminal, which cuts longer lines.
    return "\n".join(line[:console_width] for line in lines) + "\n"


def _layout(model):
    """(layers to list, whether the model reads as a plain stack, the model's own graph nodes)."""
    from .functional import Functional

    if not isinstance(model, Functional):
        return model.layers, True, None
    relevant = [node for nodes in model._nodes_by_depth.values() for node in nodes]
    sequential_like = True
    nodes = []
    for depth_nodes in model._nodes_by_depth.values():
        if len(depth_nodes) > 1 or (len(depth_nodes) == 1 and len(depth_nodes[0].input_tensors) > 1):
            sequential_like = False
            break
        nodes += depth_nodes
    if sequential_like:
        for layer in model.layers:
            if sum(1 for node in layer._inbound_nodes if node in nodes) > 1:
                sequential_like = False
                break
    return model._operations, sequential_like, relevant


def _layer_rows(layer, level, sequential_like, relevant_nodes, show_trainable, expand_nested):
    prefix = "   " * level + "└ " if level else ""
    class_name = getattr(layer, "summary_class_name", type(layer).__name__)
    if not getattr(layer, "built", True):
        params = "0 (unbuilt)"
    else:
        params = f"{layer.count_params():,}"
    row = [f"{prefix}{layer.name} ({class_name})", _output_shape_text(layer), params]
    if not sequential_like:
        row.append(_connections(layer, relevant_nodes))
    if show_trainable:
        row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
    rows = [row]
    if expand_nested and getattr(layer, "layers", None):
        for inner in layer.layers:
            rows.extend(_layer_rows(inner, level + 1, sequential_like, relevant_nodes, show_trainable, expand_nested))
    return rows


def _format_shape(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _output_shape_text(layer):
    if layer._inbound_nodes:
        shapes = [_format_shape(t.shape) for t in layer._inbound_nodes[-1].output_tensors]
        outputs = layer._inbound_nodes[-1].outputs
        if len(shapes) == 1:
            return shapes[0]
        return str(nest.pack_sequence_as(outputs, shapes)).replace("'", "")
    if not layer._build_shapes_dict:
        return "?"
    try:
        shape = layer.output_shape if hasattr(type(layer), "output_shape") else layer.compute_output_shape(
            **layer._build_shapes_dict)
    except (NotImplementedError, AttributeError, TypeError, ValueError):
        return "?"
    if isinstance(shape, (tuple, list)) and all(d is None or isinstance(d, int) for d in shape):
        return _format_shape(shape)
    return str(shape).replace("'", "")


def _connections(layer, relevant_nodes):
    parts = []
    for node in layer._inbound_nodes:
        if relevant_nodes and node not in relevant_nodes:
            continue
        for tensor in node.input_tensors:
            history = tensor._keras_history
            parts.append(f"{history.operation.name}[{history.node_index}][{history.tensor_index}]")
    return ", ".join(parts) or "-"


def _column_widths(positions, line_length, columns):
    """Cell widths (padding included) as rich lays out Keras's table in `line_length` characters."""
    widths, current = [], 0
    for position in positions:
        width = int(position * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary")
        widths.append(width + 2)
        current += width
    available = line_length - (columns + 1)
    excess = sum(widths) - available
    if excess > 0:
        # rich's ratio_reduce: take the excess from the columns evenly, rounding as it goes.
        remaining, ratio_left, reduced = excess, len(widths), []
        for width in widths:
            cut = min(width, round(remaining / ratio_left))
            reduced.append(width - cut)
            remaining -= cut
            ratio_left -= 1
        widths = reduced
    return widths


def _wrap(text, width):
    """Word-wrap `text` to `width` as rich does; a word longer than a line is cut with '…'."""
    breaks, offset = [], 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        else:
            if start:
                breaks.append(start)
            offset = len(word)
    pieces = [text[a:b] for a, b in zip([0] + breaks, breaks + [len(text)])] or [""]
    lines = []
    for piece in pieces:
        piece = piece.rstrip()
        lines.append(piece if len(piece) <= width else piece[:width - 1] + "…")
    return lines


def _row_lines(cells, widths, align, bar):
    wrapped = [_wrap(str(cell), w - 2) for cell, w in zip(cells, widths)]
    height = max(len(w) for w in wrapped)
    lines = []
    for i in range(height):
        parts = []
        for lines_of_cell, w, how in zip(wrapped, widths, align):
            text = lines_of_cell[i] if i < len(lines_of_cell) else ""
            inner = w - 2
            text = text.rjust(inner) if how == "right" else text.center(inner) if how == "center" else text.ljust(inner)
            parts.append(f" {text} ")
        lines.append(bar + bar.join(parts) + bar)
    return lines


def _border(left, middle, right, fill, widths):
    return left + middle.join(fill * w for w in widths) + right


def _count(weights):
    total = 0
    for w in {id(w): w for w in weights}.values():
        n = 1
        for d in w.shape:
            n *= d
        total += n
    return int(total)


def _bytes(weights):
    return sum(_count([w]) * w.dtype.size for w in {id(w): w for w in weights}.values())


def _readable(size):
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _layer_index_range(layers, layer_range):
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2:
        raise ValueError(f"layer_range must be a list or tuple of length 2, got {layer_range!r}")
    first = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    last = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not first or not last:
        raise ValueError(f"Passed layer_range {layer_range} does not match any layer names "
                         f"{[layer.name for layer in layers]}")
    return min(first), max(last) + 1
