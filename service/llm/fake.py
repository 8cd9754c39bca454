"""A real, in-process backend for tests, demos and load scripts.

`FakeBackend` answers from a queue of scripted outputs (strings, dicts, pydantic models,
`RawCompletion`s or exceptions to raise) and records the requests it receives (the last
`keep_requests`, 1000 by default, so a long-running `serve --backend fake` does not grow;
`calls` counts them all). When the
queue is empty it asks an optional `responder(request) -> str | dict`; with neither it raises,
so a test never silently gets an answer it did not script.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from service.errors import BackendError
from service.llm.base import CompletionRequest, RawCompletion
from service.schemas import Usage

Scripted = str | dict[str, Any] | BaseModel | RawCompletion | BaseException
Responder = Callable[[CompletionRequest], str | dict[str, Any] | BaseModel]


class FakeBackend:
    def __init__(
        self,
        outputs: Iterable[Scripted] = (),
        *,
        responder: Responder | None = None,
        model: str = "fake-model",
        latency_s: float = 0.0,
        keep_requests: int = 1000,
    ) -> None:
        self._queue: deque[Scripted] = deque(outputs)
        self._responder = responder
        self._model = model
        self.latency_s = latency_s
        self.requests: deque[CompletionRequest] = deque(maxlen=keep_requests)
        self.calls = 0
        self.closed = False

    @property
    def name(self) -> str:
        return "fake"

    @property
    def model(self) -> str:
        return self._model

    @property
    def cache_identity(self) -> str:
        return f"fake:{self._model}"

    def push(self, *outputs: Scripted) -> None:
        self._queue.extend(outputs)

    @property
    def pending(self) -> int:
        return len(self._queue)

    async def complete(self, request: CompletionRequest) -> RawCompletion:
        self.requests.append(request)
        self.calls += 1
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if self._queue:
            item = self._queue.popleft()
        elif self._responder is not None:
            item = self._responder(request)
        else:
            raise BackendError(
                f"no scripted output left for request #{self.calls} "
                f"(schema {request.schema_name}); push more outputs or pass a responder",
                backend="fake",
            )
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, RawCompletion):
            return item
        text = _to_text(item)
        usage = Usage(
            prompt_tokens=sum(len(m.content) for m in request.messages) // 4,
            completion_tokens=max(1, len(text) // 4),
        )
        return RawCompletion(text=text, finish_reason="stop", usage=usage, model=self._model)

    async def check(self) -> None:
        return None

    async def aclose(self) -> None:
        self.closed = True


def _to_text(item: str | dict[str, Any] | BaseModel) -> str:
    if isinstance(item, BaseModel):
        return item.model_dump_json()
    if isinstance(item, dict):
        return json.dumps(item)
    return item
