"""What code can check in a summary, with no judge: the integrity rules every sentence must
keep (`service.pipeline.summary_checks`), quotations verbatim in an article, length within
the budget the articles allow, no repeated sentence; and, on labelled cases, whether each gold
dispute is shown as one point with both sides."""

from __future__ import annotations

import re
from collections import Counter

from service.evals.scorers.context import LABELLED, ScoreContext, scorer
from service.evals.scorers.disputes import gold_disputes
from service.evals.scorers.score import Check, Score, ratio_score, short, skipped
from service.pipeline.similarity import overlap
from service.pipeline.summary import word_budget
from service.pipeline.summary_checks import (
    REPEAT_OVERLAP,
    headline_problems,
    quoted_strings,
    sentence_problems,
    verbatim_in,
)
from service.schemas import SummaryKind

BUDGET_SLACK = 1.1  # a summary up to 10% over its word budget still passes


@scorer(uses_judge=False, pipeline_only=True)
async def summary_integrity(ctx: ScoreContext) -> list[Score]:
    """Share of summary sentences that break none of the integrity rules (and a headline that
    is not an outlet's)."""
    rec = ctx.rec
    claims = {c.claim_id: c for c in rec.all_claims()}
    sources = {s.source_id: s for s in rec.sources}
    checks: list[Check] = []
    found: Counter[str] = Counter()
    for n, s in enumerate(rec.summary.sentences, 1):
        cited = [claims[c] for c in s.claim_ids if c in claims]
        earlier = [x.text for x in rec.summary.sentences[: n - 1]]
        problems = sentence_problems(s.text, cited, sources, earlier=earlier)
        found.update(p.rule_id for p in problems)
        checks.append(
            Check(
                item=f"sentence {n}",
                passed=not problems,
                explanation=(
                    f"sentence {n}: " + "; ".join(map(str, problems)) + f": {short(s.text)!r}"
                    if problems
                    else f"sentence {n} keeps every rule"
                ),
            )
        )
    if rec.summary.headline:
        problems = headline_problems(rec.summary.headline, rec.sources)
        found.update(p.rule_id for p in problems)
        checks.append(
            Check(
                item="headline",
                passed=not problems,
                explanation=f"headline {rec.summary.headline!r}: "
                + ("; ".join(map(str, problems)) or "neutral, not an outlet's"),
            )
        )
    return [
        ratio_score(
            "summary_integrity",
            checks,
            lambda ok, n: (
                f"{ok}/{n} summary sentences (and headline) keep every integrity rule"
                + (f"; broken: {dict(found)}" if found else "")
            ),
            skip="the summary is empty",
            judged=False,
            parts={k: float(v) for k, v in found.items()},
        )
    ]


@scorer(uses_judge=False, pipeline_only=False)
async def summary_quotes_verbatim(ctx: ScoreContext) -> list[Score]:
    """Share of quoted strings in the summary that are verbatim in one of the case's articles
    (whitespace, quote style and marked elisions aside). Scores the baseline alike."""
    if ctx.reconciliation is not None:
        articles = [s.text for s in ctx.rec.sources]
    else:
        articles = [a.text for a in ctx.case.articles]
    checks = [
        Check(
            item=f"quote {i}",
            passed=verbatim_in(q, articles),
            explanation=f'"{short(q, 70)}" '
            + ("is verbatim in an article" if verbatim_in(q, articles) else "is in NO article"),
        )
        for i, q in enumerate((q for s in ctx.sentences for q in quoted_strings(s)), 1)
    ]
    if not checks:
        return [
            Score(
                name="summary_quotes_verbatim",
                value=1.0,
                explanation="the summary quotes nothing (0 quoted strings)",
            )
        ]
    return [
        ratio_score(
            "summary_quotes_verbatim",
            checks,
            lambda ok, n: f"{ok}/{n} quoted strings are verbatim in an article",
            skip="",
            judged=False,
        )
    ]


def _words(sentences: list[str]) -> int:
    return sum(len(re.findall(r"[\w’'-]+", s)) for s in sentences)


@scorer(uses_judge=False, pipeline_only=False)
async def summary_shape(ctx: ScoreContext) -> list[Score]:
    """1.0 when the summary is within its word budget (which grows with the articles' length)
    and repeats no sentence; below 1 by how far it runs over, 0 with a repeat."""
    if ctx.reconciliation is not None:
        budget = word_budget(ctx.rec.sources)
    else:
        from service.config import Settings
        from service.pipeline.sources import prepare_sources  # the same sources as a run

        sources, _ = prepare_sources(ctx.case.articles, Settings())
        budget = word_budget(sources)
    sentences = ctx.sentences
    n_words = _words(sentences)
    repeats = [
        j + 1
        for j, s in enumerate(sentences)
        if any(overlap(s, t) >= REPEAT_OVERLAP for t in sentences[:j])
    ]
    over = n_words / (budget * BUDGET_SLACK) if budget else 0.0
    value = 0.0 if repeats else (1.0 if over <= 1 else 1 / over)
    mean = n_words / len(sentences) if sentences else 0.0
    return [
        Score(
            name="summary_shape",
            value=value,
            explanation=f"{n_words} words in {len(sentences)} sentences (mean {mean:.0f}) against "
            f"a budget of {budget}; repeated sentences: {repeats or 'none'}",
            parts={"words": float(n_words), "sentences": float(len(sentences)), "budget": budget},
        )
    ]


@scorer(uses_judge=True, pipeline_only=True, requires=LABELLED)
async def dispute_points(ctx: ScoreContext) -> list[Score]:
    """Gold disputes the summary shows as one point: a sentence citing a claim judged to state
    each side (the claims come from the shared fact matches)."""
    pairs = gold_disputes(ctx.case)
    if not pairs:
        return [skipped("dispute_points", "the labels have no disputes", judged=True)]
    matches = await ctx.fact_matches()
    sentences = [
        s for s in ctx.rec.summary.sentences if s.kind in {SummaryKind.disputed, SummaryKind.lead}
    ]
    checks = []
    for a, b in pairs:
        ca, cb = matches.claims_of(a), matches.claims_of(b)
        hit = next(
            (
                n
                for n, s in enumerate(sentences, 1)
                if ca & set(s.claim_ids) and cb & set(s.claim_ids)
            ),
            None,
        )
        checks.append(
            Check(
                item=f"{a} vs {b}",
                passed=hit is not None,
                explanation=f"{a} vs {b}: "
                + (
                    f"one point: {short(sentences[hit - 1].text)!r}"
                    if hit
                    else f"no summary point cites both (claims {sorted(ca)} / {sorted(cb)})"
                ),
            )
        )
    return [
        ratio_score(
            "dispute_points",
            checks,
            lambda ok, n: f"{ok}/{n} gold disputes shown as one summary point with both sides",
            skip="",
            judged=True,
        )
    ]
