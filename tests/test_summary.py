"""The summary as a reader gets it: clauses built from the claims' own words, differences as
named points with their holders, a neutral headline, verified model prose, a budget that
grows with the articles. Examples are from BASIL and NeuS articles, not the seeds."""

from __future__ import annotations

import pytest

from service.pipeline.alignment import Edge, build_groups
from service.pipeline.drafts import Relation
from service.pipeline.summary import word_budget
from service.pipeline.summary_checks import sentence_problems
from service.pipeline.summary_labels import core
from service.pipeline.summary_points import Dispute, choose_dispute, question_for, same_party
from service.pipeline.summary_prose import verify_prose
from service.pipeline.summary_text import clause, full_stop
from service.pipeline.summary_trim import trim
from service.schemas import Asserter, AsserterKind, Claim, ClaimKind, GroupStatus, Source
from tests.builders import attributed_items, claim, source, template_summary


def _on(
    src: Source,
    n: int,
    statement: str,
    asserter: str = "the outlet",
    kind: ClaimKind = ClaimKind.reported_fact,
    **kw: AsserterKind,
) -> Claim:
    """A claim resting on sentence n of `src`."""
    c = claim(f"{src.source_id}.C{n}", src.source_id, statement, asserter, kind, **kw)
    return c.model_copy(update={"evidence": [src.sentences[n - 1]], "sentence_ids": [n]})


BEN = source(
    "S1",
    "New York Times",
    "Glenn Beck closed the Conservative Political Action Conference on Saturday.",
    "Progressivism, he told the Conservative Political Action Conference, is a cancer.",
    "HARTFORD, Conn. — Connecticut Attorney General Richard Blumenthal is defending himself "
    "against a report he misstated his military service.",
    "But the report, by White House Counsel Robert Bauer, concluded that the allegations lack a "
    "basis in the law.",
)


@pytest.mark.parametrize(
    ("n", "statement", "expected"),
    [
        # A frame whose speaker is a pronoun: whose words they are is not in the clause.
        (
            2,
            "Progressivism, he told the Conservative Political Action Conference, is a cancer",
            None,
        ),
        # A dateline is not part of the report.
        (
            3,
            "HARTFORD, Conn. — Connecticut Attorney General Richard Blumenthal is defending "
            "himself against a report he misstated his military service",
            "Connecticut Attorney General Richard Blumenthal is defending himself against a "
            "report he misstated his military service",
        ),
        # An opening conjunction joins the article's sentences, not the summary's.
        (
            4,
            "But the report, by White House Counsel Robert Bauer, concluded that the "
            "allegations lack a basis in the law",
            "The report, by White House Counsel Robert Bauer, concluded that the allegations "
            "lack a basis in the law",
        ),
        # The outlet's narration stays narration: no one else is made to say it.
        (
            1,
            "Glenn Beck closed the Conservative Political Action Conference on Saturday",
            "Glenn Beck closed the Conservative Political Action Conference on Saturday",
        ),
    ],
)
def test_a_claim_becomes_a_clause_only_when_it_stands_alone(
    n: int, statement: str, expected: str | None
) -> None:
    c = clause(_on(BEN, n, statement), BEN)
    assert (c.text if c else None) == expected


def test_a_party_statement_keeps_its_holder_and_quotes_only_direct_speech() -> None:
    fox = source(
        "S2",
        "Fox News",
        '"Chairman Steele needs to apologize to our military," Sen. Jim DeMint said.',
        "The White House said Sestak was offered an unpaid advisory position.",
    )
    quoted = _on(
        fox,
        1,
        "Chairman Steele needs to apologize to our military",
        "Jim DeMint",
        ClaimKind.attributed_claim,
        asserter_kind=AsserterKind.person,
    )
    c = clause(quoted, fox)
    assert c is not None
    assert c.text == 'Jim DeMint said: "Chairman Steele needs to apologize to our military"'
    indirect = _on(
        fox,
        2,
        "Sestak was offered an unpaid advisory position",
        "White House",
        ClaimKind.attributed_claim,
    )
    c = clause(indirect, fox)
    assert c is not None
    # the article writes "The White House": the clause gives the body its article back
    assert c.text == "The White House said that Sestak was offered an unpaid advisory position"
    assert '"' not in c.text  # indirect speech in the article: no quotation marks


