"""--via batch-api against a local fake of the OpenAI Batch endpoints."""

from __future__ import annotations

import asyncio
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from pydantic import SecretStr

from service.batch.inputs import InputOptions, load_dump
from service.batch.runner import BatchOptions, RunSummary, run_batch
from service.batch.state import StateStore
from service.config import Settings
from service.errors import BackendError

from .fake_batch_api import DEGRADED, FakeBatchAPI
from .helpers import failures, results, write_jsonl


def _settings(tmp: Path) -> Settings:
    return Settings(
        backend="openai",
        base_url="http://fake-batch.test/v1",
        model="gpt-test",
        api_key="k",
        structured_mode="json_schema",
        cache_dir=tmp / "cache",
    )


def _run(tmp: Path, api: FakeBatchAPI, out_dir: Path | None = None, **kw: object) -> RunSummary:
    dump = load_dump(tmp / "in.jsonl", InputOptions())
    options = BatchOptions(
        out_dir=out_dir or tmp / "out",
        via="batch-api",
        poll_interval_s=0.001,
        progress_stream=io.StringIO(),
        **kw,
    )  # type: ignore[arg-type]
    return asyncio.run(run_batch(dump, _settings(tmp), options, batch_client=api.client()))


def test_batch_api_rounds_results_and_failures(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 4, marker_every=3)  # events 0 and 3 fail server-side
    api = FakeBatchAPI(polls_before_done=2)
    summary = _run(tmp_path, api)
    assert (summary.done, summary.failed) == (2, 2)
    lines = results(tmp_path / "out")
    assert len(lines) == 2
    rec = lines[0]["reconciliation"]
    assert isinstance(rec, dict) and rec["model"] == "gpt-test"
    # one batch per pipeline round, each shared by all events (not one batch per event)
    # One round per step that asks the model: alignment (accounts and the default summary
    # need none), plus the rounds that retry failures.
    assert 1 <= len(api.batches) <= 8
    assert summary.prompt_tokens > 0
    assert all("simulated server error" in str(f["reason"]) for f in failures(tmp_path / "out"))

    # A rerun of the failures replays answered calls from DIR/batch_cache.sqlite3.
    seen = api.requests_seen
    retry = _run(tmp_path, api, retry_failed=True)
    assert retry.failed == 2 and api.requests_seen - seen < seen


def test_batch_api_result_equals_direct_run(tmp_path: Path, settings: Settings) -> None:
    write_jsonl(tmp_path / "in.jsonl", 2)
    _run(tmp_path, FakeBatchAPI())
    dump = load_dump(tmp_path / "in.jsonl", InputOptions())
    asyncio.run(run_batch(dump, settings, BatchOptions(out_dir=tmp_path / "direct", quiet=True)))

    def claims(out: Path) -> list[object]:
        return sorted(
            (str(r["event_id"]), str(r["reconciliation"]["summary"]))  # type: ignore[index]
            for r in results(out)
        )

    assert claims(tmp_path / "out") == claims(tmp_path / "direct")


def _cached_texts(out: Path) -> list[str]:
    with sqlite3.connect(out / "batch_cache.sqlite3") as conn:
        return [row[0] for row in conn.execute("SELECT text FROM responses")]


def _warnings(out: Path) -> dict[str, list[object]]:
    return {
        str(r["event_id"]): list(r["reconciliation"]["warnings"])  # type: ignore[index]
        for r in results(out)
    }


def test_batch_api_never_caches_an_answer_that_failed_validation(tmp_path: Path) -> None:
    """Issue 10, defect 5 on the batch-api path: the answers of events 0 and 3 fit no schema
    (every re-ask too). They must not be cached, so a later run over that cache against a
    healthy server asks the model again instead of replaying the degraded answers."""
    write_jsonl(tmp_path / "in.jsonl", 4, marker_every=3)
    summary = _run(tmp_path, FakeBatchAPI(failme="invalid"))
    assert (summary.done, summary.failed) == (4, 0)
    # the two events' alignment was skipped with a warning ("answer still invalid")
    assert sum(bool(w) for w in _warnings(tmp_path / "out").values()) == 2
    cached = _cached_texts(tmp_path / "out")
    assert cached, "the valid answers are cached"
    assert DEGRADED not in cached

    # The same cache, a healthy server: the model is asked for the degraded calls again.
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(tmp_path / "out" / "batch_cache.sqlite3", again / "batch_cache.sqlite3")
    healthy = FakeBatchAPI(failme="answer")
    summary = _run(tmp_path, healthy, out_dir=again)
    assert (summary.done, summary.failed) == (4, 0)
    assert healthy.failme_seen > 0
    assert not any(_warnings(again).values())
    assert DEGRADED not in _cached_texts(again)


