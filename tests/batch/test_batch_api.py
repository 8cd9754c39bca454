"""--via batch-api against a local fake of the OpenAI Batch endpoints."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from service.batch.inputs import InputOptions, load_dump
from service.batch.runner import BatchOptions, RunSummary, run_batch
from service.config import Settings

from .fake_batch_api import FakeBatchAPI
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


def _run(tmp: Path, api: FakeBatchAPI, **kw: object) -> RunSummary:
    dump = load_dump(tmp / "in.jsonl", InputOptions())
    options = BatchOptions(
        out_dir=tmp / "out",
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
