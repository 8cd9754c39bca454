"""Summary checks against the gold labels: consensus facts stated, disputed facts attributed,
framing not repeated as fact. They read only the summary sentences, so they score the
pipeline and the baseline alike, with the judge's summary k."""

from __future__ import annotations

from dataclasses import dataclass

from service.evals.attribution import has_attribution_cue, is_outlet_voice, names_in_text
from service.evals.judge import Judge, top_k
from service.evals.labels import FactStatus
from service.evals.scorers.context import LABELLED, ScoreContext, scorer
from service.evals.scorers.score import Check, Score, ratio_score, short, skipped
from service.pipeline.similarity import content_words

REPEAT_MIN_WORDS = 4
REPEAT_SHARE = 0.8


@dataclass(frozen=True)
class Covered:
    index: int | None  # the summary sentence judged to state it
    tried: list[str]
    unjudged: bool  # not found, and some candidate was left unjudged (budget spent)

    def passed(self) -> bool | None:
        """True, False, or None when the judge never answered: not counted, not a miss."""
        if self.index is not None:
            return True
        return None if self.unjudged else False


async def covering(judge: Judge, statement: str, sentences: list[str], *, k: int) -> Covered:
    """The first of the top-`k` sentences (by overlap) judged to state `statement`, and what
    was tried."""
    tried: list[str] = []
    unjudged = False
    indexed = list(enumerate(sentences))
    for i, sentence in top_k(statement, indexed, lambda t: t[1], k):
        verdict = await judge.same_fact(statement, sentence)
        tried.append(f"sentence {i + 1} ({verdict.describe()})")
        if verdict.same:
            return Covered(i, tried, False)
        unjudged = unjudged or verdict.same is None
    return Covered(None, tried, unjudged)


@scorer(uses_judge=True, pipeline_only=False, requires=LABELLED)
async def consensus_coverage(ctx: ScoreContext) -> list[Score]:
    sentences = ctx.sentences
    facts = [f for f in ctx.labels.facts if f.status is FactStatus.consensus]
    if not facts:
        return [skipped("consensus_coverage", "the labels have no consensus facts", judged=True)]
    if not sentences:
        return [
            Score(
                name="consensus_coverage",
                value=0.0,
                judged=True,
                explanation="the summary is empty",
            )
        ]
    checks = []
    for f in facts:
        cov = await covering(ctx.judge, f.statement, sentences, k=ctx.summary_k)
        i, tried = cov.index, cov.tried
        checks.append(
            Check(
                item=f.id,
                passed=cov.passed(),
                explanation=(
                    f"{f.id} covered by sentence {i + 1}: {short(sentences[i])!r}"
                    if i is not None
                    else f"{f.id} not covered: {short(f.statement)!r}; tried {', '.join(tried) or 'none'}"
                ),
            )
        )
    return [
        ratio_score(
            "consensus_coverage",
            checks,
            lambda ok, n: f"{ok}/{n} consensus facts stated by a summary sentence",
            skip="the labels have no consensus facts",
            judged=True,
        )
    ]


@scorer(uses_judge=True, pipeline_only=False, requires=LABELLED)
async def disputed_attribution(ctx: ScoreContext) -> list[Score]:
    sentences = ctx.sentences
    facts = [f for f in ctx.labels.facts if f.status is FactStatus.disputed]
    if not facts:
        return [skipped("disputed_attribution", "the labels have no disputed facts", judged=True)]
    checks = []
    for f in facts:
        i = (await covering(ctx.judge, f.statement, sentences, k=ctx.summary_k)).index
        if i is None:
            checks.append(
                Check(
                    item=f.id,
                    passed=None,
                    explanation=(f"{f.id} not covered by the summary (not counted)"),
                )
            )
            continue
        text = sentences[i]
        holders = sorted(
            {
                r.asserter
                for r in f.reported_by
                if not is_outlet_voice(r.asserter, r.asserter_kind.value)
            }
        )
        named = [h for h in holders if names_in_text(h, text)]
        cue = has_attribution_cue(text)
        ok = bool(named) or cue
        how = (
            f"names {named}"
            if named
            else "uses attribution wording"
            if cue
            else f"states it as fact (names none of {holders}, no attribution wording)"
        )
        checks.append(
            Check(
                item=f.id,
                passed=ok,
                explanation=(f"{f.id} in sentence {i + 1} {how}: {short(text)!r}"),
            )
        )
    if all(c.passed is None for c in checks):
        # Skipped, but the uncovered facts stay listed: that none is covered is the finding.
        return [
            Score(
                name="disputed_attribution",
                status="skipped",
                judged=True,
                explanation=f"none of the {len(facts)} disputed facts is covered by the summary",
                details=checks,
            )
        ]
    return [
        ratio_score(
            "disputed_attribution",
            checks,
            lambda ok, n: (
                f"{ok}/{n} covered disputed facts are attributed, not asserted "
                f"({len(facts) - n} not covered)"
            ),
            skip="",  # unreachable: some check counts
            judged=True,
        )
    ]


def repeats_wording(excerpt: str, sentences: list[str]) -> int | None:
    """The first sentence holding at least 80% of the excerpt's content words (stemmed), when
    the excerpt has enough of them to be distinctive."""
    words = content_words(excerpt)
    if len(words) < REPEAT_MIN_WORDS:
        return None
    for i, sentence in enumerate(sentences):
        if len(words & content_words(sentence)) >= REPEAT_SHARE * len(words):
            return i
    return None


@scorer(uses_judge=True, pipeline_only=False, requires=LABELLED)
async def framing_leak_free(ctx: ScoreContext) -> list[Score]:
    sentences = ctx.sentences
    framing = ctx.labels.framing
    if not framing:
        return [skipped("framing_leak_free", "the labels have no framing assertions", judged=True)]
    checks = []
    for e in framing:
        # Deterministic first: a sentence that repeats the outlet's own words is stating the
        # framing whatever the judge says (a 1.5B judge misses such paraphrases).
        i = repeats_wording(e.text, sentences)
        how = "repeats the outlet's wording" if i is not None else "judge"
        unjudged = False
        if i is None:
            cov = await covering(ctx.judge, e.assertion, sentences, k=ctx.summary_k)
            i, unjudged = cov.index, cov.unjudged
        if i is None:
            checks.append(
                Check(
                    item=e.id,
                    passed=None if unjudged else True,
                    explanation=(
                        f"{e.id} not judged (judge budget spent): {short(e.assertion)!r}"
                        if unjudged
                        else f"{e.id} not stated: {short(e.assertion)!r}"
                    ),
                )
            )
        elif has_attribution_cue(sentences[i], besides=f"{e.text} {e.assertion}"):
            checks.append(
                Check(
                    item=e.id,
                    passed=True,
                    explanation=(
                        f"{e.id} stated with attribution in sentence {i + 1}: "
                        f"{short(sentences[i])!r}"
                    ),
                )
            )
        else:
            checks.append(
                Check(
                    item=e.id,
                    passed=False,
                    explanation=(
                        f"{e.id} LEAKED as fact in sentence {i + 1} ({how}): "
                        f"{short(sentences[i])!r} (framing: {short(e.assertion)!r}; {e.why})"
                    ),
                )
            )
    return [
        ratio_score(
            "framing_leak_free",
            checks,
            lambda leaked, n: (
                f"{leaked}/{n} framing assertions stated as fact by the "
                "summary (value = 1 - leak rate)"
            ),
            skip="the labels have no framing assertions",
            judged=True,
            leaks=True,
        )
    ]
