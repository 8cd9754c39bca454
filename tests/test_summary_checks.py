"""The summary's integrity rules, each on sentences from outlets other than the seeds (BASIL:
New York Times, Fox News, HuffPost; NeuS) where it must fire, and one where it must not."""

from __future__ import annotations

import pytest

from service.pipeline.summary_checks import (
    sentence_problems,
    split_credit,
    unintroduced_name,
    verbatim_in,
)
from service.schemas import Asserter, AsserterKind, Claim, ClaimKind, Source
from tests.builders import source

NYT = (
    "WASHINGTON — Michael Steele, chairman of the Republican National Committee, drew fierce "
    "criticism and a call for his resignation on Friday after declaring at a party fund-raiser "
    "that the United States was on the wrong side of history with its conflict in Afghanistan, "
    "a military fight he called “a war of Obama’s choosing.”",
    "“This is not something the United States had actively prosecuted or wanted to engage "
    "in,” Mr. Steele said in a speech Thursday night in Connecticut.",
    "Rahm Emanuel, the chief of staff, asked Mr. Clinton last summer to explore “options of "
    "service” on a presidential or senior government advisory board with Mr. Sestak, the White "
    "House said in a statement.",
    "“There was no such impropriety,” Robert F. Bauer, the White House counsel, said in a memo "
    "released to reporters.",
)
FOX = (
    "Speaking on Fox News Sunday, Sen. Jim DeMint would not go that far but said Steele must "
    "apologize to the troops.",
    "\"Chairman Steele needs to apologize to our military, all the men and women who've been "
    'fighting in Afghanistan," he said.',
    "The White House asked former President Bill Clinton to talk to Rep. Joe Sestak about the "
    "possibility of obtaining a senior position in the Obama administration.",
)
HPO = (
    "Several prominent conservatives offered swift, negative reactions to Michael Steele on "
    "Friday, after the RNC chairman was caught on camera saying that Afghanistan is a largely "
    "unwinnable war of President Obama’s choosing.",
    "The pushback crested with Bill Kristol writing a letter to Steele calling for the RNC "
    "leader’s resignation.",
    "“Needless to say, the war in Afghanistan was not “a war of Obama’s choosing.”",
)
SOURCES = {
    "S1": source(
        "S1", "New York Times", *NYT, title="Michael Steele Criticized for Afghanistan Comments"
    ),
    "S2": source("S2", "Fox News", *FOX, title="GOP Senators Keep Pressure on Steele"),
    "S3": source("S3", "HuffPost", *HPO),
}


def _claim(cid: str, n: int, speaker: str | None = None) -> Claim:
    """Claim `cid` (S<k>.C<i>) resting on sentence n of its source; `speaker` when the
    sentence reports someone's words."""
    src = SOURCES[cid.split(".")[0]]
    span = src.sentences[n - 1]
    return Claim(
        claim_id=cid,
        source_id=src.source_id,
        statement=span.text,
        kind=ClaimKind.attributed_claim if speaker else ClaimKind.reported_fact,
        asserter=Asserter(name="the outlet", kind=AsserterKind.outlet),
        speaker=Asserter(name=speaker, kind=AsserterKind.person) if speaker else None,
        sentence_ids=[n],
        evidence=[span],
    )


def rules(text: str, *cited: Claim, earlier: tuple[str, ...] = ()) -> set[str]:
    return {p.rule_id for p in sentence_problems(text, list(cited), SOURCES, earlier=earlier)}


