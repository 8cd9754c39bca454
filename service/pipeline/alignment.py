"""Step 2: cross-source alignment.

Candidate pairs come from cheap lexical overlap (each claim's closest claims from other sources,
or from the same source when the asserters differ — a dispute can sit inside one article that
reports both sides). The model labels each candidate pair same / contradict / different with the
numbered claim list as a shared prefix. Groups are the connected components over same and
contradict edges; a group with a contradict edge is disputed and its sides are the components
over same edges alone.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.drafts import Relation, pair_relations_for
from service.pipeline.progress import Progress, ProgressCallback
from service.pipeline.similarity import content_words, overlap
from service.prompts import fence, load_prompt
from service.schemas import (
    AsserterKind,
    Claim,
    ClaimGroup,
    ClaimKind,
    GroupStatus,
    OmittedVersion,
    PairJudgment,
    RunWarning,
    Side,
    Source,
)
from service.text.speech import is_denial_text

CANDIDATES_PER_CLAIM = 6
MIN_OVERLAP = 0.08
# Close wording across outlets: the same point without asking. On the seed pairs every
# cross-source pair this close (and neither a denial) reports one labelled fact; the model's
# answers on them were "same", "different" and "contradict".
SAME_BY_RULE = 0.4
# The least word overlap at which the model's "same" is believed. On the seed pairs the
# default 1.5B model said "same" to 43 of 58 pairs the labels call different and to 9 of 15
# they call same, whether the pair was given by ids into a claim listing or with both texts
# inline (measured 2026-11-26): its "same" carries little information, so wording decides.
SAME_NEEDS = 0.25
DISPUTE_BY_RULE = 0.3  # a denial this close to another party's claim answers it
# The least overlap at which the model's "contradict" (on a pair with a denial) is believed.
# Below it the pair shares one word or so; on the seed runs of 2026-11-26 every such
# "contradict" joined a denial to an unrelated claim of another party (e.g. "France accepted
# nothing on Ukraine" vs Shoigu's "the Kyiv regime does nothing without ...", 0.09).
CONTRADICT_NEEDS = 0.1
_CONFLICT_CUE = re.compile(
    r"\b(?:conflicting|contradictory|differing|diverging|competing|contrasting)\s+"
    r"(?:versions|reports|accounts|claims|statements|readings|interpretations)\b|"
    r"\b(?:versions|accounts)\s+(?:differ|diverge|conflict)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    relation: Relation
    score: float
    note: str = ""


def _holder(c: Claim) -> str:
    who = c.speaker or c.asserter
    return who.name.strip().lower()


def _same_holder(a: Claim, b: Claim) -> bool:
    return _holder(a) == _holder(b) or (
        a.asserter.name.strip().lower() == b.asserter.name.strip().lower()
        and a.asserter.kind.value != "outlet"
    )


# Role words in a holder's name: they say what kind of party speaks, not which side it is on
# ("French defence ministry" and "Russian defence ministry" are opposite sides).
_ROLE_WORDS = content_words(
    "source sources official officials ministry minister ministers defence defense foreign "
    "interior government spokesperson spokesman spokeswoman office department agency military "
    "army police president prime secretary statement close people person both side sides "
    "state senior top authorities aide aides adviser advisers diplomat diplomats counterpart"
)


_NAME_WORD = re.compile(r"\b[A-Z][\w'-]*")


def _party_words(c: Claim) -> frozenset[str]:
    """The proper names and demonyms in a claim's holders ("French defense officials" ->
    france; "a source close to Lecornu" -> lecornu): which side, not what kind of party."""
    names = [c.asserter] + ([c.speaker] if c.speaker else [])
    return frozenset(
        w
        for who in names
        if who.kind is not AsserterKind.outlet
        for w in content_words(" ".join(_NAME_WORD.findall(who.name)))
        if w not in _ROLE_WORDS
    )


def _same_side(a: Claim, b: Claim) -> bool:
    """The two claims' holders are one party or its people ("French defense officials",
    "Sebastien Lecornu via the French defence ministry", "a source close to Lecornu"): a
    party's denial does not dispute its own side's statement."""
    return _same_holder(a, b) or bool(_party_words(a) & _party_words(b))


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
    # and, after "but", its denial.
    return claim.kind is ClaimKind.denial or is_denial_text(claim.statement)


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


def announced_conflicts(claims: Sequence[Claim], sources: Sequence[Source]) -> set[tuple[str, str]]:
    """Pairs an article itself presents as conflicting: after "there have been conflicting
    reports ...", parallel claims ("X sources pointed to A." / "Y sources pointed to B.") of
    different parties in the next sentences are the two versions."""
    out: set[tuple[str, str]] = set()
    by_sentence: dict[tuple[str, int], list[Claim]] = defaultdict(list)
    for c in claims:
        by_sentence[(c.source_id, c.sentence_ids[0])].append(c)
    for source in sources:
        for i, span in enumerate(source.sentences, 1):
            if not _CONFLICT_CUE.search(span.text):
                continue
            following = [
                c
                for j in range(i, i + 4)
                for c in by_sentence.get((source.source_id, j), [])
                if c.speaker is not None and c.cue
            ]
            for x in following:
                for y in following:
                    if (
                        x.claim_id < y.claim_id
                        and x.sentence_ids != y.sentence_ids
                        and x.cue == y.cue
                        and not _same_holder(x, y)
                    ):
                        out.add((x.claim_id, y.claim_id))
    return out


_NUMBER = re.compile(r"\b\d[\d,.]*\b")


def contradiction_cue(a: Claim, b: Claim) -> str | None:
    """What makes a 'contradict' label believable: a denial on one side, or the same point
    with different numbers. Without one, a small model's 'contradict' is usually 'related'."""
    if _is_denial(a) or _is_denial(b):
        return "a denial"
    na, nb = set(_NUMBER.findall(a.statement)), set(_NUMBER.findall(b.statement))
    if na and nb and na != nb:
        return "different numbers"
    return None


