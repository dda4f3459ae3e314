"""`tf.nn`: activations, softmax, cross-entropies, convolutions, pooling, dropout."""
from .ops.nn import (batch_normalization, bias_add, compute_average_loss, dropout, elu, embedding_lookup, gelu,
                     leaky_relu, log_poisson_loss, log_sigmoid, log_softmax, moments, relu, relu6,
                     scale_regularization_loss, selu, sigmoid, sigmoid_cross_entropy_with_logits, silu, softmax,
                     softmax_cross_entropy_with_logits, softplus, softsign,
                     sparse_softmax_cross_entropy_with_logits, swish, tanh, weighted_cross_entropy_with_logits,
                     space_to_depth, depth_to_space)
from .ops.math import l2_loss
from .ops.conv import (avg_pool, avg_pool1d, avg_pool2d, conv1d, conv1d_transpose, conv2d, conv2d_transpose,
                       convolution, depthwise_conv2d, max_pool, max_pool1d, max_pool2d, pool, separable_conv2d)
from .ops.volumetric import avg_pool3d, conv3d, max_pool3d
from .ops.linalg import l2_normalize
from .ops.reduction import in_top_k, top_k
