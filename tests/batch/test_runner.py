"""The runner in-process: result lines, resume, retry-failed, duplicates, torn tails and the
crash window between 'append the line' and 'mark done'."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from service.batch.inputs import InputOptions, load_dump
from service.batch.journal import Journal
from service.batch.runner import BatchOptions, RunSummary, run_batch
from service.config import Settings
from service.errors import BackendError, ConfigError
from service.llm.base import CompletionRequest
from service.llm.fake import FakeBackend
from service.llm.fake_responder import fake_responder
from service.llm.structured import StructuredLLM

from .helpers import failures, results, write_jsonl


def _marker_llm(marker: str = "FAILME") -> StructuredLLM:
    def responder(request: CompletionRequest) -> dict[str, Any]:
        if any(marker in m.content for m in request.messages):
            raise BackendError("simulated outage for this event", backend="fake")
        return fake_responder(request)

    return StructuredLLM(FakeBackend(responder=responder), reask_budget=0)


def _run(
    tmp: Path, settings: Settings, *, llm: StructuredLLM | None = None, **kw: Any
) -> RunSummary:
    dump = load_dump(tmp / "in.jsonl", InputOptions())
    return asyncio.run(
        run_batch(
            dump,
            settings,
            BatchOptions(out_dir=tmp / "out", progress_stream=io.StringIO(), **kw),
            llm=llm,
        )
    )


def test_results_lines_and_summary(tmp_path: Path, settings: Settings) -> None:
    write_jsonl(tmp_path / "in.jsonl", 5)
    summary = _run(tmp_path, settings, concurrency=3)
    lines = results(tmp_path / "out")
    assert summary.done == 5 and summary.failed == 0 and len(lines) == 5
    first = lines[0]
    assert set(first) == {"event_id", "name", "grouping", "reconciliation"}
    assert str(first["grouping"]).startswith("jsonl field event=")
    rec = first["reconciliation"]
    assert isinstance(rec, dict) and rec["backend"] == "fake" and rec["sources"]
    assert summary.prompt_tokens > 0 and summary.completion_tokens > 0
    assert "cost n/a" in summary.render(tmp_path / "out")
    # a standalone HTML view per event, next to results.jsonl
    pages = {p.stem for p in (tmp_path / "out" / "html").glob("*.html")}
    assert pages == {line["event_id"] for line in lines}
    page = (tmp_path / "out" / "html" / f"{first['event_id']}.html").read_text("utf-8")
    assert page.startswith("<!doctype html>") and "Coverage by outlet" in page
    with pytest.raises(ConfigError, match="--resume"):
        _run(tmp_path, settings)  # a second fresh run into the same directory is refused
    again = _run(tmp_path, settings, resume=True)
    assert again.skipped_done == 5 and again.done == 0
    assert len(results(tmp_path / "out")) == 5


def test_failed_events_then_retry_failed(tmp_path: Path, settings: Settings) -> None:
    write_jsonl(tmp_path / "in.jsonl", 6, marker_every=3)  # events 0 and 3 carry the marker
    first = _run(tmp_path, settings, llm=_marker_llm())
    assert (first.done, first.failed) == (4, 2)
    lines = failures(tmp_path / "out")
    assert [f["kind"] for f in lines] == ["event", "event"]
    assert all("simulated outage" in str(f["reason"]) for f in lines)
    resumed = _run(tmp_path, settings, llm=_marker_llm(), resume=True)
    assert (resumed.done, resumed.skipped_done, resumed.skipped_failed) == (0, 4, 2)
    retried = _run(tmp_path, settings, retry_failed=True)  # the outage is over
    assert (retried.done, retried.failed, retried.skipped_done) == (2, 0, 4)
    ids = [r["event_id"] for r in results(tmp_path / "out")]
    assert len(ids) == len(set(ids)) == 6


def test_bad_records_and_duplicates_are_logged_once(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "in.jsonl"
    write_jsonl(path, 2)
    text = path.read_text()
    dup = text.replace('"story-0"', '"copy-0"').replace('"story-1"', '"copy-1"')
    path.write_text(text + dup + "not json\n")
    summary = _run(tmp_path, settings)
    assert (summary.done, summary.duplicates, summary.bad_records) == (2, 2, 1)
    kinds = sorted(str(f["kind"]) for f in failures(tmp_path / "out"))
    assert kinds == ["duplicate", "duplicate", "record"]
    _run(tmp_path, settings, resume=True)
    assert len(failures(tmp_path / "out")) == 3  # not repeated on resume


def test_torn_last_line_is_truncated_and_event_rerun(tmp_path: Path, settings: Settings) -> None:
    write_jsonl(tmp_path / "in.jsonl", 4)
    _run(tmp_path, settings)
    out = tmp_path / "out"
    raw = (out / "results.jsonl").read_bytes()
    lines = raw.splitlines(keepends=True)
    torn_id = json.loads(lines[-1])["event_id"]
    # A crash during the last append: half the line on disk, and it was never marked done.
    (out / "results.jsonl").write_bytes(b"".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])
    with sqlite3.connect(out / "state.sqlite3") as db:
        db.execute("UPDATE events SET status='pending' WHERE event_id=?", (torn_id,))
    summary = _run(tmp_path, settings, resume=True)
    assert summary.repaired_tail_bytes > 0 and summary.done == 1
    ids = [r["event_id"] for r in results(out)]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 4 and torn_id in ids


def test_crash_between_append_and_mark_done(tmp_path: Path, settings: Settings) -> None:
    """The line is on disk but the store still says pending: resume must not run it again."""
    write_jsonl(tmp_path / "in.jsonl", 3)
    _run(tmp_path, settings)
    out = tmp_path / "out"
    with sqlite3.connect(out / "state.sqlite3") as db:
        db.execute("UPDATE events SET status='pending'")
    summary = _run(tmp_path, settings, resume=True)
    assert summary.done == 0 and summary.skipped_done == 3
    assert len(results(out)) == 3


def test_done_without_line_is_rerun(tmp_path: Path, settings: Settings) -> None:
    """The store says done but the line is missing (file edited): the event is not lost."""
    write_jsonl(tmp_path / "in.jsonl", 3)
    _run(tmp_path, settings)
    out = tmp_path / "out"
    lines = (out / "results.jsonl").read_text().splitlines(keepends=True)
    (out / "results.jsonl").write_text("".join(lines[1:]))
    summary = _run(tmp_path, settings, resume=True)
    assert summary.done == 1 and len(results(out)) == 3


def test_journal_refuses_a_corrupt_middle_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"event_id": "a"}\nnot json\n{"event_id": "b"}\n')
    from service.errors import InputError

    with pytest.raises(InputError, match="line 2"):
        Journal(path, "event_id").open()


def test_second_process_is_locked_out(tmp_path: Path, settings: Settings) -> None:
    import fcntl
    import os

    write_jsonl(tmp_path / "in.jsonl", 1)
    (tmp_path / "out").mkdir()
    fd = os.open(tmp_path / "out" / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(ConfigError, match="another batch"):
            _run(tmp_path, settings)
    finally:
        os.close(fd)


def test_cli_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from service.cli import main

    write_jsonl(tmp_path / "in.jsonl", 2)
    code = main(
        [
            "batch",
            str(tmp_path / "in.jsonl"),
            "--out",
            str(tmp_path / "out"),
            "--backend",
            "fake",
            "--quiet",
            "--concurrency",
            "2",
        ]
    )
    assert code == 0
    assert "done 2, failed 0" in capsys.readouterr().out
