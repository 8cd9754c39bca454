"""Cues that a sentence in the outlet's own voice is judgement rather than reported fact.

A small model labels nearly everything in the outlet's voice "reported_fact". The generic
markers of certainty claims, predictions and loaded characterisation (`editorial_markers` in
service/text/speech/rules.yaml, not tuned to any one article) flip such a claim to "opinion",
so it is kept out of the summary's plain statements.
Heuristic: a marker inside a quotation does not count (that is someone else's wording).
"""

from __future__ import annotations

import re

from service.text.quotes import matches_outside_quotes
from service.text.speech.rules import lists

# Site furniture around the article text.
BOILERPLATE = re.compile(r"©|\bcopyright\b|all rights reserved|connect with us", re.IGNORECASE)

# Photo captions, credits and share widgets: text around an article, not part of its report.
CAPTION = re.compile(
    r"\b(?:AP|AFP|Reuters|Getty Images|EPA)\s*(?:Photo|/)|\bphoto (?:provided|taken|shows)|"
    r"\bundated photo\b|\bfile photo\b|^\[.*\]$|\bclick here\b|\bsign up\b|\bsubscribe\b",
    re.IGNORECASE,
)


# Page furniture in the outlet's voice that points at something else on the page, not a
# report: "Watch the video above.", "Follow him on Twitter at @joelpollak.", "Listen to the
# interview, embedded below:" (PolNeAR train: HuffPost, Breitbart, USA Today, West Journal),
# and a lead-in that ends on its colon, the content following in the next sentences ("Here's
# an excerpt from the Times report:", BASIL, HuffPost; "Here are three reasons the Stop Trump
# movement should be optimistic:", PolNeAR train, Washington Post). Not a lead-in with its
# content after the colon ("Here's Clinton in December 1992: "Our new direction ..."", "Here
# is the thing: They should ..."), nor a "Here's how ..." sentence without one. Cases:
# tests/test_text_pointers.py.
POINTER = re.compile(
    r"^(?:(?:watch|listen to|see|view|follow|check out|take a look at)\b[^\"“”:]*"
    r"\b(?:above|below|here|video|clip|ad|interview|podcast|photos?|audio|twitter|@\w+)\b"
    r"[^\"“”:]*[.:!]?"
    r"|(?:here['’]s|here is|here are|below is|below are|above is)\b[^\"“”:]*:)\s*$",
    re.IGNORECASE,
)


def editorial_marker(sentence: str) -> str | None:
    """The first editorial marker outside quotation marks, or None."""
    m = next(matches_outside_quotes(lists().editorial_markers, sentence), None)
    return m.group(0) if m else None
