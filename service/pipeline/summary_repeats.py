"""Whether a summary sentence tells the reader something new: the figures it gives
(`new_figure`), another outlet's opening report telling the lead's event again
(`retells_lead`), and a report too thin to tell anything on its own (`thin`). The sentence
checks (`summary_checks`) and the selection (`summary`) use them."""

from __future__ import annotations

import re

from service.pipeline.alignment.compare import Numbers, compare_numbers
from service.pipeline.similarity import content_words, overlap
from service.text.speech import pos_tags

# A sentence's credit and an outlet's "X reports that" frame: not content.
CREDIT = re.compile(r"\([^()]*\)\.?$|^\S+(?: \S+){0,3} reports that ")


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


THIN_WORDS = 4  # content words at most in a report that names no one and gives no figure


def thin(text: str) -> bool:
    """An outlet's report of a handful of words that names no one and gives no figure says
    nothing a reader can use on its own ("Outlet C reports that finally, borrowers will
    receive relief", NeuS; "HuffPost reports that little is known about these "students."",
    BASIL, where the words were another site's: raters listed both in every round)."""
    body = CREDIT.sub("", text.strip())
    if len(content_words(body)) > THIN_WORDS or new_figure(body, ""):
        return False
    return not any(pos == "PROPN" for _, pos in pos_tags(body))
