"""reconciliation.html: rendered from a Reconciliation, self-contained, escaped, accessible."""

from __future__ import annotations

import asyncio
import gzip
import html
import json
import re
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import pytest

from service.config import Settings
from service.render.html import build_view, render_html, render_result
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
    Source,
    SourceAccount,
    Span,
    Summary,
    SummaryKind,
    SummarySentence,
)
from tests import builders
from tests.conftest import REPO, SEEDS
from tests.page_text import CLAIM_ID, DEVELOPER_TEXT, reader_text

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
    # first screen first: the differences, the agreed points; then coverage, the articles
    sections = ("differences", "agreed", "coverage", "outlets", "side-by-side", "summary")
    order = [page.index(f'id="{s}"') for s in sections]
    assert order == sorted(order)
    for source in seed_rec.sources:
        assert f'id="source-{source.source_id}"' in page
    assert "AFP" in page
    # one bar per outlet, with its counts written out
    assert page.count('class="outlet-row"') == len(seed_rec.accounts)
    view = build_view(seed_rec)
    for row in view.coverage:
        assert row.agreed + row.disputed + row.only_here == sum(
            1 for g in seed_rec.groups if row.source_id in g.source_ids
        )
    # each difference as a question, one answer per side and party (a party that holds two
    # sides is one side: _one_side_per_party)
    disputed = [g for g in seed_rec.groups if g.status is GroupStatus.disputed]
    assert page.count('class="question"') == len(disputed)
    answers = sum(len(q.answers) for q in (*view.questions, *view.within))
    assert page.count('class="side"') == answers <= sum(len(g.sides) for g in disputed)
    assert all(len(q.answers) >= 2 for q in (*view.questions, *view.within))
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


