"""The page's words: the event's neutral headline, agreement ("US and Kyiv", "1 outlet"),
shortened headings, and reader notes without the operators' sentences."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from service.pipeline.similarity import content_words
from service.pipeline.summary_trim import fold
from service.render.articles import is_outlet_voice
from service.render.names import canonical_names, is_person, same_party
from service.schemas import Claim, Reconciliation, Source

__all__ = [
    "join_names",
    "neutral_headline",
    "party_name",
    "plural",
    "reader_note",
    "shorten",
    "unnest",
]

# Reader-facing notes lose the sentences meant for operators (settings, flags).
DEVELOPER_WORDS = re.compile(r"RASHOMON_[A-Z_]+|--[a-z][a-z-]+")


# A parenthesis inside a parenthesis ("(as reported by Partisan site (machine-translated))"):
# the inner one becomes a comma clause, which reads the same without the stutter.
NESTED_PARENS = re.compile(r"\(([^()]*?)\s*\(([^()]*)\)([^()]*)\)")


def unnest(text: str) -> str:
    """`text` with no parenthesis nested in another ("(as reported by X (Y))" -> "(as reported
    by X, Y)")."""
    while True:
        flat = NESTED_PARENS.sub(r"(\1, \2\3)", text)
        if flat == text:
            return text
        text = flat


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


def party_name(claim: Claim) -> str | None:
    """Whose words a claim gives: its asserter, or the speaker of the words an outlet reports
    in its own voice ("he said" narration); None for the outlet's own statements."""
    if not is_outlet_voice(claim.asserter.name, claim.asserter.kind):
        return claim.asserter.name
    speaker = getattr(claim, "speaker", None)  # schema 1.3: who said the words
    name = getattr(speaker, "name", None)
    return name if isinstance(name, str) and name.strip() else None


def long_date(iso: str) -> str:
    """ "2010-02-20" -> "20 February 2010" (left as given when it is not an ISO date)."""
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B')} {d.year}"


def neutral_headline(rec: Reconciliation) -> str:
    """The event in neutral words for the page title and heading: the summary's headline when
    it is not an outlet's headline; else built from the result: the names most of the
    articles mention (people first; else the parties most outlets cite) and the date ("Glenn
    Beck, 20 February 2010: how 3 outlets report it").

    No outlet's sentence is used: an agreed point is still one outlet's wording, and on real
    runs the shortest one was a speaker's slogan or an outlet's epithet ("the hero of the
    political right")."""
    titles = {_norm(s.title) for s in rec.sources if s.title}
    headline = " ".join(str(getattr(rec.summary, "headline", None) or "").split())
    usable = bool(headline) and _norm(headline) not in titles  # older results lack the field
    if usable and not _tells_the_lead(headline, rec):
        return headline
    n = len(rec.sources)
    days = sorted(s.published[:10] for s in rec.sources if s.published)
    when = f", {long_date(days[0])}" if days else ""
    how = f"how {plural(n, 'outlet')} report it" if n != 1 else "how one outlet reports it"
    parties = _shared_names(rec) or _most_cited(rec)
    if parties:
        return f"{join_names(parties)}{when}: {how}"
    if usable:
        return headline  # read twice, but it names the event ("The Dow ... closed down")
    return f"{how[0].upper()}{how[1:]}{when.replace(', ', ' on ', 1)}"


def _tells_the_lead(headline: str, rec: Reconciliation) -> bool:
    """The headline is most of the lead's own words (a short lead's core is the lead): shown
    as the heading it would be read twice, once above the lead (seeds: "Russian and French
    Defense Ministers ... spoke by telephone on Wednesday" as heading and as lead)."""
    lead = next((s.text for s in rec.summary.sentences if s.kind.value == "lead"), "")
    body = without_credit(lead)
    said, told = set(_norm(headline).split()), _norm(body).split()
    return bool(told) and sum(w in said for w in told) >= 0.8 * len(told)