@pytest.mark.parametrize(
    ("rule", "text", "cited", "fires"),
    [
        # Quotation marks around words no cited article holds (a paraphrase, a splice).
        (
            "quote_not_verbatim",
            'Michael Steele said: "the United States never wanted this war" (New York Times).',
            ["S1.C2"],
            True,
        ),
        (
            "quote_not_verbatim",
            'Jim DeMint said Steele "needs to apologize to the troops" (Fox News).',
            ["S2.C2"],
            True,
        ),
        # Quote style and a marked elision aside, the words are the article's.
        (
            "quote_not_verbatim",
            'Bill Kristol wrote that the war was not "a war of Obama\'s choosing" (HuffPost).',
            ["S3.C3"],
            False,
        ),
        (
            "quote_not_verbatim",
            'Mr. Steele said: "This is not something … wanted to engage in" (New York Times).',
            ["S1.C2"],
            False,
        ),
        # A reporting frame written inside the quotation marks.
        (
            "frame_in_quotes",
            '"Robert F. Bauer said: There was no such impropriety" (New York Times).',
            ["S1.C4"],
            True,
        ),
        (
            "frame_in_quotes",
            '"Sen. Jim DeMint said: Chairman Steele needs to apologize" (Fox News).',
            ["S2.C2"],
            True,
        ),
        (
            "frame_in_quotes",
            'Robert F. Bauer said: "There was no such impropriety" (New York Times).',
            ["S1.C4"],
            False,
        ),
        # One outlet's report credited to another whose article lacks its names.
        (
            "credit_unsupported",
            "Rahm Emanuel asked Bill Clinton to talk to Joe Sestak (New York Times, Fox News).",
            ["S1.C3", "S2.C3"],
            True,
        ),
        (
            "credit_unsupported",
            "Bill Kristol called for the resignation of Michael Steele (HuffPost, New York Times).",
            ["S3.C2", "S1.C1"],
            True,
        ),
        (
            "credit_unsupported",
            "Michael Steele called Afghanistan a war of Obama's choosing (New York Times, HuffPost).",
            ["S1.C1", "S3.C1"],
            False,
        ),
        # The outlet's narration credited to the person it is about.
        (
            "party_not_holder",
            "Michael Steele said that he drew fierce criticism on Friday (New York Times).",
            ["S1.C1"],
            True,
        ),
        (
            "party_not_holder",
            "Michael Steele said that conservatives offered negative reactions (HuffPost).",
            ["S3.C1"],
            True,
        ),
        (
            "party_not_holder",
            "Jim DeMint said that Steele needs to apologize to the military (Fox News).",
            ["S2.C2"],
            False,
        ),
        # Cut mid-phrase.
        (
            "fragment",
            "The White House asked Bill Clinton to talk to Joe Sestak about the (Fox News).",
            ["S2.C3"],
            True,
        ),
        (
            "fragment",
            "Rahm Emanuel asked Mr. Clinton to explore options of service with (New York Times).",
            ["S1.C3"],
            True,
        ),
        (
            "fragment",
            "The White House asked Bill Clinton to talk to Joe Sestak (Fox News).",
            ["S2.C3"],
            False,
        ),
        # A pronoun whose referent the summary does not show.
        (
            "pronoun_start",
            "He said Steele must apologize to the troops (Fox News).",
            ["S2.C1"],
            True,
        ),
        (
            "pronoun_start",
            "They offered swift, negative reactions to Michael Steele (HuffPost).",
            ["S3.C1"],
            True,
        ),
        (
            "pronoun_start",
            "Several conservatives offered swift reactions to Michael Steele (HuffPost).",
            ["S3.C1"],
            False,
        ),
    ],
)
def test_each_rule_fires_where_it_must_and_not_elsewhere(
    rule: str, text: str, cited: list[str], fires: bool
) -> None:
    claims = {
        "S1.C1": _claim("S1.C1", 1),
        "S1.C2": _claim("S1.C2", 2, "Michael Steele"),
        "S1.C3": _claim("S1.C3", 3, "Rahm Emanuel"),
        "S1.C4": _claim("S1.C4", 4, "Robert F. Bauer"),
        "S2.C1": _claim("S2.C1", 1, "Jim DeMint"),
        "S2.C2": _claim("S2.C2", 2, "Jim DeMint"),
        "S2.C3": _claim("S2.C3", 3),
        "S3.C1": _claim("S3.C1", 1),
        "S3.C2": _claim("S3.C2", 2),
        "S3.C3": _claim("S3.C3", 3, "Bill Kristol"),
    }
    assert (rule in rules(text, *(claims[c] for c in cited))) is fires


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Michael Steele Criticized for Afghanistan Comments.", True),  # NYT's headline
        ("GOP Senators Keep Pressure on Steele.", True),  # Fox's headline
        ("Michael Steele drew criticism on Friday (New York Times).", False),
    ],
)
def test_an_outlets_headline_is_never_a_summary_sentence(text: str, fires: bool) -> None:
    assert ("headline_lead" in rules(text, _claim("S1.C1", 1))) is fires


