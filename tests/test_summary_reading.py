"""How the summary reads: another outlet's opening report that tells the lead's event again is
left out, the sentences follow the articles' own order (event and context before details),
every article's opening report can lead however many points the cap leaves out, an outlet's
second report in a row says "also", and words cut from inside a sentence keep their
determiner."""

from __future__ import annotations

import pytest

from service.pipeline.alignment import Edge, build_groups
from service.pipeline.drafts import Relation
from service.pipeline.summary_build import Builder
from service.pipeline.summary_passes import reports_again
from service.pipeline.summary_repeats import retells_lead
from service.pipeline.summary_text import lowered, with_its_determiner
from service.schemas import Claim, Source, SummaryKind
from tests.builders import attributed_items, claim, source, template_summary


@pytest.mark.parametrize(
    ("lead", "text", "retold"),
    [
        # NeuS (Trump's first event after Covid): Outlet C's opener after Outlet B's lead.
        (
            "President Trump held his first public event since contracting the novel "
            "coronavirus, gathering a crowd of hundreds of supporters at the White House "
            "(Outlet B).",
            "Outlet C reports that President Trump gave his first public remarks since "
            "contracting Covid-19 more than a week earlier, speaking to hundreds of pro-police "
            "activists Saturday on the White House lawn.",
            True,
        ),
        # NeuS (Rand Paul's bill): Outlet A's opener after the lead of Outlets B and C.
        (
            "Kentucky Sen. Rand Paul introduced a bill on Thursday to ban no-knock warrants "
            "(Outlet C, Outlet B).",
            'Outlet A reports that on Thursday, Paul, a Republican, introduced the "Justice for '
            'Breonna Taylor Act," a two-page long bill that would effectively ban no-knock '
            "warrants.",
            True,
        ),
        # NeuS (travel ban): the appeals court's ruling is news of its own, not the district
        # judge's order told again.
        (
            "President Trump grappled Saturday with the first major setback to his young "
            "administration, appearing to question the constitutional checks on his power "
            "after a judge's order reopened the flow of travelers from seven mostly Muslim "
            "nations (Outlet B).",
            "A federal appeals court in San Francisco denied the Trump administration request "
            "for immediate reinstatement of a temporary travel ban (Outlet C).",
            False,
        ),
        # A different figure for the same measure is a difference (written from NeuS's Dow
        # story, where the outlets' figures agree to the cent).
        (
            "The Dow Jones Industrial Average closed down nearly 1,861 points, or 6.9% (Outlet A).",
            "Outlet C reports that the Dow Jones industrial average plunged 1,200 points, "
            "to close at 25,128.17.",
            False,
        ),
    ],
)
def test_another_outlets_opener_retells_the_lead(lead: str, text: str, retold: bool) -> None:
    assert retells_lead(text, lead) is retold


LEAD = "The parliament voted on Sunday to expel foreign troops from the country."
RETOLD = "Lawmakers voted Sunday to expel the foreign troops from the country after a debate."
DETAIL = "The vote is not final until the prime minister signs the draft bill."
OTHER = "The coalition said it is pausing its training of the national army."


def _event(*b_sentences: str) -> tuple[list[Source], list[Claim]]:
    sources = [
        source("S1", "Wire A", LEAD, OTHER),
        source("S2", "Paper B", *b_sentences),
    ]
    cs = [
        claim(f"{s.source_id}.C{n}", s.source_id, sp.text, evidence=sp, sentence_ids=[n])
        for s in sources
        for n, sp in enumerate(s.sentences, 1)
    ]
    return sources, cs


async def test_another_outlets_opener_that_tells_the_lead_again_gives_way_to_its_details() -> None:
    sources, cs = _event(RETOLD, DETAIL)
    summary = await template_summary(sources, build_groups(cs, []), cs)
    texts = [s.text for s in summary.sentences]
    assert texts[0].startswith(LEAD[:-1])
    assert not any("after a debate" in t for t in texts), texts
    assert any("prime minister signs" in t for t in texts), texts


