"""The web viewer end to end: `rashomon serve` (fake backend) in a subprocess, Debian's chromium
driven by Playwright. Skipped when playwright or /usr/bin/chromium is missing."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = sorted((REPO / "seeds" / "articles").glob("*.txt"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = REPO / "test-output" / "viewer.png"

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def _requirements() -> str | None:
    if sync_playwright is None:
        return "playwright is not installed (pip install playwright; no `playwright install`)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if len(SEEDS) < 2:
        return "seed articles missing"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as r:
        return bytes(r.read())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    reason = _requirements()
    if reason:
        pytest.skip(reason)
    port = _free_port()
    env = {
        **os.environ,
        "RASHOMON_DB_PATH": str(tmp_path / "jobs.sqlite3"),
        "RASHOMON_CACHE_DIR": str(tmp_path / "cache"),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--backend",
            "fake",
            "--no-cache",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--fake-latency",
            "0.002",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(base + "/healthz")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"rashomon serve did not start:\n{out}")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def test_viewer_renders_seed_reconciliation(server: str) -> None:
    assert sync_playwright is not None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server + "/")
            boxes = page.locator("#articles fieldset.article")
            assert boxes.count() == 2
            outlets = ["Outlet A", "AFP <b>wire</b>"]
            for i, path in enumerate(SEEDS[:2]):
                boxes.nth(i).locator("[name=outlet]").fill(outlets[i])
                boxes.nth(i).locator("[name=text]").fill(path.read_text(encoding="utf-8"))
            page.click("#run")
            page.wait_for_selector("#result:not([hidden])", timeout=60_000)

            job_id = page.input_value("#job-id")
            job = json.loads(_get(f"{server}/v1/reconciliations/{job_id}"))
            assert job["status"] == "done"
            rec = job["result"]
            claims = {
                c["claim_id"]: c for a in rec["accounts"] for c in (*a["claims"], *a["editorial"])
            }

            assert page.locator("#sources mark.ev").count() > 0
            assert page.locator("#sources .quote").count() > 0
            assert page.locator("#sources article.source").count() == 2
            cites = page.eval_on_selector_all(
                "a.cite",
                """links => links.map(a => {
                    const id = a.getAttribute('href').slice(1);
                    const t = document.getElementById(id);
                    return {claim: a.dataset.claim, id, text: t ? t.textContent : null};
                })""",
            )
            n_cited = sum(len(s["claim_ids"]) for s in rec["summary"]["sentences"])
            assert len(cites) == n_cited > 0
            for cite in cites:
                assert cite["text"] is not None, f"citation target #{cite['id']} missing"
                assert cite["text"] == claims[cite["claim"]]["evidence"][0]["text"], cite
            # Disputes table and omissions come from the same result.
            n_disputed = sum(1 for g in rec["groups"] if g["status"] == "disputed")
            if n_disputed:
                assert page.locator("#disputes-table tbody tr").count() == sum(
                    len(g["sides"]) for g in rec["groups"] if g["status"] == "disputed"
                )
            # Hover text names the asserter.
            title = page.locator("#sources mark.ev").first.get_attribute("title") or ""
            assert "asserted by" in title
            # Text from the request is shown as text, never parsed as markup.
            assert page.locator("#source-S2 h3 b").count() == 0
            assert "AFP <b>wire</b>" in page.locator("#source-S2 h3").inner_text()
            assert not errors, errors

            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            page.locator("#sources").screenshot(
                path=str(SCREENSHOT.with_name("viewer-sources.png"))
            )
        finally:
            browser.close()
