"""Categorical feature layers: CategoryEncoding, Hashing and Discretization."""
import numpy as np

from ...backend import as_strings
from ...ops import categorical as C
from ...strings import fingerprint64, siphash24
from ...tensor import Tensor
from .layer import Layer
from .lookup import accept_raw_inputs, adapt_batches

_ENCODINGS = ("int", "one_hot", "multi_hot", "count")


def _check_output_mode(output_mode, allowed):
    if output_mode not in allowed:
        raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {list(allowed)}. Received: "
                         f"output_mode={output_mode}")


def _encoded_shape(input_shape, output_mode, depth):
    if output_mode == "int":
        return tuple(input_shape)
    if output_mode == "one_hot" and not (len(input_shape) > 1 and input_shape[-1] == 1):
        return tuple(input_shape) + (depth,)
    return tuple(input_shape[:-1]) + (depth,)


class CategoryEncoding(Layer):
    """Integer ids in [0, num_tokens) as one-hot, multi-hot or count vectors (float32)."""

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        if output_mode not in ("one_hot", "multi_hot", "count"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of tokens is not known "
                             "beforehand, use the IntegerLookup layer instead.")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise ValueError("sparse=True is not supported: gradfit has no sparse tensors")
        super().__init__(**kwargs)
        self.num_tokens, self.output_mode, self.sparse = num_tokens, output_mode, sparse
        self._build_at_init()
        accept_raw_inputs(self)

    def call(self, inputs, count_weights=None):
        indices = C.values_of(inputs)
        if indices.dtype.kind not in "iu":
            if indices.dtype.kind != "f" or not np.array_equal(indices, np.floor(indices)):
                raise ValueError(f"CategoryEncoding '{self.name}' takes integer ids, got dtype {indices.dtype.name}")
            indices = indices.astype(np.int64)
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"`count_weights` is not used when `output_mode` is not `'count'`. Received "
                             f"`count_weights={count_weights}`.")
        weights = None if count_weights is None else C.values_of(count_weights)
        return C.encode(indices, self.output_mode, self.num_tokens, self.compute_dtype, count_weights=weights)

    def compute_output_shape(self, input_shape):
        return _encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}


class Hashing(Layer):
    """Strings (or numbers, hashed as their text) into `num_bins` bins with TensorFlow's FarmHash fingerprint, or
    keyed SipHash when a `salt` is given; `mask_value` goes to bin 0 and the rest to 1 .. num_bins - 1."""

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if num_bins is None or num_bins <= 0:
            raise ValueError(f"The `num_bins` for `Hashing` cannot be `None` or non-positive values. Received: "
                             f"num_bins={num_bins}.")
        _check_output_mode(output_mode, _ENCODINGS)
        if output_mode == "int" and "dtype" not in kwargs:
            kwargs["dtype"] = "int64"
        if sparse:
            raise ValueError("sparse=True is not supported: gradfit has no sparse tensors")
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError(f"The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a "
                                 f"single integer. Received: salt={salt}.")
        super().__init__(**kwargs)
        self.num_bins, self.mask_value, self.salt = num_bins, mask_value, salt
        self.output_mode, self.sparse = output_mode, sparse
        self._build_at_init()
        accept_raw_inputs(self)

    def _hash(self, text):
        if self.salt is None:
            return fingerprint64(text)
        return siphash24(self.salt[0] & (2**64 - 1), self.salt[1] & (2**64 - 1), text)

    def call(self, inputs):
        values = C.values_of(inputs)
        texts = values if values.dtype == object else _as_text(values)
        bins = self.num_bins - (self.mask_value is not None)
        mask = None
        if self.mask_value is not None:
            mask_text = as_strings(np.asarray(self.mask_value)) if isinstance(self.mask_value, (str, bytes)) \
                else _as_text(np.asarray(self.mask_value))
            mask = mask_text[()]
        out = np.empty(texts.shape, dtype=np.int64)
        for index, text in np.ndenumerate(texts):
            if mask is not None and text == mask:
                out[index] = 0
            else:
                out[index] = self._hash(text) % bins + (mask is not None)
        return C.encode(out, self.output_mode, self.num_bins, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return _encoded_shape(input_shape, self.output_mode, self.num_bins)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                "output_mode": self.output_mode, "sparse": self.sparse}


def _as_text(values):
    """Numbers as the text TensorFlow's as_string gives (integers plainly, floats with 6 decimals)."""
    out = np.empty(values.shape, dtype=object)
    for index, v in np.ndenumerate(values):
        out[index] = (("%f" % v) if values.dtype.kind == "f" else str(int(v))).encode("utf-8")
    return out


class Discretization(Layer):
    """Numbers into buckets by `bin_boundaries` (given, or from `adapt` as `num_bins` quantiles)."""

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 dtype=None, name=None, **kwargs):
        _check_output_mode(output_mode, _ENCODINGS)
        if sparse:
            raise ValueError("sparse=True is not supported: gradfit has no sparse tensors")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"`num_bins` must be greater than or equal to 0. You passed `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            if len(bin_boundaries) != num_bins - 1:
                raise ValueError(f"Both `num_bins` and `bin_boundaries` should not be set. Received: "
                                 f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`")
        super().__init__(dtype=dtype, name=name, **kwargs)
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins, self.epsilon = num_bins, epsilon
        self.output_mode, self.sparse = output_mode, sparse
        self._build_at_init()
        accept_raw_inputs(self)

    def adapt(self, data, steps=None):
        """Boundaries at `num_bins` quantiles of `data`, from Keras's approximate quantile summaries."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, "
                             "use `num_bins` instead.")
        summary = np.array([[], []], dtype="float32")
        for step, batch in enumerate(adapt_batches(data)):
            if steps is not None and step >= steps:
                break
            summary = C.merge_summaries(C.summarize(np.asarray(batch, dtype=np.float32), self.epsilon), summary,
                                        self.epsilon)
        self.bin_boundaries = C.bin_boundaries(summary, self.num_bins).tolist()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError("You need to either pass the `bin_boundaries` argument at construction time or call "
                             "`adapt(dataset)` before you can start using the `Discretization` layer.")
        indices = C.digitize(C.values_of(inputs), self.bin_boundaries)
        # Bucket ids are int32, as Keras's; encodings have the layer's dtype.
        dtype = "int32" if self.output_mode == "int" else self.compute_dtype
        return C.encode(indices, self.output_mode, len(self.bin_boundaries) + 1, dtype)

    def compute_output_shape(self, input_shape):
        return _encoded_shape(input_shape, self.output_mode, len(self.bin_boundaries or ()) + 1)

    def get_config(self):
        return {**super().get_config(), "bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": self.sparse}