def claim_line(claim: Claim) -> str:
    # Compact: this listing is the shared prefix of every pair call (read once, then cached).
    who = claim.speaker.name if claim.speaker else claim.asserter.name
    words = claim.statement.split()
    text = " ".join(words[:LISTING_WORDS]) + (" …" if len(words) > LISTING_WORDS else "")
    return f"[{claim.claim_id}] {who}: {text}"


LISTING_WORDS = 30  # the listing is read once per event; long clauses are cut


def _rule(
    a: Claim, b: Claim, score: float, announced: set[tuple[str, str]]
) -> tuple[Relation, str] | None:
    """The relation when code can decide it, with the rule's name; None: ask the model."""
    if (a.claim_id, b.claim_id) in announced or (b.claim_id, a.claim_id) in announced:
        return Relation.contradict, "rule: the article presents them as conflicting versions"
    denial_a, denial_b = _is_denial(a), _is_denial(b)
    if a.source_id == b.source_id and denial_a != denial_b and _narration(b if denial_a else a):
        # An article does not report a denial of its own narration: a denial in it answers
        # what some party is reported to say ("Moscow said ..., which Paris denied").
        return Relation.different, "rule: a denial does not answer its own article's narration"
    if denial_a != denial_b and not _same_side(a, b) and score >= DISPUTE_BY_RULE:
        return Relation.contradict, "rule: one party denies what another asserts"
    na, nb = set(_NUMBER.findall(a.statement)), set(_NUMBER.findall(b.statement))
    if (
        score >= SAME_BY_RULE
        and a.source_id != b.source_id
        and denial_a == denial_b
        and (not na or not nb or na == nb)
    ):
        return Relation.same, "rule: near-identical wording"
    return None


