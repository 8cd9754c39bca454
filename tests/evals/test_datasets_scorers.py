"""BASIL and NeuS scorers: good output scores high, bad output low."""

from __future__ import annotations

import pytest

from service.datasets import BiasSpan
from service.evals.dataset import Case
from service.evals.scorers import basil, neus
from service.evals.scorers.score import Score
from service.schemas import ArticleIn, Reconciliation
from tests.builders import claim
from tests.evals import helpers as h

TEXT = 'Critics slammed the reckless plan. "We will not retreat," Rick Perry said.'


def _basil_case() -> Case:
    q = "We will not retreat,"
    lex = "reckless plan"
    return Case(
        case_id="b",
        dataset="basil",
        name="b",
        articles=[
            ArticleIn(text=TEXT, outlet="Fox", origin="a"),
            ArticleIn(text=h.TEXT2, outlet="NYT", origin="b"),
        ],
        bias_spans=[
            BiasSpan(
                article=0,
                start=TEXT.index(q),
                end=TEXT.index(q) + len(q),
                text=q,
                bias="inf",
                quote=True,
                speaker="Rick_Perry",
            ),
            BiasSpan(
                article=0,
                start=TEXT.index(lex),
                end=TEXT.index(lex) + len(lex),
                text=lex,
                bias="lex",
                quote=False,
            ),
            BiasSpan(
                article=0,
                start=TEXT.index(q),
                end=TEXT.index(q) + len(q),
                text=q,
                bias="lex",
                quote=True,
                speaker="other_anti",
            ),
        ],
    )


def _rec(speaker: str) -> Reconciliation:
    from service.schemas import Quote

    rec = h.good()
    sources = [
        rec.sources[0].model_copy(update={"text": TEXT, "origin": "a"}),
        rec.sources[1].model_copy(update={"origin": "b"}),
    ]
    q = "We will not retreat,"
    quote = Quote(
        quote_id="S1.Q1",
        source_id="S1",
        start=TEXT.index(q),
        end=TEXT.index(q) + len(q),
        text=q,
        speaker=speaker,
    )
    acc = rec.accounts[0].model_copy(update={"claims": [], "quotes": [quote]})
    return rec.model_copy(update={"sources": sources, "accounts": [acc, rec.accounts[1]]})


async def test_basil_quote_attribution() -> None:
    c = _basil_case()
    good_all = await h.scores(basil.basil_quote_attribution, h.pipeline_ctx(c, _rec("Rick Perry")))
    bad_all = await h.scores(basil.basil_quote_attribution, h.pipeline_ctx(c, _rec("critics")))
    good, bad = good_all["basil_quote_attribution"], bad_all["basil_quote_attribution"]
    assert good.value == 1.0
    assert bad.value == 0.0 and "misattributed" in bad.details[0].explanation
    assert len(good.details) == 1  # the other_anti category label is not a name
    # The same span counts for the person split too: its label is a person's name.
    assert good_all["basil_person_quote_attribution"].value == 1.0
    assert bad_all["basil_person_quote_attribution"].value == 0.0


async def test_a_group_label_is_left_out_of_the_person_split() -> None:
    c = _basil_case()
    c.bias_spans = [s.model_copy(update={"speaker": "Tea_Party"}) for s in c.bias_spans]
    out = await h.scores(basil.basil_quote_attribution, h.pipeline_ctx(c, _rec("Tea Party")))
    assert out["basil_quote_attribution"].value == 1.0
    assert out["basil_person_quote_attribution"].status == "skipped"


def _rec_member(group: str | None) -> Reconciliation:
    """A reconciliation whose only claim on the quoted sentence credits Bill Hennessy as its
    speaker, with the group the article named him by (or none); no quote names a speaker."""
    from service.schemas import Asserter, AsserterKind, Span

    rec = _rec("")
    sentence = 'Critics slammed the reckless plan. "We will not retreat," Rick Perry said.'
    hennessy = Asserter(name="Bill Hennessy", kind=AsserterKind.person, group=group)
    c = claim(
        "S1.C1",
        "S1",
        "We will not retreat",
        evidence=Span(start=0, end=len(sentence), text=sentence),
    ).model_copy(update={"speaker": hennessy})
    quotes = [q.model_copy(update={"speaker": None}) for q in rec.accounts[0].quotes]
    acc = rec.accounts[0].model_copy(update={"claims": [c], "quotes": quotes})
    return rec.model_copy(update={"accounts": [acc, rec.accounts[1]]})


@pytest.mark.parametrize(
    ("label", "group", "credited"),
    [
        ("Tea_Party", "St. Louis Tea Party", True),  # a named member, the group recorded
        ("Democratic_Lawmakers", "Democrats", True),  # "Rep. X, D-Md."
        ("NAACP", "N.A.A.C.P.", True),
        ("Tea_Party", None, False),  # a member whose group the article did not name
        ("Tea_Party", "NAACP", False),  # a member of another group
        ("Rick_Perry", "Rick Perry", False),  # a group never stands in for a person's label
    ],
)
async def test_a_group_label_counts_for_a_named_member_with_that_group(
    label: str, group: str | None, credited: bool
) -> None:
    c = _basil_case()
    c.bias_spans = [s.model_copy(update={"speaker": label}) for s in c.bias_spans[:1]]
    out = await h.scores(basil.basil_quote_attribution, h.pipeline_ctx(c, _rec_member(group)))
    assert (out["basil_quote_attribution"].value == 1.0) is credited


async def test_basil_lexical_leak() -> None:
    c = _basil_case()

    async def leak_free(sentence: str) -> Score:
        return await h.one(basil.basil_lexical_leak_free, h.summary_ctx(c, [sentence]))

    assert (await leak_free("Officials discussed the plan.")).value == 1.0
    assert (await leak_free('Critics called it a "reckless plan".')).value == 1.0
    leaked = await leak_free("The Reckless plan was adopted.")
    assert leaked.value == 0.0 and "REPEATED" in leaked.details[0].explanation


async def test_neus_coverage() -> None:
    c = Case(
        case_id="n", dataset="neus", name="n", articles=[], reference_summary=f"{h.F01} {h.F04}"
    )
    good = await h.one(neus.neus_coverage, h.summary_ctx(c, [h.F01, h.F04]))
    bad = await h.one(
        neus.neus_coverage, h.summary_ctx(c, ["Markets rose sharply on oil news today."])
    )
    assert good.value == 1.0
    assert bad.value == 0.0
