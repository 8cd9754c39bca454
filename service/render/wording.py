"""The page's words: the event's neutral headline, agreement ("US and Kyiv", "1 outlet"),
shortened headings, and reader notes without the operators' sentences."""

from __future__ import annotations

import re
from collections import defaultdict

from service.render.articles import is_outlet_voice
from service.render.names import canonical_names, is_person
from service.schemas import ClaimGroup, GroupStatus, Reconciliation

__all__ = ["join_names", "neutral_headline", "plural", "reader_note", "shorten"]

MAX_HEADLINE_CHARS = 110
# A point can name the event only if it reads as a statement of fact on its own: five words or
# more, not opening on a conjunction or pronoun, and not someone's reported words.
HEADLINE_OK = re.compile(
    r"^(?!(?:But|And|Or|So|He|She|It|They|This|That|These|Those)\b)\S+(?:\s+\S+){4,}"
)
REPORTED = re.compile(r"\b(?:said|says|told|according|claimed|stated)\b|[\"“”]")
# Reader-facing notes lose the sentences meant for operators (settings, flags).
DEVELOPER_WORDS = re.compile(r"RASHOMON_[A-Z_]+|--[a-z][a-z-]+")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def join_names(names: list[str]) -> str:
    names = list(dict.fromkeys(n for n in names if n))
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def shorten(text: str, limit: int = 100) -> str:
    """`text` cut at a word boundary near `limit`, marked with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", s.lower()).split())


def neutral_headline(rec: Reconciliation) -> str:
    """The event in neutral words for the page title and heading: the summary's headline; else
    the shortest of the points most outlets agree on; else "N outlets on DATE". Never an
    outlet's headline (nor a candidate equal to one)."""
    titles = {_norm(s.title) for s in rec.sources if s.title}

    def ok(text: str | None) -> bool:
        return bool(text and text.strip()) and _norm(text or "") not in titles

    headline = getattr(rec.summary, "headline", None)  # older results lack the field
    if ok(headline):
        return " ".join(str(headline).split())
    claims = {c.claim_id: c for c in rec.all_claims()}

    def outlets_own(g: ClaimGroup) -> bool:  # every claim in the outlets' own voice
        cs = [claims[c] for c in g.claim_ids if c in claims]
        return bool(cs) and all(is_outlet_voice(c.asserter.name, c.asserter.kind) for c in cs)

    agreed = [
        g
        for g in rec.groups
        if g.status is GroupStatus.agreed
        and ok(g.point)
        and len(g.point) <= MAX_HEADLINE_CHARS
        and outlets_own(g)
        and HEADLINE_OK.match(g.point)
        and not REPORTED.search(g.point)
    ]
    if agreed:
        widest = max(len(g.source_ids) for g in agreed)
        return min((g.point for g in agreed if len(g.source_ids) == widest), key=len).strip(". ")
    n = len(rec.sources)
    days = sorted(s.published[:10] for s in rec.sources if s.published)
    when = f" on {days[0]}" if days else ""
    parties = _most_cited(rec)
    if parties:
        return f"{join_names(parties)}: how {plural(n, 'outlet')} report it{when}"
    return (
        f"How {plural(n, 'outlet')} report it{when}"
        if n != 1
        else f"How one outlet reports it{when}"
    )


def _most_cited(rec: Reconciliation, k: int = 2) -> list[str]:
    """The parties (not outlets) that the most outlets cite, under one name each."""
    names = [
        c.asserter.name
        for c in rec.all_claims()
        if not is_outlet_voice(c.asserter.name, c.asserter.kind)
    ]
    shown = canonical_names(names)
    outlets: dict[str, set[str]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    for c in rec.all_claims():
        if is_outlet_voice(c.asserter.name, c.asserter.kind):
            continue
        name = shown.get(" ".join(c.asserter.name.split()), c.asserter.name)
        outlets[name].add(c.source_id)
        count[name] += 1
    # people first: an event is more often named by who met than by which ministry spoke
    ranked = sorted(outlets, key=lambda n: (-len(outlets[n]), not is_person(n), -count[n]))
    proper = [n for n in ranked if n[:1].isupper()]  # named parties, not "a source close to …"
    return [n for n in proper[:k] if len(outlets[n]) > 1 or len(rec.sources) == 1]


def reader_note(note: str | None) -> str | None:
    """The summary's note without the sentences meant for operators."""
    if not note:
        return None
    parts = re.split(r"(?<=[.;])\s+|\.\s*$", note)
    kept = [p.strip() for p in parts if p.strip() and not DEVELOPER_WORDS.search(p)]
    text = " ".join(kept).strip().rstrip(";")
    return text or None
