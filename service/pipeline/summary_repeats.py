"""Whether a summary sentence tells the reader something new: the figures it gives
(`new_figure`), the names and figures another outlet's version of the lead adds
(`adds_a_name_or_figure`), and another outlet's opening report telling the lead's event again
(`retells_lead`). The sentence checks (`summary_checks`) and the selection (`summary`) use
them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.pipeline.alignment.compare import Numbers, compare_numbers
from service.pipeline.similarity import overlap
from service.pipeline.summary_trim import fold

# A sentence's credit and an outlet's "X reports that" frame: not content.
CREDIT = re.compile(r"\([^()]*\)\.?$|^\S+(?: \S+){0,3} reports that ")
_NOT_NAMES = frozenset("i the a an on in of and or but according".split())


# A figure: a number with its currency, percent or scale, or followed by the word it counts
# ("9,000 residents", "60 percent", "$150 million"); not a number that ends a phrase ("on 911,").
_FIGURE = re.compile(
    r"[$€£]\s?\d+(?:,\d{3})*(?:\.\d+)?|(?<![\w./-])\d+(?:,\d{3})*(?:\.\d+)?"
    r"(?=\s?(?:%|percent\b|million\b|billion\b|trillion\b|thousand\b)|\s+[A-Za-z])"
)


def new_figure(text: str, stated: str) -> bool:
    """The text gives a figure the stated sentence does not (years aside)."""

    def figures(t: str) -> set[str]:
        found = {m.group(0).lstrip("$€£ ").replace(",", "") for m in _FIGURE.finditer(t)}
        return {f for f in found if not (len(f) == 4 and f[:2] in {"19", "20"})}

    return bool(figures(text) - figures(stated))


RETOLD_LEAD = 0.25  # word overlap of another outlet's opening report with the lead: a retelling


def retells_lead(text: str, lead: str) -> bool:
    """Another outlet's opening report tells the event the lead already told, in its own
    words ("President Trump gave his first public remarks since contracting Covid-19 ..."
    after "President Trump held his first public event since contracting the novel
    coronavirus ..."; "Hope Hicks is set to return to the White House" after "... Hope Hicks
    ... is returning to the White House"; NeuS raters: "states the same fact twice"). An
    article's first sentences are about the event the set is about, so a lower overlap with
    the lead than `restates` needs marks a retelling; a different figure is a difference."""
    if compare_numbers(text, lead) is Numbers.conflict:
        return False
    return overlap(CREDIT.sub("", text.strip()), CREDIT.sub("", lead.strip())) >= RETOLD_LEAD


_NAME_RUN = re.compile(r"\b[A-Z][\w’'.-]*(?:\s+(?:of\s+)?[A-Z][\w’'.-]*)*")


def adds_a_name_or_figure(text: str, earlier: Sequence[str]) -> bool:
    """The sentence names someone or somewhere, or gives a figure, that no earlier sentence
    has: another outlet's version of the lead that says where and why ("stopped on his way to
    Sweden ... because of a ban") adds to it; one that only says it again in its own words
    ("Hope Hicks, one of President Donald Trump's most trusted ... aides, is returning to the
    White House") does not. A name counts as told when its last word was (a surname, "House")."""
    body = CREDIT.sub("", text.strip())
    told_text = " ".join(earlier).replace("U.S.", "United States")
    told = {w for w in re.findall(r"[\w’']+", fold(told_text)) if len(w) > 1}
    # "NCAA" after "National Collegiate Athletic Association"
    initials = {
        "".join(w[0] for w in run.split() if w[:1].isupper())
        for run in (m.group(0) for m in _NAME_RUN.finditer(told_text))
    }
    for m in _NAME_RUN.finditer(body.replace("U.S.", "United States")):
        run = m.group(0)
        if m.start() == 0 and " " not in run:
            continue  # the sentence's first word is capitalised anyway
        last = fold(run.split()[-1]).strip(".’'")
        if not last or last in _NOT_NAMES or last in _WEEKDAYS or run in initials:
            continue
        # the same name in another form: "Iraq" after "Iraqi"
        if any(w == last or (len(last) >= 4 and w.startswith(last)) for w in told):
            continue
        return True
    return new_figure(body, " ".join(earlier))


_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
