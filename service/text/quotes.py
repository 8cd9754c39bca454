"""Find quoted material in article text (deterministic heuristics, no model).

Rules, in order:

1. Double quotes are paired over the whole range given, so a quotation may run across
   sentence boundaries: curly “ ”, guillemets « » (inner spaces, also no-break spaces, are
   not part of the quote) and straight ". A straight " is an opener when it follows
   start/whitespace/an opening bracket or dash and a closer when it follows a non-space
   character; an unmatched opener is dropped when a new opener appears.
2. Curly single quotes ‘ ’ count only when clearly quotation: ‘ after start/whitespace/an
   opening mark and before a letter or digit, closed by a ’ that is not followed by a letter
   (so the apostrophes in "Obama’s" or "don’t" are skipped). Straight ' is never a quote
   mark: it is far more often an apostrophe.
3. Colon-introduced unquoted speech, as produced by machine translation
   (`... said: The regime does nothing ...`): after `said:` / `stated:` / `declared:`
   (and a few similar verbs), when an uppercase letter follows and no quote mark does,
   the span runs to the end of the line or of the range given (callers pass a sentence).
4. A trailing comma inside the marks is dropped (`"...initiative," the ministry said`: the
   comma belongs to the reporting sentence). Returned ranges exclude the marks, are
   stripped, non-empty, sorted, and ranges nested inside another returned range are dropped.
5. Scare quotes ("terrorism") are returned like any quote; `is_scare_quote` lets callers
   tell them apart (1-3 words).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["find_quotes", "is_scare_quote", "matches_outside_quotes", "quote_pairs", "unquoted"]

_OPENER_CONTEXT = " \t\n\r\u00a0([{—–-/“‘«\"'"
_WORD = re.compile(r"[\w’'-]+")
# Verbs that introduce unquoted speech in machine-translated copy ("said: The ...").
_COLON_SPEECH = re.compile(
    r"\b(?:said|says|stated|states|declared|declares|added|adds|announced|wrote|writes|"
    r"insisted|stressed|warned|replied|explained|told\s+\w+)\s*:\s+"
)
_QUOTE_CHARS = '"“”«»‘’'
_MAX_SINGLE_QUOTE = 300  # a curly single "quote" longer than this is apostrophes, not a quote


_DOUBLE_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")


def unquoted(text: str) -> str:
    """`text` with its double-quoted passages blanked: the words a summary sentence or a claim
    says in its own voice (a cheap test for short texts; articles go through find_quotes)."""
    return _DOUBLE_QUOTED.sub(" ", text)


def matches_outside_quotes(
    pattern: re.Pattern[str], text: str, quoted: list[tuple[int, int]] | None = None
) -> Iterator[re.Match[str]]:
    """The pattern's matches that start outside quoted material (`find_quotes`, or `quoted`
    when the caller has it already): the words a text says in its own voice."""
    quoted = find_quotes(text) if quoted is None else quoted
    for m in pattern.finditer(text):
        if not any(s <= m.start() < e for s, e in quoted):
            yield m


def is_scare_quote(text: str) -> bool:
    """True for short quoted material (1-3 words), e.g. "terrorism" or "radical Islamists"."""
    return 1 <= len(_WORD.findall(text)) <= 3


def find_quotes(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character ranges of quoted material inside text[start:end], excluding the marks."""
    stop = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    if start >= stop:
        return []
    ranges = [r for pair in quote_pairs(text, start, stop) if (r := _inner(text, *pair))]
    ranges += _colon_speech(text, start, stop)
    return _drop_nested(ranges)


def quote_pairs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(open_mark_index, close_mark_index) pairs of quotation marks in text[start:end]."""
    stop = len(text) if end is None else min(end, len(text))
    pairs = _pair_simple(text, start, stop, "“", "”")
    pairs += _pair_simple(text, start, stop, "«", "»")
    pairs += _pair_straight(text, start, stop)
    pairs += _pair_single(text, start, stop)
    return sorted(pairs)


def _pair_simple(text: str, start: int, stop: int, op: str, cl: str) -> list[tuple[int, int]]:
    # Distinct open/close characters: the most recent opener wins (recovers from a stray one).
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    for i in range(start, stop):
        ch = text[i]
        if ch == op:
            open_at = i
        elif ch == cl and open_at is not None:
            pairs.append((open_at, i))
            open_at = None
    return pairs


def _pair_straight(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    for i in range(start, stop):
        if text[i] != '"':
            continue
        prev_space = i == start or text[i - 1] in _OPENER_CONTEXT
        if open_at is not None and not prev_space:
            pairs.append((open_at, i))
            open_at = None
        elif prev_space:
            open_at = i  # an opener; an earlier unmatched opener is abandoned
    return pairs


def _pair_single(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    for i in range(start, stop):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < stop else ""
        if ch == "‘":
            prev_ok = i == start or text[i - 1] in _OPENER_CONTEXT
            open_at = i if prev_ok and nxt.isalnum() else open_at
        elif ch == "’" and open_at is not None:
            if i - open_at > _MAX_SINGLE_QUOTE:
                open_at = None
            elif not nxt.isalpha() and text[i - 1] not in " \t\n":
                pairs.append((open_at, i))
                open_at = None
    return pairs


def _inner(text: str, open_at: int, close_at: int) -> tuple[int, int] | None:
    s, e = open_at + 1, close_at
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
        e -= 1
    return (s, e) if s < e else None


def _colon_speech(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for m in _COLON_SPEECH.finditer(text, start, stop):
        s = m.end()
        if s >= stop or not text[s].isupper() or text[s] in _QUOTE_CHARS:
            continue
        line_end = text.find("\n", s, stop)
        e = stop if line_end == -1 else line_end
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            found.append((s, e))
    return found


def _drop_nested(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # Longest first, so a quote inside a quote (or inside colon speech) is dropped.
    kept: list[tuple[int, int]] = []
    for s, e in sorted(set(ranges), key=lambda r: (r[0], -r[1])):
        if not any(ks <= s and e <= ke for ks, ke in kept):
            kept.append((s, e))
    return sorted(kept)
