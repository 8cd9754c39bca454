"""axe-core accessibility scan, run inside the page, of reconciliation.html and the viewer (empty
form, and a result), at 1440 px and 390 px: no serious or critical violations.

axe-core comes from npm: `npm install --no-save axe-core@4` in the checkout (or point
RASHOMON_AXE_JS at axe.min.js). Skipped when it is not there."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import chromium_page
from tests.browser.test_report_html import page_path
from tests.browser.test_viewer import saved_result, server
from tests.conftest import REPO

pytestmark = pytest.mark.browser
__all__ = ["page_path", "saved_result", "server"]  # fixtures used below


def _axe_js() -> Path | None:
    candidates = [os.environ.get("RASHOMON_AXE_JS"), REPO / "node_modules/axe-core/axe.min.js"]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


AXE = _axe_js()
skip_without_axe = pytest.mark.skipif(
    AXE is None, reason="axe-core not installed (npm install --no-save axe-core@4)"
)


def _serious(page: Any) -> list[str]:
    assert AXE is not None
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({[n['target'] for n in v['nodes'][:3]]})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@skip_without_axe
@pytest.mark.parametrize("width", [1440, 390])
def test_axe_reconciliation_html(page_path: Path, width: int) -> None:
    with chromium_page(viewport={"width": width, "height": 900}) as page:
        page.goto(page_path.as_uri())
        assert _serious(page) == []


@skip_without_axe
@pytest.mark.parametrize("width", [1440, 390])
def test_axe_viewer(server: str, saved_result: Path, width: int) -> None:
    # the viewer's CSP forbids injected scripts; the scan needs one
    with chromium_page(viewport={"width": width, "height": 900}, bypass_csp=True) as page:
        page.goto(server + "/")
        assert _serious(page) == []
        page.set_input_files("#result-file", str(saved_result))
        page.wait_for_selector("#result:not([hidden])", timeout=10_000)
        assert _serious(page) == []
