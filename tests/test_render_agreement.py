"""The page names outlets under an agreed point only when each one's own claims carry it.

Sentences from the dev sets where the alignment's agreed group held statements that do not say
the same thing (NeuS, BASIL), and ones where the outlets do report one point alike.
"""

from __future__ import annotations

import pytest

from service.render.agreement import verified_agreements
from service.render.html import build_view, render_html
from service.render.markdown import render_markdown
from service.schemas import (
    AsserterKind,
    ClaimGroup,
    ClaimKind,
    GroupStatus,
    Reconciliation,
    Source,
    SourceAccount,
    Summary,
    SummaryKind,
    SummarySentence,
)
from tests import builders


def _rec(point: str, texts: dict[str, str], *, lead: str | None = None) -> Reconciliation:
    sources, accounts, ids = [], [], []
    for n, (outlet, text) in enumerate(texts.items(), start=1):
        sid = f"S{n}"
        c = builders.claim(f"{sid}.C1", sid, text)
        sources.append(builders.source(sid, outlet, text))
        accounts.append(
            SourceAccount(source_id=sid, outlet=outlet, claims=[c], editorial=[], quotes=[])
        )
        ids.append(c.claim_id)
    sentences = []
    if lead is not None:
        sentences.append(
            SummarySentence(
                text=lead,
                kind=SummaryKind.lead,
                claim_ids=["S1.C1"],
                source_ids=["S1"],
                written_by="template",
            )
        )
    return _one_group(point, sources, accounts, ids, sentences)


def _one_group(
    point: str,
    sources: list[Source],
    accounts: list[SourceAccount],
    ids: list[str],
    sentences: list[SummarySentence],
) -> Reconciliation:
    """A reconciliation whose claims `ids` form one agreed group."""
    return Reconciliation(
        backend="fake",
        model="fake",
        sources=sources,
        accounts=accounts,
        groups=[
            ClaimGroup(
                group_id="G1",
                status=GroupStatus.agreed,
                point=point,
                claim_ids=ids,
                source_ids=[s.source_id for s in sources],
                sides=[],
                how_formed="test",
            )
        ],
        summary=Summary(sentences=sentences),
        steps=[],
    )


REGULATIONS = (
    "The Trump administration is working on regulations that will require health care "
    "providers and insurers to tell patients how much a service will cost before they get it."
)
NEVER_SERVED = (
    "There was one problem: Mr. Blumenthal, a Democrat now running for the United States "
    "Senate, never served in Vietnam."
)


@pytest.mark.parametrize(
    ("point", "texts", "alike"),
    [
        # NeuS: Outlet C's sentence only shares "how much ... cost": not the point
        (
            REGULATIONS,
            {"Outlet B": REGULATIONS, "Outlet C": '"How much will it cost?" you ask.'},
            None,
        ),
        # BASIL: the Times and HuffPost (quoting it) carry the same sentence; Fox does not
        (
            NEVER_SERVED,
            {
                "New York Times": NEVER_SERVED,
                "HuffPost": NEVER_SERVED,
                "Fox News": "Blumenthal's campaign called the report an outrageous distortion.",
            },
            ("S1", "S2"),
        ),
        # BASIL: a point that is a clause cut from its sentence is worded by a whole one
        (
            "he does not volunteer that his service never took him overseas",
            {
                "New York Times": "Blumenthal does not volunteer that his service never took "
                "him overseas.",
                "HuffPost": "Blumenthal does not volunteer that his service never took him "
                "overseas, an examination shows.",
            },
            ("S1", "S2"),
        ),
        # NeuS, AP and WSJ: one figure for one measure, in two outlets' words
        (
            "Wages advanced 3.1% from a year earlier.",
            {
                "Outlet A": "Wages advanced 3.1% from a year earlier.",
                "Outlet C": "Average hourly earnings advanced 3.1% from a year earlier, wages said.",
            },
            ("S1", "S2"),
        ),
    ],
)
def test_outlets_are_named_under_a_point_only_when_they_carry_it(
    point: str, texts: dict[str, str], alike: tuple[str, ...] | None
) -> None:
    found = verified_agreements(_rec(point, texts))
    assert (found[0].source_ids if found else None) == alike


