"""Benchmark: the seed case's alignment figures without the eval's model judge.

The pipeline runs with a model server (or replays the pair answers recorded in an earlier
run's reconciliation.json, so a code change can be measured on the same answers); matching to
the gold facts uses the fake backend's lexical judge, so no judge call is made. The figures
are therefore not `rashomon eval`'s (its judge is the model), but old and new code measured
this way are comparable. Prints the alignment calls and the dispute, omission and consensus
scores.

    PYTHONPATH=. python benchmarks/alignment_seeds.py --base-url http://127.0.0.1:8089/v1 \
        --model qwen --structured-mode json_object_schema --out /tmp/seeds-run
    PYTHONPATH=. python benchmarks/alignment_seeds.py --replay /tmp/seeds-run/reconciliation.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

from service.config import Settings
from service.evals.dataset import load_seed_cases
from service.evals.judge import Judge
from service.evals.scorers.context import ScoreContext
from service.evals.scorers.registry import score_output
from service.llm.base import CompletionRequest
from service.llm.factory import build_llm
from service.llm.fake import FakeBackend
from service.llm.structured import StructuredLLM
from service.pipeline.reconcile import reconcile

SHOWN = (
    "dispute_recall",
    "dispute_precision",
    "omission_recall",
    "omission_precision",
    "consensus_coverage",
    "candidate_recall",
)
_PAIR = re.compile(r"Pair \d+: \[(\S+?)\] vs \[(\S+?)\]")
_SAID = re.compile(r"model said (same|contradict|different)")


def recorded_answers(saved: dict[str, Any]) -> dict[frozenset[str], str]:
    """The model's answer to each pair it was asked, read back from a run's pair records."""
    out: dict[frozenset[str], str] = {}
    for p in saved["pairs"]:
        note, key = p["decided_by"], frozenset((p["a"], p["b"]))
        said = _SAID.match(note)
        if note == "model":
            out[key] = p["relation"]
        elif said:
            out[key] = said[1]
        elif note.startswith("model: same point"):
            out[key] = "same"
        elif note.startswith("model;"):  # a model contradiction past the denial's cap
            out[key] = "contradict"
    return out


def replaying(answers: dict[frozenset[str], str]) -> StructuredLLM:
    def respond(request: CompletionRequest) -> dict[str, Any]:
        pairs = _PAIR.findall(request.messages[-1].content)
        return {"relations": [answers.get(frozenset(p), "different") for p in pairs]}

    return StructuredLLM(FakeBackend(responder=respond))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url")
    parser.add_argument("--model", default="qwen")
    parser.add_argument("--structured-mode", default="json_object_schema")
    parser.add_argument("--replay", type=Path, help="a reconciliation.json whose answers to use")
    parser.add_argument("--out", type=Path, help="where to write reconciliation.json")
    args = parser.parse_args()
    fake = Settings(backend="fake", cache_enabled=False)
    if args.replay:
        settings, llm = fake, replaying(recorded_answers(json.loads(args.replay.read_text())))
    elif args.base_url:
        settings = Settings.model_validate(
            {
                "backend": "openai",
                "base_url": args.base_url,
                "model": args.model,
                "structured_mode": args.structured_mode,
                "cache_enabled": False,
            }
        )
        llm = build_llm(settings)
    else:
        raise SystemExit("give --base-url (a model server) or --replay (recorded answers)")
    case = load_seed_cases(Path("seeds"), settings)[0]
    started = time.perf_counter()
    rec = await reconcile(case.articles, llm=llm, settings=settings)
    wall = time.perf_counter() - started
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "reconciliation.json").write_text(rec.model_dump_json(indent=2), "utf-8")
    step = next(s for s in rec.steps if s.step == "alignment")
    asked = sum(p.rule_id == "model" or p.decided_by.startswith("model") for p in rec.pairs)
    print(f"pipeline {wall:.1f} s; alignment: {step.calls} calls, {asked} pairs asked")
    judge = Judge(build_llm(fake))
    for score in await score_output(
        ScoreContext.of_pipeline(case, rec, judge, fact_k=3, summary_k=2)
    ):
        if score.name in SHOWN:
            print(f"{score.name} {score.value}: {score.explanation[:110]}")


if __name__ == "__main__":
    asyncio.run(main())
