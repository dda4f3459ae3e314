"""keras.callbacks.CSVLogger: stream each epoch's logs to a CSV file, in Keras's layout."""
import csv
import os

from .callback import Callback


class CSVLogger(Callback):
    """Writes a row per epoch: `epoch` and the log keys in sorted order.

    The columns are fixed by the first epoch's logs; when those have no validation keys, a `val_` column
    is added for each key (filled with `NA` until validation values appear), as Keras does. A missing
    value is written `NA`, a vector value as `"[a, b, ...]"`.

    Args:
        filename: path of the CSV file, e.g. `'run/log.csv'`.
        separator: the string separating fields.
        append: True appends to an existing file (no second header line); False overwrites it.
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        try:
            self.filename = os.fspath(filename)
        except TypeError:
            raise TypeError(f"CSVLogger expected `filename` to be a path (str or os.PathLike), got {filename!r}") \
                from None
        self.sep = separator
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not f.readline()
            mode = "a"
        else:
            mode = "w"
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        # Opened without newline="", as Keras opens it: rows end in the csv module's "\r\n".
        self.csv_file = open(self.filename, mode)
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys.extend([f"val_{key}" for key in self.keys])
        if self.writer is None:
            dialect = type("CSVLoggerDialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _csv_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _csv_value(value):
    """A vector becomes `"[a, b]"` (quotes included, as Keras writes it); anything else is written as is."""
    if isinstance(value, str) or getattr(value, "ndim", None) == 0 or not hasattr(value, "__iter__"):
        return value
    return f'"[{", ".join(map(str, value))}]"'
