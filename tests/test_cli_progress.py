"""`rashomon reconcile` output: one progress bar across the steps with an ETA, -q, -v, --json."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from service.cli import main
from service.cli_common import OverallProgress, RunProgress, format_duration
from service.pipeline.progress import Progress
from tests.conftest import SEEDS


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "reconcile",
        *map(str, SEEDS),
        "--out",
        str(tmp_path / "o"),
        "--backend",
        "fake",
        *extra,
    ]


def test_overall_progress_spans_the_steps_and_never_goes_back() -> None:
    overall = OverallProgress(2)
    seen = [
        overall.update(Progress("accounts", 5, 10, "S1")),
        overall.update(Progress("accounts", 10, 10, "S1")),
        overall.update(Progress("accounts", 4, 4, "S2")),
        overall.update(Progress("alignment", 1, 2)),
        overall.update(Progress("accounts", 1, 10, "S1")),  # a late, stale event
        overall.update(Progress("alignment-check", 1, 1)),
        overall.update(Progress("summary", 3, 3)),
    ]
    assert seen == sorted(seen)
    assert seen[0] == pytest.approx(0.175) and seen[2] == pytest.approx(0.70)
    assert seen[-1] == 1.0


def test_plain_progress_lines_name_the_step_with_elapsed_time() -> None:
    stream = io.StringIO()
    progress = RunProgress(1, stream)
    for i in range(1, 21):
        progress(Progress("accounts", i, 20, "S1"))
    progress(Progress("summary", 1, 1))
    lines = stream.getvalue().splitlines()
    assert 3 <= len(lines) <= 13  # every 10%, not a line per call
    assert lines[0].startswith("reading the articles: ") and "elapsed" in lines[0]
    assert lines[-1].startswith("writing the summary: 100%")


def test_terminal_gets_one_bar_with_an_eta() -> None:
    stream = _Tty()
    progress = RunProgress(2, stream)
    for i in range(1, 11):
        progress(Progress("accounts", i, 10, "S1"))
    progress(Progress("summary", 2, 2))
    progress.close()
    out = stream.getvalue()
    assert "\r" in out and "ETA" in out and "writing the summary: 100%" in out


def test_eta_and_duration_format() -> None:
    assert format_duration(5) == "5s"
    assert format_duration(125) == "2m05s"
    assert format_duration(3 * 3600 + 60) == "3h01m"


def test_quiet_prints_only_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_args(tmp_path, "-q")) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("wrote ") and len(captured.out.splitlines()) == 1


def test_json_goes_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_args(tmp_path, "--json")) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert [s["outlet"] for s in doc["sources"]] == ["Source 1", "AFP"]
    assert "wrote " in captured.err  # the report moves to stderr
    assert (tmp_path / "o" / "reconciliation.json").exists()
    assert main(_args(tmp_path, "--json", "-q")) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["schema_version"] and captured.err == ""


def test_verbose_shows_each_steps_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_args(tmp_path, "-v")) == 0
    err = capsys.readouterr().err
    assert "  accounts S1: " in err and "  summary: " in err
