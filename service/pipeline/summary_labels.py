"""What a summary sentence keeps of an article's words beyond the clause itself: the core
of the lead for a headline (subject, verb, objects; no asides) and the adjectives one outlet
puts on a named party (its epithets), which the summary never repeats in its own voice."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from spacy.tokens import Doc, Token

from service.pipeline.summary_text import cap, is_clause
from service.pipeline.summary_trim import QUOTE_CHARS, ends_dangling, words
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


@lru_cache(maxsize=256)
def parsed(text: str) -> Doc:
    """The parse of a short text, kept: the page tries one sentence's core at several lengths
    (`render.agreement`), each from the same parse. Callers only read it. A few hundred
    parses are a few megabytes; one page needs tens."""
    return nlp()(text)


def core(text: str, max_words: int | None = None) -> str | None:
    """The clause's core, for a headline: the main verb with its subject and objects, less
    appositions, relative and adverbial clauses, the verb's conjuncts and a fronted adjunct
    set off by a comma; when longer than `max_words`, trailing prepositional phrases go one
    at a time while what is left still ends as a clause."""
    doc = parsed(text[:400])
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in {"VERB", "AUX"}:
        return None
    drop: set[int] = set()
    aside: set[int] = set()  # dropped words whose leaving cuts nothing: a comma-set aside
    for t in doc:
        if t.dep_ == "punct" and t.text not in {",", "–", "—", "(", ")", ";"}:
            continue  # a hyphen inside "son-in-law" stays
        if t.dep_ == "appos" and not _set_off(doc, t):
            continue  # "son-in-law Jared Kushner's team": a name with no comma is no aside
        if t.dep_ == "acl" and t.head.pos_ == "NOUN" and _complement_clause(t):
            continue  # "The news that Mueller has impaneled a grand jury": the news itself
        if t.head == root and t.dep_ in {"conj", "cc"} and _bare(root):
            continue  # "Blumenthal rose and spoke of an earlier time": "rose" alone says nothing
        if t.dep_ in _SIDE_DEPS - {"cc"} or (t.head == root and t.dep_ in {"conj", "cc"}):
            drop |= {x.i for x in t.subtree}
            if t.dep_ == "appos":
                aside |= _with_its_marks(doc, t)
    subj = next((c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    drop |= _fronted_adjunct(doc, root, subj)
    # After the verb the headline ends at the first words left out: what follows a gap may
    # hang on the parser's guess ("pressure on Steele Sunday to better explain -- and publicly
    # apologize for -- his claim" left "Steele Sunday his claim", BASIL). Before the verb a
    # gap is an aside around the subject ("Hicks, one of ..., is"); so is an apposition set
    # off on both sides after it ("applications for benefits, a rough gauge of layoffs,
    # climbed", NeuS).
    gap = next((i for i in sorted(drop - aside) if i > root.i), None)
    if gap is not None:
        drop |= set(range(gap, len(doc)))
        drop |= _cut_phrase(doc, gap, root)
    drop |= _orphans(doc, drop, root)
    trailing = any(c.dep_ == "ccomp" and c.i < root.i for c in root.children)
    if trailing and subj is not None and subj.i > 0 and doc[subj.left_edge.i - 1].text == ",":
        drop.discard(subj.left_edge.i - 1)  # "X spoke with Y on Wednesday, the ministry said"
    out = _joined(doc, drop)
    while max_words is not None and out is not None and len(words(out)) > max_words:
        shorter = _without_last_phrase(doc, drop, root)
        if shorter is None:
            return None
        drop, out = shorter, _joined(doc, shorter)
    return out


def _joined(doc: Doc, drop: set[int]) -> str | None:
    """The kept words in the article's spacing, or None when they do not end as a clause."""
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
    if kept and kept[-1].pos_ in {"AUX", "ADP", "DET", "CCONJ", "SCONJ"}:
        return None  # "about 250 people were", "... on": a phrase cut short
    return cap(out)


def _in_name(prep: Token) -> bool:
    """A preposition inside a name ("West Freeway Church of Christ", "Bank of America")."""
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    return prep.head.pos_ == "PROPN" and obj is not None and obj.pos_ == "PROPN"


def _bare(verb: Token) -> bool:
    """A verb with nothing after it but its conjuncts: no object, complement or phrase."""
    return not any(c.i > verb.i and c.dep_ not in {"conj", "cc", "punct"} for c in verb.children)


