"""How the summary words one claim, deterministically, from the article's own words.

A claim becomes a clause: who holds it (the speaker or channel its article names; the
outlet's own narration stays the outlet's) and what it says, as plain prose, with quotation
marks only where the article itself quotes the words (direct speech). Each clause carries its
credit: the outlets whose articles support it, in parentheses. Nothing here is free text: the
words come from the claim's statement or its evidence sentence, so `summary_checks` can verify
every one of them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from service.pipeline.alignment.parties import is_refusal
from service.pipeline.summary_frames import (
    INNER_FRAME,
    act_without_object,
    cut_off,
    hedged,
    infinitive_report,
    own_credit_cut,
    reported_verb,
    said_or_wrote,
    trailing_content,
)
from service.pipeline.summary_trim import (
    _FINITE_TAGS,
    PRONOUNS,
    QUOTE_CHARS,
    _tidy_quotes,
    ends_dangling,
    fold,
    opens_on_quote,
    trim,
    words,
)
from service.schemas import AsserterKind, Claim, Source
from service.text.editorial import editorial_marker
from service.text.lead_ins import strip_lead_in
from service.text.quotes import unquoted
from service.text.speech import nlp, pos_tags
from service.text.speech.rules import lists

_FRAME = re.compile(r"^(?P<who>[^:\"“]{2,60}?)\s+(?P<verb>[a-z]+(?:\s+[a-z]+)?):\s+(?P<what>.+)$")


def holder(claim: Claim) -> str | None:
    """Who the claim is someone's statement of: the speaker, else a non-outlet asserter.
    None for the outlet's own narration."""
    if claim.speaker is not None and claim.speaker.kind is not AsserterKind.outlet:
        return claim.speaker.name
    if claim.asserter.kind is not AsserterKind.outlet:
        return claim.asserter.name
    return None


def other_outlet(claim: Claim, own: str) -> str | None:
    """Another news organisation the claim is credited to ("But, the Times reported, "an
    examination of his remarks ..."", HuffPost quoting the New York Times; "Politico reported"):
    a party like any other, not the article's own voice. The article naming itself ("Fox News
    has learned", "Huffington Post" in HuffPost) stays its own voice."""
    party = claim.speaker or claim.asserter
    if party.kind is not AsserterKind.outlet or party.name == "the outlet":
        return None
    mine = {w[:4] for w in re.findall(r"\w+", own.lower()) if len(w) >= 3}
    theirs = {w[:4] for w in re.findall(r"\w+", party.name.lower()) if len(w) >= 3}
    return None if mine & theirs else party.name


def channel(claim: Claim) -> str | None:
    """The channel, when it is not the speaker ("Shoigu, via Russia's defence ministry")."""
    who = holder(claim)
    if claim.asserter.kind is AsserterKind.outlet or claim.asserter.name == who:
        return None
    return claim.asserter.name


# Openers that point to the sentence before ("New York Times reports that at the same time,
# Congress needs ..."; BASIL raters: "'at the same time' dangles"): like a pronoun, they need
# the article's previous sentence, which the summary does not show.
_LINKING_OPENER = re.compile(
    r"^(?:at the same time|meanwhile|however|moreover|in addition|additionally|also|instead(?! of)|"
    r"likewise|similarly|as a result|in response|even so|still|in turn|by contrast|"
    r"on the other hand|(?:on )?(?:that|the) same day|that day|later that day|the next day|"
    r"a day later|the day before|"
    # "In the same interview, ...", "During the same stretch, ..." (PolNeAR), "in the next
    # shot, ..." (BASIL): a sequence told in the sentences before
    r"(?:in|at|on|during|by) the (?:same|next|following|previous|latter) [a-z]+(?=,))\b",
    re.IGNORECASE,
)


def starts_with_pronoun(text: str) -> bool:
    """Opens on a pronoun or on a linking phrase that points to an earlier sentence, also
    after an outlet's "reports that" and a short fronted phrase ("Outlet A reports that within
    seconds, he was shot", NeuS: "he" is the gunman of a sentence the summary left out)."""
    body = text.lstrip(QUOTE_CHARS + "'( ")
    ws = words(body)
    if ws and (ws[0].lower() in PRONOUNS or _LINKING_OPENER.match(body) is not None):
        return True
    rest = _FRONTED.sub("", REPORTS_THAT.sub("", body, count=1), count=1)
    ws = words(rest)
    return rest != body and bool(ws) and ws[0] in _PERSONAL_PRONOUNS