async def test_the_sentences_follow_the_articles_order_after_the_lead() -> None:
    # B's detail comes from the end of a long article; A's second sentence from its start.
    filler = [f"Officials met on day {n} to discuss the schedule of the talks." for n in range(8)]
    sources = [
        source("S1", "Wire A", LEAD, OTHER, *filler[:2]),
        source("S2", "Paper B", DETAIL.replace("The vote", "Parliament's vote"), *filler[2:]),
    ]
    cs = [
        claim(f"{s.source_id}.C{n}", s.source_id, sp.text, evidence=sp, sentence_ids=[n])
        for s in sources
        for n, sp in enumerate(s.sentences, 1)
    ]
    b = Builder(sources, {c.claim_id: c for c in cs})
    assert b.place(cs[0]) == 0.0 and b.place(cs[3]) == 1.0
    late = cs[-1]
    assert 0.0 < b.place(cs[1]) < b.place(late)
    summary = await template_summary(sources, build_groups(cs, []), cs)
    order = [s.claim_ids[0] for s in summary.sentences if s.kind is not SummaryKind.lead]
    places = [b.place(next(c for c in cs if c.claim_id == cid)) for cid in order]
    assert places == sorted(places), list(zip(order, places, strict=True))


async def test_an_articles_opening_report_can_lead_when_the_cap_leaves_it_out() -> None:
    # Two agreed details (sentences 3 and 4) fill a cap of two points; the openers (each
    # article's first two sentences) are single-source. The lead must still be an opener:
    # without them among the candidates the summary had no lead at all.
    a = [
        "Weather delayed the flights of both delegations by a day.",
        "Officials confirmed the talks will resume in March.",
        "The delegations met in Oslo.",
    ]
    b = [
        "Both ministers arrived late because of snow at the airport.",
        "Officials said the talks will resume in March.",
        "The delegations met in Oslo today.",
    ]
    sources = [
        source("S1", "Wire A", "The two governments agreed on Monday to resume peace talks.", *a),
        source("S2", "Paper B", "A new round of negotiations was announced by both sides.", *b),
    ]
    cs = [
        claim(f"{s.source_id}.C{n}", s.source_id, sp.text, evidence=sp, sentence_ids=[n])
        for s in sources
        for n, sp in enumerate(s.sentences, 1)
    ]
    groups = build_groups(
        cs,
        [Edge("S1.C3", "S2.C3", Relation.same, 0.8), Edge("S1.C4", "S2.C4", Relation.same, 0.8)],
    )
    summary = await template_summary(sources, groups, cs, max_points=2)
    lead = summary.sentences[0]
    assert lead.kind is SummaryKind.lead
    assert lead.claim_ids[0] in {"S1.C1", "S1.C2", "S2.C1", "S2.C2"}, lead.text


def test_an_outlets_second_report_in_a_row_says_also() -> None:
    s1 = source("S1", "HuffPost", "One.", "Two.", "Three.")
    cs = [claim(f"S1.C{n}", "S1", t, sentence_ids=[n]) for n, t in enumerate(["a", "b", "c"], 1)]
    b = Builder([s1], {c.claim_id: c for c in cs})
    texts = [
        "HuffPost reports that the bill was filed on Monday.",
        "HuffPost reports that no vote is planned.",
        "The senator said the bill would pass (New York Times).",
        "HuffPost reports that the senator is retiring.",
    ]
    items = attributed_items(texts, cs[:1])
    out = [it.text for it in reports_again(items, b)]
    assert out[1] == "HuffPost also reports that no vote is planned."
    assert out[0] == texts[0] and out[2] == texts[2]
    assert out[3] == texts[3]  # not in a row: the frame is said in full


