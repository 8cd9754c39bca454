"""Each scorer scores a hand-made bad output low and a good one high: the eval can lose."""

from __future__ import annotations

import pytest

from service.evals import scorers as sc
from service.evals.attribution import names_match
from service.schemas import StepRecord, Usage
from tests.evals import helpers as h


def _val(score: sc.Score) -> float:
    assert score.status == "ok", score.explanation
    assert score.value is not None
    return score.value


def test_quote_grounding() -> None:
    assert _val(sc.quote_grounding(h.good())) == 1.0
    bad = sc.quote_grounding(h.bad())
    assert _val(bad) < 1.0
    assert any("S1.Q1" in c.explanation for c in bad.details if c.passed is False)


async def test_fact_recall_and_attribution() -> None:
    c = h.case()
    good_m = await sc.match_facts(c, h.good(), h.judge())
    bad_m = await sc.match_facts(c, h.bad(), h.judge())
    assert _val(sc.fact_recall(c, good_m)) == 1.0
    bad_recall = sc.fact_recall(c, bad_m)
    assert _val(bad_recall) <= 0.25
    assert set(bad_recall.parts) == {"S1", "S2"}
    assert any(ch.passed is False and "not found" in ch.explanation for ch in bad_recall.details)
    assert _val(sc.attribution_accuracy(c, h.good(), good_m)) == 1.0
    bad_attr = sc.attribution_accuracy(c, h.bad(), bad_m)
    assert _val(bad_attr) == 0.0
    assert "does not match" in bad_attr.details[0].explanation


async def test_disputes() -> None:
    c = h.case()
    good_scores = {
        s.name: s
        for s in sc.dispute_scores(c, h.good(), await sc.match_facts(c, h.good(), h.judge()))
    }
    bad_scores = {
        s.name: s
        for s in sc.dispute_scores(c, h.bad(), await sc.match_facts(c, h.bad(), h.judge()))
    }
    assert _val(good_scores["dispute_recall"]) == 1.0
    assert _val(good_scores["dispute_precision"]) == 1.0
    assert _val(bad_scores["dispute_recall"]) == 0.0
    assert _val(bad_scores["dispute_precision"]) == 0.0
    assert "spurious" in bad_scores["dispute_precision"].details[0].explanation


async def test_omissions() -> None:
    c = h.case()
    good_scores = {
        s.name: s
        for s in sc.omission_scores(c, h.good(), await sc.match_facts(c, h.good(), h.judge()))
    }
    bad_scores = {
        s.name: s
        for s in sc.omission_scores(c, h.bad(), await sc.match_facts(c, h.bad(), h.judge()))
    }
    assert _val(good_scores["omission_recall"]) == 1.0
    assert _val(good_scores["omission_precision"]) == 1.0
    assert _val(bad_scores["omission_recall"]) == 0.0


async def test_summary_scorers() -> None:
    c = h.case()
    good_s = [s.text for s in h.good().summary.sentences]
    bad_s = [s.text for s in h.bad().summary.sentences]
    assert _val(await sc.consensus_coverage(c, good_s, h.judge())) == 1.0
    assert _val(await sc.consensus_coverage(c, bad_s, h.judge())) == 0.0
    assert _val(await sc.disputed_attribution(c, good_s, h.judge())) == 1.0
    bad_attr = await sc.disputed_attribution(c, bad_s, h.judge())
    assert _val(bad_attr) == 0.0
    assert "states it as fact" in bad_attr.details[0].explanation
    assert _val(await sc.framing_leak_free(c, good_s, h.judge())) == 1.0
    leak = await sc.framing_leak_free(c, bad_s, h.judge())
    assert _val(leak) == 0.0
    assert "LEAKED" in leak.details[0].explanation


def test_citation_support() -> None:
    assert _val(sc.citation_support(h.good())) == 1.0
    assert _val(sc.citation_support(h.bad())) == 0.0


def test_cost_is_informative() -> None:
    step = StepRecord(
        step="accounts",
        backend="fake",
        model="m",
        calls=3,
        usage=Usage(prompt_tokens=10, completion_tokens=5),
        wall_time_s=1.5,
    )
    score = sc.cost([step])
    assert score.informative and score.value == 15.0 and score.parts["accounts.wall_s"] == 1.5


def test_scorers_skip_what_is_not_labelled() -> None:
    c = h.case()
    c.bias_spans = []
    assert sc.basil_quote_attribution(c, h.good()).status == "skipped"
    assert sc.basil_lexical_leak_free(c, ["x"]).status == "skipped"


@pytest.mark.parametrize(
    ("pred", "gold", "same"),
    [
        ("Russian defence ministry", "Russian Defense Ministry", True),
        ("a source close to Lecornu", "source close to Lecornu", True),
        ("the outlet", "AFP", True),
        ("Sergei Shoigu", "Shoigu", True),
        ("Rick Perry", "Rick_Perry", True),
        ("Mr. Perry", "Rick_Perry", True),  # an honorific is not a different name
        ("Mr. Obama", "Rick_Perry", False),
        ("Russia", "Russian defence ministry", False),
        ("French officials", "Russian defence ministry", False),
        ("the outlet", "Shoigu", False),
    ],
)
def test_asserter_rule(pred: str, gold: str, same: bool) -> None:
    assert names_match(pred, gold, outlets=("AFP",)) is same


async def test_framing_leak_repeating_the_outlets_wording_needs_no_judge() -> None:
    from service.evals.judge import Judge
    from service.llm.fake import FakeBackend
    from service.llm.structured import StructuredLLM

    c = h.case()
    assert c.labels is not None
    framing = c.labels.framing[0].model_copy(
        update={"text": "sanctions can only lead to nuclear war with Russia"}
    )
    c.labels = c.labels.model_copy(update={"framing": [framing]})
    # A judge that never sees a match: the leak must still be caught on the wording alone.
    blind = FakeBackend(responder=lambda request: {"answer": "no"})
    judge = Judge(StructuredLLM(blind, reask_budget=0))
    leak = await sc.framing_leak_free(
        c, ["Western sanctions can only lead to a nuclear war with Russia."], judge
    )
    assert _val(leak) == 0.0
    assert "repeats the outlet's wording" in leak.details[0].explanation
    attributed = await sc.framing_leak_free(
        c, ["Outlet A said sanctions can only lead to a nuclear war with Russia."], judge
    )
    assert _val(attributed) == 1.0
    assert sc.repeats_wording("can only lead", ["It can only lead to war."]) is None  # too short


def test_a_cue_word_that_belongs_to_the_claim_is_not_attribution() -> None:
    from service.evals.attribution import has_attribution_cue

    claim = "Russia offered peace talks and France rejected the offer."
    assert not has_attribution_cue("France has rejected the Russian offer.", besides=claim)
    assert has_attribution_cue("AFP said France has rejected the offer.", besides=claim)
    assert has_attribution_cue("France has rejected the Russian offer.")  # no claim given
