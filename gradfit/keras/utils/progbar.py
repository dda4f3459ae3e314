"""keras.utils.Progbar: the progress bar `fit()`, `evaluate()` and `get_file()` print."""
import logging
import math
import os
import sys
import time

from ...tensor import Tensor


class Progbar:
    """Displays a progress bar, written to stdout exactly as Keras 3 writes it.

    Metrics are averaged over the steps seen so far, except those named in `stateful_metrics`, which are
    shown as given (or, when `stateless_metrics` is given instead, only those are averaged).

    Args:
        target: total number of steps expected, None if unknown.
        width: width of the bar in characters.
        verbose: 0 (silent), 1 (a live bar) or 2 (one line when the target is reached).
        interval: minimum number of seconds between two redraws of the bar.
        stateful_metrics: names of metrics shown as given rather than averaged.
        stateless_metrics: names of metrics to average; all others are shown as given.
        unit_name: what a step is called in the per-step time (`12ms/step`).
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Progbar takes `stateful_metrics` or `stateless_metrics`, not both: the first names "
                             "the metrics not to average, the second the only ones to average")
        if verbose not in (0, 1, 2):
            raise ValueError(f"Progbar expected verbose to be 0, 1 or 2, got verbose={verbose!r}")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set(stateful_metrics or ())
            self.stateless_metrics = None
        # Keras redraws in place (backspaces and a carriage return) on any POSIX system, terminal or not.
        self._dynamic_display = ((hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
                                 or "ipykernel" in sys.modules or "posix" in sys.modules
                                 or "PYCHARM_HOSTED" in os.environ)
        self._seen_so_far = 0
        self._values = {}  # name -> [sum of value * steps, steps]
        self._values_order = []
        self._start = time.time()
        self._last_update = 0
        self._time_after_first_step = None
        self._prev_total_width = 0

    def update(self, current, values=None, finalize=None):
        """Moves the bar to step `current`, folding in `values`, a list of `(name, value_for_last_step)`.

        `finalize` marks the last update; by default it is `current >= target`.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            if isinstance(value, Tensor):
                value = value.numpy()
            if name not in self._values_order:
                self._values_order.append(name)
            if self._is_averaged(name) and not finalize:
                # A metric seen over several steps at once (current jumped) weighs as many steps.
                steps = max(current - self._seen_so_far, 1)
                if name in self._values:
                    self._values[name][0] += value * steps
                    self._values[name][1] += steps
                else:
                    self._values[name] = [value * steps, steps]
            else:
                # Stateful values, and all values on the finalizing call, replace the running average.
                self._values[name] = [value, 1]
        self._seen_so_far = current

        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._write(self._live_line(current, now, time_per_unit, finalize))
        elif self.verbose == 2 and finalize and self.target is not None and self.target > 0:
            self._write(self._epoch_line(current, now, time_per_unit))
        self._last_update = now

    def add(self, n, values=None):
        """Advances the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)

    # ------------------------------------------------------------------------------------------- lines
    def _live_line(self, current, now, time_per_unit, finalize):
        message = "\b" * self._prev_total_width + "\r" if self._dynamic_display else "\n"
        escapes = 0  # characters of colour codes, which take no room on screen
        if self.target is not None and self.target > 0:
            bar = f"\x1b[1m{_step_count(current, self.target)}\x1b[0m "
            escapes += 8
            done = int(self.width * float(current) / self.target)
            if done > 0:
                bar += f"\x1b[32m{'━' * done}\x1b[0m"
                escapes += 9
            bar += f"\x1b[37m{'━' * (self.width - done)}\x1b[0m"
            escapes += 9
        else:
            bar = "%7d/Unknown" % current
        if self.target is not None and self.target > 0 and not finalize:
            info = f" \x1b[1m{_format_eta(time_per_unit * (self.target - current))}\x1b[0m"
        else:
            info = f" \x1b[1m{now - self._start:.0f}s\x1b[0m"
        escapes += 8
        info += _format_time(time_per_unit, self.unit_name)
        for name in self._values_order:
            avg = self._average(name)
            info += f" - {name}: {avg:.4f}" if abs(avg) > 1e-3 else f" - {name}: {avg:.4e}"
        message += bar + info

        total_width = len(bar) + len(info) - escapes
        if self._prev_total_width > total_width:
            message += " " * (self._prev_total_width - total_width)
        if finalize:
            message += "\n"
        self._prev_total_width = total_width
        return message

    def _epoch_line(self, current, now, time_per_unit):
        info = f"{_step_count(current, self.target)} - {now - self._start:.0f}s -"
        info += _format_time(time_per_unit, self.unit_name)
        for name in self._values_order:
            avg = self._average(name)
            # Keras compares the signed value here (not its magnitude), so negative values print in e-notation.
            info += f" - {name}: {avg:.4f}" if avg > 1e-3 else f" - {name}: {avg:.4e}"
        return info + "\n"

    # --------------------------------------------------------------------------------------- internals
    def _is_averaged(self, name):
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def _average(self, name):
        total, count = self._values[name]
        if not isinstance(total, float) and hasattr(total, "mean"):
            total = total.mean()  # an array-valued metric shows its mean
        return total / max(1, count)

    def _estimate_step_duration(self, current, now):
        """Seconds per step; the first step (often slow: building, first calls) is left out once past it."""
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit

    @staticmethod
    def _write(message):
        if not INTERACTIVE_LOGGING[0]:
            logging.getLogger("keras").info(message.strip("\r\n\b"))
            return
        try:
            sys.stdout.write(message)
        except UnicodeEncodeError:
            # A console that cannot show '━' gets Keras 2's '=' bar instead.
            encoding = sys.stdout.encoding or "utf-8"
            sys.stdout.write(message.replace("━", "=").encode(encoding, errors="ignore").decode(encoding))
        sys.stdout.flush()


def _step_count(current, target):
    """`' 7/10'`: the current step right-aligned to the target's width."""
    digits = int(math.log10(target)) + 1
    return f"%{digits}d/%d" % (current, target)


def _format_eta(eta):
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


def _format_time(time_per_unit, unit_name):
    if time_per_unit >= 1 or time_per_unit == 0:
        return f" {time_per_unit:.0f}s/{unit_name}"
    if time_per_unit >= 1e-3:
        return f" {time_per_unit * 1000.0:.0f}ms/{unit_name}"
    return f" {time_per_unit * 1000000.0:.0f}us/{unit_name}"


# Whether progress bars, summaries and callback messages go to stdout (True, the default) or to Python's
# `logging` ('keras' logger, level INFO); set by keras.config.enable/disable_interactive_logging().
INTERACTIVE_LOGGING = [True]


def print_msg(message, line_break=True):
    """Writes a message where Keras writes its messages: stdout, or the 'keras' logger when interactive
    logging is disabled."""
    Progbar._write(message + "\n" if line_break else message)