@pytest.mark.parametrize(
    ("content", "question"),
    [
        (
            "The White House offered Sestak an unpaid advisory position",
            "Did the White House offer Sestak an unpaid advisory position?",
        ),
        (
            "Sestak was offered the job of Secretary of the Navy",
            "Was Sestak offered the job of Secretary of the Navy?",
        ),
        ("Richard Blumenthal served in Vietnam", "Did Richard Blumenthal serve in Vietnam?"),
    ],
)
def test_a_difference_is_asked_as_a_yes_no_question(content: str, question: str) -> None:
    a = claim("S1.C1", "S1", content, "White House", ClaimKind.attributed_claim)
    b = claim("S2.C1", "S2", "Sestak denied it", "Joe Sestak", ClaimKind.denial)
    groups = build_groups([a, b], [Edge("S1.C1", "S2.C1", Relation.contradict, 0.5)])
    d = choose_dispute(groups[0], {"S1.C1": a, "S2.C1": b}, {"S1": "NYT", "S2": "Fox"})
    assert d is not None
    assert question_for(d) == question


def test_a_question_that_cannot_be_parsed_names_the_holders_instead() -> None:
    a = claim(
        "S1.C1",
        "S1",
        "a proposal made last month by Turkey",
        "Russian sources",
        ClaimKind.attributed_claim,
    )
    b = claim(
        "S2.C1", "S2", "the peace deal of April 2022", "French sources", ClaimKind.attributed_claim
    )
    d = Dispute(group=build_groups([a, b], [])[0], sides=[[a], [b]])
    assert question_for(d) == "What do Russian sources and French sources each say?"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Russian defence ministry", "Russia's defence ministry", True),
        ("Choïgu", "Sergei Shoigu", True),  # one person, two transliterations
        ("Rep. Joe Sestak", "Sestak's campaign", True),
        ("French defence ministry", "Russian defence ministry", False),
        ("White House", "Darrell Issa", False),
    ],
)
def test_a_party_never_disputes_itself(a: str, b: str, same: bool) -> None:
    assert same_party(a, b) is same


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Did the White House offer Sestak a position?", True),
        ("Did Clinton bribe Sestak?", False),  # a word no claim holds
        ('Did Sestak get a "position"?', False),  # quotation marks
        ("Did the White House offer Sestak a position in the", False),  # cut mid-phrase
    ],
)
def test_model_prose_is_verified_against_the_claims_it_cites(text: str, ok: bool) -> None:
    cited = [
        claim(
            "S1.C1",
            "S1",
            "The White House offered Sestak an unpaid advisory position",
            "White House",
            ClaimKind.attributed_claim,
        ),
        claim(
            "S2.C1",
            "S2",
            "Sestak said he declined the offer",
            "Joe Sestak",
            ClaimKind.attributed_claim,
        ),
    ]
    assert (verify_prose(text, cited, max_words=14) is None) is ok


def test_the_headline_is_the_core_of_the_lead_clause() -> None:
    assert core("The White House initiated the conversation, which occurred over phone") == (
        "The White House initiated the conversation"
    )


@pytest.mark.parametrize(
    ("lead", "headline"),
    [
        # a figure is kept (NeuS: "Wages advanced from earlier" said something else)
        ("Wages advanced 3.1% from a year earlier", "Wages advanced 3.1% from a year earlier"),
        # a name with no comma is no aside (NeuS: "son-in-law team")
        (
            "Hicks will join President Donald Trump’s son-in-law Jared Kushner’s team",
            "Hicks will join President Donald Trump’s son-in-law Jared Kushner’s team",
        ),
        # an aside set off by commas goes (NeuS, AP)
        (
            "Hope Hicks, one of President Donald Trump's most trusted aides, is returning to "
            "the White House",
            "Hope Hicks is returning to the White House",
        ),
        # after the verb, the headline ends at the first gap (BASIL, Fox: the parser hung "his
        # claim" on "kept", leaving "... Steele Sunday his on-camera claim")
        (
            "Republican senators kept up pressure on party Chairman Michael Steele Sunday to "
            "better explain -- and publicly apologize for -- his on-camera claim that "
            "Afghanistan may not be winnable",
            "Republican senators kept up pressure on party Chairman Michael Steele Sunday",
        ),
        # a trailing attribution keeps its comma (PolNeAR train, HuffPost)
        (
            "Any action by China would have consequences, Carter said",
            "Any action by China would have consequences, Carter said",
        ),
    ],
)
def test_the_headline_core_keeps_what_the_lead_says(lead: str, headline: str) -> None:
    assert core(lead) == headline


