"""Deterministic asserter matching for the attribution metrics (documented in docs/eval.md).

Rule: two asserter names match when their normalised token sets are equal, or one set is a
subset of the other and the smaller set contains a *distinctive* token (not a generic role word
like "ministry"/"officials" and not a country or demonym). Outlet voice ("the outlet", the
outlet's own name, asserter kind `outlet`) only matches outlet voice.

Normalisation: accents folded, lower-cased, possessive 's dropped, punctuation removed,
British spellings mapped to American ("defence" -> "defense"), demonyms mapped to countries
("Russian" -> "russia"), a plural -s stripped, articles and linking words dropped ("a source
close to Lecornu" == "source close to Lecornu"), and BASIL's underscores read as spaces
("Rick_Perry" == "Rick Perry").
"""

from __future__ import annotations

import re
import unicodedata

OUTLET = "<outlet>"
_SPELLING = {
    "defence": "defense",
    "organisation": "organization",
    "centre": "center",
    "programme": "program",
    "labour": "labor",
    "favour": "favor",
    "kiev": "kyiv",
    "ministers": "minister",
    "officials": "official",
}
_DEMONYM = {
    "russian": "russia",
    "russians": "russia",
    "french": "france",
    "ukrainian": "ukraine",
    "ukrainians": "ukraine",
    "american": "us",
    "americans": "us",
    "usa": "us",
    "british": "uk",
    "turkish": "turkey",
    "german": "germany",
    "chinese": "china",
    "israeli": "israel",
    "iranian": "iran",
    "european": "europe",
    "western": "west",
}
COUNTRIES = frozenset(_DEMONYM.values()) | {"moscow", "paris", "kyiv", "washington", "ankara"}
_DROP_WORDS = "the a an of to for in on at by from and s mr mrs ms dr sen rep gov"  # + honorifics
_DROP = frozenset(_DROP_WORDS.split())
_GENERIC_WORDS = """ministry ministries minister government official source sources spokesman spokeswoman
    spokesperson statement office department agency authority authorities officer state
    president prime defense foreign security service services military army police people
    group party side report reports media press diplomat diplomatic senior close top
    investigator investigators team member members lawmaker lawmakers democrat democratic
    republican republicans democrats other unnamed anonymous"""
GENERIC = frozenset(_GENERIC_WORDS.split())
_OUTLET_WORDS = frozenset({"outlet", "the outlet", "reporter", "journalist", "author", "article"})
_TOKEN = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(name: str) -> frozenset[str]:
    text = fold(name).lower().replace("_", " ").replace("’", "'")
    text = re.sub(r"'s\b", "", text).replace("u.s.", "us")
    out: set[str] = set()
    for word in _TOKEN.findall(text):
        word = _SPELLING.get(word, word)
        word = _DEMONYM.get(word, word)
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = _SPELLING.get(word[:-1], word[:-1])
        if word not in _DROP:
            out.add(word)
    return frozenset(out)


def is_outlet_voice(name: str, kind: str | None = None, outlets: tuple[str, ...] = ()) -> bool:
    if kind == "outlet":
        return True
    low = " ".join(fold(name).lower().split())
    if low in _OUTLET_WORDS:
        return True
    return any(tokens(name) == tokens(o) for o in outlets if o)


def distinctive(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in words if w not in GENERIC and w not in COUNTRIES)


def names_match(
    predicted: str,
    gold: str,
    *,
    predicted_kind: str | None = None,
    gold_kind: str | None = None,
    outlets: tuple[str, ...] = (),
) -> bool:
    p_out = is_outlet_voice(predicted, predicted_kind, outlets)
    g_out = is_outlet_voice(gold, gold_kind, outlets)
    if p_out or g_out:
        return p_out and g_out
    p, g = tokens(predicted), tokens(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    small, big = (p, g) if len(p) <= len(g) else (g, p)
    return small <= big and bool(distinctive(small))


def names_in_text(name: str, text: str) -> bool:
    """Whether `text` names this asserter: one of its distinctive tokens, or else all its tokens."""
    words = tokens(name)
    text_words = tokens(text)
    key = distinctive(words) or words
    if distinctive(words):
        return bool(key & text_words)
    return bool(key) and key <= text_words


ATTRIBUTION_CUE = re.compile(
    r"\b(according to|said|says|say|saying|claim(s|ed)?|told|stated?|states|den(y|ies|ied)|"
    r"insist(s|ed)?|asserts?|asserted|reports?|reported|alleg(e|es|ed)|maintain(s|ed)?|"
    r"accus\w*|reject(s|ed)?|warn(s|ed)?|quoted|acknowledg\w*|dismiss\w*|contend(s|ed)?|"
    r"argue(s|d)?|in (its|their|his|her) (statement|account|version))\b",
    re.IGNORECASE,
)


def has_attribution_cue(text: str, besides: str = "") -> bool:
    """Whether `text` uses attribution wording, not counting words that `besides` (the claim
    being checked) uses itself: 'France rejected the offer' is the claim, not its attribution."""
    own = {w.lower() for w in re.findall(r"\w+", besides)}
    return any(m.group(0).lower() not in own for m in ATTRIBUTION_CUE.finditer(text))


def group_matches(group: str, label: str) -> bool:
    """Whether a group the article names a party as a member of ("Tea Party", "Democrat",
    "N.A.A.C.P.") is the group of a label ("Tea Party", "Democratic Lawmakers", "NAACP"): the
    words of one are all in the other, once abbreviation dots are dropped and an adjective's
    "-ic" is read as its noun ("Democratic" is "Democrat")."""

    def stems(text: str) -> frozenset[str]:
        words = tokens(text.replace(".", ""))
        return frozenset(w[:-2] if w.endswith("ic") and len(w) > 6 else w for w in words)

    g, lab = stems(group), stems(label)
    return bool(g) and bool(lab) and (g <= lab or lab <= g)