# An outlet's credit opening a sentence ("HuffPost reports that ...").
REPORTS_THAT = re.compile(r"^.{1,60}? reports that ")
_FRONTED = re.compile(r"^(?:[A-Za-z]+\s){0,3}[A-Za-z]+,\s")
# The personal ones: after a fronted phrase "that" or "there" may open a clause of its own.
_PERSONAL_PRONOUNS = PRONOUNS - {"this", "these", "those", "such", "that", "there"}


def outlets_phrase(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def credit(names: Sequence[str]) -> str:
    return f"({', '.join(dict.fromkeys(names))})"


def full_stop(text: str) -> str:
    """The sentence ended once: "... to the U.S." and '... and purpose."' take no second dot."""
    end = text.rstrip(QUOTE_CHARS + "'’")
    return text if end.endswith((".", "?", "!")) else text + "."


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _starts_with_holder(statement: str, who: str) -> bool:
    """The statement names its holder before its verb ("Mr. Sestak said no ..."). Only the
    words before the first verb count: "the plan always was for Sestak to remain in the House"
    does not name "White House official" (BASIL, Fox), though "house" is in it."""
    head: list[str] = []
    for word, pos in pos_tags(" ".join(statement.split()[:14])):
        if pos in {"VERB", "AUX"}:
            break
        head.append(word)
    folded = set(fold(" ".join(head)).replace("’", "'").replace("'s", "").split())
    return any(w in folded for w in fold(who).split() if len(w) > 3)


def _starts_with_verb(statement: str) -> bool:
    tags = pos_tags(" ".join(statement.split()[:6]))
    return bool(tags) and tags[0][1] in {"VERB", "AUX"}


@dataclass(frozen=True)
class Clause:
    """One claim worded for the summary: `text` without its credit, and who holds it."""

    text: str
    claim: Claim
    who: str | None


def _quoted(content: str, claim: Claim) -> str:
    """The content in quotation marks, closing where the article's quotation closes when it
    ends inside the content ('"… of the sort" on the conflict')."""
    body = content.strip(QUOTE_CHARS + " ")
    for span in claim.evidence:
        for m in re.finditer(r"[\"“]([^\"“”]+)[\"”]", span.text):
            quoted = " ".join(m.group(1).split()).rstrip(",")
            n = len(quoted.split())
            if fold(body).startswith(fold(quoted)) and n < len(body.split()):
                rest = " ".join(body.split()[n:])
                return f'"{quoted}" {rest}'
    return f'"{body}"'


def direct_quote(claim: Claim, content: str, source: Source) -> bool:
    """The article gives these words in quotation marks (direct speech)."""
    body = fold(content.strip(QUOTE_CHARS + " "))
    if len(body.split()) < 3:
        return False
    for span in claim.evidence:
        for m in re.finditer(r"[\"“”](.+?)[\"“”]", span.text):
            quoted = fold(m.group(1))
            if body[:40] in quoted:
                return True
    return False


_PRONOUN_FRAME = re.compile(
    # "… problem!" he declared' (BASIL, NYT): any reporting verb after the pronoun
    r"\b(?:he|she|they|it|we)\s+(?:said|says|told|wrote|added|asked|declared|continued|"
    r"explained|insisted|argued|warned|noted|recalled|joked|quipped)\b",
    re.I,
)
# A function word right before a comma: words were cut out of the middle ("... after, a").
_GAP = re.compile(r"\b(?:after|before|the|a|an|of|to|by|for|with|that|and|or)\s*,", re.I)
_NAME_IN = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)+")  # a name of two words or more
_OPENER = re.compile(r"^(?:But|And|However|Meanwhile|Still|Yet|So|Also),?\s+", re.I)


def _clean(statement: str) -> str:
    """The statement without a dateline ("HARTFORD, Conn. —") or an opening conjunction."""
    text = strip_lead_in(" ".join(statement.split())).lstrip("■•▪●·*- ")
    return cap(_OPENER.sub("", text)) if _OPENER.match(text) else text