@pytest.mark.parametrize(
    ("lead", "headline"),
    [
        # a fronted phrase set off by a comma goes whole (BASIL, NYT: "At a ceremony
        # Attorney General ... rose"; BASIL, HuffPost: "On Wednesday Senate Majority Leader")
        (
            "At a ceremony honoring veterans and senior citizens who sent presents to soldiers "
            "overseas, Attorney General Richard Blumenthal of Connecticut rose and spoke of an "
            "earlier time in his life",
            "Attorney General Richard Blumenthal of Connecticut rose and spoke of an earlier "
            "time in his life",
        ),
        (
            "On Wednesday, Senate Majority Leader Harry Reid (D-Nev.) received a letter signed "
            "by all 42 Senate Republicans",
            "Senate Majority Leader Harry Reid received a letter",
        ),
        # an aside set off on both sides after the verb cuts nothing (NeuS: "said that new
        # applications for unemployment benefits" had lost its verb)
        (
            "The Labor Department said that new applications for unemployment benefits, a rough "
            "gauge of layoffs, climbed to 1.11 million from 971,000 in the prior week",
            "The Labor Department said that new applications for unemployment benefits climbed "
            "to 1.11 million",
        ),
        (
            "The White House said that Hope Hicks, one of Trump’s most trusted confidants, will "
            "return to the White House",
            "The White House said that Hope Hicks will return to the White House",
        ),
        # a clause that says what the noun is stays (NeuS: "The news has shaken Washington")
        (
            "The news that special counsel Robert Mueller has impaneled a grand jury has shaken "
            "Washington, fueling speculation that the investigation is growing",
            "The news that special counsel Robert Mueller has impaneled a grand jury has shaken "
            "Washington",
        ),
        # a phrase whose clause was cut goes whole (NeuS: "... effort as progressives";
        # BASIL, HuffPost: "... on congressional Democrats in their efforts")
        (
            "An intraparty battle delayed the bipartisan infrastructure effort as progressives "
            "held out on supporting the bill in an effort to create leverage",
            "An intraparty battle delayed the bipartisan infrastructure effort",
        ),
        (
            "Senior White House officials significantly raised the stakes on congressional "
            "Democrats in their efforts to get a deal passed on the Bush tax cuts",
            "Senior White House officials significantly raised the stakes on congressional "
            "Democrats",
        ),
        # ... but a phrase whose noun is only described keeps its place (NeuS)
        (
            "President Trump on Friday blocked the release of a classified Democratic memo "
            "rebutting Republican claims that top officials had abused their powers",
            "President Trump on Friday blocked the release of a classified Democratic memo",
        ),
        (
            "The White House is moving forward with a proposed $1 trillion coronavirus package "
            "that would infuse Americans' bank accounts with two rounds of direct cash payments",
            "The White House is moving forward with a proposed $1 trillion coronavirus package",
        ),
        # too long: trailing phrases go one at a time, never a piece of a name (NeuS, AP: "the
        # West Freeway Church of Christ"; BASIL, Fox: "in the Obama administration")
        (
            "Jack Cummings said that about 250 people were inside the auditorium of the West "
            "Freeway Church of Christ in White Settlement, near Fort Worth, when the gunman began",
            "Jack Cummings said that about 250 people were inside the auditorium",
        ),
        (
            "The White House asked former President Bill Clinton to talk to Rep. Joe Sestak "
            "about the possibility of obtaining a senior position in the Obama administration",
            "The White House asked former President Bill Clinton to talk to Rep. Joe Sestak",
        ),
    ],
)
def test_the_headline_core_within_its_word_budget(lead: str, headline: str) -> None:
    assert core(lead, 16) == headline


