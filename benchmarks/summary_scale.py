"""Benchmark: the summary step alone at the input limit (12 articles x 160 sentences).

Builds 12 sources from BASIL article sentences (cycled to 160 sentences each), one outlet-voice
claim per sentence, groups linked by word overlap the way alignment links them (same across
sources above 0.4, every 40th pair a contradiction), and times `summarize` in template mode.
Prints seconds and the summary's size. Not a test: it prints figures.

    python benchmarks/summary_scale.py [--articles 12] [--sentences 160]
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import time
from pathlib import Path

from service.llm.fake import FakeBackend
from service.llm.structured import StructuredLLM
from service.pipeline.alignment import Edge, build_groups, candidate_pairs
from service.pipeline.drafts import Relation
from service.pipeline.progress import no_progress
from service.pipeline.summary import summarize
from service.schemas import Asserter, AsserterKind, Claim, ClaimKind, Source, Span

DATA = Path("/work/shared/datasets/basil/articles")


def _sentences(limit: int) -> list[list[str]]:
    out = []
    for path in sorted(glob.glob(str(DATA / "*" / "*.json")))[:limit]:
        doc = json.loads(Path(path).read_text())
        out.append([s for p in doc["body-paragraphs"] for s in p if len(s.split()) > 5])
    return out


def build(n_articles: int, n_sentences: int) -> tuple[list[Source], list[Claim]]:
    sources, claims = [], []
    for k, sents in enumerate(_sentences(n_articles), 1):
        chosen = [sents[i % len(sents)] for i in range(n_sentences)]
        spans, start = [], 0
        for s in chosen:
            spans.append(Span(start=start, end=start + len(s), text=s))
            start += len(s) + 1
        sid = f"S{k}"
        sources.append(
            Source(source_id=sid, outlet=f"Outlet {k}", text=" ".join(chosen), sentences=spans)
        )
        for i, span in enumerate(spans, 1):
            claims.append(
                Claim(
                    claim_id=f"{sid}.C{i}",
                    source_id=sid,
                    statement=span.text,
                    kind=ClaimKind.reported_fact,
                    asserter=Asserter(name="the outlet", kind=AsserterKind.outlet),
                    sentence_ids=[i],
                    evidence=[span],
                )
            )
    return sources, claims


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=12)
    ap.add_argument("--sentences", type=int, default=160)
    args = ap.parse_args()
    sources, claims = build(args.articles, args.sentences)
    t0 = time.perf_counter()
    pairs = candidate_pairs(claims, limit=400)
    edges = [
        Edge(a.claim_id, b.claim_id, Relation.contradict if n % 40 == 0 else Relation.same, s)
        for n, (a, b, s) in enumerate(pairs)
        if a.source_id != b.source_id and s >= 0.4
    ]
    groups = build_groups(claims, edges)
    t1 = time.perf_counter()
    llm = StructuredLLM(FakeBackend([]))
    summary = await summarize(
        sources,
        groups,
        claims,
        llm,
        llm.meter("summary"),
        max_points=14,
        mode="template",
        warnings=[],
        progress=no_progress,
    )
    t2 = time.perf_counter()
    print(
        f"{len(sources)} articles, {len(claims)} claims, {len(groups)} groups: grouping (setup) "
        f"{t1 - t0:.1f} s; summary {t2 - t1:.2f} s, {len(summary.sentences)} sentences, "
        f"{len(summary.text.split())} words"
    )


if __name__ == "__main__":
    asyncio.run(main())
