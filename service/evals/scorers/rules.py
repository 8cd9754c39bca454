"""How often each attribution rule fires on a case (informative): every rule id of
service/text/speech/rules.yaml with the number of claims it produced, zeros included, so a rule
that fires only on the seeds shows when the seeds, BASIL and PolNeAR reports are read side by
side. Deterministic."""

from __future__ import annotations

from collections import Counter

from service.evals.scorers.context import ScoreContext, scorer
from service.evals.scorers.score import Check, Score
from service.text.speech.rules import rule_ids


@scorer(uses_judge=False, pipeline_only=True)
async def rule_firings(ctx: ScoreContext) -> list[Score]:
    claims = ctx.rec.all_claims()
    counts = Counter(rid for c in claims for rid in c.rule_ids)
    declared = sorted(rule_ids())
    unknown = sorted(set(counts) - set(declared))
    silent = [r for r in declared if not counts[r]]
    top = ", ".join(f"{r} {n}" for r, n in counts.most_common(6))
    return [
        Score(
            name="rule_firings",
            informative=True,
            value=float(sum(counts.values())),
            explanation=f"{len(claims)} claims, {len(declared) - len(silent)}/{len(declared)} "
            f"attribution rules fired (most: {top or 'none'}); silent: "
            f"{', '.join(silent) or 'none'}" + (f"; UNDECLARED {unknown}" if unknown else ""),
            parts={r: float(counts[r]) for r in [*declared, *unknown]},
            details=[
                Check(item=r, passed=None, explanation=f"{r}: {counts[r]} claims")
                for r in [*declared, *unknown]
            ],
        )
    ]
