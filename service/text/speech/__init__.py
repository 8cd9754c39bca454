"""Who says what: reported-speech frames from a dependency parse (spaCy, no LLM).

For each sentence of one article, `analyse_article` finds the reported-speech *frames*: a
speech or reporting cue (`said`, `told AFP`, `was quoted as saying`, `denied`, `according to`),
the party that speaks (the cue's grammatical subject, or X in "according to X"), and the span of
what is reported (the cue's clausal complement; for "according to", the rest of the sentence).

Rules (general English reporting grammar, not tuned to any article):

1. Speaker = the subject of the speech verb. A verb without its own subject ("adding that",
   "was quick to deny", "quoted as saying") takes the subject of the verb it hangs from.
2. Nesting: a frame inside another frame's content has the outer frame's speaker as its
   *channel* (`via`): in "Garcia said that X, the ministry said" Garcia speaks via the ministry;
   in "According to the club, Okafor said X" Okafor speaks via the ministry.
3. A frame in a relative clause on "a claim / an idea / the report ..." refers back to the
   sentence's main content ("..., a claim that the company denied"): the sentence is split into the
   main claim and the response to it.
4. Mid-sentence attribution covers a following "but/and" clause ("A, officials told AFP, but
   B": both A and B are the officials' account).
5. Light coreference inside one article: he/she -> the last named person who was a subject;
   "it"/"they" -> the last non-person speaker; "the source" -> the last "a source ..." mention;
   a description ("the finance minister", "the Texas governor") -> the named person whose
   mention carries the most of its words (latest wins a tie); honorific abbreviations count
   ("Gov. Rick Perry" is "the governor").
6. Carry-over: a sentence with a quotation and no cue takes the previous quotation's speaker;
   a frame whose speaker spoke in the previous sentence via a channel keeps that channel
   ("According to the club, Okafor said ... / '...', Okafor was quoted as saying.").
7. Sentences longer than `MAX_TOKENS` tokens are not parsed for frames (a run-on without
   punctuation is not prose; the parse is linear, the cap keeps it bounded).

The parse runs once per article; every step is linear in the sentence length.
"""

from service.text.speech.article import analyse_article
from service.text.speech.model import (
    MAX_TOKENS,
    SPACY_MODEL,
    Frame,
    Party,
    SentenceSpeech,
    is_denial_text,
    nlp,
    pos_tags,
)

__all__ = [
    "MAX_TOKENS",
    "SPACY_MODEL",
    "Frame",
    "Party",
    "SentenceSpeech",
    "analyse_article",
    "is_denial_text",
    "nlp",
    "pos_tags",
]
