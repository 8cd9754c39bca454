"""Who closes the model: `open_llm` is the one owner of a backend's lifetime.

Every door (the CLI runner, the batch engine, the eval harness, the HTTP app) borrows a model
through `async with open_llm(settings, llm) as llm:`. A model passed in stays the caller's to
close (tests, a shared app model); one built here from the settings is closed here, also when
the work fails, which stops an embedded llama.cpp server this process started.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from service.config import Settings
from service.llm.factory import build_llm
from service.llm.structured import StructuredLLM


@asynccontextmanager
async def open_llm(
    settings: Settings, llm: StructuredLLM | None = None
) -> AsyncIterator[StructuredLLM]:
    """`llm` as given, or a model built from `settings` and closed on exit."""
    if llm is not None:
        yield llm
        return
    # In a worker thread: the embedded backend starts a llama.cpp server and waits for it,
    # which would otherwise block the event loop (the HTTP app's startup, the batch progress).
    built = await asyncio.to_thread(build_llm, settings)
    try:
        yield built
    finally:
        await built.backend.aclose()
