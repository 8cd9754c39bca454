"""One party, one name on the reader's page: a display-level merge of the spellings and titles
under which the articles (and the model) name the same person or body.

The pipeline keeps every asserter as written (the JSON is the audit trail); the page shows a
party once. Two names are one party when

- `translit`: they fold to the same letters once accents and the usual transliteration
  variants are set aside ("Choïgu" / "Shoigu", "Zelenskyy" / "Zelensky");
- `surname`: they are person names with the same folded surname and compatible first names
  ("Shoigu" / "Sergei Shoigu"; never "Emmanuel Macron" / "Brigitte Macron");
- `qualifier`: they are bodies with the same head noun and the same qualifiers, up to
  spelling and country/adjective ("Russia's defence ministry" / "Russian defence ministry");
- `generic` (only inside one side of one dispute): a shorter title ("the ministry", "the
  French ministry") and a fuller name with that head ("France's defence ministry"). Across
  sides "the ministry" may be another country's, or another ministry, so it is not merged
  there.

Each rule has an id; `same_party` returns the id of the rule that matched (or None).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "canonical_names",
    "cluster_parties",
    "fold",
    "is_person",
    "merge_parties",
    "same_party",
]

# (pattern, replacement, reason): applied in order to a lower-cased, accent-free name.
TRANSLIT_RULES: tuple[tuple[str, str, str], ...] = (
    ("tsch|tch|sch|ch|sh", "§", "French/German/English spellings of one sibilant (Choïgu/Shoigu)"),
    ("kh", "h", "Russian х written kh or h (Khodorkovsky/Hodorkovski)"),
    ("ou", "u", "French ou for u (Poutine/Putin)"),
    ("w", "v", "German w for v (Wladimir/Vladimir)"),
    ("y", "i", "y/i endings and glides (Zelensky/Zelenski, Sergey/Sergei)"),
    ("ij", "i", "Polish/German -ij (Selenskij)"),
    ("ck", "k", "ck/k (Tchaikovsky/Chaikovski)"),
    (r"(?<=[^aeiou])e$", "", "French silent final e (Poutine/Putin)"),
    (r"(.)\1+", r"\1", "doubled letters (Zelenskyy, Assad/Asad)"),
)
_TRANSLIT = [(re.compile(p), r) for p, r, _ in TRANSLIT_RULES]

# Words that head the name of a body, not a person (reason: "Russian Defence Ministry" must not
# match "French Defence Ministry" as a surname would; "house": "White House" headed the NeuS
# Hope Hicks page as if a person).
INSTITUTION_HEADS = frozenset(
    """ministry ministries government office army police department council court
    committee commission agency service services forces military parliament senate assembly
    embassy spokesperson spokesman spokeswoman source sources officials official authorities
    palace kremlin presidency administration cabinet party union company group regime
    command staff guard navy prosecutor prosecutors investigators media house""".split()
)
# Words that carry no identity in a name (reason: "the ministry" is "ministry").
STOPWORDS = frozenset({"the", "of", "for", "and", "a", "an", "its", "their"})
# Spelling variants of one word, folded before comparing (reason: US/UK spelling).
SPELLING = {"defense": "defence", "ministere": "ministry"}


def _strip_accents(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def _words(name: str) -> list[str]:
    """Lower-case, accent-free words, possessives and stop words dropped."""
    s = _strip_accents(name).lower().replace("’", "'")
    s = re.sub(r"'s\b", "", s)
    words = [w for w in re.findall(r"[a-z0-9]+", s) if w not in STOPWORDS]
    return [SPELLING.get(w, w) for w in words]


def _translit(word: str) -> str:
    for pattern, repl in _TRANSLIT:
        word = pattern.sub(repl, word)
    return word


def fold(name: str) -> str:
    """The name's comparison key: accents, case, possessives, stop words and transliteration
    variants set aside ("Choïgu" and "Shoigu" both fold to "§oigu")."""
    return " ".join(_translit(w) for w in _words(name))


def _is_body(words: list[str]) -> bool:
    return any(w in INSTITUTION_HEADS for w in words)


def is_person(name: str) -> bool:
    """A person's name (or a place's), not a body's: see `_is_person`."""
    return _is_person(name, _words(name))


