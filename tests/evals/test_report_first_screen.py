"""The eval report's first screen (eval.html and eval.md): cases and their kind, each metric as
counts beside the baseline's, the cost ratio, the judge's agreement and what the thresholds
mean, all before the detailed tables; new scorers show up without a change."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape
from pathlib import Path

from service.cli import main
from service.evals.html import render_html
from service.evals.judge import JudgeAgreement
from service.evals.report import (
    CaseResult,
    EvalReport,
    JudgeInfo,
    RunCost,
    apply_thresholds,
    comparison,
    render_markdown,
)
from service.evals.report_overview import counts, plain_name
from service.evals.scorers.score import Check, Score
from service.schemas import PromptRef


def _checks(ok: int, n: int) -> list[Check]:
    return [Check(item=f"i{k}", passed=k < ok, explanation="x") for k in range(n)]


def _score(name: str, ok: int, n: int, **kw: object) -> Score:
    return Score(name=name, value=ok / n, explanation=f"{ok}/{n} x", details=_checks(ok, n), **kw)  # type: ignore[arg-type]


def _case(case_id: str, dataset: str, p: tuple[int, int], b: tuple[int, int]) -> CaseResult:
    return CaseResult(
        case_id=case_id,
        dataset=dataset,
        name=case_id,
        n_articles=3,
        pipeline=[
            _score("consensus_coverage", *p, judged=True),
            _score("summary_invariants", 9, 10),  # a scorer this module has never heard of
            Score(name="quote_grounding", value=1.0, explanation="68/68 spans verbatim"),
            Score(name="cost", value=5000.0, informative=True, explanation="tokens"),
        ],
        baseline=[_score("consensus_coverage", *b, judged=True)],
        pipeline_cost=RunCost(tokens=10_700, tokens_spent=10_700, calls=9, wall_s=24.0),
        baseline_cost=RunCost(tokens=1_000, tokens_spent=1_000, calls=1, wall_s=10.0),
    )


def _report(thresholds: dict[str, float]) -> EvalReport:
    agreement = JudgeAgreement(status="checked", n=41, agreement=29 / 41, kappa=0.39)
    cases = [_case("neus-1", "neus", (4, 5), (1, 5)), _case("neus-2", "neus", (2, 4), (1, 4))]
    failures = apply_thresholds(cases, thresholds, agreement)
    now = datetime.now(UTC)
    return EvalReport(
        started_at=now,
        finished_at=now,
        duration_s=1.0,
        backend="openai",
        model="qwen2.5-1.5b",
        git_commit=None,
        command="rashomon eval",
        datasets=["neus"],
        limit=2,
        settings={},
        prompts=[],
        thresholds=thresholds,
        thresholds_path="evals/thresholds.yaml",
        judge=JudgeInfo(
            prompt=PromptRef(name="judge", version=1, sha256="0" * 64),
            top_k=3,
            summary_k=2,
            max_calls=10,
            agreement=agreement,
            pairs_path="evals/judge_pairs.yaml",
        ),
        cases=cases,
        steps=[],
        comparison=comparison(cases),
        failures=failures,
        passed=not failures,
    )


def _first_screen(html: str) -> str:
    start = html.index("<section id='first-screen'")
    end = html.index("</section>", start)
    assert end < html.index("id='comparison'") and end < html.index("<h2>Case ")
    return unescape(html[start:end])


def test_first_screen_states_cases_counts_baseline_cost_and_judge() -> None:
    html = render_html(_report({"consensus_coverage": 0.55}))
    first = _first_screen(html)
    assert "2 cases, at most 2 per data set: 2 NeuS events (3 articles each;" in first
    # counts pooled over the cases, the baseline's beside them
    row = first.split("consensus_coverage", 1)[1].split("</tr>", 1)[0]
    assert "6/9" in row and "2/9" in row and "BELOW in 1/2 case(s)" in row
    assert "Agreed facts stated in the summary" in first
    assert (
        "Pipeline against the one-prompt baseline (same model): agreed facts stated in the "
        "summary 6/9 against 2/9, at 10.7× the tokens and 2.4× the time." in first
    )
    assert "10.7× the baseline's tokens (21,400 vs 2,000)" in first
    assert "2.4× its time (48.0 s vs 20.0 s)" in first
    assert "the pipeline's own model (qwen2.5-1.5b, openai backend)" in first
    assert "agrees with the hand label on 29/41, Cohen's kappa 0.39 (fair" in first
    assert "regression floors, set just under the last measured figures" in first
    # a new scorer appears generically, with a readable name
    assert "Summary invariants" in first and "18/20" in first
    assert "136/136" in first  # counts read from the explanation when a score lists no checks


def test_markdown_has_the_same_first_screen_before_the_tables() -> None:
    md = render_markdown(_report({"consensus_coverage": 0.55}))
    glance = md.index("## At a glance")
    assert glance < md.index("## Pipeline vs baseline") < md.index("## Case neus-1")
    first = md[glance : md.index("## Run")]
    assert (
        "| Agreed facts stated in the summary (`consensus_coverage`) (judge) | 6/9 | 2/9 |" in first
    )
    assert "10.7×" in first and "29/41" in first and "regression floors" in first


def test_counts_only_when_they_reproduce_the_value() -> None:
    assert counts(_score("x", 4, 6)) == (4, 6)
    assert counts(Score(name="x", value=0.5, explanation="mean of parts")) is None
    odd = Score(name="x", value=0.9, explanation="3/4 x", details=_checks(1, 2))
    assert counts(odd) is None
    assert plain_name("dispute_recall").startswith("Labelled disputes")
    assert plain_name("new_metric_name") == "New metric name"


def test_fake_run_report_first_screen(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["eval", "--backend", "fake", "--quiet", "--no-cache", "--out", str(out)]) == 0
    first = _first_screen((out / "eval.html").read_text())
    assert "1 case: 1 seed case (2 articles each" in first
    assert "the baseline's tokens" in first and "hand-judged pairs" in first
    assert "Not checked in this run: the fake backend is not a model." in first
