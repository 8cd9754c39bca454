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

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from service.batch.engine import (
    FAILURES,
    LOCK,
    RESULTS,
    RUNS,
    STATE,
    BatchEngine,
    BatchOptions,
    Recorder,
    RunSummary,
    timestamp,
)
from service.batch.inputs import Dump, RecordFailure
from service.batch.journal import Journal
from service.batch.progress import BatchProgress
from service.batch.state import StateStore
from service.config import Settings
from service.datasets import Event
from service.errors import ConfigError
from service.llm.structured import StructuredLLM

__all__ = ["BatchOptions", "RunSummary", "plan", "run_batch"]


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
            engine = _engine(settings, options, store, llm=llm, batch_client=batch_client)
            await engine.run(todo, recorder)
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


def _engine(
    settings: Settings,
    options: BatchOptions,
    store: StateStore,
    *,
    llm: StructuredLLM | None,
    batch_client: Any,
) -> BatchEngine:
    """The engine the options ask for (imported here: Ray and the Batch API are optional)."""
    if options.engine == "ray":
        from service.batch.ray_engine import RayEngine

        return RayEngine(settings, options)
    if options.via == "batch-api":
        from service.batch.batch_api import BatchApiEngine

        return BatchApiEngine(settings, options, store, client=batch_client)
    from service.batch.local_engine import LocalEngine

    return LocalEngine(settings, options, llm)


def _append_run(out: Path, summary: RunSummary) -> None:
    record = {"at": timestamp(), **asdict(summary)}
    with (out / RUNS).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
