"""Background work: `prefetch`'s producer thread and the thread pool of a parallel `map`.

An exception raised in a background thread is handed to the consumer and raised there as the same
object (its original type, message and traceback). When the consumer stops early, the threads stop
too: the consuming generator's `finally` tells them to.
"""
import collections
import queue
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ..errors import InvalidArgumentError
from .dataset import AUTOTUNE, Dataset

# Elements prefetch(AUTOTUNE) keeps ready: enough to hide a slow step without holding many batches.
AUTOTUNE_BUFFER = 2

_ITEM, _END, _ERROR = 0, 1, 2


def background(elements, buffer_size):
    """Yield `elements`, produced by a daemon thread that stays up to `buffer_size` elements ahead."""
    ready = queue.Queue(maxsize=buffer_size)
    stop = threading.Event()

    def put(message):
        while not stop.is_set():
            try:
                ready.put(message, timeout=0.05)
                return True
            except queue.Full:
                pass
        return False

    def produce():
        try:
            for element in elements:
                if not put((_ITEM, element)):
                    return
            put((_END, None))
        except BaseException as exc:  # noqa: B902 -- every failure belongs to the consumer
            put((_ERROR, exc))

    threading.Thread(target=produce, name="gradfit.data prefetch", daemon=True).start()
    try:
        while True:
            kind, value = ready.get()
            if kind == _ITEM:
                yield value
            elif kind == _END:
                return
            else:
                raise value
    finally:
        stop.set()


class _Chunking:
    """How many elements one task maps: enough that a task lasts CHUNK_SECONDS, so handing tasks between
    threads (tens of microseconds) stays small next to the work; one element at a time for slow functions."""

    CHUNK_SECONDS = 5e-4
    MAX_CHUNK = 64

    def __init__(self):
        self.seconds_per_element = None

    def size(self):
        per_element = self.seconds_per_element
        if per_element is None:
            return 1
        return max(1, min(self.MAX_CHUNK, int(self.CHUNK_SECONDS / max(per_element, 1e-9))))

    def run(self, fn, chunk):
        """fn over the chunk: (results, None), or (results before the failure, exception)."""
        start = time.perf_counter()
        results = []
        try:
            for element in chunk:
                results.append(fn(element))
        except BaseException as exc:  # noqa: B902 -- the consumer re-raises it after the earlier results
            return results, exc
        self.seconds_per_element = (time.perf_counter() - start) / len(chunk)
        return results, None


def _read_chunk(elements, size):
    """Up to `size` elements: (chunk, exhausted, error), where an upstream error ends the input."""
    chunk = []
    try:
        for _ in range(size):
            chunk.append(next(elements))
    except StopIteration:
        return chunk, True, None
    except BaseException as exc:  # noqa: B902 -- raised to the consumer after the elements before it
        return chunk, True, exc
    return chunk, False, None


def parallel_map(fn, elements, workers, deterministic):
    """Yield `fn(e)` for the elements, computed by `workers` threads; in input order if `deterministic`.

    Results come out in order up to a failure, then the failure is raised, whether it happened in `fn`
    or upstream.
    """
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gradfit.data map")
    chunking = _Chunking()
    elements = iter(elements)
    pending = collections.deque() if deterministic else set()
    exhausted, upstream_error = False, None
    try:
        while True:
            while not exhausted and len(pending) < 2 * workers:
                chunk, exhausted, upstream_error = _read_chunk(elements, chunking.size())
                if chunk:
                    future = pool.submit(chunking.run, fn, chunk)
                    pending.append(future) if deterministic else pending.add(future)
            if not pending:
                break
            if deterministic:
                done = (pending.popleft(),)
            else:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                results, error = future.result()
                yield from results
                if error is not None:
                    raise error
        if upstream_error is not None:
            raise upstream_error
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class PrefetchDataset(Dataset):
    """`prefetch`: a producer thread runs the pipeline ahead of the consumer.

    A batch that reads by index from in-memory arrays downstream of it gathers directly (that is
    faster than any handoff between threads), so such a dataset also passes its index stream on.
    """

    def __init__(self, child, buffer_size):
        if buffer_size < AUTOTUNE:
            raise InvalidArgumentError("buffer_size must be >= 0 or set buffer_size to be -1 for auto-tuning")
        self._child = child
        self._inputs = (child,)
        self._buffer_size = AUTOTUNE_BUFFER if buffer_size == AUTOTUNE else buffer_size
        self._source = child._source

    def _elements(self, ctx):
        upstream = self._child._elements(ctx)
        if self._buffer_size == 0 or ctx.peeking:
            return upstream
        return background(upstream, self._buffer_size)

    def _index_chunks(self, ctx):
        return self._child._index_chunks(ctx)

    def _cardinality(self):
        return self._child._cardinality()

    def _compute_spec(self):
        return self._child.element_spec