async def align(
    sources: Sequence[Source],
    claims: Sequence[Claim],
    llm: StructuredLLM,
    meter: StepMeter,
    *,
    max_pairs: int,
    pairs_per_call: int,
    warnings: list[RunWarning],
    progress: ProgressCallback,
) -> tuple[list[ClaimGroup], list[PairJudgment]]:
    comparable = [c for c in claims if c.kind is not ClaimKind.opinion]
    by_id = {c.claim_id: c for c in comparable}
    context = denial_context(comparable, sources)
    ranked = candidate_pairs(comparable, context=context) if len(sources) > 1 else []
    announced = announced_conflicts(comparable, sources)
    listed = {(a.claim_id, b.claim_id) for a, b, _ in ranked}
    for x, y in sorted(announced):
        if (x, y) not in listed and (y, x) not in listed:
            ranked.append((by_id[x], by_id[y], overlap(_text(by_id[x]), _text(by_id[y]))))
    decided: list[tuple[Claim, Claim, float, Relation, str]] = []
    ask: list[tuple[Claim, Claim, float]] = []
    for a, b, score in ranked:
        rule = _rule(a, b, score, announced)
        if rule is not None:
            decided.append((a, b, score, *rule))
        elif score < SAME_NEEDS and contradiction_cue(a, b) is None:
            # No answer could link them: "same" is not believed this far apart, and
            # "contradict" is not believed without a denial or conflicting numbers.
            decided.append((a, b, score, Relation.different, "rule: too little in common"))
        else:
            ask.append((a, b, score))
    if len(ask) > max_pairs:
        warnings.append(
            RunWarning(
                step="alignment",
                message=f"{len(ask)} claim pairs needed the model, only the {max_pairs} closest by "
                "word overlap were compared; raise RASHOMON_MAX_ALIGNMENT_PAIRS to compare more",
            )
        )
        ask = ask[:max_pairs]
    outlets = "\n".join(f"{s.source_id} = {s.outlet}" for s in sources)
    listing = fence("claims", outlets + "\n" + "\n".join(claim_line(c) for c in comparable))
    labeller = _PairLabeller(llm, meter, listing, pairs_per_call, warnings, progress)
    answers = await labeller.label([(a, b) for a, b, _ in ask], step="alignment")
    for (a, b, score), relation in zip(ask, answers, strict=True):
        if relation is None:
            continue
        decided.append((a, b, score, *_believed(a, b, score, relation)))
    decided = _one_answer_per_denial(decided)
    edges = [Edge(a.claim_id, b.claim_id, rel, score, note) for a, b, score, rel, note in decided]
    records = [
        PairJudgment(
            a=a.claim_id, b=b.claim_id, relation=rel.value, score=round(score, 3), decided_by=note
        )
        for a, b, score, rel, note in decided
    ]
    return build_groups(comparable, edges), records


def _believed(a: Claim, b: Claim, score: float, relation: Relation) -> tuple[Relation, str]:
    """What the model's answer is taken to mean, and why."""
    if relation is Relation.different:
        return relation, "model"
    if relation is Relation.same and score < SAME_NEEDS:
        # A small model calls loosely related claims "same"; with little wording in common
        # such a link chains unrelated points into one group.
        return Relation.different, "model said same, but they share little wording"
    if relation is Relation.contradict and score < CONTRADICT_NEEDS:
        return Relation.different, "model said contradict, but they share little wording"
    if relation is Relation.contradict and contradiction_cue(a, b) is None:
        # Without a denial or conflicting numbers a small model's "contradict" means
        # "related": counting it as agreement would chain unrelated claims together.
        return Relation.different, "model said contradict, but neither side denies"
    one_denies = _is_denial(a) != _is_denial(b)
    if (one_denies or relation is Relation.contradict) and _same_side(a, b):
        return Relation.different, f"model said {relation.value}, but both are one side's"
    if relation is Relation.same and one_denies:
        # "Same point" where one party denies what another asserts is the dispute itself.
        return Relation.contradict, "model: same point, and one side denies it"
    return relation, "model"


DENIAL_TARGETS = 3  # a denial answers one point (reported by a few outlets, say)