# The cue that closes its sentence: ", he said Friday." ("that's exactly what she did when she
# wrote the opinion ..." is no frame around the sentence: NeuS, an outlet's opinion).
_CLOSING_FRAME = re.compile(r",\s+(?:he|she)\s+(?:said|says|told \w+)\b[^,;:—–]{0,40}$", re.I)


def _names_own_speaker(claim: Claim, before: str) -> bool:
    """The words before "…, he said" name the claim's speaker, so the pronoun has its
    referent in the sentence ("Richard Spencer was stopped on his way to Sweden ..., he said
    Friday", NeuS: the speaker's own account of what happened to him)."""
    if claim.speaker is None or claim.speaker.kind is not AsserterKind.person:
        return False
    surname = claim.speaker.name.split()[-1]
    return re.search(rf"\b{re.escape(surname)}\b", before) is not None


def clause(claim: Claim, source: Source) -> Clause | None:
    """The claim as a clause of plain prose, or None when its words cannot stand alone (a
    dangling pronoun, a fragment, a frame whose speaker is a pronoun, no verb)."""
    if cut_off(claim, source) or act_without_object(claim):
        return None
    statement = own_credit_cut(_clean(claim.statement), source.outlet)
    statement = with_its_determiner(statement, " ".join(e.text for e in claim.evidence))
    who = holder(claim) or other_outlet(claim, source.outlet)
    if who is not None and bare_common_noun(who, source.text):
        # "Ministry said that …" is not English: the parser's "the ministry" lost its article.
        who = "the " + who[:1].lower() + who[1:]
    elif who is not None:
        who = _with_its_article(who, source.text)
        # The sentence the claim comes from decides when the article also uses the name as a
        # modifier ("The White House asked ..." beside "White House Chief of Staff ...").
        who = _with_its_article(who, " ".join(e.text for e in claim.evidence))
    own_frame = False  # the sentence names its speaker and ends "…, he said"
    bare = unquoted(statement)
    if frame := _PRONOUN_FRAME.search(bare):
        if not _CLOSING_FRAME.search(bare) or not _names_own_speaker(claim, bare[: frame.start()]):
            return None  # "…, he said": whose words they are is not in the clause
        own_frame = True
    trailing = trailing_content(claim, who)
    if trailing is None and who is not None and _report_around(claim, statement, who, source):
        who = None  # the outlet's sentence around a person's words stays the outlet's
    framed = _FRAME.match(statement)
    if trailing is not None and who is not None:
        # '"…," Sen. Ron Wyden … said on Twitter.': the words, then their named speaker.
        content = trim(trailing)
        verb = hedged(said_or_wrote(claim.cue), claim, source)
        if direct_quote(claim, content, source):
            text = f"{who} {verb}: {_quoted(content, claim)}"
        elif is_clause(content) and not _foreign_pronoun(content, claim):
            verb = hedged(reported_verb(claim.cue), claim, source)
            text = f"{who} {verb} that {lowered(content, source)}"
        else:
            return None
    elif framed and who is not None:
        # The pipeline's own "Speaker said: content" form: reword the frame outside the words.
        content = trim(framed.group("what"))
        said = hedged(said_or_wrote(framed.group("verb")), claim, source)
        if direct_quote(claim, content, source):
            text = f"{framed.group('who')} {said}: {_quoted(content, claim)}"
        elif infinitive_report(framed.group("verb"), content):
            # "Mike Pence vowed: to use ..." is the pipeline's frame: the verb keeps its word.
            verb = hedged(framed.group("verb"), claim, source)
            text = f"{framed.group('who')} {verb} {content}"
        elif (
            starts_with_pronoun(content)
            or not is_clause(content)
            or INNER_FRAME.search(unquoted(content))
        ):
            return None
        else:
            said = hedged(reported_verb(framed.group("verb")), claim, source)
            text = f"{framed.group('who')} {said} that {lowered(content, source)}"
    elif who is None or own_frame or _starts_with_holder(statement, who):
        # The outlet's narration, or a sentence that already names its speaker.
        if opens_on_quote(statement) and who is None:
            return None  # someone's words with no one to hold them
        text = trim(statement)
        if statement[:1].islower() and who is not None and _starts_with_verb(statement):
            text = f"{who} {text}"  # "denied that ..." continues its holder
        elif not is_clause(text):
            return None
    else:
        content = trim(statement)
        if statement[:1].islower() and re.match(r"(?:den|reject|dismiss)\w*\b", statement):
            # "denied that its minister ...": the words are another party's, their pronouns
            # point to that party; shown only beside that party's version (`denial_of`).
            return None
        if INNER_FRAME.search(unquoted(content)) or _foreign_pronoun(content, claim):
            return None  # a frame of its own whose speaker we cannot name, or "he …"
        if words(who)[0].lower() == "its":
            return None  # "its practice" is no party (BASIL, NYT: "and its practice in the US")
        if words(who)[0].lower() in {"his", "her", "their"}:
            # "his doctor": the name it points to must follow at once ("According to his
            # doctor, President Trump is …"); with no name in the words it points nowhere.
            if not _NAME_IN.search(content):
                return None
            text = f"According to {who}, {content}"
            return _finish(text, claim, who, source)
        said = hedged("said", claim, source)
        if direct_quote(claim, content, source):
            text = f"{who} {said}: {_quoted(content, claim)}"
        elif claim.cue and not is_clause(content):
            if claim.cue.split()[0].endswith("ing") or _has_verb(content) or _negated_cue(claim):
                # "X calling to weed ... out", "X accusing Y": a participle is no verb of a
                # sentence (BASIL, NYT: "One of the ... groups calling to weed ...").
                return None
            text = f"{who} {claim.cue} {_with_object(claim, content, source)}"
        else:
            said = hedged(reported_verb(claim.cue), claim, source)
            text = f"{who} {said} that {lowered(content, source)}"
    return _finish(text, claim, who, source)


