"""GradientTape: records the operations it sees and runs them backwards.

An operation is recorded by a tape when the tape is recording (inside its `with` block, not stopped)
and at least one input is traced by it: a watched tensor, a watched variable (trainable variables are
watched when read, unless `watch_accessed_variables=False`), or the output of an operation the tape
recorded. A recorded operation is a `Node`; one node may belong to several tapes (nested tapes).

Gradient rules are written with gradfit ops, so a gradient computed while another tape records is
itself recorded, which gives higher-order gradients.
"""
import threading

import numpy as np

from .. import nest
from ..backend import to_array
from ..tensor import Tensor, Variable

# Tapes recording now, outermost first. Ops test this list on every call: empty means the fast path.
ACTIVE = []

_get_ident = threading.get_ident
_tape_ids = iter(range(1, 1 << 62))


class Primitive:
    """An operation's name and its gradient rules, one per differentiable input.

    A rule is `rule(g, ans, *inputs, **params)` and returns the gradient for its input; `g` is the
    gradient of the output (a list, with None for outputs that got none, when the op has several).
    A rule of None marks the input as not differentiable. A primitive whose inputs share one rule
    (variadic ops, custom gradients) leaves `rules` None and overrides `gradients` instead.
    """

    __slots__ = ("name", "rules", "multi_output")

    def __init__(self, name, multi_output=False):
        self.name = name
        self.rules = None if type(self).gradients is not Primitive.gradients else ()
        self.multi_output = multi_output

    def gradients(self, g, ans, inputs, params, wanted):
        """{position: gradient} for the inputs at the positions in `wanted` (others are never computed)."""
        rules = self.rules
        return {i: rules[i](g, ans, *inputs, **params) for i in wanted if rules[i] is not None}

    def __repr__(self):
        return f"<Primitive {self.name}>"


def defgrad(primitive, *rules):
    """Attach gradient rules to a primitive: `defgrad(exp, lambda g, ans, x: g * ans)`."""
    primitive.rules = rules


class Node:
    """One recorded operation: what it was, its inputs, its output value(s), and its tapes.

    `needs` lists the positions of the inputs some recording tape traces: the only ones whose
    gradients are ever computed.
    """

    __slots__ = ("prim", "inputs", "out", "params", "tapes", "needs", "__weakref__")

    def __init__(self, prim, inputs, out, params, tapes, needs):
        self.prim = prim
        self.inputs = inputs
        self.out = out
        self.params = params
        self.tapes = tapes
        self.needs = needs

    def outputs(self):
        """The outputs as Tensors linked to this node, so gradient rules that use them are traced."""
        if self.prim.multi_output:
            return [Tensor(v, self, i) for i, v in enumerate(self.out)]
        return Tensor(self.out, self, 0)


_EMPTY = {}


def _traced_by(tape, x):
    """Whether `tape` traces `x`: a watched leaf, an output the tape recorded, or a read of a variable
    the tape watches (a read's `_node` is the variable itself)."""
    node = getattr(x, "_node", None)
    if node is not None:
        if node.__class__ is Node:
            if tape._id in node.tapes:
                return True
        elif tape._watches_variable(node):
            return True
    return id(x) in tape._watched


def record(prim, out, inputs, params=_EMPTY):
    """Wrap `out` (an array, or a list of arrays) as Tensor(s) and record it on the tapes tracing an input.

    Called by ops only when some tape is recording. Inputs may be Tensors, Variables, arrays or Python
    scalars. A variable is saved as a read of its current value (a Tensor whose `_node` is the variable),
    so later in-place updates never change what the gradient sees.
    """
    ident = _get_ident()
    if len(ACTIVE) == 1:
        try:
            tape = ACTIVE[0]
        except IndexError:  # another thread's tape just ended its block
            return _untraced(prim, out)
        if tape._thread != ident:
            return _untraced(prim, out)
        return _record_one(tape, prim, out, inputs, params)
    tapes = [t for t in ACTIVE if t._thread == ident]
    node_tapes = []
    needs = []
    saved = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor):
            if isinstance(x, Variable):
                ids = [t._id for t in tapes if t._watches_variable(x)]
                x = Tensor(x._value, x if ids else None, 0)
            else:
                ids = [t._id for t in tapes if _traced_by(t, x)]
            if ids and x._value.dtype.kind in "fc":
                needs.append(i)
                for tid in ids:
                    if tid not in node_tapes:
                        node_tapes.append(tid)
        else:
            x = _constant_input(x)
        saved.append(x)
    if not needs or not _differentiable(out, prim):
        return _untraced(prim, out)
    node = Node(prim, tuple(saved), out, params, node_tapes, needs)
    for t in tapes:
        if t._id in node_tapes:
            t._nodes.append(node)
    return _traced(prim, out, node)


