"""The HTTP doors read each article once, off the event loop: the request check prepares the
sources and the pipeline runs on them (`reconcile_sources`, `account`)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from service.config import Settings
from service.pipeline import sources
from service.schemas import ArticleIn, Reconciliation
from tests.api.conftest import ARTICLES, running_app, wait_done


@pytest.fixture
def cleaned(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """(outlet, ran on an event loop) of every article ingested."""
    calls: list[tuple[str, bool]] = []
    real = sources.clean_article

    def counting(article: ArticleIn, **kwargs: Any) -> ArticleIn:
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        calls.append((article.outlet or "", on_loop))
        return real(article, **kwargs)

    monkeypatch.setattr(sources, "clean_article", counting)
    return calls


async def test_a_reconciliation_ingests_each_article_once_in_a_worker_thread(
    api_settings: Settings, cleaned: list[tuple[str, bool]]
) -> None:
    async with running_app(api_settings) as client:
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        assert r.status_code == 202, r.text
        job = await wait_done(client, r.headers["location"])
    assert job["status"] == "done", job
    assert [s.outlet for s in Reconciliation.model_validate(job["result"]).sources] == [
        "Outlet A",
        "Outlet B",
    ]
    assert cleaned == [("Outlet A", False), ("Outlet B", False)]


async def test_an_account_ingests_its_article_once_in_a_worker_thread(
    api_settings: Settings, cleaned: list[tuple[str, bool]]
) -> None:
    async with running_app(api_settings) as client:
        r = await client.post("/v1/accounts", json={"article": ARTICLES[0]})
        assert r.status_code == 200, r.text
    assert r.json()["source"]["outlet"] == "Outlet A" and r.json()["account"]["claims"]
    assert cleaned == [("Outlet A", False)]


async def test_a_duplicate_is_dropped_once_and_the_limits_count_every_article_sent(
    api_settings: Settings,
) -> None:
    # Behaviour kept from the per-article check: the request total counts the duplicate too.
    twice = [ARTICLES[0], {**ARTICLES[0], "outlet": "Copy"}]
    async with running_app(api_settings) as client:
        r = await client.post("/v1/reconciliations?wait=true", json={"articles": twice})
        assert r.status_code == 200, r.text
        rec = Reconciliation.model_validate(r.json())
        assert [s.outlet for s in rec.sources] == ["Outlet A"]
        assert sum("duplicates" in w.message for w in rec.warnings) == 1
    n = r.json()["sources"][0]["sentences"]
    settings = api_settings.model_copy(update={"max_sentences_per_request": len(n) + 1})
    async with running_app(settings) as client:
        r = await client.post("/v1/reconciliations", json={"articles": twice})
        assert r.status_code == 413, r.text
        assert r.json()["actual"] == 2 * len(n)
