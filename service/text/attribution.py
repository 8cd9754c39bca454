"""Guess who asserts a sentence's content from reporting cues (heuristics only, no model).

`guess_asserter` rules:

1. Candidates come from three patterns:
   - subject + reporting verb: `X said/says/stressed/acknowledged/warned/added/reiterated/
     pointed out/told .../was quoted as saying ...` (X = the noun phrase just before the verb,
     after the last comma, quote mark, "that"/"which"/"and" ...; auxiliaries and -ly adverbs
     between X and the verb are skipped: "Putin has acknowledged", "Shoigu separately said");
   - inverted: `..., said X.` / `..." says X`;
   - `according to X` (a trailing "'s statement" / "statement" is dropped from X).
2. Precedence: the outer source wins, because it is who the outlet cites: a trailing
   attribution clause (`..., the French defence ministry said.`) first, then `according to`,
   then the first subject + verb. So in `Lecornu said that ..., the French defence ministry
   said.` the asserter is the ministry.
3. Names drop a leading "the" ("Russian defence ministry"), except for anonymous sources,
   which keep their article ("a source close to Lecornu", "the source": callers may resolve).
   Pronouns ("he", "it") and noun phrases longer than 8 words are not asserters.
4. Kind: "source(s)", unnamed "official(s)"/"diplomat(s)" -> anonymous_source; officials of a
   named body ("French defense officials"), ministries, governments, agencies, and countries
   or capitals used as speakers ("Russia", "Paris", "Kremlin", "Ankara") -> institution;
   1-4 capitalised words ("Shoigu", "Sergei Shoigu") -> person; anything else -> institution.
5. No cue -> None: whether the outlet speaks in its own voice is the caller's decision.

`kind_hint` flags likely denials (denied, rejected, refuted, dismissed, "neither ... nor",
"no information to establish", "not ... behind"). It is a hint for prompts and fallbacks, not a
classification: "declined to deny" or reported denials of something else will fool it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from service.schemas import AsserterKind

__all__ = ["AsserterGuess", "guess_asserter", "kind_hint"]


def _words(text: str) -> list[str]:
    """Word lists are kept as prose so they stay readable (and greppable)."""
    return text.split()


@dataclass(frozen=True)
class AsserterGuess:
    name: str
    kind: AsserterKind
    cue: str


_VERBS = (
    r"(?:was|were)\s+quoted\s+as\s+saying|pointed\s+out|"
    r"(?:was|were)\s+quick\s+to\s+(?:deny|reject|say|point\s+out|add)|"
    r"told\s+(?:AFP|Reuters|AP|the\s+\w+(?:\s+\w+)?|reporters|journalists|[A-Z][\w’'-]+)|"
    r"said|says|stated|stressed|stresses|acknowledged|acknowledges|warned|warns|"
    r"added|adds|reiterated|reiterates|noted|insisted|insists|claimed|claims|argued|argues|"
    r"confirmed|confirms|announced|announces|explained|declared|asserted|alleged|alleges|"
    r"maintained|wrote|writes|tweeted|reported|suggested|reminded|denied|denies|"
    r"rejected|rejects|posited|countered|replied|admitted|admits"
)
_SUBJECT_VERB = re.compile(rf"\b(?P<cue>{_VERBS})\b")
_INVERTED = re.compile(
    r"[,\"”»]\s*(?P<cue>said|says|added|adds|wrote|writes|told\s+\w+)\s+"
    r"(?P<np>(?:the\s+|a\s+|an\s+)?[A-Z][\w’'.-]*(?:\s+[\w’'.-]+){0,6}?)\s*(?:[,.;]|$)"
)
_ACCORDING = re.compile(r"\b[Aa]ccording\s+to\s+(?P<np>[^,.;:\"“”]+)")
_CUT = re.compile(
    r"(?:[,;:(\[\"“”«»—]|\s--\s|\s-\s|\b(?:that|which|who|whom|when|while|and|but|as|after|"
    r"before|because|although|though|if|where)\b)",
    re.IGNORECASE,
)
_SKIP_BEFORE_VERB = frozenset(
    _words(
        """has have had also was were is are will would could may might then later again
    previously earlier already once first last still not never separately"""
    )
)
_ROLE_HEADS = frozenset(
    _words(
        """minister president spokesman spokeswoman chairman chairwoman leader secretary
    ambassador general envoy chief premier chancellor senator governor mayor"""
    )
)
_ADJUNCT_STARTS = frozenset(
    _words(
        """in on at to during after before late earlier last this via from by told when while
    adding citing speaking following without yesterday today tonight monday tuesday
    wednesday thursday friday saturday sunday"""
    )
)
_OUTLET_WORDS = frozenset(
    _words(
        """journal post times daily news tribune herald telegraph guardian monde reuters afp ap
    tass ria interfax bbc cnn fox nbc cbs abc msnbc npr press agency gazette magazine
    newsweek time politico axios bloomberg network radio tv television xinhua"""
    )
)
_DETERMINERS = frozenset(
    _words("""a an the one two three some several many most other another its their his her""")
)
_LEADING_FILLERS = frozenset(_words("then so now however meanwhile also still yet instead"))
_PRONOUNS = frozenset(_words("he she it they we i you this these those one someone"))
_ANON_HEADS = frozenset(_words("source sources diplomat diplomats insider insiders"))
_OFFICIAL_HEADS = frozenset(_words("official officials spokesperson aide aides"))
_INSTITUTION_WORDS = frozenset(
    _words(
        """ministry ministries government administration department office agency army military
    police committee council commission parliament senate congress court embassy party
    kremlin presidency cabinet command forces service services authorities authority
    officials regime union bank company group organization organisation statement side
    sides world republicans democrats lawmakers legislators critics activists"""
    )
)
_PLACES = frozenset(
    _words(
        """russia moscow kremlin france paris elysee ukraine kyiv kiev turkey ankara germany
    berlin britain uk london washington us u.s. usa america china beijing iran tehran
    israel nato eu un japan tokyo india delhi pentagon brussels poland warsaw italy rome
    spain madrid"""
    )
)
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial|ials)|reject(?:s|ed|ing|ion)?|refut(?:e|es|ed|ing)|"
    r"dismiss(?:es|ed|ing)?|rebuff(?:s|ed)?|neither\b.{1,120}?\bnor|"
    r"no\s+information\s+to\s+establish|not\b.{0,40}?\bbehind)\b",
    re.IGNORECASE,
)


def guess_asserter(sentence: str) -> AsserterGuess | None:
    """Who the sentence attributes its content to, or None if there is no reporting cue."""
    trailing = _trailing(sentence)
    if trailing is not None:
        return trailing
    according = _according(sentence)
    if according is not None:
        return according
    for m in _SUBJECT_VERB.finditer(sentence):
        guess = _guess(_subject_before(sentence[: m.start()]), m.group("cue"))
        if guess is not None:
            return guess
    return None


def kind_hint(sentence: str) -> Literal["denial"] | None:
    """'denial' when the sentence carries a denial cue (heuristic; see module docstring)."""
    return "denial" if _DENIAL.search(sentence) else None


def _trailing(sentence: str) -> AsserterGuess | None:
    """An attribution in the sentence's last clause: `..., X said (in a statement).`"""
    last_cut = max(sentence.rfind(","), sentence.rfind('"'), sentence.rfind("”"))
    if last_cut < 0:
        return None
    tail = sentence[last_cut:]
    inv = _INVERTED.match(tail)
    if inv is not None:
        return _guess(inv.group("np"), _norm(inv.group("cue")))
    m = _SUBJECT_VERB.search(tail)
    if m is None:
        return None
    # Only a pure attribution clause counts: ", a claim that Paris denied." is not one.
    if _CUT.search(tail[1 : m.start()]) or not _short_remainder(tail[m.end() :]):
        return None
    return _guess(_subject_before(tail[: m.start()]), m.group("cue"))


