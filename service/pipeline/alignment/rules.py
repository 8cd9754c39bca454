"""The relations code decides, and the checks the model's answers go through.

Each decision carries the id of the rule that made it (rules.yaml: thresholds, word lists and
every rule's reason). Before wording may call two claims the same point, code compares what it
can: figures with their units and what they measure, negation, modality, the parties named,
the reasons given (compare.py). A dispute needs two statements that cannot both be true of one
thing, held by different sides; an outlet's own agreeing sentences are never one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from service.pipeline.alignment.compare import Comparison, Numbers, compare, negated, same_figure
from service.pipeline.alignment.parties import (
    _is_denial,
    _narration,
    _party_words,
    _same_holder,
    _same_side,
    _text,
)
from service.pipeline.alignment.ruledata import MODEL, rule_data
from service.pipeline.drafts import Relation
from service.pipeline.similarity import content_words
from service.schemas import Claim, Source


@dataclass(frozen=True)
class Decision:
    """A pair's relation, the id of the rule that decided it ("model" when the model's answer
    stood) and a note for the audit trail (`PairJudgment.decided_by`)."""

    relation: Relation
    rule_id: str
    note: str


def by_rule(rule_id: str, note: str) -> Decision:
    rule = rule_data().rule(rule_id)  # an undeclared id is a ConfigError, not a silent label
    return Decision(Relation(rule.decides), rule_id, note)


def _threshold(name: str) -> float:
    return rule_data().value(name)


def _holder_words(c: Claim) -> frozenset[str]:
    names = [c.asserter.name] + ([c.speaker.name] if c.speaker else [])
    return content_words(" ".join(names))


def compared(a: Claim, b: Claim) -> Comparison:
    """compare() on what the two claims say, their holders' own names set aside."""
    return compare(_text(a), _text(b), _holder_words(a) | _holder_words(b))


def announced_conflicts(claims: Sequence[Claim], sources: Sequence[Source]) -> set[tuple[str, str]]:
    """Pairs an article itself presents as conflicting: after "there have been conflicting
    reports ...", parallel claims ("X sources pointed to A." / "Y sources pointed to B.") of
    different parties in the next sentences are the two versions."""
    out: set[tuple[str, str]] = set()
    cue = rule_data().regex("conflict_cue")
    by_sentence: dict[tuple[str, int], list[Claim]] = defaultdict(list)
    for c in claims:
        by_sentence[(c.source_id, c.sentence_ids[0])].append(c)
    for source in sources:
        for i, span in enumerate(source.sentences, 1):
            if not cue.search(span.text):
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


def _no_version(c: Claim) -> bool:
    """A question or an introduction ("Here's an excerpt:") in the statement's own words: its
    last character, so a quotation that ends it ('Etheridge said: "Tell me who you are."',
    'he asked: "Why?"') is the speaker's words and the claim states a version."""
    return rule_data().regex("no_version").search(c.statement.rstrip()) is not None


def answers(a: Claim, b: Claim) -> bool:
    """One of the two denies and the other asserts. A denial facing a statement that is itself
    negative ("Bauer said that was never the case" / "the White House never offered him the
    job"; "Mr. Sestak said no" / "There was no such impropriety") is two negatives: the same
    side, or two points, never one party denying what another asserts (rule
    align.denial-meets-negative). Limitation: a denial of a negative claim ("Paris denied it
    had refused") is left to the model and believed only with another cue."""
    denial_a, denial_b = _is_denial(a), _is_denial(b)
    if denial_a == denial_b:
        return False
    asserted = b if denial_a else a
    return not negated(_text(asserted))


def contradiction_cue(
    a: Claim, b: Claim, cmp: Comparison | None = None, score: float | None = None
) -> str | None:
    """What makes a 'contradict' believable: something code can see that two statements
    cannot both hold. Without one, a small model's 'contradict' usually means 'related'.
    A denial counts at any overlap (it may point back to what it denies); a negation, figures,
    parties or reasons only on claims close enough to be about one point (`score`, when
    given, at least same_needs). Within one outlet only a denial or a negation counts: an
    outlet's two figures or two named parties are usually two points of one account."""
    if answers(a, b):
        return "a denial"
    if score is not None and score < _threshold("same_needs"):
        return None
    cmp = cmp or compared(a, b)
    if cmp.opposite_polarity and cmp.frame >= _threshold("negation_cue_frame"):
        return "one negates what the other asserts"
    if a.source_id == b.source_id:
        return None
    if cmp.numbers is Numbers.conflict:
        return "different figures for one measure"
    if cmp.other_parties:
        return "different parties named"
    if cmp.other_reasons:
        return "different reasons given"
    return None


