"""Nested structures (lists, tuples, namedtuples, dicts) flattened and rebuilt, as `tf.nest` does.

Dicts flatten in sorted-key order, so two dicts with the same keys line up.
"""


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def is_nested(x):
    return isinstance(x, (list, tuple, dict))


def _children(x):
    if isinstance(x, dict):
        return [x[k] for k in _sorted_keys(x)]
    return list(x)


def _sorted_keys(d):
    try:
        return sorted(d)
    except TypeError:
        return list(d)


def flatten(structure):
    """The leaves of a nested structure, depth first; None counts as a leaf."""
    out = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x, out):
    if isinstance(x, (list, tuple, dict)):
        for c in _children(x):
            _flatten_into(c, out)
    else:
        out.append(x)


def pack_sequence_as(structure, flat):
    """Rebuild `structure`'s shape with the leaves taken in order from `flat`."""
    flat = list(flat)
    result, used = _pack(structure, flat, 0)
    if used != len(flat):
        raise ValueError(f"Structure has {used} leaves but {len(flat)} values were given")
    return result


def _pack(x, flat, i):
    if isinstance(x, dict):
        keys = _sorted_keys(x)
        vals = {}
        for k in keys:
            vals[k], i = _pack(x[k], flat, i)
        return type(x)((k, vals[k]) for k in x) if type(x) is not dict else {k: vals[k] for k in x}, i
    if isinstance(x, (list, tuple)):
        items = []
        for c in x:
            v, i = _pack(c, flat, i)
            items.append(v)
        if _is_namedtuple(x):
            return type(x)(*items), i
        return type(x)(items) if isinstance(x, tuple) and type(x) is not tuple else (
            tuple(items) if isinstance(x, tuple) else items), i
    if i >= len(flat):
        raise ValueError("Not enough values to fill the structure")
    return flat[i], i + 1


def map_structure(fn, *structures):
    """Apply `fn` leafwise over one or more structures of the same shape."""
    flats = [flatten(s) for s in structures]
    n = len(flats[0])
    for f in flats[1:]:
        if len(f) != n:
            raise ValueError(f"Structures have different numbers of leaves: {n} and {len(f)}")
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])


def assert_same_structure(a, b):
    if len(flatten(a)) != len(flatten(b)):
        raise ValueError("The two structures don't have the same number of elements")