HICKS = {
    "Outlet A": "Hope Hicks, one of Trump’s most trusted confidants, will return to the White "
    "House to work directly for the president’s son-in-law and top adviser, Jared Kushner.",
    "Outlet B": "Hope Hicks, one of President Donald Trump’s most trusted and longest-serving "
    "aides, is returning to the White House as the president works to surround himself with "
    "loyalists as his reelection campaign moves into high gear.",
    "Outlet C": "Former White House communications director Hope Hicks is set to return to the "
    "White House in a different role.",
}


@pytest.mark.parametrize(
    ("texts", "shared", "alike"),
    [
        # NeuS: three outlets tell one return with different details; no whole sentence is
        # carried by two, the core is carried by all three
        (HICKS, "Hope Hicks will return to the White House", ("S1", "S2", "S3")),
        # NeuS: one shooting, told by three outlets with different details; the core is
        # carried word for word by two ("The gunman who pulled out a shotgun during a church
        # service in Texas on Sunday and opened fire ..."), not by the one that says "A man
        # pulled out a shotgun ... and opened fire" (no "gunman"). "at a church in Texas on
        # Sunday morning" is Outlet C's alone: Outlet A says "during a church service in
        # Texas on Sunday" (85 % of the words let it pass, and both raters marked it)
        (
            {
                "Outlet C": "A gunman opened fire at a church in Texas on Sunday morning, "
                "killing two people with a shotgun before a member of the church’s volunteer "
                "security team fatally shot him.",
                "Outlet B": "A man pulled out a shotgun inside a North Texas church on Sunday and "
                "opened fire, killing two people.",
                "Outlet A": "The gunman who pulled out a shotgun during a church service in Texas "
                "on Sunday and opened fire on worshipers appeared to be in disguise when he "
                "entered the sanctuary.",
            },
            "A gunman opened fire",
            ("S1", "S3"),
        ),
        # NeuS (Outlet A's claim: the Journal's report, from "By reporting that ..., the Wall
        # Street Journal created a psychological shift"): "in Washington" is where it places
        # the grand jury; Outlet C's sentence
        # has the word, but the news "has shaken Washington", and Outlet B's Mueller "asked" a
        # grand jury (raters: "Outlet C does not say where the grand jury is")
        (
            {
                "Outlet A": "special counsel Robert Mueller has impaneled a grand jury in "
                "Washington",
                "Outlet B": "Special counsel Robert Mueller has asked a grand jury in Washington, "
                "DC, to investigate Russia’s meddling in the 2016 election.",
                "Outlet C": "The news that special counsel Robert Mueller has impaneled a grand "
                "jury has shaken Washington, fueling speculation that the investigation is "
                "growing in scope and seriousness.",
            },
            "Special counsel Robert Mueller has impaneled a grand jury",
            ("S1", "S3"),
        ),
        # NeuS: "White nationalist leader Richard Spencer was reportedly stopped by
        # authorities in Europe this week" is most of Outlet B's words ("stopped on his way
        # to Sweden ..., he said Friday"), but not nearly all: not shown as what both report
        (
            {
                "Outlet A": "White nationalist leader Richard Spencer was reportedly stopped by "
                "authorities in Europe this week while attempting to travel to address young "
                "white nationalists.",
                "Outlet B": "White nationalist and “alt-right” leader Richard Spencer was stopped "
                "on his way to Sweden and sent back to the United States because of a ban "
                "excluding him from most of the European Union, he said Friday.",
            },
            None,
            None,
        ),
        # seeds: a person's words are not shortened, and "does nothing [without the approval
        # of ...]" says the opposite without its phrase
        (
            {
                "partisan site": "Shoigu said: The Kiev regime does nothing without the approval "
                "of its supervisors Westerners. We hope that, in this affair, French special "
                "services are not behind it.",
                "AFP": "Sergei Shoigu said: The Kyiv regime does nothing without the approval of "
                "Western curators. We trust that in this case French special services are not "
                "behind it.",
            },
            None,
            None,
        ),
        (
            {
                "Outlet A": "The Kiev regime does nothing without the approval of its supervisors "
                "in the West, the ministry said on Tuesday in Moscow.",
                "Outlet B": "The Kyiv regime does nothing, the ministry said in a statement "
                "carried by state media.",
            },
            None,
            None,
        ),
        # NeuS: a core that cuts a noun's "of" phrase ("President Trump on Friday blocked the
        # release") is not tried
        (
            {
                "Outlet B": "President Trump on Friday blocked the release of a classified "
                "Democratic memo rebutting Republican claims that top federal law enforcement "
                "officials had abused their powers.",
                "Outlet A": "President Trump on Friday blocked the release of a rebuttal by "
                "the minority, the White House said, citing national security.",
            },
            None,
            None,
        ),
        # BASIL: the core "A group issued its own resolution Tuesday" lost the name its
        # subject had ("A group called the St. Louis Tea Party"): it tells nothing
        (
            {
                "HuffPost": "A group called the St. Louis Tea Party issued its own resolution "
                "Tuesday calling on the NAACP to withdraw the resolution.",
                "Fox News": "The group has drafted a resolution of its own condemning the civil "
                "rights group; the St. Louis Tea Party issued it Tuesday.",
            },
            None,
            None,
        ),
        # NeuS (health-care prices): a core no second outlet carries stays out
        (
            {"Outlet B": REGULATIONS, "Outlet C": '"How much will it cost?" you ask.'},
            None,
            None,
        ),
    ],
)
def test_a_shared_core_is_a_point_when_no_whole_sentence_is(
    texts: dict[str, str], shared: str | None, alike: tuple[str, ...] | None
) -> None:
    first = next(iter(texts.values()))
    found = verified_agreements(_rec(first, texts))
    assert (found[0].text if found else None) == shared
    assert (found[0].source_ids if found else None) == alike
    assert all(a.core for a in found)