def test_the_word_budget_grows_with_the_articles() -> None:
    short = [source(f"S{i}", f"O{i}", "word " * 200) for i in range(3)]
    long = [source(f"S{i}", f"O{i}", "word " * 900) for i in range(3)]
    assert 110 <= word_budget(short) <= 140
    assert 230 <= word_budget(long) <= 270
    # NeuS excerpts (one to three sentences each): never under issue 17's 120 words
    excerpts = [source(f"S{i}", f"O{i}", "word " * 60) for i in range(3)]
    assert word_budget(excerpts) == 120


async def test_agreement_is_credited_to_each_outlet_that_carries_it_and_a_dispute_named() -> None:
    nyt = source(
        "S1",
        "New York Times",
        "Representative Joe Sestak was offered an unpaid advisory position by the White House.",
        "The White House said the offer was legal.",
        title="White House Used Bill Clinton to Ask Sestak to Drop Out of Race",
    )
    fox = source(
        "S2",
        "Fox News",
        "Joe Sestak was offered an unpaid advisory position by the White House, a report says.",
        "Darrell Issa said the offer was illegal.",
    )
    claims = [
        _on(nyt, 1, nyt.sentences[0].text),
        _on(nyt, 2, "the offer was legal", "White House", ClaimKind.attributed_claim),
        _on(fox, 1, "Joe Sestak was offered an unpaid advisory position by the White House"),
        _on(
            fox,
            2,
            "the offer was illegal",
            "Darrell Issa",
            ClaimKind.attributed_claim,
            asserter_kind=AsserterKind.person,
        ),
    ]
    claims[3] = claims[3].model_copy(
        update={"speaker": Asserter(name="Darrell Issa", kind=AsserterKind.person)}
    )
    groups = build_groups(
        claims,
        [
            Edge("S1.C1", "S2.C1", Relation.same, 0.8),
            Edge("S1.C2", "S2.C2", Relation.contradict, 0.6),
        ],
    )
    summary = await template_summary([nyt, fox], groups, claims)
    lead, point = summary.sentences
    assert lead.kind.value == "lead"
    assert lead.text.endswith(("(New York Times, Fox News).", "(Fox News, New York Times)."))
    assert point.kind.value == "disputed"
    assert "White House said that the offer was legal (New York Times)" in point.text
    assert "Darrell Issa said that the offer was illegal (Fox News)" in point.text
    assert summary.headline and summary.headline != nyt.title
    disputed = next(g for g in groups if g.status is GroupStatus.disputed)
    assert disputed.question and disputed.question.endswith("?")
    by_id = {c.claim_id: c for c in claims}
    for s in summary.sentences:
        assert not sentence_problems(
            s.text, [by_id[c] for c in s.claim_ids], {"S1": nyt, "S2": fox}
        )


@pytest.mark.parametrize(
    ("text", "unique", "labels"),
    [
        # HuffPost's (BASIL) and Breitbart's (PolNeAR) labels for a named person.
        (
            "Bombastic conservative talk show host Glenn Beck closed a three-day conference",
            {"Bombastic"},
            ["Bombastic"],
        ),
        (
            "For the first time, a poll shows upstart Sen. Bernie Sanders leading nationally",
            {"upstart", "nationally"},
            ["upstart"],
        ),
        # An adjective one outlet uses about a reaction, not a label for the person.
        (
            "Conservatives offered swift, negative reactions to Michael Steele on Friday",
            {"swift", "negative"},
            [],
        ),
    ],
)
def test_an_outlets_label_for_a_named_party_is_an_epithet(
    text: str, unique: set[str], labels: list[str]
) -> None:
    from service.pipeline.summary_labels import epithets
    from service.text.speech import pos_tags

    assert epithets(pos_tags(text), unique) == labels


