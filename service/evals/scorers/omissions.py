"""Omissions: gold omissions flagged in the source's `omits` or `omits_versions` (recall), and
flagged omissions that are gold omissions (precision). Both read the judged fact matches.

A flag is a group the source leaves out (`omits`) or one side of a disputed group it reports
only another way (`omits_versions`): "S1 omits F22" is flagged either way."""

from __future__ import annotations

from service.evals.scorers.context import LABELLED, ScoreContext, scorer
from service.evals.scorers.score import Check, Score, ratio_score


@scorer(
    uses_judge=True,
    pipeline_only=True,
    requires=LABELLED,
    metrics=("omission_recall", "omission_precision"),
)
async def omissions(ctx: ScoreContext) -> list[Score]:
    labels, rec = ctx.labels, ctx.rec
    matches = await ctx.fact_matches()
    groups = {g.group_id: g for g in rec.groups}
    accounts = {a.source_id: a for a in rec.accounts}
    fact_of = matches.facts_of_claim()
    recall: list[Check] = []
    precision: list[Check] = []
    for omission in labels.omissions:
        sid = matches.source_map.get(omission.source)
        if sid is None or sid not in accounts:
            continue
        # Each flag: an id for reports, and the claims it covers.
        flags: dict[str, set[str]] = {
            gid: set(groups[gid].claim_ids) for gid in accounts[sid].omits
        }
        for v in accounts[sid].omits_versions:
            side = groups[v.group_id].sides[v.side - 1]
            flags[f"{v.group_id}/side {v.side}"] = set(side.claim_ids)
        for fact_id in omission.facts:
            claims = matches.claims_of(fact_id)
            item = f"{omission.source} omits {fact_id}"
            if not claims:
                recall.append(
                    Check(
                        item=item,
                        passed=False,
                        explanation=(
                            f"{item}: not flagged; the fact was not extracted from any source"
                        ),
                    )
                )
                continue
            hit = sorted(gid for gid, covered in flags.items() if claims & covered)
            in_groups = sorted(g.group_id for g in rec.groups if claims & set(g.claim_ids))
            recall.append(
                Check(
                    item=item,
                    passed=bool(hit),
                    explanation=(
                        f"{item}: flagged via {', '.join(hit)}"
                        if hit
                        else f"{item}: not flagged (its claims are in {', '.join(in_groups)}, not in "
                        f"{sid}'s omits {sorted(flags)})"
                        if in_groups
                        else f"{item}: not flagged; its claims ({', '.join(sorted(claims))}) are in "
                        "no group (opinion claims are not aligned, so they cannot be omitted)"
                    ),
                )
            )
        gold_omitted = set(omission.facts)
        for gid in sorted(flags):
            facts = {f for c in flags[gid] for f in fact_of.get(c, set())}
            if not facts:
                precision.append(
                    Check(
                        item=f"{sid} omits {gid}",
                        passed=None,
                        explanation=(
                            f"{sid} omits {gid}: no gold fact in the group (unlabelled; not counted)"
                        ),
                    )
                )
                continue
            ok = bool(facts & gold_omitted)
            precision.append(
                Check(
                    item=f"{sid} omits {gid}",
                    passed=ok,
                    explanation=(
                        f"{sid} omits {gid} ({', '.join(sorted(facts))}): "
                        + (
                            "correct"
                            if ok
                            else f"wrong: {omission.source} reports "
                            f"{', '.join(sorted(facts - gold_omitted))}"
                        )
                    ),
                )
            )
    return [
        ratio_score(
            "omission_recall",
            recall,
            lambda ok, n: (
                f"{ok}/{n} gold omissions flagged in the source's omits or omits_versions"
            ),
            skip="the labels list no omissions",
            judged=True,
        ),
        ratio_score(
            "omission_precision",
            precision,
            lambda ok, n: (
                f"{ok}/{n} flagged omissions (with a gold fact) are gold omissions; "
                f"{len(precision) - n} unlabelled not counted"
            ),
            skip="no flagged omission contains a gold fact",
            judged=True,
        ),
    ]