def test_under_the_lead_a_shared_core_is_written_out() -> None:
    rec = _rec(HICKS["Outlet A"], HICKS, lead=HICKS["Outlet A"])
    view = build_view(rec)
    assert view.lead_alike == "Outlet A, Outlet B and Outlet C"
    assert view.lead_alike_point == "Hope Hicks will return to the White House"
    assert "1 point reported alike" in view.standfirst
    page = render_html(rec)
    assert (
        "Reported alike by Outlet A, Outlet B and Outlet C: Hope Hicks will return to the "
        "White House." in page
    )
    assert "No point besides the lead's is reported alike" in page  # not "no point", after "1"


def test_the_page_lists_verified_points_and_puts_the_leads_outlets_under_it() -> None:
    rec = _rec(NEVER_SERVED, {"Times": NEVER_SERVED, "HuffPost": NEVER_SERVED}, lead=NEVER_SERVED)
    view = build_view(rec)
    assert view.agreed == [] and view.lead_alike == "Times and HuffPost"
    assert view.lead_alike_point is None  # the whole sentence: no core written out
    assert "1 point reported alike" in view.standfirst
    rec = _rec(REGULATIONS, {"B": REGULATIONS, "C": '"How much will it cost?" you ask.'})
    view = build_view(rec)
    assert view.agreed == [] and "0 points reported alike" in view.standfirst
    assert [(c.agreed, c.only_here) for c in view.coverage] == [(0, 1), (0, 1)]


def test_quotation_marks_are_shown_only_around_each_named_outlets_own_words() -> None:
    # BASIL, NAACP: Fox quotes the resolution, HuffPost paraphrases it; the two are named
    # under HuffPost's wording, without quotation marks
    quoted = 'The resolution "calls on the tea party to repudiate the racist elements".'
    plain = "The resolution calls on the tea party to repudiate racist elements."
    found = verified_agreements(_rec(quoted, {"Fox News": quoted, "HuffPost": plain}))
    assert [(a.text, a.source_ids) for a in found] == [(plain, ("S1", "S2"))]
    found = verified_agreements(_rec(quoted, {"Fox News": quoted, "HuffPost": quoted}))
    assert [(a.text, a.source_ids) for a in found] == [(quoted, ("S1", "S2"))]


