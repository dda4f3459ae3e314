"""keras.tree: nested structures (lists, tuples, namedtuples, dicts, OrderedDicts, defaultdicts, deques)
walked, flattened and rebuilt as Keras 3 walks them.

Unlike `tf.nest` (`gradfit.nest`), structures must match exactly where two are walked together (a list
and a tuple differ, so do two namedtuple types), an OrderedDict flattens in its own order (a dict, a
defaultdict in sorted key order), and a deque is a structure. None is a leaf unless asked otherwise.
"""
import collections
import warnings

from ..nest import _is_namedtuple, _sorted_keys

__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten", "flatten_with_path", "is_nested",
           "lists_to_tuples", "map_shape_structure", "map_structure", "map_structure_up_to", "pack_sequence_as",
           "traverse"]

_DICTS = (dict, collections.OrderedDict, collections.defaultdict)


class MAP_TO_NONE:
    """What a `traverse` function returns to put None in place of a subtree (returning None keeps it)."""


def _is_structseq(x):
    return isinstance(x, tuple) and hasattr(type(x), "n_sequence_fields")


def _kind(x, none_is_leaf=True):
    """What kind of node `x` is (structures walked together must have the same kinds), None for a leaf."""
    cls = type(x)
    if cls is list or cls is tuple or cls is collections.deque:
        return cls
    if cls in _DICTS:
        return dict
    if _is_namedtuple(x) or _is_structseq(x):
        return cls
    if x is None and not none_is_leaf:
        return type(None)
    return None


def is_nested(structure):
    """Whether `structure` is a sequence, a mapping or a namedtuple (not a leaf)."""
    return _kind(structure) is not None


def _keys(x):
    """The keys of a node's children, in flattening order (indices for sequences)."""
    if isinstance(x, dict):
        return list(x) if type(x) is collections.OrderedDict else _sorted_keys(x)
    return [] if x is None else list(range(len(x)))


def _children(x):
    if isinstance(x, dict):
        return [x[k] for k in _keys(x)]
    return [] if x is None else list(x)


def _rebuild(x, children):
    """A node like `x` holding `children` (given in flattening order)."""
    cls = type(x)
    if isinstance(x, dict):
        values = dict(zip(_keys(x), children))
        if cls is collections.defaultdict:
            return collections.defaultdict(x.default_factory, {k: values[k] for k in x})
        return cls((k, values[k]) for k in x)  # the original key order, for dict and OrderedDict alike
    if x is None:
        return None
    if _is_namedtuple(x):
        return cls(*children)
    return cls(children)


def flatten(structure):
    """The leaves of `structure`, depth first (dict values in sorted key order, OrderedDicts in theirs)."""
    return [leaf for _, leaf in _walk(structure, (), True)]


def flatten_with_path(structure):
    """`(path, leaf)` pairs, a path being the tuple of keys and indices leading to the leaf."""
    return list(_walk(structure, (), True))


def _walk(x, path, none_is_leaf):
    if _kind(x, none_is_leaf) is None:
        yield path, x
        return
    for key, child in zip(_keys(x), _children(x)):
        yield from _walk(child, path + (key,), none_is_leaf)


def pack_sequence_as(structure, flat_sequence):
    """`structure` rebuilt with its leaves taken in order from `flat_sequence`."""
    try:
        flat = list(flat_sequence)
    except TypeError:
        raise TypeError(f"pack_sequence_as() expects an iterable of leaves as `flat_sequence`, got "
                        f"{flat_sequence!r} of type {type(flat_sequence).__name__}") from None
    expected = len(flatten(structure))
    if len(flat) < expected:
        raise ValueError(f"Too few leaves for the structure; expected: {expected}, got: {len(flat)}.")
    if len(flat) > expected:
        raise ValueError(f"Too many leaves for the structure; expected: {expected}, got: {len(flat)}.")
    leaves = iter(flat)
    return _map_nodes(structure, lambda leaf: next(leaves), True)


def _map_nodes(x, fn, none_is_leaf):
    if _kind(x, none_is_leaf) is None:
        return fn(x)
    return _rebuild(x, [_map_nodes(c, fn, none_is_leaf) for c in _children(x)])


# ------------------------------------------------------------------------------------- several structures
def _match(first, other, none_is_leaf):
    """The children of `other` matching those of the node `first`; ValueError when they do not match."""
    kind, other_kind = _kind(first, none_is_leaf), _kind(other, none_is_leaf)
    if kind is not other_kind:
        what = "collections.namedtuple" if _is_namedtuple(first) else type(first).__name__
        if _is_namedtuple(first) and _is_namedtuple(other):
            raise ValueError(f"namedtuple type mismatch; expected type: {type(first)}, got type: {type(other)}; "
                             f"tuple: {other!r}.")
        raise ValueError(f"Expected an instance of {what}, got {other!r}.")
    if kind is dict:
        if set(first) != set(other):
            missing, extra = sorted(set(first) - set(other), key=repr), sorted(set(other) - set(first), key=repr)
            raise ValueError(f"dictionary key mismatch; expected key(s): {_sorted_keys(first)}, got key(s): "
                             f"{_sorted_keys(other)}, missing key(s): {missing}, extra key(s): {extra}; "
                             f"dict: {other!r}.")
        return [other[k] for k in _keys(first)]
    if len(first) != len(other):
        raise ValueError(f"{type(first).__name__} arity mismatch; expected: {len(first)}, got: {len(other)}; "
                         f"{type(first).__name__}: {other!r}.")
    return list(other)


