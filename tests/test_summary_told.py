"""Another outlet's report shown without what the summary has already told
(`summary_told.drop_told`), and a hedged report of an outlet's own credited once.

NeuS raters: "repeats 'white nationalist leader Richard Spencer' twice", "three stitched
sentences restate the same return", "'Outlet A reports that ... was reportedly stopped'
doubles the hedging". Sentences from NeuS and BASIL (where it must and must not fire) and
written ones.
"""

from __future__ import annotations

import pytest

from service.pipeline.accounts import assemble_account
from service.pipeline.sources import sentence_units
from service.pipeline.summary_build import Builder
from service.pipeline.summary_told import drop_told
from service.schemas import Source
from service.text.speech import analyse_article

SPENCER_LEAD = (
    "White nationalist and “alt-right” leader Richard Spencer was stopped on his way to Sweden "
    "and sent back to the United States because of a ban excluding him from most of the "
    "European Union, he said Friday (Outlet B)."
)
HICKS_LEAD = (
    "The White House said that Hope Hicks, one of Trump’s most trusted confidants, will return "
    "to the White House to work directly for the president’s son-in-law and top adviser, Jared "
    "Kushner (Outlet A)."
)


@pytest.mark.parametrize(
    ("text", "told", "expected"),
    [
        # NeuS c27960452e8b6c26, Outlet A: the subject's title was the lead's
        (
            "white nationalist leader Richard Spencer was reportedly stopped by authorities in "
            "Europe this week while attempting to travel to address young white nationalists",
            [SPENCER_LEAD],
            "Richard Spencer was reportedly stopped by authorities in Europe this week while "
            "attempting to travel to address young white nationalists",
        ),
        # NeuS 7a7273a84e037e2f, Outlet B: where she returns to, the lead told
        (
            "Hope Hicks, one of President Donald Trump’s most trusted and longest-serving aides, "
            "is returning to the White House as the president works to surround himself with "
            "loyalists",
            [HICKS_LEAD],
            "Hope Hicks, one of President Donald Trump’s most trusted and longest-serving aides, "
            "is returning as the president works to surround himself with loyalists",
        ),
        # NeuS 9d11ddd3231cb56f, Outlet A: a fronted date goes with its comma
        (
            'on Thursday, Paul, a Republican, introduced the "Justice for Breonna Taylor Act," a '
            "two-page long bill that would effectively ban no-knock warrants",
            ["Kentucky Sen. Rand Paul introduced a bill on Thursday to ban no-knock warrants."],
            'Paul, a Republican, introduced the "Justice for Breonna Taylor Act," a two-page long '
            "bill that would effectively ban no-knock warrants",
        ),
        # BASIL b52d2a60090cac0d, HuffPost: the day the lead gave
        (
            "A group called the St. Louis Tea Party issued its own resolution Tuesday calling on "
            "the NAACP to withdraw the proposal",
            ['The NAACP adopted a resolution Tuesday condemning "racist elements" (Fox News).'],
            "A group called the St. Louis Tea Party issued its own resolution calling on the "
            "NAACP to withdraw the proposal",
        ),
        # written: a second verb with nothing new goes with its "and"
        (
            "The mayor resigned on Monday and left the city hall in the evening",
            ["The mayor left the city hall (Outlet A).", "It was the evening (Outlet B)."],
            "The mayor resigned on Monday",
        ),
    ],
)
def test_what_the_summary_told_is_left_out(text: str, told: list[str], expected: str) -> None:
    assert drop_told(text, told) == expected


@pytest.mark.parametrize(
    ("text", "told"),
    [
        # a copula's phrase is its predicate (NeuS impeachment event: "the second is")
        (
            "One article is on abuse of power, the second is on obstruction of Congress",
            ["Democrats will charge Trump with abuse of power and obstruction of Congress."],
        ),
        # NeuS 7a7273a84e037e2f, Outlet C: the title is new, the subject stays whole
        (
            "former White House communications director Hope Hicks is set to return in a "
            "different role",
            [HICKS_LEAD],
        ),
        # a phrase the verb needs ("accused ... of"), though the summary told its words
        (
            "The committee accused the president of abuse of power",
            ["The articles charge abuse of power (Outlet A)."],
        ),
        # quoted words stay whole, though told (BASIL, Blumenthal, written around it)
        (
            'Blumenthal said he served "in Vietnam" at the ceremony',
            ['He served "in Vietnam" (New York Times).', "The ceremony (Fox News)."],
        ),
        # nothing new would be left: the report is not shortened into a stub
        (
            "Richard Spencer was stopped on his way to Sweden",
            [SPENCER_LEAD],
        ),
        # a phrase with a word the summary lacks stays (NeuS, Hicks: "in a different role")
        (
            "Hope Hicks is set to return in a different role",
            [HICKS_LEAD],
        ),
    ],
)
def test_nothing_is_left_out(text: str, told: list[str]) -> None:
    assert drop_told(text, told) is None


