"""SpectralNormalization: a wrapper that keeps its layer's kernel at spectral norm 1 (Miyato et al., 2018)."""
from ...ops import array as A
from ...ops import linalg as L
from ...ops import math as M
from ...ops import reduction as R
from ...autodiff import stop_gradient
from .. import initializers
from .input_spec import InputSpec
from .wrappers import Wrapper


def _unit(x):
    """x / max(||x||, 1e-7) over all its entries (keras.ops.normalize with axis=None)."""
    return M.multiply(x, M.minimum(M.rsqrt(R.reduce_sum(M.square(x))), 1e7))


class SpectralNormalization(Wrapper):
    """In training, estimates the largest singular value of the wrapped layer's kernel (or embeddings) by
    `power_iterations` steps of power iteration from the stored vector `vector_u`, and divides the kernel by it
    (the kernel variable itself is updated, as Keras does); then runs the layer."""

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError(f"`power_iterations` should be greater than zero. Received: "
                             f"`power_iterations={power_iterations}`")
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(f"{type(self.layer).__name__} object has no attribute 'kernel' nor 'embeddings'")
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight(shape=(1, self.kernel_shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02), trainable=False,
                                        name="vector_u", dtype=self.kernel.dtype)

    def call(self, inputs, training=False):
        if training and bool(R.reduce_any(M.not_equal(self.kernel, 0.0))):
            vector_u, kernel = self.normalized_weights()
            self.vector_u.assign(vector_u)
            self.kernel.assign(kernel)
        output = self.layer(inputs)
        return M.cast(output, inputs.dtype)

    def normalized_weights(self):
        """(the next `vector_u`, the kernel divided by its estimated largest singular value)."""
        weights = A.reshape(self.kernel, (-1, self.kernel_shape[-1]))
        vector_u = self.vector_u.read_value()
        for _ in range(self.power_iterations):
            vector_v = _unit(L.matmul(vector_u, weights, transpose_b=True))
            vector_u = _unit(L.matmul(vector_v, weights))
        vector_u, vector_v = stop_gradient(vector_u), stop_gradient(vector_v)
        sigma = L.matmul(L.matmul(vector_v, weights), vector_u, transpose_b=True)
        return vector_u, A.reshape(M.divide(self.kernel, sigma), self.kernel_shape)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