@pytest.mark.parametrize(
    ("statement", "evidence", "expected"),
    [
        # NeuS (memo): a claim cut from inside "to rebut a Republican document that ...".
        (
            "Republican document claimed FBI and Justice Department bias",
            "Trump blocked the release of a memo written to rebut a Republican document that he "
            "allowed to be made public last week that claimed FBI and Justice Department bias.",
            "A Republican document claimed FBI and Justice Department bias",
        ),
        # BASIL (Fox): the body keeps the sentence's "The".
        (
            "Executive order intended to give Americans more information",
            "President Trump signed an executive order on Monday intended to give Americans "
            "more information.",
            "An executive order intended to give Americans more information",
        ),
        # A name the sentence writes bare, and a statement that already has its determiner.
        ("President Trump blocked the memo", "President Trump blocked the memo.", None),
        ("The memo was blocked", "the memo was blocked.", None),
        # Written both ways in the sentence: no determiner is added.
        ("Democrats wrote a memo", "The Democrats said Democrats wrote a memo.", None),
    ],
)
def test_a_statement_cut_from_a_sentence_keeps_its_determiner(
    statement: str, evidence: str, expected: str | None
) -> None:
    assert with_its_determiner(statement, evidence) == (expected or statement)


def test_a_determiner_after_reports_that_is_lower_case_though_the_article_has_a_title() -> None:
    # BASIL (HuffPost): "in The New York Times" mid-sentence had kept "The Senate GOP's" capital.
    s = source(
        "S1",
        "HuffPost",
        "The Senate GOP's threat will likely be tested as soon as Friday.",
        "He told it to The New York Times on Monday.",
    )
    assert lowered("The Senate GOP's threat will likely be tested", s).startswith("the Senate")
    assert lowered("President Trump said so", s).startswith("President Trump")


def test_the_event_is_worded_from_a_member_free_of_one_outlets_loaded_words() -> None:
    # NeuS (Iraq's parliament): Outlet A's "heeded the demands of angry citizens" had led over
    # Outlet C's plain report of the same vote.
    from service.schemas import Span

    loaded = (
        "Lawmakers in Iraq heeded the demands of angry citizens and voted on Sunday to expel "
        "United States troops from the country."
    )
    plain = (
        "Iraqi lawmakers approved a resolution Sunday calling to expel U.S. troops from the "
        "country, following an American drone attack."
    )
    srcs = [
        source("S1", "Outlet A", loaded),
        source(
            "S2",
            "Outlet B",
            "The U.S.-led coalition said it is pausing operations in support of Iraqi forces.",
        ),
        source("S3", "Outlet C", plain),
    ]
    members = [
        claim("S1.C1", "S1", loaded, evidence=Span(start=0, end=len(loaded), text=loaded)),
        claim("S3.C1", "S3", plain, evidence=Span(start=0, end=len(plain), text=plain)),
    ]
    b = Builder(srcs, {c.claim_id: c for c in members})
    stated = b.point(members, prefer_outlet=True)
    assert stated is not None and stated[2].claim_id == "S3.C1", stated


