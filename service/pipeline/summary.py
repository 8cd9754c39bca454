"""Step 3: the neutral reconciled summary, one sentence per selected group.

The model writes each sentence from the group's claims only; code then checks it: it must cite
claims of that group, a disputed point must cite every side and name each side's holder. A
sentence that still fails after the re-ask budget is replaced by a deterministic template, with a
warning, so the summary never states a contested or single-source point as plain fact.
Editorial claims (kind opinion) never reach this step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.drafts import SummarySentenceDraft, summary_draft_for
from service.pipeline.progress import Progress, ProgressCallback
from service.prompts import fence, load_prompt
from service.schemas import (
    AsserterKind,
    Claim,
    ClaimGroup,
    ClaimKind,
    GroupStatus,
    RunWarning,
    Source,
    Summary,
    SummaryKind,
    SummarySentence,
)

ONE_SOURCE_NOTE = "Only one article was given: there is nothing to reconcile across sources."


def summary_points(groups: Sequence[ClaimGroup], claims: dict[str, Claim]) -> list[ClaimGroup]:
    """The groups worth a sentence: all but background that only one source adds."""
    return [
        g
        for g in groups
        if g.status is not GroupStatus.single_source
        or claims[g.claim_ids[0]].kind is not ClaimKind.background
    ]


def select_groups(points: Sequence[ClaimGroup], limit: int) -> list[ClaimGroup]:
    """At most `limit` of the points, in their original order. When there are more, disputes
    win over agreements, and agreements over single-source points."""
    rank = {GroupStatus.disputed: 0, GroupStatus.agreed: 1, GroupStatus.single_source: 2}
    kept = sorted(enumerate(points), key=lambda item: (rank[item[1].status], item[0]))[:limit]
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
    if group.status is GroupStatus.disputed:
        text = draft.text.lower()
        for side in group.sides:
            if not set(side.claim_ids) & set(draft.claim_ids):
                raise ValueError(f"cite at least one of {side.claim_ids} (a side of the dispute)")
            holders = [h for h in side.holders if h != "the outlet"]
            if holders and not any(w in text for h in holders for w in _holder_words(h)):
                raise ValueError(f"name who holds the version '{side.version}': {holders}")
    if group.status is GroupStatus.single_source:
        attributed = any(
            w in draft.text.lower()
            for c in group.claim_ids
            for w in _holder_words(claims[c].asserter.name) | {"according", "reports", "said"}
        )
        if not attributed:
            raise ValueError("attribute this single-source point to its outlet or asserter")


def _who(claim: Claim, outlets: dict[str, str]) -> str:
    outlet = outlets[claim.source_id]
    if claim.asserter.kind is AsserterKind.outlet:
        return outlet
    return f"{claim.asserter.name} (as reported by {outlet})"


def _clause(statement: str) -> str:
    return statement.strip().rstrip(".")


def template_sentence(
    group: ClaimGroup, claims: dict[str, Claim], outlets: dict[str, str]
) -> SummarySentenceDraft:
    """Deterministic fallback: never states a contested or single-source point as fact."""
    if group.status is GroupStatus.disputed:
        versions = [
            f"according to {_who(claims[side.claim_ids[0]], outlets)}, {_clause(side.version)}"
            for side in group.sides
        ]
        text = "Accounts differ: " + "; whereas ".join(versions) + "."
        cited = [side.claim_ids[0] for side in group.sides]
    elif group.status is GroupStatus.agreed:
        members = [claims[c] for c in group.claim_ids]
        names = ", ".join(sorted({outlets[c.source_id] for c in members}))
        holders = list(dict.fromkeys(c.asserter.name for c in members))
        if all(c.asserter.kind is not AsserterKind.outlet for c in members):
            # Outlets agreeing that someone said X is not agreement that X is true.
            text = (
                f"According to {' and '.join(holders)} (reported by {names}), "
                f"{_clause(group.point)}."
            )
        else:
            text = f"{_clause(group.point)} (reported by {names})."
        cited = list(group.claim_ids)
    else:
        first = claims[group.claim_ids[0]]
        text = f"According to {_who(first, outlets)}, {_clause(first.statement)}."
        cited = [first.claim_id]
    # Built, not validated: the length limit is a constraint on the model, not on the template.
    return SummarySentenceDraft.model_construct(text=text[0].upper() + text[1:], claim_ids=cited)


_KINDS = {
    GroupStatus.agreed: SummaryKind.consensus,
    GroupStatus.disputed: SummaryKind.disputed,
    GroupStatus.single_source: SummaryKind.attributed,
}


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
    points = summary_points(groups, by_id)
    chosen = select_groups(points, max_points)
    if len(points) > len(chosen):
        warnings.append(
            RunWarning(
                step="summary",
                message=f"the summary covers {len(chosen)} of {len(points)} points (disputes first, "
                "then agreements); the rest are in the groups. Raise RASHOMON_MAX_SUMMARY_POINTS "
                "to cover more",
            )
        )
    template = load_prompt("summary_sentence")
    done = 0

    async def write(group: ClaimGroup) -> SummarySentence:
        nonlocal done
        listing = "\n".join(
            f"[{c}] {outlets[by_id[c].source_id]}; {by_id[c].asserter.name}; {by_id[c].statement}"
            for c in group.claim_ids
        )
        prompt = template.render(status=group.status.value, claims=fence("claims", listing))
        written_by = "model"
        try:
            if mode == "template":
                draft, written_by = template_sentence(group, by_id, outlets), "template"
            else:
                draft = await llm.complete(
                    prompt,
                    summary_draft_for(tuple(group.claim_ids)),
                    meter=meter,
                    max_tokens=160,
                    validate=lambda d: check_sentence(d, group, by_id),
                )
        except (InvalidOutputError, TruncatedOutputError) as e:
            warnings.append(
                RunWarning(step="summary", message=f"{group.group_id}: template used ({e})")
            )
            draft, written_by = template_sentence(group, by_id, outlets), "template"
        finally:
            done += 1
            progress(Progress("summary", done, len(chosen)))
        cited = list(dict.fromkeys(draft.claim_ids))
        return SummarySentence(
            text=draft.text.strip(),
            kind=_KINDS[group.status],
            claim_ids=cited,
            source_ids=sorted({by_id[c].source_id for c in cited}),
            group_id=group.group_id,
            written_by=written_by,
        )

    sentences = await asyncio.gather(*(write(g) for g in chosen))
    note = None if chosen else "No claims could be aligned or summarised."
    return Summary(sentences=list(sentences), note=note)
