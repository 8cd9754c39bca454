"""The real data sets beside the clone (`../shared/datasets`, BASIL and NeuS slices).

A test that needs them calls `require_shared(...)`. On a developer's machine without them the
test is skipped, saying so; when `CI` is set (CI=true, as CI services set it) the test fails
instead, so a CI run that lost its data cannot pass by skipping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_shared(*parts: str, root: Path | None = None) -> Path:
    """`../shared/datasets/<parts>`; skips the test when it is missing, or fails it in CI."""
    path = (root or SHARED_DATASETS).joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing (the real data sets live in ../shared/datasets)"
        if in_ci():
            pytest.fail(f"{message}; CI must provide them", pytrace=False)
        pytest.skip(message)
    return path
