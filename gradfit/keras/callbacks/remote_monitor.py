"""keras.callbacks.RemoteMonitor: POST each epoch's logs as JSON to a server."""
import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

from .callback import Callback


class RemoteMonitor(Callback):
    """At each epoch end, POSTs `{"epoch": epoch, **logs}` as JSON to `root + path`.

    By default the JSON is sent as a form field (`field=<json>`, `application/x-www-form-urlencoded`);
    with `send_as_json=True` it is the request body (`application/json`). A server that cannot be reached
    gives a warning, not an error, so training goes on.

    Args:
        root: the server's root URL.
        path: the path, relative to `root`, the events are sent to.
        field: the form field holding the JSON (when `send_as_json=False`).
        headers: extra HTTP headers, a dict.
        send_as_json: send the JSON as the request body.
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            # NumPy scalars and arrays (vector metrics) are sent as Python numbers and lists.
            send[key] = value.tolist() if hasattr(value, "tolist") else value
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            content_type = "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("ascii")
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.root + self.path, data=body, method="POST",
                                         headers={"Content-Type": content_type, **(self.headers or {})})
        try:
            with urllib.request.urlopen(request) as response:
                response.read()
        except urllib.error.HTTPError:
            pass  # The server was reached; like Keras, its answer is not checked.
        except (urllib.error.URLError, OSError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
