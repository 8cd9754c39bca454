"""Cost: tokens, calls and model time of the steps that produced the output. Informative."""

from __future__ import annotations

from service.evals.scorers.context import ScoreContext, scorer
from service.evals.scorers.score import Check, Score, skipped


@scorer(uses_judge=False, pipeline_only=False)
async def cost(ctx: ScoreContext) -> list[Score]:
    steps = ctx.steps
    if not steps:
        return [skipped("cost", "no model steps recorded")]
    parts: dict[str, float] = {}
    checks = []
    for st in steps:
        parts[f"{st.step}.tokens"] = float(st.usage.total_tokens)
        parts[f"{st.step}.wall_s"] = round(st.wall_time_s, 3)
        checks.append(
            Check(
                item=st.step,
                passed=None,
                explanation=(
                    f"{st.step}: {st.calls} calls, {st.attempts} attempts, {st.cache_hits} cache hits, "
                    f"{st.usage.prompt_tokens}+{st.usage.completion_tokens} tokens spent, "
                    f"{st.cached_usage.total_tokens} more served from cache, "
                    f"{st.wall_time_s:.1f} s"
                ),
            )
        )
    tokens = sum(s.usage.total_tokens for s in steps)
    cached = sum(s.cached_usage.total_tokens for s in steps)
    hits = sum(s.cache_hits for s in steps)
    wall = sum(s.wall_time_s for s in steps)
    cache_note = (
        f"; {hits} answers from the response cache, which cost {cached} tokens when computed"
        if hits
        else ""
    )
    return [
        Score(
            name="cost",
            value=float(tokens),
            informative=True,
            explanation=f"{tokens} tokens spent, {wall:.1f} s model time over "
            f"{sum(s.calls for s in steps)} calls{cache_note} (informative, not pass/fail)",
            parts=parts,
            details=checks,
        )
    ]