def _short_remainder(rest: str) -> bool:
    """What follows a trailing verb is a short adjunct ("in a statement on the call")."""
    words = rest.strip(' \t\n.!?"”»').split()
    if not words:
        return True
    return len(words) <= 10 and words[0].lower() in _ADJUNCT_STARTS


def _according(sentence: str) -> AsserterGuess | None:
    m = _ACCORDING.search(sentence)
    if m is None:
        return None
    np = re.sub(r"(?:['’]s)?\s+statement\b.*$", "", m.group("np").strip())
    np = re.sub(r"\s+(?:that|during|on|in|at|to)\b.*$", "", np)
    return _guess(np, "according to")


def _subject_before(prefix: str) -> str:
    """The noun phrase right before a reporting verb."""
    words = prefix.split()
    while words and (words[-1].lower() in _SKIP_BEFORE_VERB or _is_adverb(words[-1])):
        words.pop()  # "Putin has acknowledged", "the ministry bluntly stated"
    clause = " ".join(words)
    cuts = list(_CUT.finditer(clause))
    if cuts:
        clause = clause[cuts[-1].end() :]
    lead = clause.split()
    while lead and lead[0].lower() in _LEADING_FILLERS:
        lead.pop(0)  # "But then Certner acknowledged" -> Certner
    # "the French defence ministry statement said" -> the ministry
    return re.sub(r"(?:['’]s)?\s+statement$", "", " ".join(lead))


