"""`--via batch-api`: the pipeline's model calls go through the OpenAI Batch API.

Design: every pending event runs the ordinary `reconcile` at once, over a `ParkingBackend`.
A call whose answer is in the run's response cache (`DIR/batch_cache.sqlite3`, keyed like
`service.llm.cache`) is answered at once; any other call is *parked* on a future and handed to
a `Batcher`. The batcher sends what is waiting as one batch when it reaches the Batch API's
size limit, or on time: once no new call has been parked for `idle_s` (the pipelines have
nothing else to ask: a round is complete) or the oldest has waited `max_wait_s`. A batch is
written as JSONL (custom_id = cache key, body = `OpenAIBackend.request_body`), uploaded
(`files.create(purpose="batch")`), submitted (`batches.create`), polled, and its output file
is downloaded; each answer wakes its parked call, and the pipelines continue to their next
dependent calls, which make the next batch. Identical requests from different events share
one line. Batches = the pipeline's depth (about one per article for the accounts step, then
alignment, summary, plus re-asks), not the number of events.

Only valid answers are kept: a downloaded answer is not written to the cache here. The
`ParkingBackend` is an `AnswerStore`, so the structured layer stores an answer only once it
has parsed and passed the step's checks, and drops a stored one that no longer does, exactly
as on the direct path (`service.llm.cache`); a degraded answer is re-asked, never replayed.

Crash safety: each submitted batch is recorded in the state store and stays open until the
run ends, so `--resume` after a crash re-attaches to every batch of the killed run (waiting
for one still running, re-downloading a finished one: no second payment). Their answers are
offered to the pipelines as fresh answers, validated like any other before they are cached;
answers validated before the crash come from the cache.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

import openai

from service.batch.engine import BatchOptions, Recorder, describe
from service.batch.state import StateStore
from service.config import Settings
from service.datasets import Event
from service.errors import BackendError, ConfigError
from service.llm.base import CompletionRequest, RawCompletion
from service.llm.cache import ResponseCache
from service.llm.factory import build_llm, build_openai_backend
from service.llm.openai_backend import OpenAIBackend
from service.pipeline.reconcile import reconcile
from service.schemas import Usage

MAX_LINES_PER_BATCH = 50_000  # the Batch API's per-batch request limit
_TERMINAL = {"completed", "failed", "expired", "cancelled"}


class Batcher:
    """Collects parked requests and sends them in batches: at once when `size` are waiting,
    otherwise on time, once none has been added for `idle_s` or the oldest has waited
    `max_wait_s` (inspect_ai's batcher flushes on size and on time likewise). Each batch goes
    to `send` in a task of its own; `send` must settle every request it is given."""

    def __init__(
        self,
        send: Callable[[dict[str, CompletionRequest]], Coroutine[Any, Any, None]],
        *,
        size: int = MAX_LINES_PER_BATCH,
        idle_s: float = 0.2,
        max_wait_s: float = 60.0,
    ) -> None:
        self._send = send
        self.size = size
        self.idle_s = idle_s
        self.max_wait_s = max_wait_s
        self._pending: dict[str, CompletionRequest] = {}
        self._first = self._last = 0.0
        self._timer: asyncio.Task[None] | None = None
        self._sending: set[asyncio.Task[None]] = set()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, key: str, request: CompletionRequest) -> None:
        now = time.monotonic()
        if not self._pending:
            self._first = now
        self._last = now
        self._pending[key] = request
        if len(self._pending) >= self.size:
            self.flush()
        elif self._timer is None or self._timer.done():
            self._timer = asyncio.create_task(self._on_time(), name="rashomon-batcher")

    async def _on_time(self) -> None:
        # The deadline is recomputed after every sleep: a pipeline computing between two
        # calls blocks the loop, and its next call (added when it yields) restarts the wait.
        while self._pending:
            due = min(self._last + self.idle_s, self._first + self.max_wait_s)
            delay = due - time.monotonic()
            if delay <= 0:
                self.flush()
                return
            await asyncio.sleep(delay)

    def flush(self) -> None:
        """Send what is waiting now."""
        batch, self._pending = self._pending, {}
        if batch:
            task = asyncio.create_task(self._send(batch), name="rashomon-batch")
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def aclose(self) -> None:
        """Stop the timer and any batch still in flight (none once every call is answered)."""
        tasks = [t for t in (self._timer, *self._sending) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class ParkingBackend:
    """A Backend that answers from the cache or parks the call in the batcher until the
    batch carrying it is in. Identical requests wait on one future."""

    def __init__(self, wire: OpenAIBackend, cache: ResponseCache, batcher: Batcher) -> None:
        self.wire = wire
        self.cache = cache
        self.batcher = batcher
        self.waiting: dict[str, asyncio.Future[RawCompletion]] = {}
        self.fresh: dict[str, RawCompletion] = {}  # answered in this process (tokens count)

    @property
    def name(self) -> str:
        return "openai-batch"

    @property
    def model(self) -> str:
        return self.wire.model

    @property
    def cache_identity(self) -> str:
        return self.wire.cache_identity

    def key(self, request: CompletionRequest) -> str:
        return ResponseCache.key(self.cache_identity, request)

    async def complete(self, request: CompletionRequest) -> RawCompletion:
        key = self.key(request)
        if key in self.fresh:
            return self.fresh[key]
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        future = self.waiting.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self.waiting[key] = future
            self.batcher.add(key, request)
        return await asyncio.shield(future)

    def resolve(self, key: str, answer: RawCompletion | BackendError) -> None:
        """Wake the calls waiting for `key` with its answer or error."""
        future = self.waiting.pop(key, None)
        if future is None or future.done():
            return
        if isinstance(answer, BackendError):
            future.set_exception(answer)
        else:
            self.fresh[key] = answer
            future.set_result(answer)

    def offer(self, key: str, answer: RawCompletion) -> None:
        """An answer downloaded by a run that was killed (a re-attached batch): served to the
        call that asks for `key` as a fresh answer, so it is validated before it is cached."""
        if key not in self.fresh and self.cache.get(key) is None:
            self.fresh[key] = answer

    async def remember(self, request: CompletionRequest, answer: RawCompletion) -> None:
        """Store an answer that passed validation (`AnswerStore`: the caller vouches for it)."""
        if answer.cached or answer.finish_reason == "length":
            return
        self.cache.put(self.key(request), answer)

    async def forget(self, request: CompletionRequest) -> None:
        """Drop a stored answer that failed today's checks, so the call is asked afresh."""
        key = self.key(request)
        self.fresh.pop(key, None)
        self.cache.delete(key)

    async def check(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


def _completion(body: dict[str, Any], fallback_model: str) -> RawCompletion:
    choice = body["choices"][0]
    usage = body.get("usage") or {}
    return RawCompletion(
        text=choice["message"].get("content") or "",
        finish_reason=choice.get("finish_reason"),
        usage=Usage(
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
        ),
        model=body.get("model") or fallback_model,
    )


class BatchClient:
    """The four Batch API calls, over an `openai.AsyncOpenAI`."""

    def __init__(self, client: Any, poll_interval_s: float) -> None:
        self.client = client
        self.poll_interval_s = poll_interval_s

    async def submit(self, lines: list[dict[str, Any]]) -> tuple[str, str]:
        data = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
        file = await self.client.files.create(
            file=("rashomon-batch.jsonl", data.encode(), "application/jsonl"), purpose="batch"
        )
        batch = await self.client.batches.create(
            input_file_id=file.id,
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata={"producer": "rashomon batch"},
        )
        return str(batch.id), str(file.id)

    async def wait(self, batch_id: str) -> Any:
        while True:
            batch = await self.client.batches.retrieve(batch_id)
            if batch.status in _TERMINAL:
                return batch
            await asyncio.sleep(self.poll_interval_s)

    async def lines(self, file_id: str | None) -> list[dict[str, Any]]:
        if not file_id:
            return []
        content = await self.client.files.content(file_id)
        text = content.text if hasattr(content, "text") else content.read().decode()
        return [json.loads(line) for line in text.splitlines() if line.strip()]


async def _collect(
    batch_client: BatchClient, batch_id: str, backend: ParkingBackend
) -> tuple[str, dict[str, RawCompletion | BackendError]]:
    """Wait for a batch; return its final status and each line's answer or error. Nothing is
    cached here: an answer is stored only once the structured layer has validated it."""
    batch = await batch_client.wait(batch_id)
    answers: dict[str, RawCompletion | BackendError] = {}
    for line in await batch_client.lines(
        getattr(batch, "output_file_id", None)
    ) + await batch_client.lines(getattr(batch, "error_file_id", None)):
        key = str(line.get("custom_id"))
        response = line.get("response") or {}
        error = line.get("error")
        if not error and response.get("status_code") == 200:
            try:
                raw = _completion(response["body"], backend.model)
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                answers[key] = BackendError(
                    f"batch {batch_id}: malformed answer ({backend.wire.safe_text(exc)})",
                    backend=backend.name,
                )
                continue
            answers[key] = raw
        else:
            # The server's text is not trusted (it may echo the key): redacted before it goes
            # into failures.jsonl, the state store and the progress output.
            detail = error or (response.get("body") or {}).get("error") or response
            answers[key] = BackendError(
                f"batch {batch_id}: request failed (HTTP {response.get('status_code')}): "
                + backend.wire.safe_text(detail),
                backend=backend.name,
            )
    return str(batch.status), answers


class BatchApiEngine:
    """`--via batch-api`: reconcile every event at once, its model calls sent in batches."""

    def __init__(
        self,
        settings: Settings,
        options: BatchOptions,
        store: StateStore,
        *,
        client: Any = None,
        idle_s: float = 0.2,
        max_wait_s: float = 60.0,
    ) -> None:
        if settings.backend != "openai":
            raise ConfigError(
                "--via batch-api needs the openai backend (--backend openai with "
                "RASHOMON_API_KEY, or --base-url of a server with /v1/batches)"
            )
        self.settings = settings
        self.options = options
        self.store = store
        self.client = client  # an `openai.AsyncOpenAI` (tests); else the backend makes one
        self.idle_s = idle_s
        self.max_wait_s = max_wait_s
        self.rounds = 0
        # Batches collected in this run, closed in the state store once the run has ended
        # (until then a crash leaves them open, and --resume re-downloads their answers).
        self.collected: dict[str, str] = {}

    async def run(self, todo: list[Event], recorder: Recorder) -> None:
        settings = self.settings
        wire = build_openai_backend(settings, client=self.client)
        batch_client = BatchClient(wire.client, self.options.poll_interval_s)
        cache = ResponseCache(self.options.out_dir / "batch_cache.sqlite3")

        async def send(batch: dict[str, CompletionRequest]) -> None:
            await self._send(batch, wire, backend, batch_client)  # `backend` is bound below

        batcher = Batcher(send, idle_s=self.idle_s, max_wait_s=self.max_wait_s)
        backend = ParkingBackend(wire, cache, batcher)
        llm = build_llm(settings, backend)
        try:
            # Batches submitted by a run that was killed: wait for them, keep their answers.
            for batch_id, _keys in self.store.open_batches():
                await self._reattach(batch_id, batch_client, backend)

            async def one(event: Event) -> None:
                recorder.started(event)
                try:
                    rec = await reconcile(event.articles, llm=llm, settings=settings)
                except Exception as exc:
                    recorder.failed(event, describe(exc))
                else:
                    recorder.done(event, rec)

            await asyncio.gather(*(one(e) for e in todo))
            for batch_id, status in self.collected.items():
                self.store.close_batch(batch_id, status)
        finally:
            await batcher.aclose()
            cache.close()
            await wire.aclose()

    async def _reattach(
        self, batch_id: str, batch_client: BatchClient, backend: ParkingBackend
    ) -> None:
        """Collect a batch of a killed run and offer its answers. A batch the API no longer
        knows is closed (its requests are asked again); any other error stops the run with a
        typed error, so a passing outage does not make this run pay for the batch twice."""
        try:
            status, answers = await _collect(batch_client, batch_id, backend)
        except openai.NotFoundError:
            self.collected[batch_id] = "gone"
            return
        except Exception as exc:
            raise BackendError(
                f"could not re-attach to batch {batch_id} of the interrupted run "
                f"({backend.wire.safe_text(describe(exc))}): run --resume again once the "
                "Batch API answers",
                backend=backend.name,
            ) from None
        self.collected[batch_id] = status
        for key, answer in answers.items():
            if isinstance(answer, RawCompletion):
                backend.offer(key, answer)

    async def _send(
        self,
        batch: dict[str, CompletionRequest],
        wire: OpenAIBackend,
        backend: ParkingBackend,
        batch_client: BatchClient,
    ) -> None:
        """Submit one batch, wait for it, and settle each of its requests (always: an error
        of the whole batch fails its calls, and the run goes on)."""
        self.rounds += 1
        started = time.monotonic()
        keys = list(batch)
        try:
            lines = [
                {
                    "custom_id": k,
                    "method": "POST",
                    "url": "/v1/chat/completions",
                    "body": wire.request_body(batch[k]),
                }
                for k in keys
            ]
            batch_id, file_id = await batch_client.submit(lines)
            self.store.add_batch(batch_id, file_id, keys)
            status, answers = await _collect(batch_client, batch_id, backend)
            self.collected[batch_id] = status
        except Exception as exc:
            error = BackendError(
                f"batch submission failed: {wire.safe_text(describe(exc))}", backend=backend.name
            )
            answers = {k: error for k in keys}
        for k in keys:
            backend.resolve(
                k,
                answers.get(k)
                or BackendError(
                    "the batch returned no answer for this request", backend=backend.name
                ),
            )
        if not self.options.quiet:
            print(
                f"batch-api: round {self.rounds}: {len(keys)} requests answered in "
                f"{time.monotonic() - started:.1f}s",
                file=self.options.progress_stream or sys.stderr,
            )
