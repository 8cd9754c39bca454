"""What a summary sentence keeps of an article's words beyond the clause itself: the core
of the lead for a headline (subject, verb, objects; no asides) and the adjectives one outlet
puts on a named party (its epithets), which the summary never repeats in its own voice."""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Token

from service.pipeline.summary_text import cap, is_clause
from service.pipeline.summary_trim import QUOTE_CHARS, ends_dangling
from service.text.speech import nlp

EPITHET_REACH = 5  # tokens from an adjective to the name it labels
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december""".split()
)


def epithets(tags: Sequence[tuple[str, str]], unique: set[str]) -> list[str]:
    """Of `unique` (adjectives and adverbs only one outlet uses), those that label a named
    party: followed, within the same noun phrase, by a proper name ("bombastic conservative
    talk show host Glenn Beck", "establishment-backed Sen. Arlen Specter")."""
    found = []
    lowered_unique = {u.lower() for u in unique}
    for i, (word, pos) in enumerate(tags):
        if word.lower() not in lowered_unique or pos not in {"ADJ", "ADV"}:
            continue
        for w, p in tags[i + 1 : i + 1 + EPITHET_REACH]:
            if p == "PROPN" and w.lower() not in _CALENDAR:
                found.append(word)
                break
            if p not in {"ADJ", "NOUN", "PUNCT", "ADV"} or w in {",", ";"}:
                break
    return found


# "npadvmod" is kept: it holds figures ("advanced 3.1% from a year earlier"), and without them
# the headline says something else ("Wages advanced from earlier", NeuS).
_SIDE_DEPS = frozenset({"appos", "relcl", "advcl", "parataxis", "acl", "punct", "cc"})


def core(text: str) -> str | None:
    """The clause's core, for a headline: the main verb with its subject and objects, less
    appositions, relative and adverbial clauses, and the verb's conjuncts."""
    doc = nlp()(text[:400])
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in {"VERB", "AUX"}:
        return None
    drop: set[int] = set()
    for t in doc:
        if t.dep_ == "punct" and t.text not in {",", "–", "—", "(", ")", ";"}:
            continue  # a hyphen inside "son-in-law" stays
        if t.dep_ == "appos" and not _set_off(doc, t):
            continue  # "son-in-law Jared Kushner's team": a name with no comma is no aside
        if t.dep_ in _SIDE_DEPS - {"cc"} or (t.head == root and t.dep_ in {"conj", "cc"}):
            drop |= {x.i for x in t.subtree}
    # After the verb the headline ends at the first words left out: what follows a gap may
    # hang on the parser's guess ("pressure on Steele Sunday to better explain -- and publicly
    # apologize for -- his claim" left "Steele Sunday his claim", BASIL). Before the verb a
    # gap is an aside around the subject ("Hicks, one of ..., is").
    gap = next((i for i in sorted(drop) if i > root.i), None)
    if gap is not None:
        drop |= set(range(gap, len(doc)))
    trailing = any(c.dep_ == "ccomp" and c.i < root.i for c in root.children)
    subj = next((c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if trailing and subj is not None and subj.i > 0 and doc[subj.left_edge.i - 1].text == ",":
        drop.discard(subj.left_edge.i - 1)  # "X spoke with Y on Wednesday, the ministry said"
    kept = [t for t in doc if t.i not in drop]
    # Keep the article's spacing, and a space where dropped words stood ("Hicks, one of …, is").
    out = "".join(
        t.text + (" " if t.whitespace_ or (n + 1 < len(kept) and kept[n + 1].i != t.i + 1) else "")
        for n, t in enumerate(kept)
    )
    out = out.strip().rstrip(",;:– -")
    out = re.sub(r"\s+([,.;:])", r"\1", " ".join(out.split()))
    if not is_clause(out) or ends_dangling(out) or any(ch in out for ch in QUOTE_CHARS):
        return None
    return cap(out)


def _set_off(doc: Doc, tok: Token) -> bool:
    """An apposition set off by a comma, dash or parenthesis ("Hicks, one of ..., is")."""
    left = tok.left_edge.i
    return left > 0 and doc[left - 1].text in {",", "–", "—", "(", "-"}
