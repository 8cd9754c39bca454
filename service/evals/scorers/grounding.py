"""Grounding: quotes and evidence are verbatim slices of their source, and summary sentences
are supported by the claims they cite. Deterministic."""

from __future__ import annotations

from service.evals.scorers.context import ScoreContext, scorer
from service.evals.scorers.score import Check, Score, ratio_score, share, short, skipped
from service.pipeline.similarity import content_words

SUPPORT_MIN = 0.5  # citation support: share of a sentence's content words found in its citations


@scorer(uses_judge=False, pipeline_only=True)
async def quote_grounding(ctx: ScoreContext) -> list[Score]:
    rec = ctx.rec
    texts = {s.source_id: s.text for s in rec.sources}
    # (item, what, source, start, end, text): every quote, and every evidence span of a claim
    # or a framing statement; each must be its source's text[start:end].
    spans: list[tuple[str, str, str, int, int, str]] = []
    for account in rec.accounts:
        for q in account.quotes:
            spans.append((q.quote_id, f"quote {q.quote_id}", q.source_id, q.start, q.end, q.text))
        for c in (*account.claims, *account.editorial):
            for n, e in enumerate(c.evidence, 1):
                what = f"claim {c.claim_id} evidence {n}"
                spans.append((f"{c.claim_id}.ev{n}", what, c.source_id, e.start, e.end, e.text))
    total, ok = len(spans), 0
    failed: list[Check] = []
    for item, what, source_id, start, end, text in spans:
        got = texts.get(source_id, "")[start:end]
        if got == text:
            ok += 1
            continue
        explanation = f"{what}: text[{start}:{end}] is {short(got, 60)!r}, not {short(text, 60)!r}"
        failed.append(Check(item=item, passed=False, explanation=explanation))
    if not total:
        return [skipped("quote_grounding", "the output has no quotes and no evidence spans")]
    # Only the failures are listed: a run has hundreds of spans and nearly all hold.
    return [
        Score(
            name="quote_grounding",
            value=share(ok, total),
            explanation=f"{ok}/{total} quotes and evidence spans are verbatim slices at their "
            "offsets" + (f"; {len(failed)} are not" if failed else ""),
            details=failed,
        )
    ]


@scorer(uses_judge=False, pipeline_only=True)
async def citation_support(ctx: ScoreContext) -> list[Score]:
    """Lexical: a sentence is supported when >= SUPPORT_MIN of its content words appear in
    its cited claims (statement, evidence sentence, asserter) or the cited outlets' names."""
    rec = ctx.rec
    sentences = rec.summary.sentences
    if not sentences:
        return [skipped("citation_support", "the summary has no sentences")]
    by_id = {c.claim_id: c for c in rec.all_claims()}
    outlets = {s.source_id: s.outlet for s in rec.sources}
    checks = []
    for n, s in enumerate(sentences, 1):
        unknown = [c for c in s.claim_ids if c not in by_id]
        cited = [by_id[c] for c in s.claim_ids if c in by_id]
        pool = " ".join(
            f"{c.statement} {c.asserter.name} {outlets.get(c.source_id, '')} "
            + " ".join(e.text for e in c.evidence)
            for c in cited
        )
        words = content_words(s.text)
        support = share(len(words & content_words(pool)), len(words)) if words else 1.0
        ok = support >= SUPPORT_MIN and not unknown and bool(cited)
        extra = sorted(words - content_words(pool))[:8]
        checks.append(
            Check(
                item=f"sentence {n}",
                passed=ok,
                explanation=(
                    f"sentence {n}: {support:.0%} of its words are in its {len(cited)} cited claims"
                    + (f"; unknown citations {unknown}" if unknown else "")
                    + ("" if ok else f"; unsupported words: {', '.join(extra)}")
                    + f": {short(s.text)!r}"
                ),
            )
        )
    return [
        ratio_score(
            "citation_support",
            checks,
            lambda ok, n: (
                f"{ok}/{n} summary sentences lexically supported "
                f"(>= {SUPPORT_MIN:.0%} of content words) by the claims they cite"
            ),
            skip="the summary has no sentences",
            judged=False,
        )
    ]