def test_batch_api_resume_validates_the_answers_of_a_reattached_batch(tmp_path: Path) -> None:
    """A run killed after its batches were downloaded but before it ended: --resume
    re-downloads them (no request is sent twice for a valid answer) and caches only the
    answers that pass validation."""
    write_jsonl(tmp_path / "in.jsonl", 4, marker_every=3)
    api = FakeBatchAPI(failme="invalid")
    _run(tmp_path, api)
    out = tmp_path / "out"
    # What the kill leaves: no result lines, no cache, the batches still open.
    (out / "results.jsonl").unlink()
    (out / "batch_cache.sqlite3").unlink()
    with sqlite3.connect(out / "state.sqlite3") as conn:
        conn.execute("UPDATE batches SET status='submitted'")
    seen, failme_seen = api.requests_seen, api.failme_seen

    summary = _run(tmp_path, api, resume=True)
    assert summary.done + summary.failed == 4
    assert api.requests_seen - seen == api.failme_seen - failme_seen  # only re-asks of FAILME
    cached = _cached_texts(out)
    assert cached and DEGRADED not in cached
    with sqlite3.connect(out / "state.sqlite3") as conn:
        still_open = conn.execute("SELECT COUNT(*) FROM batches WHERE status='submitted'")
        assert still_open.fetchone()[0] == 0  # closed once the run ended


@pytest.mark.parametrize("where", ["line", "upload"])
def test_batch_api_never_stores_the_servers_error_text_verbatim(tmp_path: Path, where: str) -> None:
    """Issue 10, defect 8 on the batch-api path: a server that echoes the key, in a failed
    line's error or in refusing the whole batch, must not put it in failures.jsonl, the state
    store or the progress output."""
    key = "sk-test-0123456789abcdef"
    write_jsonl(tmp_path / "in.jsonl", 2, marker_every=2)  # event 0 fails server-side
    api = FakeBatchAPI()
    api.error_message = f"Incorrect API key provided: {key}. Authorization: Bearer {key}"
    api.reject_uploads = where == "upload"  # then both events fail
    dump = load_dump(tmp_path / "in.jsonl", InputOptions())
    progress = io.StringIO()
    options = BatchOptions(
        out_dir=tmp_path / "out", via="batch-api", poll_interval_s=0.001, progress_stream=progress
    )
    settings = _settings(tmp_path).model_copy(update={"api_key": SecretStr(key)})
    summary = asyncio.run(run_batch(dump, settings, options, batch_client=api.client()))
    assert (summary.done, summary.failed) == ((1, 1) if where == "line" else (0, 2))
    reasons = [str(f["reason"]) for f in failures(tmp_path / "out")]
    assert reasons and all("Incorrect API key provided" in r for r in reasons)  # kept
    assert all("[redacted]" in r for r in reasons)
    for path in (tmp_path / "out").iterdir():
        if path.is_file():
            assert key.encode() not in path.read_bytes(), path.name
    assert key not in progress.getvalue() and key not in str(summary.failed_reasons)


def _open_batch(out: Path, batch_id: str) -> None:
    """What a run killed right after submitting `batch_id` leaves in the state store."""
    store = StateStore(out / "state.sqlite3")
    try:
        store.add_batch(batch_id, "file-x", ["k"])
    finally:
        store.close()


def _batch_status(out: Path, batch_id: str) -> str:
    with sqlite3.connect(out / "state.sqlite3") as conn:
        row = conn.execute("SELECT status FROM batches WHERE batch_id=?", (batch_id,)).fetchone()
    return str(row[0])


def test_batch_api_resume_closes_a_batch_the_api_no_longer_knows(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 4, marker_every=3)
    api = FakeBatchAPI()
    _run(tmp_path, api)
    _open_batch(tmp_path / "out", "batch_expired_long_ago")  # the API answers 404
    retry = _run(tmp_path, api, retry_failed=True)
    assert retry.failed == 2  # the run went on (FAILME events fail again)
    assert _batch_status(tmp_path / "out", "batch_expired_long_ago") == "gone"


def test_batch_api_resume_stops_with_a_typed_error_while_the_api_is_down(tmp_path: Path) -> None:
    key = "sk-test-0123456789abcdef"
    write_jsonl(tmp_path / "in.jsonl", 4, marker_every=3)
    api = FakeBatchAPI()
    _run(tmp_path, api)
    _open_batch(tmp_path / "out", "batch_1")
    api.retrieve_status = 503
    api.error_message = f"overloaded; your key {key}"
    with pytest.raises(
        BackendError, match=r"re-attach to batch batch_1 .*run --resume again"
    ) as info:
        _run(tmp_path, api, retry_failed=True)
    assert key not in str(info.value) and "[redacted]" in str(info.value)
    assert _batch_status(tmp_path / "out", "batch_1") == "submitted"  # kept for the next try
    api.retrieve_status = 200
    assert _run(tmp_path, api, retry_failed=True).failed == 2
    assert _batch_status(tmp_path / "out", "batch_1") == "completed"
