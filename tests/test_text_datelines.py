"""A wire dateline or an update label before a sentence is no part of it, and never a source.

Passages from BASIL (HuffPost, NYT, Fox) and PolNeAR train (Reuters copy in Breitbart and
HuffPost) where the parser made the place or the label the subject and the pipeline credited
"HARTFORD", "MACAU" or "UPDATE" with what the sentence reports; and sentences that must stay
whole.
"""

from __future__ import annotations

import pytest

from service.pipeline.accounts import assemble_account
from service.pipeline.sources import sentence_units
from service.schemas import Source
from service.text.speech import analyse_article


@pytest.mark.parametrize(
    ("text", "sentence", "speaker"),
    [
        (  # basil 85475456_3 (HuffPost)
            "HARTFORD, Conn. — Connecticut Attorney General and U.S. Senate candidate Richard "
            "Blumenthal said he had misspoken about his service.",
            "Connecticut Attorney General and U.S. Senate candidate Richard Blumenthal said he "
            "had misspoken about his service.",
            "Richard Blumenthal",
        ),
        (  # polnear-train huff-post_2016-05-16_trump-says-he-s-unlikely-to-have
            "LONDON (Reuters) - Donald Trump said he was unlikely to have a good relationship "
            "with David Cameron.",
            "Donald Trump said he was unlikely to have a good relationship with David Cameron.",
            "Donald Trump",
        ),
        (  # polnear-train breitbart_2015-12-20_republican-donor-adelson-and-tru
            "MACAU (Reuters) – Top Republican Party donor Sheldon Adelson said on Friday he met "
            "presidential candidate Donald Trump earlier this week.",
            "Top Republican Party donor Sheldon Adelson said on Friday he met presidential "
            "candidate Donald Trump earlier this week.",
            "Sheldon Adelson",
        ),
        (  # basil 005a2961_2 (Fox)
            "WASHINGTON -- Real estate tycoon Donald Trump said Thursday he has doubts about "
            "whether President Obama was born in the United States.",
            "Real estate tycoon Donald Trump said Thursday he has doubts about whether President "
            "Obama was born in the United States.",
            "Donald Trump",
        ),
        (  # basil 576116e5_1 (HuffPost)
            "UPDATE: AARP CEO A. Barry Rand said in a statement that Social Security should be "
            "strengthened.",
            "AARP CEO A. Barry Rand said in a statement that Social Security should be "
            "strengthened.",
            "A. Barry Rand",
        ),
        (  # polnear-train breitbart_2016-09-26 (UPI copy): a day in the dateline
            "HEMPSTEAD, N.Y., Sept. 26 (UPI) — Green Party presidential candidate Jill Stein "
            "said she was arrested.",
            "Green Party presidential candidate Jill Stein said she was arrested.",
            "Jill Stein",
        ),
        # must stay whole: a hyphen with no space before it is no dash (polnear-train: the
        # headlines "AFL-CIO to endorse Clinton." and "GOVERNMENTS RECAST ANTI-EXTREMISM
        # EFFORTS." lost "AFL-" and "GOVERNMENTS RECAST ANTI-" to the earlier pattern)
        ("AFL-CIO to endorse Clinton.", "AFL-CIO to endorse Clinton.", None),
        (
            "U.S.-Mexico talks resumed on Monday, officials said.",
            "U.S.-Mexico talks resumed on Monday, officials said.",
            "officials",
        ),
        # must stay whole: a transcript's speaker turn (polnear-train, Breitbart: CNN
        # transcript), an acronym subject, a dash inside the sentence
        (
            "TAPPER: Do you think Donald Trump has campaigned as a racial healer?",
            "TAPPER: Do you think Donald Trump has campaigned as a racial healer?",
            None,
        ),
        (
            "NATO said on Monday it would - if asked - send more troops.",
            "NATO said on Monday it would - if asked - send more troops.",
            "NATO",
        ),
        (
            "A-ROD - the player - said nothing about the deal.",
            "A-ROD - the player - said nothing about the deal.",
            "A-ROD",
        ),
    ],
)
def test_a_dateline_or_label_is_no_part_of_the_sentence(
    text: str, sentence: str, speaker: str | None
) -> None:
    spans = sentence_units(text)
    assert [s.text for s in spans] == [sentence]
    assert all(text[s.start : s.end] == s.text for s in spans)  # offsets into the article
    source = Source(source_id="S1", outlet="Wire", text=text, sentences=spans)
    account = assemble_account(source, analyse_article(text, spans))
    names = [
        n
        for c in account.claims
        if c.source_span is not None
        for n in (c.asserter.name, c.speaker.name if c.speaker else "")
    ]
    if speaker is not None:
        assert any(speaker in n for n in names), names
    lead_ins = {"HARTFORD", "LONDON", "MACAU", "WASHINGTON", "UPDATE"}
    assert not any(n.split(",")[0] in lead_ins for n in names), names
