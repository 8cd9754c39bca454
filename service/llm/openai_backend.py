"""Adapter for any OpenAI-compatible chat-completions server (OpenAI, vLLM, Ollama, llama.cpp).

Owns transport: tenacity retries 429/5xx/timeouts/connection errors with exponential backoff,
honouring `Retry-After`; the SDK's own retries are off (`max_retries=0`) so there is exactly one
retry owner. Owns the structured-output wire format, which differs by server:

- json_schema:        OpenAI structured outputs, vLLM, Ollama >= 0.5.
- json_object_schema: llama-cpp-python's server (rejects json_schema with HTTP 500 but
                      grammar-constrains `{"type": "json_object", "schema": ...}`).
- json_object:        plain JSON mode; the schema travels in the prompt only.
`auto` starts with json_schema and falls back to json_object_schema once if the server
rejects the response_format. SDK errors become `service.errors` types, chained with `from`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from service.config import StructuredMode
from service.errors import BackendError, BackendUnavailableError, ConfigError
from service.llm.base import CompletionRequest, RawCompletion
from service.schemas import Usage

_RETRYABLE = (
    openai.APIConnectionError,  # includes APITimeoutError
    openai.RateLimitError,
    openai.InternalServerError,
)


def _is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, _RETRYABLE):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code in (408, 409, 429, 502, 503)


def _retry_after_s(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after")
    try:
        return min(float(value), 120.0) if value is not None else None
    except ValueError:
        return None


class _WaitRetryAfter:
    """Exponential backoff with jitter, unless the server said how long to wait."""

    def __init__(self) -> None:
        self._fallback = wait_exponential_jitter(initial=1.0, max=30.0)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        hinted = _retry_after_s(exc) if exc else None
        return hinted if hinted is not None else self._fallback(state)


def _rejects_response_format(exc: openai.APIStatusError) -> bool:
    text = f"{exc.message} {getattr(exc, 'body', '')}".lower()
    return exc.status_code in (400, 422, 500) and (
        "response_format" in text or "json_schema" in text or "schema" in text
    )


class OpenAIBackend:
    def __init__(
        self,
        *,
        base_url: str | None,
        model: str,
        api_key: str | None,
        structured_mode: StructuredMode = "auto",
        timeout_s: float = 300.0,
        transport_retries: int = 4,
        max_concurrency: int = 4,
        backend_name: str = "openai",
        client: openai.AsyncOpenAI | None = None,
        cache_identity: str | None = None,
    ) -> None:
        if not model:
            raise ConfigError(
                "the openai backend needs a model name: pass --model or set RASHOMON_MODEL"
            )
        self._name = backend_name
        self._cache_identity = cache_identity
        self._model = model
        self._base_url = base_url or "https://api.openai.com/v1"
        if structured_mode == "auto" and "api.openai.com" in self._base_url:
            structured_mode = "json_schema"
        self._mode: StructuredMode = structured_mode
        self._client = client or openai.AsyncOpenAI(
            base_url=self._base_url,
            # Local servers ignore the key; the SDK insists on one.
            api_key=api_key or "not-needed",
            max_retries=0,
            timeout=timeout_s,
        )
        self._retries = transport_retries
        self._semaphore = asyncio.Semaphore(max_concurrency)

    @property
    def name(self) -> str:
        return self._name

    @property
    def model(self) -> str:
        return self._model

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def structured_mode(self) -> StructuredMode:
        return self._mode

    @property
    def cache_identity(self) -> str:
        return self._cache_identity or f"{self._base_url}|{self._model}"

    def _response_format(self, request: CompletionRequest) -> dict[str, Any]:
        mode = "json_schema" if self._mode == "auto" else self._mode
        if mode == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {
                    "name": request.schema_name,
                    "schema": request.json_schema,
                    "strict": False,
                },
            }
        if mode == "json_object_schema":
            return {"type": "json_object", "schema": request.json_schema}
        return {"type": "json_object"}

    def _messages(self, request: CompletionRequest) -> list[dict[str, str]]:
        messages = [m.as_dict() for m in request.messages]
        if self._mode == "json_object":
            # The server cannot constrain to the schema: state it in the prompt instead.
            schema = json.dumps(request.json_schema, separators=(",", ":"))
            messages[-1] = {
                **messages[-1],
                "content": f"{messages[-1]['content']}\n\nAnswer with JSON matching: {schema}",
            }
        return messages

    async def complete(self, request: CompletionRequest) -> RawCompletion:
        async with self._semaphore:
            try:
                return await self._complete_with_retries(request)
            except openai.APIStatusError as e:
                if self._mode == "auto" and _rejects_response_format(e):
                    self._mode = "json_object_schema"
                    return await self._complete_with_retries(request)
                raise

    async def _complete_with_retries(self, request: CompletionRequest) -> RawCompletion:
        retrying = AsyncRetrying(
            retry=retry_if_exception(_is_retryable),
            stop=stop_after_attempt(self._retries + 1),
            wait=_WaitRetryAfter(),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._complete_once(request)
        except openai.AuthenticationError as e:
            raise BackendError(
                f"authentication failed at {self._base_url}: check RASHOMON_API_KEY",
                backend=self._name,
            ) from e
        except openai.NotFoundError as e:
            raise BackendError(
                f"model {self._model!r} or endpoint not found at {self._base_url}: "
                "check RASHOMON_MODEL and RASHOMON_BASE_URL (it usually ends in /v1)",
                backend=self._name,
            ) from e
        except openai.APIStatusError as e:
            if self._mode == "auto" and _rejects_response_format(e):
                raise  # handled by complete(): fall back to another wire format
            if _is_retryable(e):
                raise BackendUnavailableError(
                    f"HTTP {e.status_code} from {self._base_url} after {self._retries + 1} "
                    f"attempts: {e.message}",
                    backend=self._name,
                ) from e
            raise BackendError(
                f"HTTP {e.status_code} from {self._base_url}: {e.message}", backend=self._name
            ) from e
        except openai.APIConnectionError as e:
            raise BackendUnavailableError(
                f"cannot reach {self._base_url} after {self._retries + 1} attempts ({e}): "
                "is the server running? check RASHOMON_BASE_URL",
                backend=self._name,
            ) from e
        except openai.OpenAIError as e:
            raise BackendError(f"{type(e).__name__}: {e}", backend=self._name) from e
        raise AssertionError("unreachable: tenacity either returns or reraises")

    async def _complete_once(self, request: CompletionRequest) -> RawCompletion:
        # Plain dicts: response_format carries server-specific shapes the SDK types don't know.
        params: dict[str, Any] = {
            "model": self._model,
            "messages": self._messages(request),
            "response_format": self._response_format(request),
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }
        response = await self._client.chat.completions.create(**params)
        if not response.choices:
            raise BackendError(
                f"{self._base_url} returned no choices: is this an OpenAI-compatible server?",
                backend=self._name,
            )
        choice = response.choices[0]
        usage = response.usage
        return RawCompletion(
            text=choice.message.content or "",
            finish_reason=choice.finish_reason,
            usage=Usage(
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else 0,
            ),
            model=response.model or self._model,
        )

    async def check(self) -> None:
        try:
            await self._client.models.list()
        except openai.OpenAIError as e:
            raise BackendUnavailableError(
                f"{self._base_url} does not answer /models ({e})", backend=self._name
            ) from e

    async def aclose(self) -> None:
        await self._client.close()
