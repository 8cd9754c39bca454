"""Browser tests: opt-in marker `browser` (registered here, not in pyproject)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Debian's chromium through Playwright against `rashomon serve`"
    )
