"""Every alignment rule against sentence pairs from outside the seeds
(tests/alignment_rule_cases.yaml): where it must decide the pair and where it must not."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.pipeline.alignment.examples import Example, judge
from service.pipeline.alignment.ruledata import rule_data

CASES_FILE = Path(__file__).with_name("alignment_rule_cases.yaml")
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]


def _id(case: dict[str, Any]) -> str:
    return f"{case['rule']}-{'fires' if case['fires'] else 'not'}-{case['from'].split()[0]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
async def test_rule_case(case: dict[str, Any]) -> None:
    example = Example.model_validate(
        {k: v for k, v in case.items() if k not in {"rule", "fires", "from"}}
    )
    judged = await judge(example)
    got = judged.rule_id if judged else "not a candidate"
    if case["fires"]:
        assert got == case["rule"], f"{case['rule']} should decide this pair; {judged}"
    else:
        assert got != case["rule"], f"{case['rule']} should not decide this pair"


def test_every_rule_has_its_cases_from_two_sources_besides_the_seeds() -> None:
    fires: dict[str, int] = defaultdict(int)
    nots: dict[str, int] = defaultdict(int)
    origins: dict[str, set[str]] = defaultdict(set)
    for case in CASES:
        (fires if case["fires"] else nots)[case["rule"]] += 1
        origin = case["from"].split()[0]
        assert origin in {"neus", "basil", "polnear", "written"}, case["from"]
        origins[case["rule"]].add(origin)
    declared = {r.id for r in rule_data().rules}
    assert set(fires) | set(nots) <= declared, "a case names an undeclared rule"
    for rule in declared:
        assert fires[rule] >= 3, f"{rule}: {fires[rule]} must-fire cases, want 3"
        assert nots[rule] >= 1, f"{rule}: no must-not case"
        assert len(origins[rule]) >= 2, f"{rule}: cases from {origins[rule]} only"


def test_the_rule_data_is_consistent() -> None:
    data = rule_data()
    # Every list and pattern is used by code (no dead lists): named here as the code reads them.
    used_lists = {
        "role_words",
        "negation",
        "modal_possible",
        "modal_necessary",
        "causal_markers",
        "change_before",
        "change_after",
        "lower_bound_words",
        "approximate_words",
    }
    assert set(data.lists) == used_lists
    assert set(data.patterns) == {
        "conflict_cue",
        "points_back",
        "period",
        "rejection",
        "affirming_negation",
        "no_version",
        "refusal",
    }
    # Every threshold the code reads (a missing one is a ConfigError at the first pair).
    for name in (
        "candidates_per_claim",
        "min_overlap",
        "same_by_rule",
        "same_needs",
        "dispute_by_rule",
        "denial_targets",
        "denial_asks",
        "negation_cue_frame",
        "listing_words",
        "index_max_postings",
        "same_frame",
        "event_wide_share",
    ):
        assert data.value(name) > 0
