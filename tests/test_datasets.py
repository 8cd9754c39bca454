"""Data-set loaders: BASIL and NeuS fixtures (copied real records) plus the full real sets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from service.datasets import (
    BiasSpan,
    Event,
    EventLabels,
    load_basil,
    load_basil_with_stats,
    load_neus,
    stable_event_id,
)
from service.errors import InputError
from service.schemas import ArticleIn
from tests.shared_data import SHARED_DATASETS, require_shared

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "datasets"
REAL = SHARED_DATASETS

# The two BASIL triplets in the fixtures (2010 one first: events are ordered by date).
FILIBUSTER = "ae243a95-b2c2-410c-9e2b-b083b4b8eb48"
WALMART = "2058ec60-5372-4f5f-83a3-da780be3a350"


def assert_grounded(events: list[Event]) -> None:
    for event in events:
        for span in event.labels.bias_spans:
            assert event.articles[span.article].text[span.start : span.end] == span.text


# --------------------------------------------------------------------------- events


def test_stable_event_id_is_order_independent_and_text_only() -> None:
    a, b = ArticleIn(text="one", outlet="X"), ArticleIn(text="two", outlet="Y")
    assert stable_event_id([a, b]) == stable_event_id([b, a])
    assert len(stable_event_id([a, b])) == 16
    assert stable_event_id([a, b]) == stable_event_id([a.model_copy(update={"outlet": "Z"}), b])
    assert stable_event_id([a, b]) != stable_event_id([ArticleIn(text="onetwo"), a])
    # Length prefixes: moving a boundary between texts changes the id.
    assert stable_event_id([ArticleIn(text="ab"), ArticleIn(text="c")]) != stable_event_id(
        [ArticleIn(text="a"), ArticleIn(text="bc")]
    )


def test_event_rejects_ungrounded_spans_and_unknown_fields() -> None:
    articles = [ArticleIn(text="The senator blasted the plan.")]
    ok = BiasSpan(article=0, start=12, end=19, text="blasted", bias="lex", quote=False)
    event = Event.build(
        name="x", articles=articles, grouping="test", labels=EventLabels(bias_spans=[ok])
    )
    assert event.event_id == stable_event_id(articles)
    bad = ok.model_copy(update={"start": 11})
    with pytest.raises(ValidationError, match="not at"):
        Event.build(name="x", articles=articles, grouping="t", labels=EventLabels(bias_spans=[bad]))
    with pytest.raises(ValidationError, match="names article 1"):
        Event.build(
            name="x",
            articles=articles,
            grouping="t",
            labels=EventLabels(bias_spans=[ok.model_copy(update={"article": 1})]),
        )
    with pytest.raises(ValidationError):
        Event.model_validate({**event.model_dump(), "extra": 1})
    with pytest.raises(ValidationError):
        BiasSpan(article=0, start=0, end=1, text="T", bias="other", quote=False)


# --------------------------------------------------------------------------- BASIL


def test_basil_fixture_events() -> None:
    events, stats = load_basil_with_stats(FIXTURES / "basil")
    assert [e.grouping for e in events] == [
        f"basil triplet-uuid {FILIBUSTER}",
        f"basil triplet-uuid {WALMART}",
    ]
    for event in events:
        assert len(event.articles) == 3
        assert {a.outlet for a in event.articles} == {"Fox News", "New York Times", "HuffPost"}
        assert event.event_id == stable_event_id(event.articles)
        for article in event.articles:
            assert article.title
            assert article.url
            assert article.published
            assert article.origin
            assert article.origin.endswith(".json")
            assert article.text == article.text.strip()
            assert all(line and line == line.strip() for line in article.text.split("\n"))
            assert "  " not in article.text
    # Walmart triplet: sources are upper-case ("NYT"/"FOX"/"HPO"); files _1.._3 in order.
    assert [a.outlet for a in events[1].articles] == ["New York Times", "Fox News", "HuffPost"]
    assert events[1].articles[0].published == "2011-03-29"
    assert events[1].name == "Walmart sex discrimination case goes to supreme court"

    # 21 annotated spans; the one labelling the HuffPost title is not in the body.
    assert stats.spans_total == 21
    assert stats.by_offset == 20
    assert stats.dropped == 1
    assert "Calling The Senate GOP" in stats.dropped_spans[0]
    assert stats.kept == sum(len(e.labels.bias_spans) for e in events)
    assert_grounded(events)


def test_basil_paragraphs_are_lines() -> None:
    path = FIXTURES / "basil" / "articles" / "2011" / f"{WALMART}_1.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    paragraphs = [p for p in raw["body-paragraphs"] if any(s.strip() for s in p)]
    text = load_basil(FIXTURES / "basil")[1].articles[0].text
    assert text.split("\n") == [" ".join(s.strip() for s in p if s.strip()) for p in paragraphs]


def test_basil_span_fields() -> None:
    spans = load_basil(FIXTURES / "basil")[0].labels.bias_spans
    assert {s.bias for s in spans} <= {"lex", "inf"}
    assert any(s.quote and s.speaker for s in spans)
    assert all(s.speaker is None for s in spans if not s.quote)
    assert all(0 <= s.article < 3 for s in spans)


def test_basil_limit_and_determinism() -> None:
    first = load_basil(FIXTURES / "basil", limit=1)
    assert [e.grouping for e in first] == [f"basil triplet-uuid {FILIBUSTER}"]
    assert load_basil(FIXTURES / "basil") == load_basil(FIXTURES / "basil")


def _copy_basil(tmp_path: Path) -> Path:
    root = tmp_path / "basil"
    shutil.copytree(FIXTURES / "basil", root)
    return root


def _edit_annotation(root: Path, stem: str, edit: dict[str, object]) -> str:
    path = next(root.glob(f"annotations/*/{stem}_ann.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    span = data["phrase-level-annotations"][0]
    span.update(edit)
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(span["txt"])


def test_basil_falls_back_to_search_then_drops(tmp_path: Path) -> None:
    root = _copy_basil(tmp_path)
    moved = _edit_annotation(root, f"{WALMART}_1", {"start": 9000, "end": 9010})
    _edit_annotation(root, f"{WALMART}_2", {"txt": "words in no article at all"})
    events, stats = load_basil_with_stats(root)
    assert stats.by_search + stats.by_search_ambiguous == 1
    assert stats.dropped == 2
    assert any(s.text == moved and s.article == 0 for s in events[1].labels.bias_spans)
    assert_grounded(events)


def test_basil_missing_annotation_is_counted(tmp_path: Path) -> None:
    root = _copy_basil(tmp_path)
    next(root.glob(f"annotations/*/{WALMART}_3_ann.json")).unlink()
    _, stats = load_basil_with_stats(root)
    assert stats.annotations_missing == 1


def test_basil_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no articles/"):
        load_basil(tmp_path)
    root = _copy_basil(tmp_path)
    path = next(root.glob(f"articles/*/{WALMART}_2.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "source": "bbc"}), encoding="utf-8")
    with pytest.raises(InputError, match="unknown source") as info:
        load_basil(root)
    assert info.value.source == str(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read"):
        load_basil(root)


# --------------------------------------------------------------------------- NeuS


def test_neus_fixture_events() -> None:
    src, tgt = FIXTURES / "neus" / "test.source", FIXTURES / "neus" / "test.target"
    events = load_neus(src, tgt)
    assert [e.grouping for e in events] == ["neus line 1", "neus line 2", "neus line 3"]
    for event in events:
        assert [a.outlet for a in event.articles] == ["Outlet A", "Outlet B", "Outlet C"]
        assert event.event_id == stable_event_id(event.articles)
        assert event.labels.reference_summary
        assert event.labels.reference_title
        assert event.name == event.labels.reference_title
        for article in event.articles:
            assert article.title
            assert not article.title.endswith(".")
            for marker in ("TITLE=>", "ARTICLE=>", "[SEP]"):
                assert marker not in article.text
                assert marker not in article.title
            assert article.text == article.text.strip()
    first = events[0]
    assert first.labels.reference_title == "Senate Democrats Accuse NRA of Becoming Russian Asset"
    assert first.labels.reference_summary is not None
    assert first.labels.reference_summary.startswith("A report released Friday")
    assert first.articles[2].title == "Dem Report: NRA Was 'Foreign Asset' for Russia"
    assert first.articles[0].origin == f"{src}:1:A"


def test_neus_without_target_and_limit() -> None:
    events = load_neus(FIXTURES / "neus" / "test.source", limit=2)
    assert len(events) == 2
    assert events[0].labels == EventLabels()
    assert events[0].name == events[0].articles[0].title


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = "TITLE=> A. ARTICLE=> a text [SEP] TITLE=> B. ARTICLE=> b text [SEP] TITLE=> C. ARTICLE=> c"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("", "blank line"),
        ("TITLE=> A. ARTICLE=> only one article", "1 article"),
        ("TITLE=> A. a text [SEP] TITLE=> B. ARTICLE=> b [SEP] TITLE=> C. ARTICLE=> c", "exactly"),
        (
            "TITLE=> A. ARTICLE=>  [SEP] TITLE=> B. ARTICLE=> b [SEP] TITLE=> C. ARTICLE=> c",
            "empty",
        ),
        (
            "ARTICLE=> x TITLE=> A. [SEP] TITLE=> B. ARTICLE=> b [SEP] TITLE=> C. ARTICLE=> c",
            "exactly",
        ),
    ],
)
def test_neus_malformed_line(tmp_path: Path, bad: str, message: str) -> None:
    src = _write(tmp_path / "test.source", [GOOD, bad, GOOD])
    with pytest.raises(InputError, match=message) as info:
        load_neus(src)
    assert info.value.source == f"{src}:2"


def test_neus_target_mismatch(tmp_path: Path) -> None:
    src = _write(tmp_path / "test.source", [GOOD, GOOD])
    tgt = _write(tmp_path / "test.target", ["TITLE=> R. ARTICLE=> roundup"])
    with pytest.raises(InputError, match="1 lines") as info:
        load_neus(src, tgt)
    assert info.value.source == str(tgt)
    tgt = _write(tmp_path / "test.target", ["TITLE=> R. ARTICLE=> roundup", "no markers"])
    with pytest.raises(InputError) as info:
        load_neus(src, tgt)
    assert info.value.source == f"{tgt}:2"


def test_neus_crlf_and_unicode_separators(tmp_path: Path) -> None:
    line = GOOD.replace("a text", "a\u2028text")
    src = tmp_path / "test.source"
    src.write_bytes((line + "\r\n" + GOOD + "\r\n").encode("utf-8"))
    events = load_neus(src)
    assert len(events) == 2
    assert events[0].articles[0].text == "a\u2028text"
    assert events[1].articles[2].text == "c"


# --------------------------------------------------------------------------- real data


def test_real_datasets_load_fully() -> None:
    require_shared("basil")
    require_shared("neus")
    basil, stats = load_basil_with_stats(REAL / "basil")
    assert len(basil) == 20
    assert all(len(e.articles) == 3 for e in basil)
    assert all(
        {a.outlet for a in e.articles} == {"Fox News", "New York Times", "HuffPost"} for e in basil
    )
    assert_grounded(basil)
    assert stats.spans_total == 296
    assert stats.kept >= 295  # measured: 295 by sentence offset, 1 (a title span) dropped
    dates = [min(a.published or "" for a in e.articles) for e in basil]
    assert dates == sorted(dates)

    neus = load_neus(REAL / "neus" / "test.source", REAL / "neus" / "test.target")
    assert len(neus) == 30
    assert all(len(e.articles) == 3 for e in neus)
    assert all(e.labels.reference_summary for e in neus)
    assert len({e.event_id for e in basil + neus}) == 50


def test_eval_case_filter_picks_events_by_name_and_reports_no_match() -> None:
    from service.config import Settings
    from service.errors import InputError
    from service.evals.dataset import load_cases

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    picked = load_cases(["basil", "neus"], settings, only=["WALMART"], datasets_dir=FIXTURES)
    assert [c.name for c in picked] == ["Walmart sex discrimination case goes to supreme court"]
    # --limit applies after the filter, per data set
    assert len(load_cases(["neus"], settings, only=["o"], limit=1, datasets_dir=FIXTURES)) == 1
    with pytest.raises(InputError, match="--only"):
        load_cases(["basil"], settings, only=["no such event"], datasets_dir=FIXTURES)
