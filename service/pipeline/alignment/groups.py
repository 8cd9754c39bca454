"""Groups from labelled pairs: points, their status and sides; omissions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from service.pipeline.drafts import Relation
from service.schemas import Claim, ClaimGroup, GroupStatus, OmittedVersion, Side, Source


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    relation: Relation
    score: float
    note: str = ""


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
    disputes = dict.fromkeys(ids, False)  # per point root: does it hold a contradiction?
    linked: list[Edge] = []
    opposed: set[frozenset[str]] = set()  # pairs of agree-roots that contradict each other
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
        if ra != rb and disputes[ra] and disputes[rb]:
            # Two disputes are two points: a link between them would put, say, an attack's
            # perpetrators and who initiated a call under one "accounts differ".
            continue
        if ra != rb:
            point.union(e.a, e.b)
            root = point.find(e.a)
            size[root] = size[ra] + size[rb]
            disputes[root] = disputes[ra] or disputes[rb]
        if e.relation is Relation.contradict:
            disputes[point.find(e.a)] = True
        if e.relation is Relation.same:
            # Agreeing with both sides of a contradiction would fold the two versions into
            # one: such a link joins the point, not a side.
            sa, sb = agree.find(e.a), agree.find(e.b)
            if frozenset((sa, sb)) in {frozenset(agree.find(x) for x in pair) for pair in opposed}:
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
            opposed.add(frozenset((e.a, e.b)))
        linked.append(e)
    inner_of: dict[str, list[Edge]] = defaultdict(list)
    for e in linked:
        inner_of[point.find(e.a)].append(e)
    position = {cid: n for n, cid in enumerate(ids)}
    groups: list[ClaimGroup] = []
    for root, members in point.components(ids).items():
        inner = inner_of[root]
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
    groups.sort(key=lambda g: (order[g.status], position[g.claim_ids[0]]))
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
