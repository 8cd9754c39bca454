"""Reported-speech frames from the dependency parse: who speaks, through which channel, what.

Sentences are written for these tests (general reporting grammar), not copied from the seeds.
"""

from __future__ import annotations

import pytest

from service.pipeline.accounts import assemble_account
from service.pipeline.sources import sentence_units
from service.schemas import AsserterKind, ClaimKind, Source
from service.text.speech import MAX_TOKENS, SentenceSpeech, analyse_article, pos_tags


def _speech(text: str) -> tuple[list[SentenceSpeech], str]:
    return analyse_article(text, sentence_units(text)), text


def _main(text: str) -> tuple[str, str | None, str]:
    speech, _full = _speech(text)
    frame = speech[-1].frames[0]
    return frame.speaker.name, frame.via.name if frame.via else None, frame.text


def test_inverted_quotation_is_the_speakers() -> None:
    name, via, content = _main(
        '"The dam will hold through the winter," the regional water authority said on Monday.'
    )
    assert name == "regional water authority"
    assert via is None
    assert content.startswith("The dam will hold")


def test_a_nested_speaker_speaks_through_the_outer_channel() -> None:
    name, via, content = _main(
        "Garcia said that the plant had no licence to export, the trade ministry said."
    )
    assert (name, via) == ("Garcia", "trade ministry")
    assert "no licence" in content


def test_according_to_is_a_channel_for_the_speaker_inside_it() -> None:
    name, via, _ = _main("According to the club's statement, Okafor said he would stay.")
    assert (name, via) == ("Okafor", "club")


def test_according_to_alone_is_the_speaker() -> None:
    name, via, content = _main("The bridge will reopen in May, according to city engineers.")
    assert (name, via) == ("city engineers", None)
    assert content == "The bridge will reopen in May"


def test_a_response_clause_is_split_from_the_claim_it_answers() -> None:
    speech, _ = _speech(
        "The union said that the company had agreed to a wage rise, a claim that the company "
        "immediately denied."
    )
    frames = speech[0].frames
    assert [f.speaker.name for f in frames] == ["union", "company"]
    assert frames[1].refers_back and frames[1].denial
    assert "claim" not in frames[0].text  # the denial is not part of what the union said


def test_mid_sentence_attribution_covers_the_clause_after_it() -> None:
    speech, _ = _speech(
        "The talks were useful, two diplomats told Reuters, but no date was set for a new round."
    )
    frames = speech[0].frames
    assert [f.speaker.name for f in frames] == ["two diplomats", "two diplomats"]
    assert frames[1].text.startswith("no date was set")
    assert frames[0].speaker.kind is AsserterKind.anonymous_source


def test_pronouns_and_descriptions_resolve_to_the_named_person() -> None:
    speech, _ = _speech(
        "Texas Gov. Rick Perry spoke in Austin on Tuesday. Perry said the state would appeal. "
        "He added that the ruling was wrong. The governor said that he expected to win."
    )
    speakers = [s.frames[0].speaker for s in speech if s.frames]
    assert [p.name for p in speakers] == ["Rick Perry", "Rick Perry", "Rick Perry"]
    assert speakers[1].mention == "He"
    assert speakers[2].mention == "The governor"


def test_the_source_is_the_last_source_introduced() -> None:
    speech, _ = _speech(
        "A source close to the coach said the player was injured. "
        '"He will miss the final," the source told AFP.'
    )
    assert speech[1].frames[0].speaker.name == "a source close to the coach"


def test_a_quotation_without_a_cue_continues_the_previous_speaker() -> None:
    speech, _ = _speech(
        '"We will rebuild," Mayor Anna Berg said. "It will take years, not months."'
    )
    assert speech[1].frames == []
    assert speech[1].carried is not None and speech[1].carried.name == "Anna Berg"


@pytest.mark.parametrize(
    "sentence",
    [
        "The coach hopes to win the cup next season.",
        "The minister tried to warn the president against invading.",
        "Prices rose sharply in the second quarter.",
    ],
)
def test_no_frame_without_reported_speech(sentence: str) -> None:
    speech, _ = _speech(sentence)
    assert speech[0].frames == []
    assert speech[0].outlet_text


def test_a_run_on_sentence_is_not_parsed() -> None:
    text = " ".join(["word"] * (MAX_TOKENS + 50)) + "."
    speech, _ = _speech(text)
    assert speech[0].too_long and speech[0].frames == []


def test_pos_tags_are_coarse() -> None:
    assert ("quickly", "ADV") in pos_tags("The board quickly approved the plan.")


def _account(text: str) -> list[tuple[str, str, str | None, str]]:
    spans = sentence_units(text)
    source = Source(source_id="S1", outlet="Wire", text=text, sentences=spans)
    account = assemble_account(source, analyse_article(text, spans))
    return [
        (c.asserter.name, c.kind.value, c.speaker.name if c.speaker else None, c.statement)
        for c in (*account.claims, *account.editorial)
    ]