def _one_answer_per_denial(
    decided: list[tuple[Claim, Claim, float, Relation, str]],
) -> list[tuple[Claim, Claim, float, Relation, str]]:
    """A denial answers a claim: keep its closest contradictions only. Without this, one
    broad denial ("Paris denied the talks") contradicts every claim about the event."""
    kept: dict[str, int] = defaultdict(int)
    out = []
    order = sorted(
        range(len(decided)),
        key=lambda i: (not decided[i][4].startswith("rule: the article"), -decided[i][2]),
    )
    demoted: set[int] = set()
    for i in order:
        a, b, _score, rel, _note = decided[i]
        if rel is not Relation.contradict:
            continue
        denials = [c.claim_id for c in (a, b) if _is_denial(c)]
        if denials and all(kept[d] >= DENIAL_TARGETS for d in denials):
            demoted.add(i)
            continue
        for d in denials:
            kept[d] += 1
    for i, (a, b, score, rel, note) in enumerate(decided):
        if i in demoted:
            rel, note = Relation.different, f"{note}; not among the denial's closest claims"
        out.append((a, b, score, rel, note))
    return out


class _PairLabeller:
    """Asks the model about claim pairs, `pairs_per_call` at a time, over a cached listing."""

    def __init__(
        self,
        llm: StructuredLLM,
        meter: StepMeter,
        listing: str,
        pairs_per_call: int,
        warnings: list[RunWarning],
        progress: ProgressCallback,
    ) -> None:
        self.llm, self.meter, self.listing = llm, meter, listing
        self.pairs_per_call, self.warnings, self.progress = pairs_per_call, warnings, progress
        self.template = load_prompt("align_pairs")

    async def label(
        self, pairs: Sequence[tuple[Claim, Claim]], *, step: str
    ) -> list[Relation | None]:
        results: list[Relation | None] = [None] * len(pairs)
        size = self.pairs_per_call
        starts = range(0, len(pairs), size)
        done = 0

        async def ask(start: int) -> None:
            nonlocal done
            numbered = {i + 1: pairs[i] for i in range(start, min(start + size, len(pairs)))}
            request = "\n".join(
                f"Pair {n}: [{a.claim_id}] vs [{b.claim_id}]" for n, (a, b) in numbered.items()
            )
            request += f"\nAnswer with {len(numbered)} relations, one per pair, in this order."
            try:
                answer = await self.llm.complete(
                    self.template.render(claims=self.listing, request=request),
                    pair_relations_for(len(numbered)),
                    meter=self.meter,
                    max_tokens=8 * len(numbered) + 24,
                )
                for n, relation in zip(numbered, answer.relations, strict=True):
                    results[n - 1] = relation
            except (InvalidOutputError, TruncatedOutputError) as e:
                self.warnings.append(RunWarning(step=step, message=f"pairs skipped: {e}"))
            finally:
                done += len(numbered)
                self.progress(Progress(step, done, len(pairs)))

        await asyncio.gather(*(ask(start) for start in starts))
        return results


