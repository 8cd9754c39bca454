"""The alignment step: candidates, rule decisions, model calls for the rest, groups."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.accounts import first_sentences
from service.pipeline.alignment.candidates import candidate_pairs, denial_context
from service.pipeline.alignment.groups import Edge, build_groups
from service.pipeline.alignment.parties import _is_denial, _party_words, _text
from service.pipeline.alignment.ruledata import rule_data
from service.pipeline.alignment.rules import (
    Judged,
    announced_conflicts,
    by_rule,
    check,
    contradiction_cue,
    decide,
    one_answer_per_denial,
    same_disputed_alike,
)
from service.pipeline.drafts import PairRelation, Relation, pair_relations_for
from service.pipeline.progress import Progress, ProgressCallback
from service.pipeline.similarity import content_words, overlap
from service.prompts import fence, load_prompt
from service.schemas import (
    AsserterKind,
    Claim,
    ClaimGroup,
    ClaimKind,
    PairJudgment,
    RunWarning,
    Source,
)


def claim_line(claim: Claim) -> str:
    # Compact: this listing is the shared prefix of every pair call (read once, then cached).
    who = claim.speaker.name if claim.speaker else claim.asserter.name
    return f"[{claim.claim_id}] {who}: {_cut(claim.statement, 'listing_words')}"


def event_words(claims: Sequence[Claim]) -> frozenset[str]:
    """The event's own words: the names of the parties that hold its claims ("conflicting
    reports about what Shoigu meant" and a denial that Shoigu discussed talks share a party,
    not a point), and words in a large share of its claims (they name the event)."""
    parties = frozenset(w for c in claims for w in _party_words(c))
    if len(claims) < 10:
        return parties  # too few claims to tell the event's words from a point's
    df: Counter[str] = Counter(w for c in claims for w in content_words(_text(c)))
    floor = rule_data().value("event_wide_share") * len(claims)
    return parties | frozenset(w for w, f in df.items() if f >= floor)


def openers(claims: Sequence[Claim]) -> frozenset[str]:
    """Each article's opening reports: claims in the outlet's own voice in its first two
    sentences that hold a claim. Two outlets open on the event, each in its own words ("The
    Supreme Court sided unanimously with college athletes" / "The Supreme Court ruled in a
    unanimous decision that the NCAA ..."), so their "same" is believed at a lower overlap."""
    first = first_sentences(claims)
    span = int(rule_data().value("opener_sentences"))
    return frozenset(
        c.claim_id
        for c in claims
        if c.sentence_ids
        and c.asserter.kind is AsserterKind.outlet
        and c.speaker is None
        and c.sentence_ids[0] - first[c.source_id] < span
    )


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
    common = event_words(comparable)
    opening = openers(comparable)
    decided: list[Judged] = []
    undecided: list[tuple[Claim, Claim, float]] = []
    for a, b, score in ranked:
        rule = decide(a, b, score, announced, common, context, opening)
        if rule is not None:
            decided.append(Judged(a, b, score, rule))
        else:
            undecided.append((a, b, score))
    ask, settled = _worth_asking(undecided, decided)
    decided += settled
    if len(ask) > max_pairs:
        warnings.append(
            RunWarning(
                step="alignment",
                message=f"{len(ask)} claim pairs needed the model, only the {max_pairs} closest by "
                "word overlap were compared; raise RASHOMON_MAX_ALIGNMENT_PAIRS to compare more",
            )
        )
        ask = ask[:max_pairs]
    if ask:
        # Only the claims the questions name are listed: a shorter shared prefix per call.
        asked = {c.claim_id for a, b, _ in ask for c in (a, b)}
        outlets = "\n".join(f"{s.source_id} = {s.outlet}" for s in sources)
        lines = "\n".join(claim_line(c) for c in comparable if c.claim_id in asked)
        listing = fence("claims", outlets + "\n" + lines)
        outlet_names = {s.source_id: s.outlet for s in sources}
        labeller = _PairLabeller(
            llm, meter, listing, outlet_names, pairs_per_call, warnings, progress
        )
        answers = await labeller.label([(a, b) for a, b, _ in ask], step="alignment")
        for (a, b, score), relation in zip(ask, answers, strict=True):
            if relation is None:
                continue
            decision = check(a, b, score, relation, common, context, opening)
            decided.append(Judged(a, b, score, decision))
    decided = same_disputed_alike(one_answer_per_denial(decided))
    edges = [
        Edge(j.a.claim_id, j.b.claim_id, j.decision.relation, j.score, j.decision.note)
        for j in decided
    ]
    records = [
        PairJudgment(
            a=j.a.claim_id,
            b=j.b.claim_id,
            relation=j.decision.relation.value,
            score=round(j.score, 3),
            decided_by=j.decision.note,
            rule_id=j.decision.rule_id,
        )
        for j in decided
    ]
    return build_groups(comparable, edges), records


def _worth_asking(
    undecided: list[tuple[Claim, Claim, float]], decided: list[Judged]
) -> tuple[list[tuple[Claim, Claim, float]], list[Judged]]:
    """The undecided pairs whose answer could change the groups, and the rest decided. A pair
    with no contradiction cue can only be linked by a "same"; when code has already joined its
    two claims as the same point through other pairs, no answer would change anything."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for j in decided:
        if j.decision.relation is Relation.same:
            ra, rb = find(j.a.claim_id), find(j.b.claim_id)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    data = rule_data()
    same_needs, per_denial = data.value("same_needs"), int(data.value("denial_asks"))
    asked_for: Counter[str] = Counter()
    ask, settled = [], []
    for a, b, score in sorted(undecided, key=lambda item: -item[2]):
        cue = contradiction_cue(a, b, score=score)
        if cue is None and find(a.claim_id) == find(b.claim_id):
            note = "rule: already the same point through pairs code decided"
            settled.append(Judged(a, b, score, by_rule("align.already-agreed", note)))
            continue
        denials = [c.claim_id for c in (a, b) if _is_denial(c)]
        if score < same_needs and denials and all(asked_for[d] >= per_denial for d in denials):
            # Only a "contradict" could count here, and the denial's closer candidates come first.
            note = "rule: not among the denial's closest undecided candidates"
            settled.append(Judged(a, b, score, by_rule("align.denial-far-candidate", note)))
            continue
        asked_for.update(denials)
        ask.append((a, b, score))
    return ask, settled


class _PairLabeller:
    """Asks the model about claim pairs. With `pairs_per_call` 1 (the default), one call per
    pair with both claims written out (prompt align_pair); above 1, that many pairs per call
    over a cached listing of the claims, named by id (prompt align_pairs), for a strong
    endpoint. The embedded 1.5B model cannot do the batched form: it answered by position
    (same, contradict, different, same, same, ...) whatever the claims, and "same" to every
    lone pair named by id (benchmarks/alignment_pairs.py --batched)."""

    def __init__(
        self,
        llm: StructuredLLM,
        meter: StepMeter,
        listing: str,
        outlets: dict[str, str],
        pairs_per_call: int,
        warnings: list[RunWarning],
        progress: ProgressCallback,
    ) -> None:
        self.llm, self.meter, self.listing, self.outlets = llm, meter, listing, outlets
        self.pairs_per_call, self.warnings, self.progress = pairs_per_call, warnings, progress
        self.template = load_prompt("align_pairs")
        self.one = load_prompt("align_pair")

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

        async def ask_one(i: int) -> None:
            nonlocal done
            a, b = pairs[i]
            try:
                answer = await self.llm.complete(
                    self.one.render(
                        a_holder=self._holder(a),
                        a_text=_cut(a.statement, "pair_words"),
                        b_holder=self._holder(b),
                        b_text=_cut(b.statement, "pair_words"),
                    ),
                    PairRelation,
                    meter=self.meter,
                    max_tokens=24,
                )
                results[i] = answer.relation
            except (InvalidOutputError, TruncatedOutputError) as e:
                self.warnings.append(RunWarning(step=step, message=f"pair skipped: {e}"))
            finally:
                done += 1
                self.progress(Progress(step, done, len(pairs)))

        if size == 1:
            await asyncio.gather(*(ask_one(i) for i in range(len(pairs))))
        else:
            await asyncio.gather(*(ask(start) for start in starts))
        return results

    def _holder(self, claim: Claim) -> str:
        """Who holds the claim, by name: the speaker, else the asserter; the outlet's own
        narration by the outlet's name."""
        who = claim.speaker or claim.asserter
        if who.kind is AsserterKind.outlet:
            return self.outlets.get(claim.source_id, "the outlet")
        return who.name


def _cut(text: str, limit_name: str) -> str:
    """The text cut to the rules' word limit `limit_name`, with "…" where it was cut."""
    limit = int(rule_data().value(limit_name))
    words = text.split()
    return " ".join(words[:limit]) + (" …" if len(words) > limit else "")
