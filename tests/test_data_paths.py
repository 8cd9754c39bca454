"""Data outside the package is found through Settings (RASHOMON_SEEDS_DIR, RASHOMON_EVALS_DIR,
RASHOMON_DATASETS_DIR), whose defaults are the source checkout's folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.cli import EXIT_INPUT, main
from service.config import Settings
from service.evals import labels
from tests.conftest import REPO


def test_defaults_are_the_checkout_folders() -> None:
    s = Settings()
    assert s.seeds_dir == REPO / "seeds" and (s.seeds_dir / "articles").is_dir()
    assert s.evals_dir == REPO / "evals" and (s.evals_dir / "thresholds.yaml").is_file()
    assert s.datasets_dir == REPO.parent / "shared" / "datasets"


def _eval(tmp_path: Path) -> int:
    out = str(tmp_path / "eval")
    return main(["eval", "--out", out, "--backend", "fake", "--no-baseline", "--quiet"])


def test_eval_reads_the_seeds_from_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "my-seeds"
    (elsewhere / "articles").mkdir(parents=True)
    monkeypatch.setenv("RASHOMON_SEEDS_DIR", str(elsewhere))
    assert _eval(tmp_path) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "no seed articles" in err and str(elsewhere / "articles") in err


def test_eval_reads_the_thresholds_from_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RASHOMON_EVALS_DIR", str(tmp_path / "no-evals"))
    assert _eval(tmp_path) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "thresholds file not found" in err and str(tmp_path / "no-evals") in err


def test_labels_check_reads_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert labels.main(["--check"]) == 0
    assert "labels.yaml:" in capsys.readouterr().out
    monkeypatch.setenv("RASHOMON_SEEDS_DIR", str(tmp_path))
    assert labels.main(["--check"]) == 1
    assert str(tmp_path) in capsys.readouterr().err
    assert labels.main(["--schema"]) == 0
    assert (tmp_path / labels.SCHEMA_FILE).is_file()