def _is_person(name: str, words: list[str]) -> bool:
    # A person's name: one to four words, each capitalised in the text, none a body's head.
    raw = re.findall(r"[^\W\d_][\w'’.-]*", name)
    return (
        0 < len(words) <= 4
        and not _is_body(words)
        and all(w[:1].isupper() for w in raw if w.lower() not in STOPWORDS)
    )


def _word_match(a: str, b: str) -> bool:
    """Same word, or a country and its adjective (Russia/Russian, Ukraine/Ukrainian,
    Turkey/Turkish): a shared stem of four letters or more and at most three letters apart."""
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 4 and len(a) - n <= 3 and len(b) - n <= 3


def _first_names_compatible(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return True
    x, y = _translit(a[0]), _translit(b[0])
    if len(a[0]) == 1 or len(b[0]) == 1:  # an initial
        return x[0] == y[0]
    return x == y


def same_party(a: str, b: str, *, same_side: bool = False) -> str | None:
    """The id of the rule by which names `a` and `b` are one party, or None.

    `same_side`: both names hold one side of one dispute (the `generic` rule applies only
    there)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return None
    if fold(a) == fold(b):
        return "translit"
    if _is_person(a, wa) and _is_person(b, wb):
        sa, sb = _translit(wa[-1]), _translit(wb[-1])
        if len(sa) >= 3 and sa == sb and _first_names_compatible(wa[:-1], wb[:-1]):
            return "surname"
        return None
    if not (_is_body(wa) and _is_body(wb)) or wa[-1] != wb[-1]:
        return None
    qa, qb = wa[:-1], wb[:-1]

    def covered(xs: list[str], ys: list[str]) -> bool:
        return all(any(_word_match(x, y) for y in ys) for x in xs)

    if qa and qb and covered(qa, qb) and covered(qb, qa):
        return "qualifier"
    # "the ministry" or "the French ministry" beside "the French defence ministry": the shorter
    # name may be another body with the same head, so only within one side of one dispute
    if same_side and (covered(qa, qb) or covered(qb, qa)):
        return "generic"
    return None


def cluster_parties(
    names: Iterable[str], *, same_side: bool = False
) -> list[tuple[str, list[str]]]:
    """`names` grouped into parties, in first-seen order: (the fullest spelling, every spelling).
    The fullest: most words, then most letters, then accents kept (Sébastien over Sebastien)."""
    clusters: list[list[str]] = []
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        matching = [
            cluster
            for cluster in clusters
            if any(same_party(name, other, same_side=same_side) for other in cluster)
            and not any(_other_person(name, other) for other in cluster)
        ]
        if len(matching) == 1:
            if name not in matching[0]:
                matching[0].append(name)
        else:
            # No party yet, or several: a bare "Clinton" beside "Bill Clinton" and "Hillary
            # Rodham Clinton" (BASIL) is neither; it stays a party of its own.
            clusters.append([name])
    return [
        (
            max(
                c,
                key=lambda n: (len(_words(n)), len(n), sum(ord(ch) > 127 for ch in n), -c.index(n)),
            ),
            c,
        )
        for c in clusters
    ]


def _other_person(a: str, b: str) -> bool:
    """Two people of one surname with first names that differ ("Bill Clinton", "Hillary Rodham
    Clinton", BASIL): a bare "Clinton" matches both, and must not join them into one party."""
    wa, wb = _words(a), _words(b)
    return (
        _is_person(a, wa)
        and _is_person(b, wb)
        and bool(wa[:-1])
        and bool(wb[:-1])
        and _translit(wa[-1]) == _translit(wb[-1])
        and not _first_names_compatible(wa[:-1], wb[:-1])
    )


def merge_parties(names: Iterable[str], *, same_side: bool = False) -> list[str]:
    """`names` with each party once, in first-seen order, under its fullest spelling
    ("Choïgu", "Sergei Shoigu", "Russian defence ministry" -> "Sergei Shoigu", "Russian defence
    ministry")."""
    return [shown for shown, _ in cluster_parties(names, same_side=same_side)]


def canonical_names(names: Iterable[str], *, same_side: bool = False) -> dict[str, str]:
    """Each spelling (whitespace normalised) -> the spelling the page shows for its party."""
    return {
        member: shown
        for shown, members in cluster_parties(names, same_side=same_side)
        for member in members
    }
