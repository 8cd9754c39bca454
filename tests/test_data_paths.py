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


@pytest.mark.parametrize(
    ("variable", "folder", "error"),
    [
        ("RASHOMON_SEEDS_DIR", "my-seeds", "no seed articles"),  # an empty seeds folder
        ("RASHOMON_EVALS_DIR", "no-evals", "thresholds file not found"),
    ],
)
def test_eval_reads_its_data_from_the_settings(
    variable: str,
    folder: str,
    error: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "my-seeds" / "articles").mkdir(parents=True)
    monkeypatch.setenv(variable, str(tmp_path / folder))
    out = str(tmp_path / "eval")
    code = main(["eval", "--out", out, "--backend", "fake", "--no-baseline", "--quiet"])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert error in err and str(tmp_path / folder) in err


def test_labels_check_reads_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["labels", "check"]) == 0
    assert "labels.yaml:" in capsys.readouterr().out
    monkeypatch.setenv("RASHOMON_SEEDS_DIR", str(tmp_path))
    assert main(["labels", "check"]) == EXIT_INPUT
    assert str(tmp_path) in capsys.readouterr().err
    assert main(["labels", "schema"]) == 0
    assert (tmp_path / labels.SCHEMA_FILE).is_file()