def _complement_clause(verb: Token) -> bool:
    """A clause that says what its noun is ("the news that X", "the claim that Y"): marked by
    "that", unlike a relative clause, where "that" stands for the noun."""
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in verb.children)


def _with_its_marks(doc: Doc, tok: Token) -> set[int]:
    """An apposition with the commas or brackets around it, when it is set off on both
    sides; else nothing (a one-sided aside may run to where the parser guessed)."""
    left, right = tok.left_edge.i, tok.right_edge.i
    pairs = {",": {","}, "(": {")"}, "–": {"–"}, "—": {"—"}}
    if left == 0 or right + 1 >= len(doc):
        return set()
    opening, closing = doc[left - 1].text, doc[right + 1].text
    if closing not in pairs.get(opening, set()):
        return set()
    return set(range(left - 1, right + 2))


def _fronted_adjunct(doc: Doc, root: Token, subj: Token | None) -> set[int]:
    """A phrase before the subject, set off by a comma ("At a ceremony honoring veterans ...,
    Blumenthal rose", "On Wednesday, Reid received a letter", BASIL): a headline starts with
    who did what; left in part it read "At a ceremony Blumenthal rose"."""
    if subj is None:
        return set()
    out: set[int] = set()
    for c in root.children:
        if c.i < subj.left_edge.i and c.dep_ in {"prep", "advcl", "advmod", "npadvmod"}:
            after = c.right_edge.i + 1
            if after < len(doc) and doc[after].text == ",":
                out |= set(range(c.left_edge.i, after + 1))
    return out


def _cut_phrase(doc: Doc, gap: int, root: Token) -> set[int]:
    """A prepositional phrase whose object lost its clause at the gap is left out whole:
    "as progressives [held out ...]" (the parser's preposition for a conjunction) and "in
    their efforts [to get a deal passed]" say nothing without it (NeuS, BASIL)."""
    tok = doc[gap]
    while tok.head.i >= gap and tok.head != tok:
        tok = tok.head  # the top of the words cut away
    head = tok.head
    if head.dep_ != "pobj" or head.head.dep_ != "prep" or head.head.i < root.i:
        return set()
    clause_word = head.head.lower_ in _CLAUSE_PREPS and tok.pos_ in {"VERB", "AUX"}
    if not (clause_word or _cut_clause(tok)):
        return set()
    return set(range(head.head.i, len(doc)))


# Words that are prepositions or conjunctions: followed by a noun with a verb hung on it, the
# parser has read a clause as a phrase ("as progressives held out on supporting the bill").
_CLAUSE_PREPS = frozenset({"as", "after", "before", "since", "until", "while"})


def _cut_clause(tok: Token) -> bool:
    """A clause its noun needs: a finite verb hung on a noun is a clause the parser misread
    ("as progressives held out"), an infinitive says what the noun is for ("efforts to get a
    deal"); a participle ("a memo rebutting claims") only describes."""
    if tok.dep_ != "acl":
        return False
    return tok.tag_ in {"VBD", "VBZ", "VBP"} or any(
        c.dep_ == "aux" and c.lower_ == "to" for c in tok.children
    )


def _orphans(doc: Doc, drop: set[int], root: Token) -> set[int]:
    """Kept words whose head was left out, with what hangs on them: "said that Hope Hicks"
    without "will return" names no statement."""
    out: set[int] = set()
    for t in doc:
        if t.i in drop or t == root:
            continue
        if any(a.i in drop for a in t.ancestors):
            out |= {x.i for x in t.subtree}
    return out


def _without_last_phrase(doc: Doc, drop: set[int], root: Token) -> set[int] | None:
    """`drop` with the last kept prepositional phrase after the verb left out ("in White
    Settlement", "against President Donald Trump"), or None when none is left."""
    kept = [t for t in doc if t.i not in drop]
    for t in reversed(kept):
        if t.dep_ == "prep" and t.i > root.i and t.head.i not in drop and not _in_name(t):
            return drop | set(range(t.i, len(doc)))
    return None


def _set_off(doc: Doc, tok: Token) -> bool:
    """An apposition set off by a comma, dash or parenthesis ("Hicks, one of ..., is")."""
    left = tok.left_edge.i
    return left > 0 and doc[left - 1].text in {",", "–", "—", "(", "-"}
