"""keras.callbacks.TensorBoard: log metrics, weight histograms and images for TensorBoard, as Keras 3 does."""
import os
import sys
import time
import warnings

import numpy as np

from ... import backend
from ... import summary
from ...summary.protos import encode_metadata
from ...summary.writer import has_default_writer
from ..layers.core import Embedding
from ..optimizers.optimizer import Optimizer
from .callback import Callback
from .optimizer_learning_rate import read_learning_rate

# The tensor name Keras records for each embedding in the projector's configuration.
_EMBEDDING_TENSOR_NAME = "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"


class TensorBoard(Callback):
    """Writes event files for TensorBoard under `log_dir/train` and `log_dir/validation`.

    What is written, with the tags and steps Keras 3 uses:
      - at the end of each epoch (step: the epoch, from 0): `epoch_<metric>` for the training logs and
        `epoch_learning_rate` in `train/`, `epoch_<metric>` for the validation logs in `validation/`, and
        `epoch_steps_per_second` with `write_steps_per_second=True`;
      - after each validation run or `evaluate()` (step: the optimizer's iterations):
        `evaluation_<metric>_vs_iterations` in `validation/`;
      - with an integer `update_freq` (or `'batch'`, meaning 1), `batch_<metric>` (and
        `batch_steps_per_second`) after the training batches whose global number (counted from 1 across
        epochs) is a multiple of it. Then the writer is also the default one, with that step, inside
        `train_step`, so `tf.summary` calls there are recorded on the same schedule. As in Keras, the
        epoch-level summaries are then recorded only in epochs whose last batch is on that schedule;
      - every `histogram_freq` epochs, a histogram of each weight, `<weight path>/histogram`, and with
        `write_images=True` the weight drawn as an image, `<weight path>/image` (kernels of Dense layers
        and biases as one image, 1D convolution kernels as one image per filter);
      - with `write_graph=True`, the model's configuration (tag `keras`, step 0) from which TensorBoard's
        Graphs dashboard draws its conceptual graph, for Sequential and Functional models. Like Keras 3,
        this writes no graph of TensorFlow operations: there is none to write.
    `embeddings_freq` writes `projector_config.pbtxt` and `train/keras_embedding.ckpt-<epoch>.weights.h5`,
    the files Keras 3 writes, with a warning: TensorBoard's projector loads TensorFlow checkpoints and does
    not read these. `profile_batch` other than 0 raises ValueError, as Keras does on backends without a
    profiler.
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        if update_freq not in ("epoch", "batch") and (isinstance(update_freq, bool) or not isinstance(
                update_freq, (int, np.integer)) or update_freq < 1):
            raise ValueError(f"TensorBoard expected `update_freq` to be 'epoch', 'batch' or a positive integer (a "
                             f"number of batches), got {update_freq!r}")
        if profile_batch:
            raise ValueError("Profiling is not available in gradfit: it has no TensorFlow or JAX profiler to "
                             f"start. Received: profile_batch={profile_batch!r} (must be 0)")
        if embeddings_freq:
            warnings.warn("TensorBoard(embeddings_freq=...) writes `projector_config.pbtxt` and the model's weights "
                          "as `train/keras_embedding.ckpt-<epoch>.weights.h5`, as Keras 3 does, but TensorBoard's "
                          "projector loads embeddings from TensorFlow checkpoints, which gradfit does not write: "
                          "the Projector dashboard will not show them.", stacklevel=2)
        self.log_dir = str(os.fspath(log_dir))
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._previous_epoch_iterations = 0.0
        self._epoch_start_time = 0.0
        self._batch_start_time = 0.0
        self._writers = {}  # created on first use, so a run that logs nothing leaves no event file
        self._pushed = []  # (writer context, record_if context) entered for batch-level summaries

    # ----------------------------------------------------------------------------------------- writers
    def set_model(self, model):
        super().set_model(model)
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._writers = {}
        if self.write_graph:
            self._write_keras_model_summary()
        if self.embeddings_freq:
            self._configure_embeddings()

    @property
    def _train_writer(self):
        if "train" not in self._writers:
            self._writers["train"] = summary.create_file_writer(self._train_dir)
        return self._writers["train"]

    @property
    def _val_writer(self):
        if "val" not in self._writers:
            self._writers["val"] = summary.create_file_writer(self._val_dir)
        return self._writers["val"]

    def _push_writer(self, writer, step):
        """Makes `writer` the default, with `step`, recording only when `step` is on the `update_freq` schedule."""
        if self.update_freq == "epoch":
            return
        contexts = (writer.as_default(step), summary.record_if(lambda: step % self.update_freq == 0))
        for context in contexts:
            context.__enter__()
        self._pushed.append(contexts)

    def _pop_writer(self):
        if self.update_freq == "epoch" or not self._pushed:
            return
        writer_context, record_context = self._pushed.pop()
        record_context.__exit__(*sys.exc_info())
        writer_context.__exit__(*sys.exc_info())

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()

    # ------------------------------------------------------------------------------------------- hooks
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0.0
        self._push_writer(self._train_writer, self._global_train_batch)

    def on_train_end(self, logs=None):
        self._pop_writer()
        self._close_writers()

    def on_test_begin(self, logs=None):
        self._push_writer(self._val_writer, self._global_test_batch)

    def on_test_end(self, logs=None):
        optimizer = self.model.optimizer
        if optimizer is not None and hasattr(optimizer, "iterations"):
            with self._val_writer.as_default():
                for name, value in (logs or {}).items():
                    summary.scalar(f"evaluation_{name}_vs_iterations", value, step=optimizer.iterations)
        self._pop_writer()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.update_freq != "epoch":
            self._pop_writer()
            self._push_writer(self._train_writer, self._global_train_batch)
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if not has_default_writer():
            return  # nowhere to write (update_freq='epoch', and no writer of the user's is the default)
        if self.write_steps_per_second:
            elapsed = time.time() - self._batch_start_time
            summary.scalar("batch_steps_per_second", 1.0 / elapsed if elapsed > 0 else float("inf"),
                           step=self._global_train_batch)
        if isinstance(logs, dict):
            for name, value in logs.items():
                summary.scalar(f"batch_{name}", value, step=self._global_train_batch)

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1
        if self.update_freq != "epoch":
            self._pop_writer()
            self._push_writer(self._val_writer, self._global_test_batch)

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._previous_epoch_iterations = float(np.float32(_iterations(self.model.optimizer)))
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self.model.save_weights(os.path.join(self._train_dir, f"keras_embedding.ckpt-{epoch}.weights.h5"))

    # ------------------------------------------------------------------------------------- what is logged
    def _log_epoch_metrics(self, epoch, logs):
        if not logs:
            return
        train_logs = {name: value for name, value in logs.items() if not name.startswith("val_")}
        val_logs = {name[len("val_"):]: value for name, value in logs.items() if name.startswith("val_")}
        self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            train_logs["steps_per_second"] = self._steps_per_second()
        if train_logs:
            with self._train_writer.as_default():
                for name, value in train_logs.items():
                    summary.scalar(f"epoch_{name}", value, step=epoch)
        if val_logs:
            with self._val_writer.as_default():
                for name, value in val_logs.items():
                    summary.scalar(f"epoch_{name}", value, step=epoch)

    def _collect_learning_rate(self, logs):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            for inner in optimizer.optimizers:
                logs[f"learning_rate_{inner.name}"] = read_learning_rate(inner)
        elif isinstance(optimizer, Optimizer):
            logs["learning_rate"] = read_learning_rate(optimizer)

    def _steps_per_second(self):
        # In float32, as Keras computes it.
        steps = np.float32(_iterations(self.model.optimizer)) - np.float32(self._previous_epoch_iterations)
        return float(steps / np.float32(time.time() - self._epoch_start_time))

    def _log_weights(self, epoch):
        with self._train_writer.as_default():
            for layer in self.model.layers:
                for weight in layer.weights:
                    weight_name = weight.path.replace(":", "_")
                    summary.histogram(f"{weight_name}/histogram", weight, step=epoch)
                    if self.write_images:
                        self._log_weight_as_image(weight, f"{weight_name}/image", epoch)
            self._train_writer.flush()

    def _log_weight_as_image(self, weight, name, epoch):
        """A weight as images: one for a vector or matrix (the longer side across), one per filter of a 3D
        kernel; a 4D weight only when its last dimension can be read as channels (1, 3 or 4)."""
        pixels = np.squeeze(np.asarray(weight.numpy()))
        if pixels.ndim == 1:
            pixels = pixels.reshape(1, pixels.shape[0], 1, 1)
        elif pixels.ndim == 2:
            if pixels.shape[0] > pixels.shape[1]:
                pixels = pixels.T
            pixels = pixels.reshape(1, *pixels.shape, 1)
        elif pixels.ndim == 3:
            if backend.image_data_format() == "channels_last":
                pixels = pixels.transpose(2, 0, 1)
            pixels = pixels.reshape(*pixels.shape, 1)
        if pixels.ndim == 4 and pixels.shape[-1] in (1, 3, 4):
            summary.image(name, pixels, step=epoch)

    def _write_keras_model_summary(self):
        with self._train_writer.as_default():
            if type(self.model).__name__ in ("Functional", "Sequential"):
                keras_model_summary("keras", self.model, step=0)

    def _configure_embeddings(self):
        """Writes `projector_config.pbtxt` naming each Embedding layer's weights (and metadata file)."""
        metadata = self.embeddings_metadata
        unclaimed = dict(metadata) if metadata is not None and not isinstance(metadata, str) else {}
        entries = []
        for layer in self.model.layers:
            if isinstance(layer, Embedding):
                entry = [("tensor_name", _EMBEDDING_TENSOR_NAME)]
                path = metadata if isinstance(metadata, str) else unclaimed.pop(layer.name, None)
                if path is not None:
                    entry.append(("metadata_path", path))
                entries.append(entry)
        if unclaimed:
            raise ValueError("Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
                             f"`embeddings_metadata` argument: {unclaimed.keys()}")
        text = "".join("embeddings {\n" + "".join(f'  {key}: "{_text_format_escape(value)}"\n' for key, value in entry)
                       + "}\n" for entry in entries)
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "w") as f:
            f.write(text)


def _iterations(optimizer):
    iterations = optimizer.iterations
    return iterations.numpy() if hasattr(iterations, "numpy") else iterations


def _text_format_escape(value):
    """A string as protobuf's text format quotes it: C escapes, other bytes outside printable ASCII in octal."""
    named = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"', ord("'"): "\\'", ord("\\"): "\\\\"}
    return "".join(named.get(byte) or (chr(byte) if 32 <= byte < 127 else f"\\{byte:03o}")
                   for byte in str(value).encode("utf-8"))


def keras_model_summary(name, data, step=None):
    """Writes a Keras model's JSON configuration for TensorBoard's Graphs dashboard (plugin
    `graph_keras_model`). Returns False, with a warning, if the model cannot be serialized."""
    try:
        json_string = data.to_json()
    except Exception as exc:  # a model that cannot be serialized must not stop training
        warnings.warn(f"Model failed to serialize as JSON. Ignoring... {exc}", stacklevel=2)
        return False
    metadata = encode_metadata("graph_keras_model", content=b"1")
    return summary.write(tag=name, tensor=json_string, step=step, metadata=metadata)
