"""Cheap lexical similarity, used to pick which claim pairs are worth a model call and as the
eval's pre-filter. Content words, lower-cased, crudely stemmed; Jaccard-like overlap."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Za-zÀ-ÿ]+|\d+")
_STOP = frozenset(
    (
        "a an the and or but of to in on at for with by from as is are was were be been being "
        "it its this that these those he she they them his her their there here which who whom "
        "what when where how not no nor so than then also said says say told would could should "
        "will can may might has have had do does did about over after before into out up down "
        "all any some such only very more most other own same too just per via according"
    ).split()
)


# Words news copy uses interchangeably for one referent: demonyms and capitals stand for the
# country ("Ukrainian involvement" ~ "a link to Ukraine", "Paris denied" ~ "France denied"),
# and a few reporting nouns (talks/negotiations/dialogue; link/involvement; evidence/
# information/proof). Generic and small: used to pick candidate pairs, to gate which pair
# relations are believed (alignment), and as the eval's pre-filter. ("conversation" -> "call"
# was removed: it was justified by one seed pair only.)
_SAME = {
    "russian": "russia",
    "moscow": "russia",
    "kremlin": "russia",
    "ukrainian": "ukraine",
    "kyiv": "ukraine",
    "kiev": "ukraine",
    "french": "france",
    "paris": "france",
    "elysee": "france",
    "american": "us",
    "washington": "us",
    "usa": "us",
    "british": "uk",
    "london": "uk",
    "britain": "uk",
    "chinese": "china",
    "beijing": "china",
    "german": "germany",
    "berlin": "germany",
    "turkish": "turkey",
    "ankara": "turkey",
    "israeli": "israel",
    "iranian": "iran",
    "tehran": "iran",
    "european": "europe",
    "western": "west",
    "negotiations": "talk",
    "negotiation": "talk",
    "negotiate": "talk",
    "negotiating": "talk",
    "dialogue": "talk",
    "talks": "talk",
    "link": "involv",
    "linked": "involv",
    "links": "involv",
    "involvement": "involv",
    "involved": "involv",
    "behind": "involv",
    "telephone": "call",
    "phone": "call",
    "information": "evidence",
    "proof": "evidence",
    "killed": "dead",
    "died": "dead",
    "deaths": "dead",
}


@lru_cache(maxsize=8192)
def content_words(text: str) -> frozenset[str]:
    words = (w.lower() for w in _WORD.findall(text))
    return frozenset(_SAME.get(w) or _stem(w) for w in words if w not in _STOP and len(w) > 1)


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def overlap(a: str, b: str) -> float:
    """Overlap coefficient blended with Jaccard: robust to one text being much longer."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0
    inter = len(wa & wb)
    return 0.5 * inter / min(len(wa), len(wb)) + 0.5 * inter / len(wa | wb)