@pytest.mark.parametrize(
    ("version", "evidence", "shown"),
    [
        # BASIL (HuffPost): the side was the end of the campaign's sentence
        (
            'he had served "in Vietnam" an "outrageous distortion" on his record',
            "Blumenthal's campaign called a New York Times report which includes video of him "
            'at a 2008 event saying he had served "in Vietnam" an "outrageous distortion" on his '
            "record.",
            None,
        ),
        # written: a cut clause of a named official's denial
        (
            "denied that the talks had taken place",
            "The foreign minister denied that the talks had taken place.",
            None,
        ),
        # seeds (AFP): the article's sentence opens on a pronoun; the fragment stays
        (
            "deny that such a conversation took place",
            "It did not elaborate on what it meant, and a source close to Lecornu was quick to "
            "deny such a conversation took place.",
            "deny that such a conversation took place",
        ),
        # NeuS (a truncated excerpt): the claim's evidence is another sentence, not the one
        # the clause was cut from; the clause stays
        (
            "he made her feel uncomfortable when he sat feet away from her",
            "The gunman who pulled out a shotgun during a church service in Texas on Sunday and "
            "opened fire on worshipers appeared to be in disguise when",
            "he made her feel uncomfortable when he sat feet away from her",
        ),
        # NeuS (AP): a point left out by other outlets, cut from "The coalition says ..."
        (
            "it is suspending training for Iraqi forces",
            "The coalition says it’s focus will now be on protecting U.S. personnel and bases in "
            "Iraq, and it is suspending training for Iraqi forces.",
            None,
        ),
        # NeuS (HuffPost): what the Times said, cut after "which said": its second clause,
        # "but that she will not ...", shows that the first lost its frame
        (
            "Hicks will be a “counselor to the president,” but that she will not be in the "
            "communications office",
            "Hicks will join President Donald Trump’s son-in-law Jared Kushner’s team, according "
            "to a report Thursday from The New York Times, which said Hicks will be a “counselor "
            "to the president,” but that she will not be in the communications office.",
            None,
        ),
        # PolNeAR train (its frame written here): the same, after a dash
        (
            "GOP moderates may be pliable — and that Democratic efforts to corral GOP votes "
            "shouldn’t end with just looking for moderates",
            "Some strategists argue GOP moderates may be pliable — and that Democratic efforts to "
            "corral GOP votes shouldn’t end with just looking for moderates.",
            None,
        ),
        # PolNeAR train: a speaker's two clauses under one frame are a whole sentence
        (
            "Rubio says he opposes gun violence but that the president’s plans won’t help "
            "prevent it",
            "Rubio says he opposes gun violence but that the president’s plans won’t help "
            "prevent it, his campaign said.",
            "Rubio says he opposes gun violence but that the president’s plans won’t help "
            "prevent it",
        ),
        # BASIL (NYT): a side opening on a quotation mark is a whole sentence already
        (
            "“There was no such impropriety,” Robert F. Bauer, the White House counsel, said",
            "“There was no such impropriety,” Robert F. Bauer, the White House counsel, said in "
            "a memo released to reporters.",
            "“There was no such impropriety,” Robert F. Bauer, the White House counsel, said",
        ),
    ],
)
def test_a_side_cut_from_its_sentence_is_shown_as_the_articles_sentence(
    version: str, evidence: str, shown: str | None
) -> None:
    from service.render.agreement import side_wording
    from service.schemas import Span

    claim = builders.claim(
        "S1.C1", "S1", version, evidence=Span(start=0, end=len(evidence), text=evidence)
    )
    assert side_wording(version, [claim]) == (shown or evidence)


def test_a_point_left_out_is_shown_as_the_sentence_it_was_cut_from() -> None:
    """NeuS (AP): "What Outlet A leaves out" listed "it is suspending training for Iraqi
    forces", a clause whose "it" has no referent; the page shows the article's sentence."""
    from service.schemas import Span

    sentence = (
        "The coalition says it’s focus will now be on protecting U.S. personnel and bases in "
        "Iraq, and it is suspending training for Iraqi forces."
    )
    clause = "it is suspending training for Iraqi forces"
    rec = _rec(clause, {"Outlet A": "Iraqi lawmakers voted.", "Outlet B": sentence})
    claim = builders.claim(
        "S2.C1", "S2", clause, evidence=Span(start=0, end=len(sentence), text=sentence)
    )
    rec.accounts[1].claims[0] = claim
    rec.accounts[0].omits.append("G1")
    rec.groups[0] = rec.groups[0].model_copy(
        update={"status": GroupStatus.single_source, "claim_ids": ["S2.C1"], "source_ids": ["S2"]}
    )
    view = build_view(rec)
    assert view.coverage[0].left_out_points == [sentence]
    # the Markdown report lists the same wording (it had listed the group's clause)
    markdown = render_markdown(rec)
    assert f"- G1: {sentence}" in markdown
    assert f"- G1: {clause}" not in markdown


