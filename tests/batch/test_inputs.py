"""Every input format, and bad records that are skipped with a failure line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from service.batch.grouping import group_by_similarity
from service.batch.inputs import InputOptions, detect_format, load_dump, parse_fields
from service.datasets import load_basil
from service.errors import ConfigError
from service.schemas import ArticleIn
from tests.shared_data import require_shared

from .helpers import article, write_jsonl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "datasets"


def test_dir_subdirectories_manifest_and_loose_files(tmp_path: Path) -> None:
    root = tmp_path / "dump"
    (root / "dam").mkdir(parents=True)
    (root / "dam" / "a.txt").write_text(article(0, "A"))
    (root / "dam" / "b.md").write_text(article(0, "B", 1))
    (root / "x.html").write_text(
        f"<html><head><title>Strike</title></head><body><article><p>{article(1, 'X')}</p>"
        "</article></body></html>"
    )
    (root / "y.txt").write_text(article(1, "Y", 1))
    (root / "z.txt").write_text(
        "Zoo keepers in Brant welcomed two panda cubs. Visitors queued for hours to see them."
    )
    (root / "m1.txt").write_text(article(3, "M"))
    (root / "m2.txt").write_text(article(4, "N"))
    (root / "manifest.csv").write_text(
        "file,event,outlet\nm1.txt,budget,Herald\nm2.txt,budget,Post\n"
    )
    (root / "empty.txt").write_text("   \n")
    (root / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    dump = load_dump(root, InputOptions())
    assert dump.format == "dir"
    by_grouping = {e.grouping: e for e in dump.events}
    assert len(by_grouping["sub-directory dam/"].articles) == 2
    budget = by_grouping["manifest manifest.csv: event 'budget'"]
    assert sorted(a.outlet or "" for a in budget.articles) == ["Herald", "Post"]
    similar = [e for e in dump.events if e.grouping.startswith("similarity")]
    sizes = sorted(len(e.articles) for e in similar)
    assert sizes == [1, 2]  # x.html + y.txt (same story), z.txt alone
    pair = next(e for e in similar if len(e.articles) == 2)
    assert {Path(a.origin or "").name for a in pair.articles} == {"x.html", "y.txt"}
    assert "<p>" not in pair.articles[0].text + pair.articles[1].text  # HTML reduced
    reasons = {Path(f.where).name: f.reason for f in dump.failures}
    assert set(reasons) == {"empty.txt", "latin1.txt"}
    assert "empty" in reasons["empty.txt"] and "UTF-8" in reasons["latin1.txt"]


def test_jsonl_custom_fields_and_bad_records(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    write_jsonl(path, 3, text_field="body", event_field="story_id")
    with path.open("ab") as fh:
        fh.write(b'{"body": "caf\xe9", "story_id": "s"}\n')  # not UTF-8
        fh.write(b'{"body": "unterminated\n')  # not JSON
        fh.write(b'["a list"]\n')
        fh.write(b'{"text": "wrong field name", "story_id": "s"}\n')
        fh.write(b'{"body": "   ", "story_id": "s"}\n')
        fh.write(json.dumps({"body": "word " * 400, "story_id": "s"}).encode() + b"\n")
        fh.write(b"\n")  # blank: ignored silently
        fh.write(json.dumps({"body": article(5, "Loose"), "title": "merger"}).encode() + b"\n")
    options = InputOptions(
        fields=parse_fields(["text=body", "event=story_id"]), max_article_bytes=1000
    )
    dump = load_dump(path, options)
    assert dump.format == "jsonl"
    keyed = [e for e in dump.events if e.grouping.startswith("jsonl field story_id=")]
    assert len(keyed) == 3 and all(len(e.articles) == 2 for e in keyed)
    assert any(e.grouping.startswith("similarity") for e in dump.events)  # the keyless record
    lines = sorted(int(f.where.rsplit(":", 1)[1]) for f in dump.failures)
    assert lines == [7, 8, 9, 10, 11, 12]
    text = " | ".join(f.reason for f in dump.failures)
    for expected in (
        "UTF-8",
        "not valid JSON",
        "not a JSON object",
        "missing text field",
        "empty",
        "over the limit",
    ):
        assert expected in text


def test_parse_fields_rejects_unknown_keys() -> None:
    with pytest.raises(ConfigError):
        parse_fields(["body=text"])


def test_basil_and_neus_through_the_dataset_loaders() -> None:
    basil = load_dump(FIXTURES / "basil", InputOptions())
    assert basil.format == "basil" and not basil.failures
    assert [e.event_id for e in basil.events] == [
        e.event_id for e in load_basil(FIXTURES / "basil")
    ]
    neus = load_dump(FIXTURES / "neus" / "test.source", InputOptions())
    assert neus.format == "neus" and neus.events and not neus.failures
    assert neus.events[0].grouping == "neus line 1"


def test_neus_bad_line_is_skipped(tmp_path: Path) -> None:
    lines = (FIXTURES / "neus" / "test.source").read_text().splitlines()
    path = tmp_path / "test.source"
    path.write_text("\n".join([lines[0], "garbage without records", *lines[1:]]) + "\n")
    dump = load_dump(path, InputOptions())
    assert len(dump.events) == len(lines)
    assert [f.where for f in dump.failures] == [f"{path}:2"]
    assert dump.events[1].grouping == "neus line 3"
    assert (dump.events[1].articles[0].origin or "").startswith(f"{path}:3:")


def test_basil_bad_file_is_skipped(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "basil"
    shutil.copytree(FIXTURES / "basil", root)
    bad = sorted((root / "articles").glob("*/*.json"))[0]
    bad.write_text("{ not json")
    dump = load_dump(root, InputOptions())
    assert [f.where for f in dump.failures] == [str(bad)]
    assert sum(len(e.articles) for e in dump.events) == 5
    assert all(str(root) in (a.origin or "") for e in dump.events for a in e.articles)


def _warc(path: Path, pages: list[tuple[str, str, bytes, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, status, body, ctype in pages:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)


DAM_A = (
    "The river dam near Orlen failed on Monday after heavy rain. Water flooded three "
    "villages, the regional governor said."
)
DAM_B = (
    "Heavy rain caused the Orlen river dam to fail on Monday. Three villages were flooded "
    "and residents fled, according to rescuers."
)
VOTE_A = (
    "Estria's parliament approved the new budget by a narrow vote on Thursday. The "
    "opposition called the spending plan reckless."
)
VOTE_B = (
    "Lawmakers in Estria passed the budget narrowly on Thursday after a long debate in "
    "parliament over spending."
)


def _page(title: str, text: str) -> bytes:
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>{text}</p></article></body></html>"
    ).encode()


def test_warc_manifest_clustering_and_bad_records(tmp_path: Path) -> None:
    pytest.importorskip("warcio")
    path = tmp_path / "crawl.warc.gz"
    _warc(
        path,
        [
            ("https://a.example/dam", "200 OK", _page("Dam fails", DAM_A), "text/html"),
            (
                "https://b.example/dam",
                "200 OK",
                _page("Dam failure", DAM_B),
                "text/html; charset=utf-8",
            ),
            ("https://c.example/vote", "200 OK", _page("Budget vote", VOTE_A), "text/html"),
            ("https://d.example/vote", "200 OK", _page("Budget passes", VOTE_B), "text/html"),
            ("https://e.example/gone", "404 Not Found", b"<html>gone</html>", "text/html"),
            ("https://f.example/bad", "200 OK", b"\xff\xfe\xfa bad", "text/html; charset=utf-8"),
            ("https://g.example/logo.png", "200 OK", b"\x89PNG", "image/png"),
        ],
    )
    assert detect_format(path) == "warc"
    clustered = load_dump(path, InputOptions())
    sizes = sorted(len(e.articles) for e in clustered.events)
    assert sizes == [2, 2]
    assert {a.outlet for e in clustered.events for a in e.articles} == {
        "a.example",
        "b.example",
        "c.example",
        "d.example",
    }
    assert all("<p>" not in a.text for e in clustered.events for a in e.articles)
    assert sorted(f.reason.split(";")[0].split(" (")[0] for f in clustered.failures) == [
        "HTTP 404",
        "cannot decode the page as utf-8",
    ]
    manifest = tmp_path / "urls.csv"
    manifest.write_text("url,event\nhttps://a.example/dam,e1\nhttps://c.example/vote,e1\n")
    by_manifest = load_dump(path, InputOptions(manifest=manifest))
    groupings = sorted(e.grouping.split(":")[0] for e in by_manifest.events)
    assert groupings[0] == "manifest urls.csv"
    assert len(by_manifest.events) == 3  # e1 = {a, c}; b and d unlisted: one each


def test_similarity_grouping_on_basil_recovers_the_triplets() -> None:
    events = load_basil(require_shared("basil"))
    truth = {a.text: e.event_id for e in events for a in e.articles}
    articles = [a for e in events for a in e.articles]
    groups = group_by_similarity(articles)
    pure = sum(len({truth[a.text] for a in g.articles}) == 1 for g in groups)
    assert pure == len(groups)  # no group mixes two events
    assert len(groups) <= 30


def test_similarity_window_splits_distant_dates() -> None:
    a = ArticleIn(text=article(0, "A"), title="Dam fails", published="2024-01-01")
    b = ArticleIn(text=article(0, "B"), title="Dam fails", published="2024-03-01")
    assert len(group_by_similarity([a, b])) == 2
    assert len(group_by_similarity([a, b], window_hours=24 * 90)) == 1
