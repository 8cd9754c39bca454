"""Gold facts in the output: found among each source's claims (judged), and credited to the
gold asserter."""

from __future__ import annotations

from collections import defaultdict

from service.evals.scorers.context import LABELLED, ScoreContext, scorer
from service.evals.scorers.matching import credits_gold
from service.evals.scorers.score import Check, Score, ratio_score, share


@scorer(uses_judge=True, pipeline_only=True, requires=LABELLED)
async def fact_recall(ctx: ScoreContext) -> list[Score]:
    matches = await ctx.fact_matches()
    per_source: dict[str, list[bool]] = defaultdict(list)
    for (_fact, gold_sid), claim in matches.found.items():
        per_source[gold_sid].append(claim is not None)
    parts = {
        matches.source_map.get(g, g): share(sum(v), len(v)) for g, v in sorted(per_source.items())
    }
    by_source = ", ".join(f"{s} {v:.0%}" for s, v in parts.items())
    # One check per gold (fact, source), so the ratio over the checks is the recall.
    return [
        ratio_score(
            "fact_recall",
            matches.checks,
            lambda ok, n: (
                f"{ok}/{n} gold (fact, source) reports found among that source's "
                f"claims ({by_source})"
            ),
            skip="the labels have no facts",
            judged=True,
            parts=parts,
        )
    ]


@scorer(uses_judge=True, pipeline_only=True, requires=LABELLED)
async def attribution_accuracy(ctx: ScoreContext) -> list[Score]:
    labels, rec = ctx.labels, ctx.rec
    matches = await ctx.fact_matches()
    outlets = tuple(s.outlet for s in rec.sources) + tuple(s.outlet for s in labels.sources)
    checks: list[Check] = []
    for (fact_id, gold_sid), claim in matches.found.items():
        if claim is None:
            continue
        fact = labels.fact(fact_id)
        gold = [r for r in fact.reported_by if r.source == gold_sid]
        ok = credits_gold(claim, gold, outlets)
        golds = " or ".join(repr(r.asserter) for r in gold)
        checks.append(
            Check(
                item=f"{fact_id}@{gold_sid}",
                passed=ok,
                explanation=(
                    f"{fact_id} ({claim.claim_id}): asserter {claim.asserter.name!r} "
                    f"({claim.asserter.kind.value}) {'matches' if ok else 'does not match'} gold "
                    f"{golds}"
                ),
            )
        )
    return [
        ratio_score(
            "attribution_accuracy",
            checks,
            lambda ok, n: (
                f"{ok}/{n} matched claims credit the gold asserter (normalised token match)"
            ),
            skip="no gold fact was matched to a claim",
            judged=True,
        )
    ]
