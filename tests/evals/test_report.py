"""End to end on the seed case with the fake backend: the four reports and the exit code."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from service.cli import main
from service.config import Settings
from service.errors import BackendError
from service.evals.report import FAKE_NOT_A_MODEL, EvalReport, verdict
from service.evals.runner import EvalOptions, run_eval
from service.llm.fake import FakeBackend
from service.llm.structured import StructuredLLM


def _run(tmp_path: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "out"
    code = main(
        [
            "eval",
            "--cases",
            "seeds",
            "--backend",
            "fake",
            "--quiet",
            "--no-cache",
            "--out",
            str(out),
            *extra,
        ]
    )
    return code, out


def test_reports_written(tmp_path: Path) -> None:
    thresholds = tmp_path / "t.yaml"
    thresholds.write_text("quote_grounding: 1.0\n")
    code, out = _run(tmp_path, "--thresholds", str(thresholds))
    assert code == 0
    report = EvalReport.model_validate_json((out / "eval.json").read_text())
    assert report.backend == "fake" and report.passed
    assert {p.name for p in report.prompts} >= {
        "align_pair",
        "judge_same_fact",
        "baseline_summary",
    }
    assert report.judge.agreement.status == "checked"
    case = report.cases[0]
    assert (Path(case.reconciliation_path or "")).is_file()
    assert case.score("pipeline", "quote_grounding").value == 1.0  # type: ignore[union-attr]
    assert case.score("baseline", "fact_recall") is None  # n/a for the baseline
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite is not None and int(suite.get("tests", "0")) > 5
    html = (out / "eval.html").read_text()
    assert "class='comparison'" in html and "<link" not in html and "<script" not in html
    assert "Pipeline vs baseline" in (out / "eval.md").read_text()

    # a second run diffs against the first
    code2, out2 = _run(
        tmp_path / "again", "--thresholds", str(thresholds), "--baseline", str(out / "eval.json")
    )
    assert code2 == 0
    again = json.loads((out2 / "eval.json").read_text())
    assert again["diff"] and "Diff vs" in (out2 / "eval.html").read_text()


def test_threshold_failure_exits_nonzero(tmp_path: Path) -> None:
    thresholds = tmp_path / "t.yaml"
    thresholds.write_text("quote_grounding: 1.0\nfact_recall: 1.0\n")
    code, out = _run(tmp_path, "--thresholds", str(thresholds), "--enforce-thresholds")
    assert code != 0
    root = ET.parse(out / "junit.xml").getroot()
    failures = root.findall(".//testcase[@name='fact_recall']/failure")
    assert failures and "fact_recall" in (failures[0].get("message") or "")
    assert not EvalReport.model_validate_json((out / "eval.json").read_text()).passed


def test_a_fake_run_is_a_plumbing_check_not_a_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thresholds = tmp_path / "t.yaml"
    thresholds.write_text("quote_grounding: 1.0\nfact_recall: 1.0\njudge_agreement: 1.0\n")
    code, out = _run(tmp_path, "--thresholds", str(thresholds))
    assert code == 0  # fact_recall is below 1.0 on the fake backend: not held against it
    stdout = capsys.readouterr().out
    assert "PLUMBING OK" in stdout and "the fake backend is not a model" in stdout
    assert "FAILED" not in stdout and "PASSED" not in stdout
    report = EvalReport.model_validate_json((out / "eval.json").read_text())
    assert report.passed and not report.failures
    assert report.thresholds_not_applied == FAKE_NOT_A_MODEL
    fact_recall = report.cases[0].score("pipeline", "fact_recall")
    assert fact_recall is not None and fact_recall.value is not None and fact_recall.value < 1.0
    assert fact_recall.passed is None and fact_recall.threshold is None  # reported, not judged
    md = (out / "eval.md").read_text()
    assert md.splitlines()[2].startswith("PLUMBING OK: 1 case(s) ran and were scored; threshold")
    assert "FAILED" not in md and "PASSED" not in md
    html = (out / "eval.html").read_text()
    assert "class='banner warn' id='verdict'>PLUMBING OK" in html and "BELOW" not in html
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0"


async def test_a_case_that_fails_to_run_fails_a_fake_run(tmp_path: Path) -> None:
    def down(_request: object) -> dict[str, object]:
        raise BackendError("model server down", backend="fake")

    llm = StructuredLLM(FakeBackend(responder=down), reask_budget=0)
    options = EvalOptions(
        datasets=["seeds"], out_dir=tmp_path / "out", run_baseline=False, judge_pairs=None
    )
    report = await run_eval(options, Settings(backend="fake"), llm=llm, log=lambda _line: None)
    assert not report.passed and report.thresholds_not_applied
    assert [f.metric for f in report.failures] == ["pipeline"]
    assert verdict(report).startswith("FAILED: 1 of 1 case(s) failed to run")


def test_unchecked_judge_is_prominent(tmp_path: Path) -> None:
    code, out = _run(
        tmp_path,
        "--judge-pairs",
        str(tmp_path / "missing.yaml"),
        "--thresholds",
        str(Path(__file__).parents[2] / "evals" / "thresholds.yaml"),
    )
    assert "JUDGE NOT CHECKED" in (out / "eval.html").read_text()
    assert "JUDGE NOT CHECKED" in (out / "eval.md").read_text()
    del code
