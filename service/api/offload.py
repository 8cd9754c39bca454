"""The HTTP service's CPU work, off its event loop.

Ingesting a request (HTML extraction, sentence splitting) and the pipeline (spaCy parses,
pair scoring, the summary) are CPU-bound Python. Run on the server's event loop they stall
every other request, /healthz included, and a SIGTERM. Here each piece of work runs in a
daemon thread of its own (`Worker`); the pipeline gets its own event loop there
(`pipeline_worker`), and:

- its model calls are forwarded to the app's loop (`LoopBackend`), where the backend, its HTTP
  client, its concurrency bound and its response cache were made; progress events too;
- it is stopped (time budget, shutdown) by cancelling its task, which takes effect at its next
  await (a model call), by `checkpoint()` in its loops (service.pipeline.progress), and, if
  the thread still runs `FORCE_AFTER_S` later (a loop with no checkpoint), by raising
  `WorkStopped` in the thread: CPython's asynchronous exception, delivered at the thread's next
  Python bytecode (not inside one long C call, e.g. a spaCy parse, which ends first);
- the threads are daemon threads and so is the pipeline loop's executor: a process told to
  stop exits without waiting for them (the job is requeued; nothing they hold is shared).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ctypes
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from service.llm.base import AnswerStore, Backend, CompletionRequest, Delegating, RawCompletion
from service.llm.structured import StructuredLLM
from service.pipeline.progress import Progress, ProgressCallback, StopSignal, WorkStopped, watch

log = logging.getLogger("rashomon.api.offload")

T = TypeVar("T")
FORCE_AFTER_S = 1.0  # cooperative stop first; then the asynchronous exception


class LoopBackend(Delegating):
    """A backend whose calls run on `loop` (the app's), whatever loop awaits them."""

    def __init__(self, inner: Backend, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(inner)
        self.loop = loop

    async def _on_app_loop(self, call: Callable[[], Awaitable[T]]) -> T:
        """`await call()` as a task of the app's loop (its coroutine is made there, so none is
        left un-awaited); cancelling the awaiting task cancels that task."""
        outcome: concurrent.futures.Future[T] = concurrent.futures.Future()
        started: list[asyncio.Task[None]] = []

        async def run() -> None:
            try:
                outcome.set_result(await call())
            except BaseException as e:  # its cancellation too: the awaiting side sees it
                if not outcome.done():
                    outcome.set_exception(e)

        def start() -> None:
            if outcome.set_running_or_notify_cancel():  # else: cancelled before it started
                started.append(self.loop.create_task(run()))

        def cancel() -> None:
            for task in started:
                task.cancel()

        self.loop.call_soon_threadsafe(start)
        try:
            return await asyncio.wrap_future(outcome)
        except asyncio.CancelledError:
            with contextlib.suppress(RuntimeError):  # the app's loop has closed
                self.loop.call_soon_threadsafe(cancel)
            raise

    async def complete(self, request: CompletionRequest) -> RawCompletion:
        return await self._on_app_loop(lambda: self.inner.complete(request))

    async def check(self) -> None:
        await self._on_app_loop(self.inner.check)

    async def aclose(self) -> None:
        return None  # the app owns (and closes) the backend


class LoopAnswerStore(LoopBackend):
    """`LoopBackend` over a backend with a response cache (`AnswerStore`)."""

    def __init__(self, inner: AnswerStore, loop: asyncio.AbstractEventLoop) -> None:
        assert isinstance(inner, Backend)
        super().__init__(inner, loop)
        self.store = inner

    async def remember(self, request: CompletionRequest, answer: RawCompletion) -> None:
        await self._on_app_loop(lambda: self.store.remember(request, answer))

    async def forget(self, request: CompletionRequest) -> None:
        await self._on_app_loop(lambda: self.store.forget(request))


def forwarded(llm: StructuredLLM, loop: asyncio.AbstractEventLoop) -> StructuredLLM:
    """`llm`, with its calls made on `loop`."""
    backend: Backend
    if isinstance(llm.backend, AnswerStore):
        backend = LoopAnswerStore(llm.backend, loop)
    else:
        backend = LoopBackend(llm.backend, loop)
    return StructuredLLM(backend, reask_budget=llm.reask_budget, temperature=llm.temperature)


class _DaemonExecutor(concurrent.futures.ThreadPoolExecutor):
    """The pipeline loop's default executor (`asyncio.to_thread`): one daemon thread per call,
    so an interpreter exiting does not wait for a parse it no longer needs."""

    def submit(
        self, fn: Callable[..., T], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as e:
                future.set_exception(e)

        threading.Thread(target=run, name="rashomon-parse", daemon=True).start()
        return future


class Worker(Generic[T]):
    """`fn()` in a daemon thread of its own. `run()` starts it and returns its result; when
    the task awaiting `run()` is cancelled (time budget, shutdown), the work is stopped and
    the cancellation goes on at once, without waiting for the thread."""

    def __init__(self, fn: Callable[[], T], *, name: str, signal: StopSignal | None = None):
        self.fn = fn
        self.name = name
        self.signal = signal or StopSignal()
        self.future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self.thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._on_stop: Callable[[], None] | None = None  # set by the thread: cancel its task
        self._forced = False
        self._outcome: asyncio.Future[T] | None = None

    def _main(self) -> None:
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            self.future.set_result(self.fn())
        except BaseException as e:
            if not self.future.done():
                self.future.set_exception(e)

    async def run(self) -> T:
        self.thread.start()
        self._outcome = asyncio.wrap_future(self.future)
        # Read by run(), or by nobody once run() was cancelled: never "never retrieved".
        self._outcome.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            return await asyncio.shield(self._outcome)
        except asyncio.CancelledError:
            self.stop("cancelled")
            raise

    def stop(self, reason: str) -> None:
        """Ask the work to stop (checkpoints raise, its task is cancelled) and, if its thread
        still runs FORCE_AFTER_S later, raise `WorkStopped` in it."""
        self.signal.stop(reason)
        if self._on_stop is not None:
            with contextlib.suppress(RuntimeError):  # its loop has closed: it has ended
                self._on_stop()
        if self.thread.is_alive():
            asyncio.get_running_loop().call_later(FORCE_AFTER_S, self._force)

    def _force(self) -> None:
        ident = self.thread.ident
        if self._forced or ident is None or self.future.done() or not self.thread.is_alive():
            return
        self._forced = True
        log.warning(
            "%s did not stop within %.0f s: raising WorkStopped in it", self.name, FORCE_AFTER_S
        )
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(ident), ctypes.py_object(WorkStopped)
        )

    async def finished(self) -> None:
        """Return once the thread has ended, whatever its outcome."""
        if self._outcome is not None:
            await asyncio.wait([self._outcome])


def pipeline_worker(
    work: Callable[[StructuredLLM, ProgressCallback], Awaitable[T]],
    *,
    llm: StructuredLLM,
    progress: ProgressCallback,
    signal: StopSignal,
    name: str,
) -> Worker[T]:
    """A `Worker` running `work(llm, progress)` on an event loop of its own, in its thread.
    Call it on the app's loop: model calls and `progress` are forwarded to that loop."""
    app_loop = asyncio.get_running_loop()

    def report(p: Progress) -> None:
        with contextlib.suppress(RuntimeError):  # the app's loop has closed: nobody listens
            app_loop.call_soon_threadsafe(progress, p)

    def in_thread() -> T:
        async def main() -> T:
            watch(signal)  # checkpoint() in this task and those it starts reads the signal
            task = asyncio.current_task()
            assert task is not None
            loop = asyncio.get_running_loop()

            def cancel() -> None:
                loop.call_soon_threadsafe(task.cancel)

            worker._on_stop = cancel
            signal.check()  # stopped before it started
            try:
                return await work(forwarded(llm, app_loop), report)
            except asyncio.CancelledError:
                raise WorkStopped(signal.reason or "cancelled") from None

        with asyncio.Runner() as runner:
            runner.get_loop().set_default_executor(_DaemonExecutor(max_workers=1))
            return runner.run(main())

    worker: Worker[T] = Worker(in_thread, name=name, signal=signal)
    return worker