@pytest.mark.parametrize(
    ("earlier", "fires"),
    [
        (("Michael Steele drew fierce criticism on Friday (New York Times).",), True),
        (("michael steele drew fierce criticism on friday (New York Times).",), True),
        (("Jim DeMint said Steele must apologize to the troops (Fox News).",), False),
    ],
)
def test_a_sentence_said_twice_is_a_repeat(earlier: tuple[str, ...], fires: bool) -> None:
    text = "Michael Steele drew fierce criticism on Friday (New York Times)."
    assert ("repeated" in rules(text, _claim("S1.C1", 1), earlier=earlier)) is fires


def test_credits_split_outlet_names_that_hold_parentheses() -> None:
    body, names = split_credit(
        "Both ministers spoke (partisan site (machine-translated), AFP)",
        ["partisan site (machine-translated)", "AFP"],
    )
    assert body == "Both ministers spoke"
    assert names == ["partisan site (machine-translated)", "AFP"]


def test_verbatim_ignores_quote_style_and_whitespace_but_not_words() -> None:
    article = "He called it “a war of Obama’s choosing.”  Then he left."
    assert verbatim_in("a war of Obama's  choosing", [article])
    assert verbatim_in("a war of … choosing", [article])
    assert not verbatim_in("a war of Biden's choosing", [article])
    assert not verbatim_in("choosing … a war", [article])  # elided parts keep their order


def test_source_helper_spans_match_their_text() -> None:
    # The fixtures above cite sentences by position: keep them aligned with the builder.
    s: Source = SOURCES["S1"]
    assert all(s.text[x.start : x.end] == x.text for x in s.sentences)


def test_the_same_quotation_twice_is_a_repeat() -> None:
    """BASIL 2b4701ae: one spokesman's sentence quoted once per outlet, three times."""
    from service.pipeline.summary_checks import sentence_problems
    from tests import builders

    quote = "Senator Reid respects that but thinks that the mosque should be built someplace else"
    first = f'Jim Manley said: "{quote}." (Fox News).'
    again = f'HuffPost reports that a spokesman said "{quote}".'
    c = builders.claim("S2.C1", "S2", again, "HuffPost")
    src = {"S2": builders.source("S2", "HuffPost", again)}
    got = [p.rule_id for p in sentence_problems(again, [c], src, earlier=[first])]
    assert "repeated" in got
    short = 'HuffPost reports that Reid called it "someplace else".'
    c2 = builders.claim("S2.C2", "S2", short, "HuffPost")
    src2 = {"S2": builders.source("S2", "HuffPost", short)}
    assert "repeated" not in [
        p.rule_id for p in sentence_problems(short, [c2], src2, earlier=[first])
    ]


NEUS_HICKS = (
    "WASHINGTON (AP) — Hope Hicks, one of President Donald Trump’s most trusted and longest "
    "serving aides, is returning to the White House. Hicks will join President Donald Trump’s "
    "son-in-law Jared Kushner’s team."
)
NEUS_PAUL = (
    "GOP Kentucky Sen. Rand Paul introduced a bill that would prevent police officers from "
    "forcibly entering homes. On Thursday, Paul, a Republican, introduced the bill."
)