def test_a_point_the_outlet_reports_is_not_listed_as_left_out() -> None:
    """Seeds (issue 20): "What AFP leaves out" listed points AFP reports; neither the page nor
    the Markdown report lists a group the outlet has a claim in."""
    rec = _rec(
        "Iraqi lawmakers voted.",
        {"Outlet A": "Iraqi lawmakers voted.", "Outlet B": "Iraqi lawmakers voted."},
    )
    rec.accounts[0].omits.append("G1")  # the group holds Outlet A's own claim
    assert build_view(rec).coverage[0].left_out_points == []
    assert "Reported elsewhere, not here" not in render_markdown(rec)
    rec.accounts[0].claims.clear()  # now Outlet A has no claim in it: it is left out
    assert "- G1: Iraqi lawmakers voted." in render_markdown(rec)


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        # PolNeAR train: a first "that" clause is there, so the second has its frame
        (
            "The science became ever more clear that global warming was beginning to alter the "
            "Earth's climate and that those changes were likely to accelerate.",
            True,
        ),
        # PolNeAR train: "says" frames both clauses
        (
            "Clinton says many doubted her in Nevada but that she and her supporters never "
            "doubted each other.",
            True,
        ),
        # PolNeAR train: a reported clause with its frame cut off
        (
            "China has the most and that Beijing is the world's billionaire capital.",
            False,
        ),
    ],
)
def test_a_second_that_clause_without_a_first_is_no_whole_sentence(text: str, whole: bool) -> None:
    from service.render.agreement import whole_sentence

    assert whole_sentence(text) is whole


def _with_summary(rec: Reconciliation, text: str, sources: list[str], kind: SummaryKind) -> None:
    rec.summary = Summary(
        sentences=[
            SummarySentence(
                text=text,
                kind=kind,
                claim_ids=[f"{s}.C1" for s in sources],
                source_ids=sources,
                group_id="G1",
                written_by="template",
            )
        ]
    )


ETHERIDGE_A = (
    "“I deeply and profoundly regret my reaction and I apologize to all involved,” Mr. "
    "Etheridge said in a statement."
)
ETHERIDGE_B = (
    "“I deeply and profoundly regret my reaction and I apologize to all involved,” Etheridge said."
)
ETHERIDGE_SAID = (
    'Etheridge also said: "I deeply and profoundly regret my reaction and I apologize to all '
    'involved" (New York Times, HuffPost).'
)


def test_a_point_the_summary_credits_to_two_outlets_is_listed_as_alike() -> None:
    # BASIL (NYT, HuffPost): each article frames the same quotation in its own words, so no
    # whole sentence of the group is both outlets', and the page said "0 points reported
    # alike" under a summary crediting the quotation to both.
    rec = _rec(ETHERIDGE_A, {"New York Times": ETHERIDGE_A, "HuffPost": ETHERIDGE_B})
    assert verified_agreements(rec) == []
    _with_summary(rec, ETHERIDGE_SAID, ["S1", "S2"], SummaryKind.consensus)
    (alike,) = verified_agreements(rec)
    assert alike.source_ids == ("S1", "S2")
    assert alike.text == (
        'Etheridge said: "I deeply and profoundly regret my reaction and I apologize to all '
        'involved"'
    )


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        # One outlet's sentence is no agreement.
        ('Etheridge said: "I deeply and profoundly regret my reaction" (HuffPost).', ["S2"]),
        # Two points merged into one sentence are not one point.
        (
            "Etheridge apologized (New York Times, HuffPost); he regretted his reaction "
            "(New York Times, HuffPost).",
            ["S1", "S2"],
        ),
    ],
)
def test_a_summary_sentence_is_listed_only_as_one_point_of_two_outlets(
    text: str, sources: list[str]
) -> None:
    rec = _rec(ETHERIDGE_A, {"New York Times": ETHERIDGE_A, "HuffPost": ETHERIDGE_B})
    _with_summary(rec, text, sources, SummaryKind.consensus)
    assert verified_agreements(rec) == []


