"""Structured completion: messages in, a validated pydantic object out.

Owns schema re-asks (instructor-style): when the answer does not parse, does not fit the schema,
or fails the caller's semantic check (e.g. a sentence id that is not in the article), the error is
fed back to the model and it is asked again, within a small budget. Transport retries are not
here (the adapter owns them); truncation is raised as `TruncatedOutputError`, never re-asked as
a parse failure. Tokens are counted across every attempt, including failed ones. With a
response cache (an `AnswerStore`) only answers that passed validation are stored, and a stored
answer that fails validation is dropped and asked afresh.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.base import AnswerStore, Backend, CompletionRequest, RawCompletion
from service.messages import Message
from service.prompts import RenderedPrompt
from service.schemas import PromptRef, StepRecord, Usage

T = TypeVar("T", bound=BaseModel)
Validator = Callable[[T], None]


@dataclass
class StepMeter:
    """Accumulates the cost of one pipeline step across all its calls and attempts."""

    step: str
    backend: str
    model: str
    prompt: PromptRef | None = None
    calls: int = 0
    attempts: int = 0
    cache_hits: int = 0
    usage: Usage = field(default_factory=Usage)
    cached_usage: Usage = field(default_factory=Usage)
    wall_time_s: float = 0.0

    @contextmanager
    def timed(self) -> Iterator[None]:
        """Wall time of the step itself (calls run concurrently, so summing them would not)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.wall_time_s += time.perf_counter() - started

    def record(self) -> StepRecord:
        return StepRecord(
            step=self.step,
            prompt=self.prompt,
            backend=self.backend,
            model=self.model,
            calls=self.calls,
            attempts=self.attempts,
            cache_hits=self.cache_hits,
            usage=self.usage,
            cached_usage=self.cached_usage,
            wall_time_s=round(self.wall_time_s, 3),
        )


@lru_cache(maxsize=64)
def model_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema sent to the server, with $refs inlined (some grammar converters
    handle only self-contained schemas) and pydantic's titles dropped (noise for the model)."""
    raw = schema.model_json_schema()
    defs = raw.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = defs[node["$ref"].rsplit("/", 1)[-1]]
                return resolve(copy.deepcopy(target))
            return {k: resolve(v) for k, v in node.items() if k != "title"}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    resolved: dict[str, Any] = resolve(raw)
    return resolved


class StructuredLLM:
    """What the pipeline talks to: one method, `complete`, that returns a validated object."""

    def __init__(self, backend: Backend, *, reask_budget: int = 2, temperature: float = 0.0):
        self.backend = backend
        self.reask_budget = reask_budget
        self.temperature = temperature

    def meter(self, step: str, prompt: PromptRef | None = None) -> StepMeter:
        return StepMeter(
            step=step, backend=self.backend.name, model=self.backend.model, prompt=prompt
        )

    async def complete(
        self,
        prompt: RenderedPrompt,
        schema: type[T],
        *,
        meter: StepMeter,
        max_tokens: int = 512,
        validate: Validator[T] | None = None,
        reask_budget: int | None = None,
    ) -> T:
        """`reask_budget` lowers the configured budget for one call (never raises it)."""
        budget = self.reask_budget if reask_budget is None else min(reask_budget, self.reask_budget)
        messages: list[Message] = list(prompt.messages)
        json_schema = model_schema(schema)
        meter.calls += 1
        meter.prompt = meter.prompt or prompt.ref
        for attempt in range(budget + 1):
            request = CompletionRequest(
                messages=tuple(messages),
                schema_name=schema.__name__,
                json_schema=json_schema,
                max_tokens=max_tokens,
                temperature=self.temperature,
                prompt_sha256=prompt.ref.sha256,
            )
            raw, value, error = await self._attempt(request, schema, prompt, meter, validate)
            store = self.backend if isinstance(self.backend, AnswerStore) else None
            if error is not None and raw.cached and store is not None:
                # A stored answer that fails today's checks is stale: drop it, ask afresh.
                await store.forget(request)
                raw, value, error = await self._attempt(request, schema, prompt, meter, validate)
            if error is None:
                assert value is not None
                if store is not None:
                    await store.remember(request, raw)  # only answers that passed validation
                return value
            problem = _describe(error)
            if attempt == budget:
                raise InvalidOutputError(
                    f"{prompt.ref.name}: answer still invalid after {budget} re-asks: {problem}",
                    backend=self.backend.name,
                ) from error
            messages += [
                Message(role="assistant", content=raw.text),
                Message(
                    role="user",
                    content=f"That answer was rejected: {problem}\n"
                    "Answer again with corrected JSON only.",
                ),
            ]
        raise AssertionError("unreachable")

    async def _attempt(
        self,
        request: CompletionRequest,
        schema: type[T],
        prompt: RenderedPrompt,
        meter: StepMeter,
        validate: Validator[T] | None,
    ) -> tuple[RawCompletion, T | None, ValidationError | ValueError | None]:
        """One call: the raw answer and either the validated value or why it was rejected."""
        raw = await self.backend.complete(request)
        meter.attempts += 1
        if raw.cached:
            meter.cache_hits += 1
            meter.cached_usage = meter.cached_usage + raw.usage
        else:
            meter.usage = meter.usage + raw.usage
        if raw.finish_reason == "length":
            raise TruncatedOutputError(
                f"{prompt.ref.name}: answer cut off at max_tokens={request.max_tokens} "
                f"after {len(raw.text)} characters; the step asks for too much in one "
                "call (lower pairs_per_call)",
                backend=self.backend.name,
            )
        try:
            value = schema.model_validate_json(raw.text)
            if validate is not None:
                validate(value)
        except (ValidationError, ValueError) as e:
            return raw, None, e
        return raw, value, None


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        parts = [
            f"{'.'.join(str(p) for p in err['loc']) or 'answer'}: {err['msg']}"
            for err in error.errors()[:5]
        ]
        return "; ".join(parts)
    return str(error)