async def test_another_outlets_figures_of_the_lead_are_shown_though_a_party_gives_them() -> None:
    # NeuS (mass-shootings poll): the lead gave no figure; Outlet C's "More than 60 percent of
    # Americans say ..." is a party's words, shown because its figure is new (raters: "gives no
    # figures"). A party's words with no new figure stay behind the stated point.
    lead = (
        "Most Americans say Congress and President Trump are not doing enough to prevent mass "
        "shootings in the U.S., according to a Washington Post/ABC News poll out early Tuesday."
    )
    figure = (
        "More than 60 percent of Americans say President Donald Trump and Congress are not "
        "doing enough to prevent mass shootings, a new Washington Post-ABC News poll reveals."
    )
    same = (
        "Americans say President Donald Trump and Congress are not doing enough to prevent mass "
        "shootings, a new Washington Post-ABC News poll reveals."
    )
    from service.schemas import Asserter, AsserterKind, ClaimKind, Span

    def said(text: str, who: str) -> Claim:
        # As the accounts step reads it: the respondents speak, "say" is the cue.
        party = Asserter(name=who, kind=AsserterKind.institution)
        content = (
            "President Donald Trump and Congress are not doing enough to prevent mass shootings"
        )
        return claim(
            "S3.C1",
            "S3",
            content,
            who,
            ClaimKind.attributed_claim,
            asserter_kind=AsserterKind.institution,
            evidence=Span(start=0, end=len(text), text=text),
        ).model_copy(update={"speaker": party, "cue": "say"})

    for other, who, shown in (
        (figure, "More than 60 percent of Americans", True),
        (same, "Americans", False),
    ):
        srcs = [source("S1", "Outlet A", lead), source("S3", "Outlet C", other)]
        cs = [
            claim("S1.C1", "S1", lead, evidence=Span(start=0, end=len(lead), text=lead)),
            said(other, who),
        ]
        groups = build_groups(cs, [Edge("S1.C1", "S3.C1", Relation.same, 0.8)])
        summary = await template_summary(srcs, groups, cs)
        texts = [s.text for s in summary.sentences]
        assert texts[0].startswith("Most Americans say"), texts
        assert any("60 percent" in t for t in texts) is shown, texts


@pytest.mark.parametrize(
    ("article", "name", "title", "role"),
    [
        # NeuS (impeachment; border): the title written before the full name.
        (
            "House Judiciary Committee Chairman Jerry Nadler, D-N.Y., said the framers knew.",
            "Jerry Nadler",
            "House Judiciary Committee Chairman",
            None,
        ),
        (
            "Homeland Security Secretary Alejandro Mayorkas said the influx is no crisis.",
            "Alejandro Mayorkas",
            "Homeland Security Secretary",
            None,
        ),
        # BASIL (Blumenthal; NAACP): an abbreviated title, a body's name before the title.
        ("Said Sen. Bob Menendez on Tuesday.", "Bob Menendez", "Sen.", None),
        (
            "NAACP President Benjamin Todd Jealous said the group takes no issue.",
            "Benjamin Todd Jealous",
            "NAACP President",
            None,
        ),
        # NeuS (Kentucky law): the role in an apposition that ends the sentence.
        (
            "Enforcement will begin shortly, said Steve Pitt, general counsel to Kentucky Gov. "
            "Matt Bevin. The ACLU declined to comment.",
            "Steve Pitt",
            None,
            "general counsel to Kentucky Gov. Matt Bevin",
        ),
        # A sentence's end is no title ("... Congress. Democrats"); no role, no title.
        ("They sent it to Congress. Jerry Nadler said so.", "Jerry Nadler", None, None),
        ("Jack Smith, who lives nearby, said he heard shots.", "Jack Smith", None, None),
    ],
)
def test_a_speakers_title_or_role_comes_from_their_article(
    article: str, name: str, title: str | None, role: str | None
) -> None:
    from service.pipeline.summary_passes import role_after, title_of
    from service.text.sentences import split_sentences

    assert title_of(name, article) == title
    src = source("S1", "Outlet A", *[s.text for s in split_sentences(article)])
    assert role_after(name, src) == role


@pytest.mark.parametrize(
    ("party", "own", "expected"),
    [
        # BASIL (HuffPost quoting the New York Times): "But, the Times reported, "an
        # examination of his remarks ..."" is the Times's finding, not HuffPost's narration.
        ("Times", "HuffPost", "Times"),
        # NeuS (Outlet A citing the Wall Street Journal's report of the grand jury).
        ("Wall Street Journal", "Outlet A", "Wall Street Journal"),
        # BASIL: an article naming itself stays its own voice.
        ("Fox News", "Fox News", None),
        ("Huffington Post", "HuffPost", None),
        ("the outlet", "HuffPost", None),
    ],
)
def test_another_news_organisation_is_a_party_not_the_outlets_voice(
    party: str, own: str, expected: str | None
) -> None:
    from service.pipeline.summary_text import other_outlet
    from service.schemas import Asserter, AsserterKind

    who = Asserter(name=party, kind=AsserterKind.outlet)
    c = claim("S1.C1", "S1", "an examination of his remarks shows it").model_copy(
        update={"asserter": who, "speaker": who}
    )
    assert other_outlet(c, own) == expected


