"""Character extents of token runs inside one parsed sentence, tidied at the cut edges."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

_TRIM = " \t\n,;:-—–\"“”‘’«»'"  # cut from the edges of a span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def _words(doc: Doc, ids: frozenset[int] | set[int]) -> str:
    """The tokens' text with their own spacing, tidied at the cut edges."""
    text = "".join(doc[i].text_with_ws for i in sorted(ids))
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"([,;:])(\s*[,;:.])+", r"\1", text)
    text = " ".join(text.split()).strip(_TRIM + ".")
    text = re.sub(r"[,;]?\s+(?:and|but|or)$", "", text)
    return text[5:] if text.lower().startswith("that ") else text


def _outside(doc: Doc, lo: int, hi: int) -> tuple[tuple[int, int], str] | None:
    """The sentence without tokens lo..hi (the 'according to X' phrase): its range (both
    sides when the phrase sits in the middle) and its text with the phrase left out."""
    off = doc[0].idx
    before = [t for t in doc[:lo] if not t.is_space]
    after = [t for t in doc[hi + 1 :] if not t.is_space]
    if sum(not t.is_punct for t in before) <= 2:
        before = []
    if sum(not t.is_punct for t in after) <= 2:
        after = []
    part = before + after
    if not part:
        return None
    start, end = _extent(doc, part[0], part[-1])
    if end - start < 3:
        return None
    pieces = []
    for chunk in (before, after):
        if chunk:
            s, e = _extent(doc, chunk[0], chunk[-1])
            pieces.append(doc.text[s:e])
    text = " ".join(pieces)
    return (off + start, off + end), text


def _extent(doc: Doc, first: Token, last: Token) -> tuple[int, int]:
    """The trimmed character range, inside the sentence, from token `first` to token `last`."""
    off = doc[0].idx
    return _trim(doc.text, first.idx - off, last.idx - off + len(last.text))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM + ".":
        end -= 1
    if text[start:end].lower().startswith("that "):
        start += 5
    return start, end


def _depth(tok: Token) -> int:
    d = 0
    while tok.head.i != tok.i and d < 50:
        tok, d = tok.head, d + 1
    return d
