"""NeuS loader: one `Event` per line of `test.source`, with the neutral roundup as label.

Format (Lee et al., NAACL 2022; built from AllSides.com): each line of the source file holds
three articles (outlets rated left, center and right, in random order, so the outlet is not
known: they are named "Outlet A/B/C" in line order), each `TITLE=> ... ARTICLE=> ...`,
separated by ` [SEP] `. The same line of the target file holds AllSides' neutral roundup in
the same form.

Every title in the files ends with a "." the data set appended (" ... Says Report."); one
trailing "." is removed from titles. Texts are kept as they are apart from outer whitespace.
"""

from __future__ import annotations

import re
from pathlib import Path

from service.datasets.events import Event, EventLabels
from service.errors import InputError
from service.schemas import ArticleIn

_SEP = re.compile(r"\s*\[SEP\]\s*")
_RECORD = re.compile(r"\s*TITLE=>(?P<title>.*?)ARTICLE=>(?P<text>.*)", re.DOTALL)
_MAX_ARTICLES = 26


def _read_lines(path: Path) -> list[str]:
    """Lines split on "\\n" only (str.splitlines would also split on U+2028 and friends)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read NeuS file ({exc})", source=str(path)) from exc
    lines = [line.removesuffix("\r") for line in raw.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the final newline
    return lines


def _clean_title(title: str) -> str:
    title = title.strip()
    return title[:-1].rstrip() if title.endswith(".") and not title.endswith("..") else title


def _parse_record(part: str, where: str) -> tuple[str, str]:
    """(title, text) of one `TITLE=> ... ARTICLE=> ...` record."""
    match = _RECORD.fullmatch(part)
    if match is None or "TITLE=>" in match["text"] or "ARTICLE=>" in match["text"]:
        raise InputError(
            "expected exactly one 'TITLE=> ... ARTICLE=> ...' record; "
            f"got {part[:80]!r}{'...' if len(part) > 80 else ''}",
            source=where,
        )
    title, text = _clean_title(match["title"]), match["text"].strip()
    if not text:
        raise InputError("empty ARTICLE=> body", source=where)
    return title, text


def load_neus(
    source_path: Path, target_path: Path | None = None, *, limit: int | None = None
) -> list[Event]:
    """One Event per source line (in file order); `target_path` adds the neutral roundup.

    Raises InputError (source "path:lineno") on a blank or malformed line, and when the
    target file's line count differs from the source's.
    """
    sources = _read_lines(source_path)
    targets = _read_lines(target_path) if target_path is not None else None
    if targets is not None and len(targets) != len(sources):
        raise InputError(
            f"{len(targets)} lines, but {source_path} has {len(sources)}; "
            "the target must hold one roundup per source line",
            source=str(target_path),
        )
    count = len(sources) if limit is None else max(min(limit, len(sources)), 0)

    events: list[Event] = []
    for lineno in range(1, count + 1):
        where = f"{source_path}:{lineno}"
        line = sources[lineno - 1]
        if not line.strip():
            raise InputError("blank line; expected articles separated by ' [SEP] '", source=where)
        parts = _SEP.split(line.strip())
        if not 2 <= len(parts) <= _MAX_ARTICLES:
            raise InputError(
                f"{len(parts)} article(s) separated by ' [SEP] '; expected 2 to {_MAX_ARTICLES}",
                source=where,
            )
        articles: list[ArticleIn] = []
        for i, part in enumerate(parts):
            letter = chr(ord("A") + i)
            title, text = _parse_record(part, where)
            articles.append(
                ArticleIn(
                    text=text,
                    outlet=f"Outlet {letter}",
                    title=title or None,
                    origin=f"{where}:{letter}",
                )
            )
        labels = EventLabels()
        if targets is not None:
            t_where = f"{target_path}:{lineno}"
            t_line = targets[lineno - 1]
            if not t_line.strip():
                raise InputError("blank line; expected the neutral roundup", source=t_where)
            ref_title, ref_text = _parse_record(t_line, t_where)
            labels = EventLabels(reference_title=ref_title or None, reference_summary=ref_text)
        name = labels.reference_title or articles[0].title or f"NeuS story {lineno}"
        events.append(
            Event.build(name=name, articles=articles, grouping=f"neus line {lineno}", labels=labels)
        )
    return events