def _is_adverb(word: str) -> bool:
    return word.islower() and word.endswith("ly")  # "bluntly", but not "Politics Daily"


def _guess(np: str, cue: str) -> AsserterGuess | None:
    np = np.strip(" \t\n,.;:'\"“”‘’")
    words = np.split()
    if not words or len(words) > 8 or re.sub(r"['’]\w+$", "", words[0].lower()) in _PRONOUNS:
        return None
    if not _looks_like_speaker(words):
        return None
    kind = _kind(words)
    # "the Russian defence ministry" -> "Russian defence ministry"; keep "the source" and
    # "The world" (a mistranslated outlet name), where the article carries meaning.
    if (
        kind is not AsserterKind.anonymous_source
        and words[0].lower() == "the"
        and len(words) > 1
        and words[1][:1].isupper()
    ):
        words = words[1:]
    elif kind is AsserterKind.anonymous_source and words[0] in {"The", "A", "An"}:
        words = [words[0].lower(), *words[1:]]  # "The source said" -> "the source"
    return AsserterGuess(name=" ".join(words), kind=kind, cue=_norm(cue))


def _looks_like_speaker(words: list[str]) -> bool:
    """Reject clause debris such as "There have been conflicting" (from "reports")."""
    lower = [re.sub(r"['’]s$", "", w.lower()) for w in words]
    heads = _ANON_HEADS | _OFFICIAL_HEADS | _INSTITUTION_WORDS | _ROLE_HEADS | _PLACES
    if words[0].islower() and lower[0] not in _DETERMINERS and not heads & set(lower):
        return False  # "had direct contact with Steele" (a relative clause, not a subject)
    return lower[-1] in heads or (words[-1][:1].isupper() and lower[-1] not in {"the", "a"})


def _kind(words: list[str]) -> AsserterKind:
    lower = [re.sub(r"['’]s$", "", w.lower()) for w in words]
    if any(w in _ANON_HEADS for w in lower):
        return AsserterKind.anonymous_source
    named = [w for w in words[1:] if w[:1].isupper()] or (
        [words[0]] if words[0][:1].isupper() and lower[0] not in {"the", "a", "an"} else []
    )
    if any(w in _OFFICIAL_HEADS for w in lower):
        return AsserterKind.institution if named else AsserterKind.anonymous_source
    if words[-1][:1].isupper() and lower[-1] in _OUTLET_WORDS:
        return AsserterKind.outlet  # "The Wall Street Journal reported", "told AFP"
    if "of" in lower and _is_name(words[: lower.index("of")]):
        return AsserterKind.person  # "Roger Pilon of the Cato Institute"
    if lower[-1] in _ROLE_HEADS:
        return AsserterKind.person  # "the French minister", "President Emmanuel Macron"
    if any(w in _INSTITUTION_WORDS or w in _PLACES for w in lower):
        return AsserterKind.institution
    return AsserterKind.person if _is_name(words) else AsserterKind.institution


def _is_name(words: list[str]) -> bool:
    return 1 <= len(words) <= 4 and all(w[:1].isupper() for w in words)


def _norm(cue: str) -> str:
    return " ".join(cue.split())
