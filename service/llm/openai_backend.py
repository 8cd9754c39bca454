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

The server's error text is not trusted: before it goes into an error (and from there into HTTP
bodies, logs, the jobs database and failures.jsonl) it is redacted (the configured key, bearer
tokens, `sk-...` keys, `api_key=...` pairs, credentials in URLs) and truncated; the chained SDK
exception is scrubbed the same way, so a traceback does not carry it either.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

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


MAX_ERROR_CHARS = 300
REDACTED = "[redacted]"
_SECRET_PATTERNS = (
    # Authorization headers and bearer tokens: "Bearer abc.def", "Authorization: Basic xyz"
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,}"), rf"\1 {REDACTED}"),
    # OpenAI-style keys, also partly masked ones ("sk-proj-...abcd")
    (re.compile(r"\bsk-[A-Za-z0-9_*.\-]{4,}"), f"sk-{REDACTED}"),
    # key=value / "key": "value" pairs whose name says they are secret
    (
        re.compile(
            r"""(?ix)(["']?(?:api[_-]?key|x-api-key|authorization|access[_-]?token|token|secret|"""
            r"""password)["']?\s*[:=]\s*["']?)[^"'\s,;}&]+"""
        ),
        rf"\1{REDACTED}",
    ),
    # credentials in URLs: scheme://user:pass@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+(?::[^/\s@]*)?@"), rf"\1{REDACTED}@"),
)


def redact(text: str, secrets: tuple[str, ...] = (), limit: int = MAX_ERROR_CHARS) -> str:
    """`text` from a model server, safe to show and store: each of `secrets` (e.g. the
    configured key) and anything shaped like a credential replaced by [redacted], whitespace
    collapsed, and cut to `limit` characters."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _url_without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=f"{REDACTED}@{parts.netloc.rsplit('@', 1)[1]}"))


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
        self._secrets = (api_key,) if api_key else ()
        self._shown_url = _url_without_credentials(self._base_url)

    def safe_text(self, text: object) -> str:
        """Text from this server (an error body, an exception) made safe to show and store:
        the configured key and anything shaped like a credential redacted, cut short. The Batch
        API engine passes its per-line errors through here too."""
        return redact(str(text), self._secrets)

    def _scrub(self, exc: openai.OpenAIError) -> openai.OpenAIError:
        """Redact the SDK exception in place before it is chained (tracebacks print it)."""
        exc.args = tuple(self.safe_text(a) for a in exc.args) or exc.args
        if isinstance(exc, openai.APIError):
            exc.message = self.safe_text(exc.message)
            exc.body = None
        return exc

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

    @property
    def client(self) -> openai.AsyncOpenAI:
        """The SDK client (the Batch API engine uploads and polls through it)."""
        return self._client

    def request_body(self, request: CompletionRequest) -> dict[str, Any]:
        """The chat-completions body for `request` in this server's structured-output wire
        format: what `complete` sends, and a line of an OpenAI Batch API input file."""
        # Plain dicts: response_format carries server-specific shapes the SDK types don't know.
        return {
            "model": self._model,
            "messages": self._messages(request),
            "response_format": self._response_format(request),
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }

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
                f"authentication failed at {self._shown_url}: check RASHOMON_API_KEY",
                backend=self._name,
            ) from self._scrub(e)
        except openai.NotFoundError as e:
            raise BackendError(
                f"model {self._model!r} or endpoint not found at {self._shown_url}: "
                "check RASHOMON_MODEL and RASHOMON_BASE_URL (it usually ends in /v1)",
                backend=self._name,
            ) from self._scrub(e)
        except openai.APIStatusError as e:
            if self._mode == "auto" and _rejects_response_format(e):
                raise  # handled by complete(): fall back to another wire format
            message = self.safe_text(e.message)
            if _is_retryable(e):
                raise BackendUnavailableError(
                    f"HTTP {e.status_code} from {self._shown_url} after {self._retries + 1} "
                    f"attempts: {message}",
                    backend=self._name,
                ) from self._scrub(e)
            raise BackendError(
                f"HTTP {e.status_code} from {self._shown_url}: {message}", backend=self._name
            ) from self._scrub(e)
        except openai.APIConnectionError as e:
            raise BackendUnavailableError(
                f"cannot reach {self._shown_url} after {self._retries + 1} attempts "
                f"({self.safe_text(e)}): is the server running? check RASHOMON_BASE_URL",
                backend=self._name,
            ) from self._scrub(e)
        except openai.OpenAIError as e:
            raise BackendError(
                f"{type(e).__name__}: {self.safe_text(e)}", backend=self._name
            ) from self._scrub(e)
        raise AssertionError("unreachable: tenacity either returns or reraises")

    async def _complete_once(self, request: CompletionRequest) -> RawCompletion:
        response = await self._client.chat.completions.create(**self.request_body(request))
        if not response.choices:
            raise BackendError(
                f"{self._shown_url} returned no choices: is this an OpenAI-compatible server?",
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
                f"{self._shown_url} does not answer /models ({self.safe_text(e)})",
                backend=self._name,
            ) from self._scrub(e)

    async def aclose(self) -> None:
        await self._client.close()
