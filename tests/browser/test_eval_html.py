"""eval.html in Debian's chromium: no sideways scroll at 390 px, and the first screen (verdict,
cases, counts) starts in the first viewport. Skipped without playwright or /usr/bin/chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.cli import main
from tests.browser.chromium import chromium_page, requirements
from tests.conftest import REPO

pytestmark = pytest.mark.browser
OUT = REPO / "test-output"


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = requirements()
    if reason:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("eval")
    assert main(["eval", "--backend", "fake", "--quiet", "--no-cache", "--out", str(out)]) == 0
    return out / "eval.html"


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_eval_report_fits_and_leads_with_the_first_screen(
    report_path: Path, width: int, height: int
) -> None:
    with chromium_page(viewport={"width": width, "height": height}) as page:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report_path.as_uri())
        assert [u for u in requests if not u.startswith("file://")] == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # every element of the first screen fits the width too (nothing clipped sideways)
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('#first-screen *')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= width
        cases_top = page.locator("#cases").bounding_box()
        assert cases_top is not None and cases_top["y"] < height  # no scrolling to see it
        assert page.locator("table.glance tbody tr").count() >= 5
        assert "the baseline's tokens" in page.locator("#cost-ratio").inner_text()
        assert "kappa" in page.locator("#judge-agreement").inner_text()
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / f"eval-{width}.png"))
