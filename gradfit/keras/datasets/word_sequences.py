"""What IMDB and Reuters share: turning stored word-rank sequences into the sequences `load_data` returns."""
import numpy as np


def shift_indices(sequences, start_char, index_from):
    """Each sequence as a list, its word ranks moved up by `index_from`, led by `start_char` unless None."""
    lead = [] if start_char is None else [start_char]
    return [lead + [w + index_from for w in x] for x in sequences]


def remove_long_sequences(maxlen, sequences, labels):
    """The sequences shorter than `maxlen` (strictly, as Keras), with their labels."""
    kept = [(x, y) for x, y in zip(sequences, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Words ranked outside [skip_top, num_words) become `oov_char`, or are dropped when it is None.

    With num_words None the limit is the largest index present, which (as in Keras) excludes that one word.
    """
    if not num_words:
        num_words = max(max(x) for x in sequences if x)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in sequences]
    return [[w for w in x if skip_top <= w < num_words] for x in sequences]


def object_array(sequences):
    """A 1-D object array of lists, even when every list has the same length."""
    array = np.empty(len(sequences), dtype=object)
    for i, sequence in enumerate(sequences):
        array[i] = sequence
    return array