def _record_one(tape, prim, out, inputs, params):
    """`record` for the common case of a single recording tape, kept lean: it runs once per op."""
    tid = tape._id
    watched = tape._watched
    needs = None
    saved = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            saved[i] = _constant_input(x)
            continue
        if isinstance(x, Variable):
            traced = tape._watches_variable(x)
            x = saved[i] = Tensor(x._value, x if traced else None, 0)
        else:
            node = x._node
            if node is None:
                traced = id(x) in watched
            elif node.__class__ is Node:
                traced = tid in node.tapes
            else:
                traced = tape._watches_variable(node)
        if traced and x._value.dtype.kind in "fc":
            if needs is None:
                needs = [i]
            else:
                needs.append(i)
    if needs is None or not _differentiable(out, prim):
        return _untraced(prim, out)
    node = Node(prim, saved, out, params, [tid], needs)
    tape._nodes.append(node)
    return _traced(prim, out, node)


def _constant_input(x):
    """A non-tensor op input as saved for gradient rules: Python scalars stay weakly typed."""
    if x is None or isinstance(x, (bool, int, float, complex)):
        return x
    if isinstance(x, np.generic):
        return x.item()
    return Tensor(to_array(x))


def _untraced(prim, out):
    if prim.multi_output:
        return [Tensor(v) for v in out]
    return Tensor(out)


def _traced(prim, out, node):
    if prim.multi_output:
        return [Tensor(v, node, i) for i, v in enumerate(out)]
    return Tensor(out, node, 0)


def _differentiable(out, prim):
    if prim.multi_output:
        return any(v.dtype.kind in "fc" for v in out)
    return out.dtype.kind in "fc"


class _Paused:
    """Context in which the given tapes record nothing (for `stop_recording` and custom gradients)."""

    def __init__(self, tapes):
        self.tapes = tapes
        self.removed = []

    def __enter__(self):
        self.removed = [t for t in self.tapes if t in ACTIVE]
        for t in self.removed:
            ACTIVE.remove(t)
        return self

    def __exit__(self, *exc):
        for t in self.removed:
            if t._entered:
                ACTIVE.append(t)
        return False


