"""TextVectorization: strings to token indices or bag-of-words vectors, with a vocabulary from `adapt`."""
import collections
import re
import string

import numpy as np

from ...ops import categorical as C
from ...tensor import Tensor
from .layer import Layer
from .lookup import StringLookup, accept_raw_inputs, adapt_batches

_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


class TextVectorization(Layer):
    """Standardize (lower-case, strip punctuation), split into tokens (whitespace or characters), join
    n-grams, then look the tokens up: 'int' gives index sequences (0 pads, 1 is out of vocabulary), the
    other modes one vector per string over the vocabulary."""

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None, **kwargs):
        kwargs.pop("vocabulary_size", None)
        if not (standardize is None or callable(standardize) or standardize in _STANDARDIZE):
            raise ValueError(f"Invalid value for argument `standardize`. Expected one of {[None, *_STANDARDIZE]} or "
                             f"a callable. Received: standardize={standardize}")
        if not (split is None or callable(split) or split in _SPLIT):
            raise ValueError(f"Invalid value for argument `split`. Expected one of {[None, *_SPLIT]} or a callable. "
                             f"Received: split={split}")
        if not (ngrams is None or isinstance(ngrams, int) or (
                isinstance(ngrams, (tuple, list)) and all(isinstance(n, int) for n in ngrams))):
            raise ValueError(f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}")
        if output_mode not in ("int", "multi_hot", "count", "tf_idf"):
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of ['int', 'multi_hot', "
                             f"'count', 'tf_idf']. Received: output_mode={output_mode}")
        if output_sequence_length is not None and output_mode != "int":
            raise ValueError(f"`output_sequence_length` must not be set if `output_mode` is not 'int'. Received "
                             f"output_sequence_length={output_sequence_length}.")
        if ragged:
            raise ValueError("ragged=True is not supported: gradfit has no ragged tensors; use "
                             "`output_sequence_length` or the default padding to the longest string")
        super().__init__(name=name, **kwargs)
        self.standardize, self.split, self.output_mode = standardize, split, output_mode
        self.ngrams = tuple(ngrams) if isinstance(ngrams, list) else ngrams
        self._widths = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else self.ngrams
        self.output_sequence_length, self.pad_to_max_tokens = output_sequence_length, pad_to_max_tokens
        self.sparse, self.ragged, self.encoding = sparse, ragged, encoding
        self._lookup_layer = StringLookup(max_tokens=max_tokens, num_oov_indices=1,
                                    mask_token="" if output_mode == "int" else None, vocabulary=vocabulary,
                                    idf_weights=idf_weights, output_mode=output_mode,
                                    pad_to_max_tokens=pad_to_max_tokens, encoding=encoding,
                                    name=f"{self.name}_lookup")
        self._build_at_init()
        accept_raw_inputs(self)

    @property
    def max_tokens(self):
        return self._lookup_layer.max_tokens

    # ---------------------------------------------------------------------------------- tokens
    def _tokens(self, text):
        if self.standardize in ("lower_and_strip_punctuation", "lower"):
            text = text.lower()
        if self.standardize in ("lower_and_strip_punctuation", "strip_punctuation"):
            text = _PUNCTUATION.sub("", text)
        if self.split == "whitespace":
            tokens = text.split()
        elif self.split == "character":
            tokens = list(text)
        else:
            tokens = [text]
        if self._widths:
            tokens = [" ".join(tokens[i:i + n]) for n in self._widths for i in range(len(tokens) - n + 1)]
        return tokens

    def _token_rows(self, values):
        values = C.values_of(values)
        if values.ndim == 2 and values.shape[-1] == 1:
            values = values[:, 0]
        if values.ndim > 1:
            raise ValueError(f"TextVectorization '{self.name}' expects strings of shape (batch,) or (batch, 1), got "
                             f"shape {values.shape}")
        texts = [v.decode(self.encoding) for v in np.atleast_1d(values).tolist()]
        if callable(self.standardize):
            texts = [_text(self.standardize(Tensor(np.array([t.encode(self.encoding)], dtype=object))), self.encoding)
                     for t in texts]
        if callable(self.split):
            return [[_text(piece, self.encoding) for piece in np.asarray(C.values_of(self.split(t))).ravel()]
                    for t in texts]
        return [self._tokens(t) for t in texts]

    # ------------------------------------------------------------------------------- vocabulary
    def adapt(self, data, batch_size=None, steps=None):
        """Build the vocabulary (and idf weights for 'tf_idf') from the tokens of `data`'s strings."""
        counts, documents, num_documents = collections.Counter(), collections.Counter(), 0
        for step, batch in enumerate(adapt_batches(data)):
            if steps is not None and step >= steps:
                break
            for row in self._token_rows(batch):
                counts.update(row)
                documents.update(set(row))
                num_documents += 1
        self._lookup_layer._vocabulary_from_counts(counts, documents, num_documents)

    def get_vocabulary(self, include_special_tokens=True):
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    # ------------------------------------------------------------------------------------ calls
    def call(self, inputs):
        rows = self._token_rows(inputs)
        if self.output_mode == "int":
            width = self.output_sequence_length
            width = max([len(r) for r in rows] + [0]) if width is None else width
            tokens = np.full((len(rows), width), "", dtype=object)  # "" is the mask token: index 0
            for i, row in enumerate(rows):
                row = row[:width]
                tokens[i, :len(row)] = row
            return self._lookup_layer(tokens)
        depth = self._lookup_layer._depth()
        indices = np.full((len(rows), max([len(r) for r in rows] + [1])), depth, dtype=np.int64)
        for i, row in enumerate(rows):
            if row:
                indices[i, :len(row)] = self._lookup_layer._lookup(np.array(row, dtype=object))
        return self._lookup_layer._encode(indices)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return (input_shape[0], self.output_sequence_length)
        return (input_shape[0], self._lookup_layer._depth())

    def get_config(self):
        return {**super().get_config(), "max_tokens": self._lookup_layer.max_tokens, "standardize": self.standardize,
                "split": self.split, "ngrams": self.ngrams, "output_mode": self.output_mode,
                "output_sequence_length": self.output_sequence_length, "pad_to_max_tokens": self.pad_to_max_tokens,
                "sparse": self.sparse, "ragged": self.ragged,
                "vocabulary": self.get_vocabulary(include_special_tokens=False) or None,
                "idf_weights": self._lookup_layer.get_config()["idf_weights"], "encoding": self.encoding,
                "vocabulary_size": self.vocabulary_size()}


def _text(value, encoding):
    if isinstance(value, Tensor):
        value = value._value
    value = np.asarray(value).ravel()[0] if np.ndim(value) else np.asarray(value)[()]
    return value.decode(encoding) if isinstance(value, bytes) else str(value)