def _same_needs(a: Claim, b: Claim, openers: frozenset[str]) -> float:
    """The least overlap at which a "same" can be believed: lower for two outlets' opening
    reports (`opener_same_needs`), which tell the event each in its own words."""
    if a.source_id != b.source_id and {a.claim_id, b.claim_id} <= openers:
        return _threshold("opener_same_needs")
    return _threshold("same_needs")


def decide(
    a: Claim,
    b: Claim,
    score: float,
    announced: set[tuple[str, str]],
    common: frozenset[str] = frozenset(),
    context: dict[str, str] | None = None,
    openers: frozenset[str] = frozenset(),
) -> Decision | None:
    """The relation when code can decide it; None: ask the model. `common`: the event's own
    words (see shared_point); `context`: a pointing-back denial's antecedent text."""
    if (a.claim_id, b.claim_id) in announced or (b.claim_id, a.claim_id) in announced:
        return by_rule("align.announced-conflict", "rule: the article presents them as conflicting")
    if _no_version(a) or _no_version(b):
        return by_rule("align.no-version", "rule: a question or an introduction states no version")
    cue = rule_data().regex("conflict_cue")
    if cue.search(a.statement) or cue.search(b.statement):
        # "There have been conflicting reports about X" says accounts differ; it is no version.
        return by_rule(
            "align.announcement-not-a-version",
            "rule: a sentence announcing conflicting accounts is not one of them",
        )
    denial_a, denial_b = _is_denial(a), _is_denial(b)
    if a.source_id == b.source_id and denial_a != denial_b and _narration(b if denial_a else a):
        return by_rule(
            "align.denial-not-of-own-narration",
            "rule: a denial does not answer its own article's narration",
        )
    sides_differ = not _same_side(a, b)
    if denial_a != denial_b and not sides_differ:
        return by_rule("align.own-side", "rule: a party's denial does not dispute its own side")
    if denial_a != denial_b and score >= _threshold("dispute_by_rule"):
        if answers(a, b):
            return by_rule(
                "align.denial-answers-claim", "rule: one party denies what another asserts"
            )
        return by_rule(
            "align.denial-meets-negative",
            "rule: a denial and a negative statement are two negatives, not a dispute",
        )
    cmp = compared(a, b)
    cross = a.source_id != b.source_id
    close = score >= _threshold("same_by_rule")
    same_frame = cmp.frame >= _threshold("same_frame")
    if close and same_frame and not (denial_a or denial_b) and sides_differ:
        # Numbers and negation are compared before wording decides "same" (issue 19.7).
        if cmp.opposite_polarity:
            return by_rule("align.opposite-polarity", "rule: one negates what the other asserts")
        if cross and cmp.numbers is Numbers.conflict:
            return by_rule("align.numbers-conflict", "rule: different figures for one measure")
    if (
        close
        and cross
        and denial_a == denial_b
        and not cmp.conflicting
        and not cmp.modality_differs
        and cmp.numbers is not Numbers.incomparable
    ):
        return by_rule("align.near-identical", "rule: near-identical wording")
    if not cross and not (denial_a or denial_b) and not cmp.opposite_polarity:
        return by_rule("align.one-outlet-two-points", "rule: one outlet's two points, no denial")
    why = contradiction_cue(a, b, cmp, score)
    if (
        why is None
        and cross
        and denial_a == denial_b
        and not cmp.modality_differs
        and cmp.numbers is Numbers.agree
        and same_figure(_text(a), _text(b))
        and shared_point(a, b, common, context)
    ):
        return by_rule("align.same-figure", "rule: one distinctive figure for one measure")
    if why is None and score < _same_needs(a, b, openers):
        return by_rule("align.too-little-in-common", "rule: too little in common")
    if why is None and cmp.numbers is Numbers.incomparable:
        return by_rule("align.different-measures", "rule: figures of different measures")
    if score < _same_needs(a, b, openers) and not shared_point(a, b, common, context):
        # Only a "contradict" could link them, and it would not be believed.
        return by_rule("align.no-shared-point", "rule: nothing in common beyond names and event")
    return None


def shared_point(
    a: Claim, b: Claim, common: frozenset[str], context: dict[str, str] | None = None
) -> bool:
    """Whether two claims share a word beyond the parties' names, negation and the words the
    whole event shares: what a contradiction between them would be about. A pointing-back
    denial's `context` (its antecedent sentences) counts as its words."""
    context = context or {}
    neg = content_words(" ".join(rule_data().lists["negation"].words))
    ignore = common | neg | _party_words(a) | _party_words(b)
    wa, wb = (content_words(_text(c)) | content_words(context.get(c.claim_id, "")) for c in (a, b))
    return bool((wa & wb) - ignore)