class GradientTape:
    """Records operations for automatic differentiation, as `tf.GradientTape`."""

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._id = next(_tape_ids)
        self._nodes = []
        self._watched = {}
        self._entered = False
        self._used = False
        self._thread = _get_ident()

    def __del__(self):
        # A dropped tape frees what it recorded (nodes refer to tapes by id, so this runs promptly).
        nodes = getattr(self, "_nodes", None)
        if nodes:
            _release_nodes(nodes, self._id)

    # -- context
    def __enter__(self):
        if self._entered:
            raise ValueError("This GradientTape is already recording: its `with` block cannot be entered twice")
        self._entered = True
        self._thread = _get_ident()
        ACTIVE.append(self)
        return self

    def __exit__(self, *exc):
        self._entered = False
        if self in ACTIVE:
            ACTIVE.remove(self)
        return False

    def stop_recording(self):
        """A context in which this tape records nothing."""
        if not self._entered:
            raise ValueError("stop_recording() needs a tape that is recording (inside its `with` block)")
        return _Paused([self])

    def reset(self):
        """Forget everything recorded and watched; a tape inside its block keeps recording."""
        _release_nodes(self._nodes, self._id)
        self._watched = {}
        self._used = False

    # -- watching
    def _watches_variable(self, var):
        """Whether this tape watches `var`; reading a trainable variable watches it."""
        if id(var) in self._watched:
            return True
        if self._watch_accessed and var.trainable:
            self._watched[id(var)] = var
            return True
        return False

    def watch(self, tensor):
        """Trace a tensor, variable, or nested structure of them."""
        for t in nest.flatten(tensor):
            if not isinstance(t, Tensor):
                raise ValueError(f"GradientTape.watch expects tensors or variables, got {type(t).__name__}")
            self._watched[id(t)] = t

    def watched_variables(self):
        return tuple(v for v in self._watched.values() if isinstance(v, Variable))

    # -- gradients
    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """Gradients of `target` (summed if not scalar, or a list of targets) w.r.t. `sources`.

        `sources` may be a tensor, variable, list, dict or nested structure; the result has the same
        structure, with None for sources the target does not depend on (zeros with
        `unconnected_gradients='zero'`).
        """
        self._check_usable()
        if unconnected_gradients not in ("none", "zero", UnconnectedGradients.NONE, UnconnectedGradients.ZERO):
            raise ValueError(f"unconnected_gradients must be 'none' or 'zero', got {unconnected_gradients!r}")
        flat_sources = _flat_tensors(sources)
        targets = [target] if isinstance(target, Tensor) else nest.flatten(target)
        if output_gradients is None:
            seeds = [None] * len(targets)
        else:
            seeds = nest.flatten(output_gradients)
            if len(seeds) != len(targets):
                raise ValueError(f"output_gradients has {len(seeds)} entries for {len(targets)} targets")
        try:
            flat = _backward(self, targets, seeds, flat_sources)
        finally:
            self._release_if_single_use()
        if unconnected_gradients in ("zero", UnconnectedGradients.ZERO):
            zeros_like = _ops()[4]
            flat = [zeros_like(s) if g is None and s._value.dtype.kind in "fc" else g for s, g in zip(flat_sources, flat)]
        if isinstance(sources, Tensor):
            return flat[0]
        if type(sources) is list and len(flat) == len(sources):
            return flat
        return nest.pack_sequence_as(sources, flat)

    def _release_if_single_use(self):
        """After a non-persistent tape's gradient: free the recording, refuse further use."""
        if not self._persistent:
            _release_nodes(self._nodes, self._id)
            self._used = True

    def _check_usable(self):
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of gradients (or "
                "jacobians); create it with GradientTape(persistent=True) to call gradient() repeatedly"
            )

    def jacobian(self, target, sources, unconnected_gradients="none", parallel_iterations=None,
                 experimental_use_pfor=True):
        """d target[i...] / d source[j...], shaped target.shape + source.shape for each source."""
        self._check_usable()
        from ..ops import array as A

        flat_sources = nest.flatten(sources)
        tshape = tuple(target._value.shape)
        n = int(np.prod(tshape))
        rows = [[] for _ in flat_sources]
        try:
            for k in range(n):
                seed = np.zeros(n, dtype=target._value.dtype)
                seed[k] = 1
                for row, g in zip(rows, _backward(self, [target], [Tensor(seed.reshape(tshape))], flat_sources)):
                    row.append(g)
        finally:
            self._release_if_single_use()
        out = []
        for row, s in zip(rows, flat_sources):
            if all(g is None for g in row) and unconnected_gradients == "none":
                out.append(None)
                continue
            row = [A.zeros_like(s) if g is None else g for g in row]
            stacked = A.stack(row) if row else A.zeros((0,) + tuple(s._value.shape), dtype=s._value.dtype)
            out.append(A.reshape(stacked, tshape + tuple(s._value.shape)))
        return nest.pack_sequence_as(sources, out)

    def batch_jacobian(self, target, source, unconnected_gradients="none", parallel_iterations=None,
                       experimental_use_pfor=True):
        """Per-example jacobians: result[b] = d target[b] / d source[b], for independent examples."""
        self._check_usable()
        from ..ops import array as A

        tshape = tuple(target._value.shape)
        if not tshape or tuple(source._value.shape)[:1] != tshape[:1]:
            raise ValueError(
                f"batch_jacobian needs target and source with the same first (batch) dimension, got "
                f"shapes {tshape} and {tuple(source._value.shape)}")
        batch = tshape[0]
        inner = int(np.prod(tshape[1:]))
        cols = []
        try:
            for k in range(inner):
                seed = np.zeros((batch, inner), dtype=target._value.dtype)
                seed[:, k] = 1
                cols.extend(_backward(self, [target], [Tensor(seed.reshape(tshape))], [source]))
        finally:
            self._release_if_single_use()
        if all(g is None for g in cols) and unconnected_gradients == "none":
            return None
        cols = [A.zeros_like(source) if g is None else g for g in cols]
        stacked = A.stack(cols, axis=1)  # (batch, inner, *source_rest)
        return A.reshape(stacked, tshape + tuple(source._value.shape[1:]))


