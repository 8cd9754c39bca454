"""Alignment decisions that code makes without asking the model."""

from __future__ import annotations

from service.pipeline.alignment import _rule, candidate_pairs
from service.pipeline.drafts import Relation
from service.schemas import Asserter, AsserterKind, ClaimKind
from tests.builders import claim

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
    decided = _rule(NARRATION, DENIAL, score, set())
    assert decided is not None and decided[0] is Relation.different


def test_the_same_denial_answers_a_party_the_article_reports() -> None:
    reported = NARRATION.model_copy(
        update={"asserter": Asserter(name="Moscow", kind=AsserterKind.institution)}
    )
    decided = _rule(reported, DENIAL, _score(reported, DENIAL), set())
    assert decided is not None and decided[0] is Relation.contradict


def test_the_same_narration_in_another_outlet_can_be_denied() -> None:
    other = NARRATION.model_copy(update={"claim_id": "S2.C1", "source_id": "S2"})
    decided = _rule(other, DENIAL, _score(other, DENIAL), set())
    assert decided is not None and decided[0] is Relation.contradict


def test_close_wording_across_outlets_is_the_same_point_but_not_within_one() -> None:
    a = claim("S1.C3", "S1", "Shoigu warned that sending troops would create problems for France")
    b = claim("S2.C3", "S2", "Shoigu warned sending French troops would create problems for France")
    decided = _rule(a, b, 0.5, set())
    assert decided is not None and decided[0] is Relation.same
    inside = b.model_copy(update={"claim_id": "S1.C4", "source_id": "S1"})
    assert _rule(a, inside, 0.5, set()) is None  # within one article the model is asked