def check(
    a: Claim,
    b: Claim,
    score: float,
    relation: Relation,
    event_words: frozenset[str] = frozenset(),
    context: dict[str, str] | None = None,
    openers: frozenset[str] = frozenset(),
) -> Decision:
    """What the model's answer is taken to mean, and by which check."""
    if relation is Relation.different:
        return Decision(relation, MODEL, "model")
    if relation is Relation.same and score < _same_needs(a, b, openers):
        return by_rule("check.same-needs-overlap", "model said same, but they share little wording")
    one_denies = _is_denial(a) != _is_denial(b)
    if (one_denies or relation is Relation.contradict) and _same_side(a, b):
        return by_rule("check.own-side", f"model said {relation.value}, but both are one side's")
    cmp = compared(a, b)
    if relation is Relation.contradict:
        if contradiction_cue(a, b, cmp, score) is None:
            return by_rule(
                "check.contradict-needs-cue",
                "model said contradict, but neither side denies and no figure, negation, "
                "party or reason conflicts",
            )
        if not shared_point(a, b, event_words, context):
            return by_rule(
                "check.contradict-needs-shared-point",
                "model said contradict, but they share nothing beyond names and the event",
            )
        return Decision(relation, MODEL, "model")
    if answers(a, b):
        asserted = b if _is_denial(a) else a
        if score < _threshold("dispute_by_rule") and _narration(asserted):
            # The small model's "same" on an outlet's narration loosely related to another
            # party's denial (background on earlier talks / a denial of interest in talks) is
            # no sign that the denial answers it; code's own rule asks for this overlap too.
            return by_rule(
                "check.denied-point-too-far",
                "model said same, one side denies, but the wording is too far apart",
            )
        return by_rule("check.same-point-denied", "model: same point, and one side denies it")
    if cmp.conflicting:
        return by_rule("check.same-but-conflicting", "model said same, but they conflict in detail")
    return Decision(relation, MODEL, "model")


@dataclass(frozen=True)
class Judged:
    a: Claim
    b: Claim
    score: float
    decision: Decision


def one_answer_per_denial(decided: list[Judged]) -> list[Judged]:
    """A denial answers a claim: keep its closest contradictions only. Without this, one
    broad denial ("Paris denied the talks") contradicts every claim about the event."""
    limit = _threshold("denial_targets")
    kept: dict[str, int] = defaultdict(int)
    order = sorted(
        range(len(decided)),
        key=lambda i: (
            decided[i].decision.rule_id != "align.announced-conflict",
            -decided[i].score,
        ),
    )
    demoted: set[int] = set()
    for i in order:
        j = decided[i]
        if j.decision.relation is not Relation.contradict:
            continue
        denials = [c.claim_id for c in (j.a, j.b) if _is_denial(c)]
        if denials and all(kept[d] >= limit for d in denials):
            demoted.add(i)
            continue
        for d in denials:
            kept[d] += 1
    out = []
    for i, j in enumerate(decided):
        if i in demoted:
            note = f"{j.decision.note}; not among the denial's closest claims"
            j = Judged(j.a, j.b, j.score, by_rule("check.denial-targets", note))
        out.append(j)
    return out


def same_disputed_alike(decided: list[Judged]) -> list[Judged]:
    """The model's "same" holds only between claims that the same claims contradict: when one
    of two claims is contradicted by a claim that does not contradict the other, they are not
    one point (if they were, the denial of one would deny both). Without this the small
    model's loose "same" hangs a claim on one side of a dispute it is not part of: an outlet's
    "the two ministers spoke by telephone" became the version Paris denied (seeds); NeuS and
    BASIL cases in tests/alignment_rule_cases.yaml. Code's own "same" (near-identical
    wording) is left as it is."""
    against: dict[str, set[str]] = defaultdict(set)
    for j in decided:
        if j.decision.relation is Relation.contradict:
            against[j.a.claim_id].add(j.b.claim_id)
            against[j.b.claim_id].add(j.a.claim_id)
    out = []
    for j in decided:
        a, b = j.a.claim_id, j.b.claim_id
        if (
            j.decision.relation is Relation.same
            and j.decision.rule_id == MODEL
            and (against[a] - {b}) != (against[b] - {a})
        ):
            note = "model said same, but a claim contradicts one of them and not the other"
            j = Judged(j.a, j.b, j.score, by_rule("check.same-disputed-alike", note))
        out.append(j)
    return out
