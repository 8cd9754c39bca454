"""The OpenAI-compatible adapter against an in-process HTTP fake (httpx.MockTransport): the real
SDK code path runs, only the network is replaced."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest

from service.errors import BackendError, BackendUnavailableError
from service.llm.base import CompletionRequest
from service.llm.openai_backend import OpenAIBackend
from service.messages import Message

REQ = CompletionRequest(
    messages=(Message("user", "hi"),),
    schema_name="Thing",
    json_schema={"type": "object", "properties": {"a": {"type": "integer"}}},
    max_tokens=20,
)


def _ok(content: str = '{"a": 1}', finish: str = "stop") -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": finish,
                    "message": {"role": "assistant", "content": content},
                }
            ],
            "usage": {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14},
        },
    )


def _backend(handler: Callable[[httpx.Request], httpx.Response], **kw: Any) -> OpenAIBackend:
    client = openai.AsyncOpenAI(
        base_url="http://127.0.0.1:9/v1",
        api_key="k",
        max_retries=0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    kw.setdefault("transport_retries", 3)
    return OpenAIBackend(
        base_url="http://127.0.0.1:9/v1", model="m", api_key="k", client=client, **kw
    )


async def test_json_schema_mode_sends_structured_output_request() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return _ok()

    out = await _backend(handler, structured_mode="json_schema").complete(REQ)
    assert out.text == '{"a": 1}' and out.usage.total_tokens == 14
    assert seen[0]["response_format"]["type"] == "json_schema"
    assert seen[0]["response_format"]["json_schema"]["schema"] == REQ.json_schema


async def test_llama_cpp_mode_sends_schema_inside_json_object() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return _ok()

    await _backend(handler, structured_mode="json_object_schema").complete(REQ)
    assert seen[0]["response_format"] == {"type": "json_object", "schema": REQ.json_schema}


async def test_auto_mode_falls_back_when_server_rejects_json_schema() -> None:
    kinds: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        kind = json.loads(request.content)["response_format"]["type"]
        kinds.append(kind)
        if kind == "json_schema":
            return httpx.Response(500, json={"error": {"message": "Unknown response_format type"}})
        return _ok()

    backend = _backend(handler, structured_mode="auto", transport_retries=0)
    await backend.complete(REQ)
    await backend.complete(REQ)
    assert kinds == ["json_schema", "json_object", "json_object"]
    assert backend.structured_mode == "json_object_schema"


async def test_retries_429_honouring_retry_after_then_succeeds() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls < 3:
            return httpx.Response(
                429, headers={"retry-after": "0"}, json={"error": {"message": "slow down"}}
            )
        return _ok()

    out = await _backend(handler, structured_mode="json_schema").complete(REQ)
    assert out.text and calls == 3


async def test_persistent_503_becomes_backend_unavailable_after_the_retry_budget() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(
            503, headers={"retry-after": "0"}, json={"error": {"message": "overloaded"}}
        )

    with pytest.raises(BackendUnavailableError, match="503") as info:
        await _backend(handler, structured_mode="json_schema", transport_retries=2).complete(REQ)
    assert calls == 3  # one owner of retries: 1 + 2, the SDK added none
    assert isinstance(info.value.__cause__, openai.APIStatusError)


async def test_connection_refused_names_the_url_and_the_fix() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(BackendUnavailableError, match="is the server running"):
        await _backend(handler, structured_mode="json_schema", transport_retries=0).complete(REQ)


async def test_auth_error_is_not_retried_and_says_which_setting() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(401, json={"error": {"message": "bad key"}})

    with pytest.raises(BackendError, match="RASHOMON_API_KEY"):
        await _backend(handler, structured_mode="json_schema").complete(REQ)
    assert calls == 1


async def test_length_finish_reason_is_passed_through_for_the_structured_layer() -> None:
    out = await _backend(lambda r: _ok('{"a":', "length"), structured_mode="json_schema").complete(
        REQ
    )
    assert out.finish_reason == "length"


SECRET = "sk-test-0123456789abcdefSECRET"
SERVICE_KEY = "my-configured-key-4242"


def _echoing_backend(status: int, **kw: Any) -> OpenAIBackend:
    """A server whose error text echoes the key it was sent, and then some."""

    def handler(request: httpx.Request) -> httpx.Response:
        sent = request.headers["authorization"]
        message = (
            f"invalid request from {sent}; key {SERVICE_KEY} rejected; also saw {SECRET} "
            f"and api_key=hunter2hunter2 " + "padding " * 2000
        )
        return httpx.Response(
            status, headers={"retry-after": "0"}, json={"error": {"message": message}}
        )

    client = openai.AsyncOpenAI(
        base_url="http://127.0.0.1:9/v1",
        api_key=SERVICE_KEY,
        max_retries=0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    return OpenAIBackend(
        base_url="http://127.0.0.1:9/v1",
        model="m",
        api_key=SERVICE_KEY,
        client=client,
        structured_mode="json_schema",
        transport_retries=0,
        **kw,
    )


@pytest.mark.parametrize("status", [400, 500, 503])
async def test_issue10_8_server_error_text_is_redacted_and_truncated(status: int) -> None:
    import traceback

    with pytest.raises(BackendError) as info:
        await _echoing_backend(status).complete(REQ)
    shown = str(info.value)
    assert f"HTTP {status}" in shown and "[redacted]" in shown
    everything = "".join(traceback.format_exception(info.value))
    for secret in (SERVICE_KEY, SECRET, "hunter2hunter2"):
        assert secret not in everything, secret
    assert len(shown) < 500
    assert isinstance(info.value.__cause__, openai.APIStatusError)


def test_issue10_8_redact_patterns() -> None:
    from service.llm.openai_backend import redact

    text = redact(
        "Authorization: Bearer abc.DEF-123 token=zzz999 https://user:pw@host/v1 sk-proj-abcd1234",
        ("configured",),
    )
    for leaked in ("abc.DEF-123", "zzz999", "user:pw", "abcd1234"):
        assert leaked not in text
    assert redact("a configured b", ("configured",)) == "a [redacted] b"
    assert len(redact("x" * 10_000)) == 300
