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
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.drafts import Relation, pair_batch_for
from service.pipeline.progress import Progress, ProgressCallback
from service.pipeline.similarity import overlap
from service.prompts import fence, load_prompt
from service.schemas import Claim, ClaimGroup, ClaimKind, GroupStatus, RunWarning, Side, Source
from service.text.attribution import kind_hint

CANDIDATES_PER_CLAIM = 3
MIN_OVERLAP = 0.12


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    relation: Relation
    score: float
    note: str = ""


def _same_holder(a: Claim, b: Claim) -> bool:
    return a.asserter.name.strip().lower() == b.asserter.name.strip().lower()


def candidate_pairs(
    claims: Sequence[Claim], limit: int | None = None, context: dict[str, str] | None = None
) -> list[tuple[Claim, Claim, float]]:
    """Each claim's closest claims by lexical overlap, best first (all of them, or the best
    `limit`). `context` extends a claim's text for matching (a denial's preceding sentences:
    "denied such a conversation took place")."""
    context = context or {}
    best: dict[tuple[str, str], tuple[Claim, Claim, float]] = {}
    for claim in claims:
        scored = []
        for other in claims:
            if other.claim_id == claim.claim_id:
                continue
            same_source = other.source_id == claim.source_id
            if same_source and _same_holder(other, claim):
                continue
            score = overlap(
                context.get(claim.claim_id, _text(claim)), context.get(other.claim_id, _text(other))
            )
            if same_source:
                score *= 0.8  # prefer cross-source pairs; in-source ones only when close
            if score >= MIN_OVERLAP:
                scored.append((score, other))
        scored.sort(key=lambda item: -item[0])
        k = CANDIDATES_PER_CLAIM + (2 if _is_denial(claim) else 0)
        for score, other in scored[:k]:
            a, b = sorted((claim, other), key=lambda c: c.claim_id)
            best[(a.claim_id, b.claim_id)] = (a, b, score)
    ranked = sorted(best.values(), key=lambda item: -item[2])
    return ranked if limit is None else ranked[:limit]


def _text(claim: Claim) -> str:
    return f"{claim.statement} {claim.evidence[0].text if claim.evidence else ''}"


def _is_denial(claim: Claim) -> bool:
    # The claim's own statement, not its whole sentence: one sentence often carries a claim
    # and, after "but", its denial.
    return claim.kind is ClaimKind.denial or kind_hint(claim.statement) == "denial"


def denial_context(claims: Sequence[Claim], sources: Sequence[Source]) -> dict[str, str]:
    """A denial usually points back ("such a conversation", "anything of the sort"): match it
    with the two sentences before it too."""
    by_source = {s.source_id: s for s in sources}
    out: dict[str, str] = {}
    for claim in claims:
        if not _is_denial(claim) or not claim.sentence_ids:
            continue
        sentences = by_source[claim.source_id].sentences
        first = min(claim.sentence_ids)
        before = " ".join(s.text for s in sentences[max(0, first - 3) : first - 1])
        out[claim.claim_id] = f"{_text(claim)} {before}"
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
    return f"[{claim.claim_id}] {claim.asserter.name}; {claim.kind.value}; {claim.statement}"


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
) -> list[ClaimGroup]:
    comparable = [c for c in claims if c.kind is not ClaimKind.opinion]
    context = denial_context(comparable, sources)
    ranked = candidate_pairs(comparable, context=context) if len(sources) > 1 else []
    pairs = ranked[:max_pairs]
    if len(ranked) > max_pairs:
        warnings.append(
            RunWarning(
                step="alignment",
                message=f"{len(ranked)} candidate claim pairs, only the {max_pairs} closest by word "
                "overlap were compared; raise RASHOMON_MAX_ALIGNMENT_PAIRS to compare more",
            )
        )
    outlets = "\n".join(f"{s.source_id} = {s.outlet}" for s in sources)
    listing = fence("claims", outlets + "\n" + "\n".join(claim_line(c) for c in comparable))
    labeller = _PairLabeller(llm, meter, listing, pairs_per_call, warnings, progress)

    first = await labeller.label([(a, b) for a, b, _ in pairs], step="alignment")
    # A contradiction is what the reader is told about, so it must survive being asked again
    # with the two claims swapped (small models flip with position); otherwise the pair keeps
    # the second answer, and an unanswered re-check counts as "same point, not contradicted".
    disputed = [i for i, r in enumerate(first) if r is Relation.contradict]
    second = await labeller.label(
        [(pairs[i][1], pairs[i][0]) for i in disputed], step="alignment-check"
    )
    final = list(first)
    notes = [""] * len(pairs)
    for i, again in zip(disputed, second, strict=True):
        final[i] = again if again is not None else Relation.same
        if final[i] is Relation.contradict:
            a, b, _ = pairs[i]
            cue = contradiction_cue(a, b)
            notes[i] = f"confirmed both orders; {cue}" if cue else "no contradiction cue"
            if cue is None:
                final[i] = Relation.same
        else:
            notes[i] = "contradiction not confirmed in swapped order"
    for i, (a, b, _) in enumerate(pairs):
        # "Same point" where one party denies what another asserts is the dispute itself.
        if final[i] is Relation.same and _is_denial(a) != _is_denial(b) and not _same_holder(a, b):
            final[i], notes[i] = Relation.contradict, "same point, and one side denies it"
    edges = [
        Edge(a.claim_id, b.claim_id, relation, score, note)
        for (a, b, score), relation, note in zip(pairs, final, notes, strict=True)
        if relation is not None
    ]
    return build_groups(comparable, edges)


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
            request += "\nGive one judgment per pair, using the pair numbers."
            try:
                answer = await self.llm.complete(
                    self.template.render(claims=self.listing, request=request),
                    pair_batch_for(tuple(numbered)),
                    meter=self.meter,
                    max_tokens=40 * len(numbered) + 32,
                )
                for judgment in answer.judgments:
                    results[judgment.pair_id - 1] = judgment.relation
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
    max_size = max(3, 2 * n_sources)
    size = dict.fromkeys(ids, 1)
    linked: list[Edge] = []
    # Strongest links first, and no group past 2 claims per source on average: transitive
    # chaining (A~B, B~C, C~D ...) would otherwise snowball unrelated claims into one "point".
    # A cap per source was tried and scored worse on the seed eval (see the git log); with
    # three or more sources one source can still fill most of a group.
    for e in sorted(edges, key=lambda e: -e.score):
        if e.relation is Relation.different or e.a not in by_id or e.b not in by_id:
            continue
        ra, rb = point.find(e.a), point.find(e.b)
        if ra != rb and size[ra] + size[rb] > max_size:
            continue
        if ra != rb:
            point.union(e.a, e.b)
            size[point.find(e.a)] = size[ra] + size[rb]
        linked.append(e)
        if e.relation is Relation.same:
            agree.union(e.a, e.b)
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
    holders = list(dict.fromkeys(c.asserter.name for c in claims))
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
