"""reconciliation.html: rendered from a Reconciliation, self-contained, escaped, accessible."""

from __future__ import annotations

import asyncio
import re
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import pytest

from service.config import Settings
from service.render.html import build_view, render_html
from service.runner import reconcile_files
from service.schemas import (
    Asserter,
    AsserterKind,
    Claim,
    ClaimGroup,
    ClaimKind,
    GroupStatus,
    Quote,
    Reconciliation,
    Side,
    SourceAccount,
    Span,
    Summary,
    SummaryKind,
    SummarySentence,
)
from tests import builders
from tests.conftest import REPO, SEEDS

TEMPLATES = REPO / "service" / "render" / "templates"


@pytest.fixture(scope="module")
def seed_rec(tmp_path_factory: pytest.TempPathFactory) -> Reconciliation:
    cache = tmp_path_factory.mktemp("cache")
    settings = Settings(backend="fake", cache_enabled=False, cache_dir=cache)
    return asyncio.run(reconcile_files(SEEDS, settings))


def _tiny(
    text_a: str, text_b: str, *, outlet_a: str = "Wire A", lead: bool = False
) -> Reconciliation:
    def claim(cid: str, text: str, kind: ClaimKind, who: str) -> Claim:
        whole = Span(start=0, end=len(text), text=text)
        return builders.claim(
            cid, cid[:2], f"{who} claim {cid}", who, kind, evidence=whole, sentence_ids=[0]
        )

    a = claim("S1.C1", text_a, ClaimKind.attributed_claim, "Moscow")
    b = claim("S2.C1", text_b, ClaimKind.denial, "Paris")
    sentences = [
        SummarySentence(
            text="Moscow and Paris <disagree> about the call.",
            kind=SummaryKind.disputed,
            claim_ids=["S1.C1", "S2.C1"],
            source_ids=["S1", "S2"],
            group_id="G1",
            written_by="template",
        )
    ]
    if lead:
        fields = {
            "text": "Russia and France gave opposite accounts of a phone call.",
            "claim_ids": ["S1.C1"],
            "source_ids": ["S1"],
            "written_by": "model",
        }
        try:
            first = SummarySentence(kind=SummaryKind("lead"), **fields)
        except ValueError:  # SummaryKind.lead not in the schema yet: stand in for it
            first = SummarySentence.model_construct(kind=SimpleNamespace(value="lead"), **fields)
        sentences.insert(0, first)
    q_start = text_b.index("<")
    return Reconciliation(
        backend="fake",
        model="fake",
        sources=[
            builders.source("S1", outlet_a, text_a),
            builders.source("S2", "Paper <B>", text_b),
        ],
        accounts=[
            SourceAccount(source_id="S1", outlet=outlet_a, claims=[a], editorial=[], quotes=[]),
            SourceAccount(
                source_id="S2",
                outlet="Paper <B>",
                claims=[b],
                editorial=[],
                quotes=[
                    Quote(
                        quote_id="S2.Q1",
                        source_id="S2",
                        start=q_start,
                        end=q_start + 8,
                        text=text_b[q_start : q_start + 8],
                    )
                ],
            ),
        ],
        groups=[
            ClaimGroup(
                group_id="G1",
                status=GroupStatus.disputed,
                point="Who asked for the call",
                claim_ids=["S1.C1", "S2.C1"],
                source_ids=["S1", "S2"],
                sides=[
                    Side(
                        version="France asked for it",
                        claim_ids=["S1.C1"],
                        holders=["Moscow"],
                        source_ids=["S1"],
                    ),
                    Side(
                        version="Russia asked for it",
                        claim_ids=["S2.C1"],
                        holders=["Paris", "the outlet"],
                        source_ids=["S2"],
                    ),
                ],
                how_formed="test",
            )
        ],
        summary=Summary(sentences=sentences),
        steps=[],
    )


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: list[str] = []
        self.headings: list[str] = []
        self.inputs: list[dict[str, str | None]] = []
        self.labels_for: set[str] = set()
        self.label_depth = 0
        self.inputs_in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("src", "href", "action", "srcset", "data"):
            if a.get(key):
                self.urls.append(str(a[key]))
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(tag)
        if tag == "label":
            self.label_depth += 1
        if tag in ("input", "select", "textarea"):
            self.inputs.append(a)
            if self.label_depth:
                self.inputs_in_label += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1


def _collect(page: str) -> _Collector:
    c = _Collector()
    c.feed(page)
    return c


