"""Cues that a sentence in the outlet's own voice is judgement rather than reported fact.

A small model labels nearly everything in the outlet's voice "reported_fact". These generic
markers of certainty claims, predictions and loaded characterisation (not tuned to any one
article) flip such a claim to "opinion", so it is kept out of the summary's plain statements.
Heuristic: a marker inside a quotation does not count (that is someone else's wording).
"""

from __future__ import annotations

import re

from service.text.quotes import find_quotes

_MARKERS = re.compile(
    r"\b("
    r"can only (?:lead|end|result|mean)|will inevitably|inevitabl[ey]|undoubtedly|clearly|"
    r"obviously|of course|unambiguously|blatant(?:ly)?|shameless(?:ly)?|reckless(?:ly)?|"
    r"disastrous|catastrophic|outrageous|absurd|so-called|notorious(?:ly)?|regime|"
    r"propaganda|warmonger\w*|puppet|stooges?|lackeys?|heroic(?:ally)?|brutal(?:ly)?|"
    r"draconian|pushed the narrative|narrative that|"
    r"(?:is|are) (?:nothing but|merely) |forced \w+ (?:officials |leaders )?to abandon"
    r")\b",
    re.IGNORECASE,
)

# Site furniture around the article text.
BOILERPLATE = re.compile(r"©|\bcopyright\b|all rights reserved|connect with us", re.IGNORECASE)

# Photo captions, credits and share widgets: text around an article, not part of its report.
CAPTION = re.compile(
    r"\b(?:AP|AFP|Reuters|Getty Images|EPA)\s*(?:Photo|/)|\bphoto (?:provided|taken|shows)|"
    r"\bundated photo\b|\bfile photo\b|^\[.*\]$|\bclick here\b|\bsign up\b|\bsubscribe\b",
    re.IGNORECASE,
)


def editorial_marker(sentence: str) -> str | None:
    """The first editorial marker outside quotation marks, or None."""
    quoted = find_quotes(sentence)
    for m in _MARKERS.finditer(sentence):
        if not any(s <= m.start() < e for s, e in quoted):
            return m.group(0)
    return None
