"""Arguments shared by the convolution and pooling layers, checked as Keras checks them, and the output
sizes those layers compute from them (TensorFlow's 'valid'/'same' arithmetic)."""
from ... import backend


def standardize_tuple(value, n, name, allow_zero=False):
    """`value` (an int, or n ints) as a tuple of n positive (or, with allow_zero, non-negative) ints."""
    message = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value!r}"
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, int):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(message) from None
        if len(values) != n or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise ValueError(message)
    bad = sorted({v for v in values if (v < 0 if allow_zero else v <= 0)})
    if bad:
        bound = ">=" if allow_zero else ">"
        raise ValueError(f"{message}, including values {bad} that do not satisfy `value {bound} 0`")
    return values


def take_geometry(layer, kernel_size, strides, padding, data_format, dilation_rate, allow_causal=False,
                  strided_dilation=False):
    """Set a convolution layer's kernel_size, strides, dilation_rate, padding and data_format, checked;
    strides and dilation both above 1 are refused unless `strided_dilation` (as Keras refuses them)."""
    rank = layer.rank
    layer.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
    layer.strides = standardize_tuple(strides, rank, "strides")
    layer.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
    layer.padding = standardize_padding(padding, allow_causal=allow_causal)
    layer.data_format = standardize_data_format(data_format)
    if not strided_dilation and max(layer.strides) > 1 and max(layer.dilation_rate) > 1:
        raise ValueError(f"{type(layer).__name__}: `strides > 1` not supported in conjunction with "
                         f"`dilation_rate > 1`. Received: strides={layer.strides} and "
                         f"dilation_rate={layer.dilation_rate}")


def input_channels(layer, input_shape):
    """The channel dimension of a convolution layer's input shape (it must be known to build)."""
    channels = input_shape[channel_axis(layer.data_format)]
    if channels is None:
        raise ValueError(f"{type(layer).__name__} '{layer.name}' needs the channel dimension of its input to be "
                         f"known, got shape {tuple(input_shape)}")
    return channels


def standardize_padding(value, allow_causal=False):
    """'valid' or 'same' (or 'causal' where allowed), case-insensitive."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError(f"The `padding` argument must be one of {allowed}. Received: padding={value!r}")
    return padding


def standardize_data_format(data_format):
    """'channels_last' or 'channels_first'; None means `keras.backend.image_data_format()`."""
    if data_format is None:
        return backend.image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                         f"Received: data_format={data_format!r}")
    return value


def channel_axis(data_format):
    return -1 if data_format == "channels_last" else 1


def spatial_dims(shape, data_format):
    """The spatial dimensions of a (batch, ..., channels) or (batch, channels, ...) shape."""
    shape = tuple(shape)
    return shape[1:-1] if data_format == "channels_last" else shape[2:]


def with_spatial(shape, spatial, channels, data_format):
    """A shape with the batch dimension of `shape`, the given spatial dimensions and channels."""
    batch = tuple(shape)[0]
    if data_format == "channels_last":
        return (batch,) + tuple(spatial) + (channels,)
    return (batch, channels) + tuple(spatial)


def conv_output_length(size, kernel, stride, padding, dilation=1):
    """The size of a convolution or pooling output along one axis (None stays None); 0 or less when the
    window does not fit."""
    if size is None:
        return None
    if padding == "valid":
        return (size - dilation * (kernel - 1) - 1) // stride + 1
    return (size - 1) // stride + 1


def conv_transpose_output_length(size, kernel, stride, padding, output_padding=None, dilation=1):
    """The size of a transposed convolution's output along one axis, as Keras computes it for TensorFlow."""
    if size is None:
        return None
    kernel = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(kernel, stride) - kernel if output_padding is None else output_padding
        return (size - 1) * stride + kernel + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + kernel % 2 + output_padding


def check_output_size(layer, input_shape, output_spatial, what):
    """Raises the Keras error for a window that does not fit in the input."""
    if any(d is not None and d <= 0 for d in output_spatial):
        raise ValueError(f"{type(layer).__name__} '{layer.name}': computed output size would be zero or negative "
                         f"({tuple(output_spatial)}) for input shape {tuple(input_shape)} and {what}")
