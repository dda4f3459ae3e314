"""Vocabulary lookup layers: StringLookup and IntegerLookup (tokens to indices and back), with `adapt`."""
import collections
import os

import numpy as np

from ...ops import categorical as C
from ...strings import fingerprint64
from ...tensor import Tensor
from .layer import Layer


def accept_raw_inputs(layer):
    """Let `layer` take what Keras's preprocessing layers take: lists of strings or numbers, arrays, tensors."""
    layer._convert_input_args = False
    layer._allow_non_tensor_positional_args = True


def adapt_batches(data):
    """The batches an `adapt(data)` call reads: one array for array-like data, else each element of an
    iterable (a Dataset, a generator), its x when it yields (x, y) pairs."""
    if isinstance(data, (Tensor, np.ndarray, str, bytes)):
        return [C.values_of(data)]
    if isinstance(data, (list, tuple)):
        return [C.values_of(data)]
    if not hasattr(data, "__iter__"):
        raise TypeError(f"adapt() takes an array, a tensor or an iterable of batches (a Dataset, a generator), got "
                        f"{type(data).__name__}")
    return (C.values_of(b[0] if isinstance(b, tuple) else b) for b in data)


class IndexLookup(Layer):
    """What StringLookup and IntegerLookup share: a vocabulary laid out as [mask token] + OOV slots + tokens,
    and the output modes of Keras's lookup layers."""

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary, idf_weights, invert,
                 output_mode, sparse, pad_to_max_tokens, **kwargs):
        if output_mode not in C.OUTPUT_MODES:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {list(C.OUTPUT_MODES)}. "
                             f"Received: output_mode={output_mode}")
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"`num_oov_indices` must be greater than or equal to 0. Received: "
                             f"num_oov_indices={num_oov_indices}")
        if invert and output_mode != "int":
            raise ValueError(f"`output_mode` must be `'int'` when `invert` is true. Received: "
                             f"output_mode={output_mode}")
        if sparse:
            raise ValueError("sparse=True is not supported: gradfit has no sparse tensors")
        if output_mode == "tf_idf" and idf_weights is None and vocabulary is not None:
            raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'")
        super().__init__(**kwargs)
        self._output_dtype = "float32" if output_mode == "tf_idf" else "int64"
        self.max_tokens, self.num_oov_indices = max_tokens, num_oov_indices
        self.mask_token, self.oov_token = mask_token, oov_token
        self.invert, self.output_mode, self.sparse = invert, output_mode, sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self._tokens, self._index, self._idf = [], {}, None
        self._build_at_init()
        accept_raw_inputs(self)
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ------------------------------------------------------------------------------ vocabulary
    def _token(self, value):
        raise NotImplementedError

    def _special_count(self):
        return (self.mask_token is not None) + self.num_oov_indices

    def get_vocabulary(self, include_special_tokens=True):
        special = ([self.mask_token] if self.mask_token is not None else []) + [self.oov_token] * self.num_oov_indices
        if self.output_mode != "int" and self.mask_token is not None:
            special = special[1:]
        return (special if include_special_tokens else []) + [self._display(t) for t in self._tokens]

    def _display(self, token):
        return token

    def vocabulary_size(self):
        return len(self.get_vocabulary())

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use `vocabulary` (tokens, without the mask and OOV tokens unless they come first as Keras lays them
        out) and, for 'tf_idf', one idf weight per token."""
        if isinstance(vocabulary, str):
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = [line.rstrip("\n") for line in f]
        tokens = [self._token(t) for t in np.asarray(C.values_of(vocabulary)).ravel().tolist()]
        special = [self._token(t) for t in self.get_vocabulary()[:self._special_count()]] if tokens else []
        if special and tokens[:len(special)] == special:
            tokens = tokens[len(special):]
        if len(set(tokens)) != len(tokens):
            repeated = sorted({t for t in tokens if tokens.count(t) > 1})
            raise ValueError(f"The passed vocabulary has at least one repeated term. Please uniquify your dataset. "
                             f"The repeated terms are: {[self._display(t) for t in repeated]}")
        for special_token in (self.mask_token, self.oov_token):
            if special_token is not None and self._token(special_token) in tokens:
                raise ValueError(f"Found reserved token {special_token!r} in the passed vocabulary")
        if self.max_tokens is not None and len(tokens) + self._special_count() > self.max_tokens:
            raise ValueError(f"Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary "
                             f"size is {len(tokens) + self._special_count()}; `max_tokens` is {self.max_tokens}.")
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'")
            idf = np.asarray(idf_weights, dtype=np.float64).ravel()
            if idf.size == len(tokens) + self.num_oov_indices:
                idf = idf[self.num_oov_indices:]
            if idf.size != len(tokens):
                raise ValueError(f"`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                                 f"{idf.size}; len(vocabulary) is {len(tokens)}")
            self._idf = idf
        self._tokens = tokens
        self._index = {t: i for i, t in enumerate(tokens)}

    def load_assets(self, dir_path):
        """Read the vocabulary Keras saved as assets (vocabulary.txt, special tokens first)."""
        path = os.path.join(dir_path, "vocabulary.txt")
        if not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        self.set_vocabulary(lines if self._is_text else [int(line) for line in lines],
                            None if self._idf is None else self._idf)

    def adapt(self, data, steps=None):
        """Build the vocabulary from `data`: tokens by decreasing frequency (ties by decreasing token), up to
        `max_tokens` with the special tokens; for 'tf_idf' also the idf weights (rows are documents)."""
        counts, documents, num_documents = collections.Counter(), collections.Counter(), 0
        for step, batch in enumerate(adapt_batches(data)):
            if steps is not None and step >= steps:
                break
            batch = self._adapt_tokens(batch)
            C.count_tokens([batch], counts, documents if self.output_mode == "tf_idf" else None)
            num_documents += 1 if batch.ndim < 2 else batch.shape[0]
        self._vocabulary_from_counts(counts, documents, num_documents)

    def _vocabulary_from_counts(self, counts, documents, num_documents):
        for special_token in (self.mask_token, self.oov_token):
            if special_token is not None:
                counts.pop(self._token(special_token), None)
        limit = None if self.max_tokens is None else self.max_tokens - self._special_count()
        tokens = C.ranked_tokens(counts, limit)
        idf = None
        if self.output_mode == "tf_idf":
            idf = C.inverse_document_frequencies(documents, tokens, num_documents)
        self._tokens, self._index, self._idf = tokens, {t: i for i, t in enumerate(tokens)}, (
            None if idf is None else np.asarray(idf))

    def _adapt_tokens(self, batch):
        return np.vectorize(self._token, otypes=[object])(batch) if batch.size else batch.astype(object)

    # ------------------------------------------------------------------------------------ calls
    def _oov_bucket(self, token):
        raise NotImplementedError

    def _lookup(self, values):
        mask = self.mask_token is not None and self.output_mode == "int"
        offset = (self.mask_token is not None) + self.num_oov_indices
        if self.output_mode != "int":
            offset -= self.mask_token is not None
        mask_token = None if self.mask_token is None else self._token(self.mask_token)
        out = np.empty(values.shape, dtype=np.int64)
        for index, value in np.ndenumerate(values):
            token = self._token(value)
            position = self._index.get(token)
            if position is not None:
                out[index] = position + offset
            elif mask_token is not None and token == mask_token:
                out[index] = 0 if mask else -1
            elif self.num_oov_indices == 0:
                raise ValueError(f"When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values "
                                 f"{self._display(token)!r}")
            else:
                out[index] = int(mask) + self._oov_bucket(token) % self.num_oov_indices
        return out

    def call(self, inputs):
        values = C.values_of(inputs)
        if self.invert:
            return self._inverse(values)
        indices = self._lookup(values)
        if self.output_mode == "int":
            return Tensor(indices)
        return self._encode(np.where(indices < 0, self._depth(), indices))  # a mask token counts nowhere

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens and self.max_tokens else self.vocabulary_size()

    def _encode(self, indices):
        """Indices encoded in the output mode; an index of `_depth()` or more counts nowhere."""
        depth = self._depth()
        idf = None
        if self.output_mode == "tf_idf":
            # OOV slots weigh the mean idf of the vocabulary, as Keras gives them.
            mean = float(np.mean(self._idf)) if self._idf is not None and self._idf.size else 0.0
            idf = np.concatenate([np.full(self.num_oov_indices, mean), self._idf, np.zeros(depth)])
        return C.encode(indices, self.output_mode, depth, self._output_dtype, idf_weights=idf)

    def _inverse(self, values):
        vocabulary = self.get_vocabulary()
        out = np.empty(values.shape, dtype=object if self._is_text else np.int64)
        for index, value in np.ndenumerate(values.astype(np.int64)):
            token = vocabulary[value] if 0 <= value < len(vocabulary) else self.oov_token
            out[index] = token.encode("utf-8") if self._is_text else token
        return Tensor(out)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self._depth()
        if self.output_mode == "one_hot" and not (len(input_shape) > 1 and input_shape[-1] == 1):
            return tuple(input_shape) + (depth,)
        return tuple(input_shape[:-1]) + (depth,)

    def get_config(self):
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode, "sparse": self.sparse,
                "pad_to_max_tokens": self.pad_to_max_tokens,
                "idf_weights": None if self._idf is None else self._idf.tolist(),
                "vocabulary": self.get_vocabulary(include_special_tokens=False) or None,
                "vocabulary_size": self.vocabulary_size()}


class StringLookup(IndexLookup):
    """Strings to integer indices (or back, with `invert=True`), from a given or adapted vocabulary."""

    _is_text = True

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, **kwargs):
        kwargs.pop("vocabulary_dtype", None)
        kwargs.pop("oov_method", None)
        kwargs.pop("salt", None)
        kwargs.pop("vocabulary_size", None)
        self.encoding = encoding
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary, idf_weights, invert,
                         output_mode, sparse, pad_to_max_tokens, name=name, **kwargs)

    def _token(self, value):
        return value.decode(self.encoding) if isinstance(value, bytes) else str(value)

    def _oov_bucket(self, token):
        return fingerprint64(token.encode(self.encoding))

    def get_config(self):
        return {**super().get_config(), "oov_method": "floormod", "salt": None, "encoding": self.encoding}


class IntegerLookup(IndexLookup):
    """Integers to contiguous indices (or back, with `invert=True`), from a given or adapted vocabulary."""

    _is_text = False

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, output_mode="int",
                 sparse=False, vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 name=None, **kwargs):
        kwargs.pop("pad_to_max_tokens", None)
        kwargs.pop("vocabulary_size", None)
        if vocabulary_dtype != "int64":
            raise ValueError(f"Only `vocabulary_dtype='int64'` is supported at this time. Received: "
                             f"vocabulary_dtype={vocabulary_dtype}")
        self.vocabulary_dtype = vocabulary_dtype
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary, idf_weights, invert,
                         output_mode, sparse, False, name=name, **kwargs)

    def _token(self, value):
        return int(value)

    def _oov_bucket(self, token):
        return token

    def get_config(self):
        config = super().get_config()
        config.pop("pad_to_max_tokens")
        return {**config, "vocabulary_dtype": self.vocabulary_dtype}
