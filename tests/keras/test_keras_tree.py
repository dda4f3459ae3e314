"""keras.tree walks structures as Keras 3.15 does (expected values recorded from Keras 3.15)."""
import collections
import time

import numpy as np
import pytest

from gradfit import keras

tree = keras.tree
Point = collections.namedtuple("Point", ["x", "y"])
OtherPoint = collections.namedtuple("OtherPoint", ["x", "y"])


def nested():
    return {"b": [1, (2, 3)], "a": Point(4, {"z": 5, "y": None}),
            "c": collections.OrderedDict([("b", 1), ("a", 2)])}


def test_is_nested():
    leaves = [1, None, "ab", np.zeros(2), {1, 2}]
    nodes = [[], (), {}, [1], Point(1, 2), collections.OrderedDict(), collections.defaultdict(list),
             collections.deque([1]), time.gmtime(0)]
    assert [tree.is_nested(x) for x in leaves] == [False] * 5
    assert [tree.is_nested(x) for x in nodes] == [True] * 9


def test_flatten_and_paths():
    assert tree.flatten(nested()) == [4, None, 5, 1, 2, 3, 1, 2]
    assert tree.flatten(3) == [3] and tree.flatten(None) == [None] and tree.flatten([[], ()]) == []
    assert tree.flatten(collections.defaultdict(list, {"b": 1, "a": 2})) == [2, 1]
    assert tree.flatten(collections.deque([1, [2, 3]])) == [1, 2, 3]
    assert tree.flatten({3: "c", 1: "a", 2: "b"}) == ["a", "b", "c"]
    assert tree.flatten({1, 2}) == [{1, 2}] and tree.flatten("abc") == ["abc"]
    assert tree.flatten(time.gmtime(0))[:3] == [1970, 1, 1]
    assert tree.flatten_with_path(nested()) == [
        (("a", 0), 4), (("a", 1, "y"), None), (("a", 1, "z"), 5), (("b", 0), 1), (("b", 1, 0), 2), (("b", 1, 1), 3),
        (("c", "b"), 1), (("c", "a"), 2)]
    assert tree.flatten_with_path(7) == [((), 7)]


def test_pack_sequence_as():
    assert tree.pack_sequence_as({"key3": "", "key1": "", "key2": ""}, ["v1", "v2", "v3"]) == {
        "key3": "v3", "key1": "v1", "key2": "v2"}
    packed = tree.pack_sequence_as({"key3": {"c": ("alpha", "beta"), "a": "gamma"}, "key1": {"e": "val1", "d": "val2"}},
                                   ["val2", "val1", 3.0, 1.0, 2.0])
    assert repr(packed) == "{'key3': {'c': (1.0, 2.0), 'a': 3.0}, 'key1': {'e': 'val1', 'd': 'val2'}}"
    assert tree.pack_sequence_as(1, [5]) == 5
    assert repr(tree.pack_sequence_as(collections.OrderedDict([("b", 1), ("a", 2)]), [7, 8])) == \
        "OrderedDict([('b', 7), ('a', 8)])"
    assert repr(tree.pack_sequence_as(collections.defaultdict(list, {"b": 1, "a": 2}), [7, 8])) == \
        "defaultdict(<class 'list'>, {'b': 8, 'a': 7})"
    assert repr(tree.pack_sequence_as(collections.deque([1, [2, 3]]), [7, 8, 9])) == "deque([7, [8, 9]])"
    assert tree.pack_sequence_as(Point(1, 2), [7, 8]) == Point(7, 8)
    assert tree.pack_sequence_as((1, [2]), (7, 8)) == (7, [8])
    with pytest.raises(ValueError, match="Too few leaves .* expected: 8, got: 7"):
        tree.pack_sequence_as(nested(), list(range(7)))
    with pytest.raises(ValueError, match="Too many leaves .* expected: 2"):
        tree.pack_sequence_as([1, 2], [5, 6, 7])
    with pytest.raises(TypeError):
        tree.pack_sequence_as([1, 2], 5)


def test_map_structure():
    assert tree.map_structure(lambda v: v * 2, [[1], (2, {"a": 3})]) == [[2], (4, {"a": 6})]
    assert tree.map_structure(lambda v: v is None, [None, 1]) == [True, False]
    assert tree.map_structure(lambda v: v * 2, [None, 1], none_is_leaf=False) == [None, 2]
    assert tree.map_structure(lambda v: 1, None, none_is_leaf=False) is None
    assert tree.map_structure(lambda x, y: x + y, {"a": [1, 2], "b": 3}, {"b": 30, "a": [10, 20]}) == {
        "a": [11, 22], "b": 33}
    assert tree.map_structure(lambda v: v * 2, Point(1, 2)) == Point(2, 4)
    assert repr(tree.map_structure(lambda v: v + 1, collections.deque([1, [2, 3]]))) == "deque([2, [3, 4]])"
    # dict, OrderedDict and defaultdict match when their keys do; the first structure's type is kept.
    ordered = collections.OrderedDict([("b", 20), ("a", 10)])
    assert repr(tree.map_structure(lambda x, y: x + y, {"a": 1, "b": 2}, ordered)) == "{'a': 11, 'b': 22}"
    assert repr(tree.map_structure(lambda x, y: x + y, ordered, {"a": 1, "b": 2})) == \
        "OrderedDict([('b', 22), ('a', 11)])"
    assert tree.map_structure(lambda x, y: (x, y), [None], [1]) == [(None, 1)]
    assert tree.map_structure(lambda v: int(np.sum(v)), (np.ones(2), [np.ones(3)])) == (2, [3])


