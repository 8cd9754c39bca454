"""What the account step keeps out of a source's account (issue 19, defects 8 and 9).

- Text addressed to a machine (`service.text.injection`): set aside before any claim is built,
  one warning per sentence naming the rule; a quotation that reaches into such text is dropped
  with it, so no injected word becomes a claim, a quote or summary material.
- A non-English article (`Source.language`, `service.text.language`): the attribution rules
  read English only, so no sentence is parsed; each is the outlet's own voice and each claim
  carries `attribution.not-english` (the warning is raised when the language is detected, in
  `pipeline/sources.py`).
"""

from __future__ import annotations

from collections.abc import Sequence

from service.schemas import Claim, RunWarning, Source, SourceAccount, Span
from service.text.injection import Finding, screen_sentences
from service.text.language import ENGLISH
from service.text.speech import SentenceSpeech

__all__ = [
    "ENGLISH",
    "NOT_ENGLISH_RULE",
    "guard_account",
    "outlet_voice_only",
    "set_aside_injected",
]

NOT_ENGLISH_RULE = "attribution.not-english"


def set_aside_injected(source: Source, warnings: list[RunWarning]) -> dict[int, Finding]:
    """Sentence ids addressed to a model, each reported in `warnings`."""
    set_aside = screen_sentences(source.text, source.sentences)
    for sid, finding in set_aside.items():
        line = " ".join(source.sentences[sid - 1].text.split())[:120]
        warnings.append(
            RunWarning(
                step="accounts",
                source_id=source.source_id,
                rule_id=finding.rule_id,
                message=f"sentence {sid} set aside: it reads as an instruction to a language "
                f"model ({finding.reason}), not as reporting: {line!r}",
            )
        )
    return set_aside


def outlet_voice_only(source: Source) -> list[SentenceSpeech]:
    """Every sentence in the outlet's own voice, with no frame (no party credited)."""
    speech = []
    for i, span in enumerate(source.sentences, 1):
        s = SentenceSpeech(sentence_id=i)
        s.outlet_part = (span.start, span.end)
        s.outlet_text = " ".join(span.text.split())
        speech.append(s)
    return speech


def guard_account(
    account: SourceAccount, source: Source, set_aside: dict[int, Finding]
) -> SourceAccount:
    account = _outside(account, [source.sentences[sid - 1] for sid in set_aside])
    if source.language != ENGLISH:
        account = _flag_language(account)
    return account


def _outside(account: SourceAccount, spans: Sequence[Span]) -> SourceAccount:
    """Drop quotes (and claims) that reach into set-aside text: a quotation that runs over
    several paragraphs can hold an injected line planted between them (issue 19.9)."""
    if not spans:
        return account

    def touches(start: int, end: int) -> bool:
        return any(start < s.end and s.start < end for s in spans)

    quotes = [q for q in account.quotes if not touches(q.start, q.end)]
    kept = {q.quote_id for q in quotes}

    def clean(claims: list[Claim]) -> list[Claim]:
        return [
            c.model_copy(update={"quote_ids": [q for q in c.quote_ids if q in kept]})
            for c in claims
            if not any(touches(e.start, e.end) for e in c.evidence)
        ]

    return account.model_copy(
        update={
            "quotes": quotes,
            "claims": clean(account.claims),
            "editorial": clean(account.editorial),
        }
    )


def _flag_language(account: SourceAccount) -> SourceAccount:
    def flag(claims: list[Claim]) -> list[Claim]:
        return [c.model_copy(update={"rule_ids": [*c.rule_ids, NOT_ENGLISH_RULE]}) for c in claims]

    return account.model_copy(
        update={"claims": flag(account.claims), "editorial": flag(account.editorial)}
    )
