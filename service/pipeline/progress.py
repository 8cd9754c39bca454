"""Progress events, so long runs can report where they are (CLI stderr, SSE, batch logs)."""

from __future__ import annotations

from collections.abc import Callable
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
