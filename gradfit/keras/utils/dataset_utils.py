"""keras.utils.split_dataset, text_dataset_from_directory and image_dataset_from_directory.

They return `gradfit.data.Dataset` pipelines built as Keras builds its tf.data ones: the same file
order (including Keras's seeded shuffle of the file list, so a `validation_split` selects the same files
as Keras for the same seed), the same labels, batching and prefetching.
"""
import os
import random

from ... import data, nest
from ...ops import array, math
from ...ops import random as random_ops
from ...tensor import Tensor, convert_to_tensor

_TEXT_FORMATS = (".txt",)


# ------------------------------------------------------------------------------------------- splitting
def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None):
    """Splits a Dataset or a list/tuple of same-length arrays (or one array) into left and right Datasets.

    Sizes are fractions in (0, 1) or sample counts; a missing one is the complement. With `shuffle`,
    samples are shuffled first, in the order Keras's `random.Random(seed)` gives. A batched dataset's
    splits are batched with its batch size.
    """
    if not isinstance(dataset, (data.Dataset, list, tuple, Tensor)) and not hasattr(dataset, "__array__"):
        raise TypeError("The `dataset` argument must be either a `tf.data.Dataset` object, or a list/tuple of "
                        f"arrays. Received: dataset={dataset!r:.100} of type {type(dataset)}")
    if right_size is None and left_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. Received: "
                         "left_size=None and right_size=None")
    columns, structure_of = _split_columns(dataset)
    total = int(columns[0].shape[0])
    left_size, right_size = _split_sizes(left_size, right_size, total)
    order = list(range(total))
    if shuffle:
        if seed is None:
            seed = int(random_ops.uniform((), 0, 1000000, dtype="int64"))
        random.Random(seed).shuffle(order)
    left_index, right_index = order[:left_size], order[total - right_size:]
    splits = []
    for index in (left_index, right_index):
        split = data.Dataset.from_tensor_slices(structure_of([array.gather(c, index) for c in columns]))
        batch_size = getattr(dataset, "_batch_size", None)
        if batch_size is not None:
            split = split.batch(batch_size)
        splits.append(split.prefetch(data.AUTOTUNE))
    return tuple(splits)


def _split_columns(dataset):
    """The samples as one tensor per component, and how to rebuild a sample's structure from them."""
    if isinstance(dataset, data.Dataset):
        if hasattr(dataset, "_batch_size"):
            dataset = dataset.unbatch()
        samples = list(dataset)
        if not samples:
            raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty list/tuple of "
                             "`numpy.ndarray` objects or `tf.data.Dataset` objects.")
        first = samples[0]
        if isinstance(first, Tensor):
            for i, sample in enumerate(samples[1:]):
                if sample.shape != first.shape:
                    raise ValueError(f"All `dataset` samples must have same shape, Expected shape: "
                                     f"{tuple(first.shape)} Received shape: {tuple(sample.shape)} at index {i}.")
        columns = [array.stack(list(c)) for c in zip(*[nest.flatten(s) for s in samples])]
        return columns, lambda leaves: nest.pack_sequence_as(first, leaves)
    if isinstance(dataset, (list, tuple)):
        what = "list" if isinstance(dataset, list) else "tuple"
        if not dataset:
            raise ValueError(f"Received an empty {what} dataset. Please provide a non-empty {what} of arrays.")
        columns = [convert_to_tensor(a) for a in dataset]
        for i, c in enumerate(columns):
            if c.ndim == 0 or c.shape[0] != columns[0].shape[0]:
                raise ValueError(f"Received a {what} of NumPy arrays with different lengths. Mismatch found at "
                                 f"index {i}, Expected shape={tuple(columns[0].shape)} Received shape="
                                 f"{tuple(c.shape)}. Please provide a {what} of NumPy arrays of the same length.")
        return columns, tuple
    column = convert_to_tensor(dataset)
    if column.ndim == 0:
        raise ValueError(f"Cannot split a scalar; expected an array of samples, got {dataset!r:.80}")
    return [column], lambda leaves: leaves[0]


def _size_kind(size, name):
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, (int, float)) and not hasattr(size, "__index__"):
        raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, Received: type({name})="
                        f"{type(size)}.")
    return float if isinstance(size, float) else int


