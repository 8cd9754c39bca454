"""Which reports fill the summary after the lead: each outlet's own details of a shared point,
the outlets in turn, and nothing the summary has already said in other words."""

from __future__ import annotations

import pytest

from service.pipeline.alignment import Edge, build_groups
from service.pipeline.drafts import Relation
from service.pipeline.summary_checks import novelty
from service.schemas import Claim, ClaimGroup, Source, Summary
from tests.builders import claim, source, template_summary


@pytest.mark.parametrize(
    ("earlier", "text", "repeats"),
    [
        # NeuS (Macron grants): the second outlet's wording of the same plan.
        (
            "Emmanuel Macron is preparing to award all-expenses-paid grants for U.S. scientists "
            "to relocate to France (Outlet C).",
            "According to his office, Emmanuel Macron plans to award grants for U.S.-based "
            "scientists to relocate to France (Outlet A).",
            True,
        ),
        # NeuS (jobs report): the rate the summary has already given.
        (
            "Outlet A reports that employers add 266,000 jobs, unemployment rate drops to "
            "50-year low of 3.5%.",
            "Outlet B reports that the unemployment rate was 3.5 percent, down from the low.",
            True,
        ),
        # BASIL (NAACP resolution): the same resolution, with where and by whom it passed.
        (
            "The NAACP adopted a resolution Tuesday condemning racist elements in the Tea Party "
            "movement (Fox News).",
            "New York Times reports that delegates at the annual convention of the National "
            "Association for the Advancement of Colored People approved the measure Tuesday in "
            "Kansas City.",
            False,
        ),
        # Written: a second fact about the same event.
        (
            "The bridge over the river closed on Monday (Wire A).",
            "Paper B reports that the city will pay for the repairs out of its reserve fund.",
            False,
        ),
    ],
)
def test_a_report_the_summary_has_already_made_adds_nothing(
    earlier: str, text: str, repeats: bool
) -> None:
    from service.pipeline.summary import NOVELTY_MIN

    assert (novelty(text, [earlier]) < NOVELTY_MIN) is repeats


SHORT = "Richard Spencer was stopped by authorities in Europe this week."
LONG = (
    "Richard Spencer was stopped on his way to Sweden and sent back to the United States "
    "because of a ban."
)
A_MORE = [
    "Spencer had planned to speak at a conference of young activists.",
    "The conference organisers cancelled the event on Friday.",
    "Police in Stockholm declined to comment on the case.",
]
B_MORE = "The ban was issued by Poland and covers most of the European Union."


def _event() -> tuple[list[Source], list[Claim], list[ClaimGroup]]:
    """Both outlets report the stop (B with where and why); A has three more reports, B one."""
    sources = [source("S1", "Wire A", SHORT, *A_MORE), source("S2", "Paper B", LONG, B_MORE)]
    cs: list[Claim] = []
    for s in sources:
        for n, span in enumerate(s.sentences, 1):
            cs.append(
                claim(
                    f"{s.source_id}.C{n}", s.source_id, span.text, evidence=span, sentence_ids=[n]
                )
            )
    groups = build_groups(cs, [Edge("S1.C1", "S2.C1", Relation.same, 0.7)])
    return sources, cs, groups


async def _summary(sources: list[Source], cs: list[Claim], groups: list[ClaimGroup]) -> Summary:
    return await template_summary(sources, groups, cs)


async def test_an_outlets_own_details_of_a_shared_point_are_not_lost_behind_anothers_words() -> (
    None
):
    sources, cs, groups = _event()
    summary = await _summary(sources, cs, groups)
    assert summary.sentences[0].text.startswith(SHORT[:-1])
    assert summary.sentences[0].source_ids == ["S1"]  # B's report lacks "Europe"
    # B's version, with Sweden and the ban, follows as B's report.
    assert any("Sweden" in s.text and s.source_ids == ["S2"] for s in summary.sentences)


async def test_after_the_lead_the_outlet_cited_least_is_heard_next() -> None:
    sources, cs, groups = _event()
    summary = await _summary(sources, cs, groups)
    ids = [c for s in summary.sentences for c in s.claim_ids]
    # Paper B's own report is heard; Wire A's next reports, its article's first sentences (which
    # tell its event: never asides), fit the budget of these short articles.
    assert "S2.C2" in ids
    assert "S1.C2" in ids and "S1.C3" in ids