@pytest.mark.parametrize(
    ("sentence", "holder", "content", "expected"),
    [
        # NeuS (Outlet A) and PolNeAR: the possessive holder points to the name that follows.
        (
            "President Trump is no longer contagious, according to his doctor.",
            "his doctor",
            "President Trump is no longer contagious",
            "According to his doctor, President Trump is no longer contagious",
        ),
        (
            "He sat on the court with Supreme Court Justice Stephen Breyer, according to his "
            "biography.",
            "his biography",
            "the judge sat on the court with Supreme Court Justice Stephen Breyer",
            "According to his biography, the judge sat on the court with Supreme Court "
            "Justice Stephen Breyer",
        ),
        # PolNeAR: no name in the words, so "his campaign" points nowhere: left out.
        (
            "He now had a rally scheduled for that night - and the permit, his campaign said.",
            "his campaign",
            "a rally was scheduled for that night",
            None,
        ),
    ],
)
def test_a_possessive_holder_needs_the_name_it_points_to(
    sentence: str, holder: str, content: str, expected: str | None
) -> None:
    src = source("S1", "Outlet A", sentence)
    c = _on(src, 1, content, holder, ClaimKind.attributed_claim)
    got = clause(c, src)
    assert (got.text if got else None) == expected


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        # NeuS: a sentence cut off before its subject is not a clause.
        (
            "Titled “The NRA And Russia: How a Tax-Exempt Organization Became a Foreign Asset” "
            "and released Friday after an 18-month investigation, relies on documents obtained "
            "by the committee.",
            False,
        ),
        # NeuS: unspaced dashes around an aside still leave a whole clause.
        (
            "The president—who didn’t wear a mask—emerged from the White House on Saturday "
            "pumping his fists.",
            True,
        ),
        # NeuS: "Saturday" is a day, not a person an adjective could label.
        (
            "President Trump spoke to hundreds of pro-police activists Saturday on the lawn.",
            True,
        ),
    ],
)
def test_only_whole_clauses_without_labels_are_kept(sentence: str, kept: bool) -> None:
    from service.pipeline.summary_build import Builder

    src = source("S1", "Outlet C", sentence, "Another outlet wrote something else entirely.")
    other = source("S2", "Outlet B", "Officials spoke to reporters at the White House.")
    c = _on(src, 1, sentence.rstrip("."))
    b = Builder([src, other], {c.claim_id: c})
    assert (b.clause(c) is not None) is kept


def test_each_side_of_a_difference_is_shown_from_another_outlet_where_one_can() -> None:
    """BASIL 13393c3f: one version in NYT, Fox and HuffPost, the other in HuffPost only; the
    summary showed both versions from HuffPost. The first side is shown from NYT or Fox."""
    from service.schemas import ClaimGroup, GroupStatus, Side

    a1 = claim("S1.C1", "S1", "Steele will disclose his plans on Monday", "Michael Steele")
    a3 = claim("S3.C1", "S3", "Steele will call it on Monday", "many")
    b3 = claim("S3.C2", "S3", "Steele will not seek a second term", "multiple reports")
    group = ClaimGroup(
        group_id="G1",
        status=GroupStatus.disputed,
        point="Steele's plans",
        claim_ids=["S3.C1", "S1.C1", "S3.C2"],
        source_ids=["S1", "S3"],
        sides=[
            Side(
                version="v1",
                claim_ids=["S3.C1", "S1.C1"],
                holders=["many"],
                source_ids=["S1", "S3"],
            ),
            Side(version="v2", claim_ids=["S3.C2"], holders=["reports"], source_ids=["S3"]),
        ],
        how_formed="test",
    )
    claims = {c.claim_id: c for c in (a1, a3, b3)}
    d = choose_dispute(group, claims)
    assert d is not None
    assert [c.source_id for c in d.sides[0]] == ["S1"] and [c.source_id for c in d.sides[1]] == [
        "S3"
    ]
    # Both outlets carry both versions (the seeds' case): the sides stay whole.
    b1 = claim("S1.C2", "S1", "Steele will not seek a second term", "insiders")
    claims["S1.C2"] = b1
    group.sides[1] = Side(
        version="v2", claim_ids=["S3.C2", "S1.C2"], holders=["x"], source_ids=["S1", "S3"]
    )
    d = choose_dispute(group, claims)
    assert d is not None and {c.source_id for s in d.sides for c in s} == {"S1", "S3"}


@pytest.mark.parametrize(
    ("content", "clause_text"),
    [
        # NeuS (Outlet C): the abbreviation keeps its dot, the sentence adds none
        (
            "they're shipping the white supremacist back to the U.S.",
            "they're shipping the white supremacist back to the U.S.",
        ),
        # BASIL (Fox): "the 9/12 march in D.C. this year" cut after "D.C."
        (
            "who attended the march in Washington, D.C.",
            "who attended the march in Washington, D.C.",
        ),
        # an ordinary sentence end goes (it is added once, when the sentence is finished)
        ("The talks ended on Monday.", "The talks ended on Monday"),
    ],
)
def test_an_abbreviation_keeps_its_dot(content: str, clause_text: str) -> None:
    assert trim(content) == clause_text
    assert full_stop(trim(content)).count("..") == 0


