"""POST/GET /v1/reconciliations, SSE progress, persistence and restart."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

from service.config import Settings
from service.errors import BackendUnavailableError
from service.schemas import Reconciliation
from tests.api.conftest import (
    ARTICLES,
    FailingBackend,
    GatedBackend,
    parse_sse,
    running_app,
    wait_done,
)

REPO = Path(__file__).resolve().parents[2]


async def test_async_job_202_location_and_poll(client) -> None:
    r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
    assert r.status_code == 202, r.text
    location = r.headers["location"]
    assert location == f"/v1/reconciliations/{r.json()['id']}"
    assert r.json()["status"] == "queued"
    assert r.json()["links"]["events"] == location + "/events"
    job = await wait_done(client, location)
    assert job["status"] == "done", job
    rec = Reconciliation.model_validate(job["result"])
    assert [s.outlet for s in rec.sources] == ["Outlet A", "Outlet B"]
    assert job["error"] is None and job["finished_at"]


async def test_sync_when_small_and_wait_flags(api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"sync_max_articles": 2})
    async with running_app(settings) as client:
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        assert r.status_code == 200, r.text
        Reconciliation.model_validate(r.json())
        assert r.headers["location"].startswith("/v1/reconciliations/")
        r = await client.post("/v1/reconciliations?wait=false", json={"articles": ARTICLES})
        assert r.status_code == 202
    async with running_app(api_settings) as client:  # sync_max_articles=0: async by default
        r = await client.post("/v1/reconciliations?wait=true", json={"articles": ARTICLES})
        assert r.status_code == 200
        assert Reconciliation.model_validate(r.json()).summary.sentences


async def test_seed_articles_reconcile(client) -> None:
    seeds = [
        {"text": p.read_text(encoding="utf-8"), "outlet": f"Seed {i}"}
        for i, p in enumerate(sorted((REPO / "seeds" / "articles").glob("*.txt")))
    ]
    r = await client.post("/v1/reconciliations?wait=true", json={"articles": seeds})
    assert r.status_code == 200, r.text
    rec = Reconciliation.model_validate(r.json())
    assert len(rec.sources) == 2


async def test_html_article_is_reduced_to_text(client) -> None:
    html = (
        "<html><head><title>Talks</title></head><body><nav>Home | World</nav><article>"
        "<p>The ministry said the talks would resume on Monday in Geneva.</p>"
        "<p>Officials from both sides are expected to attend the meeting.</p>"
        "</article></body></html>"
    )
    r = await client.post(
        "/v1/reconciliations?wait=true",
        json={"articles": [{"text": html, "outlet": "X"}, ARTICLES[1]]},
    )
    assert r.status_code == 200, r.text
    text = r.json()["sources"][0]["text"]
    assert "<p>" not in text and "resume on Monday" in text


async def test_sse_streams_progress_then_done(api_settings: Settings) -> None:
    backend = GatedBackend()
    async with running_app(api_settings, backend=backend) as client:
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        events_url = r.headers["location"] + "/events"
        # The ASGI transport returns the stream once it ends: subscribe, then let the job run.
        stream = asyncio.create_task(client.get(events_url))
        live = client.app.state.rashomon.jobs._live[r.json()["id"]]  # type: ignore[attr-defined]
        for _ in range(1000):  # wait until subscribed (a fixed sleep flakes on a busy machine)
            if live.subscribers:
                break
            await asyncio.sleep(0.01)
        backend.gate.set()
        r = await stream
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(r.text)
        names = [n for n, _ in events]
        assert names[0] == "status"
        assert names[-1] == "done"
        progress = [d for n, d in events if n == "progress"]
        assert progress, names
        assert set(progress[0]) >= {"step", "source_id", "done", "total", "percent"}
        assert {p["step"] for p in progress} >= {"accounts", "summary"}
        assert events[-1][1]["result_url"] == r.request.url.path.removesuffix("/events")
        # A finished job's stream is its status and the final event.
        again = parse_sse((await client.get(events_url)).text)
        assert [n for n, _ in again] == ["status", "done"]


async def test_failed_job_reports_problem(api_settings: Settings) -> None:
    backend = FailingBackend(BackendUnavailableError("connection refused", backend="fake"))
    async with running_app(api_settings, backend=backend) as client:
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        job = await wait_done(client, r.headers["location"])
        assert job["status"] == "failed"
        assert job["error"]["status"] == 503
        assert job["error"]["backend"] == "fake"
        assert "connection refused" in job["error"]["detail"]
        events = parse_sse((await client.get(r.headers["location"] + "/events")).text)
        assert events[-1][0] == "failed" and events[-1][1]["error"]["status"] == 503
        # The synchronous form answers with the problem itself.
        r = await client.post("/v1/reconciliations?wait=true", json={"articles": ARTICLES})
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["backend"] == "fake"


async def test_unknown_job_404(client) -> None:
    for path in ("/v1/reconciliations/nope", "/v1/reconciliations/nope/events"):
        r = await client.get(path)
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"].endswith("job-not-found")


async def test_bounded_concurrency_and_queue_limit(api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"max_concurrent_jobs": 1})
    backend = GatedBackend()
    async with running_app(settings, backend=backend, queue_limit=2) as client:
        first = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        await backend.running()
        assert (await client.get(first.headers["location"])).json()["status"] == "running"
        queued = [
            await client.post("/v1/reconciliations", json={"articles": ARTICLES}) for _ in range(2)
        ]
        assert all(q.status_code == 202 for q in queued)
        assert (await client.get(queued[0].headers["location"])).json()["status"] == "queued"
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        assert r.status_code == 429
        body = r.json()
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["retry-after"]
        assert body["limit"] == "max_queued_jobs" and body["limit_value"] == 2
        assert "RASHOMON_" in body["setting"]
        metrics = (await client.get("/metrics")).text
        assert "rashomon_jobs_queued 2.0" in metrics
        assert "rashomon_jobs_running 1.0" in metrics
        backend.gate.set()
        for job in (first, *queued):
            assert (await wait_done(client, job.headers["location"]))["status"] == "done"


async def test_restart_resumes_queued_and_running_jobs(api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"max_concurrent_jobs": 1})
    gated = GatedBackend()
    async with running_app(settings, backend=gated) as client:
        ids = []
        for _ in range(2):  # one running (blocked), one queued
            r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
            ids.append(r.json()["id"])
        await gated.running()
        assert (await client.get(f"/v1/reconciliations/{ids[0]}")).json()["status"] == "running"
    # The process "dies" with a job marked running: simulate a kill by writing the row back.
    with sqlite3.connect(settings.jobs_db_path) as db:
        db.execute("UPDATE jobs SET status='running' WHERE id=?", (ids[0],))
        db.execute(
            "INSERT INTO jobs (id, status, created_at, n_articles, articles) VALUES (?,?,?,?,?)",
            ("inserted-row", "queued", "2024-01-01T00:00:00+00:00", 2, json.dumps(ARTICLES)),
        )
    async with running_app(settings) as client:
        for job_id in (*ids, "inserted-row"):
            job = await wait_done(client, f"/v1/reconciliations/{job_id}")
            assert job["status"] == "done", job
            Reconciliation.model_validate(job["result"])
    async with running_app(settings) as client:  # finished results survive a restart
        job = (await client.get(f"/v1/reconciliations/{ids[1]}")).json()
        assert job["status"] == "done" and job["result"]["sources"]
