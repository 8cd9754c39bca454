"""Every scorer, in the order they run and are reported, and the one loop that runs them.

The order matters twice: the judge is asked its questions in a fixed order (its budget is
spent the same way on every run), and `stage_losses` reads `consensus_coverage`, so it comes
after the summary scorers. A new scorer goes in its family's module and in `SCORERS`."""

from __future__ import annotations

from service.evals.scorers import (
    basil,
    cost,
    disputes,
    facts,
    grounding,
    neus,
    omissions,
    polnear,
    rules,
    stages,
    summary,
    summary_integrity,
)
from service.evals.scorers.context import ScoreContext, Scorer
from service.evals.scorers.score import Score, skipped
from service.pipeline.progress import Progress, ProgressCallback, no_progress

SCORERS: tuple[Scorer, ...] = (
    grounding.quote_grounding,
    grounding.citation_support,
    basil.basil_quote_attribution,
    polnear.polnear_attribution,
    facts.fact_recall,
    facts.attribution_accuracy,
    disputes.disputes,
    stages.candidate_recall,
    omissions.omissions,
    summary.consensus_coverage,
    summary.disputed_attribution,
    summary.framing_leak_free,
    summary_integrity.summary_integrity,
    summary_integrity.summary_quotes_verbatim,
    summary_integrity.summary_shape,
    summary_integrity.dispute_points,
    basil.basil_lexical_leak_free,
    neus.neus_coverage,
    stages.stage_losses,
    rules.rule_firings,
    cost.cost,
)


def scorers_for(ctx: ScoreContext) -> list[Scorer]:
    """The baseline's bare summary gets only the scorers that read no reconciliation."""
    return [s for s in SCORERS if ctx.reconciliation is not None or not s.pipeline_only]


async def score_output(
    ctx: ScoreContext, *, progress: ProgressCallback = no_progress, step: str = "scoring"
) -> list[Score]:
    """Run every scorer that can read this output; a scorer that does not apply to the case
    lists its scores as skipped with the reason. Returned deterministic scores first, then
    judge-based, then informative ones (cost), each group in registry order. `progress`
    hears `step` done/total after each scorer."""
    todo = scorers_for(ctx)
    for n, s in enumerate(todo, 1):
        if s.applies(ctx.case):
            ctx.scores += await s(ctx)
        elif s.listed_when_skipped:
            reason = s.skip_reason(ctx.case)
            ctx.scores += [skipped(m, reason, judged=s.uses_judge) for m in s.metrics]
        progress(Progress(step, n, len(todo), ctx.case.case_id))
    return sorted(ctx.scores, key=lambda sc: (sc.informative, sc.judged))
