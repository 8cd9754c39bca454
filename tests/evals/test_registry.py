"""The scorer registry: which scorers run on which output, what a case they do not apply to
shows, and that each scorer returns exactly the scores it declares."""

from __future__ import annotations

import pytest

from service.evals.dataset import Case
from service.evals.judge import Judge
from service.evals.scorers.context import ScoreContext
from service.evals.scorers.registry import SCORERS, score_output
from service.llm.fake import FakeBackend
from service.llm.structured import StructuredLLM
from service.schemas import Reconciliation, StepRecord, Usage
from tests.evals import helpers as h


def _unlabelled(dataset: str = "neus") -> Case:
    c = h.case()
    c.dataset = dataset  # type: ignore[assignment]
    c.labels = None
    return c


@pytest.mark.parametrize("dataset", ["seeds", "basil", "neus"])
async def test_each_scorer_returns_the_scores_it_declares(dataset: str) -> None:
    c = h.case()
    c.dataset = dataset  # type: ignore[assignment]
    ctx = h.pipeline_ctx(c, h.good())
    for scorer in SCORERS:
        if scorer.applies(c):
            out = await scorer(ctx)
            ctx.scores += out
            assert tuple(s.name for s in out) == scorer.metrics, scorer.name
            assert all(s.judged == scorer.uses_judge for s in out), scorer.name


async def test_pipeline_scores_come_deterministic_first_then_judged_then_informative() -> None:
    scores = await score_output(h.pipeline_ctx(h.case(), h.good()))
    keys = [(s.informative, s.judged) for s in scores]
    assert keys == sorted(keys)
    names = [s.name for s in scores]
    assert names[:2] == ["quote_grounding", "citation_support"]
    assert names[-1] == "stage_losses"  # informative and judged: last
    assert {"fact_recall", "dispute_recall", "omission_precision"} <= set(names)


async def test_a_case_a_scorer_does_not_apply_to_lists_it_as_skipped_with_the_reason() -> None:
    c = _unlabelled("neus")
    c.labels_note = None
    scores = {s.name: s for s in await score_output(h.pipeline_ctx(c, h.good()))}
    for name in ("fact_recall", "dispute_precision", "candidate_recall", "consensus_coverage"):
        assert scores[name].status == "skipped" and scores[name].judged
        assert (
            scores[name].explanation == "NeuS has no hand-labelled facts (only a neutral roundup)"
        )
    assert scores["basil_quote_attribution"].explanation == "not a BASIL case"
    assert not scores["basil_quote_attribution"].judged
    assert "stage_losses" not in scores  # traces gold facts: absent, not skipped, when unlabelled
    assert scores["quote_grounding"].status == "ok"


async def test_the_baseline_gets_only_the_scorers_that_read_a_bare_summary() -> None:
    sentences = [s.text for s in h.good().summary.sentences]
    ctx = h.summary_ctx(h.case(), sentences)
    ctx.steps = [StepRecord(step="baseline", backend="fake", model="m", usage=Usage())]
    scores = await score_output(ctx)
    assert [s.name for s in scores] == [
        "summary_quotes_verbatim",
        "summary_shape",
        "basil_lexical_leak_free",
        "consensus_coverage",
        "disputed_attribution",
        "framing_leak_free",
        "neus_coverage",
        "cost",
    ]


def _many_candidates() -> Reconciliation:
    """The good output plus near-copies of F01 among S1's claims and the summary, so that
    more than one candidate is worth asking the judge about."""
    rec = h.good()
    twins = ["Shoigu and Lecornu spoke by phone.", "Shoigu and Lecornu spoke on Wednesday."]
    extra = [h.claim(f"S1.C{9 + i}", h.TEXT1, h.F01, t, "the outlet") for i, t in enumerate(twins)]
    s1 = rec.accounts[0].model_copy(update={"claims": [*rec.accounts[0].claims, *extra]})
    sentences = [
        *rec.summary.sentences,
        *(rec.summary.sentences[0].model_copy(update={"text": t}) for t in twins),
    ]
    return rec.model_copy(
        update={
            "accounts": [s1, *rec.accounts[1:]],
            "summary": rec.summary.model_copy(update={"sentences": sentences}),
        }
    )


async def test_the_judges_k_comes_from_the_context_and_the_judge_keeps_none() -> None:
    # A judge that never says yes tries every candidate it is given: the tried lists show k.
    async def run(k: int) -> ScoreContext:
        blind = FakeBackend(responder=lambda request: {"answer": "no"})
        judge = Judge(StructuredLLM(blind, reask_budget=0))
        ctx = ScoreContext.of_pipeline(h.case(), _many_candidates(), judge, fact_k=k, summary_k=k)
        await score_output(ctx)
        return ctx

    def most_tried(ctx: ScoreContext, name: str) -> int:
        score = ctx.earlier(name)
        assert score is not None
        return max(c.explanation.count("(judge no/-)") for c in score.details)

    narrow, wide = await run(1), await run(3)
    assert most_tried(narrow, "fact_recall") == most_tried(narrow, "consensus_coverage") == 1
    assert most_tried(wide, "fact_recall") == most_tried(wide, "consensus_coverage") == 3
    assert not hasattr(narrow.judge, "top_k")  # one judge serves both k: it holds none
