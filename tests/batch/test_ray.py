"""--engine ray in Ray's local mode (skipped when Ray is not installed)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from service.batch.inputs import InputOptions, load_dump
from service.batch.runner import BatchOptions, run_batch
from service.config import Settings

from .helpers import results, write_jsonl

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
