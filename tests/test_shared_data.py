"""Tests that need ../shared/datasets skip without it on a developer's machine, fail in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import require_shared


def test_missing_shared_data_skips_outside_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="missing"):
        require_shared("basil", root=tmp_path)
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_shared("basil", root=tmp_path)


@pytest.mark.parametrize("value", ["true", "1", "True"])
def test_missing_shared_data_fails_loudly_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI must provide them"):
        require_shared("basil", root=tmp_path)


def test_present_shared_data_is_returned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    (tmp_path / "neus").mkdir()
    assert require_shared("neus", root=tmp_path) == tmp_path / "neus"
