"""`tf.train`: object-based checkpoints (`Checkpoint`, `CheckpointManager`) and the functions that find
and read them. The files are gradfit's own; TensorFlow's checkpoint files are not read."""
from .checkpoint import Checkpoint
from .checkpoint_file import CheckpointReader, list_variables, load_checkpoint, load_variable
from .checkpoint_manager import CheckpointManager
from .checkpoint_state import CheckpointState, get_checkpoint_state, latest_checkpoint


class CheckpointOptions:
    """Accepted for TensorFlow compatibility: saving is synchronous and on the local file system."""

    def __init__(self, experimental_io_device=None, experimental_enable_async_checkpoint=False,
                 experimental_write_callbacks=None, enable_async=False, **kwargs):
        self.experimental_io_device = experimental_io_device
        self.enable_async = bool(enable_async or experimental_enable_async_checkpoint)


__all__ = ["Checkpoint", "CheckpointManager", "CheckpointOptions", "CheckpointReader", "CheckpointState",
           "get_checkpoint_state", "latest_checkpoint", "list_variables", "load_checkpoint", "load_variable"]
