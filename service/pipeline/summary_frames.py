"""How a claim's frame reads in the summary: words given before their named speaker, the
outlet's own credit at its sentence's end, an act told without its object, and an article that
stops mid-sentence."""

from __future__ import annotations

import re
from functools import lru_cache

from service.pipeline.summary_trim import PRONOUNS, QUOTE_CHARS, fold, words
from service.schemas import Claim, Source
from service.text.lead_ins import hedge_before
from service.text.speech import nlp, pos_tags

# A reporting verb inside the claim's own words: it already carries its frame.
INNER_FRAME = re.compile(
    r"\b(?:said|says|told|tells|wrote|writes|added|adds|asked|asks|demands?|demanded|"
    r"stated|insisted|announced|reads)\b"
)


def said_or_wrote(verb: str | None) -> str:
    """The frame's verb in the summary: "wrote" stays "wrote" (an e-mail's words were not
    spoken: BASIL raters, Steele); anything else is "said"."""
    return "wrote" if (verb or "").lower() in {"wrote", "writes"} else "said"


# Verbs of belief and expectation, with their simple past: "X concluded that ..." written as
# "X said that ..." credits X with a statement the article never reports ("the defections
# [led] many party leaders to conclude he will not seek reelection" became "Many party leaders
# said that Mr. Steele will not seek reelection": BASIL raters, round 24, "overstates the
# NYT"). Their "that" clause keeps the verb's sense; a direct quotation stays "said".
COGNITION_PAST = {
    "believe": "believed", "think": "thought", "conclude": "concluded", "expect": "expected",
    "fear": "feared", "hope": "hoped", "predict": "predicted", "estimate": "estimated",
    "feel": "felt", "worry": "worried", "doubt": "doubted", "suspect": "suspected",
    "know": "knew", "assume": "assumed",
}  # fmt: skip
_COGNITION_FORMS = {
    form: past
    for lemma, past in COGNITION_PAST.items()
    for form in (lemma, lemma[:-1] + "ies" if lemma.endswith("y") else lemma + "s", past)
}


def reported_verb(verb: str | None) -> str:
    """The frame's verb before a "that" clause: a verb of belief keeps its sense in the past
    ("concluded", "believed"), any other is `said_or_wrote`."""
    return _COGNITION_FORMS.get((verb or "").lower()) or said_or_wrote(verb)


# Verbs whose report is an infinitive with the speaker as its subject: "Mike Pence vowed to use
# 'all legal means at our disposal'" (NeuS), "David Wasserman refuses to discuss potential
# appointees", "Donald Trump plans to reduce the cost of insurance" (PolNeAR dev). Not verbs
# whose infinitive needs an object first ("Ban Ki-moon urged [North Korea] to resume talks").
INFINITIVE_VERBS = frozenset(
    "vow promise pledge plan refuse decline threaten agree offer intend hope want seek "
    "try aim decide".split()
)
_INFINITIVE = re.compile(r"^to\s+(?P<verb>[a-z]+)\b")


def infinitive_report(verb: str, content: str) -> bool:
    """The frame's verb is a finite form of an `INFINITIVE_VERBS` verb ("vowed", "plans",
    not "promising") and its content an infinitive whose verb is a verb ("to use ...", not
    "to foreign governments ...")."""
    word = verb.lower()
    if " " in word or word.endswith("ing") or _INFINITIVE.match(content) is None:
        return False
    # The parser's lemma knows "sought" and "planned"; its lookup misreads "hoped" as "hop",
    # which the suffixes cut by hand still catch.
    stems = {word, word[:-1], word[:-2], word[:-3] + "y" if word.endswith("ied") else word}
    if not (stems | {_lemma(word)}) & INFINITIVE_VERBS:
        return False
    tags = pos_tags(" ".join(content.split()[:4]))
    return len(tags) > 1 and tags[1][1] == "VERB"


@lru_cache(maxsize=256)
def _lemma(word: str) -> str:
    """A finite verb's lemma, read in a frame it fits ("planned" -> plan, "sought" -> seek)."""
    doc = nlp()(f"They {word} to go.")
    return doc[1].lemma_.lower()


def hedged(verb: str, claim: Claim, source: Source) -> str:
    """`verb` ("said") with the hedge the article puts right before the claim's cue (rule
    `cue.hedged`): the outlet does not vouch that the words were said, so the summary keeps
    its "reportedly" or it would vouch for the outlet (NeuS raters, round 21)."""
    cue = claim.cue_span
    if cue is None or "cue.hedged" not in claim.rule_ids:
        return verb
    m = hedge_before(source.text, cue.start)
    return f"{m.lower()} {verb}" if m else verb


@lru_cache(maxsize=256)
def _own_credit(outlet: str) -> re.Pattern[str]:
    return re.compile(
        rf",\s+{re.escape(outlet)}\s+(?:has\s+learned|learned|has\s+reported|reported|reports)"
        r"\W*$",
        re.I,
    )


def own_credit_cut(statement: str, outlet: str) -> str:
    """The outlet's own credit at its sentence's end (", Fox News has learned.") goes: the
    summary credits the outlet already (BASIL raters: "names the source twice")."""
    return _own_credit(outlet).sub(".", statement) if outlet else statement


def trailing_content(claim: Claim, who: str | None) -> str | None:
    """The content of a sentence that gives the words first and their speaker after, by name
    ('"…," Toomey said in a statement'; "…, said Steve Pitt, general counsel to …"): the
    frame is dropped and the speaker put first. None when the speaker is a pronoun ("he
    said": coreference may be wrong, the article does not name him here) or the mention is
    not the holder's."""
    c, s, cue = claim.content_span, claim.source_span, claim.cue_span
    if "frame.speech_verb_trailing" not in claim.rule_ids or who is None:
        return None
    if words(who)[0].lower() in {"his", "her", "their", "its"}:
        return None  # "according to his office": the name comes from the content
    if c is None or s is None or cue is None or not claim.evidence:
        return None
    if s.start < c.end or claim.evidence[0].start + 2 < c.start or s.text.lower() in PRONOUNS:
        return None
    if not set(words(fold(s.text))) & set(words(fold(who))) or INNER_FRAME.search(c.text):
        return None
    return c.text


def act_without_object(claim: Claim) -> bool:
    """An act whose object the article put before its actor ("a move that Democrats denounced
    as politically motivated hypocrisy", NeuS): told alone it has none ("Democrats denounced as
    politically motivated hypocrisy")."""
    if "frame.act_on_object" not in claim.rule_ids or not claim.cue or claim.speaker is None:
        return False
    if not fold(claim.statement).startswith(fold(f"{claim.speaker.name} {claim.cue}")):
        return False  # the article's own sentence ("News of X was first reported by Y")
    doc = nlp()(claim.statement[:300])
    verbs = [t for t in doc if t.lower_ == claim.cue.split()[0].lower()]
    objects = {"dobj", "obj", "ccomp", "xcomp", "attr", "dative", "oprd"}
    return len(verbs) == 1 and not any(c.dep_ in objects for c in verbs[0].children)


def cut_off(claim: Claim, source: Source) -> bool:
    """The claim's sentence is where the article stops mid-sentence (a truncated feed or
    snippet: "... will vote against presumptive incoming House Speaker", 6 of NeuS's 90
    articles): its last words are not the article's whole thought."""
    body = source.text.rstrip()
    if not body or body[-1] in ".!?…" + QUOTE_CHARS + "'’)":
        return False
    return any(e.end >= len(body) for e in claim.evidence)
