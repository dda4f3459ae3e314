"""Restoring a checkpoint into live objects, and the status object `Checkpoint.restore` returns.

The saved graph is walked from its root together with the live objects, matching children by name, so
a Variable gets the value saved for the object in the same place, whatever its own name. All values of
one pass are checked (shape, dtype) before any is assigned. Where a saved object has no live
counterpart yet because its owner is not built (an optimizer's slots appear when it first applies
gradients; a Keras layer's weights when it is first called), the owner's `build` is watched and the
values are assigned right after it runs: deferred restoration, as in TensorFlow.
"""
import functools
from collections import deque

from ..errors import InvalidArgumentError, kernel_type_name
from ..tensor import Variable
from .object_graph import ObjectGraph, children, keras_layer_class, keras_optimizer_class, readable_path


def _is_builder(obj):
    """Keras layers and optimizers create their variables in `build`."""
    for cls in (keras_layer_class(), keras_optimizer_class()):
        if cls is not None and isinstance(obj, cls):
            return True
    return False


class Restoration:
    """One restore of a checkpoint (`reader`) into the objects under `root`."""

    def __init__(self, reader, root):
        self.reader = reader
        self.root = root
        self.nodes = reader.nodes
        self.restored = set()  # saved nodes whose value was assigned
        self.bound = set()  # ids of the Variables that received a value
        self._values = None
        self._watched = set()  # (id(owner), saved node) with a deferred restoration pending
        self._has_values = {}

    def _holds_values(self, node):
        """Whether the saved subtree at `node` holds any value."""
        found = self._has_values.get(node)
        if found is None:
            self._has_values[node] = False  # a cycle adds nothing
            found = bool(self.nodes[node].get("key")) or any(
                self._holds_values(child) for _, child in self.nodes[node]["children"])
            self._has_values[node] = found
        return found

    def _load(self, keys):
        if not keys:
            return {}
        if self._values is None:
            self._values = self.reader.read([n["key"] for n in self.nodes if n.get("key")])
        return {key: self._values[key] for key in keys}

    def run(self, node, obj):
        """Match the saved subtree at `node` with `obj`'s, then assign the values found (all checked first)."""
        assignments = []
        claimed = set()
        waiting = []
        visited = set()
        queue = deque([(node, obj, obj if _is_builder(obj) else None, node)])
        while queue:
            node, obj, owner, owner_node = queue.popleft()
            if (node, id(obj)) in visited:
                continue
            visited.add((node, id(obj)))
            saved = self.nodes[node]
            key = saved.get("key")
            if key is not None:
                if isinstance(obj, Variable) and node not in self.restored and id(obj) not in self.bound \
                        and id(obj) not in claimed:
                    claimed.add(id(obj))
                    assignments.append((obj, node, key))
                continue
            if _is_builder(obj):
                owner, owner_node = obj, node
            live = {}
            for name, child in children(obj):
                live.setdefault(name, child)
            for name, child in saved["children"]:
                if name in live:
                    queue.append((child, live[name], owner, owner_node))
                elif owner is not None and not owner.built and self._holds_values(child):
                    waiting.append((owner, owner_node))
        self._assign(assignments)
        for owner, owner_node in waiting:
            self._defer(owner, owner_node)

    def _assign(self, assignments):
        values = self._load([key for _, _, key in assignments])
        for variable, _, key in assignments:
            value = values[key]
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(f"Received incompatible tensor with shape {tuple(value.shape)} when attempting to "
                                 f"restore variable with shape {tuple(variable.shape)} and name {variable.path} "
                                 f"(checkpoint key '{key}').")
            if value.dtype != variable._value.dtype:
                raise InvalidArgumentError(f"tensor_name = {key}; expected dtype "
                                           f"{kernel_type_name(variable._value.dtype)} does not equal original dtype "
                                           f"{kernel_type_name(value.dtype)}")
        for variable, node, key in assignments:
            variable.assign(values[key])
            self.restored.add(node)
            self.bound.add(id(variable))
        if self._values and len(self.restored) == len(self._values):
            self._values = {}  # everything is restored: the saved arrays are not needed any more

    def _defer(self, owner, node):
        """Restore the saved subtree at `node` into `owner` right after `owner.build` next runs."""
        if (id(owner), node) in self._watched:
            return
        self._watched.add((id(owner), node))
        original = owner.build

        @functools.wraps(original)
        def build(*args, **kwargs):
            result = original(*args, **kwargs)
            if owner.__dict__.get("build") is build:
                del owner.__dict__["build"]
            self._watched.discard((id(owner), node))
            self.run(node, owner)
            return result

        object.__setattr__(owner, "build", build)

    # ---------------------------------------------------------------------------------------- reports
    def saved_paths(self):
        """The readable path of every saved node (breadth first from the root, as its key was made)."""
        paths = {0: ()}
        queue = deque([0])
        while queue:
            node = queue.popleft()
            for name, child in self.nodes[node]["children"]:
                if child not in paths:
                    paths[child] = paths[node] + (name,)
                    queue.append(child)
        return paths

    def unrestored(self):
        """(path, key) of saved values no live Variable received."""
        paths = self.saved_paths()
        return [(readable_path(paths.get(i, ())), n["key"]) for i, n in enumerate(self.nodes)
                if n.get("key") and i not in self.restored]

    def unbound(self):
        """Live Variables under the root that received no value."""
        return [v for _, v in ObjectGraph(self.root).variables() if id(v) not in self.bound]


