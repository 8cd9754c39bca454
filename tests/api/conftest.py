"""Fixtures: the app with the fake backend, driven in-process through httpx's ASGI transport."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.api.app import create_app
from service.config import Settings
from service.llm.base import CompletionRequest, RawCompletion
from service.llm.factory import build_llm
from service.llm.fake import FakeBackend
from service.llm.fake_responder import fake_responder
from service.llm.structured import StructuredLLM

ARTICLES = [
    {
        "outlet": "Outlet A",
        "text": (
            "Russia said its defence minister and his French counterpart discussed talks on "
            'Ukraine on Wednesday. "Readiness for dialogue on Ukraine was noted," the Russian '
            "defence ministry said in a statement. Paris denied that any talks were proposed."
        ),
    },
    {
        "outlet": "Outlet B",
        "text": (
            "France rejected a Russian offer of peace talks after a telephone call between the two "
            'defence ministers. "France neither accepted nor proposed anything of the sort," a '
            "source close to the French minister told AFP. The call was initiated by France, "
            "Moscow said."
        ),
    },
]


class GatedBackend(FakeBackend):
    """The fake backend, but every call waits until `gate` is set (keeps jobs queued).
    `called` is set by the first call: a job is then running (await it instead of sleeping)."""

    def __init__(self) -> None:
        super().__init__(responder=fake_responder)
        self.gate = asyncio.Event()
        self.called = asyncio.Event()

    async def running(self, limit_s: float = 10) -> None:
        """Return once a job has reached the model (it is marked running before that)."""
        await asyncio.wait_for(self.called.wait(), limit_s)

    async def complete(self, request: CompletionRequest) -> RawCompletion:
        self.called.set()
        await self.gate.wait()
        return await super().complete(request)


class FailingBackend(FakeBackend):
    def __init__(self, exc: BaseException, *, ready: bool = True) -> None:
        super().__init__(responder=fake_responder)
        self.exc = exc
        self.ready = ready

    async def complete(self, request: CompletionRequest) -> RawCompletion:
        raise self.exc

    async def check(self) -> None:
        if not self.ready:
            raise self.exc


@pytest.fixture
def api_settings(tmp_path: Path) -> Settings:
    return Settings(
        backend="fake",
        cache_enabled=False,
        cache_dir=tmp_path / "cache",
        db_path=tmp_path / "jobs.sqlite3",
    )


AppFactory = Callable[..., Any]


@asynccontextmanager
async def running_app(
    settings: Settings,
    *,
    backend: FakeBackend | None = None,
    raise_app_exceptions: bool = True,
    **kwargs: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    llm: StructuredLLM | None = build_llm(settings, backend) if backend is not None else None
    app = create_app(settings, llm=llm, **kwargs)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


@pytest.fixture
async def client(api_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(api_settings) as c:
        yield c


async def wait_done(client: httpx.AsyncClient, location: str, limit_s: float = 10) -> Any:
    deadline = asyncio.get_running_loop().time() + limit_s
    while True:
        r = await client.get(location)
        assert r.status_code == 200, r.text
        body = r.json()
        if body["status"] in ("done", "failed"):
            return body
        assert asyncio.get_running_loop().time() < deadline, body
        await asyncio.sleep(0.01)


def parse_sse(text: str) -> list[tuple[str, Any]]:
    import json

    events = []
    for chunk in text.split("\n\n"):
        name, data = "message", []
        for line in chunk.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events