REPORT_SHARE = 0.5  # a person's words under this share of the outlet's sentence: its report


def _report_around(claim: Claim, statement: str, who: str, source: Source) -> bool:
    """The outlet's sentence reporting a person's words inside its own narration ("Just a day
    after declaring her cabinet united ..., Theresa May stands on the brink of political
    oblivion", NeuS; "While many have speculated that ..., Mr. Bauer said that was never the
    case", BASIL NYT): the words are a small part of the sentence, which does not open on the
    person. Written as "<holder> said that <sentence>" it would credit the outlet's narration
    to the person; shown as the outlet's report it stays the outlet's."""
    if claim.asserter.kind is not AsserterKind.outlet or claim.content_span is None:
        return False
    if claim.speaker is None or claim.speaker.kind is AsserterKind.outlet:
        return False
    if _starts_with_holder(statement, who) or direct_quote(claim, statement, source):
        return False
    if _cue_embedded(claim, statement):
        return True
    return len(words(claim.content_span.text)) < REPORT_SHARE * len(words(statement))


def _cue_embedded(claim: Claim, statement: str) -> bool:
    """The person's cue sits in a clause of the outlet's own sentence, not in its main clause:
    "Some Democrats are unhappy that Obama agreed to extend ..." (BASIL Fox), "The case
    started a decade ago when Betty Dukes said ...", "... could belong to Justice Anthony
    Kennedy, who said he was troubled ..." (BASIL): the sentence is the outlet's, whoever
    speaks inside it. A cue that is the main verb ("Before the reading began, Inslee asked
    ...", '"...," Pelosi said.') leaves the sentence the person's."""
    if not claim.cue or opens_on_quote(statement):
        return False
    first = claim.cue.split()[0].lower()
    doc = nlp()(statement)
    cues = [t for t in doc if t.lower_ == first]
    if len(cues) != 1:
        return False  # the cue's word twice, or not at all: no telling which one speaks
    verb = cues[0]
    while verb.dep_ == "conj":
        verb = verb.head
    return verb.dep_ in {"ccomp", "advcl", "relcl", "acl"} and verb.head.i != verb.i


def _with_object(claim: Claim, content: str, source: Source) -> str:
    """The content after its cue with the words the article puts between them ("urged the IRS
    to reconsider ...", "called for the NAACP to educate ..."): without them the infinitive has
    no one to do it ("The missive urged to reconsider ...", BASIL Fox)."""
    cue, what = claim.cue_span, claim.content_span
    if cue is None or what is None or not 0 < what.start - cue.end <= 60:
        return content
    between = " ".join(source.text[cue.end : what.start].split())
    # A title's stop is no sentence's end ("challenged Democrats like Mr. Reid to make their
    # positions clear", BASIL NYT: without it, "candidates challenged to make ...").
    bare = re.sub(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Jr|Sr|St)\.", "", between)
    if not between or any(ch in bare for ch in ".;:!?"):
        return content
    return f"{between} {content}"


