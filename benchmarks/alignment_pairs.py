"""Benchmark: the alignment rules on the hand-labelled pairs (evals/alignment_pairs.yaml).

Prints precision and recall of `contradict` and `same`, decided by code alone (deterministic),
and with a model when a server is given (its answers go through the same checks as in a run).

    PYTHONPATH=. python benchmarks/alignment_pairs.py
    PYTHONPATH=. python benchmarks/alignment_pairs.py --base-url http://127.0.0.1:8089/v1 \
        --model qwen --structured-mode json_object_schema [--batched 8]

With --batched N it also prints the model's raw answers (no rules, no checks) asked one pair
per call (prompt align_pair) and N pairs per call (prompt align_pairs, claims named by id),
with the answers counted by position in the batch: a model that answers by position shows
one relation per position whatever the pairs.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from pathlib import Path

from service.config import Settings
from service.evals.alignment_pairs import LabelledPair, load_pairs, report, score_pairs
from service.llm.factory import build_llm
from service.llm.structured import StructuredLLM
from service.pipeline.drafts import PairRelation, pair_relations_for
from service.prompts import fence, load_prompt

PAIRS = Path(__file__).resolve().parents[1] / "evals" / "alignment_pairs.yaml"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--base-url", help="an OpenAI-compatible server: also score with it")
    parser.add_argument("--model", default="qwen")
    parser.add_argument("--structured-mode", default="json_object_schema")
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument("--batched", type=int, default=0, help="also raw answers, N per call")
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
        if args.batched:
            for size in (1, args.batched):
                print(f"\n== raw answers, {size} pair(s) per call")
                print(_raw_report(pairs, await _raw(pairs, llm, size)))


async def _raw(pairs: list[LabelledPair], llm: StructuredLLM, size: int) -> list[tuple[str, int]]:
    """The model's own answer for each pair, and the pair's position in its call."""
    out: list[tuple[str, int]] = []
    meter = llm.meter("alignment")
    if size == 1:
        one = load_prompt("align_pair")
        for p in pairs:
            prompt = one.render(a_holder=p.a[1], a_text=p.a[2], b_holder=p.b[1], b_text=p.b[2])
            answer = await llm.complete(prompt, PairRelation, meter=meter, max_tokens=24)
            out.append((answer.relation.value, 0))
        return out
    many = load_prompt("align_pairs")
    for start in range(0, len(pairs), size):
        chunk = pairs[start : start + size]
        lines = [
            f"[P{start + n}{x}] {row[1]}: {row[2]}"
            for n, p in enumerate(chunk)
            for x, row in (("A", p.a), ("B", p.b))
        ]
        request = "\n".join(
            f"Pair {n + 1}: [P{start + n}A] vs [P{start + n}B]" for n in range(len(chunk))
        )
        request += f"\nAnswer with {len(chunk)} relations, one per pair, in this order."
        prompt = many.render(claims=fence("claims", "\n".join(lines)), request=request)
        schema = pair_relations_for(len(chunk))
        answer = await llm.complete(prompt, schema, meter=meter, max_tokens=8 * len(chunk) + 24)
        out += [(r.value, n) for n, r in enumerate(answer.relations)]
    return out


def _raw_report(pairs: list[LabelledPair], answers: list[tuple[str, int]]) -> str:
    right = sum(a == p.label for p, (a, _) in zip(pairs, answers, strict=True))
    table = Counter((p.label, a) for p, (a, _) in zip(pairs, answers, strict=True))
    positions = Counter(answers)
    return (
        f"agree with the label {right}/{len(pairs)}; (label, answer): {dict(sorted(table.items()))}"
        f"\nanswers by position in the call: {dict(sorted((f'{n + 1}:{a}', k) for (a, n), k in positions.items()))}"
    )


if __name__ == "__main__":
    asyncio.run(main())
