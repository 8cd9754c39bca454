"""Candidate pairs: which claim pairs are worth a decision at all."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from service.pipeline.alignment.parties import (
    _is_denial,
    _narration,
    _same_holder,
    _same_side,
    _text,
)
from service.pipeline.similarity import content_words
from service.schemas import Claim, Source

CANDIDATES_PER_CLAIM = 6
MIN_OVERLAP = 0.08


def candidate_pairs(
    claims: Sequence[Claim], limit: int | None = None, context: dict[str, str] | None = None
) -> list[tuple[Claim, Claim, float]]:
    """Each claim's closest claims, best first (all of them, or the best `limit`).

    Closeness is word overlap weighted by rarity in this event (a TF-IDF-style weight: words
    every claim shares, like the event's main actors, count little). Pairs inside one source
    are kept when different parties hold them (a dispute can sit inside one article that
    reports both sides). `context` extends a claim's text (a denial's preceding sentences:
    "denied such a conversation took place"); it can only raise a pair's score.
    Cost: O(n^2) set operations over n claims (a few thousand pairs for a typical event)."""
    context = context or {}
    words = {c.claim_id: content_words(_text(c)) for c in claims}
    wider = {
        c.claim_id: content_words(context[c.claim_id]) for c in claims if c.claim_id in context
    }
    df: Counter[str] = Counter(w for ws in words.values() for w in ws)
    n = max(1, len(claims))
    idf = {w: math.log(1 + n / f) for w, f in df.items()}  # smoothed: small events too

    def weighted(a: frozenset[str], b: frozenset[str]) -> float:
        if not a or not b:
            return 0.0
        # math.fsum: exact, so the result does not depend on the sets' iteration order
        # (string hashing differs per process; a plain sum could break ties differently).
        wa, wb = math.fsum(idf.get(w, 1.0) for w in a), math.fsum(idf.get(w, 1.0) for w in b)
        inter = math.fsum(idf.get(w, 1.0) for w in a & b)
        union = math.fsum(idf.get(w, 1.0) for w in a | b)
        return 0.5 * inter / min(wa, wb) + 0.5 * inter / union

    by_id = {c.claim_id: c for c in claims}
    near = {d: _antecedents(by_id[d], claims) for d in wider}

    def context_of(claim: Claim, other: Claim) -> frozenset[str]:
        # In the denial's own article its context is only its antecedent: "such a
        # conversation" points back to the nearest statement by another party, not to every
        # claim of the two sentences before it.
        own = words[claim.claim_id]
        if claim.claim_id not in wider:
            return own
        if other.source_id == claim.source_id and other.claim_id not in near[claim.claim_id]:
            return own
        return wider[claim.claim_id]

    best: dict[tuple[str, str], tuple[Claim, Claim, float]] = {}
    for claim in claims:
        scored = []
        for other in claims:
            if other.claim_id == claim.claim_id:
                continue
            same_source = other.source_id == claim.source_id
            if same_source and (
                _same_holder(other, claim)
                or (
                    other.sentence_ids == claim.sentence_ids
                    and not (_is_denial(claim) or _is_denial(other))
                )
            ):
                continue
            a, b = words[claim.claim_id], words[other.claim_id]
            score = max(
                weighted(a, b),
                weighted(context_of(claim, other), b),
                weighted(a, context_of(other, claim)),
            )
            if same_source:
                score *= 0.8  # prefer cross-source pairs; in-source ones only when close
            if score >= MIN_OVERLAP:
                scored.append((score, other))
        scored.sort(key=lambda item: -item[0])
        k = CANDIDATES_PER_CLAIM + (3 if _is_denial(claim) else 0)
        k += len(claim.statement.split()) // 25  # a long sentence reports several points
        for score, other in scored[:k]:
            a_, b_ = sorted((claim, other), key=lambda c: c.claim_id)
            best[(a_.claim_id, b_.claim_id)] = (a_, b_, score)
    ranked = sorted(best.values(), key=lambda item: -item[2])
    return ranked if limit is None else ranked[:limit]


_POINTS_BACK = re.compile(
    r"\b(?:such|sort|this|these|those|the\s+(?:claims?|reports?|ideas?|allegations?|"
    r"suggestions?|accusations?|accounts?|versions?|story|stories|assertions?))\b"
    # "denied the claim that A" names what it denies: that is not a pointer back.
    r"(?!\s+that\b)",
    re.IGNORECASE,
)


def denial_context(claims: Sequence[Claim], sources: Sequence[Source]) -> dict[str, str]:
    """A denial usually points back ("such a conversation", "anything of the sort"): match it
    with the two sentences before it too."""
    by_source = {s.source_id: s for s in sources}
    out: dict[str, str] = {}
    for claim in claims:
        if (
            not _is_denial(claim)
            or not claim.sentence_ids
            or not _POINTS_BACK.search(claim.statement)
        ):
            # A denial that names what it denies ("France had no information on a link to
            # Ukraine") is matched on its own words: the sentences before it are about
            # something else as often as not.
            continue
        sentences = by_source[claim.source_id].sentences
        first = min(claim.sentence_ids)
        before = " ".join(s.text for s in sentences[max(0, first - 3) : first - 1])
        out[claim.claim_id] = f"{_text(claim)} {before}"
    return out


def _antecedents(denial: Claim, claims: Sequence[Claim]) -> set[str]:
    """The claims a pointing-back denial most likely answers in its own article: those of the
    nearest earlier sentence (or earlier in its own sentence) that carry another party's
    statement, not the outlet's narration and not another denial."""
    first = min(denial.sentence_ids)
    eligible = [
        c
        for c in claims
        if c.source_id == denial.source_id
        and c.claim_id != denial.claim_id
        and c.sentence_ids
        and min(c.sentence_ids) <= first
        and not _is_denial(c)
        and not _narration(c)
        and not _same_side(c, denial)
    ]
    if not eligible:
        return set()
    nearest = max(min(c.sentence_ids) for c in eligible)
    return {c.claim_id for c in eligible if min(c.sentence_ids) == nearest}