def _finish(text: str, claim: Claim, who: str | None, source: Source) -> Clause | None:
    """The clause's channel ("…, according to X"), tidy quotation marks, and the checks every
    clause passes."""
    if re.search(r"\b(?:said|says|told|wrote|added)\W*$", text):
        return None  # "Summers said" with its words elsewhere (BASIL, Fox): a frame, no clause
    via = channel(claim)
    if via and not _starts_with_holder(text, via) and fold(via) not in fold(text):
        # "according to a Washington Post/ABC News poll": the channel keeps the determiner
        # its article gives it (NeuS raters: "missing an article").
        text = f"{text}, according to {_with_its_article(via, source.text)}"
    text = _tidy_quotes(text).strip("'‘’ ")
    if "?" in unquoted(text) or re.search(r"\b(?:you|your|we|our|I)\b", unquoted(text)):
        return None  # a question or a writer addressing the reader is not a report
    text = text.rstrip(",;: ")
    if _outlet_marker(text, claim, who):
        return None
    if ends_dangling(text) or starts_with_pronoun(text) or len(words(text)) < 4:
        return None
    if _GAP.search(unquoted(text)):
        return None
    return Clause(text=cap(text), claim=claim, who=who)


def _foreign_pronoun(content: str, claim: Claim) -> bool:
    """The content opens on a pronoun that "<holder> said that …" would not resolve: "it",
    "its", "they", "their" can point back to a body that speaks, "he", "his", "she", "her" to
    a person who does; anything else ("this", "such") points outside the clause."""
    ws = words(content)
    if not ws or ws[0].lower() not in PRONOUNS:
        return False
    first = ws[0].lower()
    if claim.cue == "according to":
        # "They rewrote the report, according to interviews and documents" (NeuS): the source
        # of an "according to" is where the words come from, never whom the pronoun means.
        return True
    speaker = claim.speaker or claim.asserter
    if speaker.kind is AsserterKind.person:
        return first not in {"he", "his", "she", "her"}
    return first not in {"it", "its", "they", "their"}


def lowered(content: str, source: Source) -> str:
    """The content after "said that" / "reports that": its first word lower-cased unless it
    is a name. A name: the article writes the word capitalised mid-sentence ("… by Iraqi
    lawmakers"), or the tagger calls it a proper noun, or it is a nationality adjective; an
    ordinary word ("Former", "Students", "New") is lower-cased (blind raters flagged
    "X reports that Former White House …" on several NeuS events)."""
    first = words(content)[:1]
    if not first or (first[0].isupper() and len(first[0]) > 1):
        return content  # "NATO", "US": an acronym keeps its capitals
    if re.match(r"\S+?[A-Z]", content):
        return content  # "U.S.-bound migrants" (NeuS), "McCain": capitals inside stay
    word, low = first[0], first[0].lower()
    if (
        low not in {"the", "a", "an"}
        and re.match(rf"{re.escape(word)}\s+[A-Z][a-z]", content)
        and re.search(rf"(?<=[a-z,;]\s){re.escape(word)}\s+[A-Z]", source.text)
    ):
        # Not a determiner: "The Senate GOP's threat" is no title, though the article writes
        # "in The New York Times" mid-sentence (BASIL, HuffPost).
        return content  # a title before a name, written so mid-sentence: "President Trump"
    titles = lists().role_words | frozenset(lists().abbreviations)
    if low in titles and re.match(rf"{re.escape(word)}\s+[A-Z][a-z]", content):
        # A title right before a name is capitalised, whether or not the article ever writes
        # it so mid-sentence ("reports that president Trump gave", NeuS raters).
        return content
    if _plain_start(content) or re.search(rf"(?<![.!?]\s)\b{re.escape(low)}\b", source.text):
        return content[:1].lower() + content[1:]
    if re.search(rf"(?<=[a-z,;]\s){re.escape(word)}\b", source.text):
        return content  # capitalised mid-sentence in the article: a name
    tags = pos_tags(content[:80])
    if not tags or tags[0][1] in {"PROPN", "X"} or word.lower() in {"i"}:
        return content
    if tags[0][1] == "ADJ" and _DEMONYM.search(word):
        return content  # "Iraqi lawmakers", "Polish authorities", "French officials"
    return content[:1].lower() + content[1:]