def test_a_second_quotation_of_one_person_is_not_framed_with_the_full_name_again() -> None:
    # BASIL (Etheridge; Beck): two agreed quotations of one person had read "Bob Etheridge
    # said: ...; Bob Etheridge said: ...". The second reads "Etheridge also said", a third
    # "Etheridge added"; another person's quotation keeps its full frame.
    from service.pipeline.summary_build import Builder, Item
    from service.pipeline.summary_passes import said_again
    from service.schemas import SummaryKind

    quotes = [
        '"I deeply regret my reaction," Representative Bob Etheridge said.',
        '"This does not justify a poor response," Etheridge said.',
        '"I apologize to all involved," Etheridge said.',
        '"He has apologized," said Pat Toomey.',
    ]
    nyt = source("S1", "New York Times", *quotes)
    claims = [
        _on(nyt, n + 1, q, "Bob Etheridge", ClaimKind.attributed_claim)
        for n, q in enumerate(quotes)
    ]
    b = Builder([nyt], {c.claim_id: c for c in claims})
    said = [
        'Bob Etheridge said: "I deeply regret my reaction" (New York Times).',
        'Bob Etheridge said: "This does not justify a poor response" (New York Times).',
        'Bob Etheridge said: "I apologize to all involved" (New York Times).',
        'Pat Toomey said: "He has apologized" (New York Times).',
    ]
    items = attributed_items(said, claims)
    out = [it.text for it in said_again(items, b)]
    # reported speech the same way (BASIL, Summers: two "Larry Summers said that" lines)
    that = Item(
        (3, 9),
        SummaryKind.attributed,
        "Bob Etheridge said that he regrets his reaction (New York Times).",
        [claims[0].claim_id],
        None,
        [claims[0]],
    )
    assert said_again([items[0], that], b)[1].text.startswith("Etheridge also said that he")
    assert out[0] == said[0]
    assert out[1].startswith('Etheridge also said: "This does not justify')
    assert out[2].startswith('Etheridge added: "I apologize')
    assert out[3] == said[3]


def test_a_point_is_worded_from_a_whole_sentence_before_a_piece_of_one() -> None:
    # NeuS (Democratic memo): the shortest member was a piece of a sentence split at "but"
    # ("Trump reviewed the rebuttal just as he did the Republican-authored memo") and led the
    # summary; the outlet's whole opening sentence tells the event.
    from service.pipeline.summary_build import Builder
    from service.schemas import Span

    whole = "President Trump on Friday blocked the release of a classified Democratic memo."
    split = (
        "Trump reviewed the rebuttal just as he did the Republican-authored memo, but decided "
        "against making it public because of national security concerns."
    )
    # Outlet A writes "classified" too, as in the event: one outlet's adjective would be
    # framing and rank the whole sentence after the piece (tests/test_summary_reading.py).
    a_src = source("S1", "Outlet A", "Trump blocked the release of a classified memo.")
    b_src, c_src = source("S2", "Outlet B", whole), source("S3", "Outlet C", split)
    piece = "Trump reviewed the rebuttal just as he did the Republican-authored memo"
    members = [
        claim("S2.C1", "S2", whole, evidence=Span(start=0, end=len(whole), text=whole)),
        claim("S3.C1", "S3", piece, evidence=Span(start=0, end=len(split), text=split)),
    ]
    b = Builder([a_src, b_src, c_src], {c.claim_id: c for c in members})
    stated = b.point(members, prefer_outlet=True)
    assert stated is not None and stated[2].claim_id == "S2.C1"


