"""Issue 19.5 and 19.6: a stopping server answers waiting clients and event streams as
documented, and a graceful stop is not counted as a job attempt."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from service.api.jobs import JobStore
from service.config import Settings
from tests.api.conftest import ARTICLES, GatedBackend, parse_sse, running_app, wait_done


async def test_6_graceful_restarts_are_not_job_attempts(api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"max_job_attempts": 2})
    async with running_app(settings, backend=GatedBackend()) as client:
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        job_id = r.json()["id"]
        await client.app.state.rashomon.llm.backend.running()  # type: ignore[attr-defined]
    for _ in range(3):  # three deploys while the job runs: each stops it gracefully
        backend = GatedBackend()
        async with running_app(settings, backend=backend) as client:
            await backend.running()
            job = (await client.get(f"/v1/reconciliations/{job_id}")).json()
            assert job["status"] == "running", job
    store = JobStore(settings.jobs_db_path)
    try:
        row = store.get(job_id)
        assert row is not None and row.status == "queued" and row.attempts == 0, row
    finally:
        store.close()
    backend = GatedBackend()
    backend.gate.set()
    async with running_app(settings, backend=backend) as client:
        assert (await wait_done(client, f"/v1/reconciliations/{job_id}"))["status"] == "done"


async def test_6_an_unclean_end_still_counts(api_settings: Settings) -> None:
    """A process killed mid-run leaves the job running with its attempt counted."""
    async with running_app(api_settings, backend=GatedBackend()) as client:
        job_id = (await client.post("/v1/reconciliations", json={"articles": ARTICLES})).json()[
            "id"
        ]
        await client.app.state.rashomon.llm.backend.running()  # type: ignore[attr-defined]
        # What kill -9 leaves: the row as it is now (no requeue, no attempt taken back).
        with sqlite3.connect(api_settings.jobs_db_path) as db:
            status, attempts = db.execute(
                "SELECT status, attempts FROM jobs WHERE id=?", (job_id,)
            ).fetchone()
    assert (status, attempts) == ("running", 1)


async def test_5_drain_answers_waiters_503_and_streams_shutdown(api_settings: Settings) -> None:
    backend = GatedBackend()
    async with running_app(api_settings, backend=backend) as client:
        waiter = asyncio.create_task(
            client.post("/v1/reconciliations?wait=true", json={"articles": ARTICLES})
        )
        await backend.running()
        jobs = client.app.state.rashomon.jobs  # type: ignore[attr-defined]
        job_id = next(iter(jobs._running))

        async def stream() -> str:
            r = await client.get(f"/v1/reconciliations/{job_id}/events")
            return r.text

        events = asyncio.create_task(stream())
        await asyncio.sleep(0.2)
        from service.api.app import begin_shutdown

        begin_shutdown(client.app)  # type: ignore[attr-defined]
        r = await asyncio.wait_for(waiter, 5)
        assert r.status_code == 503, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["retry-after"] and r.headers["location"].endswith(job_id)
        assert r.json()["type"].endswith("shutting-down")
        names = [name for name, _ in parse_sse(await asyncio.wait_for(events, 5))]
        assert names[0] == "status" and names[-1] == "shutdown", names


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_5_sigterm_with_a_waiting_client_and_a_stream(
    api_settings: Settings, tmp_path: Path
) -> None:
    """`rashomon serve` under SIGTERM while a job runs (each model call takes 60 s): the
    `?wait=true` client gets a problem+json 503 with Retry-After, the event stream its
    `shutdown` event, the process ends within the grace period, the log has no traceback, and
    the job is queued again without an attempt counted."""
    port = _free_port()
    env = {
        **os.environ,
        "RASHOMON_DB_PATH": str(api_settings.jobs_db_path),
        "RASHOMON_CACHE_DIR": str(tmp_path / "cache"),
        "RASHOMON_SHUTDOWN_GRACE_S": "3",
    }
    env.pop("RASHOMON_SERVICE_API_KEY", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--backend",
            "fake",
            "--fake-latency",
            "60",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        job_id = httpx.post(f"{base}/v1/reconciliations", json={"articles": ARTICLES}).json()["id"]

        def wait() -> None:
            results["wait"] = httpx.post(
                f"{base}/v1/reconciliations?wait=true", json={"articles": ARTICLES}, timeout=30
            )

        def stream() -> None:
            with httpx.stream("GET", f"{base}/v1/reconciliations/{job_id}/events", timeout=30) as r:
                results["events"] = "".join(r.iter_text())

        threads = [threading.Thread(target=wait), threading.Thread(target=stream)]
        for t in threads:
            t.start()
        while httpx.get(f"{base}/v1/reconciliations/{job_id}").json()["status"] != "running":
            time.sleep(0.1)
        time.sleep(0.5)
        stopped_at = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        exit_s = time.monotonic() - stopped_at
        for t in threads:
            t.join(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate(timeout=10)
    log = err.decode()
    assert "Traceback" not in log and "CancelledError" not in log, log[-3000:]
    assert exit_s < 3 + 3, exit_s
    r = results["wait"]
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert int(r.headers["retry-after"]) > 0
    names = [name for name, _ in parse_sse(results["events"])]
    assert names[-1] == "shutdown", names
    with sqlite3.connect(api_settings.jobs_db_path) as db:
        rows = db.execute("SELECT status, attempts FROM jobs").fetchall()
    assert rows and all(row == ("queued", 0) for row in rows), rows
    assert json.loads(r.text)["status"] == 503


async def test_5_an_account_call_still_waiting_when_the_server_stops_gets_503(
    api_settings: Settings,
) -> None:
    from service.api.app import begin_shutdown

    settings = api_settings.model_copy(update={"max_concurrent_jobs": 1})
    backend = GatedBackend()
    async with running_app(settings, backend=backend) as client:
        await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        await backend.running()  # the one slot is taken
        call = asyncio.create_task(client.post("/v1/accounts", json={"article": ARTICLES[0]}))
        await asyncio.sleep(0.3)
        assert not call.done()
        begin_shutdown(client.app)  # type: ignore[attr-defined]
        r = await asyncio.wait_for(call, 5)
        assert r.status_code == 503, r.text
        assert r.json()["type"].endswith("shutting-down") and r.headers["retry-after"]


_SPINNING_SERVER = """
import sys, time
import service.api.jobs as jobs

