"""Step 3: the neutral reconciled summary.

Order: a lead sentence (the event and its central disagreement), one sentence per disputed
point, consensus points merged a few to a sentence, then single-source points.
The model writes the lead, the disputes and the merged consensus from the claims only; code
then checks each sentence: it cites claims of its points, names each side's holder of a
dispute, keeps "who said it" when every claim of a point is someone's statement, names no
party that its claims do not mention, repeats no outlet's loaded wording, and says "several
outlets" only when it cites several (`service.text.screen`). A sentence that still fails after
the re-ask budget is replaced by a deterministic template, with a warning.
Single-source points are never restated by the model: they are quoted and attributed.
Editorial claims (kind opinion) never reach this step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.alignment import candidate_pairs
from service.pipeline.drafts import SummarySentenceDraft, summary_draft_for
from service.pipeline.progress import Progress, ProgressCallback
from service.pipeline.similarity import overlap
from service.prompts import fence, load_prompt
from service.schemas import (
    AsserterKind,
    Claim,
    ClaimGroup,
    ClaimKind,
    GroupStatus,
    RunWarning,
    Side,
    Source,
    Summary,
    SummaryKind,
    SummarySentence,
)
from service.text.screen import CitedMaterial, screen
from service.text.speech import pos_tags

ONE_SOURCE_NOTE = "Only one article was given: there is nothing to reconcile across sources."


def summary_points(groups: Sequence[ClaimGroup], claims: dict[str, Claim]) -> list[ClaimGroup]:
    """The groups worth a sentence: all but background that only one source adds."""
    return [
        g
        for g in groups
        if g.status is not GroupStatus.single_source
        or claims[g.claim_ids[0]].kind is not ClaimKind.background
    ]


def relevance(points: Sequence[ClaimGroup], claims: dict[str, Claim]) -> dict[str, float]:
    """For each single-source point, how close it comes to what the other outlets report (its
    best rarity-weighted word overlap with their claims, as alignment scores pairs): a point
    another outlet left out but wrote around is the story; an aside (another event, an
    earlier year) is not."""
    best: dict[str, float] = {}
    for a, b, score in candidate_pairs(list(claims.values())):
        if a.source_id != b.source_id:
            for c in (a, b):
                best[c.claim_id] = max(best.get(c.claim_id, 0.0), score)
    return {
        g.group_id: max((best.get(c, 0.0) for c in g.claim_ids), default=0.0)
        for g in points
        if g.status is GroupStatus.single_source
    }


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


def _holder_words(name: str) -> set[str]:
    return {w.strip(".,'’").lower() for w in name.split() if len(w) > 3} or {name.lower()}


def check_sentence(
    draft: SummarySentenceDraft, group: ClaimGroup, claims: dict[str, Claim]
) -> None:
    """Raise ValueError (fed back to the model) when the sentence breaks the citation rules."""
    unknown = [c for c in draft.claim_ids if c not in group.claim_ids]
    if unknown:
        raise ValueError(f"cite only ids from the list {group.claim_ids}; {unknown} are not there")
    if group.status is GroupStatus.agreed:
        attributed = [
            c for c in group.claim_ids if claims[c].asserter.kind is not AsserterKind.outlet
        ]
        if len(attributed) == len(group.claim_ids):
            # Outlets agreeing that someone said X is not agreement that X is true.
            holders = {claims[c].asserter.name for c in attributed}
            low = draft.text.lower()
            if not any(w in low for h in holders for w in _holder_words(h)):
                raise ValueError(f"say who holds this point: {sorted(holders)}")
    if group.status is GroupStatus.disputed:
        for side in group.sides:
            if not set(side.claim_ids) & set(draft.claim_ids):
                raise ValueError(f"cite at least one of {side.claim_ids} (a side of the dispute)")
            _require_holder(draft.text, side)
    if group.status is GroupStatus.single_source:
        credited = any(
            w in draft.text.lower()
            for c in group.claim_ids
            for w in _holder_words(claims[c].asserter.name) | {"according", "reports", "said"}
        )
        if not credited:
            raise ValueError("attribute this single-source point to its outlet or asserter")


def _who(claim: Claim, outlets: dict[str, str]) -> str:
    """Who holds a claim, for a reader: the speaker, and the channel or outlet carrying it."""
    outlet = outlets[claim.source_id]
    speaker = claim.speaker.name if claim.speaker else None
    if claim.asserter.kind is AsserterKind.outlet:
        return f"{speaker} (as reported by {outlet})" if speaker else outlet
    if speaker and speaker != claim.asserter.name:
        return f"{speaker} (via {claim.asserter.name}, as reported by {outlet})"
    return f"{claim.asserter.name} (as reported by {outlet})"


def _clause(statement: str) -> str:
    return " ".join(statement.split()).strip().rstrip(".,;: ").replace('"', "'")


def _q(statement: str) -> str:
    """A claim's words in quotation marks: they are the article's own (verbatim clauses), so
    any loaded word in them stays the outlet's, never the summary's."""
    return f'"{_clause(statement)}"'


def template_sentence(
    group: ClaimGroup, claims: dict[str, Claim], outlets: dict[str, str]
) -> SummarySentenceDraft:
    """Deterministic: never states a contested or single-source point as fact."""
    if group.status is GroupStatus.disputed:
        firsts = [claims[side.claim_ids[0]] for side in group.sides]
        # The side that denies goes last ("X says ...; Y denies it").
        order = sorted(range(len(firsts)), key=lambda i: firsts[i].kind is ClaimKind.denial)
        versions = [f"{_who(firsts[i], outlets)}: {_q(group.sides[i].version)}" for i in order]
        text = "Accounts differ. " + "; ".join(versions) + "."
        cited = [group.sides[i].claim_ids[0] for i in order]
    elif group.status is GroupStatus.agreed:
        members = [claims[c] for c in group.claim_ids]
        outlet_names = sorted({outlets[c.source_id] for c in members})
        names = " and ".join(outlet_names)
        holders = list(dict.fromkeys(c.asserter.name for c in members))
        point = min(members, key=lambda c: len(c.statement)).statement
        if all(c.asserter.kind is not AsserterKind.outlet for c in members):
            # Outlets agreeing that someone said X is not agreement that X is true.
            text = f"According to {' and '.join(holders)} (reported by {names}), {_q(point)}."
        else:
            text = f"{names} {'both ' if len(outlet_names) == 2 else ''}report {_q(point)}."
        cited = list(group.claim_ids)
    else:
        return _quoted(group, claims, outlets)
    # Built, not validated: the length limit is a constraint on the model, not on the template.
    return SummarySentenceDraft.model_construct(text=text[0].upper() + text[1:], claim_ids=cited)


_KINDS = {
    GroupStatus.agreed: SummaryKind.consensus,
    GroupStatus.disputed: SummaryKind.disputed,
    GroupStatus.single_source: SummaryKind.attributed,
}
AGREED_PER_SENTENCE = 3  # consensus points merged into one sentence
EVENT_OVERLAP = 0.3  # the least word overlap for an agreed point to lead as "the event"
SUMMARY_REASKS = 1  # a sentence that fails its checks twice gets the template


def _quoted(
    group: ClaimGroup, claims: dict[str, Claim], outlets: dict[str, str]
) -> SummarySentenceDraft:
    """A single-source point, attributed, its words in quotation marks (they are the article's
    own words, so a loaded word stays the outlet's, never the summary's)."""
    first = claims[group.claim_ids[0]]
    outlet = outlets[first.source_id]
    if first.asserter.kind is AsserterKind.outlet and first.speaker is None:
        text = f"{outlet} reports: {_q(first.statement)}."
    else:
        text = f"According to {_who(first, outlets)}: {_q(first.statement)}."
    return SummarySentenceDraft.model_construct(text=text, claim_ids=[first.claim_id])


def merged_consensus(
    groups: Sequence[ClaimGroup], claims: dict[str, Claim], outlets: dict[str, str]
) -> SummarySentenceDraft:
    """Several agreed points in one sentence, each in its reporters' own words, keeping who
    said it where every report attributes it (agreeing that X said Y is not agreeing on Y)."""
    parts: list[str] = []
    cited: list[str] = []
    names: set[str] = set()
    for g in groups:
        members = [claims[c] for c in g.claim_ids]
        names |= {outlets[c.source_id] for c in members}
        point = min(members, key=lambda c: len(c.statement))
        if all(c.asserter.kind is not AsserterKind.outlet for c in members):
            holders = " and ".join(dict.fromkeys(c.asserter.name for c in members))
            parts.append(f"according to {holders}, {_q(point.statement)}")
        elif point.speaker is not None and point.speaker.name not in point.statement:
            parts.append(f"{point.speaker.name} said {_q(point.statement)}")
        else:
            parts.append(_q(point.statement))
        cited += list(g.claim_ids)
    outlet_names = sorted(names)
    both = "both " if len(outlet_names) == 2 else ""
    text = f"{' and '.join(outlet_names)} {both}report: " + "; ".join(parts) + "."
    return SummarySentenceDraft.model_construct(text=text, claim_ids=cited)


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

    def position(g: ClaimGroup) -> int:
        # News puts the event first: the agreed point that the articles raise earliest.
        return min(int(c.rsplit(".C", 1)[-1]) for c in g.claim_ids)

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
            for i, (sa, a) in enumerate(texts)
            for sb, b in texts[i + 1 :]
        )

    def n_sources(ids: list[str]) -> int:
        return len({claims[c].source_id for c in ids if c in claims})

    event = min(
        (ids for ids in shared if tight(ids)),
        key=lambda ids: (lead_claim(ids), -n_sources(ids)),
        default=None,
    )
    central = min(
        disputed, key=lambda g: (-len(g.source_ids), position(g), -len(g.claim_ids)), default=None
    )
    return event, central


def template_lead(
    event: list[str] | None,
    central: ClaimGroup | None,
    claims: dict[str, Claim],
    outlets: dict[str, str],
) -> SummarySentenceDraft | None:
    """The event, stated as the outlets report it, then the central disagreement with who
    holds each version. Deterministic."""
    parts: list[str] = []
    cited: list[str] = []
    if event is not None:
        members = [claims[c] for c in event]
        plain = [c for c in members if c.asserter.kind is AsserterKind.outlet and not c.speaker]
        first = min(plain or members, key=lambda c: (c.sentence_ids[0], len(c.statement)))
        others = sorted({outlets[c.source_id] for c in members} - {outlets[first.source_id]})
        also = f" (also reported by {' and '.join(others)})" if others else ""
        parts.append(f"{outlets[first.source_id]} reports {_q(first.statement)}{also}")
        cited.append(first.claim_id)
    if central is not None and len(central.sides) >= 2:
        # The event may itself be one side of the dispute: the disagreement is then between
        # the other sides, or with the event as the outlets report it.
        def denies(side: Side) -> bool:
            return claims[side.claim_ids[0]].kind is ClaimKind.denial

        rest = [side for side in central.sides if event is None or side.claim_ids != event]
        rest.sort(key=denies)  # stable: claims first, denials last
        if len(rest) >= 2:
            a = rest[0]
            b = next((side for side in rest[1:] if denies(side)), rest[1])
            ca, cb = claims[a.claim_ids[0]], claims[b.claim_ids[0]]
            parts.append(
                f"the main disagreement is between {_who(ca, outlets)}: {_q(a.version)}, and "
                f"{_who(cb, outlets)}: {_q(b.version)}"
            )
            cited += [a.claim_ids[0], b.claim_ids[0]]
        elif rest:
            b = rest[0]
            cb = claims[b.claim_ids[0]]
            parts.append(f"{_who(cb, outlets)} disputes it: {_q(b.version)}")
            cited.append(b.claim_ids[0])
        if event is None and parts:
            parts[-1] = parts[-1].replace(
                "the main disagreement is", "the outlets' main disagreement is", 1
            )
    if not parts:
        return None
    text = "; ".join(parts) + "."
    return SummarySentenceDraft.model_construct(text=text[0].upper() + text[1:], claim_ids=cited)


async def summarize(
    sources: Sequence[Source],
    groups: Sequence[ClaimGroup],
    claims: Sequence[Claim],
    llm: StructuredLLM,
    meter: StepMeter,
    *,
    max_points: int,
    mode: str = "model",
    warnings: list[RunWarning],
    progress: ProgressCallback,
) -> Summary:
    if len(sources) < 2:
        return Summary(sentences=[], note=ONE_SOURCE_NOTE)
    by_id = {c.claim_id: c for c in claims}
    outlets = {s.source_id: s.outlet for s in sources}
    articles = tuple(s.text.lower() for s in sources)
    points = summary_points(groups, by_id)
    chosen = select_groups(points, max_points, relevance(points, by_id))
    if len(points) > len(chosen):
        warnings.append(
            RunWarning(
                step="summary",
                message=f"the summary covers {len(chosen)} of {len(points)} points (disputes first, "
                "then agreements); the rest are in the groups. Raise RASHOMON_MAX_SUMMARY_POINTS "
                "to cover more",
            )
        )
    disputed = [g for g in chosen if g.status is GroupStatus.disputed]
    agreed = [g for g in chosen if g.status is GroupStatus.agreed]
    single = [g for g in chosen if g.status is GroupStatus.single_source]
    agreed_batches = [
        agreed[i : i + AGREED_PER_SENTENCE] for i in range(0, len(agreed), AGREED_PER_SENTENCE)
    ]
    event, central = lead_points(groups, by_id)
    total = 1 + len(disputed) + len(agreed_batches) + len(single)
    done = 0
    writer = _Writer(llm, meter, by_id, outlets, articles, warnings, use_model=mode != "template")

    def tick() -> None:
        nonlocal done
        done += 1
        progress(Progress("summary", done, total))

    async def one(batch: list[ClaimGroup]) -> list[SummarySentence]:
        try:
            return await writer.point(batch)
        finally:
            tick()

    # The lead and the disputes are built from the claims' own words, attributed (a small
    # model restating who said what is where summaries go wrong); the model merges the
    # consensus points. One call at a time: a local server shares one model.
    out: list[SummarySentence] = []
    lead = template_lead(event, central, by_id, outlets)
    said_in_lead: str | None = None
    if lead is not None:
        in_lead = set(lead.claim_ids) | set(event or ())
        if central is not None and all(set(side.claim_ids) & in_lead for side in central.sides):
            # Every version of the central dispute is in the lead: a second sentence would
            # repeat it word for word.
            said_in_lead = central.group_id
        out.append(writer.sentence(said_in_lead, lead, SummaryKind.lead, "template"))
    tick()
    for g in disputed:
        if g.group_id == said_in_lead:
            tick()
            continue
        out.append(
            writer.sentence(
                g.group_id, template_sentence(g, by_id, outlets), SummaryKind.disputed, "template"
            )
        )
        tick()
    for batch in agreed_batches:
        out += await one(batch)
    for g in single:
        out.append(
            writer.sentence(
                g.group_id, _quoted(g, by_id, outlets), SummaryKind.attributed, "template"
            )
        )
        tick()
    note = None if out else "No claims could be aligned or summarised."
    return Summary(sentences=out, note=note)


class _Writer:
    """Writes summary sentences with the model, checks them, and falls back to templates."""

    def __init__(
        self,
        llm: StructuredLLM,
        meter: StepMeter,
        claims: dict[str, Claim],
        outlets: dict[str, str],
        articles: tuple[str, ...],
        warnings: list[RunWarning],
        *,
        use_model: bool,
    ) -> None:
        self.llm, self.meter, self.claims, self.outlets = llm, meter, claims, outlets
        self.articles, self.warnings, self.use_model = articles, warnings, use_model

    def sentence(
        self, group_id: str | None, draft: SummarySentenceDraft, kind: SummaryKind, by: str
    ) -> SummarySentence:
        cited = list(dict.fromkeys(draft.claim_ids))
        return SummarySentence(
            text=draft.text.strip(),
            kind=kind,
            claim_ids=cited,
            source_ids=sorted({self.claims[c].source_id for c in cited}),
            group_id=group_id,
            written_by=by,
        )

    def _material(self, ids: Sequence[str]) -> CitedMaterial:
        texts: list[str] = []
        for cid in ids:
            c = self.claims[cid]
            texts += [c.statement, c.asserter.name, self.outlets[c.source_id]]
            texts += [e.text for e in c.evidence]
            if c.speaker:
                texts.append(c.speaker.name)
        return CitedMaterial(texts=tuple(texts), articles=self.articles)

    def _screen(self, draft: SummarySentenceDraft, allowed: Sequence[str]) -> None:
        material = self._material(allowed)
        cited_sources = {self.claims[c].source_id for c in draft.claim_ids}
        problem = screen(draft.text, material, cited_sources, pos_tags(draft.text))
        if problem:
            raise ValueError(problem)

    def _listing(self, groups: Sequence[ClaimGroup]) -> str:
        lines = []
        for n, g in enumerate(groups, 1):
            if len(groups) > 1:
                lines.append(f"Point {n} ({g.status.value}):")
            for cid in g.claim_ids:
                c = self.claims[cid]
                who = c.speaker.name if c.speaker else c.asserter.name
                lines.append(f"[{cid}] {self.outlets[c.source_id]}; {who}; {c.statement}")
        return "\n".join(lines)

    async def _ask(
        self,
        prompt_name: str,
        values: dict[str, str],
        ids: tuple[str, ...],
        check: Callable[[SummarySentenceDraft], None],
    ) -> SummarySentenceDraft:
        prompt = load_prompt(prompt_name).render(**values)
        return await self.llm.complete(
            prompt,
            summary_draft_for(ids),
            meter=self.meter,
            max_tokens=200,
            validate=check,
            reask_budget=SUMMARY_REASKS,
        )

    async def point(self, groups: list[ClaimGroup]) -> list[SummarySentence]:
        kind = _KINDS[groups[0].status]
        ids = tuple(c for g in groups for c in g.claim_ids)
        if not self.use_model:
            merged = merged_consensus(groups, self.claims, self.outlets)
            gid = "+".join(g.group_id for g in groups)
            return [self.sentence(gid, merged, kind, "template")]

        def check(d: SummarySentenceDraft) -> None:
            for g in groups:
                if not set(g.claim_ids) & set(d.claim_ids):
                    raise ValueError(f"cite at least one of {g.claim_ids}")
                check_sentence(
                    d.model_copy(
                        update={"claim_ids": [c for c in d.claim_ids if c in g.claim_ids]}
                    ),
                    g,
                    self.claims,
                )
            self._screen(d, ids)

        status = groups[0].status.value
        try:
            draft = await self._ask(
                "summary_sentence",
                {"status": status, "claims": fence("claims", self._listing(groups))},
                ids,
                check,
            )
            gid = groups[0].group_id if len(groups) == 1 else "+".join(g.group_id for g in groups)
            return [self.sentence(gid, draft, kind, "model")]
        except (InvalidOutputError, TruncatedOutputError) as e:
            names = ", ".join(g.group_id for g in groups)
            self.warnings.append(
                RunWarning(step="summary", message=f"{names}: template used ({e})")
            )
            return [
                self.sentence(
                    g.group_id, template_sentence(g, self.claims, self.outlets), kind, "template"
                )
                for g in groups
            ]


def _require_holder(text: str, side: Side) -> None:
    holders = [h for h in side.holders if h != "the outlet"]
    low = text.lower()
    if holders and not any(w in low for h in holders for w in _holder_words(h)):
        raise ValueError(f"name who holds the version '{side.version}': {holders}")