async def test_an_articles_first_sentences_are_never_asides() -> None:
    # NeuS (Kentucky abortion law, Outlet C): "the law, which had been blocked by lower courts
    # since 2017 when it was enacted, will now take effect", its third sentence, shared no word
    # with the other outlets' reports and was left out as an aside; raters listed it as an
    # omission. An article's first four sentences tell its event; a sentence far down that
    # shares nothing with the others is still an aside.
    filler = [f"Officials met on day {n} to review the schedule of the agency." for n in range(7)]
    a = source(
        "S1",
        "Outlet A",
        "Lawmakers in Iraq heeded the demands of angry citizens and voted on Sunday to expel "
        "United States troops from the country.",
        "Parliament sat for four hours in Baghdad.",
        "The vote is not final until Prime Minister Adel Abdul Mahdi signs the draft bill.",
        *filler,
        "Grain exports from Basra rose by a fifth in the spring season.",
    )
    b = source(
        "S2",
        "Outlet B",
        "Iraqi lawmakers approved a resolution Sunday calling to expel U.S. troops.",
        "The coalition said it was pausing its training of Iraqi forces.",
    )
    claims = [_on(a, n + 1, s.text) for n, s in enumerate(a.sentences)]
    claims += [_on(b, n + 1, s.text) for n, s in enumerate(b.sentences)]
    groups = build_groups(claims, [Edge("S1.C1", "S2.C1", Relation.same, 0.9)])
    summary = await template_summary([a, b], groups, claims)
    text = " ".join(s.text for s in summary.sentences)
    assert "the vote is not final until Prime Minister Adel Abdul Mahdi signs" in text
    assert "Grain exports" not in text


def test_a_surname_the_summary_has_not_introduced_is_written_in_full() -> None:
    # BASIL (Fox, Steele): "DeMint, who said ..." reached the summary with no first name; the
    # article's "Sen. Jim DeMint" gives the full name, written outside the quotation marks.
    from service.pipeline.summary_build import Builder, Item
    from service.pipeline.summary_passes import in_full
    from service.schemas import SummaryKind

    fox = source(
        "S1",
        "Fox News",
        'Speaking on "Fox News Sunday," Sen. Jim DeMint would not say whether Steele should go.',
        "DeMint, who said Afghanistan is a war the United States must win, said Steele needs to "
        '"refocus" on the November election.',
    )
    said = claim(
        "S1.C2", "S1", fox.sentences[1].text, evidence=fox.sentences[1], sentence_ids=[2]
    ).model_copy(update={"speaker": Asserter(name="Jim DeMint", kind=AsserterKind.person)})
    b = Builder([fox], {"S1.C2": said})
    stated = b.point([said], prefer_outlet=False)
    assert stated is not None
    item = Item.of((3, 0), SummaryKind.attributed, stated, None)
    full = in_full(item, b, [])
    assert full is not None and "reports that Jim DeMint, who said Afghanistan" in full.text
    assert '"refocus"' in full.text
    # introduced by an earlier sentence: nothing to write
    told = "Jim DeMint spoke on Sunday."
    earlier = Item.of((3, 1), SummaryKind.attributed, (told, [], said, told), None)
    assert in_full(item, b, [earlier]) is None


