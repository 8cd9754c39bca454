"""Who holds a claim, and which side: the party tests the alignment rules share."""

from __future__ import annotations

import re
from functools import lru_cache

from service.pipeline.alignment.ruledata import rule_data
from service.pipeline.similarity import content_words
from service.schemas import AsserterKind, Claim, ClaimKind
from service.text.speech import is_denial_text


def _holder(c: Claim) -> str:
    who = c.speaker or c.asserter
    return who.name.strip().lower()


def _same_holder(a: Claim, b: Claim) -> bool:
    return _holder(a) == _holder(b) or (
        a.asserter.name.strip().lower() == b.asserter.name.strip().lower()
        and a.asserter.kind.value != "outlet"
    )


_NAME_WORD = re.compile(r"\b[A-Z][\w'-]*")


@lru_cache(maxsize=1)
def _role_words() -> frozenset[str]:
    # Role words say what kind of party speaks, not which side (rules.yaml: role_words).
    return content_words(" ".join(rule_data().lists["role_words"].words))


def _party_words(c: Claim) -> frozenset[str]:
    """The proper names and demonyms in a claim's holders ("French defense officials" ->
    france; "a source close to Lecornu" -> lecornu): which side, not what kind of party."""
    names = [c.asserter] + ([c.speaker] if c.speaker else [])
    return frozenset(
        w
        for who in names
        if who.kind is not AsserterKind.outlet
        for w in content_words(" ".join(_NAME_WORD.findall(who.name)))
        if w not in _role_words()
    )


def _same_side(a: Claim, b: Claim) -> bool:
    """The two claims' holders are one party or its people ("French defense officials",
    "Sebastien Lecornu via the French defence ministry", "a source close to Lecornu"): a
    party's denial does not dispute its own side's statement."""
    return _same_holder(a, b) or bool(_party_words(a) & _party_words(b))


def _text(claim: Claim) -> str:
    """What a claim says, for matching. A denial told as an act ("US and Kyiv denounced the
    idea that A") is matched on what it denies: the denier's name is who answers, not what
    is answered, and would tie the denial to every claim that mentions the denier."""
    if claim.speaker is not None and _is_denial(claim):
        prefix = f"{claim.speaker.name} {claim.cue or ''}".strip()
        if claim.cue and claim.statement.startswith(prefix):
            return claim.statement[len(prefix) :].lstrip(" :")
    return claim.statement


def _narration(claim: Claim) -> bool:
    """The outlet's own account of events: no party credited, no one speaking."""
    return claim.asserter.kind is AsserterKind.outlet and claim.speaker is None


def _is_denial(claim: Claim) -> bool:
    # The claim's own statement, not its whole sentence: one sentence often carries a claim
    # and, after "but", its denial. Declining an offer is no denial (pattern `refusal`).
    if is_refusal(claim.statement):
        return False
    return claim.kind is ClaimKind.denial or _denial_wording(claim.statement)


@lru_cache(maxsize=65536)
def is_refusal(text: str) -> bool:
    """ "rejected the overture", "declined an interview request": an act on an offer.
    Cached like `_denial_wording`: asked for every pair a claim is in."""
    return rule_data().regex("refusal").search(text) is not None


@lru_cache(maxsize=65536)
def _denial_wording(text: str) -> bool:
    # Cached: called for every pair a claim is in.
    return is_denial_text(text) or rule_data().regex("rejection").search(text) is not None
