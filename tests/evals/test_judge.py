"""The judge: both orders, memoised verdicts, agreement and kappa."""

from __future__ import annotations

import pytest

from service.evals.judge import Judge, agreement, cohen_kappa
from service.evals.labels import JudgePair
from service.llm.fake import FakeBackend
from service.llm.structured import StructuredLLM


def _judge(*answers: str, max_calls: int = 100) -> tuple[Judge, FakeBackend]:
    backend = FakeBackend([{"answer": a} for a in answers])
    return Judge(StructuredLLM(backend, reask_budget=0), max_calls=max_calls), backend


def _texts(backend: FakeBackend) -> list[str]:
    return [m.content for r in backend.requests for m in r.messages if m.role == "user"]


async def test_same_only_if_both_orders_say_yes() -> None:
    judge, backend = _judge("yes", "yes")
    assert (await judge.same_fact("A fact", "B text")).same is True
    users = _texts(backend)
    assert "Text A: A fact\nText B: B text" in users[0]
    assert "Text A: B text\nText B: A fact" in users[1]  # the swapped order


async def test_yes_then_no_is_not_same_and_counts_a_flip() -> None:
    judge, _ = _judge("yes", "no")
    verdict = await judge.same_fact("a", "b")
    assert verdict.same is False and judge.order_flips == 1


async def test_no_decides_with_one_call() -> None:
    judge, backend = _judge("no")
    assert (await judge.same_fact("a", "b")).same is False
    assert len(backend.requests) == 1


async def test_verdicts_are_memoised() -> None:
    judge, backend = _judge("yes", "yes")
    await judge.same_fact("a", "b")
    again = await judge.same_fact("a", "b")
    assert again.same is True and len(backend.requests) == 2  # no new calls


async def test_budget_leaves_questions_unjudged() -> None:
    judge, backend = _judge("yes", "yes", max_calls=1)
    verdict = await judge.same_fact("a", "b")
    assert verdict.same is None and judge.unjudged == 1 and len(backend.requests) == 1


async def test_unusable_answer_is_unjudged() -> None:
    judge, _ = _judge("maybe")
    assert (await judge.same_fact("a", "b")).same is None and judge.errors == 1


def test_kappa() -> None:
    assert cohen_kappa([True, False, True, False], [True, False, True, False]) == 1.0
    assert cohen_kappa([True, True, False, False], [True, False, True, False]) == 0.0
    assert cohen_kappa([], []) is None
    assert cohen_kappa([True, False, True, True], [True, False, False, True]) == pytest.approx(0.5)


async def test_agreement_reports_disagreements() -> None:
    pairs = [
        JudgePair(id="J01", fact_id="F01", fact="f1", candidate="c1", same_fact=True, why="w"),
        JudgePair(id="J02", fact_id="F01", fact="f1", candidate="c2", same_fact=False, why="w"),
    ]
    judge, _ = _judge("yes", "yes", "yes", "yes")  # says yes to both
    result = await agreement(judge, pairs)
    assert result.n == 2 and result.agreement == 0.5 and result.kappa == 0.0
    assert [d.pair_id for d in result.disagreements] == ["J02"]


async def test_unjudged_pairs_are_not_counted_as_disagreements() -> None:
    pairs = [
        JudgePair(id="J01", fact_id="F01", fact="f1", candidate="c1", same_fact=True, why="w"),
        JudgePair(id="J02", fact_id="F01", fact="f1", candidate="c2", same_fact=False, why="w"),
    ]
    none, _ = _judge(max_calls=0)  # --judge-budget 0
    result = await agreement(none, pairs)
    assert result.status == "unchecked" and result.agreement is None
    assert result.unjudged == 2 and "none of the 2" in result.reason
    # One call left: J01 answers "no" (one call decides), J02 is left unjudged.
    some, _ = _judge("no", max_calls=1)
    result = await agreement(some, pairs)
    assert result.status == "checked" and result.n == 1 and result.unjudged == 1
    assert result.agreement == 0.0 and [d.pair_id for d in result.disagreements] == ["J01"]


async def test_coverage_left_unjudged_is_not_a_miss() -> None:
    from service.evals.scorers.summary import covering

    judge, _ = _judge(max_calls=0)
    cov = await covering(judge, "The talks resumed", ["The talks resumed on Monday."], k=2)
    assert cov.index is None and cov.unjudged and cov.passed() is None
    judge, _ = _judge("no")
    cov = await covering(judge, "The talks resumed", ["The talks resumed on Monday."], k=2)
    assert cov.passed() is False
