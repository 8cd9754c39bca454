"""--engine ray in Ray's local mode (skipped when Ray is not installed)."""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from service.batch import ray_engine
from service.batch.inputs import InputOptions, load_dump
from service.batch.ray_engine import ReconcileActor
from service.batch.runner import BatchOptions, run_batch
from service.config import Settings
from service.datasets import Event

from .helpers import failures, results, write_jsonl

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray() -> object:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def test_ray_engine_local_mode(tmp_path: Path, settings: Settings, local_ray: object) -> None:
    write_jsonl(tmp_path / "in.jsonl", 4, marker_every=0)
    dump = load_dump(tmp_path / "in.jsonl", InputOptions())
    options = BatchOptions(
        out_dir=tmp_path / "out", engine="ray", concurrency=2, progress_stream=io.StringIO()
    )
    summary = asyncio.run(run_batch(dump, settings, options))
    assert (summary.done, summary.failed) == (4, 0)
    ids = [r["event_id"] for r in results(tmp_path / "out")]
    assert sorted(ids) == sorted(e.event_id for e in dump.events)
    again = asyncio.run(
        run_batch(
            dump,
            settings,
            BatchOptions(
                out_dir=tmp_path / "out", engine="ray", resume=True, progress_stream=io.StringIO()
            ),
        )
    )
    assert again.skipped_done == 4 and again.done == 0


class DyingActor(ReconcileActor):
    """Kills its own worker process (as a segfault or the OOM killer would) on every event
    whose articles say FAILME; reconciles the others as usual."""

    def reconcile(self, event: Event) -> dict[str, Any]:
        if "FAILME" in event.model_dump_json():
            os._exit(1)
        return super().reconcile(event)


def test_ray_engine_gives_up_on_an_event_that_kills_its_actor(
    tmp_path: Path, local_ray: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ray restarts a dead actor and re-runs its work without end; the engine stops after
    `ray_max_attempts` starts, records the event as failed, and the batch goes on."""
    monkeypatch.setattr(ray_engine, "ReconcileActor", DyingActor)
    write_jsonl(tmp_path / "in.jsonl", 3, marker_every=3)  # event 0 kills its actor
    dump = load_dump(tmp_path / "in.jsonl", InputOptions())
    settings = Settings(backend="fake", cache_enabled=False, ray_max_attempts=2)
    out = tmp_path / "out"
    options = BatchOptions(out_dir=out, engine="ray", concurrency=1, progress_stream=io.StringIO())
    summary = asyncio.run(run_batch(dump, settings, options))
    assert (summary.done, summary.failed) == (2, 1)
    assert len(results(out)) == 2
    (failure,) = failures(out)
    assert "given up after 2 attempts" in str(failure["reason"])
    assert "RASHOMON_RAY_MAX_ATTEMPTS" in str(failure["reason"])
    with sqlite3.connect(out / "state.sqlite3") as conn:
        rows = conn.execute("SELECT event_id, reason FROM events WHERE status='failed'").fetchall()
    assert [r[0] for r in rows] == [failure["event_id"]]
    assert "given up after 2 attempts" in rows[0][1]
