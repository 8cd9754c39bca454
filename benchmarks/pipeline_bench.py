"""Benchmark: the seed pair through the pipeline on the embedded model (or any backend).

Prints wall time and tokens per step, then the ratio of total wall time to a floor: reading both
articles once at the measured prompt speed plus generating the pipeline's output tokens at the
measured generation speed. Runs with a fresh, empty response cache so nothing is served from an
earlier run. Not a test: it prints figures.

    python benchmarks/pipeline_bench.py [--backend embedded] [files...]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

from service.config import Settings
from service.llm.base import CompletionRequest
from service.llm.factory import build_backend
from service.llm.structured import StructuredLLM
from service.messages import Message
from service.pipeline.reconcile import reconcile
from service.runner import load_files

REPO = Path(__file__).resolve().parents[1]
FREE_JSON = {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}


async def calibrate(llm: StructuredLLM, texts: list[str]) -> tuple[float, float, int]:
    """Prompt speed (tok/s), generation speed under a JSON grammar (tok/s), article tokens."""
    backend = llm.backend
    article_tokens = 0
    prompt_s = 0.0
    for text in texts:
        nonce = uuid.uuid4().hex  # defeats the server's prefix cache
        req = CompletionRequest(
            messages=(Message("user", f"{nonce}\n{text}"),),
            schema_name="Calib",
            json_schema=FREE_JSON,
            max_tokens=1,
        )
        t0 = time.perf_counter()
        raw = await backend.complete(req)
        prompt_s += time.perf_counter() - t0
        article_tokens += raw.usage.prompt_tokens
    gen = CompletionRequest(
        messages=(Message("user", f"{uuid.uuid4().hex} Write a long paragraph about rivers."),),
        schema_name="Calib",
        json_schema=FREE_JSON,
        max_tokens=96,
    )
    t0 = time.perf_counter()
    raw = await backend.complete(gen)
    gen_s = time.perf_counter() - t0
    return article_tokens / prompt_s, raw.usage.completion_tokens / gen_s, article_tokens


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "files", nargs="*", type=Path, default=sorted((REPO / "seeds" / "articles").glob("*.txt"))
    )
    parser.add_argument("--backend", default="embedded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(backend=args.backend, cache_dir=Path(tmp), cache_enabled=False)
        articles = load_files(args.files, settings)
        t0 = time.perf_counter()
        llm = StructuredLLM(build_backend(settings), reask_budget=settings.reask_budget)
        startup = time.perf_counter() - t0
        try:
            t0 = time.perf_counter()
            rec = await reconcile(articles, llm=llm, settings=settings)
            total = time.perf_counter() - t0
            prompt_tps, gen_tps, article_tokens = await calibrate(llm, [a.text for a in articles])
        finally:
            await llm.backend.aclose()
    print(f"backend {rec.backend} model {rec.model}; backend start {startup:.1f} s")
    print(
        f"{'step':<10} {'calls':>5} {'attempts':>8} {'prompt tok':>10} {'compl tok':>9} "
        f"{'wall s':>7}"
    )
    completion = 0
    for s in rec.steps:
        completion += s.usage.completion_tokens
        print(
            f"{s.step:<10} {s.calls:>5} {s.attempts:>8} {s.usage.prompt_tokens:>10} "
            f"{s.usage.completion_tokens:>9} {s.wall_time_s:>7.1f}"
        )
    floor = article_tokens / prompt_tps + completion / gen_tps
    print(
        f"total wall {total:.1f} s; measured prompt speed {prompt_tps:.1f} tok/s, "
        f"generation (JSON grammar) {gen_tps:.1f} tok/s"
    )
    print(
        f"floor = {article_tokens} article tokens read once + {completion} output tokens = "
        f"{floor:.1f} s; ratio wall/floor = {total / floor:.2f}"
    )
    print(
        f"claims {len(rec.all_claims())}, groups {len(rec.groups)}, "
        f"disputes {sum(g.status.value == 'disputed' for g in rec.groups)}, "
        f"warnings {len(rec.warnings)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
