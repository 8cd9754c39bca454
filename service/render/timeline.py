"""The page's timeline: claims whose evidence names a date or a time, in date order where the
date can be worked out, with who says it and which outlet carries it.

Only explicit expressions count (a weekday, a month with a day or year, an ISO date, a clock
time); "recently" or "last month" are not dates a reader can place. A weekday is placed only
when the article's publication date is known (the weekday on or before it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DATE_PATTERN", "Dated", "find_when", "published_day", "sort_key"]

MONTHS = (
    "January February March April May June July August September October November December"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTH = "|".join(MONTHS) + r"|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."

# (id, pattern, reason): the expressions a reader can place in time, most specific first.
DATE_RULES: tuple[tuple[str, str, str], ...] = (
    ("iso-date", r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b", "2024-04-05"),
    (
        "month-day-year",
        rf"\b(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?\b",
        "April 3, 2024 / March 22",
    ),
    (
        "day-month-year",
        rf"\b(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH})(?:\s+(?P<y>\d{{4}}))?\b",
        "3 April 2024 (British and wire style)",
    ),
    ("month-year", rf"\b(?P<mon>{_MONTH})\s+(?P<y>\d{{4}})\b", "April 2022"),
    ("weekday", rf"\b(?:on\s+)?(?P<wd>{'|'.join(WEEKDAYS)})\b", "on Wednesday"),
    (
        "clock",
        r"\b(?P<h>\d{1,2})(?::(?P<min>\d{2}))?\s?(?P<ap>[ap]\.?m\.?)(?=\W|$)"
        r"|\b(?P<h24>\d{1,2}):(?P<min24>\d{2})\s?(?:GMT|UTC|local time)\b",
        "10:30 a.m. / 14:00 GMT",
    ),
)
DATE_PATTERN = [(rid, re.compile(p)) for rid, p, _ in DATE_RULES]


@dataclass
class Dated:
    when: str  # the words of the article ("on Wednesday", "March 22")
    rule_id: str
    day: date | None  # placed in time, when it can be
    order: int  # position in the page's reading order (ties and unplaced entries)


def _month(name: str) -> int:
    return next(i for i, m in enumerate(MONTHS, 1) if m.lower().startswith(name[:3].lower()))


def find_when(text: str, published: date | None, order: int) -> Dated | None:
    """The first date or time expression in `text`, placed in time where it can be."""
    for rid, pattern in DATE_PATTERN:
        m = pattern.search(text)
        if not m:
            continue
        g = m.groupdict()
        day: date | None = None
        try:
            if rid == "iso-date":
                day = date(int(g["y"]), int(g["m"]), int(g["d"]))
            elif rid in ("month-day-year", "day-month-year"):
                year = int(g["y"]) if g.get("y") else (published.year if published else None)
                if year:
                    day = date(year, _month(g["mon"]), int(g["d"]))
            elif rid == "month-year":
                day = date(int(g["y"]), _month(g["mon"]), 1)
            elif rid == "weekday" and published:
                back = (published.weekday() - WEEKDAYS.index(g["wd"])) % 7
                day = published - timedelta(days=back)
            elif rid == "clock" and published:
                day = published
        except ValueError:  # "February 30": the words stay, the day is not placed
            day = None
        return Dated(when=m.group(0).strip(), rule_id=rid, day=day, order=order)
    return None


def sort_key(d: Dated) -> tuple[int, date, int]:
    """Placed entries in date order first, then the rest in reading order."""
    return (0, d.day, d.order) if d.day else (1, date.min, d.order)


def published_day(published: str | None) -> date | None:
    """The day of an ISO publication date or timestamp, or None when it is absent or bad."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None