def _flat_tensors(sources):
    """The sources as a flat list, checked to be tensors or variables."""
    if isinstance(sources, Tensor):
        return [sources]
    if type(sources) is list and all(isinstance(s, Tensor) for s in sources):
        return sources
    flat = nest.flatten(sources)
    for s in flat:
        if not isinstance(s, Tensor):
            raise ValueError(f"GradientTape.gradient sources must be tensors or variables, got {type(s).__name__}")
    return flat


class UnconnectedGradients:
    NONE = "none"
    ZERO = "zero"


def _release_nodes(nodes, tape_id):
    """Drop a tape's hold on its nodes; a node no other tape holds frees its saved values."""
    for node in nodes:
        tapes = node.tapes
        if tape_id in tapes:
            tapes.remove(tape_id)
        if not tapes:
            node.inputs = None
            node.out = None
            node.params = None
    del nodes[:]


_OPS = None
_SCALAR_ONES = {}


def _ones(v):
    """The seed gradient of a target: ones shaped like it (a shared, never-mutated one for scalars)."""
    if v.ndim:
        return Tensor(np.ones(v.shape, v.dtype))
    one = _SCALAR_ONES.get(v.dtype)
    if one is None:
        one = _SCALAR_ONES[v.dtype] = Tensor(np.ones((), v.dtype))
    return one


def _ops():
    """The ops the engine itself uses (imported on first use: ops are built on this module)."""
    global _OPS
    if _OPS is None:
        from ..ops.array import ones_like, zeros_like
        from ..ops.math import add, cast
        from ..tensor import convert_to_tensor

        _OPS = (add, ones_like, cast, convert_to_tensor, zeros_like)
    return _OPS


def _backward(tape, targets, seeds, sources):
    """Reverse-mode sweep over `tape`'s nodes; returns the gradient for each source (or None). While it
    runs, `is_source` answers for its sources."""
    source_index = {id(s): i for i, s in enumerate(sources)}
    previous_sources = getattr(_SWEEP, "sources", None)
    _SWEEP.sources = source_index
    try:
        return _sweep(tape, targets, seeds, sources, source_index)
    finally:
        _SWEEP.sources = previous_sources


_SWEEP = threading.local()  # the sources of the sweep running on this thread


def is_source(x):
    """Whether `x` is a source of the gradient being computed on this thread: a rule may then not
    shape `x`'s gradient for what only the ops before `x` need."""
    sources = getattr(_SWEEP, "sources", None)
    return sources is not None and id(x) in sources


def _sweep(tape, targets, seeds, sources, source_index):
    add, _, cast, convert_to_tensor, _ = _ops()
    tid = tape._id
    source_grads = [None] * len(sources)
    pending = {}  # node -> its output's gradient (a list of them for multi-output nodes)

    def deposit(x, g):
        i = source_index.get(id(x))
        if i is not None:
            prev = source_grads[i]
            source_grads[i] = g if prev is None else add(prev, g)
        node = x._node
        if node is None:
            return
        if node.__class__ is not Node:  # a read of a variable: the gradient is the variable's
            i = source_index.get(id(node))
            if i is not None:
                prev = source_grads[i]
                source_grads[i] = g if prev is None else add(prev, g)
        elif tid in node.tapes:
            if node.prim.multi_output:
                slot = pending.get(node)
                if slot is None:
                    slot = pending[node] = [None] * len(node.out)
                prev = slot[x._index]
                slot[x._index] = g if prev is None else add(prev, g)
            else:
                prev = pending.get(node)
                pending[node] = g if prev is None else add(prev, g)

    for t, seed in zip(targets, seeds):
        if not isinstance(t, Tensor):
            raise ValueError(f"GradientTape.gradient target must be a tensor, got {type(t).__name__}")
        if t._value.dtype.kind not in "fc":
            continue
        if seed is None:
            seed = _ones(t._value)
        elif not isinstance(seed, Tensor):
            seed = convert_to_tensor(seed, dtype=t._value.dtype)
        if seed._value.shape != t._value.shape:
            raise ValueError(
                f"output_gradients shape {tuple(seed._value.shape)} does not match target shape "
                f"{tuple(t._value.shape)}")
        deposit(t, seed)

    # Gradient rules may record onto this same tape (persistent tapes, higher order): those nodes are
    # appended past the end and never visited by this sweep.
    for node in reversed(tape._nodes):
        if not pending:
            break
        g = pending.pop(node, None)
        if g is None:
            continue
        inputs = node.inputs
        if inputs is None:
            raise RuntimeError("GradientTape: this recording was already released")
        wanted = node.needs if len(node.tapes) == 1 else [i for i in node.needs if _traced_by(tape, inputs[i])]
        prim = node.prim
        ans = node.outputs()
        if prim.rules is not None:
            rules, params = prim.rules, node.params
            for i in wanted:
                rule = rules[i]
                if rule is not None:
                    gi = rule(g, ans, *inputs, **params)
                    if gi is not None:
                        deposit(inputs[i], gi)
        else:
            for i, gi in prim.gradients(g, ans, inputs, node.params, wanted).items():
                if gi is not None:
                    deposit(inputs[i], gi)

    out = []
    for s, g in zip(sources, source_grads):
        if g is not None and s._value.dtype.kind not in "fc":
            g = None
        elif g is not None and g._value.dtype != s._value.dtype:
            g = cast(g, s._value.dtype)
        out.append(g)
    return out