def _describe(variable):
    return f"<Variable '{variable.path}' shape={tuple(variable.shape)} dtype={variable._value.dtype.name}>"


class CheckpointLoadStatus:
    """What a restore matched, with TensorFlow's assertions (each returns the status when it holds)."""

    def __init__(self, restoration):
        self._restoration = restoration

    def assert_consumed(self):
        """Every saved value was restored and every live Variable received one (deferred restorations
        count once their owners are built)."""
        self.assert_existing_objects_matched()
        unrestored = self._restoration.unrestored()
        if unrestored:
            path, key = unrestored[0]
            raise AssertionError(f"Unresolved object in checkpoint {path}: checkpoint_key: \"{key}\" "
                                 f"({len(unrestored)} saved values were not restored)")
        return self

    def assert_existing_objects_matched(self):
        """Every Variable that exists now under the checkpoint's objects received a saved value."""
        unbound = self._restoration.unbound()
        if unbound:
            shown = ", ".join(_describe(v) for v in unbound[:10])
            raise AssertionError(f"Found {len(unbound)} Python objects that were not bound to checkpointed values, "
                                 f"likely due to changes in the Python program. Showing {min(len(unbound), 10)} of "
                                 f"{len(unbound)} unmatched objects: [{shown}]")
        return self

    def assert_nontrivial_match(self):
        """At least one saved value was restored."""
        if not self._restoration.restored:
            keys = [key for _, key in self._restoration.unrestored()]
            raise AssertionError("Nothing except the root object matched a checkpointed value. Typically this means "
                                 "that the checkpoint does not match the Python program. The following objects have "
                                 f"checkpointed values: {keys}")
        return self

    def expect_partial(self):
        """Marks a partial restore as intended (nothing is reported about unrestored values)."""
        return self

    def run_restore_ops(self, session=None):
        """Values are assigned eagerly by `restore` itself."""
        return None

    def initialize_or_restore(self, session=None):
        return None


class InitializationOnlyStatus:
    """The status of `restore(None)`: nothing was restored, so every assertion fails."""

    _MESSAGE = "No checkpoint specified (save_path=None); nothing is being restored."

    def assert_consumed(self):
        raise AssertionError(self._MESSAGE)

    def assert_existing_objects_matched(self):
        raise AssertionError(self._MESSAGE)

    def assert_nontrivial_match(self):
        raise AssertionError(self._MESSAGE)

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        return None

    def initialize_or_restore(self, session=None):
        return None
