"""Outlet names: HTML metadata, then a copyright/dateline/byline line, then a readable file
name, then "Source N"; and the CLI's --outlet count check."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.cli import EXIT_INPUT, main
from service.config import Settings
from service.pipeline.sources import prepare_sources
from service.schemas import ArticleIn
from service.text.ingest import clean_article, read_article_file
from service.text.outlets import (
    fallback_outlet,
    outlet_from_filename,
    outlet_from_html,
    outlet_from_text,
)
from tests.conftest import SEEDS

LIMIT = 200_000
BODY = (
    "<p>Russia said its defence minister spoke to his French counterpart on Wednesday about "
    "possible talks on the war in Ukraine, a claim that Paris immediately denied.</p>"
    "<p>The French ministry said the call had been about the Moscow attack and nothing else, "
    "and that France would keep supporting Ukraine for as long as necessary.</p>"
)


def _page(head: str) -> str:
    return f"<!doctype html><html><head><title>Call</title>{head}</head><body><article>{BODY}</article></body></html>"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="og:site_name" content="Le Monde">', "Le Monde"),
        ('<meta name="application-name" content="BBC News">', "BBC News"),
        ('<meta name="publisher" content="Reuters">', "Reuters"),
        (
            '<meta name="publisher" content="Reuters">'
            '<meta property="og:site_name" content="Reuters.com">',
            "Reuters.com",
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
            '{"@type": "Organization", "name": "The Associated Press"}}</script>',
            "The Associated Press",
        ),
        ('<meta property="og:site_name" content="https://example.com/">', None),
        ("", None),
    ],
)
def test_outlet_from_html_metadata(head: str, expected: str | None) -> None:
    assert outlet_from_html(_page(head)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Body of the story.\n© Copyright AFP 2024. All rights reserved.", "AFP"),
        (
            "Story.\nCopyright 2024 The Associated Press. All rights reserved.",
            "The Associated Press",
        ),
        ("Story.\n(c) 2023 Reuters", "Reuters"),
        (
            "Story.\nCopyright © 2024 Cable News Network, Inc. All Rights Reserved.",
            "Cable News Network",
        ),
        ("PARIS (AFP) - France denied on Thursday that it had discussed talks.", "AFP"),
        ("WASHINGTON, April 3 (Reuters) - The United States said on Wednesday...", "Reuters"),
        ("Headline\nBy Jane Doe | Reuters\nThe story begins here.", "Reuters"),
        # not outlets
        ("Shoigu told AFP that talks could start. Le Monde reported the call.", None),
        ("A photo.\n© AP Photo/Jeremy Bessat\nMore text.", None),
        ("The talks (which failed) - according to officials - ended.\nNo footer here.", None),
    ],
)
def test_outlet_from_text(text: str, expected: str | None) -> None:
    assert outlet_from_text(text) == expected


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("seeds/articles/000_df49b81ec52edcc4.txt", None),
        ("/tmp/x/001_9ad1508cea7ab194.txt", None),
        ("le_monde.html", "le monde"),
        ("03-reuters-2024-04-03.txt", "reuters"),
        ("Al Jazeera.html", "Al Jazeera"),
        ("6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b.txt", None),
        (None, None),
    ],
)
def test_outlet_from_filename(origin: str | None, expected: str | None) -> None:
    assert outlet_from_filename(origin) == expected


def test_fallback_outlet_numbers_from_one() -> None:
    assert fallback_outlet("000_df49b81ec52edcc4.txt", 0) == "Source 1"
    assert fallback_outlet("bbc.txt", 4) == "bbc"
    assert fallback_outlet(None, 2) == "Source 3"


def test_html_metadata_beats_copyright_line(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    html = _page('<meta property="og:site_name" content="France 24">').replace(
        "</article>", "<p>© Copyright AFP 2024. All rights reserved.</p></article>"
    )
    path.write_text(html, encoding="utf-8")
    assert read_article_file(path, max_bytes=LIMIT).outlet == "France 24"


def test_given_outlet_is_kept() -> None:
    article = ArticleIn(text="Story.\n© Copyright AFP 2024.", outlet="Wire")
    assert clean_article(article, max_bytes=LIMIT).outlet == "Wire"


def test_seed_sources_are_named_afp_and_source_1() -> None:
    articles = [read_article_file(p, max_bytes=LIMIT) for p in SEEDS]
    sources, _ = prepare_sources(articles, Settings(backend="fake"))
    assert [s.outlet for s in sources] == ["Source 1", "AFP"]


def test_unreadable_file_name_falls_back_to_source_number() -> None:
    articles = [
        ArticleIn(
            text="A first plain story about the call. It has two sentences.",
            origin="1_ab12cd34ef.txt",
        ),
        ArticleIn(
            text="Another story, different words entirely. Also two.", origin="reuters-copy.txt"
        ),
    ]
    sources, _ = prepare_sources(articles, Settings(backend="fake"))
    assert [s.outlet for s in sources] == ["Source 1", "reuters copy"]


@pytest.mark.parametrize("outlets", [["Only one"], ["A", "B", "C"]])
def test_cli_outlet_count_must_match_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], outlets: list[str]
) -> None:
    flags = [x for name in outlets for x in ("--outlet", name)]
    code = main(
        [
            "reconcile",
            *map(str, SEEDS),
            "--out",
            str(tmp_path / "o"),
            "--backend",
            "fake",
            "--quiet",
            *flags,
        ]
    )
    assert code == EXIT_INPUT
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"{len(outlets)} --outlet names for 2 files" in err
    assert not (tmp_path / "o").exists()