async def spin(*args, **kwargs):  # a CPU-bound pipeline with no checkpoint, for 60 s
    end = time.monotonic() + 60
    while time.monotonic() < end:
        sum(i * i for i in range(200))
    raise SystemExit("spun to the end")

jobs.reconcile_sources = spin
from service.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_1_sigterm_stops_a_server_whose_job_computes(
    api_settings: Settings, tmp_path: Path
) -> None:
    """Issue 19.1: SIGTERM while a job computes (no checkpoint in its loop) ends the process
    within seconds, not when the computation ends."""
    port = _free_port()
    env = {
        **os.environ,
        "RASHOMON_DB_PATH": str(api_settings.jobs_db_path),
        "RASHOMON_CACHE_DIR": str(tmp_path / "cache"),
    }
    env.pop("RASHOMON_SERVICE_API_KEY", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", _SPINNING_SERVER, "serve", "--backend", "fake", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        r = httpx.post(f"{base}/v1/reconciliations", json={"articles": ARTICLES}, timeout=10)
        assert r.status_code == 202, r.text
        time.sleep(1.5)  # the job is spinning now
        stopped_at = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
        exit_s = time.monotonic() - stopped_at
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate(timeout=10)
    assert exit_s < 8, f"SIGTERM took {exit_s:.1f} s"
    assert b"spun to the end" not in err
    assert b"Traceback" not in err, err.decode()[-2000:]
