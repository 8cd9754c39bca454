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
