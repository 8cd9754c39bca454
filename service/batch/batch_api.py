"""`--via batch-api`: the pipeline's model calls go through the OpenAI Batch API.

Design: every pending event runs the ordinary `reconcile` at once, over a `ParkingBackend`.
A call whose answer is in the run's response cache (`DIR/batch_cache.sqlite3`, keyed like
`service.llm.cache`) is answered at once; any other call is *parked* on a future. When every
event is either finished or parked (the pipeline has nothing else to await), the parked
requests form one round: they are written as JSONL (custom_id = cache key), uploaded
(`files.create(purpose="batch")`), submitted (`batches.create`), polled, and the output file is
downloaded; each answer is stored in the cache and wakes its parked call, and the pipelines
continue to their next dependent calls, which make the next round. Identical requests from
different events share one line. Rounds = the pipeline's depth (about one per article for the
accounts step, then alignment, summary, plus re-asks), not the number of events.

Crash safety: answers are in the cache as soon as a round's output is downloaded, and each
submitted batch is recorded in the state store, so `--resume` re-attaches to a batch still
running (no second payment) and replays finished rounds from the cache.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from service.batch.runner import BatchOptions, Recorder, describe
from service.batch.state import StateStore
from service.config import Settings
from service.datasets import Event
from service.errors import BackendError, ConfigError
from service.llm.base import CompletionRequest, RawCompletion
from service.llm.cache import ResponseCache
from service.llm.openai_backend import OpenAIBackend
from service.llm.structured import StructuredLLM
from service.pipeline.reconcile import reconcile
from service.schemas import Usage

MAX_LINES_PER_BATCH = 50_000  # the Batch API's per-batch request limit
_TERMINAL = {"completed", "failed", "expired", "cancelled"}


class ParkingBackend:
    """A Backend that answers from the cache or parks the call until the round's batch is in."""

    def __init__(self, wire: OpenAIBackend, cache: ResponseCache) -> None:
        self.wire = wire
        self.cache = cache
        self.parked: dict[str, tuple[CompletionRequest, asyncio.Future[RawCompletion]]] = {}
        self.fresh: dict[str, RawCompletion] = {}  # answered in this process (tokens count)
        self.tick = 0

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
        self.tick += 1
        key = self.key(request)
        if key in self.fresh:
            return self.fresh[key]
        hit = self.cache.get(key)  # synchronous on purpose: a hit never yields (see _settle)
        if hit is not None:
            return hit
        if key not in self.parked:
            self.parked[key] = (request, asyncio.get_running_loop().create_future())
        future = self.parked[key][1]
        try:
            return await asyncio.shield(future)
        finally:
            self.tick += 1

    def body(self, request: CompletionRequest) -> dict[str, Any]:
        return {
            "model": self.wire.model,
            "messages": self.wire._messages(request),
            "response_format": self.wire._response_format(request),
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }

    async def check(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


async def _settle(backend: ParkingBackend, tasks: list[asyncio.Task[None]]) -> None:
    """Return once every task is finished or parked. The pipeline awaits nothing but model
    calls (and gathers of them), and cache hits do not yield, so a few idle loop turns in a
    row with no call started or answered and no task finished mean nothing can move."""
    idle, last = 0, (-1, -1)
    while idle < 20:
        await asyncio.sleep(0)
        state = (backend.tick, sum(t.done() for t in tasks))
        idle = idle + 1 if state == last else 0
        last = state


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
    batch_client: BatchClient, batch_id: str, backend: ParkingBackend, store: StateStore
) -> dict[str, RawCompletion | BackendError]:
    """Wait for a batch; cache every good answer; return answers and per-line errors."""
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
                    f"batch {batch_id}: malformed answer ({exc})", backend=backend.name
                )
                continue
            if raw.finish_reason != "length":
                backend.cache.put(key, raw)
            answers[key] = raw
        else:
            detail = error or (response.get("body") or {}).get("error") or response
            answers[key] = BackendError(
                f"batch {batch_id}: request failed (HTTP {response.get('status_code')}): {detail}",
                backend=backend.name,
            )
    store.close_batch(batch_id, str(batch.status))
    return answers


async def run_batch_api(
    todo: list[Event],
    settings: Settings,
    options: BatchOptions,
    recorder: Recorder,
    store: StateStore,
    *,
    client: Any = None,
) -> None:
    if settings.backend != "openai":
        raise ConfigError(
            "--via batch-api needs the openai backend (--backend openai with "
            "RASHOMON_API_KEY, or --base-url of a server with /v1/batches)"
        )
    wire = OpenAIBackend(
        base_url=settings.base_url,
        model=settings.model or "",
        api_key=settings.api_key.get_secret_value() if settings.api_key else None,
        structured_mode=settings.structured_mode,
        timeout_s=settings.request_timeout_s,
        client=client,
    )
    batch_client = BatchClient(wire._client, options.poll_interval_s)
    cache = ResponseCache(options.out_dir / "batch_cache.sqlite3")
    backend = ParkingBackend(wire, cache)
    llm = StructuredLLM(
        backend, reask_budget=settings.reask_budget, temperature=settings.temperature
    )
    try:
        # Batches submitted by a run that was killed: wait for them, keep their answers.
        for batch_id, _keys in store.open_batches():
            await _collect(batch_client, batch_id, backend, store)

        async def one(event: Event) -> None:
            recorder.started(event)
            try:
                rec = await reconcile(event.articles, llm=llm, settings=settings)
            except Exception as exc:
                recorder.failed(event, describe(exc))
            else:
                recorder.done(event, rec)

        tasks = [asyncio.create_task(one(e)) for e in todo]
        rounds = 0
        while not all(t.done() for t in tasks):
            await _settle(backend, tasks)
            if not backend.parked:
                if all(t.done() for t in tasks):
                    break
                continue
            rounds += 1
            parked, backend.parked = backend.parked, {}
            keys = list(parked)
            started = time.monotonic()
            for n in range(0, len(keys), MAX_LINES_PER_BATCH):
                chunk = keys[n : n + MAX_LINES_PER_BATCH]
                lines = [
                    {
                        "custom_id": k,
                        "method": "POST",
                        "url": "/v1/chat/completions",
                        "body": backend.body(parked[k][0]),
                    }
                    for k in chunk
                ]
                try:
                    batch_id, file_id = await batch_client.submit(lines)
                    store.add_batch(batch_id, file_id, chunk)
                    answers = await _collect(batch_client, batch_id, backend, store)
                except Exception as exc:  # the whole batch failed: fail its calls, go on
                    error = BackendError(
                        f"batch submission failed: {describe(exc)}", backend=backend.name
                    )
                    answers = {k: error for k in chunk}
                for k in chunk:
                    future = parked[k][1]
                    answer = answers.get(k) or BackendError(
                        "the batch returned no answer for this request", backend=backend.name
                    )
                    if isinstance(answer, BaseException):
                        future.set_exception(answer)
                    else:
                        backend.fresh[k] = answer
                        future.set_result(answer)
            if not options.quiet:
                print(
                    f"batch-api: round {rounds}: {len(keys)} requests answered in "
                    f"{time.monotonic() - started:.1f}s",
                    file=options.progress_stream or sys.stderr,
                )
        await asyncio.gather(*tasks)
    finally:
        cache.close()
        await wire.aclose()