def _quoted_rec(speakers: dict[str, tuple[str, str, str]]) -> Reconciliation:
    """One agreed group: per outlet, (speaker, claim statement, article text)."""
    sources, accounts, ids = [], [], []
    for n, (outlet, (who, statement, text)) in enumerate(speakers.items(), start=1):
        sid = f"S{n}"
        c = builders.claim(
            f"{sid}.C1",
            sid,
            statement,
            who,
            ClaimKind.attributed_claim,
            asserter_kind=AsserterKind.person,
        )
        c.speaker = c.asserter
        sources.append(builders.source(sid, outlet, text))
        accounts.append(
            SourceAccount(source_id=sid, outlet=outlet, claims=[c], editorial=[], quotes=[])
        )
        ids.append(c.claim_id)
    return _one_group(speakers[next(iter(speakers))][1], sources, accounts, ids, [])


KIEV = "The Kiev regime does nothing without the approval of its supervisors Westerners."
KYIV = "The Kyiv regime does nothing without the approval of Western curators."
SUCK_NYT = "It\u2019s not enough just to not suck as much as the other side,"
SUCK_HP = (
    "It is going to be a very good year. But it is not enough just to not suck as much as the "
    "other side."
)
SPENDING = "I have not heard people in the Republican Party admit yet that they have a problem."
ADDICTED = "Noting that he was a recovering alcoholic himself, he said the party was addicted."


@pytest.mark.parametrize(
    ("speakers", "listed"),
    [
        # Seeds: two translations of Shoigu's statement, each quoted from its own article.
        (
            {
                "partisan site": ("Shoigu", f"Shoigu said: {KIEV}", f'Shoigu said: "{KIEV}"'),
                "AFP": ("Sergei Shoigu", f"Sergei Shoigu said: {KYIV}", f'"{KYIV}" he said.'),
            },
            True,
        ),
        # BASIL (the Times, HuffPost): the same remark, one outlet quoting more of it.
        (
            {
                "New York Times": (
                    "Glenn Beck",
                    f"\u201c{SUCK_NYT}\u201d he said.",
                    f"\u201c{SUCK_NYT}\u201d he said.",
                ),
                "HuffPost": ("Glenn Beck", f'Glenn Beck said: "{SUCK_HP}"', f'"{SUCK_HP}"'),
            },
            True,
        ),
        # Must not: two different remarks of one person that the alignment put together.
        (
            {
                "New York Times": ("Glenn Beck", ADDICTED, ADDICTED),
                "HuffPost": ("Glenn Beck", f'Glenn Beck said: "{SPENDING}"', f'"{SPENDING}"'),
            },
            False,
        ),
        # Must not: two people.
        (
            {
                "partisan site": ("Shoigu", f"Shoigu said: {KIEV}", f'Shoigu said: "{KIEV}"'),
                "AFP": ("Sebastien Lecornu", f"Lecornu said: {KYIV}", f'"{KYIV}" he said.'),
            },
            False,
        ),
    ],
)
def test_one_persons_statement_in_two_outlets_words_is_listed_with_both(
    speakers: dict[str, tuple[str, str, str]], listed: bool
) -> None:
    found = [a for a in verified_agreements(_quoted_rec(speakers)) if "in each" in a.text]
    assert bool(found) == listed
    if listed:
        (alike,) = found
        assert alike.source_ids == ("S1", "S2")
        for outlet in speakers:
            assert f"({outlet})" in alike.text


def test_the_markdown_report_names_outlets_only_under_verified_points() -> None:
    # NeuS: the comparison grouped the regulations sentence with '"How much will it cost?" you
    # ask'; the report listed it as "Agreed across sources (Outlet B, Outlet C)".
    rec = _rec(
        REGULATIONS, {"Outlet B": REGULATIONS, "Outlet C": '"How much will it cost?" you ask.'}
    )
    md = render_markdown(rec)
    agreed = md.split("## Agreed across sources", 1)[1].split("\n## ", 1)[0]
    assert "_None found._" in agreed and "Outlet C" not in agreed
    unchecked = md.split("## Grouped alike by the comparison, not verified", 1)[1]
    assert "(S1.C1, S2.C1)" in unchecked.split("\n## ", 1)[0]
    # A point both outlets carry is listed as agreed, with both named.
    rec = _rec(NEVER_SERVED, {"New York Times": NEVER_SERVED, "HuffPost": NEVER_SERVED})
    md = render_markdown(rec)
    agreed = md.split("## Agreed across sources", 1)[1].split("\n## ", 1)[0]
    assert "(New York Times, HuffPost; S1.C1, S2.C1)" in agreed
    assert "not verified" not in md
