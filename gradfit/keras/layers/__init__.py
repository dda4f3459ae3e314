"""keras.layers: the Layer base class and the built-in layers."""
from .input_spec import InputSpec
from .layer import Layer