def test_sourcing_rules() -> None:
    claims = _account(
        "The ministry said the border would stay closed. "
        "Ruiz said that the vote was delayed, the electoral board said. "
        "Mayor Jan Novak said the council would resign. "
        "The plan can only lead to disaster."
    )
    # A body speaks for itself; a named person via a channel is credited to the channel; a
    # person with no channel is the outlet's report of what they said; editorializing is opinion.
    assert claims[0][:3] == ("ministry", ClaimKind.attributed_claim.value, "ministry")
    assert claims[1][:3] == ("electoral board", ClaimKind.attributed_claim.value, "Ruiz")
    assert claims[2][0] == "the outlet" and claims[2][2] == "Jan Novak"
    assert "Novak said" in claims[2][3]  # the statement keeps who said it
    assert claims[3][:2] == ("the outlet", ClaimKind.opinion.value)


async def test_a_huge_unpunctuated_article_neither_stalls_nor_hangs_the_event_loop() -> None:
    # Issue 10, defect 1: 197 KB without sentence punctuation used to block the event loop
    # for minutes in a quadratic cue search. Now the parse is capped per sentence and runs in
    # a worker thread, so other tasks keep running while the account is built.
    import asyncio

    from service.pipeline.accounts import build_account
    from service.pipeline.progress import no_progress
    from service.schemas import RunWarning

    text = " ".join(f"word{i % 50} said" for i in range(40_000))  # ~400 KB, no full stop
    spans = sentence_units(text)
    source = Source(source_id="S1", outlet="X", text=text, sentences=spans)
    ticks = 0
    done = asyncio.Event()

    async def heartbeat() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    beat = asyncio.create_task(heartbeat())
    warnings: list[RunWarning] = []
    account = await build_account(source, warnings=warnings, progress=no_progress)
    done.set()
    await beat
    assert ticks >= 1  # the loop was free while the article was analysed
    assert any("too long to parse" in w.message for w in warnings)
    assert all(c.asserter.name == "the outlet" for c in account.claims)


def test_a_back_referring_rejection_is_an_act_the_outlet_reports() -> None:
    # "the story that A, an idea that B rejected": B's act on A, told in the outlet's voice
    # (like "officials rejected the offer"); the loaded "peddled the story" is the outlet's
    # word about A's account, so it does not make B's act an opinion.
    claims = _account(
        "State media peddled the story that the mill fire was set by rebels, an idea that the "
        "rebel council has rejected as absurd."
    )
    rejection = [c for c in claims if c[1] == "denial"]
    assert len(rejection) == 1
    asserter, _kind, speaker, statement = rejection[0]
    assert (asserter, speaker) == ("the outlet", "rebel council")
    assert "the idea that the mill fire was set by rebels" in statement
    assert "peddled" not in statement


def test_the_sentences_inside_a_quotation_over_several_sentences_are_the_speakers() -> None:
    claims = _account(
        # The closing mark hangs on the next sentence (no space after it, as scraped copy
        # often has), so the splitter cuts the quotation into sentences of its own.
        'In a statement, Mayor Ana Ruiz said, "the budget was cut again, and the council knew '
        'it. This plan must stop. Closing libraries is wrong. "Ruiz is running for a second '
        "term.\nThe library board meets on Monday."
    )
    by_text = {statement: (asserter, speaker) for asserter, _k, speaker, statement in claims}
    inside = next(s for s in by_text if "This plan must stop" in s)
    assert "Ana Ruiz" in (by_text[inside][1] or "")
    last = next(s for s in by_text if "Closing libraries" in s)
    assert "Ana Ruiz" in (by_text[last][1] or "")
    after = next(s for s in by_text if "second term" in s)
    assert by_text[after][1] is None  # the quotation closed before it
    board = next(s for s in by_text if "library board" in s)
    assert by_text[board][1] is None


def test_a_stray_quotation_mark_does_not_quote_the_next_paragraph() -> None:
    claims = _account(
        'Ruiz said, "the budget was cut. It is wrong.\n'
        "The library board meets on Monday. Tickets cost five dollars."
    )
    later = [c for c in claims if "board" in c[3] or "Tickets" in c[3]]
    assert later and all(speaker is None for _a, _k, speaker, _s in later)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # BASIL 2b4701ae (HuffPost): the statement's issuer, not the article "a".
        (
            '"The First Amendment protects freedom of religion," reads a statement from Senate '
            "Majority Leader Harry Reid's office (D-Nev.).",
            "Senate Majority Leader Harry Reid's office",
        ),
        # Written: "from" a person.
        ('"We will rebuild," said a statement from the mayor.', "mayor"),
        # BASIL 20c7e089 (Fox): a document with no issuer named is the document.
        ('"Such discussions are fully consistent with the law," the report read.', "report"),
    ],
)
def test_a_document_speaks_for_whoever_issued_it(text: str, speaker: str) -> None:
    name, _via, _content = _main(text)
    assert name == speaker


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        # NeuS (travel ban): the actor keeps its article and where it sits.
        (
            "U.S.-bound migrants were seizing the opportunity to enter the United States on "
            "Sunday after a federal appeals court in San Francisco denied the Trump "
            "administration request for immediate reinstatement of a temporary travel ban.",
            "a federal appeals court in San Francisco denied the Trump administration request "
            "for immediate reinstatement of a temporary travel ban",
        ),
        # Written: the words between the actor and the act stay.
        (
            "Union officials on Monday rejected the offer from the city.",
            "Union officials on Monday rejected the offer from the city",
        ),
    ],
)
def test_an_act_the_outlet_reports_keeps_the_articles_words(text: str, statement: str) -> None:
    acts = [c for c in _account(text) if c[2] is not None and c[0] == "the outlet"]
    assert [c[3] for c in acts] == [statement]


