"""EinsumDense: a dense layer whose product is an einsum equation ("ab,bc->ac", "...b,bc->...c", ...)."""
import re

from ...ops import linalg as L
from ...ops import math as M
from .. import activations, initializers, regularizers
from .layer import Layer, take_weight_settings, weight_settings
from .input_spec import InputSpec


def einsum_shapes(equation, bias_axes, input_shape, output_shape):
    """(kernel shape, bias shape or None, full output shape, kernel input axes, kernel output axes) of an
    EinsumDense, as Keras works them out from the equation, the input shape and the partial output shape."""
    spec = re.sub(r"\.\.\.", "0", equation)
    left_elided = False
    match = re.fullmatch("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", spec)
    if match is None:
        match = re.fullmatch("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", spec)
        left_elided = match is not None
    if match is None:
        match = re.fullmatch("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", spec)
    if match is None:
        raise ValueError(f"Invalid einsum equation '{equation}'. Equations must be in the form [X],[Y]->[Z], "
                         "...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....")
    input_spec, weight_spec, output_spec = match.groups()
    input_shape = list(input_shape)
    elided = len(input_shape) - len(input_spec)
    full = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    full.insert(0, input_shape[0])
    if elided > 0 and left_elided:
        for i in range(1, elided):
            full.insert(1, input_shape[i])
    elif elided > 0:
        full.extend(input_shape[len(input_shape) - elided:])
    shift = elided if left_elided else 0
    input_at = {d: (i + elided - len(input_shape) if left_elided else i) for i, d in enumerate(input_spec)}
    output_at = {d: i + shift for i, d in enumerate(output_spec)}
    for d in input_spec:
        if d in output_at and full[output_at[d]] is not None and full[output_at[d]] != input_shape[input_at[d]]:
            raise ValueError(f"Input shape and output shape do not match at shared dimension '{d}'. Input shape is "
                             f"{input_shape[input_at[d]]}, and output shape is {full[output_at[d]]}.")
    for d in output_spec:
        if d not in input_spec and d not in weight_spec:
            raise ValueError(f"Dimension '{d}' was specified in the output '{output_spec}' but has no corresponding "
                             f"dim in the input spec '{input_spec}' or weight spec '{output_spec}'")
    kernel, input_axes, output_axes = [], [], []
    for i, d in enumerate(weight_spec):
        if d in output_at:
            kernel.append(full[output_at[d]])
            output_axes.append(i)
        elif d in input_at:
            kernel.append(input_shape[input_at[d]])
            input_axes.append(i)
        else:
            raise ValueError(f"Weight dimension '{d}' did not have a match in either the input spec '{input_spec}' "
                             f"or the output spec '{output_spec}'. For this layer, the weight must be fully "
                             "specified.")
    bias = None
    if bias_axes is not None:
        for d in bias_axes:
            if d not in output_spec:
                raise ValueError(f"Bias dimension '{d}' was requested, but is not part of the output spec "
                                 f"'{output_spec}'")
        first = min(output_spec.find(d) for d in bias_axes)
        bias = [full[output_at[d]] if d in bias_axes else 1 for d in output_spec[first:]]
        if not left_elided:
            bias.extend([1] * max(elided, 0))
    return kernel, bias, full, input_axes, output_axes


class EinsumDense(Layer):
    """`einsum(equation, inputs, kernel)` (+ bias on `bias_axes`), then `activation`; `output_shape` gives the
    output's sizes without the batch axis (None where the input decides)."""

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None, gptq_unpacked_column_size=None,
                 quantization_config=None, **kwargs):
        if lora_rank:
            raise ValueError("LoRA (`lora_rank`) is not supported by gradfit's EinsumDense")
        if quantization_config is not None:
            raise ValueError("Quantized EinsumDense layers are not supported by the NumPy backend")
        super().__init__(**kwargs)
        self.equation = equation
        self.partial_output_shape = tuple(output_shape) if isinstance(output_shape, (list, tuple)) else (output_shape,)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.lora_rank, self.lora_alpha = lora_rank, lora_alpha
        take_weight_settings(self, kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
                             bias=(bias_initializer, bias_regularizer, bias_constraint))
        self.full_output_shape = None

    def build(self, input_shape):
        kernel_shape, bias_shape, full, input_axes, output_axes = einsum_shapes(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        self.full_output_shape = tuple(full)
        self.input_spec = InputSpec(ndim=len(input_shape))
        initializer = self.kernel_initializer
        if isinstance(initializer, initializers.VarianceScaling) and (
                initializer.input_axes is None or initializer.output_axes is None):
            # Fans from the kernel axes that meet the input and the output, as Keras computes them.
            config = {**initializer.get_config(), "seed": initializer.seed, "input_axes": input_axes,
                      "output_axes": output_axes}
            initializer = type(initializer).from_config(config)
        self.kernel = self.add_weight(name="kernel", shape=tuple(kernel_shape), initializer=initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = None if bias_shape is None else self.add_weight(
            name="bias", shape=tuple(bias_shape), initializer=self.bias_initializer,
            regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def call(self, inputs, training=None):
        x = L.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = M.add(x, self.bias)
        return x if self.activation is activations.linear else self.activation(x)

    def compute_output_shape(self, input_shape):
        return tuple(einsum_shapes(self.equation, self.bias_axes, input_shape, self.partial_output_shape)[2])

    def get_config(self):
        return {**super().get_config(), "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "output_shape": self.partial_output_shape, "equation": self.equation,
                "activation": activations.serialize(self.activation), "bias_axes": self.bias_axes,
                **weight_settings(self, "kernel", "bias"), "quantization_config": None}
