"""Reconciliation jobs: a SQLite-backed store and an in-process runner.

- Every job is written to SQLite (settings.jobs_db_path) *before* it is acknowledged, with its
  articles, so a restart loses nothing: finished jobs keep their result, and queued jobs (and
  jobs that were running when the process died) are queued again on startup, in arrival order.
- At most `max_concurrent_jobs` pipelines run at once (a semaphore shared with /v1/accounts);
  the rest wait in a FIFO queue whose length is bounded (`queue_limit`, else 429).
- Progress events are kept in memory and fanned out to SSE subscribers; they are not persisted
  (a restarted job starts its progress again).
- A job already started `max_job_attempts` times is failed at recovery, not run again; finished
  jobs are pruned at start and every PRUNE_EVERY finished jobs (`jobs_keep_days`,
  `jobs_keep_max`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import AsyncIterator, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from service.api.metrics import Metrics
from service.api.models import JobStatus
from service.api.offload import Worker, pipeline_worker
from service.api.problems import ApiProblem, limit_problem, problem_for, time_budget_problem
from service.config import Settings
from service.errors import BackendError
from service.llm.structured import StructuredLLM
from service.pipeline.progress import Progress, ProgressCallback, StopSignal, WorkStopped
from service.pipeline.reconcile import reconcile_sources
from service.pipeline.sources import prepare_sources
from service.schemas import ArticleIn, Reconciliation, RunWarning, Source
from service.storage import open_db

log = logging.getLogger("rashomon.api.jobs")

PRUNE_EVERY = 20  # finished jobs between two prunings of the store
FINAL: frozenset[str] = frozenset({"done", "failed"})
Prepared = tuple[list[Source], list[RunWarning]]  # what `prepare_sources` returns
T = TypeVar("T")

# Numbered migrations (service.storage): append, never edit. Migration 1 is the schema of the
# releases before versioning, so their files are adopted as they are.
MIGRATIONS: tuple[str, ...] = (
    """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    n_articles INTEGER NOT NULL,
    articles TEXT NOT NULL,
    result TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, seq);
