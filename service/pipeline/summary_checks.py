"""What a summary sentence must never do, checked by code before the summary is returned (a
sentence that fails is rebuilt or dropped) and again by the eval (`summary_integrity`).

Each problem has a stable id (the rules' reasons are in RULES):
- quote_not_verbatim: quotation marks around words not in a cited article (whitespace, quote
  style and marked elisions aside);
- frame_in_quotes: a reporting frame written inside the quotation marks ('"X said: ..."');
- credit_unsupported: a clause credited to an outlet whose cited claims do not carry its names
  and numbers (one outlet's report passed off as several outlets' agreement);
- party_not_holder: "X said ..." where X is not who the cited claims' articles credit;
- fragment: a clause that ends mid-phrase ('... until the') or is too short to be one;
- pronoun_start: a sentence or clause opening on a pronoun whose referent is not shown;
- name_unintroduced: a clause whose subject is a bare surname ("Hicks will join ...") the
  articles give in full ("Hope Hicks") and no earlier summary sentence has used, "the
  <document> said" with no earlier sentence naming the document, or a subject that points
  back to what the summary never told ("The offer was made by ...");
- repeated: the same sentence (or nearly) twice;
- headline_lead: an outlet's headline used as a summary sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from spacy.lang.en.stop_words import STOP_WORDS

from service.pipeline.alignment.compare import Numbers, compare_numbers
from service.pipeline.similarity import content_words, overlap
from service.pipeline.summary_repeats import CREDIT as _CREDIT
from service.pipeline.summary_repeats import new_figure
from service.pipeline.summary_text import REPORTS_THAT, starts_with_pronoun
from service.pipeline.summary_trim import QUOTE_CHARS, ends_dangling, fold, words
from service.schemas import Claim, Source
from service.text.speech import pos_tags
from service.text.speech.rules import lists

RULES = {
    "quote_not_verbatim": "a reader who checks a quotation must find those exact words",
    "frame_in_quotes": "the reporting frame is the summary's words, not the speaker's",
    "credit_unsupported": "an outlet is credited only with what its own article reports",
    "party_not_holder": "a party is credited only with what an article attributes to it",
    "fragment": "a clause cut mid-phrase misleads and reads as broken",
    "pronoun_start": "a pronoun without its referent leaves the reader guessing who",
    "name_unintroduced": "a surname met before the person's full name leaves the reader guessing who",
    "repeated": "saying one thing twice wastes the reader's time",
    "headline_lead": "a headline is the outlet's framing of the story, not a reported fact",
}
REPEAT_OVERLAP = 0.9  # two sentences this close in content words say the same thing
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]{2,}?)[\"“”«»„]")
_ELISION = re.compile(r"\s*(?:…|\.\.\.|\[\.\.\.\]|\[…\])\s*")
_IN_QUOTE_FRAME = re.compile(
    r"^[\w’'.\s-]{2,60}?\b(?:said|says|stated|told|added|declared|wrote|noted|insisted|"
    r"warned)\b[^:]{0,40}:"
)
_SAID = re.compile(
    r"^(?P<who>[A-Z][^;:()\"“]{1,80}?)\s+(?:also\s+)?(?:said|says|told|denied|denies|stated|"
    r"insisted|warned|rejected|reported)\b"
)
_NUMBER = re.compile(r"\d[\d,.]*")
# US and UK spellings are one word ("defense" / "defence").
_SPELLING = {"defense": "defence", "offense": "offence", "center": "centre", "labor": "labour"}


def _norm_quote(text: str) -> str:
    text = re.sub(f"[{QUOTE_CHARS}‘’']", "'", text)
    return fold(text)


def quoted_strings(text: str) -> list[str]:
    return [m.group(1) for m in _QUOTED.finditer(text)]


def verbatim_in(quote: str, articles: Iterable[str]) -> bool:
    """The quoted words, each elided part in order, are in one of the articles."""
    parts = [_norm_quote(p).strip(" ,.;:") for p in _ELISION.split(quote)]
    parts = [p for p in parts if p]
    if not parts:
        return True
    for article in articles:
        body = _norm_quote(article)
        at = 0
        for part in parts:
            found = body.find(part, at)
            if found < 0:
                break
            at = found + len(part)
        else:
            return True
    return False


def key_terms(text: str) -> set[str]:
    """The names and numbers of a text (capitalised words past its first, and digits), as
    comparable word forms."""
    out: set[str] = set()
    ws = words(text)
    for i, w in enumerate(ws):
        bare = w.strip("’'-")
        if _NUMBER.fullmatch(bare) or (i > 0 and bare[:1].isupper() and bare.lower() not in _LOW):
            out |= _forms(bare)
    return out


_LOW = frozenset("i the a an on in of and or but according".split())


def _forms(word: str) -> set[str]:
    low = fold(word)
    low = _SPELLING.get(low, low)
    return set(content_words(low)) or {low}


def material_terms(texts: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for t in texts:
        for w in words(t):
            out |= _forms(w)
    return out


def claim_texts(claim: Claim) -> list[str]:
    names = [claim.asserter.name] + ([claim.speaker.name] if claim.speaker else [])
    return [claim.statement, *names, *(e.text for e in claim.evidence)]


# The summary's own reporting words, not the outlet's content.
_FRAME_WORDS = content_words("said denied denies reports reported according told stated it")
SUPPORT_SHARE = 0.7  # of a clause's content words an outlet's claims must carry to share it


def supported_by(text: str, claims: Sequence[Claim]) -> bool:
    """Every name and number of `text`, and most of its content words, occur in what these
    claims (of one outlet) say: an outlet is credited with a point only when its own report
    carries it, not when it merely names the same people."""
    texts = [t for c in claims for t in claim_texts(c)]
    if not key_terms(text) <= material_terms(texts):
        return False
    mine = content_words(fold(_QUOTED.sub(lambda m: m.group(1), text))) - _FRAME_WORDS
    have: set[str] = set()
    for t in texts:
        have |= content_words(fold(t))
    return not mine or len(mine & have) >= SUPPORT_SHARE * len(mine)


@dataclass(frozen=True)
class Problem:
    rule_id: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.detail}"


def _clauses(sentence: str) -> list[str]:
    """The clauses of a summary sentence: after a leading 'On …:' point name, split on '; '."""
    body = sentence.strip().rstrip(".")
    head, sep, rest = body.partition(": ")
    if sep and (head.startswith("On ") or head.endswith(" differ")):
        body = rest
    return [c.strip() for c in body.split("; ") if c.strip()]


def _names_match(who: str, names: Iterable[str]) -> bool:
    mine = {w for w in fold(who).split() if len(w) > 2} - {"the", "and", "its", "his", "her"}
    mine = {_SPELLING.get(w, w) for w in mine}
    for n in names:
        theirs = {_SPELLING.get(w, w) for w in fold(n).split() if len(w) > 2}
        if mine & theirs:
            return True
    return False


def split_credit(clause: str, outlets: Sequence[str]) -> tuple[str, list[str]]:
    """A clause's words and the outlets its trailing "(A, B)" credits (outlet names may hold
    parentheses and commas of their own: "partisan site (machine-translated)")."""
    text = clause.rstrip(" .")
    if not text.endswith(")"):
        return text, []
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            inner, body = text[i + 1 : -1], text[:i].rstrip()
            break
    else:
        return text, []
    names: list[str] = []
    rest = inner
    while rest:
        name = next((o for o in outlets if rest.startswith(o)), None)
        if name is None:
            name = rest.split(",", 1)[0]
        names.append(name.strip())
        rest = rest[len(name) :].lstrip(", ")
    return body, names


def sentence_problems(
    text: str,
    cited: Sequence[Claim],
    sources: dict[str, Source],
    *,
    earlier: Sequence[str] = (),
) -> list[Problem]:
    """Every problem of one summary sentence, given the claims it cites."""
    problems: list[Problem] = []
    articles = [sources[c.source_id].text for c in cited if c.source_id in sources]
    for q in quoted_strings(text):
        if not verbatim_in(q, articles):
            problems.append(Problem("quote_not_verbatim", f'"{q[:60]}" is in no cited article'))
        if _IN_QUOTE_FRAME.match(q):
            problems.append(Problem("frame_in_quotes", f'"{q[:40]}…" quotes a reporting frame'))
    outlets: dict[str, list[Claim]] = {}
    for c in cited:
        if c.source_id in sources:
            outlets.setdefault(sources[c.source_id].outlet, []).append(c)
    known = sorted(outlets, key=len, reverse=True)
    seen: list[str] = []
    for cl in _clauses(text):
        body, named = split_credit(cl, known)
        for name in named:
            theirs = [sources[c.source_id].text for c in outlets.get(name, [])[:1]]
            foreign = [q for q in quoted_strings(body) if theirs and not verbatim_in(q, theirs)]
            if foreign:
                problems.append(
                    Problem(
                        "credit_unsupported", f'{name} does not have the words "{foreign[0][:40]}"'
                    )
                )
            if name in outlets and not supported_by(body, outlets[name]):
                missing = sorted(
                    key_terms(body)
                    - material_terms(t for c in outlets[name] for t in claim_texts(c))
                )
                problems.append(
                    Problem("credit_unsupported", f"{name} does not report {missing[:4]}")
                )
        said = _SAID.match(body)
        if said and cited:
            who = said.group("who")
            holders = [c.asserter.name for c in cited] + [
                c.speaker.name for c in cited if c.speaker
            ]
            # The claim's own sentence naming its speaker ("Shoigu told Lecornu that …") is
            # the article's frame, not the summary's: allowed when the clause is that sentence.
            own = [
                c.statement for c in cited if fold(body)[:60] in fold(" ".join(c.statement.split()))
            ]
            if not _names_match(who, holders) and not _names_match(who, own):
                problems.append(Problem("party_not_holder", f"'{who}' holds none of the claims"))
        if ends_dangling(body) or len(words(body)) < 3:
            problems.append(Problem("fragment", f"'…{body[-30:]}' is not a whole clause"))
        if starts_with_pronoun(body):
            problems.append(Problem("pronoun_start", f"'{body[:30]}…' opens on a pronoun"))
        full = unintroduced_name(body, articles, [*earlier, *seen], known)
        if full is not None:
            problems.append(Problem("name_unintroduced", f"'{body[:30]}…' before '{full}'"))
        paper = unintroduced_document(body, [*earlier, *seen])
        if paper is not None:
            problems.append(Problem("name_unintroduced", f"'the {paper}' is not introduced"))
        elif (pointer := unintroduced_reference(body, [*earlier, *seen])) is not None or (
            pointer := unintroduced_object(body, [*earlier, *seen])
        ) is not None:
            problems.append(Problem("name_unintroduced", f"'{pointer}' is not introduced"))
        seen.append(body)
    if text.count("(") != text.count(")"):
        problems.append(Problem("fragment", "unbalanced parentheses"))
    low = fold(text)
    mine = _quoted_runs(text)
    for before in earlier:
        if fold(before) == low or (
            (overlap(before, text) >= REPEAT_OVERLAP or _inside(text, before))
            and not new_figure(text, before)  # "More than 60 percent of Americans said ..."
        ):
            problems.append(Problem("repeated", f"repeats '{before[:40]}…'"))
            break
        # The same quotation from another outlet is the same words told twice (BASIL: one
        # spokesman's sentence quoted three times, once per outlet).
        shared = next((q for q in mine if q in _quoted_runs(before)), None)
        if shared is not None:
            problems.append(Problem("repeated", f"quotes '{shared[:40]}…' again"))
            break
    titles = {fold(s.title) for s in sources.values() if s.title}
    if any(t and (t in low or (overlap(t, text) >= REPEAT_OVERLAP)) for t in titles):
        problems.append(Problem("headline_lead", "uses an outlet's headline"))
    return problems


def unintroduced_name(
    text: str, articles: Sequence[str], earlier: Sequence[str], outlets: Sequence[str] = ()
) -> str | None:
    """The bare surname a clause opens its subject with ("Hicks will join ...", "On Thursday,
    Paul, a Republican, introduced ...") when the cited articles give that person a fuller
    name ("Hope Hicks", "Rand Paul") and no earlier summary sentence has used it: a reader
    meets the name before the person (blind raters, NeuS: Hicks, Paul; BASIL: Sestak). A
    title before the name ("President Trump", "Sen. Paul") introduces it. A fronted phrase
    before the subject is passed over ("In a winding speech that touched ..., Beck had ...",
    BASIL raters: "before Beck is introduced")."""
    found = _bare_surname(text, articles, earlier, outlets)
    tags = pos_tags(text.split(" ", 1)[0])
    if found is None and tags and tags[0][1] in {"ADP", "SCONJ"} and ", " in text:
        found = _bare_surname(text.split(", ", 1)[1], articles, earlier, outlets)
    return found


def _bare_surname(
    text: str, articles: Sequence[str], earlier: Sequence[str], outlets: Sequence[str]
) -> str | None:
    head: list[tuple[str, str]] = []
    for word, pos in pos_tags(" ".join(text.split()[:12])):
        if pos in {"VERB", "AUX"}:
            break
        head.append((word, pos))
    own = {w for o in outlets for w in o.split()}
    for i, (word, pos) in enumerate(head):
        # A capital inside the word makes it a name whatever the tagger says ("DeMint, who
        # said ...", tagged NOUN; BASIL raters: "DeMint appears without first name, title or
        # party").
        if pos == "NOUN" and any(ch.isupper() for ch in word[1:]) and word[1:].lower() != word[1:]:
            pos = "PROPN"
        if pos != "PROPN" or not word[:1].isupper() or word in own:
            continue  # an outlet's name ("AFP reports that ...") is no person's surname
        before = head[i - 1] if i else None
        after = head[i + 1] if i + 1 < len(head) else None
        if (before and before[1] == "PROPN") or (after and after[1] == "PROPN"):
            return None  # a name of several words, or a title and a name
        if before and before[0].rstrip(".") in _TITLES:
            return None
        # Any letters, not only ASCII: "Sébastien Lecornu" introduces "Lecornu" (seeds). A full
        # stop only after a title ("Sen. Paul"): "... obstruction of Congress. Democrats will
        # ..." (NeuS) is two sentences, not a person called Congress Democrats.
        fuller = re.compile(rf"\b(?=[A-ZÀ-Þ])[^\W\d_]{{2,}}\.? {re.escape(word)}\b")
        found = next(
            (
                m.group(0)
                for a in articles
                for m in fuller.finditer(a)
                if m.group(0).split()[0].lower() not in STOP_WORDS  # "On Thursday"
                and (
                    not m.group(0).split()[0].endswith(".")
                    or m.group(0).split()[0].rstrip(".") in _TITLES
                )
            ),
            None,
        )
        if found is None:
            continue  # a place or a day ("On Thursday, ..."), not a person's short name
        if found.split()[0].rstrip(".") in _TITLES:
            return None
        if any(fuller.search(e) for e in earlier):
            return None
        return found
    return None


_TITLES = frozenset(
    """President Sen Senator Rep Gov Governor Mr Mrs Ms Dr Secretary Judge Justice Mayor
    Minister Prime Chancellor General Gen Col Speaker Leader Chairman Chairwoman""".split()
)


_THE_DOCUMENT = re.compile(
    r"^(?:The|the)\s+(?:new\s+|final\s+|latest\s+)?(\w+)\s+(?:said|says|shows?|showed|found|finds|read|reads|stated?|argued|claimed|noted)\b"
)


_FINDING_NOUNS = frozenset({"figures", "data", "poll", "survey", "study", "paper"})
_GENERIC_DOCUMENTS = frozenset({"document"})


def unintroduced_document(text: str, earlier: Sequence[str]) -> str | None:
    """A clause whose speaker is "the <document>" ("The document said that ...", "The letter
    said that Mr. Obama should not back down", "The figures show ...") when no earlier summary
    sentence has named that document: the reader is not told which one (NeuS raters: "opens
    with 'The document said' before any document is introduced"; BASIL: "'the letter' is never
    introduced")."""
    found = _THE_DOCUMENT.match(text.strip())
    if found is None:
        return None
    noun = found.group(1).lower()
    nouns = lists().document_nouns | _FINDING_NOUNS
    if noun.rstrip("s") not in nouns and noun not in nouns:
        return None
    # "The document" names no kind: any document the summary has named is its antecedent
    # ("A Senate Democratic report said ... The document said ...", NeuS NRA report).
    known = nouns if noun.rstrip("s") in _GENERIC_DOCUMENTS else {noun}
    for e in earlier:
        if any(re.search(rf"\b{re.escape(n)}s?\b", e, re.IGNORECASE) for n in known):
            return None
    return noun


_DEFINITE = frozenset({"the", "this", "these", "those"})
# Definites a news reader resolves without an antecedent: the one economy, public, nation.
_UNIQUE = frozenset(
    {"economy", "public", "nation", "country", "world", "market", "weather", "justices", "counsel"}
)


def unintroduced_reference(text: str, earlier: Sequence[str]) -> str | None:
    """A clause whose subject is a definite common noun that points back to something the
    summary has not told ("The offer was made by ...", "The number was not public", "Mr.
    Summers made the remarks" has it as object and is not caught; "HuffPost reports that the
    message was hardly subtle"): the article's earlier sentence introduced it, the summary did
    not (BASIL raters: "'the report' is never introduced", "refers to a competition never
    introduced"; NeuS: "dangling reference: 'The number ...' with no antecedent"). Titles,
    bodies and officials ("the president", "the committee", "officials") are not pointers back;
    a noun the earlier sentences use (or its verb: "voted" before "the vote") is introduced."""
    body = REPORTS_THAT.sub("", text.strip(), count=1)
    tags = pos_tags(" ".join(body.split()[:8]))
    if len(tags) < 3 or tags[0][0].lower() not in _DEFINITE:
        return None
    if tags[1][1] == "ADJ" and tags[2][1] in {"VERB", "AUX"} and tags[1][0].islower():
        # An adjective standing for its noun ("The original called for ...", BASIL; "The
        # second is ...", "The first is ...", PolNeAR): the noun is in the sentence before.
        return (
            None if tags[1][0].lower() in _told(earlier) else f"{tags[0][0].lower()} {tags[1][0]}"
        )
    head: str | None = None
    nouns: list[str] = []
    for word, pos in tags[1:5]:
        if pos == "NOUN" and word.islower():
            head = word
            nouns.append(word)
            continue
        if pos == "ADJ" and word.islower() and head is None:
            continue
        if head is not None and pos in {"VERB", "AUX", "ADV", "PUNCT"}:
            break
        return None  # a name ("The Supreme Court"), a possessive, an of-phrase: not a pointer
    else:
        return None
    if head is None:
        return None
    words_ = lists()
    known = words_.role_words | words_.institution_words | words_.official_heads | _UNIQUE
    if head.lower().rstrip("s") in known or head.lower() in known:
        return None
    seen = _told(earlier)
    # Any of its nouns met before ("the unemployment rate" after "unemployment fell"), as a
    # word of the same root ("the vote" after "voted").
    if any(n.lower() in seen or _same_root(n, seen) for n in nouns):
        return None
    if head.lower().rstrip("s") in _GENERIC_DOCUMENTS and seen & words_.document_nouns:
        return None  # "the document" after "a report": see unintroduced_document
    return f"{tags[0][0].lower()} {head}"


def _same_root(word: str, seen: set[str]) -> bool:
    """A word of `seen` shares the word's root (its first four letters: "vote" / "voted")."""
    root = word.lower()[:4]
    return any(len(w) >= 4 and w[:4] == root for w in seen)


def _told(earlier: Sequence[str]) -> set[str]:
    """The content words the summary's earlier sentences use, their credits aside."""
    seen: set[str] = set()
    for e in earlier:
        seen |= content_words(_CREDIT.sub("", e))
    return seen


_DEMONSTRATIVES = frozenset({"that", "this", "these", "those"})
# Nouns a demonstrative points with to a time, not to something told ("at that time").
_TIME_NOUNS = frozenset(
    "time day week month year morning afternoon evening night weekend moment point period "
    "season summer winter spring fall decade century".split()
)
_SPEECH_NOUNS = frozenset({"remarks", "comments", "statement", "words", "speech"})


def unintroduced_object(text: str, earlier: Sequence[str]) -> str | None:
    """A pointer back outside the subject: a demonstrative before a noun ("The Democratic
    National Committee also sent that statement around to reporters") or what someone said
    made into an object ("Mr. Summers made the remarks at a briefing") when the summary has not
    told what it points to (BASIL raters, round 12: "dangling 'that statement' (Podesta's is
    never given)", "the remarks ... are never stated")."""
    tags = pos_tags(" ".join(REPORTS_THAT.sub("", text.strip(), count=1).split()[:40]))
    pointed: str | None = None
    for i, ((word, pos), (nxt, npos)) in enumerate(pairwise(tags)):
        low = word.lower()
        if (
            low in _DEMONSTRATIVES
            and pos == "DET"
            and npos == "NOUN"
            and nxt.islower()
            and nxt.lower() not in _TIME_NOUNS | _UNIQUE
        ):
            pointed = f"{low} {nxt}"
            break
        if (
            low in {"made", "makes", "repeated"}
            and nxt.lower() == "the"
            and i + 2 < len(tags)
            and tags[i + 2][0].lower() in _SPEECH_NOUNS
        ):
            pointed = f"the {tags[i + 2][0]}"
            break
    if pointed is None:
        return None
    if _same_root(pointed.split()[-1], _told(earlier)):
        return None
    if pointed.startswith("the ") and any(re.search(r"\bsaid\b|[\"“]", e) for e in earlier):
        return None  # "made the remarks": what someone said is in the summary already
    return pointed


REPEAT_INSIDE = 0.9  # this share of one sentence's words inside another: it is repeated
REPEAT_INSIDE_MIN = 6  # ... when it has at least this many content words


def _inside(a: str, b: str) -> bool:
    """One sentence's content words almost all inside the other's: the same article sentence
    told twice, once whole and once in part ("Several prominent conservatives offered swift,
    negative reactions to Michael Steele (HuffPost)." then "HuffPost reports that several
    prominent conservatives offered swift, negative reactions to Michael Steele on Friday,
    after ...", BASIL raters)."""
    wa, wb = (content_words(_CREDIT.sub("", x)) for x in (a, b))
    small, big = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return len(small) >= REPEAT_INSIDE_MIN and len(small & big) >= REPEAT_INSIDE * len(small)


def novelty(text: str, earlier: Sequence[str]) -> float:
    """The share of a sentence's content words (without its credit and reporting words) that
    no earlier sentence has: near 0, it tells the reader again what the summary already said
    in other words ("Macron plans to award multi-year grants for U.S.-based scientists to
    relocate to France" after "Macron is preparing to award grants for U.S. scientists to
    relocate to France", NeuS raters)."""
    mine = content_words(_CREDIT.sub("", text)) - _FRAME_WORDS
    if not mine:
        return 0.0
    return len(mine - _told(earlier)) / len(mine)


MAIN_REPEAT = 0.4  # overlap of a report's main clause with an earlier sentence: a restatement
MAIN_CLAUSE_MIN_WORDS = 5  # content words a main clause needs before it is compared
_MAIN_END = re.compile(r",\s|\s[—–]\s|\s--\s|:\s")


def restates(text: str, earlier: Sequence[str]) -> str | None:
    """The earlier sentence whose event this report's main clause tells again, in other words
    ("Outlet A reports that the Supreme Court on Monday allowed a Kentucky abortion law to
    stand ..." after "The Supreme Court on Monday left in place a Kentucky law ...": NeuS
    raters, rounds 8-10, "repeats the same ruling three times in three tagged sentences"). A
    different figure for the same measure is a difference, not a restatement ("$1.2 trillion"
    after "$1 trillion")."""
    body = _CREDIT.sub("", text.strip())
    main = _MAIN_END.split(body, maxsplit=1)[0]
    if len(content_words(main)) < MAIN_CLAUSE_MIN_WORDS:
        return None
    for e in earlier:
        if overlap(main, _CREDIT.sub("", e)) >= MAIN_REPEAT:
            if compare_numbers(text, e) is Numbers.conflict:
                continue
            return e
    return None


QUOTE_REPEAT_WORDS = 6  # a quotation this long is a statement, not a shared term


def _quoted_runs(text: str) -> set[str]:
    """The sentence's quotations (`quoted_strings`), normalised as `verbatim_in` compares
    them, that are long enough to be a statement."""
    return {
        " ".join(_norm_quote(q).strip(" .,;:").split())
        for q in quoted_strings(text)
        if len(q.split()) >= QUOTE_REPEAT_WORDS
    }


def headline_problems(headline: str, sources: Sequence[Source]) -> list[Problem]:
    """A neutral headline names the event; it is never an outlet's headline."""
    out: list[Problem] = []
    for s in sources:
        if s.title and (fold(s.title) == fold(headline) or overlap(s.title, headline) >= 0.7):
            out.append(Problem("headline_lead", f"is {s.outlet}'s headline"))
    if ends_dangling(headline) or len(words(headline)) < 3:
        out.append(Problem("fragment", "not a whole phrase"))
    if any(ch in headline for ch in QUOTE_CHARS):
        out.append(Problem("quote_not_verbatim", "a headline carries no quotation"))
    return out
