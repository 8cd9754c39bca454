"""The page's display-level party merge (service/render/names.py) and its timeline dates
(service/render/timeline.py): each rule with examples from outside the seeds where it must
fire and where it must not."""

from __future__ import annotations

from datetime import date

import pytest

from service.render.names import canonical_names, fold, is_person, merge_parties, same_party
from service.render.timeline import find_when, sort_key


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        # transliterations and accents (French, German, English spellings of Russian names)
        ("Khrouchtchev", "Khrushchev", "translit"),
        ("Poutine", "Putin", "translit"),
        ("Volodymyr Zelenskyy", "Volodymyr Zelensky", "translit"),
        ("Tchaïkovski", "Tchaikovsky", "translit"),
        ("Gorbatchev", "Gorbachev", "translit"),
        ("Recep Tayyip Erdoğan", "Recep Tayyip Erdogan", "translit"),
        # one person with and without a first name or with an initial
        ("Navalny", "Alexei Navalny", "surname"),
        ("A. Merkel", "Angela Merkel", "surname"),
        ("Lavrov", "Sergueï Lavrov", "surname"),
        # one body, named by its country or the country's adjective, US or UK spelling
        ("Israel's defense ministry", "Israeli defence ministry", "qualifier"),
        ("Ukraine's foreign ministry", "Ukrainian foreign ministry", "qualifier"),
        ("the Turkish foreign ministry", "Turkey's foreign ministry", "qualifier"),
    ],
)
def test_same_party(a: str, b: str, rule: str) -> None:
    assert same_party(a, b) == rule
    assert same_party(b, a) == rule


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Emmanuel Macron", "Brigitte Macron"),  # same surname, two people
        ("Sergei Lavrov", "Sergei Shoigu"),  # same first name
        ("Russian defence ministry", "French defence ministry"),  # two countries' bodies
        ("the Pentagon", "the Kremlin"),
        ("German defence minister", "German defence ministry"),  # a person and a body
        ("a source close to Lecornu", "Lecornu"),  # someone near a person is not the person
        ("Chinese officials", "Taiwanese officials"),
    ],
)
def test_not_same_party(a: str, b: str) -> None:
    assert same_party(a, b) is None
    assert same_party(a, b, same_side=True) is None


def test_a_bare_title_joins_the_full_name_only_within_one_side() -> None:
    # Across a dispute "the ministry" may be another country's: kept apart there.
    assert same_party("the ministry", "Israel's defence ministry") is None
    assert same_party("the ministry", "Israel's defence ministry", same_side=True) == "generic"
    assert same_party("the ministry", "the White House", same_side=True) is None
    # a shorter title is another body as far as the page can tell, unless on one side
    assert same_party("the German government", "Germany's federal government") is None
    assert same_party("the German government", "Germany's federal government", same_side=True)
    assert same_party("French officials", "French defence officials") is None
    assert merge_parties(
        ["the ministry", "Israel's defence ministry", "Hamas"], same_side=True
    ) == ["Israel's defence ministry", "Hamas"]


def test_merge_keeps_the_fullest_spelling_in_first_seen_order() -> None:
    names = ["Zelenskyy", "Biden", "Volodymyr Zelensky", "Joe Biden", "Navalny"]
    assert merge_parties(names) == ["Volodymyr Zelensky", "Joe Biden", "Navalny"]
    shown = canonical_names(names)
    assert shown["Zelenskyy"] == "Volodymyr Zelensky" and shown["Biden"] == "Joe Biden"
    assert fold("Choïgu") == fold("Shoigu")


def test_two_people_of_one_surname_stay_two_parties() -> None:
    # BASIL (Sestak): "Bill Clinton", "Hillary Rodham Clinton" and a bare "Clinton" had become
    # one party shown as "Hillary Rodham Clinton", which headed the Bill Clinton story
    names = ["Hillary Rodham Clinton", "Bill Clinton", "Hillary Clinton", "Clinton"]
    shown = canonical_names(names)
    assert shown["Hillary Clinton"] == "Hillary Rodham Clinton"
    assert shown["Bill Clinton"] == "Bill Clinton"
    assert shown["Clinton"] == "Clinton"  # matches both: neither
    # one person: the bare surname joins (NeuS, AFP: "Joe Biden" ... "Biden")
    assert canonical_names(["Joe Biden", "Biden"])["Biden"] == "Joe Biden"


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Hope Hicks", True),
        ("Jared Kushner", True),
        # a building that stands for a body headed the Hope Hicks story (NeuS: "White House
        # and Donald Trump: how 3 outlets report it"); BASIL, Sestak: the same
        ("White House", False),
        ("House Judiciary Committee", False),
    ],
)
def test_a_body_is_no_person(name: str, person: bool) -> None:
    assert is_person(name) is person


@pytest.mark.parametrize(
    ("text", "published", "when", "day"),
    [
        (
            "The minister spoke on Tuesday, his office said.",
            date(2021, 6, 4),
            "on Tuesday",
            date(2021, 6, 1),
        ),
        ("The talks began on 3 March 2019 in Geneva.", None, "3 March 2019", date(2019, 3, 3)),
        ("Officials met Sept. 14, 2020, in Doha.", None, "Sept. 14, 2020", date(2020, 9, 14)),
        ("Polls closed at 8 p.m. local time.", date(2016, 11, 8), "8 p.m.", date(2016, 11, 8)),
        ("The deal was signed in April 2022.", None, "April 2022", date(2022, 4, 1)),
        ("It happened on Friday.", None, "on Friday", None),  # no publication date: not placed
    ],
)
def test_timeline_finds_dates(
    text: str, published: date | None, when: str, day: date | None
) -> None:
    found = find_when(text, published, 0)
    assert found is not None
    assert (found.when, found.day) == (when, day)


@pytest.mark.parametrize(
    "text",
    ["Officials said the talks would resume soon.", "Turnout rose last month.", "It may 4 times"],
)
def test_timeline_ignores_text_without_a_date(text: str) -> None:
    assert find_when(text, date(2020, 1, 1), 0) is None


def test_timeline_orders_placed_entries_first() -> None:
    a = find_when("on Friday", None, 1)
    b = find_when("in April 2022", None, 2)
    c = find_when("on 1 January 2020", None, 3)
    assert a and b and c
    assert [d.when for d in sorted([a, b, c], key=sort_key)] == [
        "1 January 2020",
        "April 2022",
        "on Friday",
    ]