@pytest.mark.parametrize(
    ("clause", "articles", "earlier", "expected"),
    [
        # fires: a bare surname opens the clause before the person is introduced
        (
            "Hicks will join President Donald Trump’s son-in-law Jared Kushner’s team",
            (NEUS_HICKS,),
            (),
            "Hope Hicks",
        ),
        ("On Thursday, Paul, a Republican, introduced the bill", (NEUS_PAUL,), (), "Rand Paul"),
        ("Steele must apologize to the troops", (HPO[0], FOX[0]), (), "Michael Steele"),
        # behind a fronted phrase with its own verb (BASIL, HuffPost on Beck; PolNeAR train,
        # Breitbart on Clinton)
        (
            "In a winding speech that touched as much on his personal turmoil as his policies, "
            "Beck had the packed auditorium at CPAC captivated",
            ("Bombastic conservative talk show host Glenn Beck closed a conference.",),
            (),
            "Glenn Beck",
        ),
        (
            "As the race has turned to primary contests in states with more diverse Democratic "
            "electorates, Clinton has increasingly decried the issue of systemic racism",
            ("Hillary Clinton won the primary in South Carolina.",),
            (),
            "Hillary Clinton",
        ),
        (
            "In a statement Friday that was released late, Mr. Sestak said he declined",
            ("Rep. Joe Sestak said he was offered a job.",),
            (),
            None,
        ),
        # a surname with a capital inside, which the tagger takes for a common noun (BASIL,
        # Fox: "DeMint, who said ..."; PolNeAR train, Washington Post: "LeVell")
        (
            "DeMint, who said Afghanistan is a war the United States must win, said Steele "
            "needs to refocus",
            ('Speaking on "Fox News Sunday," Sen. Jim DeMint, R-S.C., would not say.',),
            (),
            "Jim DeMint",
        ),
        (
            "LeVell assured the mostly white crowd",
            ("Trump called Bruce LeVell, a former Republican county chairman, onto the stage.",),
            (),
            "Bruce LeVell",
        ),
        # does not fire: a title or the full name introduces the person, or an earlier
        # sentence did; a day or a place is no person's short name
        ("Sen. DeMint said Steele needs to refocus", ("Sen. Jim DeMint, R-S.C.",), (), None),
        ("Mr. Steele said in a speech Thursday night", (NYT[0], NYT[1]), (), None),
        ("Michael Steele drew fierce criticism", (NYT[0],), (), None),
        (
            "Hicks will join Jared Kushner’s team",
            (NEUS_HICKS,),
            ("Hope Hicks is set to return to the White House (Outlet C).",),
            None,
        ),
        ("On Thursday, the Senate voted", (NEUS_PAUL,), (), None),
        ("Sen. Paul introduced legislation", (NEUS_PAUL,), (), None),
        # a full stop between two capitalised words ends a sentence; they are no name (NeuS)
        (
            "Democrats said that they will introduce two articles of impeachment",
            ("Trump is charged with obstruction of Congress. Democrats will vote next week.",),
            (),
            None,
        ),
        # an outlet's own name is no surname, though a wire story signs "Copyright AFP"
        # (seeds' AFP story; the same sign-off closes AFP copy in any data set)
        ("AFP reports that Lecornu and Shoigu last spoke in 2022", ("Copyright AFP",), (), None),
    ],
)
def test_unintroduced_name(
    clause: str, articles: tuple[str, ...], earlier: tuple[str, ...], expected: str | None
) -> None:
    assert unintroduced_name(clause, articles, earlier, ["AFP", "Outlet C"]) == expected


def test_unintroduced_name_is_a_sentence_problem() -> None:
    hicks = NEUS_HICKS.split(" Hicks will")[0]
    src = source(
        "S1",
        "Outlet C",
        hicks,
        "Hicks will join President Donald Trump’s son-in-law Jared Kushner’s team.",
    )
    span = src.sentences[1]
    claim = Claim(
        claim_id="S1.C2",
        source_id="S1",
        statement=span.text,
        kind=ClaimKind.reported_fact,
        asserter=Asserter(name="the outlet", kind=AsserterKind.outlet),
        sentence_ids=[2],
        evidence=[span],
    )
    text = "Hicks will join President Donald Trump’s son-in-law Jared Kushner’s team (Outlet C)."
    kinds = {p.rule_id for p in sentence_problems(text, [claim], {"S1": src})}
    assert "name_unintroduced" in kinds
    earlier = ["Hope Hicks is returning to the White House (Outlet C)."]
    kinds = {p.rule_id for p in sentence_problems(text, [claim], {"S1": src}, earlier=earlier)}
    assert "name_unintroduced" not in kinds