def without_credit(sentence: str) -> str:
    """The sentence without its closing credit, which may hold parentheses of its own
    ("... (partisan site (machine-translated)).")."""
    text = sentence.rstrip(". ")
    if not text.endswith(")"):
        return text
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return text[:i].rstrip()
    return text


# A name in running text: capitalised words (joined by spaces, hyphens, "al-" and the like),
# not at the start of a sentence, where any word is capitalised; never the first piece of a
# longer token ("U." of "U.S.-Mexico", NeuS).
NAME_IN_TEXT = re.compile(
    r"(?<=[a-z0-9,;:] )(?:[A-Z][\w'’-]+|[A-Z]\.)(?: (?:[A-Z][\w'’-]+|[A-Z]\.))*(?![\w.-])"
)
# An abbreviated title's full stop would end the run before the name ("to Gov. Andrew M.
# Cuomo" gave "M. Cuomo", NeuS); the stop is dropped before names are read.
_TITLE_STOP = re.compile(r"\b(Gov|Sen|Rep|Reps|Sens|Dr|Mr|Mrs|Ms|Gen|Lt|Col|Sgt|Adm|Capt)\. ")
# Capitalised words that name no one, dropped from a name (reason: "Wednesday").
CALENDAR_WORDS = frozenset(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December""".split()
)
# Titles: a name starts after them, and what comes before them is a place or a body, not
# part of the name (reason: "Attorney General Richard Blumenthal" is Richard Blumenthal;
# "French President Emmanuel Macron" gave "French Emmanuel Macron", "Kentucky Sen. Rand
# Paul", "Representative Joe Sestak", NeuS and BASIL).
TITLE_WORDS = frozenset(
    """I President Minister Prime Secretary Senator Sen Sens Rep Reps Representative Gov
    Governor Attorney General Chancellor Vice Premier King Queen Pope Mr Mrs Ms Dr Speaker
    Leader Majority Minority Chairman Chairwoman Chair Mayor Judge Justice Ambassador Gen
    Lt Col Sgt Adm Capt Commissioner Director Sheriff Congressman Congresswoman""".split()
)
NOT_NAMES = CALENDAR_WORDS | TITLE_WORDS
# Title-case function words split a run of capitalised words in two (reason: a headline line
# "NRA And Russia" is two names).
NAME_BREAKS = frozenset("A An And The Of For To In On At By With From Or But As".split())


def _names_in(text: str) -> list[str]:
    names = []
    for m in NAME_IN_TEXT.finditer(_TITLE_STOP.sub(r"\1 ", text)):
        words: list[str] = []
        for w in [*m.group(0).split(), "And"]:
            if w in NAME_BREAKS or w in CALENDAR_WORDS:
                if words:
                    names.append(" ".join(words))
                words = []
            elif w in TITLE_WORDS:
                words = []  # what stood before the title was its place or body
            else:
                words.append(re.sub(r"['’]s?$", "", w))
    return [n for n in names if not re.fullmatch(r"[A-Z]\.", n)]


def _group_words(text: str) -> set[str]:
    """One-word plurals whose singular the articles also write capitalised ("Americans" and
    "American", "Democrats" and "Democrat"): groups of people, not names of a party."""
    written = set(re.findall(r"\b[A-Z][a-z]+\b", text))
    return {w for w in written if w.endswith("s") and w[:-1] in written}


def _shared_names(rec: Reconciliation, k: int = 2) -> list[str]:
    """The names that most of the articles mention in running text, one spelling each; people
    (names of two words or more in some article) before places and bodies."""
    found: dict[str, dict[str, int]] = {}
    for s in rec.sources:
        counts: dict[str, int] = defaultdict(int)
        groups = _group_words(s.text)
        for name in _names_in(s.text):
            if name in groups:
                continue
            if not any(same_party(name, o.outlet) for o in rec.sources):  # not an outlet
                counts[name] += 1
        found[s.source_id] = counts
    spellings = {name for counts in found.values() for name in counts}
    shown = canonical_names(sorted(spellings, key=lambda n: (-len(n.split()), n)))
    outlets: dict[str, set[str]] = defaultdict(set)
    total: dict[str, int] = defaultdict(int)
    for sid, counts in found.items():
        for name, n in counts.items():
            outlets[shown.get(name, name)].add(sid)
            total[shown.get(name, name)] += n
    need = max(2, -(-2 * len(rec.sources) // 3)) if len(rec.sources) > 1 else 1
    ranked = sorted(
        (n for n in outlets if len(outlets[n]) >= need and total[n] >= 2),
        key=lambda n: (len(n.split()) < 2 or not is_person(n), -len(outlets[n]), -total[n]),
    )
    chosen: list[str] = []
    for name in ranked:  # one Blumenthal: "Dick" may be "Richard"
        if not any(name.split()[-1] == c.split()[-1] for c in chosen):
            chosen.append(name)
    return chosen[:k]


def _most_cited(rec: Reconciliation, k: int = 2) -> list[str]:
    """The named parties that the most outlets cite (people first), under one name each."""
    said = [(c, name) for c in rec.all_claims() if (name := party_name(c))]
    shown = canonical_names(name for _, name in said)
    outlets: dict[str, set[str]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    for c, name in said:
        key = shown.get(" ".join(name.split()), name)
        outlets[key].add(c.source_id)
        count[key] += 1
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


def outlet_headlines(sources: Sequence[Source]) -> list[tuple[Source, str]]:
    """(source, headline as written) when two or more outlets give a headline and they are
    not one headline: where an outlet's framing is plainest ("'Heroic' parishioners end Texas
    church shootout", "After losing court battle, DeVos to cancel ...", NeuS), shown
    attributed and verbatim, never as the summary's own words."""
    shown = [(s, " ".join(s.title.split())) for s in sources if s.title and s.title.strip()]
    if len(shown) < 2 or len({_norm(t) for _, t in shown}) < 2:
        return []
    return shown


# Of a headline's content words, the share the summary must not already say for it to be
# shown beside the summary: raters called the full list "mechanical" and "adds little"
# (NeuS round 22, BASIL round 21); a headline that retells the summary is the noise.
HEADLINE_NEW_SHARE = 0.34


def headlines_line(sources: Sequence[Source], summary: str) -> str | None:
    """The outlets' headlines that say what the summary does not, as one line beside it."""
    said = content_words(fold(summary))
    shown = []
    headed = outlet_headlines(sources)
    for src, title in headed:
        words = content_words(fold(title))
        if words and len(words - said) >= HEADLINE_NEW_SHARE * len(words):
            shown.append((src.outlet, title))
    if not shown:
        return None
    if len(shown) == len(headed) > 1:
        return "How each outlet headlines it: " + "; ".join(f"{o}, “{t}”" for o, t in shown) + "."
    # Some outlets' headlines only: the line names those and no more ("How each outlet ..."
    # over two of three headlines read as leaving one out: BASIL raters, round 22, "omits Fox
    # News' headline").
    (first, title), rest = shown[0], shown[1:]
    return f"{first} headlines it: “{title}”" + "".join(f"; {o}: “{t}”" for o, t in rest) + "."


def outlet_labels(sources: list[Source]) -> dict[str, str]:
    """Outlet names, numbered where two sources share a name ("AFP, 2nd article")."""
    counts: dict[str, int] = defaultdict(int)
    for s in sources:
        counts[s.outlet] += 1
    seen: dict[str, int] = defaultdict(int)
    labels = {}
    for s in sources:
        seen[s.outlet] += 1
        labels[s.source_id] = (
            s.outlet if counts[s.outlet] == 1 else f"{s.outlet}, article {seen[s.outlet]}"
        )
    return labels
