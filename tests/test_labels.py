"""Seed gold labels and judge pairs: the real files load; broken copies fail clearly."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.evals.labels import (
    CaseLabels,
    FactStatus,
    LabelsError,
    export_json_schema,
    load_judge_pairs,
    load_labels,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
LABELS = SEEDS / "labels.yaml"
ARTICLES = SEEDS / "articles"
SCHEMA = SEEDS / "labels.schema.json"
JUDGE_PAIRS = ROOT / "evals" / "judge_pairs.yaml"


@pytest.fixture(scope="module")
def labels() -> CaseLabels:
    return load_labels(LABELS)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _load_modified(
    tmp_path: Path, raw: dict[str, Any], edit: Callable[[dict[str, Any]], None]
) -> CaseLabels:
    data = copy.deepcopy(raw)
    edit(data)
    path = tmp_path / "labels.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_labels(path, ARTICLES)


def _fact(data: dict[str, Any], fact_id: str) -> dict[str, Any]:
    fact = next(f for f in data["facts"] if f["id"] == fact_id)
    assert isinstance(fact, dict)
    return fact


# --------------------------------------------------------------------------- the real labels


def test_real_labels_load(labels: CaseLabels) -> None:
    assert [s.id for s in labels.sources] == ["S1", "S2"]
    assert 15 <= len(labels.facts) <= 35
    assert labels.quotes
    assert labels.framing
    assert {f.id for f in labels.facts} == {f"F{i:02d}" for i in range(1, len(labels.facts) + 1)}


def test_central_dispute_is_labelled(labels: CaseLabels) -> None:
    russian, french = labels.fact("F05"), labels.fact("F06")
    assert russian.status is FactStatus.disputed
    assert french.status is FactStatus.disputed
    assert "F06" in russian.conflicts_with
    assert "F05" in french.conflicts_with
    assert {r.asserter for r in russian.reported_by} == {"Russian defence ministry"}
    assert russian.source_ids == french.source_ids == ["S1", "S2"]


def test_offsets_are_filled_and_verbatim(labels: CaseLabels) -> None:
    texts = {s.id: (ARTICLES / s.file).read_text(encoding="utf-8") for s in labels.sources}
    for item in (*labels.quotes, *labels.framing):
        assert item.start is not None
        assert item.end is not None
        assert texts[item.source][item.start : item.end] == item.text


def test_omissions_match_reported_by(labels: CaseLabels) -> None:
    for o in labels.omissions:
        assert sorted(o.facts) == sorted(labels.omitted_by(o.source))


# --------------------------------------------------------------------------- broken copies


def test_unknown_key_is_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        _fact(d, "F01")["confidence"] = 0.9

    with pytest.raises(LabelsError, match=r"facts\.0\.confidence: unknown key"):
        _load_modified(tmp_path, raw, edit)


def test_unknown_key_in_reported_by_is_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        _fact(d, "F02")["reported_by"][0]["speaker"] = "x"

    with pytest.raises(LabelsError, match=r"facts\.1\.reported_by\.0\.speaker: unknown key"):
        _load_modified(tmp_path, raw, edit)


def test_dangling_conflicts_with_is_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        _fact(d, "F05")["conflicts_with"] = ["F06", "F99"]

    with pytest.raises(LabelsError, match="F05: conflicts_with refers to unknown fact 'F99'"):
        _load_modified(tmp_path, raw, edit)


def test_asymmetric_conflicts_are_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        _fact(d, "F09")["conflicts_with"] = ["F10", "F08"]

    with pytest.raises(LabelsError, match=r"F09: conflicts_with F08 is not symmetric"):
        _load_modified(tmp_path, raw, edit)


def test_disputed_without_conflicts_is_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        _fact(d, "F09")["conflicts_with"] = []
        _fact(d, "F10")["conflicts_with"] = []

    with pytest.raises(LabelsError, match="F09: status disputed requires a non-empty"):
        _load_modified(tmp_path, raw, edit)


def test_status_must_match_sources(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        _fact(d, "F03")["status"] = "consensus"

    with pytest.raises(LabelsError, match="F03: status consensus needs >= 2 sources, has 1"):
        _load_modified(tmp_path, raw, edit)


def test_non_verbatim_quote_is_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        q = next(q for q in d["quotes"] if q["id"] == "Q04")
        q["text"] = "France neither accepted nor proposed anything of this sort"

    with pytest.raises(LabelsError, match=r"Q04 \(quote, S2\): text is not verbatim"):
        _load_modified(tmp_path, raw, edit)


def test_quote_in_the_wrong_source_is_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        next(q for q in d["quotes"] if q["id"] == "Q04")["source"] = "S1"

    with pytest.raises(LabelsError, match=r"Q04 \(quote, S1\): text is not verbatim"):
        _load_modified(tmp_path, raw, edit)


def test_wrong_quote_offsets_are_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        q = next(q for q in d["quotes"] if q["id"] == "Q11")
        q["start"], q["end"] = 0, len(q["text"])

    with pytest.raises(LabelsError, match=r"Q11 \(quote, S2\): article\[0:17\] is"):
        _load_modified(tmp_path, raw, edit)


def test_non_verbatim_evidence_is_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        _fact(d, "F30")["reported_by"][0]["evidence"] = "last held phone talks in October 2023"

    with pytest.raises(LabelsError, match="F30: evidence is not a verbatim excerpt of S2"):
        _load_modified(tmp_path, raw, edit)


def test_inconsistent_omissions_are_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        s1 = next(o for o in d["omissions"] if o["source"] == "S1")
        s1["facts"] = [x for x in s1["facts"] if x != "F03"] + ["F01"]

    with pytest.raises(LabelsError) as info:
        _load_modified(tmp_path, raw, edit)
    msg = str(info.value)
    assert "omissions for S1 inconsistent: F03 is missing (its reported_by lacks S1)" in msg
    assert "omissions for S1 inconsistent: F01 is listed but S1 reports it" in msg


def test_duplicate_fact_id_is_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        _fact(d, "F30")["id"] = "F29"

    with pytest.raises(LabelsError, match="duplicate fact id 'F29'"):
        _load_modified(tmp_path, raw, edit)


def test_unknown_source_is_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    def edit(d: dict[str, Any]) -> None:
        _fact(d, "F01")["reported_by"][0]["source"] = "S3"

    with pytest.raises(LabelsError, match="F01: reported_by names unknown source 'S3'"):
        _load_modified(tmp_path, raw, edit)


def test_missing_article_is_rejected(tmp_path: Path, raw: dict[str, Any]) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(ARTICLES / "000_df49b81ec52edcc4.txt", articles)
    path = tmp_path / "labels.yaml"
    shutil.copy(LABELS, path)
    with pytest.raises(LabelsError, match=r"article file '001_9ad1508cea7ab194\.txt' not found"):
        load_labels(path)


# --------------------------------------------------------------------------- schema, judge pairs


def test_checked_in_schema_matches_models() -> None:
    checked_in = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert checked_in == export_json_schema(), (
        "seeds/labels.schema.json is stale; run: rashomon labels schema"
    )


def test_judge_pairs_load(labels: CaseLabels) -> None:
    pairs = load_judge_pairs(JUDGE_PAIRS, labels)
    assert len(pairs) >= 30
    share_true = sum(p.same_fact for p in pairs) / len(pairs)
    assert 0.3 <= share_true <= 0.5
    statements = {f.id: f.statement for f in labels.facts}
    assert all(p.fact == statements[p.fact_id] for p in pairs)


def test_judge_pairs_reject_a_drifted_gold_statement(tmp_path: Path, labels: CaseLabels) -> None:
    data = yaml.safe_load(JUDGE_PAIRS.read_text(encoding="utf-8"))
    data["pairs"][0]["fact"] = "Shoigu and Lecornu met."
    path = tmp_path / "pairs.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(LabelsError, match="J01: fact text differs from the gold statement of F01"):
        load_judge_pairs(path, labels)


# --------------------------------------------------------------------------- `rashomon labels`


def test_labels_check_reports_the_counts(capsys: pytest.CaptureFixture[str]) -> None:
    from service.cli import main

    assert (
        main(["labels", "check", "--seeds-dir", str(SEEDS), "--judge-pairs", str(JUDGE_PAIRS)]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("labels.yaml: 30 facts, ") and "judge_pairs.yaml: 41 pairs" in out


def test_broken_labels_are_one_error_line_and_exit_2(
    tmp_path: Path, raw: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from service.cli import EXIT_INPUT, main

    data = copy.deepcopy(raw)
    _fact(data, "F09")["conflicts_with"] = []  # F09: disputed with none; F10: one-sided
    shutil.copytree(ARTICLES, tmp_path / "articles")
    (tmp_path / "labels.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    code = main(["labels", "check", "--seeds-dir", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == EXIT_INPUT and captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err
    assert lines[0].startswith(f"rashomon: error: {tmp_path / 'labels.yaml'}: invalid labels: ")
    assert "F09: status disputed requires a non-empty conflicts_with" in lines[0]
    assert "F10: conflicts_with F09 is not symmetric" in lines[0]


def test_broken_judge_pairs_are_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from service.cli import EXIT_INPUT, main

    pairs = tmp_path / "judge_pairs.yaml"
    pairs.write_text("description: x\nlabels: ../seeds/labels.yaml\ncriteria: [c]\npairs: []\n")
    code = main(["labels", "check", "--seeds-dir", str(SEEDS), "--judge-pairs", str(pairs)])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT and len(err.strip().splitlines()) == 1
    assert f"{pairs}: invalid judge pairs: pairs: " in err


def test_labels_schema_writes_the_checked_in_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from service.cli import EXIT_INPUT, main

    out = tmp_path / "schema.json"
    assert main(["labels", "schema", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == SCHEMA.read_text(encoding="utf-8")
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert main(["labels", "schema", "--out", str(tmp_path / "no" / "dir.json")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert (
        err.startswith("rashomon: error: cannot write the labels schema to ") and "dir.json" in err
    )


def test_the_old_labels_cli_names_its_replacement() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "service.evals.labels", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "rashomon labels check" in done.stderr
    assert "Traceback" not in done.stderr
