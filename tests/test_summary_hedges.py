"""A hedge before the reporting verb stays in the summary's frame.

"Polish authorities reportedly announce they're shipping ..." (NeuS, Outlet C) was summarised
as "Polish authorities said that they're shipping ...": the outlet does not vouch that the
announcement was made, the summary did (raters, NeuS round 21: "drops Outlet C's
'reportedly'"). Passages from NeuS, PolNeAR train and written ones, where the hedge must be
kept and where there is none to keep.
"""

from __future__ import annotations

import pytest

from service.pipeline.accounts import assemble_account
from service.pipeline.sources import sentence_units
from service.pipeline.summary_text import clause
from service.schemas import Source
from service.text.speech import analyse_article


def _clauses(text: str) -> list[str]:
    spans = sentence_units(text)
    source = Source(source_id="S1", outlet="Wire", text=text, sentences=spans)
    account = assemble_account(source, analyse_article(text, spans))
    return [c.text for claim in account.claims if (c := clause(claim, source)) is not None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NeuS c27960452e8b6c26, Outlet C
        (
            "Polish authorities reportedly announce they're shipping the activist back to the U.S.",
            "Polish authorities reportedly said that they're shipping the activist back",
        ),
        # written, after PolNeAR train (breitbart, "Trump reportedly said, ...")
        (
            "The minister allegedly told aides that the budget would be cut by half.",
            "The minister allegedly told aides that the budget would be cut by half",
        ),
        (
            "Company executives apparently said that the plant would close in March.",
            "Company executives apparently said that the plant would close in March",
        ),
        (
            "Russian officials reportedly said the talks would resume in May.",
            "Russian officials reportedly said that the talks would resume in May",
        ),
        # no hedge on the frame: none is added (the hedge inside the content is the content's)
        (
            "The senator said that the bill had reportedly stalled in committee.",
            "The senator said that the bill had reportedly stalled in committee",
        ),
    ],
)
def test_a_hedge_on_the_reporting_verb_stays(text: str, expected: str) -> None:
    assert any(expected in c for c in _clauses(text)), _clauses(text)


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        # BASIL 13393c3fd955cc58, New York Times: the leaders concluded, they said nothing
        (
            "At least six top Republicans have already taken steps to run for party chairman "
            "and several members have withdrawn their support for Mr. Steele, leading many "
            "party leaders to conclude that Mr. Steele will not seek reelection.",
            "concluded that Mr. Steele will not seek reelection",
            "said that Mr. Steele",
        ),
        # BASIL 2b4701ae36bcd5f7, Fox News: a poll's finding is what people think
        (
            "Most Americans think the group planning the mosque and Islamic cultural center has "
            "the right to build it, according to a Fox News poll released Friday.",
            "Most Americans thought that the group planning the mosque",
            "Most Americans said",
        ),
        # PolNeAR train (Breitbart)
        (
            "Privately, some Democratic officials think Wasserman Schultz is at risk of losing "
            "her Aug. 30 primary to Canova.",
            "thought that Wasserman Schultz is at risk",
            "said that Wasserman Schultz",
        ),
        # a speech verb stays "said" (written)
        (
            "The minister said the budget would be cut by half.",
            "The minister said the budget would be cut by half",
            "thought",
        ),
    ],
)
def test_a_verb_of_belief_keeps_its_sense(text: str, expected: str, absent: str) -> None:
    clauses = _clauses(text)
    assert any(expected in c for c in clauses), clauses
    assert not any(absent in c for c in clauses), clauses
