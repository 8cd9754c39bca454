"""Benchmark: throughput of the accounts step (the dependency parse and the claims built from
it, no model) on the PolNeAR dev split, in one process. Prints articles per second (wall and
per CPU second) and words per second. Not a test.

    PYTHONPATH=. python benchmarks/accounts_bench.py [--split dev] [--runs 3] [--datasets-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from service.config import Settings
from service.datasets.polnear import SPLITS, load_polnear
from service.pipeline.accounts import build_account
from service.pipeline.progress import no_progress
from service.pipeline.sources import prepare_sources
from service.schemas import RunWarning
from service.text.speech import nlp


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--datasets-dir", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    root = (args.datasets_dir or settings.datasets_dir) / "polnear"
    articles = load_polnear(root, args.split)
    sources = [prepare_sources([a.article], settings)[0][0] for a in articles]
    words = sum(len(s.text.split()) for s in sources)
    nlp()  # the model load (about 1 s) is not part of the step's throughput
    times = []
    cpu = []
    claims = 0
    for _ in range(args.runs):
        warnings: list[RunWarning] = []
        started, cpu_started = time.perf_counter(), time.process_time()
        accounts = [
            await build_account(s, warnings=warnings, progress=no_progress) for s in sources
        ]
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        claims = sum(len(a.claims) + len(a.editorial) for a in accounts)
    best, median = min(times), statistics.median(times)
    print(
        f"accounts step, PolNeAR {args.split}: {len(sources)} articles, {words} words, "
        f"{claims} claims; {args.runs} runs, median {median:.2f} s, best {best:.2f} s"
    )
    cpu_median = statistics.median(cpu)
    print(
        f"  {len(sources) / median:.1f} articles/s (median run, wall), "
        f"{words / median:.0f} words/s, one process; "
        f"{len(sources) / cpu_median:.1f} articles per CPU second (steadier on a shared machine)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
