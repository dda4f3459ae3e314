"""Transformations that pick, repeat or number elements: take, skip, repeat, shard, enumerate, with_options.

Take, skip, repeat and shard over a dataset read by index transform its index stream, so a batch
after them still gathers whole batches at once.
"""
import itertools

from .. import TensorSpec
from ..errors import InvalidArgumentError
from . import host
from .dataset import INFINITE, UNKNOWN, Dataset


class _Selection(Dataset):
    """A transformation with one input, the same element spec, and an index stream when the input has one."""

    def __init__(self, child):
        self._child = child
        self._inputs = (child,)
        self._source = child._source

    def _elements(self, ctx):
        if self._source is not None:
            return self._source.elements(self._index_chunks(ctx))
        return self._select(self._child._elements(ctx))

    def _compute_spec(self):
        return self._child.element_spec


class TakeDataset(_Selection):
    def __init__(self, child, count):
        super().__init__(child)
        self._count = count

    def _select(self, elements):
        return elements if self._count < 0 else itertools.islice(elements, self._count)

    def _index_chunks(self, ctx):
        chunks = self._child._index_chunks(ctx)
        if self._count < 0:
            return chunks
        return _read_at_most(host.IndexReader(chunks), self._count)

    def _cardinality(self):
        n = self._child._cardinality()
        if self._count < 0:
            return n
        if n == INFINITE:
            return self._count
        return UNKNOWN if n == UNKNOWN else min(n, self._count)


def _read_at_most(reader, count):
    while count > 0:
        piece = reader.read(min(count, 1 << 16))
        if piece is None:
            return
        count -= len(piece)
        yield piece


class SkipDataset(_Selection):
    def __init__(self, child, count):
        super().__init__(child)
        self._count = count

    def _select(self, elements):
        if self._count < 0:
            for _ in elements:
                pass
            return
        yield from itertools.islice(elements, self._count, None)

    def _index_chunks(self, ctx):
        reader = host.IndexReader(self._child._index_chunks(ctx))
        for _ in _read_at_most(reader, float("inf") if self._count < 0 else self._count):
            pass
        yield from _read_at_most(reader, float("inf"))

    def _cardinality(self):
        n = self._child._cardinality()
        if n < 0:
            return n
        return 0 if self._count < 0 else max(0, n - self._count)


class RepeatDataset(_Selection):
    """`repeat`: each pass iterates the input anew (a fresh shuffle order); an empty input ends it."""

    def __init__(self, child, count):
        super().__init__(child)
        self._count = count

    def _passes(self):
        return itertools.count() if self._count < 0 else range(self._count)

    def _elements(self, ctx):
        if self._source is not None:
            return self._source.elements(self._index_chunks(ctx))
        return self._repeat(lambda: self._child._elements(ctx))

    def _index_chunks(self, ctx):
        return self._repeat(lambda: self._child._index_chunks(ctx))

    def _repeat(self, one_pass):
        for _ in self._passes():
            empty = True
            for item in one_pass():
                empty = False
                yield item
            if empty:
                return

    def _cardinality(self):
        n = self._child._cardinality()
        if self._count == 0 or n == 0:
            return 0
        if self._count < 0 or n == INFINITE:
            return INFINITE
        return UNKNOWN if n == UNKNOWN else n * self._count


class ShardDataset(_Selection):
    """`shard(num_shards, index)`: the elements at positions index, index + num_shards, ..."""

    def __init__(self, child, num_shards, index):
        if num_shards <= 0:
            raise InvalidArgumentError(f"Number of shards must be greater than zero (currently num_shards = "
                                       f"{num_shards}).")
        if not 0 <= index < num_shards:
            raise InvalidArgumentError(f"Index must be between 0 and {num_shards - 1} (currently index = {index}).")
        super().__init__(child)
        self._num, self._index = num_shards, index

    def _select(self, elements):
        return itertools.islice(elements, self._index, None, self._num)

    def _index_chunks(self, ctx):
        offset = 0
        for chunk in self._child._index_chunks(ctx):
            picked = host.shard_chunk(chunk, offset, self._num, self._index)
            offset += len(chunk)
            if len(picked):
                yield picked

    def _cardinality(self):
        n = self._child._cardinality()
        if n < 0:
            return n
        return max(0, (n - self._index + self._num - 1) // self._num)


class EnumerateDataset(Dataset):
    """`enumerate(start)`: elements become `(position, element)` with an int64 position."""

    def __init__(self, child, start):
        self._child = child
        self._inputs = (child,)
        self._start = start

    def _elements(self, ctx):
        int64 = host.INT64
        for i, element in enumerate(self._child._elements(ctx), self._start):
            yield host.scalar(i, int64), element

    def _cardinality(self):
        return self._child._cardinality()

    def _compute_spec(self):
        return TensorSpec((), "int64"), self._child.element_spec


class OptionsDataset(_Selection):
    """`with_options`: the same elements, with options set for the whole pipeline."""

    def __init__(self, child, options):
        super().__init__(child)
        self._own_options = options

    def _select(self, elements):
        return elements

    def _index_chunks(self, ctx):
        return self._child._index_chunks(ctx)

    def _cardinality(self):
        return self._child._cardinality()
