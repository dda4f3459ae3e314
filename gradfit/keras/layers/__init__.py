"""keras.layers: the Layer base class and the built-in layers.

Each family of layers lives in its own module, imported here with one line.
"""
from .input_spec import InputSpec
from .keras_tensor import KerasTensor
from .layer import Layer
from .input_layer import Input, InputLayer
from .core import Activation, Dense, Embedding, Identity, Masking
from .lambda_layer import Lambda
from .activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .regularization import (ActivityRegularization, AlphaDropout, Dropout, GaussianDropout, GaussianNoise,
                             SpatialDropout1D, SpatialDropout2D, SpatialDropout3D)
from .reshaping import Flatten, Permute, RepeatVector, Reshape
from .image_reshaping import (Cropping1D, Cropping2D, Cropping3D, UpSampling1D, UpSampling2D, UpSampling3D,
                              ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average,
                      concatenate, dot, maximum, minimum, multiply, subtract)
from .preprocessing import Normalization, Rescaling
from .categorical import CategoryEncoding, Discretization, Hashing
from .einsum_dense import EinsumDense
from .conv_lstm import ConvLSTM1D, ConvLSTM2D
from .reversible_embedding import ReversibleEmbedding
from .pipeline import Pipeline
from .adaptive_pooling import (AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D,
                               AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D)
from .lookup import IntegerLookup, StringLookup
from .text_vectorization import TextVectorization
from .image_preprocessing import (CenterCrop, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation,
                                  RandomTranslation, Resizing)
from .image_augmentation import CutMix, MixUp, RandomErasing, RandomPerspective, RandomShear, RandomZoom
from .image_color_augmentation import (RandomColorDegeneration, RandomColorJitter, RandomGrayscale, RandomHue,
                                       RandomInvert, RandomPosterization, RandomSaturation, Solarization)
from .image_filter_augmentation import AutoContrast, Equalization, RandomGaussianBlur, RandomSharpness
from .convolutional import Conv1D, Conv2D, Conv3D, Convolution1D, Convolution2D, Convolution3D
from .conv_transpose import Conv1DTranspose, Conv2DTranspose, Convolution2DTranspose
from .depthwise_conv import (DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D, SeparableConvolution1D,
                             SeparableConvolution2D)
from .pooling import (AveragePooling1D, AveragePooling2D, AveragePooling3D, AvgPool1D, AvgPool2D, AvgPool3D,
                      GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D, GlobalAvgPool1D,
                      GlobalAvgPool2D, GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D,
                      GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D, MaxPool1D, MaxPool2D, MaxPool3D,
                      MaxPooling1D, MaxPooling2D, MaxPooling3D)
from .batch_normalization import BatchNormalization
from .normalization import GroupNormalization, LayerNormalization, RMSNormalization, UnitNormalization
from .rnn_cells import GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells
from .recurrent import GRU, LSTM, RNN, SimpleRNN
from .wrappers import Bidirectional, TimeDistributed, Wrapper
from .spectral_normalization import SpectralNormalization
from .attention import AdditiveAttention, Attention
from .multi_head_attention import MultiHeadAttention
from .group_query_attention import GroupedQueryAttention, GroupQueryAttention
from .serialization import deserialize_keras_object


def serialize(layer):
    """A layer's config in Keras 3's format (module, class_name, config, build_config)."""
    from ..saving.serialization_lib import object_identity

    keras_operation = getattr(layer, "_keras_operation", None)
    if keras_operation is not None:  # an op node read from a Keras file is written back as Keras wrote it
        return {**keras_operation, "registered_name": keras_operation["class_name"]}
    config = {**object_identity(type(layer)), "config": layer.get_config()}
    build_config = layer.get_build_config() if layer.built else None
    if build_config is not None:
        config["build_config"] = build_config
    return config


def deserialize(config, custom_objects=None):
    """A layer (or model) from its serialized config; it is built as recorded in its build_config."""
    from .. import models

    from .op_layer import OpLayer

    if isinstance(config, dict) and str(config.get("module", "")).startswith("keras.src.ops."):
        return OpLayer.from_keras_operation(config)
    known = {name: value for name, value in globals().items() if isinstance(value, type) and issubclass(value, Layer)}
    known["OpLayer"] = OpLayer
    known.update({name: getattr(models, name) for name in ("Model", "Sequential", "Functional")})
    layer = deserialize_keras_object(config, known, "layer", custom_objects)
    build_config = config.get("build_config") if isinstance(config, dict) else None
    if build_config and not layer.built:
        layer.build_from_config(build_config)
    return layer