class _UnionFind:
    def __init__(self, items: Sequence[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def components(self, items: Sequence[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for item in items:
            out[self.find(item)].append(item)
        return out


def build_groups(claims: Sequence[Claim], edges: Sequence[Edge]) -> list[ClaimGroup]:
    """Pure: claims + labelled edges -> groups with status and sides."""
    by_id = {c.claim_id: c for c in claims}
    ids = [c.claim_id for c in claims]
    point = _UnionFind(ids)
    agree = _UnionFind(ids)
    n_sources = len({c.source_id for c in claims})
    max_size = max(4, 3 * n_sources)
    size = dict.fromkeys(ids, 1)
    linked: list[Edge] = []
    opposed: list[Edge] = []
    # Strongest links first, and no group past 3 claims per source on average: transitive
    # chaining (A~B, B~C, C~D ...) would otherwise snowball unrelated claims into one "point".
    # A cap per source was tried and scored worse on the seed eval (see the git log); with
    # three or more sources one source can still fill most of a group.
    # Contradictions first: they are what the reader is told about, and a group filled up by
    # "same" links first could no longer take the other side of a dispute.
    for e in sorted(edges, key=lambda e: (e.relation is not Relation.contradict, -e.score)):
        if e.relation is Relation.different or e.a not in by_id or e.b not in by_id:
            continue
        ra, rb = point.find(e.a), point.find(e.b)
        if ra != rb and size[ra] + size[rb] > max_size:
            continue
        if ra != rb:
            point.union(e.a, e.b)
            size[point.find(e.a)] = size[ra] + size[rb]
        if e.relation is Relation.same:
            # Agreeing with both sides of a contradiction would fold the two versions into
            # one: such a link joins the point, not a side.
            sa, sb = agree.find(e.a), agree.find(e.b)
            if any({agree.find(x.a), agree.find(x.b)} == {sa, sb} for x in opposed):
                e = Edge(
                    e.a,
                    e.b,
                    Relation.same,
                    e.score,
                    (e.note + "; " if e.note else "")
                    + "not merged into one side: they oppose each other",
                )
            else:
                agree.union(e.a, e.b)
        else:
            opposed.append(e)
        linked.append(e)
    groups: list[ClaimGroup] = []
    for members in point.components(ids).values():
        member_set = set(members)
        inner = [e for e in linked if e.a in member_set]
        disputed = any(e.relation is Relation.contradict for e in inner)
        sides_ids = list(agree.components(members).values()) if disputed else [members]
        sides = [_side([by_id[i] for i in side]) for side in sides_ids]
        source_ids = sorted({by_id[i].source_id for i in members})
        status = (
            GroupStatus.disputed
            if disputed
            else GroupStatus.agreed
            if len(source_ids) > 1
            else GroupStatus.single_source
        )
        first = by_id[members[0]]
        groups.append(
            ClaimGroup(
                group_id="",
                status=status,
                point=first.statement,
                claim_ids=members,
                source_ids=source_ids,
                sides=sides,
                how_formed=_how(inner),
            )
        )
    order = {GroupStatus.disputed: 0, GroupStatus.agreed: 1, GroupStatus.single_source: 2}
    groups.sort(key=lambda g: (order[g.status], ids.index(g.claim_ids[0])))
    return [g.model_copy(update={"group_id": f"G{n}"}) for n, g in enumerate(groups, 1)]


def _side(claims: Sequence[Claim]) -> Side:
    # Who holds a version: the speaker, and the channel or outlet that carries it.
    names = [n for c in claims for n in (c.speaker.name if c.speaker else None, c.asserter.name)]
    holders = list(dict.fromkeys(n for n in names if n))
    return Side(
        version=claims[0].statement,
        claim_ids=[c.claim_id for c in claims],
        holders=holders,
        source_ids=sorted({c.source_id for c in claims}),
    )


def _how(edges: Sequence[Edge]) -> str:
    if not edges:
        return "no other claim was judged to be about the same point"
    parts = [
        f"{e.a} {e.relation.value} {e.b} (overlap {e.score:.2f}{'; ' + e.note if e.note else ''})"
        for e in edges
    ]
    return "model-judged pairs: " + "; ".join(parts)


def omissions(sources: Sequence[Source], groups: Sequence[ClaimGroup]) -> dict[str, list[str]]:
    """For each source, the groups other sources report that it does not."""
    return {
        s.source_id: [g.group_id for g in groups if s.source_id not in g.source_ids]
        for s in sources
    }


def omitted_versions(
    sources: Sequence[Source], groups: Sequence[ClaimGroup]
) -> dict[str, list[OmittedVersion]]:
    """For each source, the sides of disputed points it reports that only other sources carry
    ("S1 reports Moscow's account of the call, not the French denial"). A point left out
    altogether is in `omissions`; this is the one-sided telling of a point it does report."""
    return {
        s.source_id: [
            OmittedVersion(
                group_id=g.group_id, side=n, version=side.version, holders=list(side.holders)
            )
            for g in groups
            if g.status is GroupStatus.disputed and s.source_id in g.source_ids
            for n, side in enumerate(g.sides, 1)
            if s.source_id not in side.source_ids
        ]
        for s in sources
    }