# Nationality adjectives keep their capital ("Iraqi", "Polish", "French", "Chinese", "Russian").
_DEMONYM = re.compile(r"(?:an|ish|ese|i|ch|ic)$")


_OPENING_PAIR = re.compile(r"^([\w’'-]+)\s+([\w’'-]+)\b")


def with_its_determiner(statement: str, evidence: str) -> str:
    """A statement whose first two words its sentence only ever writes after "a", "an" or
    "the" gets that determiner back ("Republican document claimed FBI ... bias" from "to rebut
    a Republican document that ... claimed ...", NeuS raters: "missing 'the'"): a claim cut
    from inside a sentence loses it. The words come from the evidence as written."""
    m = _OPENING_PAIR.match(statement)
    if m is None or m.group(1).lower() in _DETERMINERS:
        return statement
    pair = rf"(?<![\w-]){re.escape(m.group(1))}\s+{re.escape(m.group(2))}\b"
    uses = list(re.finditer(rf"(?i:\b(a|an|the)\s+)?({pair})", evidence, re.IGNORECASE))
    if not uses or not all(u.group(1) for u in uses):
        return statement
    first = uses[0]
    det = first.group(1).lower()
    return f"{det[:1].upper()}{det[1:]} {first.group(2)}{statement[m.end() :]}"


_DETERMINERS = {"a", "an", "the", "his", "her", "its", "their", "this", "that", "these", "those"}


def _with_its_article(who: str, article: str) -> str:
    """A named body the article always writes with "the" ("the Labor Department", "the
    Education Department", "the Trump administration"): "Labor Department said that ..." is
    not English (NeuS raters, several events). A person's name never is ("the Biden" is not in
    an article), so people are untouched."""
    first = words(who)[:1]
    if not first or first[0].lower() in {"the", "a", "an", "his", "her", "its", "their"}:
        return who
    named = re.escape(who)
    uses = re.findall(rf"(?i:\b(the|a|an)\s+)?(?<![\w-]){named}\b", article)
    if uses and all(u for u in uses):
        # Every mention takes a determiner: give the clause the one the article uses most.
        det = Counter(u.lower() for u in uses).most_common(1)[0][0]
        return f"{det} {who}"
    return who


def bare_common_noun(who: str, article: str | None = None) -> bool:
    """A holder that is one singular common noun phrase with no determiner and no name
    ("Woman", "Paper", "New report", "ministry"): "Woman said that …" is not English; such a
    holder is a description whose article the parser dropped ("the paper"), so the clause
    gives it back its "the". Plural or named holders ("Lawmakers", "Iraqi officials", "Democrats",
    "Senator Warren") are fine."""
    if (
        who.islower()
        and len(who.split()) == 1
        and article is not None
        and re.search(rf"\b(?i:the)\s+{re.escape(who)}\b", article)
    ):
        # A lower-case one-word holder the article writes with "the" ("the missive", "the
        # original", BASIL Fox): a description, whatever the tagger calls it out of context.
        return True
    doc = nlp()(who)
    if not len(doc) or any(t.pos_ == "PROPN" for t in doc) or doc[0].pos_ in {"DET", "PRON"}:
        return False
    if doc[0].pos_ == "ADJ" and doc[0].text[:1].isupper() and _DEMONYM.search(doc[0].text):
        return False  # "Russian defence ministry": a body named by its country
    if doc[-1].tag_ != "NN":
        return False
    # The article must use it as a common noun ("the ministry", "a woman"): the tagger also
    # calls unfamiliar surnames NN ("Azar said …" must not become "The azar said …").
    head = re.escape(doc[-1].text.lower())
    return article is None or bool(
        re.search(rf"\b(?i:the|a|an)\s+(?:\w+\s+){{0,2}}{head}\b", article)
    )


