"""keras.datasets.imdb: 50,000 movie reviews labelled positive (1) or negative (0), as word-rank sequences."""
import json

import numpy as np

from .restricted_pickle import load_npz
from .sources import fetch
from .word_sequences import limit_vocabulary, object_array, remove_long_sequences, shift_indices


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3):
    """Loads IMDB as `(x_train, y_train), (x_test, y_test)`, 25,000 reviews each.

    x: 1-D object arrays of lists of word indices; a word ranked r-th by frequency is `r + index_from`, each
    review starts with `start_char` (None: no start mark). Words ranked below `skip_top` or from `num_words`
    on become `oov_char` (None: they are dropped). With `maxlen`, reviews of `maxlen` words or more are
    removed. y: int64 arrays of 0/1 labels. Reviews are shuffled with `np.random.RandomState(seed)` as in
    Keras, so the same seed gives Keras's order.
    """
    path = fetch("imdb.npz", fname=path)
    f = load_npz(path)
    rng = np.random.RandomState(seed)
    splits = []
    for x_key, y_key in (("x_train", "y_train"), ("x_test", "y_test")):
        x, labels = f[x_key], f[y_key]
        indices = np.arange(len(x))
        rng.shuffle(indices)
        x = shift_indices(x[indices], start_char, index_from)
        labels = labels[indices]
        if maxlen:
            x, labels = remove_long_sequences(maxlen, x, labels)
        splits.append((x, labels))
    (x_train, labels_train), (x_test, labels_test) = splits
    if maxlen and (not x_train or not x_test):
        raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. "
                         "Increase maxlen.")
    xs = limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    n = len(x_train)
    return (object_array(xs[:n]), labels[:n]), (object_array(xs[n:]), labels[n:])


def get_word_index(path="imdb_word_index.json"):
    """The dict mapping each word to its frequency rank (1 = most frequent), before `index_from` is added."""
    path = fetch("imdb_word_index.json", fname=path)
    with open(path) as f:
        return json.load(f)