@pytest.mark.parametrize(
    ("earlier", "text", "repeated"),
    [
        # BASIL (HuffPost): one article sentence told whole after told in part
        (
            "Several prominent conservatives offered swift, negative reactions to Michael "
            "Steele on Friday (HuffPost).",
            "HuffPost reports that several prominent conservatives offered swift, negative "
            "reactions to Michael Steele on Friday, after the RNC chairman was caught on camera.",
            True,
        ),
        # NeuS (Outlet A): the headline's words inside the lead sentence
        (
            "Employers add 266,000 jobs, unemployment rate drops to 50-year low (Outlet A).",
            "Outlet A reports that employers add 266,000 jobs and the unemployment rate drops "
            "to a 50-year low of 3.5%, the Labor Department said.",
            True,
        ),
        # two outlets on one event in their own words: not a repeat (NeuS 6d867ef4)
        (
            "The Supreme Court sided unanimously with college athletes on Monday (Outlet C).",
            "Outlet B reports that the Supreme Court ruled in a unanimous decision Monday that "
            "the NCAA has illegally restricted education-based benefits.",
            False,
        ),
    ],
)
def test_a_sentence_told_again_inside_a_longer_one_is_repeated(
    earlier: str, text: str, repeated: bool
) -> None:
    from service.pipeline.summary_checks import _inside

    assert _inside(text, earlier) is repeated


@pytest.mark.parametrize(
    ("clause", "earlier", "expected"),
    [
        ("The document said that the NRA engaged in a years-long effort", (), "document"),  # NeuS
        ("The letter said that Mr. Obama should not back down", (), "letter"),  # BASIL (NYT)
        ("The figures said that Biden seeks to roll back some policies", (), "figures"),  # NeuS
        # introduced earlier, or not a document
        (
            "The report said that Hicks will be a counselor to the president",
            ("The New York Times report named her new role (Outlet C).",),
            None,
        ),
        ("The Supreme Court said the law stands", (), None),
        # "the document" points back to any document named before it (NeuS NRA report) ...
        (
            "The document said that the NRA engaged in a years-long effort",
            ("A Senate Democratic report said that the NRA was a foreign asset (Outlet C).",),
            None,
        ),
        (
            "The document says that the agency paid the contractor twice",  # written
            ("The inspector general's memo was released on Monday (Outlet A).",),
            None,
        ),
        # ... but a named kind needs that kind: a report is no letter (BASIL, NYT)
        (
            "The letter said that Mr. Obama should not back down",
            ("A Senate report said that the NRA was a foreign asset (Outlet C).",),
            "letter",
        ),
    ],
)
def test_a_document_speaks_only_once_introduced(
    clause: str, earlier: tuple[str, ...], expected: str | None
) -> None:
    from service.pipeline.summary_checks import unintroduced_document

    assert unintroduced_document(clause, earlier) == expected


@pytest.mark.parametrize(
    ("clause", "earlier", "expected"),
    [
        # BASIL (Sestak): the article's earlier sentence told of the offer; the summary did not.
        (
            "The offer was made by White House Chief of Staff Rahm Emanuel (HuffPost).",
            (),
            "the offer",
        ),
        # NeuS (Cuomo nursing homes): "the number" points back to a count never given.
        (
            "The number — more than 9,000 by that point in June — was not public (Outlet B).",
            (),
            "the number",
        ),
        # BASIL (tax deal), behind an outlet's credit.
        ("HuffPost reports that the message was hardly subtle.", (), "the message"),
        # Written.
        ("The proposal drew criticism from both parties (Wire A).", (), "the proposal"),
        # Introduced before, by the same noun or its verb.
        (
            "The vote is not final until the prime minister signs the bill (Outlet A).",
            ("Lawmakers in Iraq voted on Sunday to expel U.S. troops (Outlet A).",),
            None,
        ),
        (
            "The unemployment rate declined to 3.5% (Outlet C).",
            ("The job market strengthened as hiring jumped and unemployment fell (Outlet A).",),
            None,
        ),
        # "The document" points back to any document named before it (NeuS NRA report).
        (
            "The document published Friday was signed by seven senators (Outlet A).",
            ("A Senate Democratic report said that the NRA was a foreign asset (Outlet C).",),
            None,
        ),
        (
            "The document published Friday was signed by seven senators (Outlet A).",
            (),
            "the document",
        ),
        # An adjective standing for its noun (BASIL, NAACP resolution; PolNeAR train, two
        # articles: "The second is ...", "The first is ..."); told before, it points to it.
        (
            "The original called for the NAACP to educate its membership (Fox News, HuffPost).",
            (),
            "the original",
        ),
        ("The second is more of a hard-and-fast standard (Wire A).", (), "the second"),
        ("The first is through a so-called duties test (Wire A).", (), "the first"),
        (
            "The original called for the NAACP to educate its membership (Fox News).",
            ("The original resolution was amended on Tuesday (Fox News).",),
            None,
        ),
        # Names, titles, bodies and self-defining phrases are no pointers back.
        ("The Supreme Court on Monday left in place a Kentucky law (Outlet B).", (), None),
        ("The president said the plan would pass (Wire A).", (), None),
        ("The committee voted 23 to 17 (Wire A).", (), None),
        ("The battle for control of the party will take a new turn on Monday (Wire A).", (), None),
        ("The coalition's decision Sunday comes days after a drone strike (Outlet B).", (), None),
    ],
)
def test_a_pointer_back_needs_what_it_points_to(
    clause: str, earlier: tuple[str, ...], expected: str | None
) -> None:
    from service.pipeline.summary_checks import unintroduced_reference

    assert unintroduced_reference(clause, earlier) == expected


