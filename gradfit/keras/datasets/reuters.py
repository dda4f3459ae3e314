"""keras.datasets.reuters: 11,228 Reuters newswires labelled with 46 topics, as word-rank sequences."""
import json

import numpy as np

from .restricted_pickle import load_npz
from .sources import fetch
from .word_sequences import limit_vocabulary, object_array, remove_long_sequences, shift_indices

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
    "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog",
    "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
              oov_char=2, index_from=3):
    """Loads Reuters as `(x_train, y_train), (x_test, y_test)`, the last `test_split` of the shuffled wires
    being the test set.

    x: 1-D object arrays of lists of word indices (see `keras.datasets.imdb.load_data` for `num_words`,
    `skip_top`, `maxlen`, `start_char`, `oov_char`, `index_from`). y: int64 arrays of topic labels 0..45
    (`get_label_names()` names them). Shuffled with `np.random.RandomState(seed)` as in Keras.
    """
    path = fetch("reuters.npz", fname=path)
    f = load_npz(path)
    xs, labels = f["x"], f["y"]
    indices = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(indices)
    xs = shift_indices(xs[indices], start_char, index_from)
    labels = labels[indices]
    if maxlen:
        xs, labels = remove_long_sequences(maxlen, xs, labels)
    xs = limit_vocabulary(xs, num_words, skip_top, oov_char)
    n = int(len(xs) * (1 - test_split))
    return (object_array(xs[:n]), np.array(labels[:n])), (object_array(xs[n:]), np.array(labels[n:]))


def get_word_index(path="reuters_word_index.json"):
    """The dict mapping each word to its frequency rank (1 = most frequent), before `index_from` is added."""
    path = fetch("reuters_word_index.json", fname=path)
    with open(path) as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, indexed by label."""
    return _LABEL_NAMES
