"""Page furniture that points elsewhere on the page ("Watch the video above.", a lead-in that
ends on its colon) carries no claim (`editorial.POINTER`): sentences from PolNeAR train and
BASIL where it must fire, and lead-ins with their content, where it must not."""

from __future__ import annotations

import pytest

from service.pipeline.accounts import analysable
from service.schemas import Source, Span
from service.text.editorial import POINTER


@pytest.mark.parametrize(
    ("sentence", "pointer"),
    [
        # PolNeAR train (HuffPost, Breitbart, USA Today, Politico, Washington Post), BASIL
        ("Watch the video above.", True),
        ("Listen to the interview, embedded below:", True),
        ("Follow him on Twitter at @joelpollak.", True),
        ("Follow @USATOpinion or #tellusatoday on Twitter for more of this discussion.", True),
        ("Here's an excerpt from the Times report:", True),
        ("Here are three reasons the Stop Trump movement should be optimistic:", True),
        ("See the Bachmann cover below, and tell us whether you think it crosses a line.", True),
        # the content follows the colon, or there is no colon: a report or a quotation
        (
            "Here’s Clinton in December 1992: “Our new direction must rest on an understanding "
            "of the new realities of global competition.”",
            False,
        ),
        (
            "Here is the thing: They should support the Democratic candidate who got the most votes.",
            False,
        ),
        ("Here are five key trends to watch across the states this year.", False),
        (
            "Take a look at what John Leguizamo, Zoe Saldana and many more Latinos said that "
            "really got us thinking in 2015.",
            False,
        ),
        ("Watchdog groups said the video above the fold was misleading.", False),
    ],
)
def test_a_pointer_to_elsewhere_on_the_page(sentence: str, pointer: bool) -> None:
    assert bool(POINTER.match(sentence)) is pointer


def test_a_pointer_sentence_is_not_analysed_for_claims() -> None:
    text = (
        "Blumenthal's campaign called the report an outrageous distortion. "
        "Here's an excerpt from the Times report: "
        "In at least eight newspaper articles he is described as having served in Vietnam."
    )
    spans, at = [], 0
    for part in [
        "Blumenthal's campaign called the report an outrageous distortion.",
        "Here's an excerpt from the Times report:",
        "In at least eight newspaper articles he is described as having served in Vietnam.",
    ]:
        start = text.index(part, at)
        spans.append(Span(start=start, end=start + len(part), text=part))
        at = start + len(part)
    source = Source(source_id="S1", outlet="HuffPost", text=text, sentences=spans)
    assert analysable(source) == [1, 3]
