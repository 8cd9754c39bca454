"""Where gold facts get lost between the pipeline's stages: whether alignment considered the
gold pairs at all (candidate recall), and for each fact the first stage that lost it."""

from __future__ import annotations

from collections import defaultdict

from service.evals.dataset import Case
from service.evals.labels import FactStatus
from service.evals.scorers.context import LABELLED, ScoreContext, scorer
from service.evals.scorers.disputes import gold_disputes
from service.evals.scorers.matching import credits_gold
from service.evals.scorers.score import Check, Score, ratio_score


def gold_pairs(case: Case) -> list[tuple[str, str, str]]:
    """(kind, fact a, fact b): 'same' for a consensus fact reported by two or more sources,
    'conflict' for each labelled pair of disputed facts."""
    assert case.labels is not None
    out = [
        ("same", f.id, f.id)
        for f in case.labels.facts
        if f.status is FactStatus.consensus and len(set(f.source_ids)) > 1
    ]
    out += [("conflict", a, b) for a, b in gold_disputes(case)]
    return out


@scorer(uses_judge=True, pipeline_only=True, requires=LABELLED)
async def candidate_recall(ctx: ScoreContext) -> list[Score]:
    """Did alignment consider the pair at all? A gold pair whose claims were both extracted
    must be among the pairs alignment considered (rec.pairs), whatever it then decided."""
    rec = ctx.rec
    matches = await ctx.fact_matches()
    considered = {frozenset((p.a, p.b)): p for p in rec.pairs}
    source_of = {c.claim_id: c.source_id for c in rec.all_claims()}
    checks: list[Check] = []
    for kind, fa, fb in gold_pairs(ctx.case):
        ca, cb = matches.claims_of(fa), matches.claims_of(fb)
        item = f"{fa}~{fb}" if kind == "same" else f"{fa}<>{fb}"
        options = [
            (x, y)
            for x in sorted(ca)
            for y in sorted(cb)
            if x != y and (kind == "conflict" or source_of[x] != source_of[y])
        ]
        if not options:
            checks.append(
                Check(
                    item=item,
                    passed=None,
                    explanation=f"{item} ({kind}): claims not extracted for both sides (not counted)",
                )
            )
            continue
        hit = next((considered[frozenset(o)] for o in options if frozenset(o) in considered), None)
        checks.append(
            Check(
                item=item,
                passed=hit is not None,
                explanation=(
                    f"{item} ({kind}): {hit.a} ~ {hit.b} considered, judged {hit.relation} "
                    f"({hit.decided_by})"
                    if hit
                    else f"{item} ({kind}): none of {len(options)} claim pairs was considered"
                ),
            )
        )
    return [
        ratio_score(
            "candidate_recall",
            checks,
            lambda ok, n: (
                f"{ok}/{n} gold same/conflict pairs with both sides extracted reached "
                "the alignment decision"
            ),
            skip="no gold pair had both sides extracted",
            judged=True,
        )
    ]


# Listed only for labelled cases: it traces gold facts, and unlabelled cases have none to trace.
# It reads consensus_coverage, so it comes after the summary scorers in the registry.
@scorer(uses_judge=True, pipeline_only=True, requires=LABELLED, listed_when_skipped=False)
async def stage_losses(ctx: ScoreContext) -> list[Score]:
    """For each gold fact, the first stage where it was lost: not extracted, wrong asserter,
    never paired, mislabelled, or not summarized (consensus facts only). Informative."""
    labels, rec = ctx.labels, ctx.rec
    matches = await ctx.fact_matches()
    outlets = tuple(s.outlet for s in rec.sources) + tuple(s.outlet for s in labels.sources)
    considered = {frozenset((p.a, p.b)): p for p in rec.pairs}
    group_of = {c: g for g in rec.groups for c in g.claim_ids}
    coverage = ctx.earlier("consensus_coverage")
    covered = {c.item for c in coverage.details if c.passed} if coverage else set()
    pairs_of_case = gold_pairs(ctx.case)
    counts: dict[str, float] = defaultdict(float)
    checks: list[Check] = []
    for fact in labels.facts:
        stage = "ok"
        why = ""
        for gold_sid in sorted(set(fact.source_ids)):
            claim = matches.found.get((fact.id, gold_sid))
            if claim is None:
                stage, why = "not extracted", f"no claim of {gold_sid} states it"
                break
            gold = [r for r in fact.reported_by if r.source == gold_sid]
            if not credits_gold(claim, gold, outlets):
                stage = "wrong asserter"
                why = f"{claim.claim_id} credits {claim.asserter.name!r}"
                break
        if stage == "ok":
            partners = [b for k, a, b in pairs_of_case if a == fact.id] + [
                a for k, a, b in pairs_of_case if b == fact.id and k == "conflict"
            ]
            for other in partners:
                mine, theirs = matches.claims_of(fact.id), matches.claims_of(other)
                pairs = [considered.get(frozenset((x, y))) for x in mine for y in theirs if x != y]
                judged = [p for p in pairs if p is not None]
                if not judged:
                    stage, why = "never paired", f"with {other}"
                    break
                wanted = "same" if other == fact.id else "contradict"
                right = [p for p in judged if p.relation == wanted]
                together = any(
                    x in group_of and y in group_of and group_of[x] is group_of[y]
                    for x in mine
                    for y in theirs
                    if x != y
                )
                if not right or (wanted == "same" and not together):
                    rel = ", ".join(sorted({p.relation for p in judged}))
                    stage, why = "mislabelled", f"with {other}: judged {rel}, gold {wanted}"
                    break
        if stage == "ok" and fact.status is FactStatus.consensus and fact.id not in covered:
            stage, why = "not summarized", "no summary sentence states it"
        counts[stage] += 1
        checks.append(
            Check(
                item=fact.id,
                passed=stage == "ok",
                explanation=f"{fact.id} ({fact.status.value}): {stage}"
                + (f": {why}" if why else ""),
            )
        )
    lost = ", ".join(f"{k} {int(v)}" for k, v in sorted(counts.items()) if k != "ok")
    return [
        ratio_score(
            "stage_losses",
            checks,
            lambda ok, n: f"{ok}/{n} gold facts survive every stage; lost: {lost or 'none'}",
            skip="the labels have no facts",
            judged=True,
            informative=True,
            parts=dict(counts),
        )
    ]
