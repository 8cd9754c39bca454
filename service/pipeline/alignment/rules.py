"""The relations code decides, and the checks the model's answers go through."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from service.pipeline.alignment.parties import _is_denial, _narration, _same_holder, _same_side
from service.pipeline.drafts import Relation
from service.schemas import Claim, Source

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