@pytest.mark.parametrize(
    ("text", "earlier", "restated"),
    [
        # NeuS (Kentucky abortion law; no-knock warrants): the same event in another outlet's
        # words, behind its credit.
        (
            "Outlet A reports that the Supreme Court on Monday allowed a Kentucky abortion law to "
            "stand that requires an ultrasound.",
            "The Supreme Court on Monday left in place a Kentucky law requiring doctors to "
            "perform ultrasounds (Outlet B).",
            True,
        ),
        (
            "Outlet A reports that GOP Kentucky Sen. Rand Paul introduced a bill that would "
            "prevent police officers from forcibly entering homes.",
            "Kentucky Sen. Rand Paul introduced a bill on Thursday to ban no-knock warrants "
            "(Outlet C, Outlet B).",
            True,
        ),
        # NeuS (infrastructure vote): a different figure for the same measure is a difference.
        (
            "Outlet B reports that a vote on the $1.2 trillion bipartisan infrastructure bill was "
            "delayed late Thursday night.",
            "The House delayed a vote on the $1 trillion bipartisan infrastructure bill on "
            "Thursday (Outlet A).",
            False,
        ),
        # BASIL (Beck): a short main clause ("Glenn Beck, ...") is not compared; written: a
        # second event.
        (
            "Glenn Beck, the closing speaker of a three-day conference, ripped into both parties "
            "(New York Times).",
            'Glenn Beck said: "America is not a clown show." (Fox News).',
            False,
        ),
        (
            "Paper B reports that the city will pay for the repairs out of its reserve fund.",
            "The bridge over the river closed on Monday after an inspection (Wire A).",
            False,
        ),
    ],
)
def test_a_report_that_tells_an_earlier_sentences_event_again_is_a_repeat(
    text: str, earlier: str, restated: bool
) -> None:
    from service.pipeline.summary_checks import restates

    assert (restates(text, [earlier]) is not None) is restated


@pytest.mark.parametrize(
    ("clause", "earlier", "expected"),
    [
        # BASIL (tax deal, NYT): a demonstrative and a speech noun made an object point back
        (
            "The Democratic National Committee also sent that statement around to reporters.",
            (),
            "that statement",
        ),
        ("Mr. Summers made the remarks at a briefing for reporters.", (), "the remarks"),
        ("The committee approved those changes on Monday.", (), "those changes"),  # written
        # introduced: the noun or what someone said came before; a time is no pointer
        (
            "Mr. Summers made the remarks at a briefing for reporters.",
            ('Larry Summers said: "The economy would stall" (Fox News).',),
            None,
        ),
        (
            "The committee approved those changes on Monday.",
            ("The committee proposed changes to the rules (Wire A).",),
            None,
        ),
        ("At that time, the senator was in Hartford.", (), None),  # BASIL-like, written
        ("Officials said that this year the budget would grow.", (), None),  # written
    ],
)
def test_a_pointer_back_in_an_object_needs_what_it_points_to(
    clause: str, earlier: tuple[str, ...], expected: str | None
) -> None:
    from service.pipeline.summary_checks import unintroduced_object

    assert unintroduced_object(clause, earlier) == expected
