"""keras.utils.get_file against a local HTTP server: download, verify, cache, resume, extract, fail clearly."""
import hashlib
import io
import os
import socket
import tarfile
import zipfile

import pytest

from gradfit import keras
from gradfit.keras.utils.file_utils import DownloadError

PAYLOAD = bytes(range(256)) * 1000  # 256 kB: several read chunks


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def leftovers(folder):
    """Anything in the cache folder that is a partial download or a half-done extraction."""
    return [n for n in os.listdir(folder) if n.endswith((".part", ".extracting"))]


def test_download_then_cache_hit(file_server, cache_home):
    file_server.files["/data/payload.bin"] = PAYLOAD
    origin = file_server.url + "/data/payload.bin"

    path = keras.utils.get_file("payload.bin", origin=origin, file_hash=sha256(PAYLOAD))
    assert path == os.path.join(str(cache_home), "datasets", "payload.bin")
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD

    again = keras.utils.get_file("payload.bin", origin=origin, file_hash=sha256(PAYLOAD))
    assert again == path
    assert len(file_server.requests) == 1  # the second call found the cached copy


def test_file_name_defaults_to_the_url_and_md5_is_accepted(file_server, tmp_path):
    file_server.files["/x/notes.txt"] = b"hello"
    md5 = hashlib.md5(b"hello").hexdigest()
    path = keras.utils.get_file(origin=file_server.url + "/x/notes.txt", md5_hash=md5,
                                cache_dir=str(tmp_path), cache_subdir="texts")
    assert path == os.path.join(str(tmp_path), "texts", "notes.txt")
    assert keras.utils.get_file(origin=file_server.url + "/x/notes.txt", file_hash=md5, hash_algorithm="md5",
                                cache_dir=str(tmp_path), cache_subdir="texts") == path
    assert len(file_server.requests) == 1


def test_checksum_mismatch_raises_and_leaves_nothing(file_server, cache_home):
    file_server.files["/payload.bin"] = PAYLOAD
    wrong = sha256(b"something else")
    with pytest.raises(ValueError, match=f"sha256 hash.*is {sha256(PAYLOAD)}, expected {wrong}"):
        keras.utils.get_file("payload.bin", origin=file_server.url + "/payload.bin", file_hash=wrong)
    folder = cache_home / "datasets"
    assert not (folder / "payload.bin").exists()
    assert leftovers(folder) == []


def test_stale_cached_file_is_downloaded_again(file_server, cache_home, capsys):
    folder = cache_home / "datasets"
    folder.mkdir(parents=True)
    (folder / "payload.bin").write_bytes(PAYLOAD[:1000])  # e.g. left by an older, broken tool
    file_server.files["/payload.bin"] = PAYLOAD
    path = keras.utils.get_file("payload.bin", origin=file_server.url + "/payload.bin", file_hash=sha256(PAYLOAD))
    assert open(path, "rb").read() == PAYLOAD
    assert "hash does not match" in capsys.readouterr().out


def test_force_download_fetches_again(file_server, cache_home):
    file_server.files["/payload.bin"] = PAYLOAD
    origin = file_server.url + "/payload.bin"
    keras.utils.get_file("payload.bin", origin=origin)
    file_server.files["/payload.bin"] = b"new version"
    path = keras.utils.get_file("payload.bin", origin=origin, force_download=True)
    assert open(path, "rb").read() == b"new version"
    assert len(file_server.requests) == 2


def test_interrupted_download_raises_leaves_no_file_and_a_retry_succeeds(file_server, cache_home):
    file_server.files["/payload.bin"] = PAYLOAD
    file_server.ranges = False  # no resumption possible: every attempt starts over and is cut again
    file_server.truncate["/payload.bin"] = 3
    origin = file_server.url + "/payload.bin"
    with pytest.raises(DownloadError, match=r"download of .*payload.bin was interrupted \(the connection closed "
                                            r"after \d+ of 256000 bytes\)"):
        keras.utils.get_file("payload.bin", origin=origin, file_hash=sha256(PAYLOAD))
    folder = cache_home / "datasets"
    assert not (folder / "payload.bin").exists()
    assert leftovers(folder) == []

    path = keras.utils.get_file("payload.bin", origin=origin, file_hash=sha256(PAYLOAD))
    assert open(path, "rb").read() == PAYLOAD


def test_dropped_connection_is_resumed_with_a_range_request(file_server, cache_home):
    file_server.files["/payload.bin"] = PAYLOAD
    file_server.truncate["/payload.bin"] = 1
    path = keras.utils.get_file("payload.bin", origin=file_server.url + "/payload.bin", file_hash=sha256(PAYLOAD))
    assert open(path, "rb").read() == PAYLOAD
    ranges = [r for _, r in file_server.requests]
    assert ranges == [None, f"bytes={len(PAYLOAD) // 2}-"]


