"""The alignment step: candidates, rule decisions, model calls for the rest, groups."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.alignment.candidates import candidate_pairs, denial_context
from service.pipeline.alignment.groups import Edge, build_groups
from service.pipeline.alignment.parties import _text
from service.pipeline.alignment.rules import (
    SAME_NEEDS,
    _believed,
    _one_answer_per_denial,
    _rule,
    announced_conflicts,
    contradiction_cue,
)
from service.pipeline.drafts import Relation, pair_relations_for
from service.pipeline.progress import Progress, ProgressCallback
from service.pipeline.similarity import overlap
from service.prompts import fence, load_prompt
from service.schemas import Claim, ClaimGroup, ClaimKind, PairJudgment, RunWarning, Source


def claim_line(claim: Claim) -> str:
    # Compact: this listing is the shared prefix of every pair call (read once, then cached).
    who = claim.speaker.name if claim.speaker else claim.asserter.name
    words = claim.statement.split()
    text = " ".join(words[:LISTING_WORDS]) + (" …" if len(words) > LISTING_WORDS else "")
    return f"[{claim.claim_id}] {who}: {text}"


LISTING_WORDS = 30  # the listing is read once per event; long clauses are cut


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
