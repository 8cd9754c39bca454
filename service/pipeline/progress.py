"""Progress events, so long runs can report where they are (CLI stderr, SSE, batch logs),
and `checkpoint()`, where long-running pipeline code lets itself be stopped."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    step: str  # "accounts", "alignment", "summary"
    done: int
    total: int
    source_id: str | None = None

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 100.0


ProgressCallback = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    return None


class WorkStopped(BaseException):
    """The work was stopped from outside (its time budget ran out, the server is stopping).

    A BaseException, like `asyncio.CancelledError`, so no `except Exception` fallback inside
    the pipeline swallows it."""


class StopSignal:
    """When the work must stop: a wall-clock deadline (`time.monotonic()` value) and/or an
    explicit `stop()` from another thread. Read by `checkpoint()`."""

    def __init__(self, deadline: float | None = None) -> None:
        self.deadline = deadline
        self.reason: str | None = None

    def stop(self, reason: str) -> None:
        self.reason = self.reason or reason  # a plain attribute write: safe across threads

    def check(self) -> None:
        if self.reason is None and self.deadline is not None and time.monotonic() >= self.deadline:
            self.reason = "time budget exhausted"
        if self.reason is not None:
            raise WorkStopped(self.reason)


_stop_signal: ContextVar[StopSignal | None] = ContextVar("rashomon_stop_signal", default=None)


def checkpoint() -> None:
    """Raise `WorkStopped` if the work this code runs for has been stopped; otherwise return
    at once (about 0.1-0.2 µs; nothing to check outside the HTTP service, e.g. in the CLI).

    Call it inside any loop that can run for long without awaiting (pair scoring, sentence
    loops): the HTTP service runs the pipeline in a worker thread and this is how its time
    budget and a shutdown stop that thread promptly."""
    signal = _stop_signal.get()
    if signal is not None:
        signal.check()


def watch(signal: StopSignal | None) -> Token[StopSignal | None]:
    """Make `checkpoint()` in this context (and the tasks it starts) read `signal`."""
    return _stop_signal.set(signal)