def test_server_that_ignores_the_range_restarts_cleanly(file_server, cache_home):
    file_server.files["/payload.bin"] = PAYLOAD
    file_server.truncate["/payload.bin"] = 1
    file_server.ranges = False
    path = keras.utils.get_file("payload.bin", origin=file_server.url + "/payload.bin", file_hash=sha256(PAYLOAD))
    assert open(path, "rb").read() == PAYLOAD
    assert len(file_server.requests) == 2


def test_offline_error_names_the_url_and_where_to_put_the_file(cache_home):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    origin = f"http://127.0.0.1:{port}/mnist.npz"
    with pytest.raises(DownloadError) as info:
        keras.utils.get_file("mnist.npz", origin=origin)
    message = str(info.value)
    assert origin in message
    assert os.path.join(str(cache_home), "datasets", "mnist.npz") in message
    assert leftovers(cache_home / "datasets") == []


def test_http_error_is_reported(file_server, cache_home):
    with pytest.raises(DownloadError, match="HTTP 404"):
        keras.utils.get_file("missing.bin", origin=file_server.url + "/missing.bin")
    assert not (cache_home / "datasets" / "missing.bin").exists()


def make_tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def make_zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_extract_tar_into_a_folder_named_by_fname(file_server, cache_home):
    file_server.files["/batches.tar.gz"] = make_tar_gz({"inner/a.txt": b"A", "inner/b.txt": b"B"})
    origin = file_server.url + "/batches.tar.gz"
    folder = keras.utils.get_file("batches", origin=origin, extract=True)
    assert folder == os.path.join(str(cache_home), "datasets", "batches")
    assert open(os.path.join(folder, "inner", "b.txt"), "rb").read() == b"B"
    assert os.path.isfile(os.path.join(str(cache_home), "datasets", "batches_archive"))

    assert keras.utils.get_file("batches", origin=origin, extract=True) == folder
    assert len(file_server.requests) == 1
    assert leftovers(cache_home / "datasets") == []


def test_extract_zip_with_an_extension_in_fname(file_server, cache_home):
    file_server.files["/words.zip"] = make_zip({"words/x.txt": b"x"})
    folder = keras.utils.get_file("words.zip", origin=file_server.url + "/words.zip", extract=True)
    assert folder == os.path.join(str(cache_home), "datasets", "words_extracted")
    assert open(os.path.join(folder, "words", "x.txt"), "rb").read() == b"x"


def test_untar_is_the_old_spelling_of_extract(file_server, cache_home):
    file_server.files["/t.tar.gz"] = make_tar_gz({"f.txt": b"F"})
    folder = keras.utils.get_file("t", origin=file_server.url + "/t.tar.gz", untar=True)
    assert os.listdir(folder) == ["f.txt"]


def test_archive_members_escaping_the_folder_are_skipped(file_server, cache_home):
    file_server.files["/evil.tar.gz"] = make_tar_gz({"ok.txt": b"fine", "../escaped.txt": b"bad"})
    with pytest.warns(UserWarning, match="Skipping invalid path.*escaped.txt"):
        folder = keras.utils.get_file("evil", origin=file_server.url + "/evil.tar.gz", extract=True)
    assert os.listdir(folder) == ["ok.txt"]
    assert not (cache_home / "datasets" / "escaped.txt").exists()


def test_not_an_archive_warns(file_server, cache_home):
    file_server.files["/plain.bin"] = b"not an archive"
    with pytest.warns(UserWarning, match="Could not extract archive"):
        folder = keras.utils.get_file("plain", origin=file_server.url + "/plain.bin", extract=True)
    assert not os.path.exists(folder)
    assert leftovers(cache_home / "datasets") == []


def test_arguments_are_validated_before_anything_is_fetched(file_server, cache_home):
    file_server.files["/a.bin"] = b"a"
    origin = file_server.url + "/a.bin"
    with pytest.raises(ValueError, match="origin"):
        keras.utils.get_file("a.bin")
    with pytest.raises(ValueError, match="file name, not a path"):
        keras.utils.get_file(os.path.join("sub", "a.bin"), origin=origin)
    with pytest.raises(ValueError, match="hash_algorithm"):
        keras.utils.get_file("a.bin", origin=origin, hash_algorithm="sha1")
    with pytest.raises(ValueError, match="archive_format"):
        keras.utils.get_file("a.bin", origin=origin, extract=True, archive_format="rar")
    with pytest.raises(ValueError, match="file name from the origin"):
        keras.utils.get_file(origin=file_server.url + "/")
    assert file_server.requests == []
