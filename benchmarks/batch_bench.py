"""Batch throughput against the fake backend at a fixed latency per model call.

    python benchmarks/batch_bench.py [--events 200] [--latency 0.02]

Prints events/s at concurrency 1, 4, 16, 64 and the ratio to the ideal (N x the single-stream
rate), then the wall time of a cold run against a re-run answered from the response cache
(the factory skips the cache for the fake backend, so the bench wraps it in CachingBackend).
Not a test: numbers depend on the machine (the pipeline's own CPU work caps the speed-up).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.batch.inputs import Dump
from service.batch.runner import BatchOptions, run_batch
from service.config import Settings
from service.datasets import Event
from service.llm.cache import CachingBackend, ResponseCache
from service.llm.fake import FakeBackend
from service.llm.fake_responder import fake_responder
from service.llm.structured import StructuredLLM
from service.schemas import ArticleIn

PLACES = ["Orlen", "Valda", "Mirsk", "Estria", "Teral", "Olvia", "Brant", "Kessa"]
THINGS = ["dam", "strike", "quake", "budget", "fire", "merger", "flood", "election"]


def synthetic_events(n: int) -> list[Event]:
    events = []
    for i in range(n):
        place, thing = PLACES[i % len(PLACES)], THINGS[(i // len(PLACES)) % len(THINGS)]
        articles = []
        for j, outlet in enumerate(("Daily A", "Herald B")):
            text = (
                f"The {thing} in {place} affected {i + j + 3} people on day {i}, officials "
                f"said. {outlet} reported that the {thing} began early. The mayor said the "
                f'response was "fast" in case {i}. Critics denied that warnings came in '
                f"time for {place}."
            )
            articles.append(ArticleIn(text=text, outlet=outlet, title=f"{thing} in {place} #{i}"))
        events.append(
            Event.build(name=f"{thing} {place} {i}", articles=articles, grouping="synthetic")
        )
    return events


async def timed(
    events: list[Event], llm: StructuredLLM, concurrency: int, settings: Settings
) -> float:
    with tempfile.TemporaryDirectory() as out:
        options = BatchOptions(
            out_dir=Path(out), concurrency=concurrency, quiet=True, progress_stream=io.StringIO()
        )
        started = time.perf_counter()
        summary = await run_batch(Dump("synthetic", events, []), settings, options, llm=llm)
        wall = time.perf_counter() - started
        assert summary.done == len(events), summary
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per model call")
    args = parser.parse_args()
    settings = Settings(backend="fake", cache_enabled=False)
    events = synthetic_events(args.events)
    calls = FakeBackend(responder=fake_responder)
    asyncio.run(timed(events[:1], StructuredLLM(calls), 1, settings))
    print(
        f"{args.events} events, {calls.calls} model calls per event, "
        f"fake latency {args.latency * 1000:.0f} ms/call"
    )
    base = 0.0
    print(f"{'concurrency':>11} {'wall s':>8} {'events/s':>9} {'ideal':>8} {'ratio':>6}")
    for concurrency in (1, 4, 16, 64):
        llm = StructuredLLM(FakeBackend(responder=fake_responder, latency_s=args.latency))
        wall = asyncio.run(timed(events, llm, concurrency, settings))
        rate = args.events / wall
        base = base or rate
        ideal = base * concurrency
        print(f"{concurrency:>11} {wall:>8.2f} {rate:>9.2f} {ideal:>8.2f} {rate / ideal:>6.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        cache = ResponseCache(Path(tmp) / "responses.sqlite3")
        cached = StructuredLLM(
            CachingBackend(FakeBackend(responder=fake_responder, latency_s=args.latency), cache)
        )
        cold = asyncio.run(timed(events, cached, 16, settings))
        warm = asyncio.run(timed(events, cached, 16, settings))
        cache.close()
    print(
        f"response cache, concurrency 16: cold {cold:.2f}s, cached re-run {warm:.2f}s "
        f"({cold / warm:.1f}x faster)"
    )


if __name__ == "__main__":
    main()