def test_no_external_loads(seed_rec: Reconciliation) -> None:
    rec = seed_rec.model_copy(deep=True)
    rec.sources[1].url = "https://example.org/afp-story"
    page = render_html(rec)
    collected = _collect(page)
    # the only link out is the outlet's own address, in the list of outlets
    assert [u for u in collected.urls if not u.startswith("#")] == ["https://example.org/afp-story"]
    assert not re.search(r"""src\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert 'rel="noopener noreferrer"' in page
    assert "@import" not in page and "url(" not in page


def test_inlines_its_own_styles_then_the_shared_result_styles(seed_rec: Reconciliation) -> None:
    page = render_html(seed_rec)
    style = page[page.index("<style>") : page.index("</style>")]
    own = (TEMPLATES / "reconciliation.css").read_text(encoding="utf-8")
    shared = (TEMPLATES / "result.css").read_text(encoding="utf-8")
    assert own.strip() in style and shared.strip() in style
    assert style.index(own.strip()) < style.index(shared.strip())


def test_escapes_html_in_article_text_and_names() -> None:
    evil_a = 'Moscow said France asked for the call. <script>alert("x")</script> & more.'
    evil_b = 'Paris denied it: "<img src=x onerror=alert(1)>" was all it said.'
    rec = _tiny(evil_a, evil_b, outlet_a='<b onmouseover="x">Wire</b>')
    for page in (render_html(rec), render_result(rec)):
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more." in page
        assert "<img" not in page and "&lt;img src" in page and "onerror=alert(1)&gt;" in page
        assert "<b onmouseover" not in page and "&lt;b onmouseover=" in page
        assert "Paper &lt;B&gt;" in page
        assert "Moscow and Paris &lt;disagree&gt;" in page
    assert render_html(rec).count("<script>") == 1  # only the page's own inline script
    assert "<script" not in render_result(rec)


def test_each_difference_reads_as_a_question_with_who_holds_each_answer() -> None:
    text = reader_text(render_html(_tiny("Moscow said France asked. <x>", "Paris denied. <y> end")))
    # no question in the result: the neutral fallback from the group's point
    assert "Accounts differ on: Who asked for the call" in text
    assert "Moscow per Wire A France asked for it" in text
    assert "Paris per Paper <B> Russia asked for it" in text
    rec = _tiny("Moscow said France asked. <x>", "Paris denied. <y> end")
    rec.groups[0].question = "Who asked for the call?"
    text = reader_text(render_html(rec))
    assert "Who asked for the call?" in text and "Accounts differ on" not in text


def test_versions_inside_one_article_are_not_shown_as_a_difference_between_outlets() -> None:
    """The page, the Markdown report and the summary share one rule (split_disputed): two
    versions inside one article are listed apart, never as a difference between outlets."""
    from service.render.markdown import render_markdown

    rec = _tiny("Moscow said France asked. <x>", "Paris denied. <y> end")
    view = build_view(rec)
    assert [q.group_id for q in view.questions] == ["G1"] and view.within == []
    inside = rec.model_copy(deep=True)
    claim = inside.accounts[1].claims[0]
    inside.accounts[1].claims = []
    inside.accounts[0].claims.append(
        claim.model_copy(update={"claim_id": "S1.C2", "source_id": "S1"})
    )
    g = inside.groups[0]
    g.claim_ids, g.source_ids = ["S1.C1", "S1.C2"], ["S1"]
    g.sides[1].claim_ids, g.sides[1].source_ids = ["S1.C2"], ["S1"]
    view = build_view(inside)
    assert view.questions == [] and [q.group_id for q in view.within] == ["G1"]
    text = reader_text(render_html(inside))
    assert "No differences were found between the outlets." in text
    assert "1 point where one article carries two versions" in text
    md = render_markdown(inside)
    assert "_No differences were found between the outlets._" in md
    assert "## Two versions inside one article" in md


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


# --------------------------------------------------------------------------- the 30-second test
# Over real pipeline output: the seeds (fake backend; and a run of the embedded model's Qwen2.5
# 1.5B through the shared llama.cpp server, outlets named "Partisan site (machine-translated)"
# and "AFP", saved in tests/fixtures/page/seeds-qwen.json.gz), and the BASIL and NeuS slices in
# tests/fixtures/datasets (fake backend).

FIXTURES = REPO / "tests" / "fixtures"


def _batch(tmp: Path, fmt: str, dump: Path) -> list[Reconciliation]:
    from service.cli import main

    out = tmp / fmt
    argv = ["batch", str(dump), "--format", fmt, "--out", str(out), "--backend", "fake"]
    assert main([*argv, "--no-cache", "--quiet", "--concurrency", "1"]) == 0
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [Reconciliation.model_validate(json.loads(line)["reconciliation"]) for line in lines]


@pytest.fixture(scope="module")
def real_results(
    seed_rec: Reconciliation, tmp_path_factory: pytest.TempPathFactory
) -> list[Reconciliation]:
    tmp = tmp_path_factory.mktemp("batch")
    qwen = gzip.decompress((FIXTURES / "page" / "seeds-qwen.json.gz").read_bytes())
    results = [seed_rec, Reconciliation.model_validate_json(qwen)]
    results += _batch(tmp, "basil", FIXTURES / "datasets" / "basil")
    results += _batch(tmp, "neus", FIXTURES / "datasets" / "neus" / "test.source")
    assert len(results) >= 5
    return results


def _older(rec: Reconciliation) -> Reconciliation:
    """The same result as an older JSON: the fields added since schema 1.2 removed."""
    data = json.loads(rec.model_dump_json())
    data["summary"].pop("headline", None)
    for g in data["groups"]:
        g.pop("question", None)
    for a in data["accounts"]:
        for c in (*a["claims"], *a["editorial"]):
            for key in ("source_span", "cue_span", "content_span", "rule_ids"):
                c.pop(key, None)
    return Reconciliation.model_validate(data)


def _title_and_h1(page: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert title and h1
    return html.unescape(title.group(1)), html.unescape(re.sub(r"<[^>]+>", "", h1.group(1)))


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", s.lower()).split())


def test_title_and_heading_never_an_outlets_headline(real_results: list[Reconciliation]) -> None:
    for rec in real_results:
        for r in (rec, _older(rec)):
            title, h1 = _title_and_h1(render_html(r))
            headlines = {_norm(s.title) for s in r.sources if s.title}
            assert _norm(h1) not in headlines, h1
            assert _norm(title.removesuffix(" · Rashomon")) == _norm(h1)
            assert h1.strip()
    # a summary headline equal to an outlet's headline (any case or punctuation) is not used
    rec = real_results[0].model_copy(deep=True)
    rec.summary.headline = (rec.sources[0].title or "").upper() + "!"
    assert _norm(_title_and_h1(render_html(rec))[1]) != _norm(rec.sources[0].title or "")
    rec.summary.headline = "Russia and France give opposite accounts of a ministers' call"
    assert _title_and_h1(render_html(rec))[1] == rec.summary.headline


def test_no_claim_id_template_or_setting_in_reader_text(real_results: list[Reconciliation]) -> None:
    for rec in real_results:
        for r in (rec, _older(rec)):
            page = render_html(r)
            text = reader_text(page)
            assert not CLAIM_ID.search(text), CLAIM_ID.search(text)
            assert not DEVELOPER_TEXT.search(text), DEVELOPER_TEXT.search(text)
            assert "also states it" not in text
            # the developer details keep what was taken out of the reader's text
            dev = page[page.index('<details class="dev"') :]
            assert CLAIM_ID.search(dev)
    warned = [r for r in real_results if any("RASHOMON_" in w.message for w in r.warnings)]
    assert warned, "the seeds' summary warning names a setting: the test must see one"


def test_viewer_and_page_show_the_same_text(real_results: list[Reconciliation]) -> None:
    for rec in real_results:
        for r in (rec, _older(rec)):
            page = reader_text(render_html(r), "result-root")
            fragment = reader_text(render_result(r), "result-root")
            assert page and page == fragment


def test_agreement_and_counts_read_correctly() -> None:
    from service.render.wording import join_names, plural, reader_note, unnest

    assert plural(1, "outlet") == "1 outlet" and plural(2, "outlet") == "2 outlets"
    assert join_names(["US", "Kyiv", "US"]) == "US and Kyiv"
    assert join_names(["A", "B", "C"]) == "A, B and C"
    note = "the summary covers 14 of 36 points; Raise RASHOMON_MAX_SUMMARY_POINTS to cover more"
    assert reader_note(note) == "the summary covers 14 of 36 points"
    assert reader_note("Raise RASHOMON_MAX_SUMMARY_POINTS.") is None
    assert unnest("X (as reported by Partisan site (machine-translated)): y") == (
        "X (as reported by Partisan site, machine-translated): y"
    )
    assert unnest("a (b) and (c)") == "a (b) and (c)"


def test_unnamed_outlet_gets_a_note_with_the_cli_hint(seed_rec: Reconciliation) -> None:
    assert any(s.outlet == "Source 1" for s in seed_rec.sources)
    text = reader_text(render_html(seed_rec))
    assert "Source 1: the outlet was not named" in text
    assert "--outlet NAME" in text
    named = seed_rec.model_copy(deep=True)
    for s in named.sources:
        s.outlet = "Wire " + s.source_id
    assert "--outlet NAME" not in reader_text(render_html(named))


def test_one_party_under_two_spellings_appears_once(real_results: list[Reconciliation]) -> None:
    view = build_view(real_results[0])
    names = [p.name for p in view.parties]
    assert len(names) == len(set(names))
    for q in view.questions:
        for a in q.answers:
            holders = [h for h, _ in a.holders]
            assert len(holders) == len(set(holders))
            assert not ({"Choïgu", "Shoigu"} <= set(holders))


async def test_render_route_returns_the_result_fragment(
    seed_rec: Reconciliation, tmp_path: Path
) -> None:
    """POST /v1/render: the viewer's way to the one template; same key as the other /v1
    routes, a typed 422 for a body that is not a result."""
    from pydantic import SecretStr

    from tests.api.conftest import running_app

    settings = Settings(
        backend="fake",
        cache_enabled=False,
        cache_dir=tmp_path / "cache",
        db_path=tmp_path / "jobs.sqlite3",
        service_api_key=SecretStr("k3y"),
    )
    body = seed_rec.model_dump(mode="json")
    async with running_app(settings) as client:
        assert (await client.post("/v1/render", json=body)).status_code == 401
        auth = {"Authorization": "Bearer k3y"}
        r = await client.post("/v1/render", json=body, headers=auth)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert 'id="result-root"' in r.text and "<script" not in r.text
        assert "<h1" not in r.text and '<h2 id="result-title"' in r.text  # the viewer has the h1
        assert reader_text(r.text) == reader_text(render_html(seed_rec), "result-root")
        bad = await client.post("/v1/render", json={"hello": 1}, headers=auth)
        assert bad.status_code == 422


def test_headline_names_who_most_articles_mention() -> None:
    from service.render.wording import neutral_headline

    rec = _tiny(
        "Officials said Angela Merkel met Emmanuel Macron in Berlin on Monday. Later, Merkel "
        "spoke to Wire A. <x>",
        "In Berlin, Chancellor Angela Merkel and President Emmanuel Macron met, and Macron's "
        "aides said little to Paper B. <y>",
    )
    assert neutral_headline(rec) == "Angela Merkel and Emmanuel Macron: how 2 outlets report it"
    rec.sources[0].published = "2019-03-04T10:00:00Z"
    assert neutral_headline(rec).startswith("Angela Merkel and Emmanuel Macron, 4 March 2019:")
    # nothing shared: the count alone, never one article's words
    rec = _tiny("Moscow said it. <a>", "Paris said no. <b>")
    assert neutral_headline(rec) == "How 2 outlets report it"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # an abbreviated title does not cut the name (NeuS, WSJ)
        ("Top aides to Gov. Andrew M. Cuomo were alarmed", ["Andrew M. Cuomo"]),
        # what stands before a title is a place or body (NeuS, BASIL)
        (
            "He met French President Emmanuel Macron and Kentucky Sen. Rand Paul",
            ["Emmanuel Macron", "Rand Paul"],
        ),
        ("a call to Representative Joe Sestak on Monday", ["Joe Sestak"]),
        # no piece of a longer token, no possessive mark (NeuS)
        ("minors crossing the U.S.-Mexico border", []),
        ("would infuse Americans' bank accounts", ["Americans"]),
        ("said Senate Majority Leader Harry Reid", ["Harry Reid"]),
    ],
)
def test_names_in_running_text(text: str, names: list[str]) -> None:
    from service.render.wording import _names_in

    assert _names_in(text) == names


def test_the_heading_never_repeats_the_lead() -> None:
    # Seeds: the lead's core was the whole lead, so heading and lead read the same sentence;
    # the heading then names the event's people instead.
    from service.render.wording import neutral_headline

    rec = _tiny(
        "Officials said Angela Merkel met Emmanuel Macron in Berlin on Monday. <x>",
        "Chancellor Angela Merkel and President Emmanuel Macron met in Berlin. <y>",
        lead=True,
    )
    rec.summary.headline = "Russia and France gave opposite accounts of a phone call"
    assert neutral_headline(rec) == "Angela Merkel and Emmanuel Macron: how 2 outlets report it"
    rec.summary.headline = "Russia and France gave accounts"  # a short core: the heading
    assert neutral_headline(rec) == "Russia and France gave accounts"


def test_timeline_and_outlet_details_only_when_the_articles_give_them(
    real_results: list[Reconciliation],
) -> None:
    qwen = real_results[1]  # the seeds: "on Wednesday", "April 2022", "October 2022", ...
    page = render_html(qwen)
    assert 'id="timeline"' in page
    view = build_view(qwen)
    placed = [t.day for t in view.timeline if t.day]
    assert placed == sorted(placed) and len(placed) >= 2
    # no dates in the text: no timeline, no empty section
    assert 'id="timeline"' not in render_html(_tiny("Moscow said it. <a>", "Paris said no. <b>"))
    # the outlets: name, headline, date and link when the input gives them
    rec = qwen.model_copy(deep=True)
    rec.sources[1].published = "2024-04-04"
    rec.sources[1].url = "https://example.org/afp"
    outlets = reader_text(render_html(rec)).split("The outlets", 1)[1][:400]
    assert re.search(r"AFP ?: France Denies Russian Claim", outlets)
    assert "2024-04-04" in outlets and "https://example.org/afp" in outlets


def test_display_merges_are_listed_with_their_rule_for_developers(
    real_results: list[Reconciliation],
) -> None:
    page = render_html(real_results[1])
    dev = page[page.index('<details class="dev"') :]
    assert "Choïgu → Sergei Shoigu (surname)" in dev
    # the reader sees one name for the party in the differences
    first_screen = reader_text(page).split("What the accounts agree on")[0]
    assert "Sergei Shoigu" in first_screen and "Choïgu per" not in first_screen


def test_a_party_holds_one_side_of_a_difference() -> None:
    # Seeds: "a source close to Lecornu" held two of three sides of one card.
    from service.render.html import Answer, _one_side_per_party

    def answer(text: str, *names: str, cite: int) -> Answer:
        return Answer(
            holders=[(n, "per AFP") for n in names],
            text=text,
            outlets="AFP",
            cites=[cite],  # type: ignore[list-item]
        )

    russia = answer("Readiness for dialogue was noted", "Russia's defence ministry", cite=1)
    france = answer(
        "France accepted nothing", "French officials", "a source close to Lecornu", cite=2
    )
    again = answer("deny that such a conversation took place", "a source close to Lecornu", cite=3)
    out = _one_side_per_party([russia, france, again])
    assert [a.text for a in out] == [russia.text, france.text]
    assert out[1].cites == [2, 3]
    # two sides, each its own party: both stay
    assert len(_one_side_per_party([russia, answer("No", "Paris", cite=4)])) == 2


def test_group_words_are_not_names() -> None:
    # NeuS: "Donald Trump and Americans" named the event by a nationality
    from service.render.wording import _group_words

    text = (
        "Americans' bank accounts. The American economy. Infowars said. Democrats and a Democrat."
    )
    assert _group_words(text) == {"Americans", "Democrats"}


def test_the_outlets_headlines_are_shown_attributed_when_they_differ() -> None:
    # NeuS: the headlines carry the framing raters listed as differences ("'Heroic'
    # parishioners end Texas church shootout", "After losing court battle, DeVos ...")
    from service.render.markdown import render_markdown

    rec = _tiny("Moscow said it. <a>", "Paris said no. <b>")
    rec.sources[0].title = "'Heroic' parishioners end Texas church shootout in 6 seconds"
    rec.sources[1].title = "Shooting at Texas Church Leaves 2 Parishioners Dead, Officials Say"
    text = reader_text(render_html(rec))
    assert "How each outlet headlines it" in text
    assert "“'Heroic' parishioners end Texas church shootout in 6 seconds”" in text
    assert "How each outlet headlines it: Wire A, “'Heroic' parishioners" in render_markdown(rec)
    # beside the summary, only headlines that say what the summary does not (NeuS, round 22:
    # "mechanical", "adds little"); the page's block keeps them all
    rec.summary.sentences[0].text = "Shooting at a Texas church leaves 2 parishioners dead."
    md = render_markdown(rec)
    assert (
        "Wire A headlines it: “'Heroic' parishioners" in md
        and "Shooting at Texas" not in md.split("headlines it")[1]
    )
    assert "Shooting at Texas Church Leaves 2" in reader_text(render_html(rec))
    rec.sources[1].title = rec.sources[0].title  # one headline: nothing to compare
    assert "How each outlet headlines it" not in reader_text(render_html(rec))
    rec.sources[1].title = None
    assert "How each outlet headlines it" not in render_markdown(rec)


def test_a_line_with_some_outlets_headlines_names_only_those() -> None:
    # BASIL round 22: "How each outlet headlines it" over two of three headlines read as
    # leaving the third out ("omits Fox News' headline")
    from service.render.wording import headlines_line

    titles = [
        "Beck rips progressivism at CPAC",
        "Glenn Beck tells conservatives they have a spending problem",
        "Bombastic Beck urges purity on the right",
    ]
    sources = [
        Source(
            source_id=f"S{n}", outlet=f"Wire {'ABC'[n - 1]}", text="Beck.", sentences=[], title=t
        )
        for n, t in enumerate(titles, 1)
    ]
    summary = "Glenn Beck told conservatives they have a spending problem."
    line = headlines_line(sources, summary)
    assert line == (
        "Wire A headlines it: “Beck rips progressivism at CPAC”; "
        "Wire C: “Bombastic Beck urges purity on the right”."
    )
    line = headlines_line(sources, "Beck spoke.")
    assert line is not None and line.startswith("How each outlet headlines it: Wire A, ")
