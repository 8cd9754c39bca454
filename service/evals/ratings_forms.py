"""Returned answer forms (ratings/<rater>/<packet>.yaml), read and checked against the key.

Every problem is collected and reported at once, each naming the file and the field
("ratings/a/event-03.yaml: scores.Y.readable: missing (a whole number 1-5)"), so a rater can
fix a form in one pass. Nothing is guessed: a form that does not validate is not tallied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from service.errors import InputError
from service.evals.ratings import CRITERIA, MAX_DIFFERENCES, RatingKey

_RATER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


@dataclass
class Difference:
    point: str
    who_says_what: str
    surfaced: dict[str, bool]  # label -> stated with each side correctly attributed


@dataclass
class Stated:
    text: str
    real: bool


@dataclass
class Rating:
    """One rater's validated form for one packet."""

    path: str
    packet: str
    rater: str
    scores: dict[str, dict[str, int]]  # label -> criterion -> 1..5
    rank: dict[str, int]  # label -> position (1 = best; tied labels share a position)
    defects: dict[str, list[str]]
    differences: list[Difference]
    stated: dict[str, list[Stated]] = field(default_factory=dict)


class FormErrors(InputError):
    """Returned forms that do not validate; the message lists every problem on its own line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the returned forms; fix them and tally again:\n"
            + "\n".join(problems)
        )


def parse_ranking(text: str, labels: list[str]) -> dict[str, int] | str:
    """'Y > X = Z' -> {'Y': 1, 'X': 2, 'Z': 2}; or the problem, in words."""
    groups = [[t.strip() for t in g.split("=")] for g in text.split(">")]
    rank: dict[str, int] = {}
    position = 1
    for group in groups:
        for label in group:
            if label not in labels:
                return f"{label!r} is not one of {', '.join(labels)}"
            if label in rank:
                return f"{label} appears twice"
            rank[label] = position
        position += len(group)
    missing = [lb for lb in labels if lb not in rank]
    if missing:
        return f"{', '.join(missing)} missing (rank every label once)"
    return rank


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    return None


class _Checker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[str] = []

    def bad(self, where: str, what: str) -> None:
        self.problems.append(f"{self.path}: {where}: {what}")

    def text(self, value: object, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.bad(where, "missing (a non-empty text)")
            return ""
        return value.strip()

    def mapping(self, value: object, where: str, labels: list[str]) -> dict[str, Any]:
        """A mapping with exactly one entry per label."""
        if not isinstance(value, dict):
            self.bad(where, f"missing (one entry per label: {', '.join(labels)})")
            return {}
        for k in value:
            if str(k) not in labels:
                self.bad(f"{where}.{k}", f"not a label of this packet ({', '.join(labels)})")
        for lb in labels:
            if lb not in value:
                self.bad(f"{where}.{lb}", "missing")
        return {str(k): v for k, v in value.items()}


def check_form(
    data: object, path: str, key: RatingKey, rater_dir: str
) -> tuple[Rating | None, list[str]]:
    c = _Checker(path)
    if not isinstance(data, dict):
        c.bad("form", "not a YAML mapping; start from the packet's .form.yaml")
        return None, c.problems
    packet = str(data.get("packet") or "")
    if packet not in key.packets:
        c.bad("packet", f"{packet!r} is not a packet of this set (see key.json)")
        return None, c.problems
    labels = list(key.packets[packet].labels)
    rater = str(data.get("rater") or "").strip() or rater_dir
    if not _RATER.match(rater):
        c.bad("rater", f"{rater!r}: use letters, digits, '-', '_' or '.'")
    scores: dict[str, dict[str, int]] = {}
    for lb, crit in c.mapping(data.get("scores"), "scores", labels).items():
        if lb not in labels:
            continue
        if not isinstance(crit, dict):
            c.bad(f"scores.{lb}", f"missing ({', '.join(CRITERIA)}: whole numbers 1-5)")
            continue
        scores[lb] = {}
        for name in CRITERIA:
            v = crit.get(name)
            if isinstance(v, str) and v.strip().isdigit():
                v = int(v)  # "4" as a string is still a whole number
            if v is None:
                c.bad(f"scores.{lb}.{name}", "missing (a whole number 1-5)")
            elif isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
                c.bad(f"scores.{lb}.{name}", f"{v!r} is not a whole number 1-5")
            else:
                scores[lb][name] = v
        for extra in set(crit) - set(CRITERIA):
            c.bad(f"scores.{lb}.{extra}", f"unknown criterion (use {', '.join(CRITERIA)})")
    rank: dict[str, int] = {}
    ranking = data.get("ranking")
    if not isinstance(ranking, str) or not ranking.strip():
        c.bad("ranking", 'missing (every label once, best first, e.g. "Y > X = Z")')
    else:
        parsed = parse_ranking(ranking, labels)
        if isinstance(parsed, str):
            c.bad("ranking", f"{ranking!r}: {parsed}")
        else:
            rank = parsed
    defects: dict[str, list[str]] = {}
    for lb, items in c.mapping(data.get("defects"), "defects", labels).items():
        if lb not in labels:
            continue
        if items is None:
            items = []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            c.bad(f"defects.{lb}", "a list of texts ([] when none)")
            continue
        defects[lb] = [i.strip() for i in items if i.strip()]
    differences = _differences(c, data.get("differences"), labels)
    stated: dict[str, list[Stated]] = {}
    for lb, items in c.mapping(
        data.get("stated_differences"), "stated_differences", labels
    ).items():
        if lb not in labels:
            continue
        if items is None:
            items = []
        if not isinstance(items, list):
            c.bad(f"stated_differences.{lb}", "a list of {text, real} entries ([] when none)")
            continue
        stated[lb] = []
        for i, item in enumerate(items, 1):
            where = f"stated_differences.{lb}[{i}]"
            if not isinstance(item, dict):
                c.bad(where, "an entry {text: ..., real: yes|no}")
                continue
            text = c.text(item.get("text"), f"{where}.text")
            real = _yes_no(item.get("real"))
            if real is None:
                c.bad(f"{where}.real", f"{item.get('real')!r}: yes or no")
            else:
                stated[lb].append(Stated(text, real))
    unknown = set(data) - {
        "packet",
        "rater",
        "scores",
        "ranking",
        "defects",
        "differences",
        "stated_differences",
    }
    for k in sorted(map(str, unknown)):
        c.bad(k, "unknown field (keep the form's keys only)")
    if c.problems:
        return None, c.problems
    rating = Rating(path, packet, rater, scores, rank, defects, differences, stated)
    return rating, []


def _differences(c: _Checker, value: object, labels: list[str]) -> list[Difference]:
    if value is None:
        value = []
    if not isinstance(value, list):
        c.bad("differences", "a list of {point, who_says_what, surfaced} entries ([] when none)")
        return []
    if len(value) > MAX_DIFFERENCES:
        c.bad("differences", f"{len(value)} listed; at most {MAX_DIFFERENCES} per event")
    out = []
    for i, item in enumerate(value, 1):
        where = f"differences[{i}]"
        if not isinstance(item, dict):
            c.bad(where, "an entry {point, who_says_what, surfaced}")
            continue
        point = c.text(item.get("point"), f"{where}.point")
        who = c.text(item.get("who_says_what"), f"{where}.who_says_what")
        surfaced: dict[str, bool] = {}
        for lb, v in c.mapping(item.get("surfaced"), f"{where}.surfaced", labels).items():
            yn = _yes_no(v)
            if lb not in labels:
                continue
            if yn is None:
                c.bad(f"{where}.surfaced.{lb}", f"{v!r}: yes or no")
            else:
                surfaced[lb] = yn
        out.append(Difference(point, who, surfaced))
    return out


def read_forms(ratings_dir: Path, key: RatingKey) -> list[Rating]:
    """Every form under ratings_dir (ratings/<rater>/*.yaml), validated; FormErrors listing
    every problem when any form is wrong."""
    paths = sorted(p for p in ratings_dir.rglob("*") if p.suffix in (".yaml", ".yml"))
    if not paths:
        raise InputError(
            "no returned forms (expected ratings/<rater>/<packet>.yaml)", source=str(ratings_dir)
        )
    problems: list[str] = []
    ratings: list[Rating] = []
    for path in paths:
        shown = str(path.relative_to(ratings_dir.parent))
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            problems.append(f"{shown}: not readable YAML ({' '.join(str(e).split())})")
            continue
        rating, found = check_form(data, shown, key, path.parent.name)
        problems += found
        if rating:
            ratings.append(rating)
    seen: dict[tuple[str, str], str] = {}
    for r in ratings:
        other = seen.setdefault((r.packet, r.rater), r.path)
        if other != r.path:
            problems.append(f"{r.path}: rater {r.rater} already rated {r.packet} in {other}")
    if problems:
        raise FormErrors(problems)
    return ratings