def stop_gradient(input, name=None):
    """The same value, never differentiated through."""
    from ..tensor import convert_to_tensor

    if isinstance(input, Tensor):
        return Tensor(input._value)
    return convert_to_tensor(input)


class _CustomGradient(Primitive):
    """An op whose gradient is a user function (see `custom_gradient`)."""

    __slots__ = ("grad_fn", "n_args", "n_out", "has_variables")

    def __init__(self, name, grad_fn, n_args, n_out, has_variables):
        super().__init__(name, multi_output=n_out > 1)
        self.grad_fn = grad_fn
        self.n_args = n_args
        self.n_out = n_out
        self.has_variables = has_variables

    def gradients(self, g, ans, inputs, params, wanted):
        from ..ops.array import zeros_like

        gs = list(g) if self.multi_output else [g]
        gs = [zeros_like(a) if gi is None else gi for gi, a in zip(gs, ans if self.multi_output else [ans])]
        if self.has_variables:
            variables = params["variables"]
            result = self.grad_fn(*gs, variables=variables)
            input_grads, var_grads = result
            input_grads = list(input_grads) if isinstance(input_grads, (list, tuple)) else [input_grads]
            all_grads = input_grads + list(var_grads)
        else:
            result = self.grad_fn(*gs)
            all_grads = list(result) if isinstance(result, (list, tuple)) else [result]
        if len(all_grads) != len(inputs):
            raise ValueError(
                f"custom_gradient function '{self.name}' returned {len(all_grads)} gradients for "
                f"{len(inputs)} inputs")
        from ..tensor import convert_to_tensor

        return {i: (None if all_grads[i] is None else convert_to_tensor(all_grads[i])) for i in wanted}


def custom_gradient(f=None):
    """Decorator: `f(*x)` returns `(y, grad_fn)`; the tape uses `grad_fn(*dy)` as y's gradient.

    If `f` reads variables, `grad_fn(*dy, variables=None)` must return `(input_grads, variable_grads)`.
    """
    if f is None:
        return custom_gradient
    import functools
    import inspect

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        from ..tensor import convert_to_tensor

        args = [a if isinstance(a, Tensor) else convert_to_tensor(a) for a in args]
        ident = _get_ident()
        tapes = [t for t in ACTIVE if t._thread == ident]
        if not tapes:
            result, grad_fn = f(*args, **kwargs)
            return result
        with _Paused(tapes):
            probe = GradientTape()
            with probe:
                result, grad_fn = f(*args, **kwargs)
            variables = [v for v in probe.watched_variables()]
            probe.reset()
        params = inspect.signature(grad_fn).parameters
        has_variables = "variables" in params or any(
            p.kind == inspect.Parameter.VAR_KEYWORD for p in params.values())
        if variables and not has_variables:
            raise TypeError(
                f"custom_gradient function '{f.__name__}' reads variables "
                f"{[v.name for v in variables]}, so its grad_fn must accept a `variables` keyword argument")
        flat_out = nest.flatten(result)
        values = [convert_to_tensor(y)._value for y in flat_out]
        prim = _CustomGradient(f.__name__, grad_fn, len(args), len(values), has_variables and bool(variables))
        inputs = tuple(args) + tuple(variables)
        p = {"variables": variables} if prim.has_variables else _EMPTY
        out = record(prim, values if prim.multi_output else values[0], inputs, p)
        return nest.pack_sequence_as(result, out if prim.multi_output else [out])

    return wrapped
