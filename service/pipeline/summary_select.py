"""Which points the summary considers, and which lead: the groups worth a sentence, how
close a single-source point comes to what the other outlets report, the budgeted choice among
them, the event the outlets share and the central disagreement."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from service.pipeline.similarity import content_words, overlap
from service.pipeline.summary_repeats import CREDIT
from service.schemas import AsserterKind, Claim, ClaimGroup, ClaimKind, GroupStatus, Source
from service.text.speech import pos_tags
from service.text.speech.rules import lists

EVENT_OVERLAP = 0.3  # the least word overlap for an agreed point to lead as "the event"


def summary_points(groups: Sequence[ClaimGroup], claims: dict[str, Claim]) -> list[ClaimGroup]:
    """The groups worth a sentence: all but background that only one source adds."""
    return [
        g
        for g in groups
        if g.status is not GroupStatus.single_source
        or claims[g.claim_ids[0]].kind is not ClaimKind.background
    ]


def relevance(points: Sequence[ClaimGroup], claims: dict[str, Claim]) -> dict[str, float]:
    """For each single-source point, how much of its wording (weighted by rarity in the event)
    the other outlets also use: a point another outlet left out but wrote around is the story;
    an aside (another event, an earlier year) is not. Linear in the claims' words."""
    bags = {c.claim_id: content_words(c.statement) for c in claims.values()}
    df: Counter[str] = Counter(w for ws in bags.values() for w in ws)
    n = max(1, len(bags))
    idf = {w: math.log(1 + n / f) for w, f in df.items()}
    vocab: dict[str, set[str]] = {}
    for c in claims.values():
        for w in bags[c.claim_id]:
            vocab.setdefault(w, set()).add(c.source_id)
    out: dict[str, float] = {}
    for g in points:
        if g.status is not GroupStatus.single_source:
            continue
        best = 0.0
        for cid in g.claim_ids:
            ws, sid = bags[cid], claims[cid].source_id
            total = math.fsum(idf[w] for w in ws)
            shared = math.fsum(idf[w] for w in ws if vocab[w] - {sid})
            best = max(best, shared / total if total else 0.0)
        out[g.group_id] = best
    return out


def select_groups(
    points: Sequence[ClaimGroup], limit: int, closeness: dict[str, float] | None = None
) -> list[ClaimGroup]:
    """At most `limit` of the points, in their original order. When there are more, disputes
    win over agreements, and agreements over single-source points; single-source points are
    taken in turn from each source (each outlet's first, then each one's second, ...), so that
    a long article does not crowd the others out; within a source, the ones closest to what
    the other outlets report (`closeness`, see `relevance`) first."""
    rank = {GroupStatus.disputed: 0, GroupStatus.agreed: 1, GroupStatus.single_source: 2}
    closeness = closeness or {}
    turn: dict[int, int] = {}
    by_source: dict[str, list[int]] = {}
    for i, g in enumerate(points):
        if g.status is GroupStatus.single_source:
            by_source.setdefault(g.source_ids[0] if g.source_ids else "", []).append(i)
    for members in by_source.values():
        members.sort(key=lambda i: (-round(closeness.get(points[i].group_id, 0.0), 3), i))
        for n, i in enumerate(members):
            turn[i] = n
    kept = sorted(
        enumerate(points), key=lambda item: (rank[item[1].status], turn.get(item[0], 0), item[0])
    )[:limit]
    return [g for _, g in sorted(kept, key=lambda item: item[0])]


def lead_points(
    groups: Sequence[ClaimGroup], claims: dict[str, Claim]
) -> tuple[list[str] | None, ClaimGroup | None]:
    """The event (claim ids of the point most sources report alike, earliest first) and the
    central disagreement (the disputed point with the most sources, then claims). The event
    may be one side of a disputed point: outlets agree a call took place and one party then
    denies what another says was discussed in it."""
    disputed = [g for g in groups if g.status is GroupStatus.disputed]
    shared: list[list[str]] = [list(g.claim_ids) for g in groups if g.status is GroupStatus.agreed]
    shared += [
        list(side.claim_ids) for g in disputed for side in g.sides if len(side.source_ids) > 1
    ]

    def lead_claim(ids: list[str]) -> tuple[int, int]:
        # The earliest claim in the outlet's own voice: a news lead states the event.
        plain = [
            claims[c] for c in ids if c in claims and claims[c].asserter.kind is AsserterKind.outlet
        ]
        if not plain:
            return (1, 10**6)
        return (0, min(c.sentence_ids[0] for c in plain))

    def tight(ids: list[str]) -> bool:
        # Only a point the outlets word alike is safe to state as "the event": a small
        # model's "same" can join claims that merely share a topic.
        texts = [(claims[c].source_id, claims[c].statement) for c in ids if c in claims]
        return any(
            sa != sb and overlap(a, b) >= EVENT_OVERLAP
            for i, (sa, a) in enumerate(texts[:12])
            for sb, b in texts[i + 1 : 12]
        )

    def n_sources(ids: list[str]) -> int:
        return len({claims[c].source_id for c in ids if c in claims})

    def plain(ids: list[str]) -> bool:
        # Outlets agreeing that someone said X is not agreement that X happened: a point any
        # outlet credits to a party is never stated as the event (seeds and BASIL: a ministry's
        # claim led the summary as fact because another outlet told it in its own voice).
        # Each outlet in the point must tell it in its own voice at least once.
        members = [claims[c] for c in ids if c in claims]
        told = {c.source_id for c in members if c.asserter.kind is AsserterKind.outlet}
        return told == {c.source_id for c in members}

    event = min(
        (ids for ids in shared if tight(ids) and plain(ids)),
        key=lambda ids: (lead_claim(ids), -n_sources(ids)),
        default=None,
    )
    central = min(
        disputed,
        key=lambda g: (-len(g.source_ids), group_position(g), -len(g.claim_ids)),
        default=None,
    )
    return event, central