def _split_sizes(left_size, right_size, total):
    """Keras's split sizes, as sample counts that are both positive and fit in `total`."""
    left_kind, right_kind = _size_kind(left_size, "left_size"), _size_kind(right_size, "right_size")
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the split sizes must be "
                         "non-zero.")
    for size, kind, name in ((left_size, left_kind, "left_size"), (right_size, right_kind, "right_size")):
        if (kind is int and not 0 < size < total) or (kind is float and not 0 < size < 1):
            raise ValueError(f"`{name}` should be either a positive integer smaller than {total}, or a float "
                             f"within the range `[0, 1]`. Received: {name}={size}")
    if left_kind is right_kind is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or "
                         "equal to 1.")
    left = None if left_size is None else (round(left_size * total) if left_kind is float else int(left_size))
    right = None if right_size is None else (round(right_size * total) if right_kind is float else int(right_size))
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the {total}. Received: "
                         f"left_size + right_size = {left + right} and total_length = {total}")
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={total}, `left_size`={left} and `right_size`={right}. "
                             f"Resulting {side} side dataset split will be empty. Adjust any of the "
                             "aforementioned parameters")
    return left, right


# ----------------------------------------------------------------------------------------- directories
def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False,
                    verbose=True):
    """The files under `directory` with one of `formats`, their labels and the class names, as Keras lists them."""
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(set(subdirs)):
                raise ValueError("The `class_names` passed did not match the names of the subdirectories of the "
                                 f"target directory. Expected: {subdirs} (or a subset of it), but received: "
                                 f"class_names={class_names}")
            subdirs = list(class_names)
    else:
        subdirs = [""]
        if class_names is not None:
            raise ValueError("When `labels=None` (no labels), argument `class_names` cannot be specified."
                             if labels is None else "When argument `labels` is specified, argument `class_names` "
                             "cannot be specified (the `class_names` will be the sorted list of labels).")
    paths, inferred = [], []
    for class_index, subdir in enumerate(subdirs):
        root_dir = os.path.join(directory, subdir)
        for root, _, files in sorted(os.walk(root_dir, followlinks=follow_links), key=lambda w: w[0]):
            for fname in sorted(files):
                if fname.lower().endswith(formats):
                    paths.append(os.path.join(root, fname))
                    inferred.append(class_index)
    if labels == "inferred":
        class_names = subdirs
        labels = inferred
    elif labels is not None:
        if len(labels) != len(paths):
            raise ValueError("Expected the lengths of `labels` to match the number of files in the target "
                             f"directory. len(labels) is {len(labels)} while we found {len(paths)} files in "
                             f"directory {directory}.")
        labels = list(labels)
        class_names = [str(label) for label in sorted(set(labels))]
    if verbose:
        print(f"Found {len(paths)} files." if labels is None else
              f"Found {len(paths)} files belonging to {len(class_names)} classes.")
    if shuffle:
        # Keras shuffles with NumPy's legacy RandomState(seed); the same permutation keeps its file order.
        from ...data import host

        order = host.legacy_shuffle(list(range(len(paths))), seed)
        paths = [paths[i] for i in order]
        labels = None if labels is None else [labels[i] for i in order]
    return paths, labels, class_names


def _check_arguments(labels, label_mode, class_names, validation_split, subset, shuffle, seed, what):
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("`labels` argument should be a list/tuple of integer labels, of the same size as the "
                             f"number of {what} files in the target directory. If you wish to infer the labels "
                             "from the subdirectory names in the target directory, pass `labels=\"inferred\"`. If "
                             f"you wish to get a dataset that only contains {what} samples (no labels), pass "
                             f"`labels=None`. Received: labels={labels}")
        if class_names:
            raise ValueError(f"You can only pass `class_names` if `labels=\"inferred\"`. Received: labels={labels}, "
                             f"and class_names={class_names}")
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", or None. Received: '
                         f"label_mode={label_mode}")
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide a `seed` argument, "
                         "to make sure that there is no overlap between the training and validation subset.")


def _subset(paths, labels, validation_split, subset, verbose):
    """The training (first) or validation (last) fraction of the files, as Keras splits them."""
    if not validation_split:
        return paths, labels
    num_val = int(validation_split * len(paths))
    if subset == "training":
        if verbose:
            print(f"Using {len(paths) - num_val} files for training.")
        return paths[:len(paths) - num_val], None if labels is None else labels[:len(paths) - num_val]
    if verbose:
        print(f"Using {num_val} files for validation.")
    return paths[len(paths) - num_val:], None if labels is None else labels[len(paths) - num_val:]


def _label_tensor(labels, label_mode, num_classes):
    ints = convert_to_tensor(labels, dtype="int32")
    if label_mode == "binary":
        return array.expand_dims(math.cast(ints, "float32"), -1)
    if label_mode == "categorical":
        return array.one_hot(ints, num_classes)
    return ints


