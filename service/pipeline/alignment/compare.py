"""What code can compare in two statements before wording decides "same": their figures with
units and what they measure, negation, modality, the parties they name, the reasons they give.

All checks are lexical and cheap (a regex pass per claim, cached): they gate decisions, they do
not parse. Word lists and patterns are in rules.yaml."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from service.pipeline.alignment.ruledata import rule_data
from service.pipeline.similarity import content_words

_TOKEN = re.compile(r"[A-Za-z]+(?:n't)?|n't")
_NUMBER = re.compile(
    r"(?P<cur>[$€£])?\s?(?P<num>\d[\d,]*(?:\.\d+)?)(?:\s?(?P<scale>million|billion|trillion|"
    r"thousand|bn|m|k)\b)?\s?(?P<pct>%|percent\b|per\s+cent\b)?"
)
_UNIT_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_WORD_NUMBERS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
}
# Small counts are often written out ("two people were killed"); "one" and "a" are not
# counted (a pronoun and an article as often as a number).
_WORD_NUMBER = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty)\b", re.IGNORECASE
)
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
_SCALE["trillion"] = 1e12


@dataclass(frozen=True)
class Quantity:
    """One figure: its value, what it counts (unit words), the period it covers, whether it is
    a change rather than a level, and whether it is a lower bound."""

    value: float
    unit: frozenset[str]
    period: str | None
    change: bool
    lower_bound: bool
    approximate: bool = False


class Numbers(Enum):
    none = "none"  # one side has no figure
    agree = "agree"  # a figure of one measure matches (or meets a bound)
    conflict = "conflict"  # the same measure, different figures
    incomparable = "incomparable"  # figures of different measures only


def _period(text: str) -> str | None:
    m = rule_data().regex("period").search(text)
    if m is None:
        return None
    if m["annual"]:
        return "1 year"
    n, unit = (m["n"], m["u"]) if m["n"] else (m["n2"], m["u2"])
    count = _WORD_NUMBERS.get(n.lower()) if not n.isdigit() else int(n)
    return f"{count} {unit.lower().rstrip('s')}"


@lru_cache(maxsize=8192)
def quantities(text: str) -> tuple[Quantity, ...]:
    data = rule_data()
    before_change, after_change = data.words("change_before"), data.words("change_after")
    bounds, approx = data.words("lower_bound_words"), data.words("approximate_words")
    text = _WORD_NUMBER.sub(lambda m: str(_WORD_NUMBERS[m[0].lower()]), text)
    # The numbers inside a period ("over 10 years") say what a figure covers, not a figure.
    periods = list(data.regex("period").finditer(text))
    inside = [m.span() for m in periods]
    out = []
    for m in _NUMBER.finditer(text):
        if any(s <= m.start("num") < e for s, e in inside):
            continue
        raw = m["num"].replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        before = [w.lower() for w in _UNIT_WORD.findall(text[max(0, m.start() - 30) : m.start()])]
        after = [w.lower() for w in _UNIT_WORD.findall(text[m.end() : m.end() + 40])][:3]
        if (before and before[-1] in _MONTHS) or (after and after[0] in _MONTHS):
            continue  # a date ("March 22", "22 March"), not a figure
        if m["cur"] is None and m["pct"] is None and 1900 <= value <= 2100 and "." not in raw:
            continue  # a year
        value *= _SCALE.get((m["scale"] or "").lower(), 1.0)
        unit = set(content_words(" ".join(after[:2]))) if not m["pct"] else {"%"}
        if m["cur"]:
            unit = {"money"}
        # A period belongs to the figures near it ("a 50-year low of 3.5%" says nothing of
        # the jobs figure earlier in the sentence).
        near = [p for p in periods if p.start() - 40 <= m.end() and m.start() <= p.end() + 40]
        out.append(
            Quantity(
                value=value,
                unit=frozenset(unit),
                period=_period(near[0][0]) if near else None,
                # "added 266,000 jobs" and "266,000 jobs were added" are both changes; "closed
                # down 1,861 points" is the day's move either way, so up/down mark nothing.
                change=bool(set(before[-2:]) & before_change or set(after[:3]) & after_change),
                lower_bound=bool(before and before[-1] in bounds and before[-2:-1] != ["less"]),
                approximate=bool(before and before[-1] in approx),
            )
        )
    return tuple(out)


def _same_measure(a: Quantity, b: Quantity) -> bool:
    return (
        bool(a.unit & b.unit or (not a.unit and not b.unit))
        and a.period == b.period
        and a.change == b.change
    )


def _agree(a: Quantity, b: Quantity) -> bool:
    # "nearly 100,000" and "96,000" agree; exact figures must match (to rounding).
    tolerance = 0.1 if a.approximate or b.approximate else 0.005
    if abs(a.value - b.value) <= tolerance * max(abs(a.value), abs(b.value)):
        return True
    # "at least 133" is met by 143; "more than 100" by 120.
    return (a.lower_bound and b.value >= a.value) or (b.lower_bound and a.value >= b.value)


def compare_numbers(a: str, b: str) -> Numbers:
    """Figures of one measure on both sides that find no agreeing partner conflict; figures
    that do agree, or belong to other measures, do not ("$1 trillion bill" / "$1 trillion
    bill and a $3.5 trillion package" agree on the bill)."""
    qa, qb = quantities(a), quantities(b)
    if not qa or not qb:
        return Numbers.none
    comparable = [(x, y) for x in qa for y in qb if _same_measure(x, y)]
    if not comparable:
        return Numbers.incomparable
    lone_a = [x for x in qa if not any(_same_measure(x, y) and _agree(x, y) for y in qb)]
    lone_b = [y for y in qb if not any(_same_measure(x, y) and _agree(x, y) for x in qa)]
    if any(_same_measure(x, y) for x in lone_a for y in lone_b):
        return Numbers.conflict
    return Numbers.agree


def _distinct(q: Quantity) -> bool:
    """A figure specific enough that two outlets giving it exactly report one fact: a share,
    a sum of money, a fraction, or a count of at least `figure_distinct_min` (small counts
    like "two people" recur across unrelated points of one event)."""
    if not q.unit or q.approximate or q.lower_bound:
        return False
    return bool(
        q.unit & {"%", "money"}
        or q.value != int(q.value)
        or q.value >= rule_data().value("figure_distinct_min")
    )


def same_figure(a: str, b: str) -> bool:
    """Whether both give one distinctive figure, exactly, for one measure ("The unemployment
    rate was 3.5 percent" / "The unemployment rate declined to 3.5%")."""
    qa, qb = quantities(a), quantities(b)
    return any(_same_measure(x, y) and _agree(x, y) and _distinct(x) for x in qa for y in qb)


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def negated(text: str) -> bool:
    neg = rule_data().words("negation")
    text = rule_data().regex("affirming_negation").sub(" ", text)  # "no doubt", "not only"
    return any(t in neg or t.endswith("n't") for t in _tokens(text))


def _contains(a: str, b: str) -> bool:
    """One statement is the other's words with more around them ('He added, "... not 'a war
    of Obama's choosing.' It has been prosecuted ..."' / 'It has been prosecuted ...'): a
    negation in the rest is about something else."""
    fa, fb = (" ".join(_tokens(x)) for x in (a, b))
    short, long = (fa, fb) if len(fa) <= len(fb) else (fb, fa)
    return len(short.split()) >= 5 and short in long


def modality(text: str) -> str:
    """'possible', 'necessary' or 'asserted' ("will" and reported "would" both assert)."""
    data = rule_data()
    tokens = set(_tokens(text))
    if tokens & data.words("modal_possible"):
        return "possible"
    if tokens & data.words("modal_necessary"):
        return "necessary"
    return "asserted"


_NAME = re.compile(r"\b[A-Z][\w'-]*")
# Capitalised, but dates: "in November" and "on Friday" name no party.
_CALENDAR = _MONTHS | frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _fold(text: str) -> str:
    # "Sébastien" and "Sebastien" are one name; machine translation and wires differ in accents.
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def named_parties(text: str) -> frozenset[str]:
    """The proper names a statement mentions (demonyms and capitals folded to the country by
    content_words), without its first word, which is capitalised anyway."""
    first = re.match(r"\W*[\w'-]+", text)
    rest = text[first.end() :] if first else text
    names = (n for n in _NAME.findall(rest) if n.lower() not in _CALENDAR)
    return content_words(_fold(" ".join(names)))


def _unmatched(names: frozenset[str], others: frozenset[str]) -> frozenset[str]:
    # A name matches a longer spelling of itself ("west" / "westerne" in a garbled translation).
    return frozenset(
        n for n in names if not any(n.startswith(o) or o.startswith(n) for o in others)
    )


def other_parties(a: str, b: str, holders: frozenset[str] = frozenset()) -> bool:
    """The same statement about different parties ("police blamed Hamas" / "police blamed
    Israel"): each names a party the other does not (the holders' own names aside), and the
    rest of the wording is largely shared, so the names are what differs."""
    na, nb = named_parties(a) - holders, named_parties(b) - holders
    if not (_unmatched(na, nb) and _unmatched(nb, na)):
        return False
    frame_a = content_words(_fold(a)) - named_parties(a) - holders
    frame_b = content_words(_fold(b)) - named_parties(b) - holders
    if not frame_a or not frame_b:
        return False
    return len(frame_a & frame_b) / len(frame_a | frame_b) >= 0.5


def reason_of(text: str) -> frozenset[str] | None:
    """The content words after a causal marker ("because of X", "blamed X"), if any."""
    markers = rule_data().words("causal_markers")
    tokens = _tokens(text)
    for i, t in enumerate(tokens):
        if t in markers:
            return content_words(" ".join(tokens[i + 1 : i + 8]))
    return None


@dataclass(frozen=True)
class Comparison:
    numbers: Numbers
    opposite_polarity: bool
    modality_differs: bool
    other_parties: bool  # each names a party the other does not
    other_reasons: bool  # both give a reason, with little in common
    frame: float  # Jaccard of the content words, negation and figures aside

    @property
    def conflicting(self) -> bool:
        """Something in the pair that cannot be read as one statement told twice."""
        return (
            self.numbers is Numbers.conflict
            or self.opposite_polarity
            or self.other_parties
            or self.other_reasons
        )


@lru_cache(maxsize=65536)
def compare(a: str, b: str, holders: frozenset[str] = frozenset()) -> Comparison:
    """`holders`: the words of both claims' holders' names, which a statement often repeats
    ("Shoigu said ...") and which are not a party the statement is about."""
    ra, rb = reason_of(a), reason_of(b)
    neg = content_words(" ".join(rule_data().lists["negation"].words))
    fa, fb = (
        frozenset(w for w in content_words(x) if w not in neg and not w.isdigit()) for x in (a, b)
    )
    return Comparison(
        frame=len(fa & fb) / len(fa | fb) if fa | fb else 0.0,
        numbers=compare_numbers(a, b),
        opposite_polarity=negated(a) != negated(b) and not _contains(a, b),
        modality_differs=modality(a) != modality(b),
        other_parties=other_parties(a, b, holders),
        other_reasons=(
            ra is not None and rb is not None and bool(ra) and bool(rb) and not (ra & rb)
        ),
    )
