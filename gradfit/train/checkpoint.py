"""`tf.train.Checkpoint`: saves and restores the state of the objects it is given.

    ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer, step=step)
    path = ckpt.save("ckpts/ckpt")          # 'ckpts/ckpt-1', then 'ckpts/ckpt-2', ...
    ckpt.restore(tf.train.latest_checkpoint("ckpts")).assert_consumed()

It tracks Variables, `tf.Module`s, Keras models, layers and optimizers (their iterations, learning rate
and slots), other Checkpoints, and lists, tuples and dicts of these; values are matched by
where they sit in that object graph, not by variable names. Plain Python numbers are not tracked (a
step count belongs in a Variable). The files are gradfit's own (`prefix.index` and
`prefix.data-00000-of-00001`, see `checkpoint_file`): TensorFlow's checkpoint files are not read.
"""
import os

import numpy as np

from ..errors import NotFoundError
from ..tensor import Variable
from . import checkpoint_file
from .checkpoint_state import write_state
from .object_graph import ObjectGraph, children, holds_state, is_trackable_object
from .restore import CheckpointLoadStatus, InitializationOnlyStatus, Restoration


def _check_trackable(name, value):
    if isinstance(value, (list, tuple, dict)) or is_trackable_object(value):
        return
    raise ValueError(f"`Checkpoint` was expecting {name} to be a trackable object (an object derived from "
                     f"`Trackable`), got {value!r:.100}. A checkpoint tracks Variables, tf.Module objects, Keras "
                     "models, layers and optimizers, other Checkpoints, and lists or dicts of them (keep a count in a "
                     "tf.Variable to checkpoint it).")


class Checkpoint:
    """Groups trackable objects (keyword arguments, or attributes set later) to save and restore together.

    With `root`, the root object's own children are the checkpoint's top level (its keys have no prefix).
    """

    _is_checkpoint = True

    def __init__(self, root=None, **kwargs):
        object.__setattr__(self, "_root", None)
        object.__setattr__(self, "_tracked", {})
        object.__setattr__(self, "_save_counter", None)
        if root is not None:
            _check_trackable("root", root)
            object.__setattr__(self, "_root", root)
        for name, value in sorted(kwargs.items()):
            setattr(self, name, value)

    def __setattr__(self, name, value):
        if not name.startswith("_"):
            _check_trackable(name, value)
            self._tracked[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._tracked.pop(name, None)
        object.__delattr__(self, name)

    def _checkpoint_children(self):
        found = []
        if self._root is not None:
            found += children(self._root)
        found += [(name, value) for name, value in self._tracked.items() if holds_state(value)]
        if self._save_counter is not None:
            found.append(("save_counter", self._save_counter))
        return found

    @property
    def save_counter(self):
        """How many times `save` ran (an int64 Variable, saved and restored with the rest)."""
        if self._save_counter is None:
            object.__setattr__(self, "_save_counter",
                               Variable(np.zeros((), np.int64), trainable=False, name="save_counter"))
        return self._save_counter

    # ------------------------------------------------------------------------------------- saving
    def write(self, file_prefix, options=None):
        """Write the checkpoint to `file_prefix` (no numbering, no `checkpoint` file); returns the prefix."""
        graph = ObjectGraph(self)
        nodes, values = [], {}
        for i, obj in enumerate(graph.objects):
            node = {"children": [[name, j] for name, j in graph.edges[i]]}
            if isinstance(obj, Variable):
                node["key"] = graph.key(i)
                values[node["key"]] = obj._value
            nodes.append(node)
        return checkpoint_file.write(os.fspath(file_prefix), nodes, values)

    def save(self, file_prefix, options=None):
        """Write a numbered checkpoint `file_prefix-<save_counter>` and record it as the directory's latest
        in its `checkpoint` file; returns its path."""
        counter = self.save_counter
        counter.assign_add(1)
        path = f"{os.fspath(file_prefix)}-{int(counter._value)}"
        self.write(path)
        write_state(os.path.dirname(os.path.abspath(path)), path, [path])
        return path

    # ------------------------------------------------------------------------------------ restoring
    def read(self, save_path, options=None):
        """Restore from `save_path` (a prefix `write` or `save` returned); returns a load status."""
        reader = checkpoint_file.CheckpointReader(save_path)
        if self._save_counter is None and any(name == "save_counter" for name, _ in reader.nodes[0]["children"]):
            self.save_counter  # created now, so the saved count is restored into it
        restoration = Restoration(reader, self)
        restoration.run(0, self)
        return CheckpointLoadStatus(restoration)

    def restore(self, save_path, options=None):
        """Restore from `save_path` (None restores nothing, as `tf.train.latest_checkpoint` of an empty
        directory gives). Values whose owners are not built yet (an optimizer's slots, a layer's weights)
        are restored when they are. Shapes and dtypes are checked before any value is assigned."""
        if save_path is None:
            return InitializationOnlyStatus()
        try:
            return self.read(save_path)
        except NotFoundError as error:
            raise NotFoundError(f"Error when restoring from checkpoint at {os.fspath(save_path)}: {error}\nPlease "
                                "double-check that the path is correct. You may be missing the checkpoint suffix (e.g. "
                                "the '-1' in 'path/to/ckpt-1').") from None

    def sync(self):
        """Saving is synchronous: nothing to wait for."""
        return None

    def __repr__(self):
        return f"<tf.train.Checkpoint tracking {list(self._tracked)}>"
