"""BatchNormalization: normalizes with the batch's statistics in training and with moving averages of
them in inference, as Keras 3 (weights gamma, beta, moving_mean, moving_variance)."""
from ...autodiff.tape import stop_gradient
from ...ops import array as A
from ...ops import math as M
from ...ops import nn as N
from ...ops import reduction as R
from ... import backend
from .. import constraints, initializers, regularizers
from .input_spec import InputSpec
from .layer import Layer, take_weight_settings


def normalize(x, mean, variance, gamma, beta, epsilon):
    """(x - mean) / sqrt(variance + epsilon) * gamma + beta, as x * inv + (beta - mean * inv) (two passes
    over x, as TensorFlow's batch_normalization)."""
    inv = M.rsqrt(M.add(variance, epsilon))
    if gamma is not None:
        inv = M.multiply(inv, gamma)
    shift = M.negative(M.multiply(mean, inv)) if beta is None else M.subtract(beta, M.multiply(mean, inv))
    return M.add(M.multiply(x, inv), shift)


class BatchNormalization(Layer):
    """Normalizes each feature along `axis`: with the batch's mean and variance when called with
    training=True (updating the moving averages), with the moving averages otherwise. A frozen layer
    (`trainable=False`) always runs in inference mode, as in Keras 3."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"BatchNormalization: `axis` must be an integer, got axis={axis!r}")
        self.axis = axis
        # With a single device, synchronized statistics are the local ones (as Keras without a strategy).
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        take_weight_settings(self, beta=(beta_initializer, beta_regularizer, beta_constraint),
                             gamma=(gamma_initializer, gamma_regularizer, gamma_constraint))
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.renorm = renorm
        if renorm:
            renorm_clipping = dict(renorm_clipping or {})
            unknown = set(renorm_clipping) - {"rmax", "rmin", "dmax"}
            if unknown:
                raise ValueError(f"BatchNormalization: invalid keys for `renorm_clipping`: {sorted(unknown)}. "
                                 "Supported keys: ['rmax', 'rmin', 'dmax']")
            rmax, rmin, dmax = (renorm_clipping.get(k) for k in ("rmax", "rmin", "dmax"))
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(f"BatchNormalization: rmax should be greater than rmin in `renorm_clipping`. "
                                 f"Received: rmax={rmax}, rmin={rmin}")
            if dmax is not None and dmax < 0:
                raise ValueError(f"BatchNormalization: dmax should be non-negative in `renorm_clipping`. "
                                 f"Received: dmax={dmax}")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.supports_masking = True
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"BatchNormalization '{self.name}': axis {self.axis} is out of bounds for input shape "
                             f"{tuple(input_shape)}")
        axis = self.axis % ndim
        size = input_shape[axis]
        if size is None:
            raise ValueError(f"BatchNormalization '{self.name}' needs axis {self.axis} of its input to be known, "
                             f"got shape {tuple(input_shape)}")
        shape = (size,)
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               initializer=self.moving_variance_initializer, trainable=False,
                                               autocast=False)
        if self.renorm:
            def stddev_initializer(shape, dtype=None):
                return M.sqrt(initializers.get(initializers.serialize(self.moving_variance_initializer))(
                    shape, dtype=dtype))

            self.moving_stddev = self.add_weight(name="moving_stddev", shape=shape, initializer=stddev_initializer,
                                                 trainable=False, autocast=False)
            self.renorm_mean = self.add_weight(
                name="renorm_mean", shape=shape, trainable=False, autocast=False,
                initializer=initializers.get(initializers.serialize(self.moving_mean_initializer)))
            self.renorm_stddev = self.add_weight(name="renorm_stddev", shape=shape, initializer=stddev_initializer,
                                                 trainable=False, autocast=False)
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: size})
        self._reduction_axes = tuple(i for i in range(ndim) if i != axis)
        # Statistics of shape (C,) broadcast against the input: reshaped unless C is the last axis.
        self._broadcast_shape = None if axis == ndim - 1 else tuple(size if i == axis else 1 for i in range(ndim))

    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError(f"BatchNormalization '{self.name}': the mask should have one dimension less than the "
                             f"inputs. Received: mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}")
        gamma, beta = self.gamma, self.beta
        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            if self.renorm:
                r, d = self._renorm_correction(mean, variance)
                gamma = r if gamma is None else M.multiply(r, gamma)
                beta = M.multiply(d, self.gamma) if self.gamma is not None else d
                if self.beta is not None:
                    beta = M.add(beta, self.beta)
                self._update_renorm_statistics(mean, variance)
            else:
                self._update_moving_statistics(mean, variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        shape = self._broadcast_shape
        if shape is not None:
            mean, variance = A.reshape(mean, shape), A.reshape(variance, shape)
            gamma = None if gamma is None else A.reshape(gamma, shape)
            beta = None if beta is None else A.reshape(beta, shape)
        outputs = normalize(inputs, mean, variance, gamma, beta, self.epsilon)
        return M.cast(outputs, self.compute_dtype) if outputs.dtype != self.compute_dtype else outputs

    def _moments(self, inputs, mask):
        """The batch's mean and variance per feature (over valid entries only, when masked)."""
        axes = self._reduction_axes
        if mask is None:
            return N.moments(inputs, axes=axes)
        keep = A.broadcast_to(A.expand_dims(M.cast(mask, "bool"), -1), inputs.shape)
        count = M.add(R.reduce_sum(M.cast(keep, inputs.dtype), axis=axes, keepdims=True), backend.epsilon())
        mean = M.divide(R.reduce_sum(M.where(keep, inputs, 0.0), axis=axes, keepdims=True), count)
        variance = M.divide(R.reduce_sum(M.square(M.where(keep, M.subtract(inputs, mean), 0.0)), axis=axes,
                                         keepdims=True), count)
        return A.squeeze(mean, axis=axes), A.squeeze(variance, axis=axes)

    def _update_moving_statistics(self, mean, variance):
        momentum = self.momentum
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            moving.assign(M.add(M.multiply(moving, momentum), M.multiply(stop_gradient(batch), 1.0 - momentum)))

    def _renorm_correction(self, mean, variance):
        """Batch renormalization's r and d (not differentiated), clipped as `renorm_clipping` says."""
        stddev = stop_gradient(M.sqrt(M.add(variance, self.epsilon)))
        renorm_stddev = M.maximum(self.renorm_stddev, self.epsilon ** 0.5)
        r = M.divide(stddev, renorm_stddev)
        d = M.divide(M.subtract(stop_gradient(mean), self.renorm_mean), renorm_stddev)
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = M.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = M.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = M.clip_by_value(d, -clip["dmax"], clip["dmax"])
        return r, d

    def _update_renorm_statistics(self, mean, variance):
        mean = stop_gradient(mean)
        stddev = stop_gradient(M.sqrt(M.add(variance, self.epsilon)))
        rm, m = self.renorm_momentum, self.momentum
        self.renorm_mean.assign(M.add(M.multiply(self.renorm_mean, rm), M.multiply(mean, 1.0 - rm)))
        self.renorm_stddev.assign(M.add(M.multiply(self.renorm_stddev, rm), M.multiply(stddev, 1.0 - rm)))
        self.moving_mean.assign(M.add(M.multiply(self.moving_mean, m), M.multiply(mean, 1.0 - m)))
        moving_stddev = M.add(M.multiply(self.moving_stddev, m), M.multiply(stddev, 1.0 - m))
        self.moving_stddev.assign(moving_stddev)
        self.moving_variance.assign(N.relu(M.subtract(M.square(moving_stddev), self.epsilon)))

    def compute_output_shape(self, input_shape):
        if not -len(input_shape) <= self.axis < len(input_shape):
            raise ValueError(f"BatchNormalization '{self.name}': axis {self.axis} is out of bounds for input shape "
                             f"{tuple(input_shape)}")
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
                "synchronized": self.synchronized, "renorm": self.renorm, "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum}
