"""Each scorer scores a hand-made bad output low and a good one high: the eval can lose."""

from __future__ import annotations

import pytest

from service.evals.attribution import names_match
from service.evals.scorers import (
    basil,
    cost,
    disputes,
    facts,
    grounding,
    omissions,
    summary,
)
from service.evals.scorers.score import Score
from service.schemas import StepRecord, Usage
from tests.evals import helpers as h


def _val(score: Score) -> float:
    assert score.status == "ok", score.explanation
    assert score.value is not None
    return score.value


async def test_quote_grounding() -> None:
    c = h.case()
    assert _val(await h.one(grounding.quote_grounding, h.pipeline_ctx(c, h.good()))) == 1.0
    bad = await h.one(grounding.quote_grounding, h.pipeline_ctx(c, h.bad()))
    assert _val(bad) < 1.0
    assert any("S1.Q1" in c.explanation for c in bad.details if c.passed is False)


async def test_fact_recall_and_attribution() -> None:
    c = h.case()
    good, bad = h.pipeline_ctx(c, h.good()), h.pipeline_ctx(c, h.bad())
    assert _val(await h.one(facts.fact_recall, good)) == 1.0
    bad_recall = await h.one(facts.fact_recall, bad)
    assert _val(bad_recall) <= 0.25
    assert set(bad_recall.parts) == {"S1", "S2"}
    assert any(ch.passed is False and "not found" in ch.explanation for ch in bad_recall.details)
    assert _val(await h.one(facts.attribution_accuracy, good)) == 1.0
    bad_attr = await h.one(facts.attribution_accuracy, bad)
    assert _val(bad_attr) == 0.0
    assert "does not match" in bad_attr.details[0].explanation


async def test_disputes() -> None:
    c = h.case()
    good_scores = await h.scores(disputes.disputes, h.pipeline_ctx(c, h.good()))
    bad_scores = await h.scores(disputes.disputes, h.pipeline_ctx(c, h.bad()))
    assert _val(good_scores["dispute_recall"]) == 1.0
    assert _val(good_scores["dispute_precision"]) == 1.0
    assert _val(bad_scores["dispute_recall"]) == 0.0
    assert _val(bad_scores["dispute_precision"]) == 0.0
    assert "spurious" in bad_scores["dispute_precision"].details[0].explanation


async def test_omissions() -> None:
    c = h.case()
    good_scores = await h.scores(omissions.omissions, h.pipeline_ctx(c, h.good()))
    bad_scores = await h.scores(omissions.omissions, h.pipeline_ctx(c, h.bad()))
    assert _val(good_scores["omission_recall"]) == 1.0
    assert _val(good_scores["omission_precision"]) == 1.0
    assert _val(bad_scores["omission_recall"]) == 0.0


async def test_summary_scorers() -> None:
    c = h.case()
    good_s = [s.text for s in h.good().summary.sentences]
    bad_s = [s.text for s in h.bad().summary.sentences]
    good, bad = h.summary_ctx(c, good_s), h.summary_ctx(c, bad_s)
    assert _val(await h.one(summary.consensus_coverage, good)) == 1.0
    assert _val(await h.one(summary.consensus_coverage, bad)) == 0.0
    assert _val(await h.one(summary.disputed_attribution, good)) == 1.0
    bad_attr = await h.one(summary.disputed_attribution, bad)
    assert _val(bad_attr) == 0.0
    assert "states it as fact" in bad_attr.details[0].explanation
    assert _val(await h.one(summary.framing_leak_free, good)) == 1.0
    leak = await h.one(summary.framing_leak_free, bad)
    assert _val(leak) == 0.0
    assert "LEAKED" in leak.details[0].explanation


async def test_citation_support() -> None:
    c = h.case()
    assert _val(await h.one(grounding.citation_support, h.pipeline_ctx(c, h.good()))) == 1.0
    assert _val(await h.one(grounding.citation_support, h.pipeline_ctx(c, h.bad()))) == 0.0


async def test_cost_is_informative() -> None:
    step = StepRecord(
        step="accounts",
        backend="fake",
        model="m",
        calls=3,
        usage=Usage(prompt_tokens=10, completion_tokens=5),
        wall_time_s=1.5,
    )
    ctx = h.summary_ctx(h.case(), [])
    ctx.steps = [step]
    score = await h.one(cost.cost, ctx)
    assert score.informative and score.value == 15.0 and score.parts["accounts.wall_s"] == 1.5


async def test_scorers_skip_what_is_not_labelled() -> None:
    c = h.case()
    c.bias_spans = []
    quotes = await h.scores(basil.basil_quote_attribution, h.pipeline_ctx(c, h.good()))
    assert {s.status for s in quotes.values()} == {"skipped"}
    assert (await h.one(basil.basil_lexical_leak_free, h.summary_ctx(c, ["x"]))).status == (
        "skipped"
    )


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
    leak = await h.one(
        summary.framing_leak_free,
        h.summary_ctx(c, ["Western sanctions can only lead to a nuclear war with Russia."], judge),
    )
    assert _val(leak) == 0.0
    assert "repeats the outlet's wording" in leak.details[0].explanation
    attributed = await h.one(
        summary.framing_leak_free,
        h.summary_ctx(
            c, ["Outlet A said sanctions can only lead to a nuclear war with Russia."], judge
        ),
    )
    assert _val(attributed) == 1.0
    assert summary.repeats_wording("can only lead", ["It can only lead to war."]) is None


def test_a_cue_word_that_belongs_to_the_claim_is_not_attribution() -> None:
    from service.evals.attribution import has_attribution_cue

    claim = "Russia offered peace talks and France rejected the offer."
    assert not has_attribution_cue("France has rejected the Russian offer.", besides=claim)
    assert has_attribution_cue("AFP said France has rejected the offer.", besides=claim)
    assert has_attribution_cue("France has rejected the Russian offer.")  # no claim given


async def test_a_side_left_out_of_a_reported_dispute_is_a_flagged_omission() -> None:
    # S1 left out as a group (omits) or as the sides of a dispute it carries one way
    # (omits_versions): both flag the gold omissions of the facts on those sides.
    from service.schemas import OmittedVersion

    c = h.case()
    rec = h.good()

    def s1_flags(versions: list[OmittedVersion]):  # type: ignore[no-untyped-def]
        accounts = [
            a.model_copy(update={"omits": [], "omits_versions": versions})
            if a.source_id == "S1"
            else a
            for a in rec.accounts
        ]
        return rec.model_copy(update={"accounts": accounts})

    both = [OmittedVersion(group_id="G1", side=n, version="v") for n in (1, 2)]
    scores = await h.scores(omissions.omissions, h.pipeline_ctx(c, s1_flags(both)))
    assert _val(scores["omission_recall"]) == 1.0
    one = await h.scores(omissions.omissions, h.pipeline_ctx(c, s1_flags(both[:1])))
    assert _val(one["omission_recall"]) < 1.0
    assert any("G1/side 1" in d.explanation for d in one["omission_recall"].details)
