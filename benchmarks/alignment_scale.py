"""Benchmark: the alignment step on a large event (default 12 articles x 160 sentences).

Articles are built from BASIL news sentences (../shared/datasets/basil): article k takes 160
consecutive sentences of the BASIL corpus starting at a different offset, so articles overlap
in part (a shared story, as several outlets' copies of one wire would) and differ in the rest.
Claims come from the real accounts step (spaCy); the alignment step runs with the fake backend,
so the figure is the code's own cost: candidate generation, rule decisions, grouping. Prints
the sentence, claim and pair counts and the wall time of each part. Not a test.

    PYTHONPATH=. python benchmarks/alignment_scale.py [--articles 12] [--sentences 160]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from service.config import Settings
from service.llm.factory import build_llm
from service.pipeline.accounts import build_account
from service.pipeline.alignment import align
from service.pipeline.alignment.candidates import candidate_pairs, denial_context
from service.pipeline.progress import no_progress
from service.pipeline.sources import prepare_sources
from service.schemas import ArticleIn, RunWarning


def _sentences(root: Path) -> list[str]:
    out: list[str] = []
    for path in sorted(root.glob("articles/*/*.json")):
        body = json.loads(path.read_text(encoding="utf-8")).get("body-paragraphs", [])
        out += [s.strip() for paragraph in body for s in paragraph if s.strip()]
    return out


def articles(n: int, per: int, root: Path) -> list[ArticleIn]:
    pool = _sentences(root)
    if len(pool) < per + n:
        raise SystemExit(f"{root}: only {len(pool)} sentences; need {per + n}")
    step = max(1, (len(pool) - per) // (2 * n))  # consecutive articles share about half
    return [
        ArticleIn(
            outlet=f"Outlet {k + 1}",
            text="\n\n".join(pool[k * step : k * step + per]),
        )
        for k in range(n)
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--sentences", type=int, default=160)
    parser.add_argument("--data", type=Path, help="a BASIL folder (default: datasets_dir/basil)")
    args = parser.parse_args()
    settings = Settings(backend="fake", cache_enabled=False)
    llm = build_llm(settings)
    root = args.data or settings.datasets_dir / "basil"
    warnings: list[RunWarning] = []
    sources, warnings = prepare_sources(articles(args.articles, args.sentences, root), settings)
    t0 = time.perf_counter()
    claims = []
    for source in sources:
        account = await build_account(source, warnings=warnings, progress=no_progress)
        claims += account.claims
    t_accounts = time.perf_counter() - t0

    t0 = time.perf_counter()
    context = denial_context(claims, sources)
    pairs = candidate_pairs(claims, context=context)
    t_candidates = time.perf_counter() - t0

    t0 = time.perf_counter()
    groups, judged = await align(
        sources,
        claims,
        llm,
        llm.meter("alignment"),
        max_pairs=settings.max_alignment_pairs,
        pairs_per_call=settings.pairs_per_call,
        warnings=warnings,
        progress=no_progress,
    )
    t_align = time.perf_counter() - t0
    sentences = sum(len(s.sentences) for s in sources)
    asked = sum(p.rule_id == "model" or p.decided_by.startswith("model") for p in judged)
    print(f"{len(sources)} articles, {sentences} sentences, {len(claims)} claims")
    print(f"accounts (spaCy, not alignment): {t_accounts:.1f} s")
    print(f"candidate pairs: {len(pairs)} in {t_candidates:.2f} s")
    print(
        f"alignment step (fake backend): {t_align:.2f} s; {len(judged)} pairs judged, "
        f"{asked} by the model, {len(groups)} groups"
    )


if __name__ == "__main__":
    asyncio.run(main())
