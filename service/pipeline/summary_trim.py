"""Cutting an article's sentence down to a clause the summary can show: where a long clause
may stop (before "..., with X proposing", a closing aside, a trailing date, a parenthetical
between two dashes) and what a whole clause never ends on ("... until the")."""

from __future__ import annotations

import re
import unicodedata

from spacy.tokens import Token

from service.text.sentences import first_sentence
from service.text.speech import nlp

QUOTE_CHARS = '"“”«»„'


def opens_on_quote(text: str) -> bool:
    """The text opens on a quotation mark, single ones included: someone's words."""
    return text[:1] in QUOTE_CHARS + "'‘"


# Sentence or clause openings that need a referent earlier in the text than we can show.
PRONOUNS = frozenset(
    "it its he his him she her they their them this these those such that there".split()
)


def fold(text: str) -> str:
    """Lower-cased, accents stripped, one space: for comparing words across outlets."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


# Words a complete clause does not end on (a cut in mid-phrase: "... until the", "... by").
DANGLING = frozenset(
    """the a an of to by for from with until and or but as at in on into than that which who
    whose whom its their his her our your my this these those while after before because if
    when where whether nor so about against between during including without via per""".split()
)
# Cut points: a clause stops before these when it runs long ("..., with Shoigu proposing").
_CUT = re.compile(
    r",\s+(?=(?:with|while|which|who|whose|where|adding|saying|calling|after|as|amid|"
    r"although|though|but|a claim|an idea|marking|marks|according)\b)|\s[–—]\s|\s--\s(?!.*\s--\s)",
    re.IGNORECASE,
)
# A trailing time or place phrase a long clause can lose ("… during a rare telephone call on
# Wednesday"): the head stays a whole clause.
_TAIL = re.compile(
    # "earlier"/"later" go with the phrase they qualify ("... stalled in Congress earlier this
    # month", BASIL Fox: the cut had left "... stalled in Congress earlier")
    r"\s(?=(?:(?:during|amid)\s|(?:(?:earlier|later)\s)?(?:on|last|this|next)\s"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year)\b"
    r"|in\s(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|\d{4})\b)[^,;]*$)"
)
# "not only X, but also Y", "not just X, but Y": the first half promises the second, so a cut
# at its ", but" leaves the clause open ("we are working ..., not only in addressing the
# urgency of the challenge", NeuS, Mayorkas; 48 such sentences in NeuS, BASIL and PolNeAR).
_OPEN_CORRELATIVE = re.compile(r"\bnot\s+(?:only|just|merely|simply)\b(?!.*\bbut\b)", re.I)
# What a cut time phrase leaves behind: "... stalled in Congress earlier [this month]". Not
# a comparison's "a year earlier", "two days later".
_LEFT_QUALIFIER = re.compile(
    r"(?<!\byear)(?<!\byears)(?<!\bweek)(?<!\bweeks)(?<!\bday)(?<!\bdays)(?<!\bmonth)"
    r"(?<!\bmonths)(?<!\bhour)(?<!\bhours)\s(?:earlier|later)$"
)
CLAUSE_MAX_WORDS = 24  # a clause longer than this is cut at its first cut point
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def words(text: str) -> list[str]:
    return re.findall(r"[\w’'-]+", text)


def _tidy_quotes(text: str) -> str:
    """Drop quotation marks that do not pair up inside the clause (a clause cut from a longer
    quotation keeps one stray mark)."""
    marks = [i for i, ch in enumerate(text) if ch in QUOTE_CHARS]
    if len(marks) % 2 == 0:
        return text
    return "".join(ch for ch in text if ch not in QUOTE_CHARS)


_ABBREVIATION_END = re.compile(r"\b(?:[A-Z]\.)+[A-Z]$")  # "... back to the U.S" lost its dot


def _abbreviation_dot(text: str) -> str:
    """The final dot of an abbreviation ("U.S.", "D.C.") is the abbreviation's, not the
    sentence's: put back (NeuS: "... back to the U.S (Outlet C).")."""
    return text + "." if _ABBREVIATION_END.search(text) else text


# "later today", "earlier tonight": the article's day, which the summary's reader does not
# know ("... is scheduled to appear at a news conference later today", BASIL Fox; raters:
# "dangling time reference", "undated in the summary"). Left out of the outlet's narration,
# never from inside quotation marks.
_TODAY = re.compile(
    r"\s(?:later|earlier)\s(?:today|tonight)\b"
    r"(?=[^\"“”]*(?:[\"“][^\"”]*[\"”][^\"“”]*)*$)"  # outside quotation marks
)


