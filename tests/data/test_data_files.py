"""Dataset.list_files (file order and matching as in TensorFlow 2.21) and Dataset.save / Dataset.load
(gradfit's own format: what is saved loads back, with its spec and count)."""
import json
import os

import numpy as np
import pytest

import gradfit as tf
from dataset_values import values
from gradfit.errors import InvalidArgumentError, NotFoundError

Dataset = tf.data.Dataset


@pytest.fixture
def tree(tmp_path):
    for name in ["b.txt", "a.txt", "c.csv", ".hidden.txt", "sub/x.txt", "sub/y.txt", "sub2/z.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    return tmp_path


def listed(tree, pattern, **kwargs):
    patterns = [f"{tree}/{p}" for p in pattern] if isinstance(pattern, list) else f"{tree}/{pattern}"
    return [os.path.relpath(p.decode(), tree) for p in values(Dataset.list_files(patterns, **kwargs))]


def test_list_files_matches_as_tensorflow_does(tree):
    assert listed(tree, "*.txt", shuffle=False) == [".hidden.txt", "a.txt", "b.txt"]
    assert listed(tree, "*", shuffle=False) == [".hidden.txt", "a.txt", "b.txt", "c.csv", "sub", "sub2"]
    assert listed(tree, "*/*.txt", shuffle=False) == ["sub/x.txt", "sub/y.txt", "sub2/z.txt"]
    assert listed(tree, "sub*/*", shuffle=False) == ["sub/x.txt", "sub/y.txt", "sub2/z.txt"]
    assert listed(tree, "?.txt", shuffle=False) == ["a.txt", "b.txt"]
    assert listed(tree, "[ab].txt", shuffle=False) == ["a.txt", "b.txt"]
    assert listed(tree, "a.txt", shuffle=False) == ["a.txt"]
    assert listed(tree, "sub", shuffle=False) == ["sub"]
    # Several patterns: all matches sorted together, a file matched twice listed twice.
    assert listed(tree, ["*.csv", "*.txt"], shuffle=False) == [".hidden.txt", "a.txt", "b.txt", "c.csv"]
    assert listed(tree, ["*.txt", "a*"], shuffle=False) == [".hidden.txt", "a.txt", "a.txt", "b.txt"]


def test_list_files_shuffles_by_default(tree):
    files = Dataset.list_files(f"{tree}/*/*", seed=3)
    assert files.element_spec == tf.TensorSpec((), tf.string) and len(files) == 3
    assert sorted(listed(tree, "*.txt", seed=3)) == [".hidden.txt", "a.txt", "b.txt"]
    assert values(files.take(3)) == values(Dataset.list_files(f"{tree}/*/*", seed=3).take(3))
    with pytest.raises(InvalidArgumentError, match="No files matched pattern: .*png"):
        Dataset.list_files(f"{tree}/*.png")


def test_save_and_load_round_trip(tmp_path):
    Dataset.range(5).save(str(tmp_path / "plain"))
    loaded = Dataset.load(str(tmp_path / "plain"))
    assert values(loaded) == [0, 1, 2, 3, 4]
    assert loaded.element_spec == tf.TensorSpec((), tf.int64) and len(loaded) == 5
    records = Dataset.from_tensor_slices({"x": np.arange(6.0).reshape(3, 2), "s": ["a", "bb", "c"]})
    records.save(tmp_path / "records")
    back = Dataset.load(tmp_path / "records")
    assert values(back) == [{"x": [0.0, 1.0], "s": b"a"}, {"x": [2.0, 3.0], "s": b"bb"}, {"x": [4.0, 5.0], "s": b"c"}]
    assert back.element_spec == {"x": tf.TensorSpec((2,), tf.float64), "s": tf.TensorSpec((), tf.string)}
    ragged = Dataset.range(3).map(lambda v: (v, tf.fill([v], v)))
    ragged.save(str(tmp_path / "ragged"))
    assert values(Dataset.load(str(tmp_path / "ragged"))) == [(0, []), (1, [1]), (2, [2, 2])]
    Dataset.range(0).save(str(tmp_path / "empty"))
    empty = Dataset.load(str(tmp_path / "empty"))
    assert values(empty) == [] and empty.element_spec == tf.TensorSpec((), tf.int64) and len(empty) == 0


def test_save_options(tmp_path):
    Dataset.range(5).save(str(tmp_path / "gz"), compression="GZIP")
    assert values(Dataset.load(str(tmp_path / "gz"))) == [0, 1, 2, 3, 4]
    with open(tmp_path / "gz" / "dataset_spec.json") as f:
        assert json.load(f)["compression"] == "GZIP"
    Dataset.range(10).save(str(tmp_path / "shards"), shard_func=lambda x: x % 3)
    assert sorted(os.listdir(tmp_path / "shards")) == ["dataset_spec.json", "shard_00000.gfdata",
                                                       "shard_00001.gfdata", "shard_00002.gfdata"]
    assert values(Dataset.load(str(tmp_path / "shards"))) == [0, 3, 6, 9, 1, 4, 7, 2, 5, 8]
    interleaved = Dataset.load(str(tmp_path / "shards"), reader_func=lambda shards: shards.interleave(
        lambda shard: shard, cycle_length=3))
    assert values(interleaved) == list(range(10))
    # Saving again over a directory replaces what was there.
    Dataset.range(2).save(str(tmp_path / "shards"))
    assert values(Dataset.load(str(tmp_path / "shards"))) == [0, 1]
    assert sorted(os.listdir(tmp_path / "shards")) == ["dataset_spec.json", "shard_00000.gfdata"]


def test_save_and_load_errors(tmp_path):
    with pytest.raises(NotFoundError, match="dataset_spec.json is missing"):
        Dataset.load(str(tmp_path / "nothing"))
    with pytest.raises(ValueError, match="SNAPPY"):
        Dataset.range(3).save(str(tmp_path / "x"), compression="SNAPPY")
    with pytest.raises(InvalidArgumentError, match="shard_func must return a non-negative int64"):
        Dataset.range(3).save(str(tmp_path / "y"), shard_func=lambda x: x - 5)
