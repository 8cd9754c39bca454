"""`open_llm` is the one owner of a model's lifetime: it closes what it built, on success and on
failure, and never closes a model it was given. The doors borrow their model through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.api.app import create_app
from service.config import Settings
from service.llm.factory import build_llm
from service.llm.fake import FakeBackend
from service.llm.fake_responder import fake_responder
from service.llm.lifecycle import open_llm
from service.llm.structured import StructuredLLM
from service.runner import reconcile_files
from tests.conftest import SEEDS


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    return Settings(backend="fake", cache_dir=tmp_path / "cache", db_path=tmp_path / "jobs.db")


def _given(settings: Settings) -> tuple[StructuredLLM, FakeBackend]:
    backend = FakeBackend(responder=fake_responder)
    return build_llm(settings, backend), backend


async def test_builds_from_settings_and_closes_what_it_built(fake_settings: Settings) -> None:
    async with open_llm(fake_settings) as llm:
        backend = llm.backend
        assert isinstance(backend, FakeBackend) and not backend.closed
        assert llm.reask_budget == fake_settings.reask_budget
    assert backend.closed


async def _fail_inside(settings: Settings, given: StructuredLLM | None = None) -> FakeBackend:
    """Open a model, fail inside the block; the backend that was open."""
    seen: list[FakeBackend] = []

    async def work() -> None:
        async with open_llm(settings, given) as llm:
            assert isinstance(llm.backend, FakeBackend)
            seen.append(llm.backend)
            raise RuntimeError("the work failed")

    with pytest.raises(RuntimeError, match="the work failed"):
        await work()
    return seen[0]


async def test_closes_what_it_built_when_the_work_fails(fake_settings: Settings) -> None:
    assert (await _fail_inside(fake_settings)).closed


async def test_a_given_model_is_lent_not_closed(fake_settings: Settings) -> None:
    given, backend = _given(fake_settings)
    async with open_llm(fake_settings, given) as llm:
        assert llm is given
    assert not backend.closed
    assert await _fail_inside(fake_settings, given) is backend
    assert not backend.closed


async def test_cli_door_leaves_a_given_model_open(fake_settings: Settings) -> None:
    given, backend = _given(fake_settings)
    rec = await reconcile_files(SEEDS, fake_settings, llm=given)
    assert rec.backend == "fake" and backend.calls > 0
    assert not backend.closed


async def test_http_door_closes_its_own_model_at_shutdown(fake_settings: Settings) -> None:
    app = create_app(fake_settings)
    async with app.router.lifespan_context(app):
        backend = app.state.rashomon.llm.backend
        assert not backend.closed
    assert backend.closed


async def test_http_door_leaves_a_given_model_open(fake_settings: Settings) -> None:
    given, backend = _given(fake_settings)
    app = create_app(fake_settings, llm=given)
    async with app.router.lifespan_context(app):
        assert app.state.rashomon.llm is given
    assert not backend.closed