def _point(text: str) -> str:
    spans = sentence_units(text)
    source = Source(source_id="S1", outlet="Wire", text=text, sentences=spans)
    account = assemble_account(source, analyse_article(text, spans))
    b = Builder([source], {c.claim_id: c for c in account.claims})
    stated = b.point(account.claims[:1], prefer_outlet=False)
    assert stated is not None
    return stated[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NeuS c27960452e8b6c26 (Outlet A) and 1a628f9f7175d627 (Outlet A): hedged narration
        (
            "Richard Spencer was reportedly stopped by authorities in Europe this week.",
            "Richard Spencer was reportedly stopped by authorities in Europe this week (Wire)",
        ),
        (
            "The special counsel reportedly obtained a sealed indictment on Friday.",
            "The special counsel reportedly obtained a sealed indictment on Friday (Wire)",
        ),
        # no hedge: the outlet's own report says whose it is first
        (
            "Iraqi lawmakers voted on Sunday to expel the troops.",
            "Wire reports that Iraqi lawmakers voted on Sunday to expel the troops",
        ),
    ],
)
def test_hedged_narration_is_credited_once(text: str, expected: str) -> None:
    assert _point(text) == expected


def _between(text: str) -> list[str]:
    spans = sentence_units(text)
    source = Source(source_id="S1", outlet="Wire", text=text, sentences=spans)
    account = assemble_account(source, analyse_article(text, spans))
    b = Builder([source], {c.claim_id: c for c in account.claims})
    return [c.statement for c in account.claims if b.between_one_speakers_words(c)]


@pytest.mark.parametrize(
    ("text", "left_out"),
    [
        # BASIL be8087dbba638e0e, New York Times (Beck at CPAC)
        (
            "Glenn Beck spoke last. But both parties are to blame, he said. The Democrats tax and spend, while the "
            "Republicans just spend. People are losing a fundamental belief that things will get "
            "better, he said.",
            "The Democrats tax and spend",
        ),
        # PolNeAR train (USA Today, student debt; an expert's figures between his cues)
        (
            "The amount of debt an average college student has is affordable -- but then there "
            "are the outliers, Mark Kantrowitz said. Nationally, about a quarter of students "
            "graduate with excessive debt. As a general rule, students with an income above "
            "their debt should have no trouble paying the loans back, Kantrowitz said.",
            "Nationally, about a quarter of students graduate with excessive debt",
        ),
        # PolNeAR train (Washington Post, a strategist's account between his cues)
        (
            "This has been a persistent concern for Democrats this year, Mo Elleithee said. At "
            "first, there was pressure on Clinton to get into the race earlier than she did. And "
            "now there is some discomfort with the notion that Democratic priorities are getting "
            "less attention nationally, Elleithee said.",
            "At first, there was pressure on Clinton",
        ),
    ],
)
def test_a_sentence_between_one_persons_cues_is_not_the_outlets(text: str, left_out: str) -> None:
    assert any(s.startswith(left_out) for s in _between(text)), _between(text)


@pytest.mark.parametrize(
    "text",
    [
        # PolNeAR train (USA Today): a quotation before it is no report in the outlet's words
        '"We felt that we could reach the people we need to reach," Teddy Goff said. Obama for '
        "America built Facebook and Twitter followings of more than 45 million. People have "
        "more power over what they consume, Goff said.",
        # written: two different speakers around it
        "The plan will fail, Senator Ann Ortiz said. The vote is set for Tuesday. The plan will "
        "pass, Senator Mark Hale said.",
    ],
)
def test_a_sentence_not_between_one_persons_cues_stays(text: str) -> None:
    assert _between(text) == []
