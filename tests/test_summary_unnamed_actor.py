"""A sentence that names no one and points to its person by role ("the congressman") cannot
lead: the reader does not learn whom the story is about (BASIL raters on NYT's anecdotal
opening, "A young man ... approached the congressman on a sidewalk": "dangling reference,
the congressman is never named"). Sentences from BASIL, PolNeAR train and NeuS where the
check must and must not fire."""

from __future__ import annotations

import pytest

from service.pipeline.summary_select import unnamed_actor


@pytest.mark.parametrize(
    ("text", "role"),
    [
        # basil c203f88c (NYT, Etheridge): the opening scene
        (
            "A young man, dressed in a jacket and tie, approached the congressman on a sidewalk "
            "(New York Times).",
            "the congressman",
        ),
        # basil c21cb217 (Weiner)
        (
            "But the congressman repeatedly declined to say whether the picture was an image of "
            "him.",
            "the congressman",
        ),
        # polnear-train politico_2016-05-31_cruz-looks-to-ease-b
        (
            "The senator who made enemies with fellow senators and bragged about it to voters "
            "now wants to make amends.",
            "the senator",
        ),
        # polnear-train west-journal_2016-05-17_trump-files-larg
        ("The candidate claims his net worth is in excess of $10 billion.", "the candidate"),
        # must not: the event told without a person (neus a61883b6, Outlet A)
        (
            "An intraparty battle delayed the bipartisan infrastructure effort as progressives "
            "held out on supporting the bill (Outlet A).",
            None,
        ),
        # must not: the person is named (basil c203f88c, NYT)
        (
            "Representative Bob Etheridge, Democrat of North Carolina, issued an apology on "
            "Monday for grabbing a young man by the hand, arm and neck.",
            None,
        ),
        # must not: a role with its name ("the president, Joe Biden") is named
        ("The bill was signed by the president, Joe Biden, on Friday.", None),
    ],
)
def test_a_sentence_that_points_to_an_unnamed_person(text: str, role: str | None) -> None:
    assert unnamed_actor(text) == role
