"""reconciliation.html in Debian's chromium: opened from file:// with the network blocked, no
horizontal scroll at 390 px, evidence reachable by keyboard. Skipped without playwright or
/usr/bin/chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.chromium import chromium_page, requirements
from tests.builders import reconcile_seeds
from tests.conftest import REPO

pytestmark = pytest.mark.browser
OUT = REPO / "test-output"


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = requirements()
    if reason:
        pytest.skip(reason)
    return reconcile_seeds(tmp_path_factory.mktemp("rec")).with_suffix(".html")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_report_page_fits_and_loads_nothing(page_path: Path, width: int, height: int) -> None:
    with chromium_page(viewport={"width": width, "height": height}) as page:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_path.as_uri())
        assert [u for u in requests if not u.startswith("file://")] == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator(".outlet-row").count() == 2
        if width <= 600:
            # on a phone the articles start folded; a citation opens the one it points into
            # and moves focus to the highlighted evidence
            assert page.evaluate(
                "[...document.querySelectorAll('details.atext')].every(d => !d.open)"
            )
            page.locator("#differences a.cite").first.click()
            page.wait_for_function("document.activeElement.tagName === 'MARK'", timeout=5_000)
            assert page.evaluate("document.activeElement.closest('details').open")
            reached = True
        else:
            # keyboard: tabbing reaches an evidence highlight
            reached = False
            for _ in range(300):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.tagName") == "MARK":
                    reached = True
                    break
        assert reached
        described = page.evaluate(
            "document.getElementById(document.activeElement.getAttribute('aria-describedby'))"
            ".textContent"
        )
        assert ":" in described  # 'reported fact: AFP, in its own voice' names who asserts it
        assert not re.search(r"\bS\d+\.C\d+\b", described)  # no claim id for readers
        # the label toggle hides and shows the asserter tags
        page.evaluate("document.querySelectorAll('details.atext').forEach(d => d.open = true)")
        page.check("#show-tags")
        page.uncheck("#show-tags")
        assert page.locator(".tags").first.is_hidden()
        assert not errors, errors
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / f"reconciliation-{width}.png"))
