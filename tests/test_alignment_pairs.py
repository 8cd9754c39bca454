"""The alignment rules on the hand-labelled pairs (evals/alignment_pairs.yaml), by code alone:
what code decides must be right; floors set just below the measured figures."""

from __future__ import annotations

from pathlib import Path

from service.evals.alignment_pairs import load_pairs, prf, score_pairs

PAIRS = Path(__file__).resolve().parents[1] / "evals" / "alignment_pairs.yaml"


async def test_code_decisions_on_the_labelled_pairs_hold_their_floors() -> None:
    pairs = load_pairs(PAIRS)
    assert len(pairs) >= 40
    assert {p.event.split()[0] for p in pairs} == {"neus", "basil"}
    outcomes = await score_pairs(pairs)
    contradict, same = prf(outcomes, "contradict"), prf(outcomes, "same")
    # Measured 2026-12-04: contradict 3/3 precision, 3/9 recall; same 7/7, 7/19.
    assert contradict.precision is not None and contradict.precision >= 0.99
    assert same.precision is not None and same.precision >= 0.99
    assert contradict.recall is not None and contradict.recall >= 0.3
    assert same.recall is not None and same.recall >= 0.35


async def test_an_undecided_pair_is_not_counted_as_a_decision() -> None:
    pairs = load_pairs(PAIRS)
    outcomes = await score_pairs(pairs)
    undecided = [o for o in outcomes if o.predicted == "undecided"]
    assert undecided and all(o.rule_id == "model" for o in undecided)
