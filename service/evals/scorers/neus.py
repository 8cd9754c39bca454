"""NeuS cases (a neutral AllSides roundup): the roundup's sentences stated by the summary."""

from __future__ import annotations

from service.evals.scorers.context import NEUS_CASE, ScoreContext, scorer
from service.evals.scorers.score import Check, Score, ratio_score, short, skipped
from service.evals.scorers.summary import covering
from service.text.sentences import split_sentences

MIN_WORDS = 4  # shorter roundup sentences ("Read more.") state no fact


@scorer(uses_judge=True, pipeline_only=False, requires=NEUS_CASE)
async def neus_coverage(ctx: ScoreContext) -> list[Score]:
    if not ctx.case.reference_summary:
        return [skipped("neus_coverage", "no NeuS reference roundup", judged=True)]
    facts = [
        s.text
        for s in split_sentences(ctx.case.reference_summary)
        if len(s.text.split()) >= MIN_WORDS
    ]
    if not facts:
        return [skipped("neus_coverage", "the reference roundup has no sentences", judged=True)]
    checks = []
    for n, fact in enumerate(facts, 1):
        cov = await covering(ctx.judge, fact, ctx.sentences, k=ctx.summary_k)
        i, tried = cov.index, cov.tried
        checks.append(
            Check(
                item=f"ref {n}",
                passed=cov.passed(),
                explanation=(
                    f"reference sentence {n} covered by summary sentence {i + 1}"
                    if i is not None
                    else f"reference sentence {n} not covered: {short(fact)!r}; tried "
                    f"{', '.join(tried) or 'none'}"
                ),
            )
        )
    return [
        ratio_score(
            "neus_coverage",
            checks,
            lambda ok, n: f"{ok}/{n} sentences of the neutral roundup stated by the summary",
            skip="the reference roundup has no sentences",
            judged=True,
        )
    ]
