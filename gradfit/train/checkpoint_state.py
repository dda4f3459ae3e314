"""The `checkpoint` file in a checkpoint directory, as TensorFlow writes it, and `tf.train.latest_checkpoint`.

    model_checkpoint_path: "ckpt-4"
    all_model_checkpoint_paths: "ckpt-3"
    all_model_checkpoint_paths: "ckpt-4"
    all_model_checkpoint_timestamps: 1700000000.25
    ...
    last_preserved_timestamp: 1699999990.5

Paths of checkpoints inside the directory are written relative to it.
"""
import os

from . import checkpoint_file

STATE_FILENAME = "checkpoint"


class CheckpointState:
    """What a `checkpoint` file records; paths are joined to the directory (`tf.train.get_checkpoint_state`)."""

    def __init__(self, model_checkpoint_path=None, all_model_checkpoint_paths=(), all_model_checkpoint_timestamps=(),
                 last_preserved_timestamp=None):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
        self.last_preserved_timestamp = last_preserved_timestamp

    def __repr__(self):
        return (f"CheckpointState(model_checkpoint_path={self.model_checkpoint_path!r}, "
                f"all_model_checkpoint_paths={self.all_model_checkpoint_paths!r})")


def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquote(text):
    body = text[1:-1]
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            i += 1
            c = {"n": "\n", "t": "\t"}.get(body[i], body[i])
        out.append(c)
        i += 1
    return "".join(out)


def _relative(path, directory):
    path = os.fspath(path)
    if os.path.dirname(os.path.abspath(path)) == os.path.abspath(directory):
        return os.path.basename(path)
    return path


def write_state(directory, latest, paths, timestamps=None, last_preserved_timestamp=None):
    """Replace `directory`/checkpoint (atomically)."""
    from ..keras.saving.atomic_file import write_bytes

    lines = [f"model_checkpoint_path: {_quote(_relative(latest, directory))}"]
    lines += [f"all_model_checkpoint_paths: {_quote(_relative(p, directory))}" for p in paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in (timestamps or [])]
    if last_preserved_timestamp is not None:
        lines.append(f"last_preserved_timestamp: {last_preserved_timestamp!r}")
    os.makedirs(directory, exist_ok=True)
    write_bytes(os.path.join(directory, STATE_FILENAME), ("\n".join(lines) + "\n").encode("utf-8"))


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState recorded in `checkpoint_dir`, or None when there is no state file."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = os.path.join(checkpoint_dir, latest_filename or STATE_FILENAME)
    if not os.path.isfile(path):
        return None
    state = CheckpointState()
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, sep, text = line.strip().partition(":")
            text = text.strip()
            if not sep or not text:
                continue
            if text.startswith('"'):
                value = _unquote(text)
                if not os.path.isabs(value):
                    value = os.path.join(checkpoint_dir, value)
            else:
                try:
                    value = float(text)
                except ValueError:
                    continue
            if key == "model_checkpoint_path":
                state.model_checkpoint_path = value
            elif key == "all_model_checkpoint_paths":
                state.all_model_checkpoint_paths.append(value)
            elif key == "all_model_checkpoint_timestamps":
                state.all_model_checkpoint_timestamps.append(value)
            elif key == "last_preserved_timestamp":
                state.last_preserved_timestamp = value
    return state


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint `checkpoint_dir`'s state file names, or None when there is none
    (or its files are gone)."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not state.model_checkpoint_path:
        return None
    path = state.model_checkpoint_path
    return path if checkpoint_file.exists(path) else None
