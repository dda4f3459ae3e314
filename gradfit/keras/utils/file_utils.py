"""keras.utils.get_file: downloads a file once into the gradfit cache, verified and written atomically.

The cache lives in `$GRADFIT_HOME`, or `~/.gradfit` when that is unset (datasets under `<home>/datasets`).
A download goes to a temporary file beside its final path, is synced to disk and checked against the expected
hash, and only then renamed into place, so an interrupted or corrupted download never leaves a file at the
final path. A connection dropped mid-body is resumed with an HTTP range request when the server allows it.
"""
import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
import zipfile

from .progbar import Progbar

_CHUNK_SIZE = 1 << 16
_TIMEOUT_SECONDS = 60
_ATTEMPTS = 3  # the first request plus two resumptions after a dropped connection
_HASH_ALGORITHMS = ("auto", "sha256", "md5")
_ARCHIVE_FORMATS = ("tar", "zip")


class DownloadError(OSError):
    """A file could not be fetched from its origin; the message says where to put it by hand."""


def gradfit_home():
    """The cache root: `$GRADFIT_HOME` if set, else `~/.gradfit`."""
    return os.path.expanduser(os.environ.get("GRADFIT_HOME") or os.path.join("~", ".gradfit"))


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Downloads `origin` into the cache unless a valid copy is there already, and returns its local path.

    The file is saved as `<cache_dir>/<cache_subdir>/<fname>` (`fname` defaults to the last part of the URL;
    `cache_dir` to `gradfit_home()`). With `file_hash` (sha256 or md5, told apart by length when
    `hash_algorithm='auto'`) a cached copy with another hash is downloaded again and a download with another
    hash is rejected. With `extract=True` a tar or zip archive is unpacked and the directory is returned:
    `<fname>` when `fname` has no extension (the archive is kept as `<fname>_archive`), else `<stem>_extracted`.
    `untar` and `md5_hash` are the older spellings of `extract` and `file_hash`.
    """
    if origin is None:
        raise ValueError('get_file needs the "origin" argument: the URL of the file to download')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if hash_algorithm not in _HASH_ALGORITHMS:
        raise ValueError(f"get_file expected hash_algorithm to be one of {_HASH_ALGORITHMS}, "
                         f"got hash_algorithm={hash_algorithm!r}")
    algorithm = _resolve_algorithm(hash_algorithm, file_hash)
    if untar:
        archive_format = "tar"
    formats = _archive_formats(archive_format)

    given_fname = fname
    fname = os.fspath(fname) if fname else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"get_file cannot take a file name from the origin {origin!r}: pass `fname`")
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError("get_file takes a file name, not a path, as `fname`; to choose the folder use "
                         f"`cache_dir` (and `cache_subdir`). Received: fname={fname!r}")
    datadir = _writable_cache_dir(cache_dir, cache_subdir)

    extraction_dir = None
    if extract or untar:
        if given_fname and "." in fname:
            download_target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, f"{fname[:fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            download_target = os.path.join(datadir, f"{fname}_archive")
    else:
        download_target = os.path.join(datadir, fname)

    download = force_download or not os.path.exists(download_target)
    if not download and file_hash is not None and not validate_file(download_target, file_hash, algorithm):
        print(f"A local file was found, but it seems to be incomplete or outdated because the {algorithm} file "
              f"hash does not match the original value of {file_hash} so we will re-download the data.",
              flush=True)
        download = True
    if download:
        print(f"Downloading data from {origin}", flush=True)
        _download(origin, download_target, file_hash, algorithm)

    if extraction_dir is None:
        return download_target
    # An extraction directory only ever appears complete (see _extract_atomically), so it is reused as is
    # unless the archive behind it was downloaded again.
    if download or not os.path.isdir(extraction_dir):
        if not _extract_atomically(download_target, extraction_dir, formats):
            warnings.warn(f"Could not extract archive {download_target}: it is not a {' or '.join(formats) or 'known'} "
                          "archive.", stacklevel=2)
    return extraction_dir


# ------------------------------------------------------------------------------------------------ hashes
def _resolve_algorithm(hash_algorithm, file_hash):
    if hash_algorithm == "auto":
        return "sha256" if file_hash is not None and len(file_hash) == 64 else "md5"
    return hash_algorithm


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """The hex digest of a file, 'sha256' or 'md5' (or a hashlib object to update)."""
    hasher = hashlib.new(_resolve_algorithm(algorithm, None)) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file's sha256 or md5 digest (told apart by length under 'auto') is `file_hash`."""
    return hash_file(fpath, _resolve_algorithm(algorithm, file_hash), chunk_size) == str(file_hash).lower()


