"""Summary writers, the default writer and step, and recording conditions, as `tf.summary` has them.

State is per thread, as in TensorFlow: `writer.as_default(step)` makes a writer (and optionally a step) the
default inside a `with` block, `record_if(condition)` turns recording on or off, and `write` sends one
tensor to the default writer when there is one and recording is on.
"""
import contextlib
import os
import threading
import time
import weakref

import numpy as np

from .. import errors
from ..tensor import Tensor, constant
from .event_file import EventFile
from .protos import encode_event, encode_summary_value, encode_tensor

_NO_STEP = ("No step set. Please specify one either through the `step` argument or through "
            "tf.summary.experimental.set_step()")


class _SummaryState(threading.local):
    def __init__(self):
        super().__init__()
        self.writer = None
        self.step = None
        self.is_recording = None


_state = _SummaryState()


class SummaryWriter:
    """The interface of summary writers: `as_default`, `set_as_default`, `init`, `flush`, `close`."""

    def set_as_default(self, step=None):
        """Makes this writer the default for the current thread (and `step` the default step, if given)."""
        self.as_default(step).__enter__()

    def as_default(self, step=None):
        """A context manager making this writer (and `step`, if not None) the default inside its block.

        On exit the previous writer and step come back and the writer is flushed.
        """
        return _DefaultWriter(self, step)

    def init(self):
        """Initializes the writer (nothing to do when executing eagerly)."""
        raise NotImplementedError()

    def flush(self):
        """Writes out any buffered summaries."""
        raise NotImplementedError()

    def close(self):
        """Flushes and closes the writer."""
        raise NotImplementedError()


class _DefaultWriter:
    def __init__(self, writer, step):
        self._writer = writer
        self._step = step
        self._old_writer = None
        self._old_step = None

    def __enter__(self):
        self._old_writer = _state.writer
        _state.writer = self._writer
        if self._step is not None:
            self._old_step = _state.step
            _state.step = self._step
        return self._writer

    def __exit__(self, *exc_info):
        _state.writer.flush()
        _state.writer = self._old_writer
        if self._step is not None:
            _state.step = self._old_step
        return False


class _FileWriter(SummaryWriter):
    """Writes summaries to an event file in `logdir` (see `create_file_writer`)."""

    def __init__(self, logdir, max_queue, flush_millis, filename_suffix):
        self.logdir = logdir
        self._file = EventFile(logdir, max_queue, flush_millis, filename_suffix)
        self._closed = False
        # Whatever happens to the writer, what it queued reaches the file when it is collected or at exit.
        self._finalizer = weakref.finalize(self, self._file.close)

    def __repr__(self):
        return f"<SummaryWriter logdir={self.logdir!r}{' (closed)' if self._closed else ''}>"

    def _check_open(self):
        if self._closed:
            raise RuntimeError(f"SummaryWriter {self!r} is already closed")

    def set_as_default(self, step=None):
        self._check_open()
        super().set_as_default(step)

    def as_default(self, step=None):
        self._check_open()
        return super().as_default(step)

    def init(self):
        self._check_open()

    def flush(self):
        if not self._closed:
            self._file.flush()

    def close(self):
        if not self._closed:
            self._closed = True
            self._finalizer()

    def _write(self, tag, array, step, metadata):
        if self._closed:
            raise errors.NotFoundError(f"Cannot write summary {tag!r}: {self!r} is closed")
        value = encode_summary_value(tag, encode_tensor(array), metadata)
        self._file.write(encode_event(time.time(), step, summary_values=[value]))


class _NoopWriter(SummaryWriter):
    """A writer that does nothing, for `create_noop_writer()`."""

    def set_as_default(self, step=None):
        pass

    @contextlib.contextmanager
    def as_default(self, step=None):
        yield

    def init(self):
        pass

    def flush(self):
        pass

    def close(self):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None):
    """A summary writer for the directory `logdir` (created if missing), as `tf.summary.create_file_writer`.

    Its event file, `events.out.tfevents.<time>.<host>.<pid>.<n><filename_suffix>`, is created at once.
    Summaries are queued and written once more than `max_queue` (default 10) wait or `flush_millis`
    (default 120000) have passed, and on `flush()`, `close()` and the end of an `as_default()` block.
    """
    if logdir is None:
        raise ValueError("Argument `logdir` cannot be None")
    try:
        logdir = os.fspath(logdir)
    except TypeError:
        raise TypeError(f"create_file_writer expected `logdir` to be a path (str or os.PathLike), got {logdir!r}") \
            from None
    max_queue = 10 if max_queue is None else _non_negative_int(max_queue, "max_queue")
    flush_millis = 120000 if flush_millis is None else _non_negative_int(flush_millis, "flush_millis")
    filename_suffix = ".v2" if filename_suffix is None else filename_suffix
    if not isinstance(filename_suffix, str):
        raise TypeError(f"create_file_writer expected `filename_suffix` to be a str, got {filename_suffix!r}")
    return _FileWriter(logdir, max_queue, flush_millis, filename_suffix)


