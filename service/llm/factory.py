"""Reaching the model: turn settings into a ready backend (the 'provider' side).

The pipeline never sees which server it talks to; it gets a `StructuredLLM` over a backend.
"""

from __future__ import annotations

import openai

from service.config import Settings
from service.errors import ConfigError
from service.llm.base import Backend
from service.llm.cache import CachingBackend, ResponseCache
from service.llm.fake import FakeBackend
from service.llm.openai_backend import OpenAIBackend
from service.llm.structured import StructuredLLM


def build_openai_backend(
    settings: Settings, *, client: openai.AsyncOpenAI | None = None
) -> OpenAIBackend:
    """The OpenAI-compatible backend the settings describe (no cache around it). `client`
    replaces the SDK client the backend would make (tests, the Batch API's fakes)."""
    if not settings.base_url and not settings.api_key:
        raise ConfigError(
            "the openai backend needs RASHOMON_BASE_URL (any OpenAI-compatible server) "
            "or RASHOMON_API_KEY (api.openai.com)"
        )
    return OpenAIBackend(
        base_url=settings.base_url,
        model=settings.model or "",
        api_key=settings.api_key.get_secret_value() if settings.api_key else None,
        structured_mode=settings.structured_mode,
        timeout_s=settings.request_timeout_s,
        transport_retries=settings.transport_retries,
        max_concurrency=settings.max_concurrency,
        client=client,
    )


def build_backend(settings: Settings) -> Backend:
    backend: Backend
    if settings.backend == "fake":
        from service.llm.fake_responder import fake_responder

        backend = FakeBackend(responder=fake_responder, latency_s=settings.fake_latency_s)
    elif settings.backend == "openai":
        backend = build_openai_backend(settings)
    else:
        from service.llm.embedded import get_or_start

        server = get_or_start(settings)
        backend = OpenAIBackend(
            base_url=server.base_url,
            model=server.model_name,
            api_key=None,
            structured_mode="json_object_schema",
            timeout_s=settings.request_timeout_s,
            transport_retries=settings.transport_retries,
            # llama.cpp serves one request at a time; queueing here keeps its prefix cache warm.
            max_concurrency=1,
            backend_name="embedded",
            cache_identity=server.identity,
        )
    if settings.cache_enabled and settings.backend != "fake":
        backend = CachingBackend(backend, ResponseCache(settings.cache_path))
    return backend


def build_llm(settings: Settings, backend: Backend | None = None) -> StructuredLLM:
    return StructuredLLM(
        backend or build_backend(settings),
        reask_budget=settings.reask_budget,
        temperature=settings.temperature,
    )