def trim(text: str, max_words: int = CLAUSE_MAX_WORDS) -> str:
    """The clause up to its first cut point when it is long; never a fragment ending."""
    text = " ".join(text.split()).strip().rstrip(".;:, ")
    text = _TODAY.sub("", text)
    first = first_sentence(text).rstrip(".;:, ")
    if first != text and len(text.split()) > 15 and len(first.split()) >= 4:
        text = first  # a quotation of several sentences: its first carries the point
    if len(text.split()) > max_words:
        text = _without_interruption(text)
    if len(text.split()) > max_words:
        for m in _CUT.finditer(text):
            head = text[: m.start()]
            if text[m.end() :][:4].lower() == "but " and _OPEN_CORRELATIVE.search(head):
                continue  # "not only X" without its ", but also Y"
            if len(head.split()) >= 6 and not ends_dangling(head):
                text = head
                break
    if len(text.split()) > max_words:
        text = _without_closing_appositive(text)
    while len(text.split()) > max_words:
        tails = [m.start() for m in _TAIL.finditer(text)]
        head = _LEFT_QUALIFIER.sub("", text[: tails[-1]]) if tails else ""
        if len(head.split()) < 10 or ends_dangling(head) or not _balanced(head):
            break
        text = head
    return _abbreviation_dot(_tidy_quotes(text.replace(" …", "").rstrip(".;:, ")))


# A closing noun phrase set off by a comma: "..., a town of about 17,000 people near Fort Worth"
# (NeuS), "..., an agreement that has come under withering criticism from liberal Democrats"
# (BASIL Fox, the outlet's own words inside Summers' statement), "..., one of multiple black
# people who died ..." (NeuS). It describes; the clause before it says what happened.
_CLOSING_APPOSITIVE = re.compile(r",\s+(?:a|an|one of)\s(?:[^,;:()\"“”]|(?<=\d),(?=\d))*$")
APPOSITIVE_HEAD_MIN = 10  # words the clause keeps before a closing appositive is cut


# A parenthetical between two double-hyphen dashes: "to better explain -- and publicly
# apologize for -- his on-camera claim" (BASIL Fox), "an advisory position -- in the national
# security area -- if he declined ..." (BASIL HuffPost). Without it the sentence still reads.
_INTERRUPTION = re.compile(r"\s--\s[^\"“”]*?\s--\s")


def _without_interruption(text: str) -> str:
    if any(ch in text for ch in QUOTE_CHARS):
        return text  # quoted words stay as the article has them
    return _INTERRUPTION.sub(" ", text, count=1)


def _without_closing_appositive(text: str) -> str:
    m = _CLOSING_APPOSITIVE.search(text)
    if m is None:
        return text
    tail = nlp()(text[m.start() + 1 :].strip())
    if any(t.tag_ in _FINITE_TAGS and t.dep_ != "relcl" and not _in_relative(t) for t in tail):
        return text  # ", a source briefed on the matter told Reuters": a clause, not an aside
    head = text[: m.start()]
    if len(head.split()) < APPOSITIVE_HEAD_MIN or ends_dangling(head) or not _balanced(head):
        return text
    return head


def _in_relative(tok: Token) -> bool:
    return any(a.dep_ == "relcl" for a in tok.ancestors)


def _balanced(text: str) -> bool:
    return sum(ch in QUOTE_CHARS for ch in text) % 2 == 0 and text.count("(") == text.count(")")


# A sentence cut after the noun that opened a closing appositive ("blocked the release of the
# memo, a move." from "..., a move Democrats denounced as ...", NeuS; "..., a decision." ): the
# appositive says nothing without the clause that was cut.
# Only nouns that sum up the clause before them ("a move", "a step") and never end a sentence
# alone in news prose; "He met Smith, a lawyer" is whole.
_CUT_APPOSITIVE = re.compile(
    r",\s+(?:a|an)\s+(?:move|step|decision|development|shift|reversal|setback|sign|signal|"
    r"departure|turn|twist|gesture|blow)$",
    re.IGNORECASE,
)


# A second reporting verb whose words were split off into a claim of their own ("approached
# the congressman and asked [if he supported ...]", BASIL; "cited interviews with Fields and
# said [that ...]", PolNeAR): the clause stops where its object began.
_CUT_SECOND_CUE = re.compile(
    r"\b(?:and|then)\s+(?:asked|said|says|told|tells|wrote|added|wondered|warned)\W*$"
    # ", meaning [they ...]" (NeuS impeachment): a participle that takes a clause, cut from it
    r"|,\s+(?:meaning|saying|adding|noting|arguing|claiming|warning|suggesting|indicating)\W*$",
    re.I,
)


def ends_dangling(text: str) -> bool:
    ws = words(text)
    if not ws or ws[-1].lower() in DANGLING or _CUT_SECOND_CUE.search(text):
        return True
    return bool(_CUT_APPOSITIVE.search(text.rstrip(". ")))
