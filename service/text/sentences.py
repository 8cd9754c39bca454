"""Split article text into sentences with exact character offsets (deterministic, no model).

Rules:

1. Lines are paragraphs: a blank line or a newline is a hard boundary (news text is often
   one paragraph per line, and a title line is its own sentence). Exception, for hard-wrapped
   text: a newline is soft when the line does not end in sentence punctuation, a colon or a
   closing quote and the next line starts with a lowercase letter.
2. Inside a paragraph, a boundary follows `.`, `?`, `!` or `…` (optionally followed by closing
   quotes/brackets) when whitespace and then an uppercase letter, a digit or an opening
   quote/bracket follow. So `...," the ministry said.` and `"... of the sort" on the conflict,
   the source told AFP.` do not split inside.
3. No boundary inside a quotation that closes in the same paragraph (up to 600 characters),
   so a multi-sentence quote stays with its attribution:
   `"Readiness ... noted. The starting points ...," the ministry said.` is one sentence.
4. No boundary after common abbreviations (Mr., Dr., St., Gen., Sen., Jan.-Dec. ...), single
   capital initials (J.), dotted letter groups (U.S., U.K., a.m.), or `No.` before a digit.
   A sentence that really ends with "U.S." therefore runs on into the next (limitation).
   Decimals (3.5) never split because no whitespace follows the point.
5. Each span is stripped of surrounding whitespace, never empty, and `text[start:end]`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from service.schemas import Span
from service.text.quotes import quote_pairs

__all__ = ["first_sentence", "split_sentences"]


def _words(text: str) -> list[str]:
    """Word lists are kept as prose so they stay readable (and greppable)."""
    return text.split()


_ABBREVIATIONS = frozenset(
    _words(
        """mr mrs ms messrs dr prof st mt ft gen lt col maj capt cmdr adm sgt cpl sen rep gov
    pres supt insp det rev hon jr sr esq dept univ corp inc ltd co bros vs cf approx jan
    feb mar apr jun jul aug sep sept oct nov dec"""
    )
)
_CANDIDATE = re.compile(r"[.?!…]+[\"”’'»)\]]*(?=\s)")
_OPENERS = "\"“‘«([¡¿'"
_DOTTED = re.compile(r"^[A-Za-z](?:\.[A-Za-z])+$")
_LINE_END_PUNCT = '.?!…:;"”’»)'
_MAX_PROTECTED_QUOTE = 600


def split_sentences(text: str) -> list[Span]:
    """Sentences of `text` as spans whose `text == text[start:end]`."""
    spans: list[Span] = []
    for block_start, block_end in _blocks(text):
        protected = _quoted_regions(text, block_start, block_end)
        cuts = [c for c in _boundaries(text, block_start, block_end) if not _inside(c, protected)]
        edges = [block_start, *cuts, block_end]
        for s, e in itertools.pairwise(edges):
            span = _stripped(text, s, e)
            if span is not None:
                spans.append(span)
    return spans


def first_sentence(text: str) -> str:
    """The first sentence of `text` by the rules above (so "Mr. Sestak" is not an end), or
    `text` itself when it holds no boundary. For cutting a multi-sentence clause to its point."""
    spans = split_sentences(text)
    return spans[0].text if spans else text


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph ranges: lines, with soft-wrapped lines joined (rule 1)."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    blocks: list[tuple[int, int]] = []
    for s, e in lines:
        if blocks and _soft_wrap(text, blocks[-1], (s, e)):
            blocks[-1] = (blocks[-1][0], e)
        else:
            blocks.append((s, e))
    return blocks


def _soft_wrap(text: str, prev: tuple[int, int], line: tuple[int, int]) -> bool:
    prev_text = text[prev[0] : prev[1]].rstrip()
    this_text = text[line[0] : line[1]]
    if not prev_text or not this_text.strip() or this_text[:1].isspace():
        return False
    return prev_text[-1] not in _LINE_END_PUNCT and this_text[0].islower()


# A bullet after a full stop opens a new item ("... a General Motors strike. ■ 266,000 jobs were
# added", NeuS): a sentence never runs across it.
_BULLETS = "■•▪●"


def _boundaries(text: str, start: int, end: int) -> list[int]:
    cuts: list[int] = []
    for m in _CANDIDATE.finditer(text, start, end):
        nxt = _next_visible(text, m.end(), end)
        if nxt is None or not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS + _BULLETS):
            continue
        if _is_abbreviation(text, start, m.start(), m.group(), nxt):
            continue
        cuts.append(m.end())
    return cuts


def _next_visible(text: str, pos: int, end: int) -> str | None:
    while pos < end and text[pos].isspace():
        pos += 1
    return text[pos] if pos < end else None


def _is_abbreviation(text: str, block_start: int, dot_at: int, punct: str, nxt: str) -> bool:
    if punct != ".":  # "?", "!", "..." or a closing quote after the point: a real end
        return False
    word_start = dot_at
    while word_start > block_start and not text[word_start - 1].isspace():
        word_start -= 1
    token = text[word_start:dot_at].lstrip(_OPENERS)
    if len(token) == 1 and token.isupper():
        return True  # an initial, as in "J. Smith"
    if _DOTTED.match(token):
        return True  # U.S., U.K., a.m.
    low = token.lower()
    return low in _ABBREVIATIONS or (low == "no" and nxt.isdigit())


def _quoted_regions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(o, c) for o, c in quote_pairs(text, start, end) if c - o <= _MAX_PROTECTED_QUOTE]


def _inside(pos: int, regions: Sequence[tuple[int, int]]) -> bool:
    return any(o < pos <= c for o, c in regions)


def _stripped(text: str, s: int, e: int) -> Span | None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Span(start=s, end=e, text=text[s:e]) if s < e else None