# --------------------------------------------------------------------------------------------- the cache
def _writable_cache_dir(cache_dir, cache_subdir):
    """`<cache_dir>/<cache_subdir>`, created; under the system's temporary folder if that is not writable."""
    datadir = os.path.join(os.path.expanduser(cache_dir) if cache_dir is not None else gradfit_home(),
                           cache_subdir)
    try:
        os.makedirs(datadir, exist_ok=True)
        if os.access(datadir, os.W_OK):
            return datadir
    except OSError:
        pass
    datadir = os.path.join(tempfile.gettempdir(), ".gradfit", cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    return datadir


def _download(origin, target, file_hash, algorithm):
    """Fetches `origin` into a temporary file beside `target`, checks it, and renames it to `target`."""
    partial = f"{target}.{uuid.uuid4().hex[:12]}.part"
    try:
        # O_EXCL: never write into a file some other process owns; 0o666 lets the umask decide as for any file.
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666),
                       "wb") as f:
            _fetch(origin, f, target)
            f.flush()
            os.fsync(f.fileno())
        if file_hash is not None:
            actual = hash_file(partial, algorithm)
            if actual != str(file_hash).lower():
                raise ValueError(f"Incomplete or corrupted file detected: the {algorithm} hash of the file "
                                 f"downloaded from {origin} is {actual}, expected {file_hash}. The download was "
                                 f"discarded; nothing was written to {target}.")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _fetch(origin, file, target):
    """Writes the body at `origin` into `file`, resuming with a range request when the connection drops."""
    received, total, progbar, failure = 0, None, None, None
    for _ in range(_ATTEMPTS):
        headers = {"Range": f"bytes={received}-"} if received else {}
        try:
            with urllib.request.urlopen(urllib.request.Request(origin, headers=headers),
                                        timeout=_TIMEOUT_SECONDS) as response:
                if received and _resumed_at(response) != received:
                    file.seek(0)  # the server sent the whole file again (or another range): start over
                    file.truncate()
                    received = 0
                if received == 0:
                    total = _content_length(response)
                    progbar = Progbar(total)
                    progbar.update(0)
                while chunk := response.read(_CHUNK_SIZE):
                    file.write(chunk)
                    received += len(chunk)
                    if total is None or received < total:
                        progbar.update(received)
        except urllib.error.HTTPError as e:
            raise DownloadError(_fetch_failure(origin, target, f"HTTP {e.code} {e.reason}")) from e
        except urllib.error.URLError as e:
            raise DownloadError(_fetch_failure(origin, target, e.reason)) from e
        except (http.client.HTTPException, OSError) as e:
            failure = f"{type(e).__name__}: {e}"
            continue
        if total is None or received == total:
            progbar.update(received, finalize=True)  # also ends the line when the length was unknown
            return
        # http.client ends a body quietly when the server closes the connection early; the length tells.
        failure = f"the connection closed after {received} of {total} bytes"
    raise DownloadError(f"The download of {origin} was interrupted ({failure}) and could not be resumed after "
                        f"{_ATTEMPTS} attempts. The partial download was discarded; call again to retry, or fetch "
                        f"the file yourself and put it at {target}.")


def _content_length(response):
    length = response.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None


def _resumed_at(response):
    """The byte offset a 206 Partial Content response starts at, or None for any other response."""
    if response.status != 206:
        return None
    content_range = response.headers.get("Content-Range", "")  # "bytes START-END/TOTAL"
    try:
        return int(content_range.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def _fetch_failure(origin, target, reason):
    return (f"URL fetch failure on {origin}: {reason}. If this machine is offline, download that URL on one "
            f"that is online and copy the file to {target}; it will be used from there.")


# ------------------------------------------------------------------------------------------------ archives
def _archive_formats(archive_format):
    if archive_format is None:
        return []
    formats = list(_ARCHIVE_FORMATS) if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for fmt in formats:
        if fmt not in _ARCHIVE_FORMATS:
            raise ValueError(f"get_file expected archive_format to be 'auto', 'tar', 'zip', a list of those or "
                             f"None, got archive_format={archive_format!r}")
    return formats


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar (plain, gz, bz2, xz) or zip archive into `path`; False if it is none of `archive_format`.

    Members that would land outside `path` (absolute names, `..`, links pointing out) are skipped with a
    warning, as Keras does.
    """
    file_path, path = os.fspath(file_path), os.fspath(path)
    for fmt in _archive_formats(archive_format):
        if fmt == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                base = os.path.realpath(path)
                members = [m for m in archive.getmembers() if _safe_member(base, m.name, _tar_link(m))]
                # The 'data' filter (Python 3.10.12+, 3.11.4+) also refuses device files and odd permissions.
                kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                archive.extractall(path, members=members, **kwargs)
            return True
        if fmt == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                base = os.path.realpath(path)
                archive.extractall(path, members=[m for m in archive.infolist() if _safe_member(base, m.filename)])
            return True
    return False


def _tar_link(member):
    """A link's target relative to the archive root (hard links) or to the link's folder (symlinks)."""
    if member.islnk():
        return member.linkname
    if member.issym():
        return os.path.join(os.path.dirname(member.name), member.linkname)
    return None


def _safe_member(base, name, link=None):
    for relative in (name, link) if link is not None else (name,):
        resolved = os.path.realpath(os.path.join(base, relative))
        if os.path.commonpath([resolved, base]) != base:
            warnings.warn(f"Skipping invalid path during archive extraction: '{name}'.", stacklevel=3)
            return False
    return True


def _extract_atomically(archive_path, extraction_dir, formats):
    """Extracts into a fresh folder beside `extraction_dir`, then renames it into place."""
    if not formats:
        return False
    staging = f"{extraction_dir}.{uuid.uuid4().hex[:12]}.extracting"
    os.mkdir(staging)  # not mkdtemp: the cache folder gets the usual permissions, not 0o700
    try:
        if not extract_archive(archive_path, staging, formats):
            return False
        if os.path.isdir(extraction_dir) and not os.path.islink(extraction_dir):
            shutil.rmtree(extraction_dir)
        elif os.path.lexists(extraction_dir):
            os.remove(extraction_dir)
        os.replace(staging, extraction_dir)
        return True
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging)
