"""Every error class answers with an RFC 9457 problem body (never a bare 500)."""

from __future__ import annotations

import pytest

from service.config import Settings
from service.errors import BackendError, BackendUnavailableError
from tests.api.conftest import ARTICLES, FailingBackend, running_app

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].startswith("urn:rashomon:problem:")
    assert "Traceback" not in r.text
    return body


async def test_malformed_json_422(client) -> None:
    r = await client.post(
        "/v1/reconciliations",
        content=b'{"articles": [',
        headers={"content-type": "application/json"},
    )
    body = assert_problem(r, 422)
    assert body["errors"][0]["type"] == "json_invalid"


async def test_unknown_field_422_with_path(client) -> None:
    r = await client.post(
        "/v1/reconciliations", json={"articles": [{**ARTICLES[0], "bogus": 1}, ARTICLES[1]]}
    )
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"] == ["body", "articles", 0, "bogus"]
    assert "body.articles[0].bogus" in body["detail"]
    r = await client.post("/v1/reconciliations", json={"articles": ARTICLES, "extra": True})
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "extra"]


@pytest.mark.parametrize("payload", [{"articles": []}, {}, {"articles": [{"outlet": "x"}]}])
async def test_missing_or_empty_articles_422(client, payload) -> None:
    assert_problem(await client.post("/v1/reconciliations", json=payload), 422)


async def test_empty_article_text_422_with_path(client) -> None:
    r = await client.post(
        "/v1/reconciliations", json={"articles": [ARTICLES[0], {"text": "   \n"}]}
    )
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"] == ["body", "articles", 1, "text"]
    r = await client.post("/v1/accounts", json={"article": {"text": ""}})
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "article", "text"]


async def test_unusable_html_422(client) -> None:
    r = await client.post(
        "/v1/reconciliations",
        json={
            "articles": [
                ARTICLES[0],
                {"text": "<html><body><script>var x = 1;</script></body></html>"},
            ]
        },
    )
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"] == ["body", "articles", 1, "text"]


async def test_too_many_articles_413(api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"max_articles": 2})
    async with running_app(settings) as client:
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES * 2})
        body = assert_problem(r, 413)
        assert body["limit"] == "max_articles" and body["limit_value"] == 2
        assert body["setting"] == "RASHOMON_MAX_ARTICLES" and body["actual"] == 4


async def test_article_too_large_413(api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"max_article_bytes": 1000})
    async with running_app(settings) as client:
        big = {"text": "The minister spoke. " * 100}
        r = await client.post("/v1/reconciliations", json={"articles": [ARTICLES[0], big]})
        body = assert_problem(r, 413)
        assert body["limit"] == "max_article_bytes"
        assert body["setting"] == "RASHOMON_MAX_ARTICLE_BYTES"
        assert body["field"] == "body.articles[1].text"
        assert_problem(await client.post("/v1/accounts", json={"article": big}), 413)


async def test_request_body_too_large_413(api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"max_article_bytes": 1000, "max_articles": 1})
    async with running_app(settings) as client:
        r = await client.post(
            "/v1/reconciliations",
            content=b"x" * 100_000,
            headers={"content-type": "application/json"},
        )
        assert assert_problem(r, 413)["limit"] == "request_bytes"


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (BackendUnavailableError("server down", backend="fake"), 503),
        (BackendError("bad gateway answer", backend="fake"), 502),
    ],
)
async def test_backend_errors_are_problems(api_settings: Settings, exc, status) -> None:
    # Accounts need no model (attribution is decided by code); a synchronous reconciliation
    # of two related articles does (alignment), so it meets the failing backend.
    async with running_app(api_settings, backend=FailingBackend(exc)) as client:
        r = await client.post("/v1/reconciliations?wait=true", json={"articles": ARTICLES})
        body = assert_problem(r, status)
        assert body["backend"] == "fake"
        metrics = (await client.get("/metrics")).text
        assert (
            f'rashomon_backend_errors_total{{backend="fake",error="{type(exc).__name__}"}} 1.0'
            in metrics
        )


async def test_unexpected_exception_is_a_problem_500(api_settings: Settings) -> None:
    backend = FailingBackend(RuntimeError("secret internal state"))
    async with running_app(api_settings, backend=backend, raise_app_exceptions=False) as client:
        r = await client.post("/v1/reconciliations?wait=true", json={"articles": ARTICLES})
        body = assert_problem(r, 500)
        assert "secret internal state" not in r.text
        assert body["type"].endswith("internal")


async def test_readyz_503_names_backend(api_settings: Settings) -> None:
    backend = FailingBackend(BackendUnavailableError("no server", backend="fake"), ready=False)
    async with running_app(api_settings, backend=backend) as client:
        body = assert_problem(await client.get("/readyz"), 503)
        assert body["backend"] == "fake"
        assert (await client.get("/healthz")).status_code == 200


async def test_404_and_405_are_problems(client) -> None:
    assert_problem(await client.get("/v1/nothing-here"), 404)
    assert_problem(await client.delete("/v1/reconciliations"), 405)


def test_problem_mapping_of_every_error_class() -> None:
    from service.api.problems import problem_for
    from service.errors import (
        ConfigError,
        InputError,
        InvalidOutputError,
        RashomonError,
        TruncatedOutputError,
    )

    cases = [
        (InputError("empty", source="article 2"), 422),
        (BackendUnavailableError("down", backend="openai"), 503),
        (TruncatedOutputError("cut", backend="openai"), 502),
        (InvalidOutputError("bad", backend="openai"), 502),
        (BackendError("x", backend="openai"), 502),
        (ConfigError("no url"), 500),
        (RashomonError("bug"), 500),
        (ValueError("hidden"), 500),
    ]
    for exc, status in cases:
        body = problem_for(exc)
        assert body["status"] == status and set(body) >= PROBLEM_KEYS
        if isinstance(exc, BackendError):
            assert body["backend"] == "openai"
    assert "hidden" not in problem_for(ValueError("hidden"))["detail"]
