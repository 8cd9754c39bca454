"""Batch progress: a tqdm bar (rate, ETA) on a terminal, plain log lines otherwise."""

from __future__ import annotations

import importlib
import sys
import time
from typing import IO, Any


class BatchProgress:
    def __init__(
        self,
        total: int,
        *,
        stream: IO[str] | None = None,
        quiet: bool = False,
        every_s: float = 10.0,
    ) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.done = 0
        self.failed = 0
        self.every_s = every_s
        self._started = time.monotonic()
        self._last_log = 0.0
        self._bar: Any = None
        if not quiet and total and bool(getattr(self.stream, "isatty", lambda: False)()):
            try:
                tqdm: Any = importlib.import_module("tqdm").tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(
                    total=total, unit="event", file=self.stream, dynamic_ncols=True, smoothing=0.1
                )

    def update(self, ok: bool) -> None:
        if ok:
            self.done += 1
        else:
            self.failed += 1
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.update(1)
            self._bar.set_postfix(failed=self.failed, refresh=False)
            return
        now = time.monotonic()
        finished = self.done + self.failed
        step = max(1, self.total // 10)
        due = finished % step == 0 and now - self._last_log >= 1.0
        if finished == self.total or due or now - self._last_log >= self.every_s:
            self._last_log = now
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def line(self) -> str:
        finished = self.done + self.failed
        elapsed = time.monotonic() - self._started
        rate = finished / elapsed if elapsed > 0 else 0.0
        eta = (self.total - finished) / rate if rate > 0 else float("nan")
        eta_s = f"{eta:.0f}s" if eta == eta else "?"
        return (
            f"batch: {finished}/{self.total} events ({self.done} done, {self.failed} failed), "
            f"{format_rate(rate)}, ETA {eta_s}"
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def format_rate(events_per_s: float) -> str:
    """Events per second, or seconds per event when a model makes events slow."""
    if events_per_s <= 0:
        return "0 events/s"
    if events_per_s < 0.1:
        return f"{1 / events_per_s:.0f} s/event"
    return f"{events_per_s:.2f} events/s"
