"""The batch runner: plan (which events to run), execute (local asyncio, Ray, or the OpenAI
Batch API), record (results.jsonl, failures.jsonl, state.sqlite3), summarise.

Exactly once. `results.jsonl` is the authority on which events are done; the SQLite store is
an index of it. For every event the runner (1) appends its complete result line with a single
write + fsync, and only then (2) marks it done in the store. Every run (and every --resume)
starts by (a) truncating a torn last line (a line without its newline can only be the result of
a crash during step 1, and such an event was never marked done), then (b) reading the event ids
of all complete lines and marking exactly those done in the store (a crash between 1 and 2 is
thus repaired; a 'done' without a line is reset to pending). Events to run are the planned
events not done; the ids written are also kept in memory and checked before each append, and a
lock file keeps a second process out of the directory. Hence after any crash and `--resume`,
each event is in results.jsonl exactly once: never lost (not done => rerun), never twice (a
line present => done => not rerun, and only one process and one thread append).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from service.batch.inputs import Dump, RecordFailure
from service.batch.journal import Journal
from service.batch.progress import BatchProgress, format_rate
from service.batch.state import StateStore
from service.config import Settings
from service.datasets import Event
from service.errors import ConfigError, RashomonError
from service.llm.factory import build_llm
from service.llm.structured import StructuredLLM
from service.pipeline.reconcile import reconcile
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
            f"{self.events_planned} events planned",
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
            f"{total:,} ({self.cache_hits} cached calls)",
            f"  wall time {self.wall_time_s:.1f}s ({format_rate(self.rate)}); cost {self.cost}",
            f"  {out_dir / RESULTS}: {self.results_lines} events; failures in {out_dir / FAILURES}",
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
        self.failures.append({"key": key, **record, "at": _now()})
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


def describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, RashomonError) else f"{type(exc).__name__}: {text}"


def _file_name(event_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", event_id)[:120] or "event"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _lock(out_dir: Path) -> int:
    fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise ConfigError(
            f"another batch is running on {out_dir} (locked {out_dir / LOCK}); wait for it or "
            "choose another --out"
        ) from None
    return fd


def plan(
    events: list[Event], statuses: Mapping[str, str], options: BatchOptions, summary: RunSummary
) -> tuple[list[Event], list[tuple[Event, Event]]]:
    """(events to run, duplicates as (dropped, kept)). Rules: done -> skip; failed -> run only
    with --retry-failed; pending -> run unless only --retry-failed was given."""
    seen: dict[str, Event] = {}
    duplicates: list[tuple[Event, Event]] = []
    todo: list[Event] = []
    only_failed = options.retry_failed and not options.resume
    for event in events:
        if event.event_id in seen:
            duplicates.append((event, seen[event.event_id]))
            continue
        seen[event.event_id] = event
        status = statuses.get(event.event_id, "pending")
        if status == "done":
            summary.skipped_done += 1
        elif status == "failed":
            if options.retry_failed:
                todo.append(event)
            else:
                summary.skipped_failed += 1
        elif only_failed:
            summary.skipped_pending += 1
        else:
            todo.append(event)
    return todo, duplicates


async def run_batch(
    dump: Dump,
    settings: Settings,
    options: BatchOptions,
    *,
    llm: StructuredLLM | None = None,
    batch_client: Any = None,
) -> RunSummary:
    """Run a planned dump into `options.out_dir`. `llm` overrides the backend built from the
    settings (tests); `batch_client` an `openai.AsyncOpenAI` for --via batch-api (tests)."""
    out = options.out_dir
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    lock_fd = _lock(out)
    results = Journal(out / RESULTS, "event_id")
    failures = Journal(out / FAILURES, "key")
    store: StateStore | None = None
    try:
        if (
            not options.resume
            and not options.retry_failed
            and (out / RESULTS).exists()
            and (out / RESULTS).stat().st_size > 0
        ):
            raise ConfigError(
                f"{out / RESULTS} already has results: pass --resume to continue that run, "
                "--retry-failed to rerun its failures, or choose a new --out"
            )
        present = results.open()
        failures.open()
        store = StateStore(out / STATE)
        for event in dump.events:
            store.add(event.event_id, event.name, event.grouping)
        store.commit()
        store.sync_done(present)

        summary = RunSummary(
            input_format=dump.format,
            engine=options.engine,
            via=options.via,
            repaired_tail_bytes=results.truncated_bytes,
        )
        todo, duplicates = plan(dump.events, store.statuses(), options, summary)
        summary.events_planned = len(dump.events) - len(duplicates)
        summary.duplicates = len(duplicates)
        summary.bad_records = len(dump.failures)
        progress = BatchProgress(len(todo), stream=options.progress_stream, quiet=options.quiet)
        recorder = Recorder(out, store, results, failures, summary, progress)
        _record_rejects(recorder, dump.failures, duplicates)

        if todo:
            if options.engine == "ray":
                from service.batch.ray_engine import run_ray

                run_ray(todo, settings, options, recorder)
            elif options.via == "batch-api":
                from service.batch.batch_api import run_batch_api

                await run_batch_api(todo, settings, options, recorder, store, client=batch_client)
            else:
                await _run_local(todo, settings, options, recorder, llm)
        progress.close()
        summary.results_lines = len(results.keys)
        summary.wall_time_s = time.perf_counter() - started
        _append_run(out, summary)
        return summary
    finally:
        results.close()
        failures.close()
        if store is not None:
            store.close()
        os.close(lock_fd)


def _record_rejects(
    recorder: Recorder, rejects: list[RecordFailure], duplicates: list[tuple[Event, Event]]
) -> None:
    for bad in rejects:
        key = "record:" + hashlib.sha256(f"{bad.where}\0{bad.reason}".encode()).hexdigest()[:16]
        recorder.record_failure_line(
            key, {"kind": "record", "where": bad.where, "reason": bad.reason}
        )
    for dropped, kept in duplicates:
        key = (
            "duplicate:"
            + hashlib.sha256(f"{dropped.event_id}\0{dropped.grouping}".encode()).hexdigest()[:16]
        )
        recorder.record_failure_line(
            key,
            {
                "kind": "duplicate",
                "event_id": dropped.event_id,
                "grouping": dropped.grouping,
                "reason": f"same articles as the event formed by {kept.grouping!r}; run once",
            },
        )


async def _run_local(
    todo: list[Event],
    settings: Settings,
    options: BatchOptions,
    recorder: Recorder,
    llm: StructuredLLM | None,
) -> None:
    owned = llm is None
    llm = llm or build_llm(settings)
    semaphore = asyncio.Semaphore(max(1, options.concurrency))
    queue = iter(todo)

    async def one(event: Event) -> None:
        async with semaphore:
            recorder.started(event)
            try:
                rec = await reconcile(event.articles, llm=llm, settings=settings)
            except Exception as exc:  # any failure of one event is recorded, never fatal
                recorder.failed(event, describe(exc))
            else:
                recorder.done(event, rec)

    async def worker() -> None:
        # Workers pull lazily so a million-event dump never holds a million coroutines.
        for event in queue:
            await one(event)

    try:
        await asyncio.gather(*(worker() for _ in range(max(1, options.concurrency))))
    finally:
        if owned:
            await llm.backend.aclose()


def _append_run(out: Path, summary: RunSummary) -> None:
    record = {"at": _now(), **asdict(summary)}
    with (out / RUNS).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
