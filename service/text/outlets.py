"""Name an article's outlet when the caller did not, so results say "AFP", not a file name.

In order, the first that yields a name wins:

1. HTML metadata (`outlet_from_html`): `<meta property="og:site_name">`, then
   `<meta name="application-name">`, then `<meta name="publisher">`, then a JSON-LD
   `publisher.name`. Values that are URLs or handles are ignored.
2. The text itself (`outlet_from_text`): a copyright line ("© Copyright AFP 2024. All rights
   reserved.", "Copyright 2024 The Associated Press"), a wire dateline near the top
   ("PARIS (AFP) -", "WASHINGTON, April 3 (Reuters) -"), or a byline ending in the outlet
   ("By Jane Doe | Reuters").
3. A readable file name (`outlet_from_filename`): numeric prefixes, dates, hashes and the
   extension are dropped ('000_df49b81ec52edcc4.txt' has nothing readable left; 'le_monde.html'
   is 'le monde').
4. Otherwise "Source N" (`fallback_outlet`).

Steps 1 and 2 run at ingestion (`service.text.ingest`), where the raw HTML is still at hand;
steps 3 and 4 run when sources are numbered.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

__all__ = [
    "fallback_outlet",
    "outlet_from_filename",
    "outlet_from_html",
    "outlet_from_text",
]

_MAX_LEN = 60
_META_KEYS = ("og:site_name", "application-name", "publisher")


# --------------------------------------------------------------------------- HTML metadata


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.ld_json: list[str] = []
        self._in_ld = False
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").strip().lower()
            if key in _META_KEYS and key not in self.meta and a.get("content"):
                self.meta[key] = a["content"]
        elif tag == "script" and a.get("type", "").strip().lower() == "application/ld+json":
            self._in_ld, self._buf = True, []

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_ld:
            self._in_ld = False
            self.ld_json.append("".join(self._buf))


def outlet_from_html(html: str) -> str | None:
    """The site name an HTML page declares about itself, or None."""
    parser = _MetaParser()
    try:
        parser.feed(html[:500_000])
        parser.close()
    except Exception:  # malformed markup: metadata is a nicety, never a failure
        pass
    for key in _META_KEYS:
        name = _clean_name(parser.meta.get(key, ""))
        if name:
            return name
    for block in parser.ld_json:
        try:
            data = json.loads(block)
        except ValueError:
            continue
        name = _ld_publisher(data)
        if name:
            return name
    return None


def _ld_publisher(data: Any, depth: int = 0) -> str | None:
    if depth > 4:
        return None
    if isinstance(data, list):
        for item in data:
            found = _ld_publisher(item, depth + 1)
            if found:
                return found
        return None
    if not isinstance(data, dict):
        return None
    publisher = data.get("publisher")
    if isinstance(publisher, dict):
        name = _clean_name(str(publisher.get("name", "")))
        if name:
            return name
    elif isinstance(publisher, str):
        name = _clean_name(publisher)
        if name:
            return name
    graph = data.get("@graph")
    return _ld_publisher(graph, depth + 1) if graph is not None else None


# --------------------------------------------------------------------------- text


_COPYRIGHT_LINE = re.compile(r"^\s*(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_COPYRIGHT_MARK = re.compile(r"©|\(c\)|\bcopyright\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)?\d{2,4})?\b")
_STOP = re.compile(r"[.;|,:]\s|[.;|,:]$|\ball rights\b|\bsome rights\b", re.IGNORECASE)
_DATELINE = re.compile(
    r"^[^\n()]{0,80}?\((?P<name>[A-Z][\w.&' ]{0,38}[\w.])\)\s*(?:-{1,2}|–|—)\s*\S",
)
_BYLINE = re.compile(r"^\s*by\s+[^\n|]{1,80}\|\s*(?P<name>[^\n|]{2,60}?)\s*$", re.IGNORECASE)
_DATELINE_LINES = 6


def outlet_from_text(text: str) -> str | None:
    """An outlet named by a copyright line, a wire dateline or a byline, or None."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):  # footers come last
        if len(line) <= 160 and _COPYRIGHT_LINE.match(line):
            name = _copyright_holder(line)
            if name:
                return name
    for line in lines[:_DATELINE_LINES]:
        m = _DATELINE.match(line)
        if m:
            name = _clean_name(m.group("name"))
            if name:
                return name
    for line in lines[:_DATELINE_LINES] + lines[-_DATELINE_LINES:]:
        m = _BYLINE.match(line)
        if m:
            name = _clean_name(m.group("name"))
            if name:
                return name
    return None


def _copyright_holder(line: str) -> str | None:
    rest = _COPYRIGHT_MARK.sub(" ", line)
    rest = _YEAR.sub(" ", rest)
    rest = rest.strip(" \t-–—,")
    stop = _STOP.search(rest)
    if stop:
        rest = rest[: stop.start()]
    rest = " ".join(rest.split()).strip(" .,-–—")
    return _clean_name(rest)


# --------------------------------------------------------------------------- file name


_TOKEN_SPLIT = re.compile(r"[\s_\-.+]+")
_HEXISH = re.compile(r"^[0-9a-f]{4,}$", re.IGNORECASE)


def outlet_from_filename(origin: str | None) -> str | None:
    """The readable part of a file name: no extension, numeric prefixes, dates or hashes."""
    if not origin:
        return None
    stem = PurePath(origin).name
    while "." in stem and len(stem.rsplit(".", 1)[1]) <= 5:  # a.b.html -> a.b -> a
        stem = stem.rsplit(".", 1)[0]
    words = [w for w in _TOKEN_SPLIT.split(stem) if w and _readable(w)]
    return _clean_name(" ".join(words)) if words else None


def _readable(word: str) -> bool:
    if not any(ch.isalpha() for ch in word):
        return False  # 000, 2024, 04
    digits = sum(ch.isdigit() for ch in word)
    if _HEXISH.match(word) and (digits >= 2 or (digits and len(word) >= 6)):
        return False  # df49b81ec52edcc4, uuid pieces like 8a9b
    # uuid pieces and random ids: long and digit-heavy
    return not (len(word) >= 8 and digits * 3 >= len(word))


def fallback_outlet(origin: str | None, index: int) -> str:
    """A readable file name, else 'Source N' (N counts from 1)."""
    return outlet_from_filename(origin) or f"Source {index + 1}"


# --------------------------------------------------------------------------- shared


def _clean_name(value: str) -> str | None:
    name = " ".join(value.split()).strip(" .,;:-–—|")
    if not name or len(name) > _MAX_LEN:
        return None
    low = name.lower()
    if low.startswith(("http://", "https://", "www.", "@")) or "/" in name:
        return None
    if not any(ch.isalpha() for ch in name):
        return None
    return name
