"""The one small interface between the pipeline and any model.

A backend turns a `CompletionRequest` (messages + the JSON schema the answer must follow)
into a `RawCompletion` (text + finish reason + usage). Parsing, validation and re-asks live in
`structured.py`, transport retries inside the adapter: each concern has one owner.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from service.messages import Message
from service.schemas import Usage


@dataclass(frozen=True)
class CompletionRequest:
    messages: tuple[Message, ...]
    schema_name: str
    json_schema: dict[str, Any]
    max_tokens: int = 512
    temperature: float = 0.0
    # Provenance only (the rendered messages already determine the answer); part of cache key.
    prompt_sha256: str = ""

    @property
    def schema_sha256(self) -> str:
        return sha256_json(self.json_schema)


@dataclass(frozen=True)
class RawCompletion:
    text: str
    finish_reason: str | None
    usage: Usage = field(default_factory=Usage)
    model: str = ""
    cached: bool = False


@runtime_checkable
class Backend(Protocol):
    """Anything that can complete messages into text that should follow a JSON schema."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def cache_identity(self) -> str:
        """What makes answers from this backend distinct (e.g. base URL + model)."""
        ...

    async def complete(self, request: CompletionRequest) -> RawCompletion: ...

    async def check(self) -> None:
        """Raise BackendError if the backend cannot answer now (used by /readyz)."""
        ...

    async def aclose(self) -> None: ...


def sha256_json(value: Any) -> str:
    return hashlib.sha256(
        json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


class Delegating:
    """Base of a backend that wraps another (the response cache, the HTTP worker's loop hop):
    it answers as the backend it wraps, so cache keys and step records stay the inner one's."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def cache_identity(self) -> str:
        return self.inner.cache_identity


@runtime_checkable
class AnswerStore(Protocol):
    """A backend that keeps answers (the response cache). It stores nothing by itself: the
    structured layer calls `remember` only for an answer that parsed and passed validation, and
    `forget` for a stored answer that no longer does, so a failed or re-asked-into-failure
    answer is never replayed."""

    async def remember(self, request: CompletionRequest, answer: RawCompletion) -> None: ...

    async def forget(self, request: CompletionRequest) -> None: ...
