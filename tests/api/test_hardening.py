"""Regression tests for issue 10 ("Hardening"): each names the defect number it covers."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from pydantic import SecretStr

from service.api.app import max_body_bytes
from service.api.jobs import JobStore
from service.config import Settings
from tests.api.conftest import ARTICLES, running_app, wait_done
from tests.api.test_errors import assert_problem


def _json(payload: object) -> dict[str, object]:
    # json.dumps escapes a lone surrogate as \\ud800 (valid JSON); httpx's json= cannot send it.
    return {
        "content": json.dumps(payload).encode(),
        "headers": {"content-type": "application/json"},
    }


# ---------------------------------------------------------------- 3: lone surrogates, saving


async def test_3_lone_surrogate_in_text_is_422_at_validation(client) -> None:
    r = await client.post("/v1/accounts", **_json({"article": {"text": "Paris said \ud800 no."}}))
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"] == ["body", "article", "text"]
    assert "surrogate" in body["detail"] and "U+D800" in body["detail"]


async def test_3_lone_surrogate_in_any_article_field_is_422(client) -> None:
    bad = {**ARTICLES[1], "outlet": "AF\udfffP"}
    r = await client.post("/v1/reconciliations", **_json({"articles": [ARTICLES[0], bad]}))
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"] == ["body", "articles", 1, "outlet"]
    assert (await client.get("/metrics")).text.count("rashomon_jobs_queued 0") == 1


async def test_3_a_result_that_cannot_be_saved_fails_the_job(
    api_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: JobStore, job_id: str, result_json: str) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(JobStore, "mark_done", broken)
    async with running_app(api_settings) as client:
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        job = await wait_done(client, r.headers["location"], limit_s=20)
        assert job["status"] == "failed", job
        assert job["error"]["status"] == 500
        assert "disk is full" not in json.dumps(job["error"])  # internals stay in the log
        again = await client.post("/v1/reconciliations?wait=true", json={"articles": ARTICLES})
        assert_problem(again, 500)


# ---------------------------------------------------------------- 7: bounded client metadata


async def test_7_outlet_longer_than_200_characters_is_422(client) -> None:
    long = {**ARTICLES[1], "outlet": "A" * 201}
    r = await client.post("/v1/reconciliations", json={"articles": [ARTICLES[0], long]})
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"] == ["body", "articles", 1, "outlet"]
    r = await client.post("/v1/accounts", json={"article": {**ARTICLES[0], "outlet": "B" * 10_000}})
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "article", "outlet"]
    ok = {**ARTICLES[1], "outlet": "A" * 200}
    r = await client.post("/v1/accounts", json={"article": ok})
    assert r.status_code == 200, r.text


async def test_7_outlet_limit_is_in_the_openapi_schema(client) -> None:
    spec = (await client.get("/openapi.json")).json()
    outlet = spec["components"]["schemas"]["ArticleRequest"]["properties"]["outlet"]
    assert {"type": "string", "maxLength": 200} in outlet["anyOf"]


# ---------------------------------------------------------------- 8: model server error text


async def test_8_key_echoed_by_the_model_server_reaches_no_body_and_no_database(
    api_settings: Settings,
) -> None:
    from tests.test_openai_backend import SECRET, SERVICE_KEY, _echoing_backend

    async with running_app(api_settings, backend=_echoing_backend(400)) as client:
        r = await client.post("/v1/reconciliations?wait=true", json={"articles": ARTICLES})
        assert_problem(r, 502)
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        job = await wait_done(client, r.headers["location"])
        assert job["status"] == "failed" and "[redacted]" in job["error"]["detail"]
        for body in (r.text, json.dumps(job)):
            assert SERVICE_KEY not in body and SECRET not in body
    stored = api_settings.jobs_db_path.read_bytes()
    for path in api_settings.jobs_db_path.parent.glob("jobs.sqlite3*"):
        stored += path.read_bytes()
    assert SERVICE_KEY.encode() not in stored and SECRET.encode() not in stored


# ---------------------------------------------------------------- 2: interrupted jobs


def _leave_job(settings: Settings, job_id: str, status: str, attempts: int) -> None:
    """Write a job row as a killed process would have left it."""
    settings.jobs_db_path.parent.mkdir(parents=True, exist_ok=True)
    JobStore(settings.jobs_db_path).close()  # creates the schema
    with sqlite3.connect(settings.jobs_db_path) as db:
        db.execute(
            "INSERT INTO jobs (id, status, created_at, n_articles, articles, attempts) "
            "VALUES (?,?,?,?,?,?)",
            (job_id, status, "2024-01-01T00:00:00+00:00", 2, json.dumps(ARTICLES), attempts),
        )


async def test_2_a_job_interrupted_max_attempts_times_is_failed_not_rerun(
    api_settings: Settings,
) -> None:
    from service.llm.fake import FakeBackend
    from service.llm.fake_responder import fake_responder

    _leave_job(api_settings, "stalls-the-server", "running", attempts=2)
    _leave_job(api_settings, "killed-once", "running", attempts=1)
    _leave_job(api_settings, "killed-twice-then-requeued", "queued", attempts=2)
    backend = FakeBackend(responder=fake_responder)
    async with running_app(api_settings, backend=backend) as client:
        for job_id in ("stalls-the-server", "killed-twice-then-requeued"):
            job = (await client.get(f"/v1/reconciliations/{job_id}")).json()
            assert job["status"] == "failed", job
            assert job["error"]["type"].endswith("job-interrupted")
            assert job["error"]["setting"] == "RASHOMON_MAX_JOB_ATTEMPTS"
            assert job["error"]["limit_value"] == 2
        assert (await wait_done(client, "/v1/reconciliations/killed-once"))["status"] == "done"
        calls = len(backend.requests)
    # The limit is a setting.
    _leave_job(api_settings, "patient", "running", attempts=2)
    settings = api_settings.model_copy(update={"max_job_attempts": 3})
    async with running_app(settings, backend=FakeBackend(responder=fake_responder)) as client:
        assert (await wait_done(client, "/v1/reconciliations/patient"))["status"] == "done"
    assert calls > 0


async def test_2_recovered_jobs_wait_until_the_server_is_serving(api_settings: Settings) -> None:
    from service.api.app import mark_serving

    _leave_job(api_settings, "left-queued", "queued", attempts=0)
    async with running_app(api_settings, resume_when_serving=True) as client:
        await asyncio.sleep(0.1)
        job = (await client.get("/v1/reconciliations/left-queued")).json()
        assert job["status"] == "queued" and job["started_at"] is None
        mark_serving(client.app)  # type: ignore[attr-defined]
        assert (await wait_done(client, "/v1/reconciliations/left-queued"))["status"] == "done"


async def test_2_rashomon_serve_resumes_jobs_only_after_the_port_is_open(
    api_settings: Settings,
) -> None:
    import uvicorn

    from service.api.app import create_app
    from service.api.cli import serving_server
    from service.llm.base import CompletionRequest, RawCompletion
    from service.llm.factory import build_llm
    from service.llm.fake import FakeBackend
    from service.llm.fake_responder import fake_responder

    server_started: list[bool] = []

    class Recording(FakeBackend):
        async def complete(self, request: CompletionRequest) -> RawCompletion:
            server_started.append(server.started)
            return await super().complete(request)

    _leave_job(api_settings, "left-running", "running", attempts=1)
    llm = build_llm(api_settings, Recording(responder=fake_responder))
    app = create_app(api_settings, llm=llm, resume_when_serving=True)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = serving_server(app, config)
    task = asyncio.create_task(server.serve())
    store = JobStore(api_settings.jobs_db_path)
    try:
        for _ in range(1000):
            row = store.get("left-running")
            if row is not None and row.status == "done":
                break
            await asyncio.sleep(0.02)
        assert server_started and all(server_started), server_started
    finally:
        store.close()
        server.should_exit = True
        await task


# ---------------------------------------------------------------- 4: key first, bounded body


class CountingBody:
    """A streamed (chunked, no Content-Length) request body that counts what was read."""

    def __init__(self, chunks: int, size: int = 64 * 1024) -> None:
        self.chunks, self.size, self.read = chunks, size, 0

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for _ in range(self.chunks):
            self.read += 1
            yield b" " * self.size


async def test_4_the_key_is_checked_before_the_body_is_read(api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"service_api_key": SecretStr("k-123")})
    async with running_app(settings) as client:
        body = CountingBody(chunks=50)
        r = await client.post(
            "/v1/reconciliations", content=body, headers={"content-type": "application/json"}
        )
        assert_problem(r, 401)
        assert body.read == 0
        r = await client.post(
            "/v1/accounts",
            json={"article": ARTICLES[0]},
            headers={"Authorization": "Bearer wrong"},
        )
        assert_problem(r, 401)
        r = await client.post(
            "/v1/accounts", json={"article": ARTICLES[0]}, headers={"Authorization": "Bearer k-123"}
        )
        assert r.status_code == 200, r.text
        assert (await client.get("/healthz")).status_code == 200  # still public


async def test_4_a_chunked_body_over_the_limit_is_413_and_not_buffered(
    api_settings: Settings,
) -> None:
    settings = api_settings.model_copy(update={"max_article_bytes": 1000, "max_articles": 1})
    async with running_app(settings) as client:
        limit = max_body_bytes(settings)  # 1000 x 1 x 10 x 2 + 64 KiB
        body = CountingBody(chunks=200, size=16 * 1024)  # 3.2 MB, no Content-Length
        r = await client.post(
            "/v1/reconciliations", content=body, headers={"content-type": "application/json"}
        )
        problem = assert_problem(r, 413)
        assert problem["limit"] == "request_bytes" and problem["limit_value"] == limit
        assert body.read * 16 * 1024 <= limit + 16 * 1024  # stopped at the limit
        # Under the limit, a chunked body is read whole and parsed as usual.
        payload = json.dumps({"article": ARTICLES[0]}).encode()

        async def chunked():  # type: ignore[no-untyped-def]
            for i in range(0, len(payload), 50):
                yield payload[i : i + 50]

        r = await client.post(
            "/v1/accounts", content=chunked(), headers={"content-type": "application/json"}
        )
        assert r.status_code == 200, r.text


# ---------------------------------------------------------------- 9: smaller items


async def test_9_invalid_utf8_is_422(client) -> None:
    r = await client.post(
        "/v1/accounts",
        content=b'{"article": {"text": "Paris \xff\xfe said no."}}',
        headers={"content-type": "application/json"},
    )
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"] == ["body"]
    assert "UTF-8" in body["detail"] and "0xff" in body["detail"]


async def test_9_openapi_lists_400_401_413_and_declares_bearer_only_with_a_key(
    api_settings: Settings,
) -> None:
    protected = ("/v1/reconciliations", "/v1/reconciliations/{job_id}", "/v1/accounts", "/metrics")
    async with running_app(api_settings) as client:  # no key configured
        spec = (await client.get("/openapi.json")).json()
        assert "securitySchemes" not in spec.get("components", {})
        for path in protected:
            for op in spec["paths"][path].values():
                assert "security" not in op and "401" not in op["responses"], path
        for path in ("/v1/reconciliations", "/v1/accounts"):
            assert {"400", "413", "422"} <= set(spec["paths"][path]["post"]["responses"])
        # 400 is real: JSON nested too deeply for the parser
        r = await client.post(
            "/v1/accounts",
            content=b"[" * 100_000 + b"]" * 100_000,
            headers={"content-type": "application/json"},
        )
        assert_problem(r, 400)
    keyed = api_settings.model_copy(update={"service_api_key": SecretStr("k-123")})
    async with running_app(keyed) as client:
        spec = (await client.get("/openapi.json", headers={"Authorization": "Bearer k-123"})).json()
        assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
        for path in protected:
            for op in spec["paths"][path].values():
                assert op["security"] == [{"HTTPBearer": []}], path
                assert "401" in op["responses"], path
        for path in ("/healthz", "/readyz"):
            assert "401" not in spec["paths"][path]["get"]["responses"]


async def test_9_static_index_html_gets_the_viewer_csp(client) -> None:
    page = await client.get("/")
    for path in ("/static/index.html", "/static/viewer.js", "/static/result.css"):
        r = await client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-security-policy"] == page.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"


def _finished_job(db: sqlite3.Connection, job_id: str, status: str, days_ago: float) -> None:
    from datetime import UTC, datetime, timedelta

    when = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    db.execute(
        "INSERT INTO jobs (id, status, created_at, finished_at, n_articles, articles, result) "
        "VALUES (?,?,?,?,?,?,?)",
        (job_id, status, when, when if status in ("done", "failed") else None, 2, "[]", "x" * 1000),
    )


def test_9_finished_jobs_are_pruned_by_age_and_count(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = JobStore(tmp_path / "jobs.sqlite3")
    with sqlite3.connect(tmp_path / "jobs.sqlite3") as db:
        for i in range(5):
            _finished_job(db, f"old-{i}", "done", days_ago=40 + i)
        for i in range(3):
            _finished_job(db, f"new-{i}", "failed" if i else "done", days_ago=1 - i * 0.1)
        _finished_job(db, "waiting", "queued", days_ago=60)
    assert store.prune(keep_days=30, keep_max=2) == 6
    assert [store.get(j) is not None for j in ("new-0", "new-1", "new-2", "waiting")] == [
        False,
        True,
        True,
        True,
    ]
    assert store.prune(keep_days=0, keep_max=0) == 0  # 0 disables both bounds
    store.close()


async def test_9_the_service_prunes_its_jobs_database(api_settings: Settings) -> None:
    JobStore(api_settings.jobs_db_path).close()
    with sqlite3.connect(api_settings.jobs_db_path) as db:
        for i in range(30):
            _finished_job(db, f"job-{i}", "done", days_ago=0)
    settings = api_settings.model_copy(update={"jobs_keep_max": 10})
    async with running_app(settings) as client:
        assert (await client.get("/v1/reconciliations/job-29")).status_code == 200
        assert (await client.get("/v1/reconciliations/job-0")).status_code == 404
        store: JobStore = client.app.state.rashomon.store  # type: ignore[attr-defined]
        assert store.count("done") == 10


# ---------------------------------------------------------------- limits: per-request time budget


async def test_limits_request_time_budget_stops_a_job_and_an_account_call(
    api_settings: Settings,
) -> None:
    from tests.api.conftest import GatedBackend

    # The parsers and word lists load once per process (1-2 s): one run first, outside the
    # 0.3 s budget, which the test run alone would otherwise spend on loading (a warm run
    # takes about 0.2 s here).
    warm = GatedBackend()
    warm.gate.set()
    async with running_app(api_settings, backend=warm) as client:
        r = await client.post("/v1/reconciliations?wait=true", json={"articles": ARTICLES})
        assert r.status_code == 200, r.text
    settings = api_settings.model_copy(update={"request_time_budget_s": 0.3})
    backend = GatedBackend()  # never answers
    async with running_app(settings, backend=backend) as client:
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        job = await wait_done(client, r.headers["location"], limit_s=10)
        assert job["status"] == "failed"
        assert job["error"]["status"] == 504 and job["error"]["type"].endswith("time-budget")
        assert job["error"]["setting"] == "RASHOMON_REQUEST_TIME_BUDGET_S"
        assert job["error"]["limit_value"] == 0.3
        # The slot was given back: the next request runs once the model answers.
        backend.gate.set()
        r = await client.post("/v1/reconciliations?wait=true", json={"articles": ARTICLES})
        assert r.status_code == 200, r.text
        spec = (await client.get("/openapi.json")).json()
        assert "504" in spec["paths"]["/v1/accounts"]["post"]["responses"]


def test_2_rashomon_serve_starts_and_runs_a_left_job_after_opening_the_port(
    api_settings: Settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    _leave_job(api_settings, "left-by-a-crash", "running", attempts=1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "RASHOMON_DB_PATH": str(api_settings.jobs_db_path),
        "RASHOMON_CACHE_DIR": str(tmp_path / "cache"),
    }
    env.pop("RASHOMON_SERVICE_API_KEY", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--backend", "fake", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/v1/reconciliations/left-by-a-crash")
                status = r.json()["status"]
                if status == "done":
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert status == "done", (status, proc.poll())
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert b"Traceback" not in err, err.decode()[-2000:]


# ---------------------------------------------------------------- limits: sentences (6)


async def test_limits_an_article_of_3000_short_sentences_is_413_before_any_model_call(
    api_settings: Settings,
) -> None:
    from service.llm.fake import FakeBackend
    from service.llm.fake_responder import fake_responder

    backend = FakeBackend(responder=fake_responder)
    async with running_app(api_settings, backend=backend) as client:
        long = {"text": "The minister spoke. " * 3000}
        r = await client.post("/v1/accounts", json={"article": long})
        body = assert_problem(r, 413)
        assert body["limit"] == "max_sentences_per_article" and body["limit_value"] == 500
        assert body["setting"] == "RASHOMON_MAX_SENTENCES_PER_ARTICLE"
        assert body["field"] == "body.article.text" and body["actual"] >= 2900
        r = await client.post("/v1/reconciliations", json={"articles": [ARTICLES[0], long]})
        assert assert_problem(r, 413)["field"] == "body.articles[1].text"
        assert backend.calls == 0
    settings = api_settings.model_copy(update={"max_sentences_per_request": 4})
    async with running_app(settings) as client:
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        body = assert_problem(r, 413)
        assert body["limit"] == "max_sentences_per_request" and body["actual"] > 4


# ---------------------------------------------------------------- 9: read timeout, connections


async def test_9_a_body_that_trickles_in_gets_408(api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"body_read_timeout_s": 0.2})

    async def slow():  # type: ignore[no-untyped-def]
        yield b'{"article": '
        await asyncio.sleep(2)
        yield b"{}}"

    async with running_app(settings) as client:
        r = await client.post(
            "/v1/accounts", content=slow(), headers={"content-type": "application/json"}
        )
        body = assert_problem(r, 408)
        assert body["setting"] == "RASHOMON_BODY_READ_TIMEOUT_S"


def test_9_serve_limits_connections_and_idle_keepalive(monkeypatch: pytest.MonkeyPatch) -> None:
    import service.api.cli as serve_cli
    from service.cli import build_parser

    seen = {}

    class NoServer:
        started = True

        def run(self) -> None:
            pass

    def capture(app, config):  # type: ignore[no-untyped-def]
        seen["config"] = config
        return NoServer()

    monkeypatch.setattr(serve_cli, "serving_server", capture)
    monkeypatch.setenv("RASHOMON_MAX_CONNECTIONS", "17")
    args = build_parser().parse_args(["serve", "--backend", "fake", "--port", "8123"])
    assert serve_cli._run_serve(args) == 0
    assert seen["config"].limit_concurrency == 17
    assert seen["config"].timeout_keep_alive == 5
