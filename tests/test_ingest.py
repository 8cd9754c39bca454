"""Ingestion: file checks, encodings, HTML reduction, in-memory cleaning, duplicate detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import InputError
from service.schemas import ArticleIn
from service.text.ingest import (
    check_duplicates,
    clean_article,
    looks_like_html,
    read_article_file,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "articles"
SEED_001 = SEEDS / "001_9ad1508cea7ab194.txt"
LIMIT = 200_000


def _html_page() -> str:
    lines = [x for x in SEED_001.read_text(encoding="utf-8").splitlines() if x.strip()]
    paras = "".join(f"<p>{x}</p>\n" for x in lines[1:])
    nav = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(15))
    return (
        "<!DOCTYPE html><html><head><title>France denies talks</title></head><body>"
        f"<header><nav><ul>{nav}</ul></nav></header>"
        f"<main><article><h1>{lines[0]}</h1>{paras}</article></main>"
        "<footer><p>Subscribe to our newsletter</p><p>Cookie policy | Privacy</p></footer>"
        "</body></html>"
    )


def test_seed_file_kept_exactly(tmp_path: Path) -> None:
    article = read_article_file(SEED_001, max_bytes=LIMIT)
    assert article.text == SEED_001.read_text(encoding="utf-8")
    assert article.origin == str(SEED_001)
    assert article.title is None
    assert article.outlet == "AFP"  # from its "© Copyright AFP 2024" line


def test_crlf_normalised_and_bom_stripped(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfTitle line\r\nFirst sentence. Second.\r\n")
    assert read_article_file(path, max_bytes=LIMIT).text == "Title line\nFirst sentence. Second.\n"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError, match="file not found") as err:
        read_article_file(path, max_bytes=LIMIT)
    assert str(path) in str(err.value)
    assert err.value.source == str(path)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_article_file(tmp_path, max_bytes=LIMIT)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4\n\x00\x01\x02\x03 binary stream \x00\xff")
    with pytest.raises(InputError, match="binary"):
        read_article_file(path, max_bytes=LIMIT)


def test_control_heavy_file_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(bytes(range(1, 9)) * 20 + b"some text")
    with pytest.raises(InputError, match="binary"):
        read_article_file(path, max_bytes=LIMIT)


def test_latin1_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Le ministère a démenti.".encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8") as err:
        read_article_file(path, max_bytes=LIMIT)
    assert "iconv -f latin1 -t utf-8" in str(err.value)
    assert "\n" not in str(err.value)


def test_utf16_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Paris denied it.".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        read_article_file(path, max_bytes=LIMIT)


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="empty"):
        read_article_file(path, max_bytes=LIMIT)


def test_huge_text_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"word " * 1000)
    with pytest.raises(InputError, match="RASHOMON_MAX_ARTICLE_BYTES") as err:
        read_article_file(path, max_bytes=1000)
    assert "1,000 bytes" in str(err.value)


def test_huge_html_file_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_bytes(b"<p>x</p>" * 2000)
    with pytest.raises(InputError, match="over the limit"):
        read_article_file(path, max_bytes=1000)


def test_html_file_reduced_to_article(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(_html_page(), encoding="utf-8")
    article = read_article_file(path, max_bytes=LIMIT)
    assert "Readiness for dialogue on Ukraine was noted." in article.text
    assert "Lavrov regularly travels to G20 meetings" in article.text
    for boilerplate in ("Section 3", "Subscribe", "Cookie", "<p>"):
        assert boilerplate not in article.text
    assert article.title


def test_html_sniffed_in_txt_file(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(_html_page(), encoding="utf-8")
    article = read_article_file(path, max_bytes=LIMIT)
    assert "<" not in article.text
    assert "Shoigu" in article.text


def test_html_without_article_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title></head><body><nav></nav></body></html>")
    with pytest.raises(InputError, match="no extractable article text"):
        read_article_file(path, max_bytes=LIMIT)


def test_looks_like_html() -> None:
    assert looks_like_html("<!doctype html><p>x</p>")
    assert looks_like_html("<p>One.</p><p>Two.</p><p>Three.</p>")
    assert not looks_like_html(SEED_001.read_text(encoding="utf-8"))
    assert not looks_like_html("The tag <p> marks a paragraph in HTML, the editor said.")


def test_clean_article_plain_text() -> None:
    article = ArticleIn(text="\ufeffTitle\r\nBody text here.", outlet="AFP", origin="req[0]")
    cleaned = clean_article(article, max_bytes=LIMIT)
    assert cleaned.text == "Title\nBody text here."
    assert cleaned.outlet == "AFP"
    assert cleaned.origin == "req[0]"


def test_clean_article_html() -> None:
    cleaned = clean_article(ArticleIn(text=_html_page(), origin="req[1]"), max_bytes=LIMIT)
    assert "Readiness for dialogue on Ukraine was noted." in cleaned.text
    assert "Subscribe" not in cleaned.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   \n ", "empty"),
        ("abc\x00def", "binary"),
        ("x" * 2000, "RASHOMON_MAX_ARTICLE_BYTES"),
    ],
)
def test_clean_article_rejects(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        clean_article(ArticleIn(text=text, origin="batch:7"), max_bytes=1000)
    assert str(err.value).startswith("batch:7: ")


def test_check_duplicates() -> None:
    seed = SEED_001.read_text(encoding="utf-8")
    near = seed.replace("Wednesday", "Thursday", 1)
    other = (SEEDS / "000_df49b81ec52edcc4.txt").read_text(encoding="utf-8")
    articles = [
        ArticleIn(text=seed),
        ArticleIn(text=other),
        ArticleIn(text="  " + seed.replace("\n", "\n\n")),  # identical after whitespace
        ArticleIn(text=near),
        ArticleIn(text="Short one."),
    ]
    assert check_duplicates(articles) == [(0, 2), (0, 3), (2, 3)]
    assert check_duplicates([]) == []
    assert check_duplicates([ArticleIn(text="a b"), ArticleIn(text="a  b")]) == [(0, 1)]