def group_position(g: ClaimGroup) -> int:
    return min(int(c.rsplit(".C", 1)[-1]) for c in g.claim_ids)


def names_someone(body: str) -> bool:
    """The words before the clause's first verb hold a name (its actor)."""
    for _word, pos in pos_tags(" ".join(body.split()[:14])):
        if pos in {"VERB", "AUX"}:
            return False
        if pos == "PROPN":
            return True
    return False


def unnamed_actor(text: str) -> str | None:
    """The role a sentence that holds no proper name points to its person with ("the
    congressman" in "A young man, dressed in a jacket and tie, approached the congressman on a
    sidewalk", BASIL, NYT's anecdotal opening): the article names the person later, so the
    sentence cannot tell a reader whom the story is about. None when the sentence names
    someone or points to no one by role ("An intraparty battle delayed the bipartisan
    infrastructure effort ...", NeuS, tells the event without a person)."""
    tags = pos_tags(CREDIT.sub("", text.strip()))
    if any(pos == "PROPN" for _word, pos in tags):
        return None
    roles = lists().role_words
    for (det, _), (word, pos) in pairwise(tags):
        if det.lower() in {"the", "this", "that"} and pos == "NOUN" and word.lower() in roles:
            return f"{det.lower()} {word}"
    return None


HEADLINE_COVER = 0.5  # share of a headline's content words a sentence of its article must carry
HEADLINE_MIN_SHARED = 2  # ... and at least this many of them


def headline_claims(sources: Sequence[Source], claims: dict[str, Claim]) -> dict[str, str]:
    """For each outlet whose headline its article tells in a sentence of its own, that claim
    (source id -> claim id): the point the outlet chose to put first, told in the body's own
    words. Shown beside the summary, the headlines themselves read as a list "instead of
    summarising", and the facts they carried ("Republicans demand hearings", "the court
    ruling and the 15,000 borrowers", "Nadler abruptly postponed the vote") were then "only in
    a listed headline" (NeuS raters, rounds 22-24, 52 of 145 defects). The earliest claim
    with the most of the headline's words wins; none when no claim carries half of them."""
    by_source: dict[str, list[Claim]] = {}
    for c in claims.values():
        if c.kind not in {ClaimKind.opinion, ClaimKind.background}:
            by_source.setdefault(c.source_id, []).append(c)
    out: dict[str, str] = {}
    for s in sources:
        head = content_words(s.title or "")
        if len(head) < HEADLINE_MIN_SHARED:
            continue
        shared = {
            c.claim_id: len(head & content_words(c.statement))
            for c in by_source.get(s.source_id, [])
        }
        best = max(
            by_source.get(s.source_id, []),
            key=lambda c: (shared[c.claim_id], -(c.sentence_ids[0] if c.sentence_ids else 10**6)),
            default=None,
        )
        if best and shared[best.claim_id] >= max(HEADLINE_MIN_SHARED, HEADLINE_COVER * len(head)):
            out[s.source_id] = best.claim_id
    return out


def shared_voices(points: Sequence[ClaimGroup], claims: dict[str, Claim]) -> dict[str, str]:
    """A person two or more outlets quote or report speaking is one of the story's voices:
    each such person's first single-source point (group id -> surname), to be shown when the
    summary has not given them a word yet. The cap on points had left them out (BASIL: Rep.
    Darrell Issa, quoted by the Times and Fox News, "This is a felony"; Sarah Palin, whose
    reply two outlets report; raters: "gives only the White House side", "omits Palin's
    reaction")."""
    outlets: dict[str, set[str]] = {}
    for c in claims.values():
        if c.speaker is not None and c.speaker.kind is AsserterKind.person:
            outlets.setdefault(_surname(c.speaker.name), set()).add(c.source_id)
    out: dict[str, str] = {}
    for g in sorted(points, key=group_position):
        if g.status is not GroupStatus.single_source:
            continue
        speaker = claims[g.claim_ids[0]].speaker if g.claim_ids[0] in claims else None
        if speaker is None or speaker.kind is not AsserterKind.person:
            continue
        who = _surname(speaker.name)
        if len(outlets.get(who, ())) > 1 and who not in out.values():
            out[g.group_id] = who
    return out


def _surname(name: str) -> str:
    return name.split()[-1] if name.split() else name
