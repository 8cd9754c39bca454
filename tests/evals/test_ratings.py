"""Blind-rating harness: packets hide which system wrote which, the key stays outside them,
returned forms are validated with errors naming file and field, and the tally computes known
figures on a hand-made set of forms."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.cli import main
from service.evals.ratings import (
    KEY_FILE,
    PACKETS_DIR,
    PacketKey,
    RatingKey,
    order,
    read_key,
    write_packets,
)
from service.evals.ratings_forms import FormErrors, check_form, parse_ranking, read_forms
from service.evals.ratings_input import CaseCandidates, PacketArticle, System
from service.evals.ratings_tally import quadratic_kappa, run_tally, tally
from tests.conftest import REPO

# ../shared from the main checkout; ../../shared from a helper's worktree
RUBRIC = next(
    (
        p / "shared" / "rubrics" / "blind-summary-rating.md"
        for p in (REPO.parent, REPO.parent.parent)
        if (p / "shared" / "rubrics" / "blind-summary-rating.md").is_file()
    ),
    REPO / "missing-rubric",
)
SYSTEM_WORDS = ("pipeline", "baseline", "editors", "rashomon", "allsides", "neus", "basil", "seed")


def _case(i: int, *, reference: bool = True, pipeline: bool = True) -> CaseCandidates:
    return CaseCandidates(
        case_id=f"neus-{i}",
        dataset="neus",
        name=f"Roundup title {i}",
        articles=[
            PacketArticle(
                outlet="Outlet A", title=f"Vote {i} passes", text=f"The vote {i} passed."
            ),
            PacketArticle(
                outlet="Outlet B", title="A vote", text="Lawmakers approved it.\n\nIt was close."
            ),
        ],
        pipeline_sentences=[f"The vote {i} passed.", "Outlet B says it was close."]
        if pipeline
        else None,
        pipeline_disputes=["Outlet B says it was close."] if pipeline else [],
        pipeline_error=None if pipeline else "BackendError: down",
        baseline_summary=f"Lawmakers approved measure {i} in a close vote.",
        reference_summary=f"Roundup text {i}: lawmakers voted." if reference else None,
    )


def _eval_dir(root: Path, cases: list[CaseCandidates]) -> Path:
    """An eval output folder as `rashomon eval` writes it (only what packets read)."""
    root.mkdir(parents=True)
    report = {
        "cases": [{"case_id": c.case_id, "dataset": c.dataset, "name": c.name} for c in cases]
    }
    (root / "eval.json").write_text(json.dumps(report))
    for c in cases:
        d = root / "cases" / c.case_id
        d.mkdir(parents=True)
        (d / "candidates.json").write_text(c.model_dump_json())
    return root


def _packets(tmp_path: Path, cases: list[CaseCandidates], *extra: str) -> Path:
    src = _eval_dir(tmp_path / "eval", cases)
    out = tmp_path / "set"
    assert main(["ratings", "packets", "--from", str(src), "--out", str(out), *extra]) == 0
    return out


def test_packets_hide_the_systems_and_keep_the_key_outside(tmp_path: Path) -> None:
    out = _packets(tmp_path, [_case(1), _case(2, reference=False), _case(3, pipeline=False)])
    key = read_key(out / KEY_FILE)
    assert not (out / PACKETS_DIR / KEY_FILE).exists()
    assert set(key.packets) == {"event-01", "event-02"} and key.skipped == {
        "neus-3": "BackendError: down"
    }
    assert sorted(key.packets["event-01"].labels) == ["X", "Y", "Z"]
    assert sorted(key.packets["event-02"].labels.values()) == ["baseline", "pipeline"]
    assert key.packets["event-02"].left_out == {"editors": "none in the data set"}
    for path in (out / PACKETS_DIR).iterdir():
        text = path.read_text().lower()
        for word in SYSTEM_WORDS:
            assert word not in text, f"{path.name} names {word!r}"
        assert "roundup title" not in text  # the case name (a NeuS roundup's title)
        assert "key.json" not in text and "labels" not in text.replace("labelled", "")
    packet = (out / PACKETS_DIR / "event-01.md").read_text()
    labels = key.packets["event-01"].labels
    # each candidate sits under its label, articles in full before them
    for label, system in labels.items():
        body = packet.split(f"### Summary {label}\n\n```text\n", 1)[1].split("\n```", 1)[0]
        expected = {
            "pipeline": "The vote 1 passed. Outlet B says it was close.",
            "baseline": "Lawmakers approved measure 1 in a close vote.",
            "editors": "Roundup text 1: lawmakers voted.",
        }[system]
        assert body == expected
    assert packet.index("Lawmakers approved it.\n\nIt was close.") < packet.index("### Summary")
    assert "### Article 2: Outlet B" in packet and "Title: A vote" in packet
    brief = (out / PACKETS_DIR / "BRIEF.md").read_text()
    assert brief.startswith("You are an experienced news editor acting as a blind rater.")


def test_order_is_seeded_per_event() -> None:
    systems: list[System] = ["pipeline", "baseline", "editors"]
    assert order("neus-1", systems, 17) == order("neus-1", systems, 17)
    orders = {tuple(order(f"neus-{i}", systems, 17).values()) for i in range(30)}
    assert len(orders) >= 4  # shuffled, not one fixed order
    firsts = [order(f"neus-{i}", systems, 17)["X"] for i in range(30)]
    assert {firsts.count(s) for s in systems} != {30}


def test_packets_refuse_to_overwrite_and_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _packets(tmp_path, [_case(1)])
    src = tmp_path / "eval"
    assert main(["ratings", "packets", "--from", str(src), "--out", str(out)]) == 2
    assert "packets/ already holds files" in capsys.readouterr().err
    code = main(
        [
            "ratings",
            "packets",
            "--from",
            str(src),
            "--from",
            str(src),
            "--out",
            str(tmp_path / "o2"),
        ]
    )
    assert code == 2 and "comes twice" in capsys.readouterr().err


@pytest.mark.skipif(not RUBRIC.is_file(), reason="the shared rubric is not on this machine")
def test_brief_is_the_rubric_verbatim() -> None:
    text = RUBRIC.read_text()
    block = re.search(r"## The brief given to each rater \(verbatim\)\n(.*?)\n\n## ", text, re.S)
    assert block
    lines = [ln[2:] if ln.startswith("> ") else ln.lstrip(">") for ln in block[1].splitlines()]
    assert (REPO / "evals" / "rater_brief.md").read_text().strip() == "\n".join(lines).strip()


# --------------------------------------------------------------------------- forms


def _key(packets: dict[str, dict[str, System]], dataset: str = "neus") -> RatingKey:
    return RatingKey(
        created_at=datetime.now(UTC),
        seed=1,
        sources=["x"],
        packets={
            p: PacketKey(case_id=p, dataset=dataset, name=p, source="x", labels=labels)
            for p, labels in packets.items()
        },
    )


def _form(
    packet: str,
    rater: str,
    scores: dict[str, int | list[int]],
    ranking: str,
    *,
    differences: list[dict[str, Any]] | None = None,
    stated: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """A filled form: scores per label as one number for every criterion or four numbers."""
    crit = ("faithful", "neutral", "complete", "readable")
    return {
        "packet": packet,
        "rater": rater,
        "scores": {
            lb: dict(zip(crit, v if isinstance(v, list) else [v] * 4, strict=True))
            for lb, v in scores.items()
        },
        "ranking": ranking,
        "defects": {lb: [] for lb in scores},
        "differences": differences or [],
        "stated_differences": stated or {lb: [] for lb in scores},
    }


def _write(ratings: Path, form: dict[str, Any]) -> None:
    d = ratings / form["rater"]
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{form['packet']}.yaml").write_text(yaml.safe_dump(form))


def test_parse_ranking() -> None:
    assert parse_ranking("Y > X = Z", ["X", "Y", "Z"]) == {"Y": 1, "X": 2, "Z": 2}
    assert parse_ranking("X=Y", ["X", "Y"]) == {"X": 1, "Y": 1}
    assert parse_ranking("X > Y", ["X", "Y", "Z"]) == "Z missing (rank every label once)"
    assert parse_ranking("X > X", ["X", "Y"]) == "X appears twice"
    assert parse_ranking("X > W", ["X", "Y"]) == "'W' is not one of X, Y"


def test_form_errors_name_the_file_and_field(tmp_path: Path) -> None:
    key = _key({"event-01": {"X": "pipeline", "Y": "baseline"}})
    ratings = tmp_path / "ratings"
    form = _form("event-01", "ann", {"X": 4, "Y": 3}, "X > Y")
    del form["scores"]["Y"]["readable"]
    form["scores"]["X"]["neutral"] = 7
    form["differences"] = [
        {"point": "who", "who_says_what": "A: x; B: y", "surfaced": {"X": "maybe"}}
    ]
    _write(ratings, form)
    _write(ratings, _form("event-09", "ann", {"X": 4, "Y": 3}, "X > Y"))
    with pytest.raises(FormErrors) as info:
        read_forms(ratings, key)
    problems = info.value.problems
    assert "ratings/ann/event-01.yaml: scores.Y.readable: missing (a whole number 1-5)" in problems
    assert "ratings/ann/event-01.yaml: scores.X.neutral: 7 is not a whole number 1-5" in problems
    assert "ratings/ann/event-01.yaml: differences[1].surfaced.X: 'maybe': yes or no" in problems
    assert "ratings/ann/event-01.yaml: differences[1].surfaced.Y: missing" in problems
    assert any(
        p.startswith("ratings/ann/event-09.yaml: packet: 'event-09' is not a packet")
        for p in problems
    )


def test_the_empty_template_does_not_validate(tmp_path: Path) -> None:
    out = _packets(tmp_path, [_case(1)])
    template = yaml.safe_load((out / PACKETS_DIR / "event-01.form.yaml").read_text())
    rating, problems = check_form(template, "f.yaml", read_key(out / KEY_FILE), "ann")
    assert rating is None
    assert "f.yaml: scores.X.faithful: missing (a whole number 1-5)" in problems
    assert any(p.startswith("f.yaml: ranking: missing") for p in problems)


# --------------------------------------------------------------------------- tally


def test_quadratic_kappa() -> None:
    assert quadratic_kappa([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert quadratic_kappa([1, 5], [5, 1]) == -1.0  # hand-computed: 1 - 2/1
    assert quadratic_kappa([3, 3], [3, 3]) is None
    assert quadratic_kappa([], []) is None


def _fixture_forms() -> tuple[RatingKey, list[dict[str, Any]]]:
    """Two packets (the second without a roundup), two raters on the first, one on the second."""
    key = _key(
        {
            "event-01": {"X": "baseline", "Y": "pipeline", "Z": "editors"},
            "event-02": {"X": "pipeline", "Y": "baseline"},
        }
    )
    diff = [
        {
            "point": "who asked",
            "who_says_what": "A: France; B: Russia",
            "surfaced": {"X": "no", "Y": "yes", "Z": "no"},
        },
        {
            "point": "the toll",
            "who_says_what": "A: 3; B: 5",
            "surfaced": {"X": "yes", "Y": "no", "Z": "no"},
        },
    ]
    forms = [
        # ann: pipeline first alone, baseline last
        _form(
            "event-01",
            "ann",
            {"X": 2, "Y": [5, 4, 4, 3], "Z": 4},
            "Y > Z > X",
            differences=diff,
            stated={
                "X": [],
                "Y": [
                    {"text": "Accounts differ on who asked", "real": True},
                    {"text": "Accounts differ on the weather", "real": False},
                ],
                "Z": [],
            },
        ),
        # bob: editors and pipeline tied first, baseline last
        _form(
            "event-01",
            "bob",
            {"X": 3, "Y": [4, 4, 3, 2], "Z": 4},
            "Z = Y > X",
            stated={"X": [], "Y": [{"text": "who asked", "real": "yes"}], "Z": []},
        ),
        # ann on event-02: baseline beats pipeline
        _form("event-02", "ann", {"X": 3, "Y": 4}, "Y > X"),
    ]
    return key, forms


def test_tally_computes_known_values(tmp_path: Path) -> None:
    key, forms = _fixture_forms()
    (tmp_path / KEY_FILE).write_text(key.model_dump_json())
    for form in forms:
        _write(tmp_path / "ratings", form)
    result, md, js = run_tally(tmp_path)
    (all_,) = result.groups
    p, b, e = (all_.systems[s] for s in ("pipeline", "baseline", "editors"))
    assert p.forms == 3 and e.forms == 2
    assert p.mean == {
        "faithful": 4.0,
        "neutral": round(11 / 3, 3),
        "complete": round(10 / 3, 3),
        "readable": round(8 / 3, 3),
    }
    assert b.mean["faithful"] == 3.0 and e.mean["readable"] == 4.0
    assert (p.ranked_first.n, p.ranked_first.of) == (2, 3)  # ann alone, bob tied
    assert (e.ranked_first.n, e.ranked_first.of) == (1, 2)
    assert (b.ranked_first.n, b.ranked_first.of) == (1, 3)
    wtl = all_.pipeline_vs_baseline_forms
    assert (wtl.win, wtl.tie, wtl.loss) == (2, 0, 1)
    ev = all_.pipeline_vs_baseline_events
    assert (ev.win, ev.tie, ev.loss) == (1, 0, 1)
    assert (all_.ahead_of_editors.n, all_.ahead_of_editors.of) == (1, 2)
    assert (all_.first_ahead_of_editors.n, all_.first_ahead_of_editors.of) == (1, 2)
    # ann listed 2 real differences on event-01: the pipeline (Y) surfaced 1, the baseline 1
    assert (p.differences_surfaced.n, p.differences_surfaced.of) == (1, 2)
    assert (b.differences_surfaced.n, b.differences_surfaced.of) == (1, 2)
    assert (p.stated_not_real.n, p.stated_not_real.of) == (1, 3)
    assert all_.per_rater["bob"]["pipeline"]["readable"] == 2.0
    a = all_.agreement
    assert a is not None and a.packets == 1
    # faithful: ann (2, 5, 4) vs bob (3, 4, 4): differences 1, 1, 0
    assert a.mad["faithful"] == round(2 / 3, 3) and a.exact["faithful"] == round(1 / 3, 3)
    assert (a.same_first.n, a.same_first.of) == (0, 1)
    # label pairs: (X,Y) same, (X,Z) same, (Y,Z): ann Y above Z, bob tied -> 2/3
    assert (a.pair_order.n, a.pair_order.of) == (2, 3)
    assert (a.pipeline_vs_baseline.n, a.pipeline_vs_baseline.of) == (1, 1)
    text = md.read_text()
    assert (
        "| the pipeline (Rashomon's summary) | 4.00 | 3.67 | 3.33 | 2.67 | 2/3 (67%) | 3 |" in text
    )
    assert "per form 2 / 0 / 1; per event (raters' verdicts summed) 1 / 0 / 1" in text
    assert json.loads(js.read_text())["groups"][0]["forms"] == 3


def test_tally_groups_by_data_set() -> None:
    key, forms = _fixture_forms()
    key.packets["event-02"].dataset = "basil"
    ratings = []
    for f in forms:
        rating, problems = check_form(f, "f", key, "r")
        assert rating and not problems
        ratings.append(rating)
    result = tally(ratings, key, "d")
    assert [g.name for g in result.groups] == ["all", "basil", "neus"]
    assert result.groups[1].forms == 1 and result.groups[2].agreement is not None


def test_cli_round_trip_and_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _packets(tmp_path, [_case(1), _case(2)])
    key = read_key(out / KEY_FILE)
    for packet, pk in key.packets.items():
        labels = list(pk.labels)
        _write(out / "ratings", _form(packet, "ann", {lb: 3 for lb in labels}, " = ".join(labels)))
    assert main(["ratings", "tally", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out and (out / "tally.md").is_file()
    broken = yaml.safe_load((out / "ratings" / "ann" / "event-02.yaml").read_text())
    del broken["scores"]["X"]["complete"]
    (out / "ratings" / "ann" / "event-02.yaml").write_text(yaml.safe_dump(broken))
    assert main(["ratings", "tally", str(out)]) == 2
    err = capsys.readouterr().err
    assert "ratings/ann/event-02.yaml: scores.X.complete: missing (a whole number 1-5)" in err


def test_eval_writes_what_packets_need(tmp_path: Path) -> None:
    import asyncio

    from service.config import Settings
    from service.evals.ratings_input import load_eval_dir
    from service.evals.runner import EvalOptions, run_eval

    options = EvalOptions(datasets=["seeds"], out_dir=tmp_path / "out", judge_pairs=None)
    settings = Settings(backend="fake", cache_enabled=False)
    report = asyncio.run(run_eval(options, settings, log=lambda _l: None))
    (case,) = load_eval_dir(tmp_path / "out")
    assert case.case_id == report.cases[0].case_id and len(case.articles) == 2
    rec = json.loads(Path(report.cases[0].reconciliation_path or "").read_text())
    # the summary, then the outlets' headlines line the page and report show under it
    said, headlines = case.pipeline_sentences, case.pipeline_headlines or ""
    assert said == [s["text"] for s in rec["summary"]["sentences"]]
    assert "headlines it: " in headlines
    # a rater reads them as the page shows them: one paragraph, the line under it
    assert case.summary("pipeline") == " ".join(said) + "\n\n" + headlines
    titles = [s["title"] for s in rec["sources"] if s["title"]]
    assert any(f"“{t}”" in headlines for t in titles)
    assert case.baseline_summary == report.cases[0].baseline_summary
    assert report.cases[0].pipeline_cost and report.cases[0].baseline_cost
    key = write_packets([("x", case)], tmp_path / "set", brief="brief\n", seed=3)
    assert sorted(key.packets["event-01"].labels.values()) == ["baseline", "pipeline"]


def test_an_eval_folder_without_candidates_is_rebuilt(tmp_path: Path) -> None:
    import asyncio

    from service.config import Settings
    from service.evals.ratings_input import load_eval_dir
    from service.evals.runner import EvalOptions, run_eval

    options = EvalOptions(datasets=["seeds"], out_dir=tmp_path / "out", judge_pairs=None)
    settings = Settings(backend="fake", cache_enabled=False)
    report = asyncio.run(run_eval(options, settings, log=lambda _l: None))
    (written,) = load_eval_dir(tmp_path / "out")
    for path in (tmp_path / "out" / "cases").glob("*/candidates.json"):
        path.unlink()
    case_id = report.cases[0].case_id
    (rebuilt,) = load_eval_dir(tmp_path / "out" / "eval.json", {case_id: "A roundup."})
    assert rebuilt.pipeline_sentences == written.pipeline_sentences
    assert rebuilt.pipeline_headlines == written.pipeline_headlines
    assert rebuilt.baseline_summary == written.baseline_summary
    assert rebuilt.reference_summary == "A roundup."
    assert [a.outlet for a in rebuilt.articles] == [a.outlet for a in written.articles]