def _non_negative_int(value, what):
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"create_file_writer expected `{what}` to be a non-negative integer, got {value!r}")
    return int(value)


def create_noop_writer():
    """A summary writer that does nothing: a placeholder where code expects a writer."""
    return _NoopWriter()


@contextlib.contextmanager
def record_if(condition):
    """Turns recording on or off inside the block: `condition` is a bool, a bool tensor or a callable
    returning one (called at each write, so `lambda: step % 100 == 0` is checked as the step moves)."""
    old = _state.is_recording
    try:
        _state.is_recording = condition
        yield
    finally:
        _state.is_recording = old


def _recording():
    """Whether a write now would record: a default writer exists and the recording condition holds."""
    if _state.writer is None:
        return False
    condition = _state.is_recording
    if callable(condition):
        condition = condition()
    if condition is None:
        return True
    return bool(condition.numpy() if isinstance(condition, Tensor) else condition)


def should_record_summaries():
    """A bool tensor: True when a default writer is set and the `record_if` condition (default True) holds."""
    return constant(_recording())


def get_step():
    """The default step set by `set_step` or `as_default(step=...)`, or None."""
    return _state.step


def set_step(step):
    """Sets the default step for this thread (a number or a variable, read at each write); None unsets it."""
    _state.step = step


def has_default_writer():
    return _state.writer is not None


def flush(writer=None, name=None):
    """Flushes `writer`, or the default writer when None (doing nothing if there is none)."""
    if writer is None:
        writer = _state.writer
        if writer is None:
            return None
    if isinstance(writer, SummaryWriter):
        return writer.flush()
    raise ValueError(f"Invalid argument to flush(): {writer!r}")


def as_step(step):
    """`step` (an int, NumPy integer, integer tensor or variable) as a Python int, as TensorFlow's int64 step.

    A Python float is refused, as TensorFlow refuses it; a NumPy or tensor float holding a whole number is
    taken.
    """
    if type(step) is float:
        raise TypeError(f"Argument `step` must be an integer (it is stored as int64). Received step={step!r}")
    value = np.asarray(step.numpy() if hasattr(step, "numpy") else step)
    if value.size != 1:
        raise ValueError(f"Argument `step` must be a scalar. Received step with shape {value.shape}.")
    value = value.reshape(())
    if value.dtype.kind == "f" and float(value).is_integer():
        return int(value)
    if value.dtype.kind not in "iu":
        raise TypeError(f"Argument `step` must be an integer (it is stored as int64). Received step={step!r}")
    return int(value)


def write(tag, tensor, step=None, metadata=None, name=None):
    """Writes `tensor` (or what the callable `tensor` returns) under `tag` to the default writer.

    `metadata` is a serialized SummaryMetadata (bytes) or an object with `SerializeToString()`. Returns
    a bool tensor: False when no summary was written (no default writer, or recording is off).
    Raises ValueError when a default writer exists but no step was given and no default step is set.
    """
    if step is not None:
        as_step(step)
    writer = _state.writer
    if writer is None:
        return constant(False)
    if step is None:
        step = _state.step
    if metadata is None:
        metadata = b""
    elif hasattr(metadata, "SerializeToString"):
        metadata = metadata.SerializeToString()
    if not _recording():
        return constant(False)
    if step is None:
        raise ValueError(_NO_STEP)
    value = tensor() if callable(tensor) else tensor
    if isinstance(writer, _FileWriter):
        writer._write(tag, _as_array(value), as_step(step), bytes(metadata))
    return constant(True)


def _as_array(value):
    if isinstance(value, Tensor) or hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)
