"""One bad record never stops a batch (issue 19, defect 2): a record holding a lone surrogate
goes to failures.jsonl while the rest run, and a data set's optional field (a BASIL title) may
be empty or missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from service.cli import main
from service.datasets import load_basil, stable_event_id
from service.schemas import ArticleIn

from .helpers import article, failures, results

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "datasets"
FILIBUSTER = "ae243a95-b2c2-410c-9e2b-b083b4b8eb48"  # the 2010 triplet: first by date


def _lines(path: Path, records: list[dict[str, str]]) -> None:
    # json.dumps writes "\ud800" as the escape a real dump holds (ensure_ascii)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.mark.parametrize("field", ["story_id", "body", "title"])
def test_a_lone_surrogate_record_is_a_failure_line_and_the_rest_run(
    tmp_path: Path, field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {"body": article(0, "Outlet A"), "story_id": "s1", "title": "dam"}
    bad = {"body": article(0, "Outlet B", 1), "story_id": "s1", "title": "dam"}
    bad[field] = bad[field] + "\ud800"
    other = [
        {"body": article(1, f"Outlet {c}", n), "story_id": "s2", "title": "strike"}
        for n, c in enumerate("AB")
    ]
    _lines(tmp_path / "s.jsonl", [good, bad, *other])
    out = tmp_path / "o"
    args = ["--field", "event=story_id", "--field", "text=body", "--backend", "fake"]
    code = main(["batch", str(tmp_path / "s.jsonl"), "--out", str(out), *args, "--quiet"])
    assert code == 0, capsys.readouterr().err
    rejected = [f for f in failures(out) if f["kind"] == "record"]
    assert [f["where"] for f in rejected] == [f"{tmp_path / 's.jsonl'}:2"]
    assert "lone surrogate U+D800" in str(rejected[0]["reason"])
    assert len(results(out)) == 2  # s1 (its good article alone) and s2


def test_the_event_id_of_invalid_unicode_never_raises() -> None:
    one = stable_event_id([ArticleIn(text="a\ud800b")])
    assert len(one) == 16 and one != stable_event_id([ArticleIn(text="ab")])


def _untitled_basil(tmp_path: Path, title: object) -> Path:
    root = tmp_path / "basil"
    shutil.copytree(FIXTURES / "basil", root)
    path = next(root.glob(f"articles/*/{FILIBUSTER}_1.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    if title is None:
        for key in ("title", "date", "url", "main-event"):
            data.pop(key, None)
    else:
        data["title"] = title
    path.write_text(json.dumps(data), encoding="utf-8")
    return root


@pytest.mark.parametrize("title", ["", "   ", None])
def test_an_untitled_basil_article_loads(tmp_path: Path, title: str | None) -> None:
    events = load_basil(_untitled_basil(tmp_path, title))
    assert len(events) == 2 and sum(len(e.articles) for e in events) == 6
    untitled = next(a for e in events for a in e.articles if FILIBUSTER in (a.origin or ""))
    assert untitled.title is None
    assert all(e.name for e in events)


def test_eval_on_basil_with_an_untitled_article_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    shutil.move(_untitled_basil(tmp_path, ""), datasets / "basil")
    args = ["--backend", "fake", "--no-baseline", "--quiet", "--out", str(tmp_path / "ev")]
    code = main(
        ["eval", "--cases", "basil", "--limit", "1", "--datasets-dir", str(datasets), *args]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    report = json.loads((tmp_path / "ev" / "eval.json").read_text())
    assert report  # the case ran and was scored
