"""The graph of objects a checkpoint saves: which objects hold state, and their named children.

A checkpoint stores the graph that starts at a `Checkpoint` and follows named edges (attribute names,
list positions, dict keys) to Variables, as TensorFlow's object-based checkpoints do. What has children:
- `tf.Module`s: their attributes, in assignment order, that hold state;
- Keras layers and models: the same, then sublayers no attribute reaches as `layer-<i>` (their position
  in the layer's own list) and weights no attribute reaches as `variable-<i>`;
- Keras optimizers: `_iterations`, `_learning_rate` (a Variable) and `_variables` (iterations, learning
  rate, then the slots in creation order), as Keras 3 on TensorFlow names them;
- lists, tuples and dicts: their items, by position or key.
Tensors that are not Variables and plain Python values (ints, floats, strings) are not state, nor are
Keras metrics (as with Keras 3 on TensorFlow: their state is per epoch).
A Variable's checkpoint key is its shortest path from the root (the first found breadth first).
"""
import sys
from collections import deque

import numpy as np

from ..module import Module
from ..tensor import Tensor, Variable

VALUE_SUFFIX = ".ATTRIBUTES/VARIABLE_VALUE"

# Keras model attributes that cache the layers in another order (the layers are `layer-<i>` instead).
_KERAS_SKIPPED = frozenset(("_stack", "_operations", "_plan", "_inference_plan", "_nodes_by_depth"))


def _loaded_class(module_name, class_name):
    """A class from a module if that module was imported (no object can be an instance otherwise)."""
    module = sys.modules.get(module_name)
    return getattr(module, class_name, None) if module is not None else None


def keras_layer_class():
    return _loaded_class("gradfit.keras.layers.tracking", "Tracking")


def keras_optimizer_class():
    return _loaded_class("gradfit.keras.optimizers.optimizer", "Optimizer")


def _is_instance(obj, cls):
    return cls is not None and isinstance(obj, cls)


def is_trackable_object(obj):
    """An object (not a container) whose state a checkpoint saves."""
    if isinstance(obj, (Variable, Module)) or getattr(obj, "_is_checkpoint", False):
        return True
    return _is_instance(obj, keras_layer_class()) or _is_instance(obj, keras_optimizer_class())


_PLAIN = (Tensor, np.ndarray, str, bytes, int, float, complex, type(None))


def holds_state(x, _depth=0):
    """Whether `x` is trackable, or a list, tuple or dict holding something trackable."""
    if isinstance(x, Variable):
        return True
    if isinstance(x, (list, tuple)):
        return _depth < 100 and any(holds_state(v, _depth + 1) for v in x)
    if isinstance(x, dict):
        return _depth < 100 and any(holds_state(v, _depth + 1) for v in x.values())
    return not isinstance(x, _PLAIN) and is_trackable_object(x)


def _attributes(obj, skipped=frozenset()):
    attributes = getattr(obj, "__dict__", {})
    return [(name, value) for name, value in list(attributes.items())
            if name not in skipped and holds_state(value)]


def children(obj):
    """The named children of `obj`: a list of (name, child) in a fixed order."""
    if isinstance(obj, Variable):
        return []
    if isinstance(obj, (list, tuple)):
        return [(str(i), v) for i, v in enumerate(obj) if holds_state(v)]
    if isinstance(obj, dict):
        return [(str(k), v) for k, v in obj.items() if holds_state(v)]
    if getattr(obj, "_is_checkpoint", False):
        return obj._checkpoint_children()
    if _is_instance(obj, keras_optimizer_class()):
        return _optimizer_children(obj)
    if _is_instance(obj, keras_layer_class()):
        return _layer_children(obj)
    skipped = getattr(type(obj), "_TF_MODULE_IGNORED_PROPERTIES", frozenset()) if isinstance(obj, Module) \
        else frozenset()
    return _attributes(obj, skipped)


def _optimizer_children(optimizer):
    found = [("_iterations", optimizer._iterations)]
    if isinstance(getattr(optimizer, "_learning_rate", None), Variable):
        found.append(("_learning_rate", optimizer._learning_rate))
    found.append(("_variables", optimizer._variables))
    cls = keras_optimizer_class()
    found += [(name, value) for name, value in vars(optimizer).items() if isinstance(value, cls)]
    return found


def _layer_children(layer):
    from ..keras.layers.tracking import _UNTRACKED

    found = _attributes(layer, _UNTRACKED | _KERAS_SKIPPED)
    reached = set()
    pending = [value for _, value in found]
    while pending:
        value = pending.pop()
        if isinstance(value, (list, tuple)):
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value.values())
        else:
            reached.add(id(value))
    found += [(f"layer-{i}", sub) for i, sub in enumerate(layer.__dict__.get("_layers", ()))
              if id(sub) not in reached]
    own = layer.__dict__.get("_trainable_variables", []) + layer.__dict__.get("_non_trainable_variables", [])
    found += [(f"variable-{i}", v) for i, v in enumerate(own) if id(v) not in reached]
    return found


def escape(name):
    """A child name as it appears in a key: '.' doubled and '/' written '.S', so keys split unambiguously."""
    return name.replace(".", "..").replace("/", ".S")


class ObjectGraph:
    """The graph reachable from `root`, numbered breadth first (node 0 is the root).

    `objects[i]` is node i's object, `edges[i]` its [(name, node)], `paths[i]` the names leading to it.
    """

    def __init__(self, root):
        self.objects = [root]
        self.edges = []
        self.paths = [()]
        index = {id(root): 0}
        queue = deque([0])
        while queue:
            node = queue.popleft()
            edges = []
            names = set()
            for name, child in children(self.objects[node]):
                if name in names:  # e.g. dict keys 1 and "1": the first one is kept
                    continue
                names.add(name)
                i = index.get(id(child))
                if i is None:
                    i = index[id(child)] = len(self.objects)
                    self.objects.append(child)
                    self.paths.append(self.paths[node] + (name,))
                    queue.append(i)
                edges.append((name, i))
            self.edges.append(edges)

    def key(self, node):
        """The checkpoint key of a Variable's node."""
        return "/".join(escape(n) for n in self.paths[node]) + "/" + VALUE_SUFFIX

    def variables(self):
        """(node, Variable) for every Variable in the graph."""
        return [(i, obj) for i, obj in enumerate(self.objects) if isinstance(obj, Variable)]


def readable_path(names):
    """A node's path as TensorFlow prints it: '(root).optimizer._variables.2'."""
    return ".".join(("(root)",) + tuple(names))