@pytest.mark.parametrize("a, b, message", [
    ([1, 2], (1, 2), "Expected an instance of list, got (1, 2)."),
    ([1, [2]], [1, 2], "Expected an instance of list, got 2."),
    ([1, 2], [1, [2]], "Structures don't have the same nested structure."),
    ({"a": 1}, {"b": 1}, "dictionary key mismatch; expected key(s): ['a'], got key(s): ['b'], missing key(s): ['a'], "
                         "extra key(s): ['b']; dict: {'b': 1}."),
    ([1, 2], [1, 2, 3], "list arity mismatch; expected: 2, got: 3; list: [1, 2, 3]."),
    (Point(1, 2), OtherPoint(1, 2), "namedtuple type mismatch"),
    (Point(1, 2), (1, 2), "Expected an instance of collections.namedtuple, got (1, 2)."),
])
def test_map_structure_mismatches(a, b, message):
    with pytest.raises(ValueError) as info:
        tree.map_structure(lambda x, y: x, a, b)
    assert message in str(info.value)
    with pytest.raises(ValueError):
        tree.assert_same_structure(a, b)


def test_map_structure_up_to():
    assert tree.map_structure_up_to([0, 0], len, [[1, 1], [2, 2, 2]]) == [2, 3]
    assert tree.map_structure_up_to([0, [0, 0]], str, [[1, 1], [2, 2]]) == ["[1, 1]", ["2", "2"]]
    assert tree.map_structure_up_to((0, 0), lambda a, b: (a, b), ([1], 2), ({"x": 1}, 3)) == (([1], {"x": 1}),
                                                                                                 (2, 3))
    # None leaves of the shallow structure, as Keras documents them (Keras 3.15 itself raises here).
    assert tree.map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]]) == ["[1, 1]", ["2", "2"]]
    with pytest.raises(ValueError, match="Expected an instance of list, got 2."):
        tree.map_structure_up_to([None, [None, None]], str, [[1, 1], 2])
    with pytest.raises(ValueError, match="Must provide at least one structure"):
        tree.map_structure(lambda: 1)


def test_assert_same_structure_and_paths():
    tree.assert_same_structure([(0, 1)], [(2, 3)])
    tree.assert_same_structure({"a": 1, "b": 2}, collections.OrderedDict([("b", 1), ("a", 2)]))
    tree.assert_same_structure([None], [1])
    tree.assert_same_structure(1, "x")
    with pytest.warns(DeprecationWarning, match="`check_types` argument is deprecated"):
        tree.assert_same_structure([1], [2], check_types=True)
    tree.assert_same_paths([0, 1], (2, 3))
    tree.assert_same_paths(Point(0, 1), OtherPoint(2, 3))
    with pytest.raises(ValueError, match="`a` and `b` don't have the same paths."):
        tree.assert_same_paths({"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="Paths in `a` missing in `b`"):
        tree.assert_same_paths([0, [1]], [0, 1])


def test_traverse():
    structure = [(1, 2), [3], {"a": 4}]
    seen = []
    assert tree.traverse(lambda x: seen.append(repr(x)), structure) == structure
    assert seen == ["[(1, 2), [3], {'a': 4}]", "(1, 2)", "1", "2", "[3]", "3", "{'a': 4}", "4"]
    seen = []
    assert tree.traverse(lambda x: seen.append(repr(x)), structure, top_down=False) == structure
    assert seen == ["1", "2", "(1, 2)", "3", "[3]", "4", "{'a': 4}", "[(1, 2), [3], {'a': 4}]"]
    assert tree.traverse(lambda x: "X" if isinstance(x, tuple) else None, [(1, 2), [3, (4,)]]) == ["X", [3, "X"]]
    assert tree.traverse(lambda x: tree.MAP_TO_NONE if x == 2 else None, [1, 2, [2]]) == [1, None, [None]]
    assert tree.traverse(lambda x: sum(x) if isinstance(x, list) else None, [1, [2, 3]], top_down=False) == 6
    assert tree.traverse(lambda x: None, 5) == 5


def test_lists_to_tuples_and_shapes():
    assert tree.lists_to_tuples([1, [2, {"a": [3]}], (4, [5])]) == (1, (2, {"a": (3,)}), (4, (5,)))
    shapes = [(None, 3), {"a": (2,), "b": [4, None]}, ()]
    assert tree.map_shape_structure(lambda s: ("S",) + tuple(s), shapes) == [
        ("S", None, 3), {"a": ("S", 2), "b": ("S", 4, None)}, ("S",)]
    assert tree.map_shape_structure(lambda s: s, 5) == 5
    assert tree.map_shape_structure(len, [[1, 2], [[3]]]) == [2, [1]]
