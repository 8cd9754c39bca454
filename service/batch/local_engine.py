"""The default batch engine: events reconciled by asyncio tasks in this process."""

from __future__ import annotations

import asyncio

from service.batch.engine import BatchOptions, Recorder, describe
from service.config import Settings
from service.datasets import Event
from service.llm.lifecycle import open_llm
from service.llm.structured import StructuredLLM
from service.pipeline.reconcile import reconcile


class LocalEngine:
    """`options.concurrency` workers pull events lazily (a million-event dump never holds a
    million coroutines) and reconcile each with the one pipeline function. `llm` overrides the
    model built from the settings (tests; its caller closes it), see `open_llm`."""

    def __init__(
        self, settings: Settings, options: BatchOptions, llm: StructuredLLM | None = None
    ) -> None:
        self.settings = settings
        self.options = options
        self.llm = llm

    async def run(self, todo: list[Event], recorder: Recorder) -> None:
        n = max(1, self.options.concurrency)
        queue = iter(todo)

        async def worker(llm: StructuredLLM) -> None:
            for event in queue:
                recorder.started(event)
                try:
                    rec = await reconcile(event.articles, llm=llm, settings=self.settings)
                except Exception as exc:  # any failure of one event is recorded, never fatal
                    recorder.failed(event, describe(exc))
                else:
                    recorder.done(event, rec)

        async with open_llm(self.settings, self.llm) as llm:
            await asyncio.gather(*(worker(llm) for _ in range(n)))
