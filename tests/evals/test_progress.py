"""`rashomon eval` progress: one bar over every case with an ETA, as for `reconcile`; quiet
with --quiet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from service.cli import main
from service.cli_common import RunProgress
from service.evals.progress import EvalTracker
from service.evals.runner import BASELINE, BASELINE_SCORING, CASE, EVAL, SCORING
from service.pipeline.progress import Progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _one_case(n: int, cases: int, case_id: str) -> list[Progress]:
    return [
        Progress(EVAL, n - 1, cases, case_id),
        Progress(CASE, 0, 2, case_id),
        Progress("accounts", 4, 4, "S1"),
        Progress("accounts", 6, 6, "S2"),
        Progress("alignment", 3, 3),
        Progress("summary", 1, 1),
        Progress(SCORING, 7, 15, case_id),
        Progress(SCORING, 15, 15, case_id),
        Progress(BASELINE, 0, 1, case_id),
        Progress(BASELINE, 1, 1, case_id),
        Progress(BASELINE_SCORING, 6, 6, case_id),
        Progress(EVAL, n, cases, case_id),
    ]


def test_the_tracker_spans_every_case_and_never_goes_back() -> None:
    tracker = EvalTracker()
    events = _one_case(1, 2, "first") + _one_case(2, 2, "second")
    seen = [(tracker.update(p), tracker.label(p)) for p in events]
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    # Half the articles of case 1 of 2 read: reading is 70% of the pipeline, 70% of a case.
    assert fractions[2] == pytest.approx(0.5 * 0.70 * 0.70 / 2)
    assert fractions[11] == pytest.approx(0.5) and fractions[-1] == 1.0
    assert seen[2][1] == "case 1/2 first: reading the articles"
    assert seen[7][1] == "case 1/2 first: scoring the pipeline output"
    assert seen[12][1] == "case 2/2 second: starting"
    assert seen[-1][1] == "case 2/2 second: scored"


def test_a_terminal_gets_one_bar_with_an_eta() -> None:
    stream = _Tty()
    progress = RunProgress(0, stream, tracker=EvalTracker())
    for p in _one_case(1, 1, "seed"):
        progress(p)
    progress.close()
    out = stream.getvalue()
    assert "\r" in out and "ETA" in out and "case 1/1 seed: scored: 100%" in out


def _eval(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "eval",
        "--cases",
        "seeds",
        "--backend",
        "fake",
        "--no-cache",
        "--out",
        str(tmp_path / "out"),
        *extra,
    ]


def test_eval_prints_progress_with_elapsed_time_and_is_quiet_with_q(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_eval(tmp_path)) == 0
    err = capsys.readouterr().err.splitlines()
    progress = [line for line in err if line.startswith("case 1/1 ")]
    assert progress[0].startswith("case 1/1 shoigu-lecornu-call-2024-04: starting: 0% (")
    assert any(": reading the articles: " in line for line in progress)
    assert any(": scoring the pipeline output: " in line for line in progress)
    assert progress[-1].startswith("case 1/1 shoigu-lecornu-call-2024-04: scored: 100% (")
    assert all("elapsed" in line for line in progress)
    assert len(progress) < 40  # every step and 10%, not a line per call
    assert main(_eval(tmp_path, "-q")) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and len(captured.out.splitlines()) == 1
