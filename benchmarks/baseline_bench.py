"""Benchmark: the naive one-prompt baseline on the seed pair, uncached (the reference the
pipeline's wall time is compared with). Prints wall time and tokens. Not a test.

    python benchmarks/baseline_bench.py [--backend embedded] [--runs 3] [files...]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from service.config import Settings
from service.evals.baseline import baseline_summary
from service.llm.factory import build_backend
from service.llm.structured import StructuredLLM
from service.runner import load_files

REPO = Path(__file__).resolve().parents[1]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "files", nargs="*", type=Path, default=sorted((REPO / "seeds" / "articles").glob("*.txt"))
    )
    parser.add_argument("--backend", default="embedded")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(backend=args.backend, cache_dir=Path(tmp), cache_enabled=False)
        articles = load_files(args.files, settings)
        llm = StructuredLLM(build_backend(settings), reask_budget=settings.reask_budget)
        walls = []
        try:
            for n in range(args.runs):
                # A different outlet label per run defeats the server's prefix cache.
                run = [a.model_copy(update={"outlet": f"{a.outlet} ({n})"}) for a in articles]
                meter = llm.meter("baseline")
                t0 = time.perf_counter()
                _text, sentences, error = await baseline_summary(run, llm, meter)
                walls.append(time.perf_counter() - t0)
                print(
                    f"run {n + 1}: {walls[-1]:.1f} s, {meter.usage.prompt_tokens} prompt + "
                    f"{meter.usage.completion_tokens} completion tokens, {len(sentences)} sentences"
                    + (f", error: {error}" if error else "")
                )
        finally:
            await llm.backend.aclose()
    print(
        f"baseline wall: median {statistics.median(walls):.1f} s (min {min(walls):.1f}, max {max(walls):.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
