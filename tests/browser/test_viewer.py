"""The web viewer end to end: `rashomon serve` (fake backend) in a subprocess, Debian's chromium
driven by Playwright. Skipped when playwright or /usr/bin/chromium is missing."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.render.html import build_view
from service.schemas import Reconciliation
from tests.browser.chromium import chromium_page, requirements
from tests.builders import reconcile_seeds
from tests.conftest import REPO, SEEDS

SCREENSHOT = REPO / "test-output" / "viewer.png"

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as r:
        return bytes(r.read())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    reason = requirements()
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
    with chromium_page(viewport={"width": 1400, "height": 1000}) as page:
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
        assert cites
        for cite in cites:
            assert cite["text"] is not None, f"citation target #{cite['id']} missing"
            assert cite["text"] == claims[cite["claim"]]["evidence"][0]["text"], cite
        # Each difference as a question, one answer per side and party, as the page shows it.
        disputed = [g for g in rec["groups"] if g["status"] == "disputed"]
        assert page.locator("#differences .question").count() == len(disputed)
        view = build_view(Reconciliation.model_validate(rec))
        answers = sum(len(q.answers) for q in (*view.questions, *view.within))
        assert page.locator("#differences .side").count() == answers
        # Nothing for developers in the visible text; the title names the event.
        visible = page.inner_text("#result-body")
        assert not re.search(r"\bS\d+\.C\d+\b", visible) and "RASHOMON_" not in visible
        assert page.title().endswith(" · Rashomon")
        assert page.title().removesuffix(" · Rashomon") not in [s["title"] for s in rec["sources"]]
        # the result's ids do not clash with the viewer's own (one document)
        dupes = page.evaluate(
            """() => { const seen = {}; for (const e of document.querySelectorAll('[id]'))
                seen[e.id] = (seen[e.id] || 0) + 1;
                return Object.keys(seen).filter(k => seen[k] > 1); }"""
        )
        assert dupes == []
        assert page.locator("#bars .outlet-row").count() == len(rec["accounts"])
        # Who asserts a claim is visible text next to the highlight, not only a tooltip,
        # and the highlight takes keyboard focus and is described by that text.
        first = page.locator("#sources mark.ev").first
        assert first.get_attribute("tabindex") == "0"
        label = page.locator("#" + (first.get_attribute("aria-describedby") or "missing"))
        assert label.locator(".who").first.inner_text().strip()
        assert label.is_visible()
        # Text from the request is shown as text, never parsed as markup.
        assert page.locator("#source-S2 h4 b").count() == 0
        assert "AFP <b>wire</b>" in page.locator("#source-S2 h4").inner_text()
        # The form folds away after a run; progress ends at 100 and is announced politely.
        assert page.evaluate("document.getElementById('input-panel').open") is False
        assert page.get_attribute("#progress", "aria-valuenow") == "100"
        assert page.get_attribute("#status-text", "aria-live") == "polite"
        assert page.get_attribute("#problem", "role") == "alert"
        assert "Job" not in page.inner_text("#status-text")
        # Every form control has a label (not a placeholder).
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input, textarea, select')]
                .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                .map(e => e.id || e.name)"""
        )
        assert unlabelled == []
        assert page.locator("[placeholder]").count() == 0
        assert not errors, errors

        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        page.locator("#sources").screenshot(path=str(SCREENSHOT.with_name("viewer-sources.png")))


@pytest.fixture
def saved_result(tmp_path: Path) -> Path:
    return reconcile_seeds(tmp_path / "rec")


@pytest.mark.parametrize("how", ["picker", "drop"])
def test_viewer_opens_a_saved_reconciliation(server: str, saved_result: Path, how: str) -> None:
    rec = json.loads(saved_result.read_text(encoding="utf-8"))
    with chromium_page(viewport={"width": 390, "height": 844}) as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/")
        if how == "picker":
            page.set_input_files("#result-file", str(saved_result))
        else:
            page.evaluate(
                """text => {
                    const dt = new DataTransfer();
                    dt.items.add(new File([text], 'reconciliation.json', {type: 'application/json'}));
                    for (const type of ['dragenter', 'dragover', 'drop']) {
                        document.body.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
                    }
                }""",
                saved_result.read_text(encoding="utf-8"),
            )
        page.wait_for_selector("#result:not([hidden])", timeout=10_000)
        assert page.locator("#sources article.source").count() == len(rec["sources"])
        assert page.locator("#bars .outlet-row").count() == len(rec["accounts"])
        assert "reconciliation.json" in page.inner_text("#result-meta")
        # 390 px, first screen: the event, and the first difference as a question.
        assert page.locator("#result-title").is_visible()
        first_q = page.locator("#differences .question h4").first
        page.evaluate("window.scrollTo(0, document.getElementById('result').offsetTop)")
        box = first_q.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844 * 1.5
        # 390 px: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not errors, errors
        if how == "picker":
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT.with_name("viewer-390.png")))