@pytest.mark.parametrize(
    ("headline", "speaker"),
    [
        ("Graham: Trump’s rhetoric is destroying the party’s chance to win.", "Graham"),  # PolNeAR
        ("Poll: Sanders leads Clinton nationally for the first time.", "Poll"),  # PolNeAR
        ("France rejects Russian offer for Ukraine peace talks.", None),  # the seeds' headline
    ],
)
async def test_a_headline_is_a_claim_only_when_it_names_its_source(
    headline: str, speaker: str | None
) -> None:
    # "<source>: <claim>" is that source's claim; any other headline is the outlet's framing
    # and carries no claim (the summary never uses a headline either way).
    from service.pipeline.accounts import build_account
    from service.pipeline.progress import no_progress

    text = headline + " The senator spoke to donors in Washington on Thursday."
    spans = sentence_units(text)
    source = Source(source_id="S1", outlet="Wire", text=text, sentences=spans, title=headline)
    account = await build_account(source, warnings=[], progress=no_progress)
    from_headline = [c for c in account.claims if c.sentence_ids == [1]]
    if speaker is None:
        assert from_headline == []
    else:
        assert [c.speaker.name if c.speaker else None for c in from_headline] == [speaker]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A title that names a body before a full name is still a person (BASIL, Fox).
        ("Senate Majority Leader Harry Reid said the vote would wait.", AsserterKind.person),
        (
            "White House press secretary Robert Gibbs said the president was briefed.",
            AsserterKind.person,
        ),
        # A body is a body.
        ("The Senate Finance Committee said the report was final.", AsserterKind.institution),
    ],
)
def test_a_titled_full_name_is_a_person(text: str, kind: AsserterKind) -> None:
    speech = analyse_article(text, sentence_units(text))
    assert speech[0].main is not None
    assert speech[0].main.speaker.kind is kind


def test_a_quotation_after_written_words_is_written_too() -> None:
    # BASIL (NYT, Steele's e-mail): '"Dear Members, ...," Mr. Steele wrote in a message.
    # "Thank you ..."' had the second line "said"; the raters: "it was not spoken".
    from service.pipeline.accounts import assemble_account
    from service.pipeline.summary_text import clause

    for verb, expected in (("wrote in a message to members", "wrote"), ("said on Monday", "said")):
        text = (
            f"\u201cPlease join me for a call,\u201d Mr. Steele {verb}. "
            "\u201cThank you and I look forward to talking to you.\u201d"
        )
        src = Source(source_id="S1", outlet="Wire", text=text, sentences=sentence_units(text))
        account = assemble_account(src, analyse_article(text, src.sentences))
        carried = [c for c in account.claims if "carry.quote" in c.rule_ids]
        assert carried and carried[0].cue == expected
        shown = clause(carried[0], src)
        assert shown is not None and shown.text.startswith(f"Steele {expected}: ")


@pytest.mark.parametrize(
    ("sentence", "outlet_words"),
    [
        # NeuS (Mueller grand jury): the report is the Journal's; the outlet's own words keep
        # no dangling "By,"
        (
            "By reporting that special counsel Robert Mueller has impaneled a grand jury in "
            "Washington, the Wall Street Journal created a psychological shift.",
            "the Wall Street Journal created a psychological shift",
        ),
        # PolNeAR train: a preposition whose whole object is the reported clause goes with it
        (
            "Bolton distanced himself from the NeverTrump movement by saying that he would "
            "support the nominee.",
            "Bolton distanced himself from the NeverTrump movement",
        ),
        (
            "The administration threw a scare into the industry two years ago by announcing "
            "that it would review every contract.",
            "The administration threw a scare into the industry two years ago",
        ),
        # BASIL (the phrase reworded): the comma that closed the phrase goes with it
        (
            "But with Republicans saying that they will block any deal before the vote, "
            "negotiators will have to move quickly.",
            "But negotiators will have to move quickly",
        ),
    ],
)
def test_a_preposition_goes_with_the_reported_clause_it_introduces(
    sentence: str, outlet_words: str
) -> None:
    speech, _ = _speech(sentence)
    assert speech[0].frames
    assert speech[0].outlet_text is not None
    assert speech[0].outlet_text.rstrip(".") == outlet_words


def test_a_preposition_with_more_than_the_reported_clause_stays() -> None:
    # Written: "with" governs "aides", whose relative clause reports them; the preposition and
    # its noun are the outlet's words
    speech, _ = _speech(
        "The senator met with aides who said the bill would pass before the vote on Friday."
    )
    assert [f.speaker.name for f in speech[0].frames] == ["aides"]
    assert speech[0].outlet_text == "The senator met with aides."
