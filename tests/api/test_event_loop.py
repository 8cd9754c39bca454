"""Issue 19.1: the pipeline's CPU work runs off the server's event loop, and the time budget
stops it within a second or two, whether or not its loops call `checkpoint()`.

The CPU-bound step is simulated by wrapping `reconcile_sources` with a pure-Python busy loop
(the real quadratic steps are being removed elsewhere; this keeps the test about the server)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from service.api import jobs as jobs_module
from service.config import Settings
from service.pipeline.progress import WorkStopped, checkpoint
from service.pipeline.reconcile import reconcile_sources
from tests.api.conftest import ARTICLES, running_app, wait_done


class Spin:
    """A CPU-bound stretch of `seconds` before the real pipeline; `cooperative`: it calls
    `checkpoint()` as it goes. Records whether it ran to its end and in which thread."""

    def __init__(self, seconds: float, *, cooperative: bool) -> None:
        self.seconds = seconds
        self.cooperative = cooperative
        self.started = threading.Event()
        self.completed = False
        self.stopped = False
        self.thread: threading.Thread | None = None

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.thread = threading.current_thread()
        self.started.set()
        end = time.monotonic() + self.seconds
        n = 0
        try:
            while time.monotonic() < end:  # pure Python: holds the GIL between switches
                n += sum(i * i for i in range(200))
                if self.cooperative:
                    checkpoint()
        except WorkStopped:
            self.stopped = True
            raise
        self.completed = True
        return await reconcile_sources(*args, **kwargs)


async def _started(spin: Spin, limit_s: float = 10) -> None:
    deadline = time.monotonic() + limit_s
    while not spin.started.is_set():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)


async def test_1_healthz_answers_while_a_job_computes(
    api_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    spin = Spin(3.0, cooperative=False)
    monkeypatch.setattr(jobs_module, "reconcile_sources", spin)
    async with running_app(api_settings) as client:
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        # Each round: a /healthz request and a 0.1 s pause. A blocked loop delays either.
        rounds = []
        for _ in range(10):
            t = time.perf_counter()
            assert (await client.get("/healthz")).status_code == 200
            await asyncio.sleep(0.1)
            rounds.append(time.perf_counter() - t)
        assert max(rounds) < 1.0, rounds
        assert spin.started.is_set() and not spin.completed  # measured while it computed
        assert spin.thread is not threading.main_thread()
        job = await wait_done(client, r.headers["location"], limit_s=30)
        assert job["status"] == "done" and spin.completed


@pytest.mark.parametrize("cooperative", [True, False], ids=["checkpoints", "no-checkpoint"])
async def test_1_time_budget_stops_cpu_work_within_two_seconds(
    api_settings: Settings, monkeypatch: pytest.MonkeyPatch, cooperative: bool
) -> None:
    budget = 1.0
    settings = api_settings.model_copy(update={"request_time_budget_s": budget})
    spin = Spin(30.0, cooperative=cooperative)
    monkeypatch.setattr(jobs_module, "reconcile_sources", spin)
    async with running_app(settings) as client:
        started = time.monotonic()
        r = await client.post("/v1/reconciliations", json={"articles": ARTICLES})
        job = await wait_done(client, r.headers["location"], limit_s=30)
        answered = time.monotonic() - started
        assert job["status"] == "failed" and job["error"]["status"] == 504, job
        assert answered < budget + 2, answered
        # The worker thread itself stops too (checkpoint, else the forced stop), long before
        # its 30 s of work would have ended.
        assert spin.thread is not None
        limit = started + budget + 6
        while spin.thread.is_alive() and time.monotonic() < limit:  # noqa: ASYNC110 (a thread)
            await asyncio.sleep(0.05)  # (the forced stop is scheduled on this loop)
        assert not spin.thread.is_alive()
        assert spin.stopped and not spin.completed
        assert time.monotonic() - started < budget + 4


async def test_1_model_calls_of_a_worker_run_on_the_app_loop() -> None:
    """The backend (its client, semaphore, cache) stays on the loop it was made on."""
    from service.api.offload import LoopAnswerStore, pipeline_worker
    from service.llm.base import AnswerStore, CompletionRequest, RawCompletion
    from service.llm.fake import FakeBackend
    from service.llm.structured import StructuredLLM
    from service.pipeline.progress import Progress, StopSignal

    app_loop = asyncio.get_running_loop()
    seen: list[tuple[str, bool]] = []

    class Caching(FakeBackend):
        async def complete(self, request: CompletionRequest) -> RawCompletion:
            seen.append(("complete", asyncio.get_running_loop() is app_loop))
            return await super().complete(request)

        async def remember(self, request: CompletionRequest, answer: RawCompletion) -> None:
            seen.append(("remember", asyncio.get_running_loop() is app_loop))

        async def forget(self, request: CompletionRequest) -> None:
            seen.append(("forget", asyncio.get_running_loop() is app_loop))

    llm = StructuredLLM(Caching(['{"x": 1}']))
    progress: list[Progress] = []

    async def work(worker_llm: StructuredLLM, report: Any) -> str:
        assert asyncio.get_running_loop() is not app_loop
        assert isinstance(worker_llm.backend, LoopAnswerStore)
        assert isinstance(worker_llm.backend, AnswerStore)
        request = CompletionRequest(messages=(), schema_name="X", json_schema={})
        answer = await worker_llm.backend.complete(request)
        await worker_llm.backend.remember(request, answer)  # type: ignore[attr-defined]
        await worker_llm.backend.forget(request)  # type: ignore[attr-defined]
        report(Progress("alignment", 1, 1))
        return answer.text

    worker = pipeline_worker(
        work, llm=llm, progress=progress.append, signal=StopSignal(), name="test"
    )
    assert await worker.run() == '{"x": 1}'
    await asyncio.sleep(0)  # the progress event is delivered on this loop
    assert seen == [("complete", True), ("remember", True), ("forget", True)]
    assert progress == [Progress("alignment", 1, 1)]


async def test_1_the_pipeline_stops_at_its_checkpoints() -> None:
    """`reconcile` checks the stop signal between steps and at every progress event."""
    from service.config import Settings
    from service.llm.factory import build_llm
    from service.llm.fake import FakeBackend
    from service.llm.fake_responder import fake_responder
    from service.pipeline.progress import Progress, StopSignal, watch
    from service.pipeline.reconcile import reconcile
    from service.schemas import ArticleIn

    settings = Settings(backend="fake", cache_enabled=False)
    backend = FakeBackend(responder=fake_responder)
    llm = build_llm(settings, backend)
    articles = [ArticleIn(**a) for a in ARTICLES]
    signal = StopSignal()
    seen: list[Progress] = []

    def stop_after_first(p: Progress) -> None:
        seen.append(p)
        signal.stop("test")  # the next checkpoint raises

    watch(signal)
    with pytest.raises(WorkStopped):
        await reconcile(articles, llm=llm, settings=settings, progress=stop_after_first)
    assert len(seen) == 1 and seen[0].step == "accounts"
    assert backend.calls == 0  # stopped before the alignment's first model call
    watch(None)
    result = await reconcile(articles, llm=llm, settings=settings)  # no signal: runs through
    assert result.accounts
