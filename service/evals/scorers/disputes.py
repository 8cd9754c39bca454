"""Disputes: gold disputes surfaced as disputed groups with the right holders (recall), and
disputed groups that match a gold dispute (precision). Both read the judged fact matches."""

from __future__ import annotations

from service.evals.attribution import names_match
from service.evals.dataset import Case
from service.evals.labels import FactStatus
from service.evals.scorers.context import LABELLED, ScoreContext, scorer
from service.evals.scorers.score import Check, Score, ratio_score, share, short
from service.schemas import ClaimGroup, GroupStatus, Side


def gold_disputes(case: Case) -> list[tuple[str, str]]:
    """Each labelled pair of conflicting facts, once, as (lower id, higher id)."""
    assert case.labels is not None
    pairs = {
        tuple(sorted((f.id, other)))
        for f in case.labels.facts
        if f.status is FactStatus.disputed
        for other in f.conflicts_with
    }
    return sorted((a, b) for a, b in pairs)


def _opposing(
    disputed: list[ClaimGroup], ca: set[str], cb: set[str]
) -> tuple[ClaimGroup, Side, Side] | None:
    """The first disputed group with a claim of `ca` on one side and of `cb` on another."""
    for g in disputed:
        for i, side_a in enumerate(g.sides):
            for j, side_b in enumerate(g.sides):
                if i != j and ca & set(side_a.claim_ids) and cb & set(side_b.claim_ids):
                    return g, side_a, side_b
    return None


@scorer(
    uses_judge=True,
    pipeline_only=True,
    requires=LABELLED,
    metrics=("dispute_recall", "dispute_precision"),
)
async def disputes(ctx: ScoreContext) -> list[Score]:
    labels, rec = ctx.labels, ctx.rec
    matches = await ctx.fact_matches()
    gold_pairs = gold_disputes(ctx.case)
    disputed = [g for g in rec.groups if g.status is GroupStatus.disputed]
    outlets = tuple(s.outlet for s in rec.sources)
    recall_checks: list[Check] = []
    useful_groups: set[str] = set()
    surfaced_n = 0
    for fa, fb in gold_pairs:
        ca, cb = matches.claims_of(fa), matches.claims_of(fb)
        item = f"{fa}<>{fb}"
        if not ca or not cb:
            missing = [f for f, c in ((fa, ca), (fb, cb)) if not c]
            recall_checks.append(
                Check(
                    item=item,
                    passed=False,
                    explanation=(
                        f"dispute {fa} vs {fb} not surfaced: {', '.join(missing)} not extracted from "
                        "any source"
                    ),
                )
            )
            continue
        found = _opposing(disputed, ca, cb)
        if not found:
            together = [
                g.group_id for g in rec.groups if ca & set(g.claim_ids) and cb & set(g.claim_ids)
            ]
            why = (
                (
                    f"claims are grouped together in {', '.join(together)} but not as opposing "
                    "sides of a dispute"
                )
                if together
                else "their claims are in different groups"
            )
            recall_checks.append(
                Check(
                    item=item,
                    passed=False,
                    explanation=(f"dispute {fa} vs {fb} not surfaced: {why}"),
                )
            )
            continue
        g, side_a, side_b = found
        surfaced_n += 1
        useful_groups.add(g.group_id)
        missing_holders = []
        for fact_id, side in ((fa, side_a), (fb, side_b)):
            gold_names = [
                (r.asserter, r.asserter_kind.value) for r in labels.fact(fact_id).reported_by
            ]
            if not any(
                names_match(h, n, gold_kind=k, outlets=outlets)
                for h in side.holders
                for n, k in gold_names
            ):
                missing_holders.append(
                    f"side for {fact_id} held by {side.holders} (gold: "
                    f"{sorted({n for n, _ in gold_names})})"
                )
        ok = not missing_holders
        recall_checks.append(
            Check(
                item=item,
                passed=ok,
                explanation=(
                    f"dispute {fa} vs {fb} surfaced as {g.group_id}"
                    + (
                        "; holders attributed"
                        if ok
                        else f"; holders wrong: {'; '.join(missing_holders)}"
                    )
                ),
            )
        )
    fact_of = matches.facts_of_claim()
    precision_checks = []
    for g in disputed:
        ok = g.group_id in useful_groups
        facts = sorted({f for c in g.claim_ids for f in fact_of.get(c, set())})
        precision_checks.append(
            Check(
                item=g.group_id,
                passed=ok,
                explanation=(
                    f"{g.group_id} ({short(g.point, 60)!r}) "
                    + (
                        "matches a gold dispute"
                        if ok
                        else f"is spurious: matches no gold dispute (gold facts in it: {facts or 'none'})"
                    )
                ),
            )
        )
    # One recall check per gold dispute, passed when surfaced with its holders attributed.
    return [
        ratio_score(
            "dispute_recall",
            recall_checks,
            lambda ok, n: (
                f"{ok}/{n} gold disputes surfaced as a disputed group with the "
                f"holders attributed ({surfaced_n} surfaced at all)"
            ),
            skip="the labels have no disputed facts",
            judged=True,
            parts={"surfaced": share(surfaced_n, len(gold_pairs))},
        ),
        ratio_score(
            "dispute_precision",
            precision_checks,
            lambda ok, n: f"{ok}/{n} disputed groups match a gold dispute",
            skip="the output has no disputed groups",
            judged=True,
        ),
    ]
