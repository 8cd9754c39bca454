"""What every batch engine shares: the run's options, the recorder (the single writer of
results.jsonl, failures.jsonl and the state store), the run summary, and the `BatchEngine`
protocol the runner drives.

An engine gets the events to run and the recorder, and reports each event through it:
`recorder.started(event)`, then exactly one of `recorder.done(event, result)` or
`recorder.failed(event, reason)`, always from the driver's thread. The engines are
`local_engine.LocalEngine` (asyncio, the default), `batch_api.BatchApiEngine` (--via batch-api)
and `ray_engine.RayEngine` (--engine ray); `runner.run_batch` picks one and imports nothing
else from them, and they import nothing from the runner.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from service.batch.journal import Journal
from service.batch.progress import BatchProgress, format_rate
from service.batch.state import StateStore
from service.datasets import Event
from service.errors import RashomonError
from service.render.html import render_html
from service.schemas import Reconciliation

Via = Literal["direct", "batch-api"]
Engine = Literal["local", "ray"]
RESULTS, FAILURES, STATE, RUNS, LOCK = (
    "results.jsonl",
    "failures.jsonl",
    "state.sqlite3",
    "runs.jsonl",
    ".lock",
)
HTML_DIR = "html"


@dataclass
class BatchOptions:
    out_dir: Path
    concurrency: int = 4
    resume: bool = False
    retry_failed: bool = False
    via: Via = "direct"
    engine: Engine = "local"
    quiet: bool = False
    progress_stream: IO[str] | None = None
    poll_interval_s: float = 30.0  # batch-api: seconds between status polls


@dataclass
class RunSummary:
    input_format: str = ""
    events_planned: int = 0
    done: int = 0
    failed: int = 0
    skipped_done: int = 0
    skipped_failed: int = 0
    skipped_pending: int = 0
    duplicates: int = 0
    bad_records: int = 0
    repaired_tail_bytes: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    wall_time_s: float = 0.0
    cost: str = "n/a (the backend reports no prices)"
    results_lines: int = 0
    engine: str = "local"
    via: str = "direct"
    failed_reasons: dict[str, str] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        n = self.done + self.failed
        return n / self.wall_time_s if self.wall_time_s > 0 else 0.0

    def render(self, out_dir: Path) -> str:
        total = self.prompt_tokens + self.completion_tokens
        lines = [
            f"batch summary ({self.input_format}, engine {self.engine}, via {self.via}): "
            f"{_plural(self.events_planned, 'event')} planned",
            f"  done {self.done}, failed {self.failed}, skipped {self.skipped_done} already "
            f"done, {self.skipped_failed} failed before (rerun with --retry-failed)"
            + (
                f", {self.skipped_pending} not yet run (add --resume)"
                if self.skipped_pending
                else ""
            ),
            f"  duplicates {self.duplicates}, bad records {self.bad_records}"
            + (
                f", torn tail repaired ({self.repaired_tail_bytes} bytes)"
                if self.repaired_tail_bytes
                else ""
            ),
            f"  tokens: {self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion = "
            f"{total:,} ({_plural(self.cache_hits, 'cached call')})",
            f"  wall time {self.wall_time_s:.1f}s ({format_rate(self.rate)}); cost {self.cost}",
            f"  {out_dir / RESULTS}: {_plural(self.results_lines, 'event')}; failures in "
            f"{out_dir / FAILURES}",
        ]
        return "\n".join(lines)


class Recorder:
    """The single writer: every outcome goes through here, in the driver's thread."""

    def __init__(
        self,
        out_dir: Path,
        store: StateStore,
        results: Journal,
        failures: Journal,
        summary: RunSummary,
        progress: BatchProgress,
    ) -> None:
        self.out_dir = out_dir
        self.store = store
        self.results = results
        self.failures = failures
        self.summary = summary
        self.progress = progress

    def record_failure_line(self, key: str, record: dict[str, Any]) -> bool:
        if key in self.failures.keys:
            return False
        self.failures.append({"key": key, **record, "at": timestamp()})
        return True

    def started(self, event: Event) -> None:
        self.store.start(event.event_id)

    def done(self, event: Event, rec: Reconciliation | dict[str, Any]) -> None:
        if event.event_id in self.results.keys:  # never twice (cannot happen: belt and braces)
            return
        doc = rec.model_dump(mode="json") if isinstance(rec, Reconciliation) else rec
        # 1. the complete line, durably; 2. only then the index.
        self.results.append(
            {
                "event_id": event.event_id,
                "name": event.name,
                "grouping": event.grouping,
                "reconciliation": doc,
            }
        )
        self.store.mark(event.event_id, "done")
        self._write_html(event.event_id, doc)
        for step in doc.get("steps", []):
            usage = step.get("usage") or {}
            self.summary.prompt_tokens += int(usage.get("prompt_tokens", 0))
            self.summary.completion_tokens += int(usage.get("completion_tokens", 0))
            self.summary.cache_hits += int(step.get("cache_hits", 0))
        self.summary.done += 1
        self.progress.update(True)

    def _write_html(self, event_id: str, doc: dict[str, Any]) -> None:
        """DIR/html/<event_id>.html, the standalone view of the event. A nicety: results.jsonl
        is the record, so a page that cannot be written is reported and never fails the event."""
        try:
            page = render_html(Reconciliation.model_validate(doc))
            target = self.out_dir / HTML_DIR / f"{_file_name(event_id)}.html"
            target.parent.mkdir(exist_ok=True)
            tmp = target.with_suffix(".html.tmp")
            tmp.write_text(page, encoding="utf-8")
            tmp.replace(target)
        except Exception as exc:
            print(f"rashomon: warning: no HTML view for event {event_id}: {exc}", file=sys.stderr)

    def failed(self, event: Event, reason: str) -> None:
        attempt = self.store.attempts(event.event_id)
        self.record_failure_line(
            f"event:{event.event_id}:{attempt}",
            {
                "kind": "event",
                "event_id": event.event_id,
                "name": event.name,
                "grouping": event.grouping,
                "attempt": attempt,
                "reason": reason,
            },
        )
        self.store.mark(event.event_id, "failed", reason)
        self.summary.failed += 1
        self.summary.failed_reasons[event.event_id] = reason
        self.progress.update(False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else word + 's'}"


def describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, RashomonError) else f"{type(exc).__name__}: {text}"


def _file_name(event_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", event_id)[:120] or "event"


def timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class BatchEngine(Protocol):
    """Runs events and reports every outcome through the recorder (see the module doc)."""

    async def run(self, todo: list[Event], recorder: Recorder) -> None: ...
