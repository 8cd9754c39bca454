"""eval.html's inline SVG chart: metrics against thresholds, pipeline against baseline."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from service.evals.html import metrics_chart, render_html
from service.evals.judge import JudgeAgreement
from service.evals.report import CaseResult, EvalReport, JudgeInfo, apply_thresholds, comparison
from service.evals.scorers.score import Score
from service.schemas import PromptRef


def _report(cases: list[CaseResult], thresholds: dict[str, float]) -> EvalReport:
    agreement = JudgeAgreement(status="unchecked", reason="test")
    failures = apply_thresholds(cases, thresholds, agreement)
    now = datetime.now(UTC)
    return EvalReport(
        started_at=now,
        finished_at=now,
        duration_s=1.0,
        backend="fake",
        model="fake-model",
        git_commit=None,
        command="rashomon eval",
        datasets=["seeds"],
        limit=None,
        settings={},
        prompts=[],
        thresholds=thresholds,
        thresholds_path=None,
        judge=JudgeInfo(
            prompt=PromptRef(name="judge", version=1, sha256="0" * 64),
            top_k=3,
            summary_k=3,
            max_calls=10,
            agreement=agreement,
        ),
        cases=cases,
        steps=[],
        comparison=comparison(cases),
        failures=failures,
        passed=not failures,
    )


def _case(case_id: str, recall: float, grounding: float) -> CaseResult:
    return CaseResult(
        case_id=case_id,
        dataset="seeds",
        name=case_id,
        n_articles=2,
        pipeline=[
            Score(name="fact_recall", value=recall, explanation="x"),
            Score(name="quote_grounding", value=grounding, explanation="x"),
            Score(name="cost", value=12345.0, informative=True, explanation="tokens"),
        ],
        baseline=[Score(name="fact_recall", value=0.3, explanation="x")],
    )


def test_chart_marks_metrics_below_threshold_in_words() -> None:
    report = _report([_case("a", 0.9, 1.0), _case("b", 0.5, 1.0)], {"fact_recall": 0.7})
    svg = metrics_chart(report)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "role='img'" in svg and "<title id='chart-title'>" in svg
    # one row per 0..1 metric; the informative cost is left out
    assert "fact_recall" in svg and "quote_grounding" in svg and "cost" not in svg
    # the mean (0.70) meets the threshold, but one case is below: said in words
    assert "BELOW 0.70 in 1/2 cases" in svg
    assert "no threshold" in svg  # quote_grounding has none here
    assert svg.count("<path") == 2  # the baseline diamond for fact_recall, and the legend's


def test_chart_is_inline_with_no_urls() -> None:
    page = render_html(_report([_case("a", 0.9, 1.0)], {"fact_recall": 0.7}))
    assert "id='chart'" in page and "pass ≥ 0.70" in page
    assert not re.search(r"https?://", page)
    assert "<script" not in page and "<link" not in page


def test_no_chart_without_metrics() -> None:
    report = _report([], {})
    assert metrics_chart(report) == ""
    assert "id='chart'" not in render_html(report)


def test_fact_grid_found_wrong_asserter_missed() -> None:
    from service.evals.html import fact_grid
    from service.evals.scorers.score import Check

    case = _case("a", 0.5, 1.0)
    case.pipeline[0].details = [
        Check(item="F01@S1", passed=True, explanation="F01 (S1) found as S1.C1"),
        Check(item="F01@S2", passed=False, explanation="F01 (S2) not found"),
        Check(item="F02@S1", passed=True, explanation="F02 (S1) found as S1.C2"),
        Check(item="F10@S2", passed=True, explanation="F10 (S2) found <as> S2.C9"),
    ]
    case.pipeline.append(
        Score(
            name="attribution_accuracy",
            value=0.5,
            explanation="x",
            details=[
                Check(item="F01@S1", passed=True, explanation="ok"),
                Check(item="F02@S1", passed=False, explanation="asserter 'x' does not match"),
            ],
        )
    )
    grid = fact_grid(case)
    rows = re.findall(r"<tr><th scope='row'>(\w+)</th>(.*?)</tr>", grid)
    assert [r[0] for r in rows] == ["F01", "F02", "F10"]  # natural order, not F01 F10 F02
    cells = {fact: re.findall(r">([^<]+)</td>", tds) for fact, tds in rows}
    assert cells == {
        "F01": ["✓ found", "✗ missed"],
        "F02": ["≠ wrong asserter", "· not in source"],
        "F10": ["· not in source", "✓ found"],
    }
    assert "2 found, 1 wrong asserter, 1 missed" in grid
    assert "&lt;as&gt;" in grid  # explanations are escaped
    assert fact_grid(_case("b", 0.5, 1.0)) == ""  # no per-source checks: no grid
