"""BASIL cases (expert bias spans): quotes credited to the labelled speaker, and loaded wording
not repeated by the summary. Deterministic."""

from __future__ import annotations

from service.evals.attribution import group_matches, names_match
from service.evals.dataset import pipeline_source_ids
from service.evals.scorers.context import BASIL_CASE, ScoreContext, scorer
from service.evals.scorers.score import Check, Score, ratio_score, short, skipped
from service.text.speech import nlp


def _speaker_name(raw: str) -> str | None:
    """BASIL speaker label -> a name, or None for category labels (other_anti, ...)."""
    if raw.lower().startswith("other") or raw.lower() in {"unknown", "none", ""}:
        return None
    return raw.replace("_", " ").strip()


def _is_person(label: str) -> bool:
    """Whether a speaker label names one person ("Rick Perry"), not a group the annotators
    credit for a member's words ("Tea Party", "Democratic Lawmakers", "plaintiffs"): the whole
    label is one PERSON entity for the parser."""
    doc = nlp()(label)
    return len(doc.ents) == 1 and doc.ents[0].label_ == "PERSON" and doc.ents[0].text == label


@scorer(
    uses_judge=False,
    pipeline_only=True,
    requires=BASIL_CASE,
    metrics=("basil_quote_attribution", "basil_person_quote_attribution"),
)
async def basil_quote_attribution(ctx: ScoreContext) -> list[Score]:
    case, rec = ctx.case, ctx.rec
    spans = [s for s in case.bias_spans if s.quote and s.speaker and _speaker_name(s.speaker)]
    if not spans:
        why = "no BASIL quote span with a named speaker"
        return [
            skipped("basil_quote_attribution", why),
            skipped("basil_person_quote_attribution", why),
        ]
    index = pipeline_source_ids(case, rec)
    accounts = {a.source_id: a for a in rec.accounts}
    texts = {s.source_id: s.text for s in rec.sources}
    checks = []
    person_checks = []
    for n, span in enumerate(spans, 1):
        speaker = _speaker_name(span.speaker or "") or ""
        sid = index.get(span.article)
        item = f"span {n} ({sid or span.article})"
        if sid is None or sid not in accounts:
            checks.append(
                Check(
                    item=item,
                    passed=False,
                    explanation=(f"{item}: article {span.article} missing from the output"),
                )
            )
            continue
        text = texts[sid]
        start = span.start if text[span.start : span.end] == span.text else text.find(span.text)
        end = start + len(span.text)
        acc = accounts[sid]
        covering: list[tuple[str, str | None]] = (
            [(q.quote_id, q.speaker) for q in acc.quotes if q.start < end and start < q.end]
            + [
                # BASIL labels who *spoke*: a claim credits them as its asserter or, for a
                # person reported in the outlet's voice, as its speaker.
                (c.claim_id, who)
                for c in (*acc.claims, *acc.editorial)
                if any(e.start <= start and end <= e.end for e in c.evidence)
                for who in dict.fromkeys(
                    [c.asserter.name, *([c.speaker.name] if c.speaker else [])]
                )
            ]
            if start >= 0
            else []
        )
        ok = any(who and names_match(who, speaker) for _, who in covering)
        # A group label ("Tea Party", "Democratic Lawmakers") counts when a claim credits a named
        # member of that group and records the group the article names them by (Asserter.group).
        groups = [
            (c.claim_id, who.name, who.group)
            for c in (*acc.claims, *acc.editorial)
            if start >= 0 and any(e.start <= start and end <= e.end for e in c.evidence)
            for who in (c.asserter, *([c.speaker] if c.speaker else []))
            if who.group
        ]
        by_group = [g for g in groups if group_matches(g[2] or "", speaker)]
        if not ok and by_group and not _is_person(speaker):
            ok = True
            covering = [(f"{i} (group {g!r})", who) for i, who, g in by_group] + covering
        if not covering:
            expl = f"{item}: no quote or claim covers {short(span.text, 60)!r} ({speaker})"
        else:
            found = ", ".join(f"{i}={w!r}" for i, w in covering[:4])
            expl = (
                f"{item}: {short(span.text, 60)!r} by {speaker!r} "
                f"{'attributed' if ok else 'misattributed'} ({found})"
            )
        checks.append(Check(item=item, passed=ok, explanation=expl))
        if _is_person(speaker):
            person_checks.append(checks[-1])
    return [
        ratio_score(
            "basil_quote_attribution",
            checks,
            lambda ok, n: (
                f"{ok}/{n} BASIL quote spans covered by a quote/claim crediting the "
                "labelled speaker"
            ),
            skip="no BASIL quote span with a named speaker",
            judged=False,
        ),
        ratio_score(
            "basil_person_quote_attribution",
            person_checks,
            lambda ok, n: (
                f"{ok}/{n} BASIL quote spans whose labelled speaker is a person (not a group "
                "such as 'Tea Party') credited to that person"
            ),
            skip="no BASIL quote span labelled with a person's name",
            judged=False,
        ),
    ]


def _outside_quotes(haystack: str, needle: str) -> bool:
    """Whether `needle` occurs in `haystack` (case-insensitive) outside quotation marks."""
    low, target = haystack.lower(), needle.lower()
    pos = low.find(target)
    while pos >= 0:
        before = haystack[:pos]
        opened = (before.count('"') % 2 == 1) or before.count("“") > before.count("”")
        if not opened:
            return True
        pos = low.find(target, pos + 1)
    return False


@scorer(uses_judge=False, pipeline_only=False, requires=BASIL_CASE)
async def basil_lexical_leak_free(ctx: ScoreContext) -> list[Score]:
    spans = [s for s in ctx.case.bias_spans if s.bias == "lex" and not s.quote]
    if not spans:
        return [skipped("basil_lexical_leak_free", "no BASIL lexical-bias span outside quotes")]
    summary = " ".join(" ".join(s.split()) for s in ctx.sentences)
    checks = []
    for n, span in enumerate(spans, 1):
        phrase = " ".join(span.text.split())
        leaked = _outside_quotes(summary, phrase)
        checks.append(
            Check(
                item=f"lex {n}",
                passed=not leaked,
                explanation=(
                    f"loaded wording {phrase!r} (article {span.article}) "
                    + ("REPEATED in the summary as its own words" if leaked else "not repeated")
                ),
            )
        )
    return [
        ratio_score(
            "basil_lexical_leak_free",
            checks,
            lambda leaked, n: (
                f"{leaked}/{n} BASIL lexical-bias spans repeated outside "
                "quotation marks (value = 1 - leak rate)"
            ),
            skip="no BASIL lexical-bias span outside quotes",
            judged=False,
            leaks=True,
            # A BASIL article has dozens of lex spans: list the leaks, or a sample when none.
            details=[c for c in checks if c.passed is False] or checks[:5],
        )
    ]