def _map_together(fn, structures, none_is_leaf, shallow=False):
    first = structures[0]
    if _kind(first, none_is_leaf) is None:
        if not shallow and any(_kind(s, none_is_leaf) is not None for s in structures[1:]):
            raise ValueError("Structures don't have the same nested structure.")
        return fn(*structures)
    columns = [_children(first)] + [_match(first, s, none_is_leaf) for s in structures[1:]]
    return _rebuild(first, [_map_together(fn, list(group), none_is_leaf, shallow) for group in zip(*columns)])


def map_structure(func, *structures, none_is_leaf=True):
    """`func` applied leafwise over one or more structures of the same layout (the first's types win).

    With `none_is_leaf=False`, None values are not passed to `func` and stay None.
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable, got {func!r}")
    if not structures:
        raise ValueError("Must provide at least one structure")
    if len(structures) == 1 and not is_nested(structures[0]):
        return None if structures[0] is None and not none_is_leaf else func(structures[0])
    return _map_together(func, list(structures), none_is_leaf)


def map_structure_up_to(shallow_structure, func, *structures):
    """`func` applied to the subtrees of `structures` found at the leaves of `shallow_structure`.

    The structures may be nested deeper than `shallow_structure` (those parts go to `func` whole), not
    less deep. The result has the layout of `shallow_structure`.
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable, got {func!r}")
    if not structures:
        raise ValueError("Must provide at least one structure")
    return _map_together(lambda shallow, *values: func(*values), [shallow_structure, *structures], True,
                         shallow=True)


def assert_same_structure(a, b, check_types=None):
    """Raises ValueError unless `a` and `b` are nested the same way (same node types, lengths and keys).

    dicts, OrderedDicts and defaultdicts with the same keys match; lists, tuples and namedtuple types do
    not match each other. `check_types` is deprecated and has no effect.
    """
    if check_types is not None:
        warnings.warn("The `check_types` argument is deprecated and no longer has any effect"
                      + (", please remove." if check_types else ". For a looser check, use "
                         "`keras.tree.assert_same_paths()`, which considers `list`, `tuple`, `namedtuple` and "
                         "`deque` as matching"), DeprecationWarning, stacklevel=2)
    _map_together(lambda x, y: None, [a, b], True)


def assert_same_paths(a, b):
    """Raises ValueError unless `a` and `b` have the same paths to their leaves (node types are not compared)."""
    a_paths = {path for path, _ in flatten_with_path(a)}
    b_paths = {path for path, _ in flatten_with_path(b)}
    if a_paths != b_paths:
        message = "`a` and `b` don't have the same paths."
        if a_paths - b_paths:
            message += f"\nPaths in `a` missing in `b`:\n{a_paths - b_paths}"
        if b_paths - a_paths:
            message += f"\nPaths in `b` missing in `a`:\n{b_paths - a_paths}"
        raise ValueError(message)


def traverse(func, structure, top_down=True):
    """Applies `func` to every subtree and leaf, depth first; what `func` returns replaces the subtree.

    Top-down, a subtree is visited before its children, and a result other than None replaces it without
    visiting them. Bottom-up, `func` sees the subtree with its children already traversed. Returning None
    keeps the subtree; returning `MAP_TO_NONE` puts None in its place.
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable, got {func!r}")
    if top_down:
        result = func(structure)
        if result is None:
            result = _traverse_children(func, structure, top_down)
    else:
        traversed = _traverse_children(func, structure, top_down)
        result = func(traversed)
        if result is None:
            result = traversed
    return None if result is MAP_TO_NONE else result


def _traverse_children(func, structure, top_down):
    if not is_nested(structure):
        return structure
    return _rebuild(structure, [traverse(func, c, top_down) for c in _children(structure)])


def lists_to_tuples(structure):
    """`structure` with every list turned into a tuple."""
    return traverse(lambda x: tuple(x) if isinstance(x, list) else None, structure, top_down=False)


def _is_shape(x):
    return isinstance(x, (list, tuple)) and all(d is None or isinstance(d, int) for d in x)


def map_shape_structure(func, structure):
    """`map_structure` where shapes (lists or tuples of ints and Nones) are the leaves passed to `func`."""
    if _is_shape(structure) or _kind(structure) is None:
        return func(structure)
    return _rebuild(structure, [map_shape_structure(func, c) for c in _children(structure)])
