"""A local HTTP server on 127.0.0.1 standing in for the dataset hosts: downloads are tested with no network."""
import http.server
import threading

import pytest


class FileServer:
    """Serves `files` (URL path -> bytes), records each request, and misbehaves on demand.

    `truncate[path] = n`: the next n responses for `path` announce the full length but close the connection
    halfway through the body. `ranges`: whether `Range: bytes=N-` requests get 206 Partial Content.
    """

    def __init__(self):
        self.files = {}
        self.truncate = {}
        self.ranges = True
        self.requests = []  # (path, Range header or None)
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server._serve(self)

            def log_message(self, *args):
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()

    def requests_for(self, path):
        return [r for r in self.requests if r[0] == path]

    def _serve(self, handler):
        path, range_header = handler.path, handler.headers.get("Range")
        with self._lock:
            self.requests.append((path, range_header))
            cut = self.truncate.get(path, 0) > 0
            if cut:
                self.truncate[path] -= 1
        body = self.files.get(path)
        if body is None:
            handler.send_error(404, "Not Found")
            return
        start = 0
        if range_header and self.ranges:
            start = int(range_header.split("=")[1].split("-")[0])
            handler.send_response(206)
            handler.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            handler.send_response(200)
        handler.send_header("Content-Length", str(len(body) - start))
        handler.end_headers()
        part = body[start:]
        handler.wfile.write(part[: len(part) // 2] if cut else part)
        handler.wfile.flush()
        handler.close_connection = True

    def close(self):
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


@pytest.fixture
def file_server():
    server = FileServer()
    yield server
    server.close()


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A fresh $GRADFIT_HOME, so downloads land in the test's own folder."""
    home = tmp_path / "gradfit_home"
    monkeypatch.setenv("GRADFIT_HOME", str(home))
    return home
