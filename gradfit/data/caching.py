"""`cache`: the elements of the first complete pass, kept in memory or in a file for later passes.

As in tf.data, a pass that stops early caches nothing, and a file cache, once complete, is read by
every later pass and later run (delete the file to refresh it). Over a dataset read by index the
memory cache keeps the pass's index stream (a shuffle's first order, for instance), not copies of rows.
"""
import os
import threading

from ..errors import NotFoundError
from . import cache_file
from .dataset import Dataset


class CacheDataset(Dataset):
    def __init__(self, child, filename):
        self._child = child
        self._inputs = (child,)
        self._filename = filename
        if not filename:
            self._source = child._source
        self._cached = None
        self._lock = threading.Lock()

    def _elements(self, ctx):
        if self._filename:
            return self._through_file(ctx)
        if self._source is not None:
            return self._source.elements(self._index_chunks(ctx))
        return self._through_memory(lambda: self._child._elements(ctx), ctx)

    def _index_chunks(self, ctx):
        return self._through_memory(lambda: self._child._index_chunks(ctx), ctx)

    def _through_memory(self, upstream, ctx):
        cached = self._cached
        if cached is not None:
            yield from cached
            return
        record = []
        for item in upstream():
            record.append(item)
            yield item
        if not ctx.peeking:
            with self._lock:
                if self._cached is None:
                    self._cached = record

    def _through_file(self, ctx):
        path = cache_file.path_for(self._filename)
        if os.path.exists(path):
            yield from cache_file.read(path)
            return
        if ctx.peeking:
            yield from self._child._elements(ctx)
            return
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise NotFoundError(f"Cannot cache to {self._filename!r}: directory {directory!r} does not exist")
        writer = cache_file.Writer(path)
        try:
            for element in self._child._elements(ctx):
                writer.add(element)
                yield element
            writer.commit()
        finally:
            writer.discard()

    def _cardinality(self):
        return self._child._cardinality()

    def _compute_spec(self):
        return self._child.element_spec