@pytest.mark.parametrize(
    ("sentence", "speaker", "expected"),
    [
        # NeuS (AP): the sentence names its speaker before its closing "..., he said".
        (
            "White nationalist leader Richard Spencer was stopped on his way to Sweden and sent "
            "back to the United States, he said Friday.",
            "Richard Spencer",
            "White nationalist leader Richard Spencer was stopped on his way to Sweden and sent "
            "back to the United States, he said Friday",
        ),
        # PolNeAR train (HuffPost): likewise, with the programme after the cue.
        (
            "Former Rep. Chris Shays was pro John Kasich while the Ohio governor was in the "
            "running, he said Wednesday morning.",
            "Chris Shays",
            "Former Rep. Chris Shays was pro John Kasich while the Ohio governor was in the "
            "running, he said Wednesday morning",
        ),
        # NeuS (Reason): "she wrote" inside the sentence is no frame around it.
        (
            "It's always a good day when even Justice Ruth Bader Ginsburg writes like an "
            "originalist — and that's exactly what she did when she wrote the opinion.",
            "Ruth Bader Ginsburg",
            None,
        ),
        # PolNeAR train (Washington Post): the pronoun's person is not in the sentence.
        ("Also, Trump isn't a conservative, he said.", "Joseph Hunter", None),
    ],
)
def test_a_closing_pronoun_cue_stands_only_after_its_speakers_name(
    sentence: str, speaker: str, expected: str | None
) -> None:
    from service.schemas import Asserter

    src = source("S1", "Outlet B", sentence)
    c = _on(src, 1, sentence.rstrip("."), kind=ClaimKind.attributed_claim)
    c = c.model_copy(update={"speaker": Asserter(name=speaker, kind=AsserterKind.person)})
    got = clause(c, src)
    assert (got.text if got else None) == expected


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        # NeuS (Pence): the pipeline's "X vowed: to use ..." frame, reworded with its verb.
        (
            "Mike Pence vowed: to use “all legal means at our disposal” to protect Americans",
            "Mike Pence vowed to use “all legal means at our disposal” to protect Americans",
        ),
        # PolNeAR dev: likewise "refuses to discuss".
        (
            "David Wasserman refuses: to discuss potential appointees",
            "David Wasserman refuses to discuss potential appointees",
        ),
        # PolNeAR train: the parser's lemma reads "sought" and "planned" (suffixes cut by
        # hand did not).
        (
            "Marco Rubio sought: to stoke positive energy",
            "Marco Rubio sought to stoke positive energy",
        ),
        (
            "Bernie Sanders planned: to challenge those assumptions immediately",
            "Bernie Sanders planned to challenge those assumptions immediately",
        ),
        # PolNeAR dev: "urged [North Korea] to resume": the object is missing, no sentence.
        ("Ban Ki-moon urged: to resume denuclearization talks", None),
        # PolNeAR dev: "to foreign governments" is no infinitive.
        ("Hillary Clinton favors: to foreign governments from the U.S. public", None),
    ],
)
def test_a_frame_with_an_infinitive_keeps_its_verb(statement: str, expected: str | None) -> None:
    sentence = statement.replace(": ", " ") + "."
    src = source("S1", "Outlet A", sentence)
    who = statement.split(" ")[0] + " " + statement.split(" ")[1]
    c = _on(src, 1, statement, who, ClaimKind.attributed_claim, asserter_kind=AsserterKind.person)
    got = clause(c, src)
    assert (got.text if got else None) == expected


REVENGE = (
    "Donald Trump is surrounding himself with loyalists after a week of banishing staffers in a "
    "post-impeachment revenge plot."
)
GAFFES = "Steele's gaffe-prone tenure at the helm of the RNC has aided the creation of a bloc."
CAVED = "Fellow Democrats said that the president has caved too much to Republicans."


@pytest.mark.parametrize(
    ("outlet", "sentence", "asserter", "text", "expected"),
    [
        # NeuS (Outlet A): the outlet's own narration; its loaded noun is shown as its word.
        (
            "Outlet A",
            REVENGE,
            "the outlet",
            "Outlet A reports that Donald Trump is surrounding himself with loyalists after a "
            "week of banishing staffers in a post-impeachment revenge plot.",
            "Outlet A reports that Donald Trump is surrounding himself with loyalists after a "
            'week of banishing staffers in a post-impeachment "revenge plot".',
        ),
        # BASIL (HuffPost): an outlet's label for a person.
        (
            "HuffPost",
            GAFFES,
            "the outlet",
            "HuffPost reports that Steele's gaffe-prone tenure at the helm of the RNC has aided "
            "the creation of a bloc.",
            'HuffPost reports that Steele\'s "gaffe-prone" tenure at the helm of the RNC has '
            "aided the creation of a bloc.",
        ),
        # Must not: a party's reported words (the outlet does not give their exact words).
        (
            "New York Times",
            CAVED,
            "Fellow Democrats",
            "Fellow Democrats said that the president has caved too much to Republicans "
            "(New York Times).",
            "Fellow Democrats said that the president has caved too much to Republicans "
            "(New York Times).",
        ),
    ],
)
def test_an_outlets_loaded_term_in_its_own_narration_is_quoted(
    outlet: str, sentence: str, asserter: str, text: str, expected: str
) -> None:
    from service.pipeline.summary_build import Builder
    from service.pipeline.summary_passes import loaded_quoted

    src = source("S1", outlet, sentence)
    kind = ClaimKind.reported_fact if asserter == "the outlet" else ClaimKind.attributed_claim
    c = _on(src, 1, sentence.rstrip("."), asserter, kind)
    b = Builder([src], {c.claim_id: c})
    (item,) = loaded_quoted(attributed_items([text], [c]), b)
    assert item.text == expected