def is_clause(text: str) -> bool:
    """The words are a clause: the main verb has its subject (not a bare noun phrase, not a
    sentence cut off before its subject: "Titled '…' and released Friday, relies on …").
    When the parse misses the main verb (unspaced dashes confuse it), a subject with its verb
    anywhere will do, unless the words open on a participle."""
    doc = nlp()(text[:300])
    subjects = {"nsubj", "nsubjpass", "expl", "csubj"}
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is not None and root.pos_ in {"VERB", "AUX"}:
        if not _finite(root):
            # "the panel conduct a hearing" (from "demanding the panel conduct ..."): a verb
            # with no tense is part of another sentence (NeuS raters: "ungrammatical").
            return False
        return any(t.dep_ in subjects for t in root.children) or any(
            t.dep_ in subjects for c in root.children if c.dep_ == "conj" for t in c.children
        )
    if len(doc) and doc[0].tag_ in {"VBN", "VBG"}:
        return False
    # The parse missed the main verb: a subject with a finite verb of the main clause will do,
    # not one inside a relative or complement clause ("it a sign that his inquiry is growing").
    if root is not None and any(
        c.dep_ == "acl" and c.tag_ in _FINITE_TAGS and c.i > root.i for c in root.children
    ):
        return True  # "The president—who didn't wear a mask—emerged ...": dashes hide the verb
    return any(
        t.dep_ in subjects
        and t.tag_ not in {"WP", "WDT"}  # "who identifies himself": a relative clause's
        and t.head.pos_ in {"VERB", "AUX"}
        and not any(x.dep_ in _SUBORDINATE for x in (t.head, *t.head.ancestors))
        and _finite(t.head)
        for t in doc
    )


def _outlet_marker(text: str, claim: Claim, who: str | None) -> bool:
    """An editorial marker of the outlet's own voice ("Blumenthal clearly stated ...", HuffPost;
    BASIL's loaded-wording labels): in narration, or in the frame before the speaker's cue.
    A marker in what the speaker is reported to say ("Shoigu said that the Kiev regime ...")
    is the speaker's word, attributed, and stays."""
    marker = editorial_marker(text)
    if marker is None:
        return False
    if who is None or claim.cue is None:
        return True
    at, cue_at = text.find(marker), text.find(claim.cue)
    return cue_at < 0 or at < cue_at


def _has_verb(text: str) -> bool:
    """ "X <cue> <object>" is only for an object ("pointed to a proposal"); words with a verb
    of their own under the cue make a garble ("Jack Dorsey described Twitter ... banned")."""
    if text.lower().startswith("to "):
        return False  # "refused to support the bill": the cue's own complement
    return any(pos in {"VERB", "AUX"} for _w, pos in pos_tags(text[:300]))


def _negated_cue(claim: Claim) -> bool:
    """ "did not comment": the cue alone would drop the negation ("Justices comment")."""
    ev = " ".join(e.text for e in claim.evidence)
    cue = re.escape(claim.cue or "")
    return re.search(rf"\b(?:not|n't|never)\s+{cue}\b", ev) is not None


_SUBORDINATE = frozenset({"relcl", "acl", "ccomp", "advcl", "xcomp", "pcomp", "csubj"})


def _finite(verb: Token) -> bool:
    """The verb carries tense itself or through an auxiliary or modal ("has said", "will go",
    "was told"); an imperative-looking base form with a subject has none."""
    if verb.tag_ in _FINITE_TAGS:
        return True
    if verb.tag_ == "VBN" and any(c.dep_ == "nsubj" for c in verb.children):
        return True  # "Twitter ... banned accounts": a past tense the small parser tags VBN
    return any(c.dep_ in {"aux", "auxpass"} and c.tag_ in _FINITE_TAGS for c in verb.children)


def denial_of(claim: Claim, source: Source) -> Clause | None:
    """A denial told as an act on another party's words ("Paris denied that ...", "a source
    was quick to deny such a conversation took place"), worded as "<who> denied it": shown
    right after the version it denies."""
    who = holder(claim)
    if who is None or claim.kind.value != "denial" or is_refusal(claim.statement):
        return None  # "rejected the overture" declines an offer; it denies nothing
    return Clause(text=cap(f"{who} denied it"), claim=claim, who=who)


def _plain_start(content: str) -> bool:
    """The content's first word is an ordinary word, lower-cased after 'said that' (a proper
    name keeps its capital)."""
    tags = pos_tags(content[:80])
    return bool(tags) and tags[0][1] in {"DET", "PRON", "SCONJ", "ADP"}
