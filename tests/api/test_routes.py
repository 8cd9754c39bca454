"""Health, accounts, metrics, auth, OpenAPI, the viewer page and the CLI registration."""

from __future__ import annotations

from pydantic import SecretStr

from service.cli import build_parser
from service.config import Settings
from service.schemas import Source, SourceAccount
from tests.api.conftest import ARTICLES, running_app, wait_done


async def test_health(client) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    r = await client.get("/readyz")
    assert r.status_code == 200 and r.json()["backend"] == "fake"


async def test_account(client) -> None:
    r = await client.post("/v1/accounts", json={"article": ARTICLES[1]})
    assert r.status_code == 200, r.text
    body = r.json()
    source = Source.model_validate(body["source"])
    account = SourceAccount.model_validate(body["account"])
    assert account.outlet == "Outlet B"
    assert isinstance(body["warnings"], list)
    for q in account.quotes:
        assert source.text[q.start : q.end] == q.text
    for c in account.claims:
        for span in c.evidence:
            assert source.text[span.start : span.end] == span.text


async def test_metrics_exposition(client) -> None:
    r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
    await wait_done(client, r.headers["location"])
    r = await client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=")
    text = r.text
    samples = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    assert (
        samples[
            'rashomon_http_requests_total{method="POST",route="/v1/reconciliations",status="202"}'
        ]
        == 1
    )
    assert 'route="/v1/reconciliations/{job_id}"' in text  # templated, not the raw id
    assert "# TYPE rashomon_http_request_duration_seconds histogram" in text
    assert (
        'rashomon_http_request_duration_seconds_bucket{le="+Inf",route="/v1/reconciliations"}'
        in text
    )
    tokens = [line for line in text.splitlines() if line.startswith("rashomon_llm_tokens_total{")]
    assert tokens and any(float(line.rsplit(" ", 1)[1]) > 0 for line in tokens)
    assert samples['rashomon_jobs_finished_total{status="done"}'] == 1
    assert samples["rashomon_jobs_queued"] == 0
    assert samples["rashomon_http_inflight_body_bytes"] == 0  # every body answered
    # OpenMetrics for a scraper that asks for it.
    om = await client.get("/metrics", headers={"accept": "application/openmetrics-text"})
    assert om.headers["content-type"].startswith("application/openmetrics-text")
    assert om.text.rstrip().endswith("# EOF")
    for line in text.splitlines():  # every sample line is `name{labels} value`
        if line and not line.startswith("#"):
            float(line.rsplit(" ", 1)[1].replace("+Inf", "inf"))


async def test_auth_on(api_settings: Settings) -> None:
    key = "s3cret-key-value"
    settings = api_settings.model_copy(update={"service_api_key": SecretStr(key)})
    async with running_app(settings) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/readyz")).status_code == 200
        for method, path, body in [
            ("POST", "/v1/reconciliations", {"articles": ARTICLES}),
            ("POST", "/v1/accounts", {"article": ARTICLES[0]}),
            ("GET", "/v1/reconciliations/x", None),
            ("GET", "/v1/reconciliations/x/events", None),
            ("GET", "/metrics", None),
        ]:
            r = await client.request(method, path, json=body)
            assert r.status_code == 401, (path, r.text)
            assert r.headers["content-type"] == "application/problem+json"
            assert r.headers["www-authenticate"].startswith("Bearer")
            r = await client.request(
                method, path, json=body, headers={"Authorization": "Bearer wrong"}
            )
            assert r.status_code == 401
            assert key not in r.text and "wrong" not in r.text
        good = {"Authorization": f"Bearer {key}"}
        r = await client.post(
            "/v1/reconciliations?wait=true", json={"articles": ARTICLES}, headers=good
        )
        assert r.status_code == 200
        assert (await client.get("/metrics", headers=good)).status_code == 200
        assert (await client.get("/")).status_code == 200  # static shell, no data


async def test_auth_off_by_default(client) -> None:
    assert (await client.get("/metrics")).status_code == 200


async def test_openapi_and_docs(client) -> None:
    spec = (await client.get("/openapi.json")).json()
    paths = spec["paths"]
    for path in (
        "/v1/reconciliations",
        "/v1/reconciliations/{job_id}",
        "/v1/reconciliations/{job_id}/events",
        "/v1/accounts",
        "/healthz",
        "/readyz",
        "/metrics",
    ):
        assert path in paths, path
    post = paths["/v1/reconciliations"]["post"]
    examples = post["requestBody"]["content"]["application/json"]["examples"]
    assert "Shoigu" in examples["seeds"]["value"]["articles"][0]["text"]
    assert {"200", "202", "413", "422", "429", "502", "503"} <= set(post["responses"])
    assert "Reconciliation" in spec["components"]["schemas"]
    assert "ArticleRequest" in spec["components"]["schemas"]
    assert (await client.get("/docs")).status_code == 200


async def test_viewer_page(client) -> None:
    r = await client.get("/")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "/static/viewer.js" in r.text
    js = await client.get("/static/viewer.js")
    assert js.status_code == 200 and "innerHTML" not in js.text
    # the result's styles are shared with reconciliation.html, linked after the viewer's own
    assert r.text.index("/static/viewer.css") < r.text.index("/static/result.css")
    css = await client.get("/static/result.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert ".badge.lead" in css.text and "#input-panel" not in css.text


def test_serve_subcommand_registered() -> None:
    args = build_parser().parse_args(["serve", "--port", "8123", "--backend", "fake"])
    assert args.port == 8123 and args.host == "127.0.0.1"
    assert args.func.__name__ == "_run_serve"
