"""Checks a summary sentence must pass before it is accepted (deterministic, no model).

1. Parties: every proper name in the sentence must occur in what it cites (the claims'
   statements, evidence sentences, asserters, speakers and their outlets' names). A sentence
   that credits "France's defence ministry" when no cited claim mentions it is rejected.
2. Loaded wording: the outlets' editorial markers (`service.text.editorial`), the style
   guides' loaded terms (`service.text.loaded_terms`), and adjectives or
   adverbs that only one outlet uses in the cited material when several outlets are cited or
   the event has several outlets ("deadly", "bluntly"): a neutral wire would not pick one
   side's wording.
3. Scope words: "several outlets", "both sides", "all reports" need claims from more than one
   source.
4. Text addressed to a machine (`service.text.injection`): a sentence that orders the summary
   or a model around is not about the event, whatever a model was led to write.
Each check returns a message that is fed back to the model (a re-ask), or None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.text.editorial import editorial_marker
from service.text.injection import addressed_to_model
from service.text.loaded_terms import loaded_terms

_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)")
_NOT_NAMES = frozenset(
    """According The A An In On At As But And Both Several All Each Neither Meanwhile While
    However Reports Report Outlets Outlet Sources Source They It He She This That These Those
    Accounts Its Their His Her""".split()
)
_SCOPE = re.compile(
    r"\b(?:several|both|all|multiple|many|various)\s+(?:outlets|sources|reports|articles|media|"
    r"sides|accounts|news)\b",
    re.IGNORECASE,
)
# Adjectives/adverbs too plain to be anyone's framing.
_PLAIN = frozenset(
    """last first second third next other former later earlier new recent previous also not only
    more most less least further same several many few such own separate separately directly
    again still already then now just even both each all some any no many much early late
    high top senior rare possible potential phone telephone military official public foreign
    main major minor full direct""".split()
    # A person's standing or the time of an office, not a judgement of them: "the upcoming
    # Congress", "presumptive incoming Speaker Nancy Pelosi" (NeuS), "incumbent Sen. Arlen
    # Specter", "outgoing House Speaker Nancy Pelosi", "longtime Republican official Maria
    # Cino", "fellow Democrats", "likely Republican voters" (BASIL). One outlet's use of them
    # had kept its whole sentence out of the summary as an epithet.
    + """upcoming incoming outgoing presumptive acting interim longtime incumbent retiring
    departing current future fellow likely""".split()
)


@dataclass(frozen=True)
class CitedMaterial:
    """What a summary sentence may draw on."""

    texts: tuple[str, ...]  # statements and evidence of the cited claims, names, outlets
    articles: tuple[str, ...]  # every article of the event, lower-cased


def unknown_parties(sentence: str, material: CitedMaterial) -> list[str]:
    haystack = " ".join(material.texts).lower()
    missing = []
    for m in _NAME.finditer(sentence):
        words = [w for w in m.group(1).split() if w not in _NOT_NAMES]
        if not words:
            continue
        if not any(_stem(w).lower() in haystack for w in words):
            missing.append(" ".join(words))
    return missing


def _stem(word: str) -> str:
    word = re.sub(r"['’]s$", "", word)
    return word[:-1] if len(word) > 5 and word.endswith("s") else word[: max(4, len(word) - 2)]


def loaded_words(
    sentence: str, material: CitedMaterial, tags: Sequence[tuple[str, str]]
) -> list[str]:
    """`tags`: (word, coarse POS) of the sentence, from the caller's parser."""
    found = []
    marker = editorial_marker(sentence)
    if marker:
        found.append(marker)
    found += [t for t in loaded_terms(sentence) if t not in found]
    if len(material.articles) < 2:
        return found
    cited = " ".join(material.texts).lower()
    for word, pos in tags:
        low = word.lower()
        if pos not in {"ADJ", "ADV"} or low in _PLAIN or len(low) < 4 or not low.isalpha():
            continue
        if word[:1].isupper() and word.lower() != word:
            continue  # "Turkish", "Western": a proper adjective names, it does not judge
        pattern = re.compile(rf"\b{re.escape(low)}\b")
        if not pattern.search(cited):
            continue  # the writer's own word, not copied from a source
        if sum(bool(pattern.search(a)) for a in material.articles) == 1:
            found.append(word)
    return found


def scope_problem(sentence: str, cited_sources: set[str]) -> str | None:
    m = _SCOPE.search(sentence)
    if m and len(cited_sources) < 2:
        return f"'{m.group(0)}' needs claims from more than one source; only one is cited"
    return None


def screen(
    sentence: str,
    material: CitedMaterial,
    cited_sources: set[str],
    tags: Sequence[tuple[str, str]],
) -> str | None:
    """The first problem with the sentence, as an instruction to fix it, or None."""
    injected = addressed_to_model(sentence)
    if injected:
        return f"write about the event only: the sentence reads as text to a model ({injected})"
    names = unknown_parties(sentence, material)
    if names:
        return f"do not mention {names}: no cited claim names them"
    scope = scope_problem(sentence, cited_sources)
    if scope:
        return scope
    loaded = loaded_words(sentence, material, tags)
    if loaded:
        return f"use neutral wording instead of {loaded} (one outlet's framing)"
    return None
