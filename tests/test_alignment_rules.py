"""Alignment decisions that code makes without asking the model."""

from __future__ import annotations

import pytest

from service.pipeline.alignment.candidates import _antecedents, candidate_pairs, denial_context
from service.pipeline.alignment.parties import _same_side, _text
from service.pipeline.alignment.rules import check, decide
from service.pipeline.drafts import Relation
from service.schemas import Asserter, AsserterKind, Claim, ClaimKind
from tests.builders import claim, source

NARRATION = claim("S1.C1", "S1", "The two ministers discussed peace talks on the telephone")
DENIAL = claim(
    "S1.C2",
    "S1",
    "Paris denied that the two ministers discussed peace talks",
    "Paris",
    ClaimKind.denial,
)


def _score(a, b) -> float:  # type: ignore[no-untyped-def]
    return next(
        s
        for x, y, s in candidate_pairs([a, b])
        if {x.claim_id, y.claim_id} == {a.claim_id, b.claim_id}
    )


def test_a_denial_in_an_article_does_not_answer_that_articles_narration() -> None:
    score = _score(NARRATION, DENIAL)
    assert score >= 0.3  # close enough that the denial rule would otherwise fire
    decided = decide(NARRATION, DENIAL, score, set())
    assert decided is not None and decided.relation is Relation.different


def test_the_same_denial_answers_a_party_the_article_reports() -> None:
    reported = NARRATION.model_copy(
        update={"asserter": Asserter(name="Moscow", kind=AsserterKind.institution)}
    )
    decided = decide(reported, DENIAL, _score(reported, DENIAL), set())
    assert decided is not None and decided.relation is Relation.contradict


def test_the_same_narration_in_another_outlet_can_be_denied() -> None:
    other = NARRATION.model_copy(update={"claim_id": "S2.C1", "source_id": "S2"})
    decided = decide(other, DENIAL, _score(other, DENIAL), set())
    assert decided is not None and decided.relation is Relation.contradict


def test_close_wording_across_outlets_is_the_same_point_but_not_within_one() -> None:
    a = claim("S1.C3", "S1", "Shoigu warned that sending troops would create problems for France")
    b = claim("S2.C3", "S2", "Shoigu warned sending French troops would create problems for France")
    decided = decide(a, b, 0.5, set())
    assert decided is not None and decided.relation is Relation.same
    inside = b.model_copy(update={"claim_id": "S1.C4", "source_id": "S1"})
    # Within one article two sentences with no denial are two points of its account.
    within = decide(a, inside, 0.5, set())
    assert within is not None and within.rule_id == "align.one-outlet-two-points"


def _person(cid: str, source: str, text: str, name: str, *, via: str | None = None) -> Claim:
    c = claim(cid, source, text, via or "the outlet", ClaimKind.attributed_claim)
    return c.model_copy(update={"speaker": Asserter(name=name, kind=AsserterKind.person)})


def test_a_party_does_not_dispute_its_own_side() -> None:
    # Two outlets name one side differently: "Spanish trade officials" and the minister
    # speaking through the Spanish trade ministry. Close wording, one denial: not a dispute.
    denial = claim(
        "S1.C5",
        "S1",
        "Spain neither accepted nor offered any tariff deal",
        "Spanish trade officials",
        ClaimKind.denial,
        asserter_kind=AsserterKind.anonymous_source,
    )
    minister = _person(
        "S2.C7",
        "S2",
        "Ortega said Spain offered a tariff deal review",
        "Ortega",
        via="Spanish trade ministry",
    )
    rival = claim("S2.C8", "S2", "Spain offered a tariff deal", "Moroccan trade ministry")
    assert _same_side(denial, minister) and not _same_side(denial, rival)
    own = decide(denial, minister, 0.5, set())
    assert own is not None and own.rule_id == "align.own-side"
    decided = decide(denial, rival, 0.5, set())
    assert decided is not None and decided.relation is Relation.contradict
    # The model's "contradict" between one side's own statements is not believed either.
    assert check(denial, minister, 0.5, Relation.contradict).relation is Relation.different


def test_the_models_same_on_a_denial_pair_is_the_dispute_when_the_wording_is_close() -> None:
    # The model's "same" on a denial and another party's claim means the denier answers it;
    # with little wording in common it is not believed (the small model says "same" to most
    # loosely related pairs), and never between one side's own statements.
    claim_ = _person("S2.C4", "S2", "Mayor Ruiz said the fire was set by the rebels", "Ruiz")
    denial = claim(
        "S2.C6",
        "S2",
        "rebel council rejected the idea that the fire was set by the rebels",
        "the outlet",
        ClaimKind.denial,
    ).model_copy(update={"speaker": Asserter(name="rebel council", kind=AsserterKind.institution)})
    assert check(claim_, denial, 0.4, Relation.same).relation is Relation.contradict
    assert check(claim_, denial, 0.12, Relation.same).relation is Relation.different
    assert check(claim_, denial, 0.4, Relation.different).relation is Relation.different
    # A contradiction needs a shared point, whatever the overlap score says.
    unrelated = claim_.model_copy(update={"statement": "Mayor Ruiz said the budget was approved"})
    verdict = check(unrelated, denial, 0.4, Relation.contradict)
    assert verdict.rule_id == "check.contradict-needs-shared-point"
    assert check(claim_, denial, 0.15, Relation.contradict).relation is Relation.contradict
    own = _person("S1.C3", "S1", "Ruiz denied the fire was set by the rebels", "Ruiz")
    assert check(claim_, own, 0.4, Relation.contradict).relation is Relation.different