def test_viewer_rejects_a_json_that_is_not_a_result(server: str, tmp_path: Path) -> None:
    bad = tmp_path / "other.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    with chromium_page() as page:
        page.goto(server + "/")
        page.set_input_files("#result-file", str(bad))
        page.wait_for_selector("#problem:not([hidden])", timeout=10_000)
        assert "not a reconciliation" in page.inner_text("#problem")
        assert page.locator("#result").is_hidden()


@pytest.mark.parametrize(
    ("path", "ready"),
    [("/docs", ".swagger-ui .info"), ("/redoc", "redoc-wrapper, .api-content, h1")],
)
def test_api_docs_render_with_no_outside_requests(server: str, path: str, ready: str) -> None:
    with chromium_page() as page:
        outside: list[str] = []
        # Scripts, styles, fonts and data must come from this server. (ReDoc's footer
        # logo is an image on its own CDN: decorative, and simply missing offline.)
        page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith((server, "data:", "blob:")) or r.resource_type == "image"
                else outside.append(r.url)
            ),
        )
        page.goto(server + path)
        page.wait_for_selector(ready, timeout=20_000)
        assert "Rashomon" in page.inner_text("body")
        assert outside == []


def test_viewer_loads_files_and_the_server_names_the_outlets(server: str) -> None:
    """Files loaded with the picker go up with their file name as `origin`; the server names
    the outlets: AFP from the copyright line, 'Source 1' for an unreadable file name."""
    with chromium_page(viewport={"width": 390, "height": 844}) as page:
        page.goto(server + "/")
        page.set_input_files("#files", [str(p) for p in SEEDS[:2]])
        # Polled from Python: a string predicate is eval'd in the page, which the viewer's CSP
        # (script-src 'self') forbids once Playwright has to poll (a slow, loaded machine).
        boxes = page.locator("#articles textarea")
        for _ in range(200):
            if boxes.count() >= 2 and all(
                v.strip() for v in boxes.evaluate_all("t => t.map(x => x.value)")
            ):
                break
            page.wait_for_timeout(100)
        assert page.locator("#articles fieldset.article").count() == 2
        assert page.input_value("#articles fieldset.article >> nth=0 >> [name=outlet]") == ""
        page.click("#run")
        page.wait_for_selector("#result:not([hidden])", timeout=60_000)
        names = page.locator("#sources article.source h4").all_inner_texts()
        assert names == ["Source 1", "AFP"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_viewer_and_standalone_page_show_the_same_text(
    server: str, saved_result: Path, tmp_path: Path
) -> None:
    """One template: the viewer's result and reconciliation.html have the same text content
    for the same JSON."""
    from service.render.html import render_html
    from service.schemas import Reconciliation

    rec = Reconciliation.model_validate_json(saved_result.read_text(encoding="utf-8"))
    standalone = tmp_path / "reconciliation.html"
    standalone.write_text(render_html(rec), encoding="utf-8")
    text_js = (
        "() => document.getElementById('result-root').textContent.split(/\\s+/).join(' ').trim()"
    )
    with chromium_page(viewport={"width": 1440, "height": 900}) as page:
        page.goto(server + "/")
        page.set_input_files("#result-file", str(saved_result))
        page.wait_for_selector("#result:not([hidden])", timeout=10_000)
        viewer_text = page.evaluate(text_js)
        viewer_title = page.title()
        # bar widths arrive as data and are applied through the CSSOM (the CSP forbids inline)
        widths = page.eval_on_selector_all("#bars .seg", "s => s.map(e => e.style.width)")
        assert widths and all(w.endswith("%") for w in widths)
        page.goto(standalone.as_uri())
        page_text = page.evaluate(text_js)
        assert page.title() == viewer_title
    assert viewer_text and viewer_text == page_text


def test_viewer_opens_a_batch_line(server: str, saved_result: Path, tmp_path: Path) -> None:
    """A results.jsonl line wraps the result with the event's id and name: the viewer shows
    the result inside."""
    rec = json.loads(saved_result.read_text(encoding="utf-8"))
    line = tmp_path / "event.json"
    line.write_text(json.dumps({"event_id": "e1", "name": "x", "reconciliation": rec}))
    with chromium_page() as page:
        page.goto(server + "/")
        page.set_input_files("#result-file", str(line))
        page.wait_for_selector("#result:not([hidden])", timeout=10_000)
        assert page.locator("#sources article.source").count() == len(rec["sources"])
        assert page.locator("#problem").is_hidden()