def _from_files(directory, load, formats, what, labels, label_mode, class_names, batch_size, shuffle, seed,
                validation_split, subset, follow_links, verbose):
    """The Dataset(s) of (content, label) for the files in `directory`, built as Keras builds them."""
    _check_arguments(labels, label_mode, class_names, validation_split, subset, shuffle, seed, what)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if seed is None:
        seed = int(random_ops.uniform((), 0, 1000000, dtype="int64"))
    paths, labels, class_names = index_directory(directory, labels, formats, class_names=class_names,
                                                 shuffle=shuffle, seed=seed, follow_links=follow_links,
                                                 verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 class_names. Received: '
                         f"class_names={class_names}")
    num_classes = len(class_names) if class_names else 0

    def build(subset_name, shuffled):
        chosen, chosen_labels = _subset(paths, labels, validation_split, subset_name, verbose)
        if not chosen:
            kind = {"training": "training ", "validation": "validation "}.get(subset_name, "") if subset == "both" \
                else ""
            raise ValueError(f"No {kind}{what} files found in directory {directory}. Allowed formats: {formats}")
        ds = data.Dataset.from_tensor_slices(chosen)
        if label_mode:
            ds = data.Dataset.zip((ds, data.Dataset.from_tensor_slices(
                _label_tensor(chosen_labels, label_mode, num_classes))))
        if shuffled:
            ds = ds.shuffle(buffer_size=batch_size * 8 if batch_size is not None else 1024, seed=seed)
        ds = ds.map((lambda path, label: (load(path), label)) if label_mode else load,
                    num_parallel_calls=data.AUTOTUNE)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds = ds.prefetch(data.AUTOTUNE)
        ds.class_names = class_names
        ds.file_paths = chosen
        return ds

    if subset == "both":
        return [build("training", shuffle), build("validation", False)]
    return build(subset, shuffle)


def _check_format(format):
    if format == "grain":
        raise ValueError('format="grain" asks for a Grain dataset; gradfit builds gradfit.data pipelines: use '
                         'format="tf" (the default), which returns a gradfit.data.Dataset')
    if format != "tf":
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')


def _path(path_tensor):
    return os.fsdecode(path_tensor.numpy())


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, format="tf", verbose=True):
    """A Dataset of (texts, labels) batches from `.txt` files, one subdirectory per class.

    Texts are `tf.string` (bytes) tensors, cut to `max_length` bytes; labels are int32 (label_mode
    "int"), one-hot float32 ("categorical") or float32 of shape (batch, 1) ("binary"). With
    `subset="both"`, returns [training, validation].
    """
    _check_format(format)

    def load(path):
        with open(_path(path), "rb") as f:
            return f.read() if max_length is None else f.read(max_length)

    return _from_files(directory, load, _TEXT_FORMATS, "text", labels, label_mode, class_names, batch_size,
                       shuffle, seed, validation_split, subset, follow_links, verbose)


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, color_mode="rgb",
                                 batch_size=32, image_size=(256, 256), shuffle=True, seed=None, validation_split=None,
                                 subset=None, interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, data_format=None,
                                 format="tf", verbose=True):
    """A Dataset of (images, labels) batches from image files, one subdirectory per class.

    Images (.bmp, .gif, .jpeg, .jpg, .png; decoded with Pillow) are float32 of shape
    (batch, height, width, channels) with 1, 3 or 4 channels for color_mode "grayscale", "rgb", "rgba",
    resized as `tf.image.resize` does. Labels as in `text_dataset_from_directory`.
    """
    from ...backend import image_data_format
    from ...data import images

    num_channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if num_channels is None:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. Received: '
                         f"color_mode={color_mode}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"Invalid `image_size` value. Expected a tuple of 2 integers. Received: "
                         f"image_size={image_size}")
    image_size = (int(image_size[0]), int(image_size[1]))
    interpolation = interpolation.lower()
    if interpolation not in images.INTERPOLATIONS:
        raise ValueError(f"Argument `interpolation` should be one of {images.INTERPOLATIONS}. Received: "
                         f"interpolation={interpolation}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`.")
    _check_format(format)
    data_format = data_format or image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"Unknown data_format {data_format!r}: expected 'channels_last' or 'channels_first'")
    images.require_pillow()

    def load(path):
        img = images.load(_path(path), num_channels)
        if crop_to_aspect_ratio:
            img = images.resize(images.crop_to_aspect_ratio(img, image_size), image_size, interpolation)
        elif pad_to_aspect_ratio:
            img = images.resize_with_pad(img, image_size, interpolation)
        else:
            img = images.resize(img, image_size, interpolation)
        return array.transpose(img, (2, 0, 1)) if data_format == "channels_first" else img

    return _from_files(directory, load, images.FORMATS, "image", labels, label_mode, class_names, batch_size,
                       shuffle, seed, validation_split, subset, follow_links, verbose)