def test_a_denial_told_as_an_act_is_matched_on_what_it_denies() -> None:
    denial = claim(
        "S2.C6",
        "S2",
        "Kyiv denounced the idea that Kyiv was linked to the fire",
        "the outlet",
        ClaimKind.denial,
    ).model_copy(
        update={"speaker": Asserter(name="Kyiv", kind=AsserterKind.institution), "cue": "denounced"}
    )
    assert _text(denial) == "the idea that Kyiv was linked to the fire"


def test_a_pointing_back_denial_answers_its_nearest_antecedent_in_its_own_article() -> None:
    # "nothing of the sort" points back to the sentence just before it, not to every claim of
    # the two sentences before it: the earlier claim gets no lift from the denial's context.
    src = source(
        "S1",
        "Wire",
        "The unexpected visit, which the palace said was requested by Lisbon, was brief.",
        "Progress on the fishing quota was made, the ministry said.",
        "Lisbon proposed nothing of the sort, an aide said.",
    )
    earlier = claim(
        "S1.C1", "S1", "The unexpected visit was requested by Lisbon", "palace", sentence_ids=[1]
    )
    nearest = claim(
        "S1.C2", "S1", "Progress on the fishing quota was made", "ministry", sentence_ids=[2]
    )
    denial = claim(
        "S1.C3",
        "S1",
        "Lisbon proposed nothing of the sort",
        "an aide",
        ClaimKind.denial,
        asserter_kind=AsserterKind.anonymous_source,
        sentence_ids=[3],
    )
    claims = [earlier, nearest, denial]
    assert _antecedents(denial, claims) == {"S1.C2"}
    context = denial_context(claims, [src])
    scores = {
        frozenset((a.claim_id, b.claim_id)): s for a, b, s in candidate_pairs(claims, None, context)
    }
    without = {frozenset((a.claim_id, b.claim_id)): s for a, b, s in candidate_pairs(claims)}
    assert scores[frozenset(("S1.C2", "S1.C3"))] > without.get(frozenset(("S1.C2", "S1.C3")), 0)
    assert scores.get(frozenset(("S1.C1", "S1.C3")), 0) == without.get(
        frozenset(("S1.C1", "S1.C3")), 0
    )


def test_a_source_that_tells_a_dispute_one_way_omits_the_other_version() -> None:
    from service.pipeline.alignment import omitted_versions
    from service.schemas import ClaimGroup, GroupStatus, Side

    def side(cid: str, holder: str, *sources: str) -> Side:
        return Side(version=cid, claim_ids=[cid], holders=[holder], source_ids=list(sources))

    disputed = ClaimGroup(
        group_id="G1",
        status=GroupStatus.disputed,
        point="p",
        claim_ids=["S1.C1", "S2.C1", "S2.C2"],
        source_ids=["S1", "S2"],
        how_formed="t",
        sides=[side("S1.C1", "Moscow", "S1", "S2"), side("S2.C2", "Paris", "S2")],
    )
    agreed = disputed.model_copy(
        update={"group_id": "G2", "status": GroupStatus.agreed, "sides": disputed.sides[:1]}
    )
    elsewhere = disputed.model_copy(update={"group_id": "G3", "source_ids": ["S2"]})
    out = omitted_versions(
        [source("S1", "A", "x"), source("S2", "B", "y")], [disputed, agreed, elsewhere]
    )
    assert [(v.group_id, v.side, v.holders) for v in out["S1"]] == [("G1", 2, ["Paris"])]
    assert out["S2"] == []


def test_every_pair_judgment_records_a_declared_rule_or_the_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from service.pipeline.alignment.ruledata import MODEL, rule_data
    from tests.builders import reconcile_seeds

    pairs = json.loads(reconcile_seeds(tmp_path).read_text())["pairs"]
    declared = {r.id for r in rule_data().rules} | {MODEL}
    assert pairs and all(p["rule_id"] in declared for p in pairs)
    # The model's answer stands only where no rule or check changed it.
    assert all((p["rule_id"] == MODEL) == (p["decided_by"] == "model") for p in pairs)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # NeuS 1a628f9f: the first charges, opened on by two outlets (overlap 0.15)
        (
            "The special counsel overseeing the Russia investigation reportedly obtained a "
            "sealed indictment on Friday",
            "A federal grand jury on Friday approved the first charges in the investigation "
            "into alleged Russian meddling in the 2016 presidential election",
        ),
        # NeuS 054e8736: the vote (overlap 0.19)
        (
            "Lawmakers in Iraq heeded the demands of angry citizens and voted on Sunday to "
            "expel United States troops from the country",
            "Iraqi lawmakers approved a resolution Sunday",
        ),
        # BASIL 38f7cbb7 (NYT / Fox): the Clinton approach to Sestak (overlap 0.24)
        (
            "President Obama's chief of staff used former President Bill Clinton as an "
            "intermediary to see if Representative Joe Sestak would drop out of the Senate primary",
            "The White House asked former President Bill Clinton to talk to Rep. Joe Sestak about "
            "the possibility of obtaining a senior position in the Obama administration",
        ),
        # NeuS 40db2fe8: the price rules (overlap 0.19)
        (
            "The Trump administration is working on regulations that will require health care "
            "providers to tell patients how much a service will cost",
            "President Trump signed an executive order to give Americans more information about "
            "the cost of health-care services",
        ),
    ],
)
async def test_two_outlets_opening_reports_are_compared_at_a_lower_overlap(a: str, b: str) -> None:
    from service.pipeline.alignment.examples import Example, judge

    opening = await judge(Example(a=["S1", "outlet", a], b=["S2", "outlet", b], model="same"))
    assert opening is not None and opening.relation == "same" and opening.rule_id == "model"
    # the same words as two parties' statements: below same_needs, not compared
    stated = await judge(Example(a=["S1", "police", a], b=["S2", "officials", b], model="same"))
    assert stated is None or stated.relation == "different"
