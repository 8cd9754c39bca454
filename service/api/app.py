"""The FastAPI application factory: `create_app(settings)`.

Startup (lifespan) opens the LLM once (`open_llm`: built in a worker thread, since the embedded
backend starts a llama.cpp server, which blocks) and opens the job store. Jobs left queued or running by a
previous process are recovered (those started RASHOMON_MAX_JOB_ATTEMPTS times are marked
failed) and, under `rashomon serve`, run only once the port is open. Shutdown stops the job
runner (interrupted jobs go back to queued) and closes the backend.
Run a single process per jobs database: the job queue lives in this process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service import __version__
from service.api.deps import AppState
from service.api.docs import install_docs
from service.api.guard import BodyBudget, RequestGuard
from service.api.jobs import JobManager, JobStore
from service.api.metrics import Metrics, MetricsMiddleware
from service.api.openapi import install_openapi
from service.api.routes import accounts, health, reconciliations, viewer
from service.api.routes import metrics as metrics_route
from service.config import Settings, get_settings
from service.errors import BackendError
from service.llm.lifecycle import open_llm
from service.llm.structured import StructuredLLM
from service.text.ingest import HTML_SIZE_FACTOR

log = logging.getLogger("rashomon.api")

QUEUED_JOBS_PER_SLOT = 16
JSON_OVERHEAD = 2  # escaping headroom of a JSON body over the raw article bytes


def default_queue_limit(settings: Settings) -> int:
    if settings.max_queued_jobs is not None:
        return settings.max_queued_jobs
    return QUEUED_JOBS_PER_SLOT * settings.max_concurrent_jobs


def max_body_bytes(settings: Settings) -> int:
    return (
        settings.max_articles * settings.max_article_bytes * HTML_SIZE_FACTOR * JSON_OVERHEAD
        + 64 * 1024
    )


def mark_serving(app: FastAPI) -> None:
    """The server accepts connections now: jobs left by a previous process may run."""
    app.state.serving.set()


def begin_shutdown(app: FastAPI) -> None:
    """The server is about to stop: requests waiting for a job are answered 503 and event
    streams get their `shutdown` event now (`JobManager.drain`); jobs run until shutdown."""
    state: AppState | None = getattr(app.state, "rashomon", None)
    if state is not None:
        state.jobs.drain()


async def _resume_when(serving: asyncio.Event, jobs: JobManager) -> None:
    await serving.wait()
    jobs.resume()


def create_app(
    settings: Settings | None = None,
    *,
    llm: StructuredLLM | None = None,
    queue_limit: int | None = None,
    resume_when_serving: bool = False,
) -> FastAPI:
    """The app. `llm` injects a ready model (tests; the caller then owns and closes it);
    otherwise one is built from `settings` at startup and closed at shutdown.
    `resume_when_serving`: jobs left by a previous process run only once `mark_serving(app)`
    is called (`rashomon serve` calls it when the port is open), not during startup."""
    settings = settings or get_settings()
    metrics = Metrics()
    serving = asyncio.Event()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_llm(settings, llm) as the_llm:
            store = JobStore(settings.jobs_db_path)
            jobs = JobManager(
                store,
                settings=settings,
                llm=the_llm,
                metrics=metrics,
                queue_limit=queue_limit or default_queue_limit(settings),
            )
            metrics.gauge(
                "rashomon_jobs_queued", "Jobs waiting for a slot.", lambda: jobs.queue_depth
            )
            metrics.gauge("rashomon_jobs_running", "Jobs running now.", lambda: jobs.running)
            metrics.gauge(
                "rashomon_jobs_max_concurrent",
                "Concurrent job slots.",
                lambda: settings.max_concurrent_jobs,
            )
            await jobs.start(resume=not resume_when_serving)
            app.state.rashomon = AppState(
                settings=settings, llm=the_llm, store=store, jobs=jobs, metrics=metrics
            )
            log.info(
                "rashomon API ready: backend %s, model %s, jobs in %s",
                the_llm.backend.name,
                the_llm.backend.model,
                settings.jobs_db_path,
            )
            resume = asyncio.create_task(_resume_when(serving, jobs), name="rashomon-resume")
            try:
                yield
            finally:
                resume.cancel()
                app.state.rashomon = None
                await jobs.stop()
                store.close()

    app = FastAPI(
        title="Rashomon",
        version=__version__,
        summary="What each outlet reports, where they agree, where they contradict each "
        "other, and who says what.",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc: service.api.docs, from packaged assets
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.serving = serving
    app.state.rashomon = None

    def on_backend_error(exc: BackendError) -> None:
        metrics.observe_backend_error(exc.backend, type(exc).__name__)

    from service.api.problems import install_handlers

    install_handlers(app, on_backend_error=on_backend_error)
    app.include_router(health.router)
    app.include_router(reconciliations.router)
    app.include_router(accounts.router)
    app.include_router(metrics_route.router)
    app.include_router(viewer.router)
    app.mount("/static", viewer.ViewerStaticFiles(directory=viewer.STATIC_DIR), name="static")
    limit = max_body_bytes(settings)
    inflight = settings.max_inflight_body_bytes
    budget = BodyBudget(max(inflight, limit) if inflight else 0)
    metrics.gauge(
        "rashomon_http_inflight_body_bytes",
        "Bytes of request bodies being received or processed (RASHOMON_MAX_INFLIGHT_BODY_BYTES).",
        lambda: budget.used,
    )
    app.add_middleware(RequestGuard, settings=settings, limit=limit, budget=budget)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    install_openapi(app, settings)
    install_docs(app)
    return app
