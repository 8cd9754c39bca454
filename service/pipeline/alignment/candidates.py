"""Candidate pairs: which claim pairs are worth a decision at all."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from service.pipeline.alignment.parties import (
    _is_denial,
    _narration,
    _same_holder,
    _same_side,
    _text,
)
from service.pipeline.alignment.ruledata import rule_data
from service.pipeline.similarity import content_words
from service.schemas import Claim, Source


def candidate_pairs(
    claims: Sequence[Claim], limit: int | None = None, context: dict[str, str] | None = None
) -> list[tuple[Claim, Claim, float]]:
    """Each claim's closest claims, best first (all of them, or the best `limit`).

    Closeness is word overlap weighted by rarity in this event (a TF-IDF-style weight: words
    every claim shares, like the event's main actors, count little). Pairs inside one source
    are kept when different parties hold them (a dispute can sit inside one article that
    reports both sides). `context` extends a claim's text (a denial's preceding sentences:
    "denied such a conversation took place"); it can only raise a pair's score.

    Cost: only pairs that share a word are scored, found through an inverted index; a word in
    more than `index_max_postings` claims proposes no pair by itself (it weighs little, and on
    a large event it would make the step quadratic). Each unordered pair is scored once."""
    data = rule_data()
    per_claim, min_overlap = int(data.value("candidates_per_claim")), data.value("min_overlap")
    max_postings = int(data.value("index_max_postings"))
    context = context or {}
    words = [content_words(_text(c)) for c in claims]
    wider = [content_words(context[c.claim_id]) if c.claim_id in context else None for c in claims]
    df: Counter[str] = Counter(w for ws in words for w in ws)
    n = max(1, len(claims))
    idf = {w: math.log(1 + n / f) for w, f in df.items()}  # smoothed: small events too

    weight: dict[frozenset[str], float] = {}

    def total(ws: frozenset[str]) -> float:
        # math.fsum: exact, so a sum does not depend on the set's iteration order (string
        # hashing differs per process; a plain sum could break ties differently).
        if ws not in weight:
            weight[ws] = math.fsum(idf.get(w, 1.0) for w in ws)
        return weight[ws]

    def weighted(a: frozenset[str], b: frozenset[str]) -> float:
        if not a or not b:
            return 0.0
        wa, wb = total(a), total(b)
        inter = math.fsum(idf.get(w, 1.0) for w in a & b)
        union = wa + wb - inter
        return 0.5 * inter / min(wa, wb) + 0.5 * inter / union

    by_source: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_source[c.source_id].append(c)
    near = {
        c.claim_id: _antecedents(c, by_source[c.source_id])
        for c, w in zip(claims, wider, strict=True)
        if w is not None
    }

    def context_of(i: int, j: int) -> frozenset[str]:
        # In the denial's own article its context is only its antecedent: "such a
        # conversation" points back to the nearest statement by another party, not to every
        # claim of the two sentences before it.
        claim, other, own = claims[i], claims[j], words[i]
        extra = wider[i]
        if extra is None:
            return own
        if other.source_id == claim.source_id and other.claim_id not in near[claim.claim_id]:
            return own
        return extra

    postings: dict[str, list[int]] = defaultdict(list)
    for i, ws in enumerate(words):
        for w in ws | (wider[i] or frozenset()):
            postings[w].append(i)
    scored: list[list[tuple[float, int]]] = [[] for _ in claims]
    denial = [_is_denial(c) for c in claims]
    for i, claim in enumerate(claims):
        others: set[int] = set()
        for w in words[i] | (wider[i] or frozenset()):
            ids = postings[w]
            if len(ids) <= max_postings:
                others.update(j for j in ids if j > i)
        for j in sorted(others):
            other = claims[j]
            same_source = other.source_id == claim.source_id
            if same_source and (
                _same_holder(other, claim)
                or (other.sentence_ids == claim.sentence_ids and not (denial[i] or denial[j]))
            ):
                continue
            score = weighted(words[i], words[j])
            if wider[i] is not None or wider[j] is not None:
                score = max(
                    score,
                    weighted(context_of(i, j), words[j]),
                    weighted(words[i], context_of(j, i)),
                )
            if same_source:
                score *= 0.8  # prefer cross-source pairs; in-source ones only when close
            if score >= min_overlap:
                scored[i].append((score, j))
                scored[j].append((score, i))
    best: dict[tuple[str, str], tuple[Claim, Claim, float]] = {}
    for i, claim in enumerate(claims):
        # Ties keep the claims' order, as a scan over all claims would.
        ranked_i = sorted(scored[i], key=lambda item: (-item[0], item[1]))
        k = per_claim + (3 if denial[i] else 0)
        k += len(claim.statement.split()) // 25  # a long sentence reports several points
        for score, j in ranked_i[:k]:
            a_, b_ = sorted((claim, claims[j]), key=lambda c: c.claim_id)
            best[(a_.claim_id, b_.claim_id)] = (a_, b_, score)
    ranked = sorted(best.values(), key=lambda item: -item[2])
    return ranked if limit is None else ranked[:limit]


def denial_context(claims: Sequence[Claim], sources: Sequence[Source]) -> dict[str, str]:
    """A denial usually points back ("such a conversation", "anything of the sort"): match it
    with the two sentences before it too."""
    by_source = {s.source_id: s for s in sources}
    out: dict[str, str] = {}
    for claim in claims:
        if (
            not _is_denial(claim)
            or not claim.sentence_ids
            or not rule_data().regex("points_back").search(claim.statement)
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
