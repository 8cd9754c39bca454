"""Benchmark: the alignment rules on the hand-labelled pairs (evals/alignment_pairs.yaml).

Prints precision and recall of `contradict` and `same`, decided by code alone (deterministic),
and with a model when a server is given (its answers go through the same checks as in a run).

    PYTHONPATH=. python benchmarks/alignment_pairs.py
    PYTHONPATH=. python benchmarks/alignment_pairs.py --base-url http://127.0.0.1:8089/v1 \
        --model qwen --structured-mode json_object_schema
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from service.config import Settings
from service.evals.alignment_pairs import load_pairs, report, score_pairs
from service.llm.factory import build_llm

PAIRS = Path(__file__).resolve().parents[1] / "evals" / "alignment_pairs.yaml"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--base-url", help="an OpenAI-compatible server: also score with it")
    parser.add_argument("--model", default="qwen")
    parser.add_argument("--structured-mode", default="json_object_schema")
    parser.add_argument("--cache-dir", type=Path)
    args = parser.parse_args()
    pairs = load_pairs(args.pairs)
    print("== by code alone (pairs left to the model count as undecided)")
    print(report(await score_pairs(pairs)))
    if args.base_url:
        fields = {
            "backend": "openai",
            "base_url": args.base_url,
            "model": args.model,
            "structured_mode": args.structured_mode,
        }
        if args.cache_dir:
            fields["cache_dir"] = args.cache_dir
        llm = build_llm(Settings.model_validate(fields))
        print(f"\n== with the model at {args.base_url}")
        print(report(await score_pairs(pairs, llm)))


if __name__ == "__main__":
    asyncio.run(main())
