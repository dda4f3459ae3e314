"""`keras.name_scope` and `keras.device`: the context managers Keras code opens around model building."""
import threading

_local = threading.local()

# Device types a device string may name, as TensorFlow parses them.
_DEVICE_TYPES = ("CPU", "GPU", "TPU")


def _stack():
    stack = getattr(_local, "name_scopes", None)
    if stack is None:
        stack = _local.name_scopes = []
    return stack


class name_scope:
    """`with keras.name_scope("block1"):` opens a sub-namespace; `current_path()` is the open scopes'
    path, "outer/inner".

    Args:
        name: the scope's name, a string without "/".
        caller: the object opening the scope; with `deduplicate`, a scope that repeats the innermost one
            (same caller, same name) is not entered a second time.
        deduplicate: see `caller`.
        override_parent: a path that replaces the enclosing scopes' path.
    """

    def __init__(self, name, caller=None, deduplicate=True, override_parent=None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"Argument `name` must be a string and cannot contain character `/`. Received: "
                             f"name={name}")
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        if override_parent is None and deduplicate and getattr(caller, "_parent_path", None) is not None:
            self.override_parent = caller._parent_path
        self._entered = False

    def __enter__(self):
        stack = _stack()
        if self.deduplicate and stack and self.caller is not None:
            innermost = stack[-1]
            if innermost.caller is self.caller and innermost.name == self.name:
                return self
        stack.append(self)
        self._entered = True
        return self

    def __exit__(self, *exc_info):
        if self._entered:
            stack = _stack()
            if stack and stack[-1] is self:
                stack.pop()
            self._entered = False
        return False


def current_path():
    """The path of the open name scopes, "" outside any."""
    parts = []
    for scope in _stack():
        if scope.override_parent is not None:
            parts = [p for p in scope.override_parent.split("/") if p]
        parts.append(scope.name)
    return "/".join(parts)


class device:
    """`with keras.device("cpu"):` — gradfit computes on the CPU, so the block runs as usual.

    Any device string TensorFlow parses is accepted ("cpu", "gpu:0", "/GPU:0", "/job:localhost/device:CPU:0");
    on a machine without one, TensorFlow places GPU and TPU work on the CPU too, as gradfit does. A string
    that names no device is a ValueError.
    """

    def __init__(self, device_name):
        self.device_name = device_name
        self.device_type, self.device_index = _parse_device(device_name)

    def __enter__(self):
        return None

    def __exit__(self, *exc_info):
        return False


def _parse_device(spec):
    """(device type or None, index or None) of a device string, validated as TensorFlow validates it."""
    if spec is None:
        return None, None
    if not isinstance(spec, str):
        raise ValueError(f"Expected a device name (a string such as 'cpu' or 'gpu:0'), got {spec!r}")
    device_type = index = None
    for part in spec.split("/"):
        fields = part.split(":")
        if fields[0] in ("job", "replica", "task") and len(fields) == 2:
            continue
        if fields[0].upper() in _DEVICE_TYPES and len(fields) in (1, 2):
            named, raw_index = fields[0].upper(), fields[1] if len(fields) == 2 else "*"
        elif fields[0] == "device" and len(fields) == 3:
            named, raw_index = fields[1], fields[2]
        elif fields[0] == "":
            continue
        else:
            raise ValueError(f"Unknown attribute '{fields[0]}' is encountered while parsing the device spec: "
                             f"'{spec}'.")
        if device_type is not None:
            raise ValueError(f"Multiple device types are not allowed while parsing the device spec: {spec}.")
        device_type = named
        if raw_index != "*":
            try:
                index = int(raw_index)
            except ValueError:
                raise ValueError(f"Invalid device index {raw_index!r} in the device spec: '{spec}'.") from None
    return device_type, index