@pytest.mark.parametrize(
    ("text", "too_thin"),
    [
        # NeuS (DeVos loans) and BASIL (Etheridge, another site's words): listed every round.
        ("Outlet C reports that finally, borrowers will receive relief.", True),
        ("HuffPost reports that little is known about these “students.”", True),
        # A figure, a name or enough words tell something.
        ("Outlet B reports that 266,000 jobs were added in November.", False),
        ("HuffPost reports that the Weekly Standard editor was not alone.", False),
        (
            "Outlet A reports that students whose schools closed are getting a break on their "
            "student loans.",
            False,
        ),
    ],
)
def test_a_report_too_thin_to_tell_anything_on_its_own(text: str, too_thin: bool) -> None:
    from service.pipeline.summary_repeats import thin

    assert thin(text) is too_thin


@pytest.mark.parametrize(
    ("earlier", "text", "expected"),
    [
        # BASIL (NYT): named in full with a description, then again with another one.
        (
            "New York Times reports that Mr. Summers made the remarks at a briefing with the "
            "White House press secretary Robert Gibbs and David Axelrod, the president’s top "
            "political adviser.",
            "David Axelrod, the president’s chief political adviser, said on CNN that "
            "middle-class Americans were “going to get screwed” (New York Times).",
            "Axelrod said on CNN that middle-class Americans were “going to get screwed” "
            "(New York Times).",
        ),
        # NeuS (Outlet B after Outlet A): the description is the outlet's, told once.
        (
            "The White House said that Hope Hicks, one of Trump’s most trusted confidants, will "
            "return to the White House (Outlet A).",
            "Outlet B reports that Hope Hicks, one of President Donald Trump’s most trusted and "
            "longest-serving aides, is returning as the president works to surround himself "
            "with loyalists.",
            "Outlet B reports that Hicks is returning as the president works to surround "
            "himself with loyalists.",
        ),
        # NeuS (Outlet A after Outlets B and C): a speaker already introduced.
        (
            "Kentucky Sen. Rand Paul introduced a bill on Thursday to ban no-knock warrants "
            "(Outlet C, Outlet B).",
            'Rand Paul said: "It is long past time to get rid of no-knock warrants" (Outlet A).',
            'Paul said: "It is long past time to get rid of no-knock warrants" (Outlet A).',
        ),
        # Must not: the title would be lost, the earlier mention has none (NeuS, Pence).
        (
            "Mike Pence vowed to use “all legal means at our disposal” (Outlet A).",
            "Vice President Mike Pence said Sunday that the judge's order was wrong (Outlet B).",
            None,
        ),
        # Must not: two people of the summary share the surname (written, BASIL's Clintons).
        (
            "Bill Clinton spoke to Joe Sestak, and Hillary Clinton was not told (Fox News).",
            'Hillary Clinton said: "I knew nothing of it" (HuffPost).',
            None,
        ),
        # Must not: the name is not at the head of the clause (written).
        (
            "Kentucky Sen. Rand Paul introduced a bill on Thursday (Outlet C).",
            "The committee will hear from Rand Paul and others next week (Outlet A).",
            None,
        ),
    ],
)
def test_a_person_named_again_is_named_by_surname(
    earlier: str, text: str, expected: str | None
) -> None:
    from service.pipeline.summary_passes import _by_surname

    assert _by_surname(text, [earlier]) == expected