def test_renders_the_seed_reconciliation(seed_rec: Reconciliation) -> None:
    page = render_html(seed_rec)
    assert page.startswith("<!doctype html>")
    assert '<html lang="en">' in page and 'name="viewport"' in page
    # overview first: coverage, disputes, the view from, then the articles
    order = [page.index(f'id="{s}"') for s in ("coverage", "disputes", "view-from", "articles")]
    assert order == sorted(order)
    for source in seed_rec.sources:
        assert f'id="source-{source.source_id}"' in page
    assert "AFP" in page
    # one bar per outlet, with its counts written out
    assert page.count('class="outlet-row"') == len(seed_rec.accounts)
    view = build_view(seed_rec)
    for row in view.coverage:
        n_omits = len(next(a for a in seed_rec.accounts if a.source_id == row.source_id).omits)
        assert row.left_out == n_omits
        assert row.agreed + row.disputed + row.only_here == sum(
            1 for g in seed_rec.groups if row.source_id in g.source_ids
        )
    # disputes as "X says ..." with each side's version
    disputed = [g for g in seed_rec.groups if g.status is GroupStatus.disputed]
    assert page.count('class="side"') == sum(len(g.sides) for g in disputed)
    # every claim with evidence has a focusable highlight and a visible label naming the asserter
    collected = _collect(page)
    ids = set(collected.ids)
    for claim in seed_rec.all_claims():
        href = f"span-{claim.source_id}-{claim.evidence[0].start}-{claim.evidence[0].end}"
        assert href in ids, claim.claim_id
    assert page.count('tabindex="0"') >= 1
    assert 'class="who"' in page
    # ids are unique; headings start at h1 and never skip a level
    assert len(ids) == len(collected.ids)
    levels = [int(h[1]) for h in collected.headings]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in pairwise(levels))
    # every form control is labelled
    assert collected.inputs and collected.inputs_in_label == len(collected.inputs)


def test_no_external_urls(seed_rec: Reconciliation) -> None:
    page = render_html(seed_rec)
    collected = _collect(page)
    assert collected.urls
    assert all(u.startswith("#") for u in collected.urls), collected.urls
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "@import" not in page and "url(" not in page


def test_inlines_its_own_styles_then_the_shared_result_styles(seed_rec: Reconciliation) -> None:
    page = render_html(seed_rec)
    style = page[page.index("<style>") : page.index("</style>")]
    own = (TEMPLATES / "reconciliation.css").read_text(encoding="utf-8")
    shared = (TEMPLATES / "result.css").read_text(encoding="utf-8")
    # page rules first: `.badge` (shared) must win over `.lead` (the page's) on a lead badge
    assert own.strip() in style and shared.strip() in style
    assert style.index(own.strip()) < style.index(shared.strip())


def test_escapes_html_in_article_text_and_names() -> None:
    evil_a = 'Moscow said France asked for the call. <script>alert("x")</script> & more.'
    evil_b = 'Paris denied it: "<img src=x onerror=alert(1)>" was all it said.'
    page = render_html(_tiny(evil_a, evil_b, outlet_a='<b onmouseover="x">Wire</b>'))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more." in page
    assert "<img" not in page and "&lt;img src" in page and "onerror=alert(1)&gt;" in page
    assert "<b onmouseover" not in page and "&lt;b onmouseover=" in page
    assert "Paper &lt;B&gt;" in page
    assert "Moscow and Paris &lt;disagree&gt;" in page
    assert page.count("<script>") == 1  # only the page's own inline script


def test_dispute_sides_read_as_who_says_what() -> None:
    page = render_html(_tiny("Moscow said France asked. <x>", "Paris denied. <y> end"))
    text = re.sub(r"<[^>]+>", "", page)
    text = " ".join(text.split())
    assert "Moscow says: France asked for it" in text
    assert "Paris says: Russia asked for it" in text
    assert "as reported by Wire A" in text


def test_lead_sentence_is_shown_when_present() -> None:
    page = render_html(_tiny("Moscow said it. <a>", "Paris said no. <b>", lead=True))
    assert '<p class="lead" id="lead">Russia and France gave opposite accounts' in page
    # the lead is not repeated in the full summary
    assert page.count("Russia and France gave opposite accounts") == 1


def test_renders_without_a_lead() -> None:
    page = render_html(_tiny("Moscow said it. <a>", "Paris said no. <b>"))
    assert 'class="lead"' not in page
    assert "2 outlets compared" in page


def test_reconcile_cli_writes_the_html(tmp_path: Path) -> None:
    from service.cli import main

    out = tmp_path / "out"
    code = main(["reconcile", *map(str, SEEDS), "--out", str(out), "--backend", "fake", "--quiet"])
    assert code == 0
    page = (out / "reconciliation.html").read_text(encoding="utf-8")
    assert "The articles, side by side" in page


def test_label_names_the_speaker_when_the_schema_has_one() -> None:
    from service.render.html import who_asserts

    ministry = Asserter(name="Russian defence ministry", kind=AsserterKind.institution)
    outlet = Asserter(name="the outlet", kind=AsserterKind.outlet)
    shoigu = Asserter(name="Shoigu", kind=AsserterKind.person)
    claim = SimpleNamespace(asserter=ministry, speaker=shoigu)
    assert who_asserts(claim, "AFP") == "Shoigu, via Russian defence ministry"  # type: ignore[arg-type]
    claim = SimpleNamespace(asserter=outlet, speaker=shoigu)
    assert who_asserts(claim, "AFP") == "Shoigu"  # type: ignore[arg-type]
    claim = SimpleNamespace(asserter=outlet, speaker=None)
    assert who_asserts(claim, "AFP") == "AFP, in its own voice"  # type: ignore[arg-type]
    claim = SimpleNamespace(
        asserter=ministry,
        speaker=Asserter(name="Russian Defense Ministry", kind=AsserterKind.institution),
    )
    assert who_asserts(claim, "AFP") == "Russian defence ministry"  # type: ignore[arg-type]
