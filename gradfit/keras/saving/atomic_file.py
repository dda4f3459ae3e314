"""Crash-proof file writes: a file is written next to its destination, synced, then renamed into place.

`os.replace` is atomic on POSIX and Windows, so at every moment the destination holds either the
previous complete file or the new complete file, never a partial one: a process killed mid-save
leaves the previous file intact (and at most a hidden `.<name>.<random>.tmp` file beside it).
"""
import contextlib
import os
import uuid


@contextlib.contextmanager
def atomic_write(path):
    """`with atomic_write(path) as f:` write bytes to `f`; on a clean exit they replace `path` at once."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{uuid.uuid4().hex[:12]}.tmp")
    # 0o666 with the process umask applied, as a file opened normally would get.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)


def write_bytes(path, data):
    """Replace the file at `path` with `data`, atomically and durably."""
    with atomic_write(path) as f:
        f.write(data)


def is_temporary(filename):
    """Whether `filename` is a leftover temporary file of `atomic_write` (from an interrupted save)."""
    base = os.path.basename(filename)
    return base.startswith(".") and base.endswith(".tmp")


def _sync_directory(directory):
    """Make the rename itself durable (POSIX: fsync the directory; not possible, nor needed, on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