""",
)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def interrupted_problem(attempts: int, max_attempts: int) -> dict[str, Any]:
    """The error of a job given up after `attempts` starts that never finished."""
    return limit_problem(
        500,
        "job-interrupted",
        "Job interrupted too often",
        f"the job was started {attempts} times and the server stopped before it finished each "
        "time; it is not run again (it may be what stalls or stops the server). Check its "
        "articles and resubmit, or raise the setting",
        limit="max_job_attempts",
        value=max_attempts,
        setting="RASHOMON_MAX_JOB_ATTEMPTS",
    ).body


@dataclass
class JobRow:
    id: str
    status: JobStatus
    created_at: str
    started_at: str | None
    finished_at: str | None
    n_articles: int
    articles_json: str
    result_json: str | None
    error: dict[str, Any] | None
    attempts: int

    def articles(self) -> list[ArticleIn]:
        return [ArticleIn.model_validate(a) for a in json.loads(self.articles_json)]


class JobStore:
    """Thin synchronous SQLite access (each statement is short; WAL; one connection + lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = open_db(
            path,
            MIGRATIONS,
            # auto_vacuum takes effect on a new file only (set before the first table).
            pragmas=("auto_vacuum=INCREMENTAL", "journal_mode=WAL", "synchronous=NORMAL"),
            check_same_thread=False,
            autocommit=True,
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def create(self, articles: Sequence[ArticleIn]) -> JobRow:
        job_id = uuid.uuid4().hex
        payload = json.dumps([a.model_dump(mode="json", exclude_none=True) for a in articles])
        self._exec(
            "INSERT INTO jobs (id, status, created_at, n_articles, articles) VALUES (?,?,?,?,?)",
            (job_id, "queued", _now(), len(articles), payload),
        )
        row = self.get(job_id)
        assert row is not None
        return row

    def get(self, job_id: str) -> JobRow | None:
        rows = self._exec(
            "SELECT id, status, created_at, started_at, finished_at, n_articles, articles, "
            "result, error, attempts FROM jobs WHERE id = ?",
            (job_id,),
        )
        if not rows:
            return None
        r = rows[0]
        return JobRow(
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[8]) if r[8] else None, r[9]
        )

    def mark_running(self, job_id: str) -> None:
        self._exec(
            "UPDATE jobs SET status='running', started_at=?, attempts=attempts+1 WHERE id=?",
            (_now(), job_id),
        )

    def mark_done(self, job_id: str, result_json: str) -> None:
        self._exec(
            "UPDATE jobs SET status='done', finished_at=?, result=?, error=NULL WHERE id=?",
            (_now(), result_json, job_id),
        )

    def mark_failed(self, job_id: str, error: dict[str, Any]) -> None:
        self._exec(
            "UPDATE jobs SET status='failed', finished_at=?, error=? WHERE id=?",
            (_now(), json.dumps(error), job_id),
        )

    def requeue(self, job_id: str, *, count_attempt: bool = True) -> None:
        """Back to queued. `count_attempt=False` (a graceful shutdown stopped the job) takes
        back the attempt `mark_running` counted: only unclean ends count."""
        self._exec(
            "UPDATE jobs SET status='queued', started_at=NULL, attempts=attempts-? WHERE id=?",
            (0 if count_attempt else 1, job_id),
        )

    def recover(self, max_attempts: int) -> tuple[list[str], list[str]]:
        """After a restart: (jobs to run, jobs failed now). A job that was running or requeued
        by a shutdown and has already been started `max_attempts` times is marked failed (it
        may be what stalled or killed the server); the others go back to queued."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                given_up = [
                    (r[0], int(r[1]))
                    for r in db.execute(
                        "SELECT id, attempts FROM jobs WHERE status IN ('queued', 'running') "
                        "AND attempts >= ? ORDER BY seq",
                        (max_attempts,),
                    ).fetchall()
                ]
                for job_id, attempts in given_up:
                    db.execute(
                        "UPDATE jobs SET status='failed', finished_at=?, error=? WHERE id=?",
                        (_now(), json.dumps(interrupted_problem(attempts, max_attempts)), job_id),
                    )
                db.execute(
                    "UPDATE jobs SET status='queued', started_at=NULL WHERE status='running'"
                )
                queued = [
                    r[0]
                    for r in db.execute("SELECT id FROM jobs WHERE status='queued' ORDER BY seq")
                ]
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return queued, [job_id for job_id, _ in given_up]

    def prune(self, *, keep_days: float, keep_max: int) -> int:
        """Delete finished (done/failed) jobs older than `keep_days` or beyond the newest
        `keep_max` (0 disables either bound). Queued and running jobs are never touched.
        Returns how many were deleted."""
        deleted = 0
        with self._lock:
            if keep_days > 0:
                cutoff = (datetime.now(UTC) - timedelta(days=keep_days)).isoformat()
                deleted += self._db.execute(
                    "DELETE FROM jobs WHERE status IN ('done', 'failed') AND finished_at < ?",
                    (cutoff,),
                ).rowcount
            if keep_max > 0:
                deleted += self._db.execute(
                    "DELETE FROM jobs WHERE status IN ('done', 'failed') AND seq NOT IN "
                    "(SELECT seq FROM jobs WHERE status IN ('done', 'failed') "
                    "ORDER BY seq DESC LIMIT ?)",
                    (keep_max,),
                ).rowcount
            if deleted:
                self._db.execute("PRAGMA incremental_vacuum")
        return deleted

    def count(self, status: str) -> int:
        return int(self._exec("SELECT COUNT(*) FROM jobs WHERE status=?", (status,))[0][0])


@dataclass
class Event:
    """One server-sent event: `event` name and JSON `data`."""

    event: str
    data: dict[str, Any]


@dataclass
class _Live:
    """In-memory state of a job this process knows about."""

    progress: dict[str, Any] | None = None
    subscribers: list[asyncio.Queue[Event]] = field(default_factory=list)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    # The articles as the request check prepared them, so the job does not ingest them again;
    # None for a job recovered from the store (it prepares its articles when it runs).
    prepared: Prepared | None = None


SHUTDOWN_EVENT = Event("shutdown", {"detail": "server shutting down; reconnect"})


class ServerStopping(Exception):
    """The server began to stop before the work ended."""


class QueueFull(Exception):
    def __init__(self, depth: int, limit: int) -> None:
        super().__init__(f"{depth} jobs are queued (limit {limit})")
        self.depth = depth
        self.limit = limit


class JobManager:
    def __init__(
        self,
        store: JobStore,
        *,
        settings: Settings,
        llm: StructuredLLM,
        metrics: Metrics,
        queue_limit: int,
    ) -> None:
        self.store = store
        self.settings = settings
        self.llm = llm
        self.metrics = metrics
        self.queue_limit = queue_limit
        self.slots = asyncio.Semaphore(settings.max_concurrent_jobs)
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._live: dict[str, _Live] = {}
        self._running: dict[str, asyncio.Task[None]] = {}
        self._dispatcher: asyncio.Task[None] | None = None
        self._recovered: list[str] = []
        self._finished = 0
        self._closing = False
        self._draining = asyncio.Event()

    # ------------------------------------------------------------------ lifecycle

    async def start(self, *, resume: bool = True) -> list[str]:
        """Start taking jobs. The jobs a previous process left queued or running are recovered
        from the store now (those already started `max_job_attempts` times are marked failed);
        with `resume` they are queued at once, otherwise when `resume()` is called (e.g. once
        the server accepts connections). Returns the recovered ids, in arrival order."""
        recovered, given_up = self.store.recover(self.settings.max_job_attempts)
        for job_id in given_up:
            log.warning(
                "job %s was started %d+ times without finishing: marked failed, not run again "
                "(RASHOMON_MAX_JOB_ATTEMPTS)",
                job_id,
                self.settings.max_job_attempts,
            )
            self.metrics.observe_job("failed")
        self._recovered = recovered
        self._prune()
        for job_id in recovered:  # known (pollable, subscribable) now, run from resume()
            self._live.setdefault(job_id, _Live())
        self._dispatcher = asyncio.create_task(self._dispatch(), name="rashomon-jobs")
        if resume:
            self.resume()
        return recovered

    def resume(self) -> list[str]:
        """Queue the jobs recovered at start (once; later calls do nothing)."""
        resumed, self._recovered = self._recovered, []
        for job_id in resumed:
            self._queue.put_nowait(job_id)
        if resumed:
            log.info("resuming %d queued job(s) from %s", len(resumed), self.store.path)
        return resumed

    def drain(self) -> None:
        """The server is about to stop: requests waiting for a result stop waiting (the route
        answers 503; the job resumes on restart) and event streams get their `shutdown`
        event, so each ends with its documented answer rather than a cancelled task. Jobs run
        on until `stop()`."""
        if self._draining.is_set():
            return
        self._draining.set()
        for live in self._live.values():
            for q in live.subscribers:
                q.put_nowait(SHUTDOWN_EVENT)

    @property
    def draining(self) -> bool:
        return self._draining.is_set()

    async def before_shutdown(self, work: Coroutine[Any, Any, T]) -> T:
        """`await work`, unless the server starts to stop (`drain`) first: `work` is then
        cancelled and `ServerStopping` raised (the route answers 503, not a cancelled task)."""
        task = asyncio.ensure_future(work)
        stopping = asyncio.ensure_future(self._draining.wait())
        try:
            await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            task.cancel()
            raise
        finally:
            stopping.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            raise ServerStopping
        return task.result()

    async def stop(self) -> None:
        """Stop taking work; interrupted jobs go back to queued (they resume on restart)."""
        self._closing = True
        self.drain()
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize()

    @property
    def running(self) -> int:
        return len(self._running)

    # ------------------------------------------------------------------ submission

    def submit(self, articles: Sequence[ArticleIn], prepared: Prepared | None = None) -> JobRow:
        """Queue a job. `prepared`: what `prepare_sources` made of `articles`, if known."""
        if self._queue.qsize() >= self.queue_limit:
            raise QueueFull(self._queue.qsize(), self.queue_limit)
        row = self.store.create(articles)
        self._live[row.id] = _Live(prepared=prepared)
        self._queue.put_nowait(row.id)
        return row

    def progress_of(self, job_id: str) -> dict[str, Any] | None:
        live = self._live.get(job_id)
        return live.progress if live else None

    async def wait(self, job_id: str) -> JobRow | None:
        """The job's row once it is done or failed, or as it is when the server starts to
        stop (`drain`); None if unknown."""
        live = self._live.get(job_id)  # present exactly while the job is queued or running
        if live is not None and not self.draining:
            waits = [asyncio.ensure_future(e.wait()) for e in (live.finished, self._draining)]
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waits:
                    w.cancel()
        return self.store.get(job_id)

    @contextlib.asynccontextmanager
    async def subscribe(self, job_id: str) -> AsyncIterator[asyncio.Queue[Event] | None]:
        """Events of a queued/running job; None when the job is not active (read the store:
        it is final or unknown). The final event is always delivered to a live subscriber."""
        live = self._live.get(job_id)
        if live is None:
            yield None
            return
        q: asyncio.Queue[Event] = asyncio.Queue()
        if self.draining:
            q.put_nowait(SHUTDOWN_EVENT)
        live.subscribers.append(q)
        try:
            yield q
        finally:
            with contextlib.suppress(ValueError):
                live.subscribers.remove(q)

    def _publish(self, job_id: str, event: Event) -> None:
        live = self._live.get(job_id)
        if live is None:
            return
        for q in live.subscribers:
            q.put_nowait(event)

    # ------------------------------------------------------------------ running

    async def _dispatch(self) -> None:
        while True:
            await self.slots.acquire()
            try:
                job_id = await self._queue.get()
            except BaseException:
                self.slots.release()
                raise
            task = asyncio.create_task(self._run(job_id), name=f"rashomon-job-{job_id}")
            self._running[job_id] = task

    async def _run(self, job_id: str) -> None:
        live = self._live.setdefault(job_id, _Live())
        try:
            row = self.store.get(job_id)
            if row is None or row.status != "queued":
                return
            self.store.mark_running(job_id)
            self._publish(job_id, Event("status", {"id": job_id, "status": "running"}))

            def on_progress(p: Progress) -> None:
                data = {
                    "id": job_id,
                    "step": p.step,
                    "source_id": p.source_id,
                    "done": p.done,
                    "total": p.total,
                    "percent": round(p.percent, 1),
                }
                live.progress = data
                self._publish(job_id, Event("progress", data))

            budget = self.settings.request_time_budget_s
            prepared, live.prepared = live.prepared, None  # the pipeline extends the warnings
            settings, stored = self.settings, row

            async def work(
                llm: StructuredLLM, progress: ProgressCallback
            ) -> tuple[Reconciliation, str]:
                # A recovered job ingests its stored articles again, here in the worker.
                sources, warnings = prepared or prepare_sources(stored.articles(), settings)
                result = await reconcile_sources(
                    sources, warnings, llm=llm, settings=settings, progress=progress
                )
                # Encoding can fail (a string that is not valid Unicode): the job then fails.
                return result, result.model_dump_json()

            signal = StopSignal(time.monotonic() + budget if budget else None)
            worker = pipeline_worker(
                work, llm=self.llm, progress=on_progress, signal=signal, name=f"job-{job_id}"
            )
            try:
                async with asyncio.timeout(budget or None) as deadline:
                    result, result_json = await worker.run()
            except (TimeoutError, WorkStopped) as exc:
                if isinstance(exc, TimeoutError) and not deadline.expired():
                    self._fail(job_id, exc)
                else:
                    self._fail(job_id, time_budget_problem(budget))
                await self._outlived(worker, budget)
            except asyncio.CancelledError:
                # Shutdown mid-run: resume on the next start. A graceful stop is not an
                # attempt (only a process that dies mid-run leaves one counted).
                self.store.requeue(job_id, count_attempt=False)
                raise
            except Exception as exc:
                self._fail(job_id, exc)
            else:
                try:
                    # Storing the result can fail too (a full disk): the job must then end
                    # failed, never stay running.
                    self.store.mark_done(job_id, result_json)
                except Exception as exc:
                    log.error("job %s: saving its result failed", job_id, exc_info=True)
                    self._fail(job_id, exc)
                    return
                self.metrics.observe_steps(result.steps)
                self.metrics.observe_job("done")
                self._publish(
                    job_id,
                    Event(
                        "done",
                        {
                            "id": job_id,
                            "status": "done",
                            "result_url": f"/v1/reconciliations/{job_id}",
                        },
                    ),
                )
        finally:
            live.finished.set()
            self._live.pop(job_id, None)
            self._running.pop(job_id, None)
            self.slots.release()
            self._finished += 1
            if self._finished % PRUNE_EVERY == 0:
                self._prune()

    async def _outlived(self, worker: Worker[Any], budget: float) -> None:
        """After the time budget: the job has its answer; its slot is kept until the worker
        thread has stopped too, so no more pipelines use the CPU than there are slots."""
        started = time.monotonic()
        await worker.finished()
        late = time.monotonic() - started
        if late > 1:
            log.warning("job worker stopped %.1f s after its %g s budget", late, budget)

    def _prune(self) -> None:
        """Keep the jobs database bounded (RASHOMON_JOBS_KEEP_DAYS / RASHOMON_JOBS_KEEP_MAX)."""
        try:
            deleted = self.store.prune(
                keep_days=self.settings.jobs_keep_days, keep_max=self.settings.jobs_keep_max
            )
        except sqlite3.Error:
            log.warning("pruning finished jobs failed", exc_info=True)
            return
        if deleted:
            log.info("pruned %d finished job(s) from %s", deleted, self.store.path)

    def _fail(self, job_id: str, exc: Exception) -> None:
        """Record the job as failed with `exc`'s problem body and tell its subscribers."""
        error = problem_for(exc)
        if isinstance(exc, BackendError):
            self.metrics.observe_backend_error(exc.backend, type(exc).__name__)
        log.warning(
            "job %s failed: %s",
            job_id,
            exc,
            exc_info=error["status"] >= 500 and not isinstance(exc, (BackendError, ApiProblem)),
        )
        try:
            self.store.mark_failed(job_id, error)
        except Exception:
            log.exception("job %s: recording its failure failed", job_id)
            error = problem_for(RuntimeError())
            self.store.mark_failed(job_id, error)
        self.metrics.observe_job("failed")
        self._publish(job_id, Event("failed", {"id": job_id, "status": "failed", "error": error}))
