"""An event file being written: its name, its opening record and a queue of records flushed in batches."""
import itertools
import os
import socket
import threading
import time

from .protos import FILE_VERSION, encode_event
from .records import encode_record

# The name written in each file's `source_metadata`, for readers that report which program wrote a file.
SOURCE_WRITER = "gradfit"

# Event files a process opens are numbered in order, so two opened in the same second get different names.
_file_numbers = itertools.count()
_file_numbers_lock = threading.Lock()


class EventFile:
    """`<logdir>/events.out.tfevents.<seconds>.<host>.<pid>.<n><suffix>`, opened with its version record.

    Records are queued and written when more than `max_queue` are waiting or `flush_millis` have passed
    since the last write, and always on `flush()` and `close()`.
    """

    def __init__(self, logdir, max_queue=10, flush_millis=120000, filename_suffix=".v2"):
        os.makedirs(logdir, exist_ok=True)
        now = int(time.time())
        with _file_numbers_lock:
            number = next(_file_numbers)
        name = f"events.out.tfevents.{now:010d}.{socket.gethostname()}.{os.getpid()}.{number}{filename_suffix}"
        self.path = os.path.join(logdir, name)
        self.max_queue = max_queue
        self.flush_millis = flush_millis
        self._lock = threading.Lock()
        self._queue = []
        self._file = open(self.path, "wb")
        self._file.write(encode_record(encode_event(float(now), file_version=FILE_VERSION,
                                                    source_writer=SOURCE_WRITER)))
        self._file.flush()
        self._last_flush = time.monotonic()

    @property
    def closed(self):
        return self._file.closed

    def write(self, event):
        """Queues one serialized Event."""
        with self._lock:
            if self._file.closed:
                raise ValueError(f"The event file {self.path} is closed")
            self._queue.append(encode_record(event))
            waited_ms = (time.monotonic() - self._last_flush) * 1000
            if len(self._queue) > self.max_queue or waited_ms > self.flush_millis:
                self._write_queue()

    def flush(self):
        with self._lock:
            self._write_queue()

    def close(self):
        with self._lock:
            self._write_queue()
            self._file.close()

    def _write_queue(self):
        if self._file.closed:
            return
        if self._queue:
            self._file.write(b"".join(self._queue))
            self._queue.clear()
        self._file.flush()
        self._last_flush = time.monotonic()
