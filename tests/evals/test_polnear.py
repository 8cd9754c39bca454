"""PolNeAR: the brat loader and the span scorer (synthetic files written by the test)."""

from __future__ import annotations

from pathlib import Path

from service.datasets.polnear import load_polnear
from service.evals.scorers.polnear import Losses, score_article
from service.schemas import Asserter, AsserterKind, Claim, ClaimKind, Span

TEXT = (
    "Title line\n\n"
    "The mayor said that the bridge will reopen in May. "
    "Critics call the plan reckless and slow."
)


def _write(root: Path, anns: dict[str, str]) -> None:
    (root / "dev" / "text").mkdir(parents=True)
    (root / "dev" / "attributions").mkdir(parents=True)
    (root / "dev" / "text" / "nyt_x.txt").write_text(TEXT, "utf-8")
    for who, body in anns.items():
        (root / "dev" / "attributions" / f"nyt_x_{who}.ann").write_text(body, "utf-8")


def _span(s: int, e: int) -> Span:
    return Span(start=s, end=e, text=TEXT[s:e])


def _ann() -> str:
    src, cue = TEXT.index("The mayor"), TEXT.index("said")
    con = TEXT.index("that the bridge")
    end = TEXT.index(" May") + 4
    return (
        f"T1\tSource {src} {src + 9}\tThe mayor\n"
        f"T2\tCue {cue} {cue + 4}\tsaid\n"
        f"T3\tContent {con} {end}\t{TEXT[con:end]}\n"
        f"T4\tAttribution {cue} {cue + 4}\tsaid\n"
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
        "T5\tDiscard 0 5\tTitle\n"
    )


def _claim(cid: str, content: tuple[int, int], source: tuple[int, int] | None) -> Claim:
    return Claim(
        claim_id=cid,
        source_id="S1",
        statement=TEXT[content[0] : content[1]],
        kind=ClaimKind.attributed_claim,
        asserter=Asserter(name="the outlet", kind=AsserterKind.outlet),
        speaker=Asserter(name="mayor", kind=AsserterKind.person),
        sentence_ids=[1],
        evidence=[_span(*content)],
        content_span=_span(*content),
        source_span=_span(*source) if source else None,
    )


def test_loader_reads_every_annotator_and_the_parts(tmp_path: Path) -> None:
    _write(tmp_path, {"a1": _ann(), "b2": _ann()})
    (article,) = load_polnear(tmp_path, "dev")
    assert article.annotators == ["a1", "b2"]
    gold = article.annotations[0][0]
    assert gold.source is not None and gold.source.text == "The mayor"
    assert gold.content is not None and gold.content.text.endswith("in May")
    assert len(article.annotations[0]) == 1  # the Discard note is not an attribution


def test_scorer_credits_a_match_and_lists_narration_as_a_loss(tmp_path: Path) -> None:
    _write(tmp_path, {"a1": _ann()})
    (article,) = load_polnear(tmp_path, "dev")
    src = TEXT.index("The mayor")
    good = _claim("C1", (TEXT.index("the bridge"), TEXT.index(" May") + 4), (src, src + 9))
    narration = _claim("C2", (TEXT.index("Critics"), len(TEXT) - 1), None)
    losses = Losses()
    t = score_article(TEXT, [good, narration], article.annotations[0], 1.0, losses)
    assert (t.gold, t.predicted, t.matched, t.exact) == (1, 2, 1, 1)  # "that" set aside
    assert (t.with_source, t.source_right) == (1, 1)
    assert (t.party, t.party_in_attribution, t.narration) == (2, 1, 1)
    assert len(losses.narration) == 1 and "C2" in losses.narration[0]


def test_a_source_mention_elsewhere_is_a_wrong_source(tmp_path: Path) -> None:
    _write(tmp_path, {"a1": _ann()})
    (article,) = load_polnear(tmp_path, "dev")
    crit = TEXT.index("Critics")
    wrong = _claim("C1", (TEXT.index("the bridge"), TEXT.index(" May") + 4), (crit, crit + 7))
    losses = Losses()
    t = score_article(TEXT, [wrong], article.annotations[0], 0.5, losses)
    assert (t.matched, t.source_right, t.wrong_source) == (0.5, 0, 0.5)
    assert losses.wrong_source and not losses.missed


async def test_rule_firings_counts_every_declared_rule_and_flags_undeclared_ones() -> None:
    from service.evals.scorers.rules import rule_firings
    from service.text.speech.rules import rule_ids
    from tests.evals.helpers import case, good, judge, pipeline_ctx

    rec = good()
    first = rec.accounts[0].claims[0]
    tagged = first.model_copy(update={"rule_ids": ["frame.speech_verb", "made.up"]})
    accounts = [
        rec.accounts[0].model_copy(update={"claims": [tagged, *rec.accounts[0].claims[1:]]}),
        *rec.accounts[1:],
    ]
    (score,) = await rule_firings(
        pipeline_ctx(case(), rec.model_copy(update={"accounts": accounts}), judge())
    )
    assert score.parts["frame.speech_verb"] == 1.0
    assert set(rule_ids()) <= set(score.parts)
    assert "UNDECLARED ['made.up']" in score.explanation


async def test_the_polnear_case_runs_with_no_model_and_is_scored(tmp_path: Path) -> None:
    from service.config import Settings
    from service.errors import BackendError
    from service.evals.runner import EvalOptions, run_eval
    from service.llm.fake import FakeBackend
    from service.llm.structured import StructuredLLM

    def down(_request: object) -> dict[str, object]:
        raise BackendError("no model may be called", backend="fake")

    _write(tmp_path / "polnear", {"a1": _ann()})
    options = EvalOptions(
        datasets=["polnear"],
        out_dir=tmp_path / "out",
        judge_pairs=None,
        thresholds_path=None,
        datasets_dir=tmp_path,
        split="dev",
    )
    llm = StructuredLLM(FakeBackend(responder=down), reask_budget=0)
    report = await run_eval(options, Settings(backend="fake"), llm=llm, log=lambda _line: None)
    (result,) = report.cases
    assert result.status == "ok" and not result.baseline  # no baseline, no model call
    f1 = result.score("pipeline", "polnear_content_overlap_f1")
    # "The mayor said that ..." found with its span; "Critics call the plan reckless" is a
    # position the synthetic gold does not label, so precision is 1/2
    assert f1 is not None and (f1.parts["recall"], f1.parts["precision"]) == (1.0, 0.5)
    source = result.score("pipeline", "polnear_source_match")
    assert source is not None and source.value == 1.0