async def test_a_report_far_down_that_shares_nothing_with_the_others_is_an_aside() -> None:
    sources = [
        source(
            "S1",
            "Wire A",
            SHORT,
            *A_MORE,
            "Grain exports from the Baltic ports rose by a fifth in the spring season.",
        ),
        source("S2", "Paper B", LONG, B_MORE),
    ]
    cs = [
        claim(f"{s.source_id}.C{n}", s.source_id, span.text, evidence=span, sentence_ids=[n])
        for s in sources
        for n, span in enumerate(s.sentences, 1)
    ]
    groups = build_groups(cs, [Edge("S1.C1", "S2.C1", Relation.same, 0.7)])
    ids = [c for s in (await _summary(sources, cs, groups)).sentences for c in s.claim_ids]
    assert "S2.C2" in ids and "S1.C2" in ids
    assert "S1.C5" not in ids  # Wire A's fifth sentence: another story


async def test_an_articles_opening_report_is_heard_even_in_its_own_words_but_never_leads() -> None:
    # NeuS (House rules package): the third outlet opens on two members' opposition, in
    # names the others do not use; it is about the event all the same.
    sources = [
        source(
            "S1", "Wire A", "Democrats are proposing a return to regular order in their new rules."
        ),
        source(
            "S2", "Paper B", "House Democrats have unveiled a package of new rules for Congress."
        ),
        source(
            "S3",
            "Site C",
            "Alexandria Ocasio-Cortez and Ro Khanna announced Wednesday they will vote against "
            "Nancy Pelosi's package.",
        ),
    ]
    cs = [
        claim(f"{s.source_id}.C1", s.source_id, s.sentences[0].text, evidence=s.sentences[0])
        for s in sources
    ]
    summary = await _summary(sources, cs, build_groups(cs, []))
    cited = [s.source_ids for s in summary.sentences]
    assert ["S3"] in cited
    assert summary.sentences[0].source_ids != ["S3"]


async def test_an_article_cut_off_mid_sentence_gives_no_clause() -> None:
    from service.pipeline.summary_text import clause

    cut = source("S1", "Site C", "Two members said they will vote against incoming House Speaker")
    whole = source("S2", "Site D", "Two members said they will vote against the package.")
    for s, usable in ((cut, False), (whole, True)):
        c = claim("X.C1", s.source_id, s.sentences[0].text, evidence=s.sentences[0])
        assert (clause(c, s) is not None) is usable


# The sentence of its article that tells an outlet's headline (`headline_claims`): NeuS
# headlines with a sentence of their article beside a written one, a written case with a
# headline after BASIL's (HuffPost on Steele), and one headline no sentence tells.
HEADLINE_CASES = [
    # NeuS (Hope Hicks), Outlet B: its sentence tells the headline, the written one before does not.
    (
        "Trump bringing back trusted aide Hope Hicks to White House",
        [
            "Hicks left the White House in March 2018.",
            "Hope Hicks, one of President Donald Trump's most trusted and longest-serving aides, "
            "is returning to the White House as the president works to surround himself with "
            "loyalists.",
        ],
        1,
    ),
    # NeuS (stocks), Outlet B: the tech companies' losses (the first sentence written).
    (
        "Tech's big five lost nearly $270 billion in value in Thursday's market plunge",
        [
            "Stocks fell sharply on Thursday.",
            "The five most valuable tech companies lost more than $269 billion in value on "
            "Thursday, the worst day for U.S. stocks since March.",
        ],
        1,
    ),
    # Written, with HuffPost's headline (BASIL, Steele): the first sentence tells it.
    (
        "Michael Steele's End Could Be Near",
        [
            "RNC Chairman Michael Steele's days at the helm of the committee could be numbered.",
            "Steele will speak with RNC members Monday evening.",
        ],
        0,
    ),
    # NeuS (Iraq), Outlet B's headline; written sentences, none with half its words.
    (
        "The Latest: US forces halt anti-IS operations in Iraq",
        [
            "The U.S.-led coalition said it is pausing operations in support of Iraqi forces.",
            "Iraqi lawmakers voted to expel the troops.",
        ],
        None,
    ),
]


@pytest.mark.parametrize(("title", "sentences", "told_in"), HEADLINE_CASES)
def test_the_sentence_that_tells_an_outlets_headline(
    title: str, sentences: list[str], told_in: int | None
) -> None:
    from service.pipeline.summary_select import headline_claims

    src = source("S1", "Outlet B", *sentences, title=title)
    claims = {
        f"S1.C{n}": claim(f"S1.C{n}", "S1", s, sentence_ids=(n,))
        for n, s in enumerate(sentences, 1)
    }
    found = headline_claims([src], claims)
    assert found.get("S1") == (None if told_in is None else f"S1.C{told_in + 1}")
