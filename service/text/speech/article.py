"""The article pass: parse every sentence once, carry speakers and open quotations along."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from service.schemas import Span
from service.text.quotes import find_quotes, is_scare_quote
from service.text.speech.model import MAX_TOKENS, SentenceSpeech, nlp
from service.text.speech.sentence import _analyse_sentence
from service.text.speech.speakers import _learn_people, _Memory, _remember, with_group


def analyse_article(text: str, sentences: Sequence[Span]) -> list[SentenceSpeech]:
    """Frames for every sentence (index i is sentence id i + 1)."""
    parser = nlp()
    memory = _Memory()
    out: list[SentenceSpeech] = []
    # Over-long units are never handed to the parser (a cheap word count decides first).
    fits = [len(s.text.split()) <= MAX_TOKENS for s in sentences]
    texts = [s.text if ok else "" for s, ok in zip(sentences, fits, strict=True)]
    docs = parser.pipe(texts)
    previous_end = 0
    for i, (span, ok, doc) in enumerate(zip(sentences, fits, docs, strict=True), 1):
        if "\n" in text[previous_end : span.start]:
            # A quotation does not run on past its paragraph unless the next one reopens it
            # (news style); this also stops a stray mark from quoting the rest of the article.
            memory.inside_quote = False
            memory.turn_speaker = None  # a transcript turn ends with its paragraph
        previous_end = span.end
        if not ok:
            memory.inside_quote = _quote_state(span.text, memory.inside_quote)[1]
            speech = SentenceSpeech(sentence_id=i, too_long=True)
            speech.outlet_part = (span.start, span.end)
            speech.outlet_text = " ".join(span.text.split()[:MAX_TOKENS])
            out.append(speech)
            continue
        _learn_people(doc, memory)
        continuing = memory.continuing = memory.inside_quote
        quoted, memory.inside_quote = _quote_state(span.text, memory.inside_quote)
        # Only a sentence that is mostly quotation carries the last quote's speaker over: the
        # outlet's own sentence with a quoted phrase ("the “law and order” issue") stays its own.
        memory.quoted = quoted and (continuing or _mostly_quoted(span.text))
        speech = _grouped(_analyse_sentence(i, doc, span.start, memory), memory)
        out.append(speech)
        _remember(doc, speech, memory, has_quote=_has_quote(span.text))
    return out


def _has_quote(text: str) -> bool:
    return bool(re.search(r"[\"“”«»]", text))


def _mostly_quoted(text: str) -> bool:
    """The sentence opens with a quotation mark, or half its characters are quoted words
    (quotations of four words or more: a scare-quoted phrase is the outlet's own sentence)."""
    body = text.strip()
    if body[:1] in {'"', "“", "«"}:
        return True
    quoted = sum(e - s for s, e in find_quotes(body) if not is_scare_quote(body[s:e]))
    return quoted * 2 >= len(body)


def _quote_state(text: str, inside: bool) -> tuple[bool, bool]:
    """Whether a sentence has quoted words, and whether a quotation is open after it.

    A quotation can run over several sentences ('Perry stated, "A. B. C."'): the sentences
    in between have no quotation mark of their own. Curly and angle marks say open or close;
    straight ones toggle. A sentence that starts with the closing mark of a quotation opened
    earlier starts outside it (the splitter often hangs that mark on the next sentence)."""
    stripped = text.lstrip()
    if inside and stripped[:1] in {'"', "”", "»"}:
        inside, stripped = False, stripped[1:]
    state, quoted = inside, inside
    for ch in stripped:
        if ch in "“«":
            state = quoted = True
        elif ch in "”»":
            state = False
        elif ch == '"':
            state = not state
            quoted = True
    return quoted, state


def _grouped(speech: SentenceSpeech, memory: _Memory) -> SentenceSpeech:
    """Speakers with the group the article named for them ("Tea Party organizer Bill
    Hennessy"), wherever they speak later in the article (rule speaker.group)."""
    frames = []
    for f in speech.frames:
        speaker = with_group(f.speaker, memory)
        via = with_group(f.via, memory) if f.via is not None else None
        rules = (*f.rule_ids, "speaker.group") if speaker.group else f.rule_ids
        frames.append(replace(f, speaker=speaker, via=via, rule_ids=rules))
    speech.frames = frames
    if speech.carried is not None:
        speech.carried = with_group(speech.carried, memory)
    return speech
