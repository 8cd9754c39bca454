"""One sentence's frames: nesting into channels, back-references, the outlet's own clause."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from service.text.speech.cues import (
    _colon_frame,
    _complement,
    _cue_text,
    _frame_at,
    _Raw,
    in_quotation,
    quotes_in,
)
from service.text.speech.model import Frame, Party, SentenceSpeech
from service.text.speech.rules import lists
from service.text.speech.spans import _depth, _extent, _words
from service.text.speech.speakers import _continues, _Memory, _same_party

# Words between a document noun and a participle on it ("a resolution Tuesday calling",
# "a statement over the weekend saying", "another ad in Iowa describing").
DOCUMENT_GAP = 4

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def _analyse_sentence(sid: int, doc: Doc, base: int, memory: _Memory) -> SentenceSpeech:
    raws = [r for tok in doc if (r := _frame_at(tok, doc, memory)) is not None]
    # A cue inside quotation marks is part of the quoted words ('"..., AP reports X," Perry
    # said'; '"... it doesn't say how much they paid"'): never a frame of its own. A sentence
    # that starts inside a quotation opened earlier is quoted up to its closing mark.
    off = doc[0].idx
    quoted = quotes_in(doc.text)
    closing = next((i for i, ch in enumerate(doc.text) if ch in '”"»'), None)
    raws = [
        r
        for r in raws
        if not in_quotation(r.tok)
        and not (memory.continuing and (closing is None or r.tok.idx - off < closing))
    ]
    speech = SentenceSpeech(sentence_id=sid)
    if (turn := _colon_frame(doc, memory)) is not None:
        memory.turn_speaker = turn.party
        memory.turn_source = (base + turn.source[0], base + turn.source[1]) if turn.source else None
        speech.frames = [
            _frame(turn, turn.party, None, base, turn.start, turn.end, turn.text, backref=False)
        ]
        return speech
    if not raws and memory.turn_speaker is not None:
        # The rest of a transcript turn ("FALLIN: Well, ... They want safe homes.")
        speech.carried, speech.carried_rule = memory.turn_speaker, "carry.turn"
        speech.carried_source = memory.turn_source
        speech.outlet_part = (base, base + len(doc.text))
        speech.outlet_text = " ".join(doc.text.split())
        return speech
    if not raws:
        named = None if memory.continuing else _named_subject(doc)
        last = memory.last_speaker if memory.last_speaker is not None else memory.last_quote_speaker
        if memory.quoted and named is not None and named.text not in (last.name if last else ""):
            # The sentence names its own actor outside the quotation ("Archbishop Aris
            # Shirvanian ... told the Associated Press (AP), “...”", "“Broad City” star Arturo
            # Castro turned the tables ...", PolNeAR train): its quotation is not the previous
            # speaker's, and with no cue found it stays the outlet's report.
            speech.outlet_rules = ("carry.own_subject",)
        elif memory.quoted and memory.last_speaker is not None and memory.last_speaker.name:
            # 'Obama went on, calling out Boehner. "You have been debating ..."': a quotation
            # right after a sentence with a speaker is that speaker's
            speech.carried = memory.last_speaker
            speech.carried_via = memory.last_via
            speech.carried_source = memory.last_source
            # '"Dear Members, ...," Mr. Steele wrote in a message. "Thank you ..."' (BASIL,
            # NYT): the next quotation is written too, not said.
            speech.carried_written = memory.last_written
        elif memory.quoted and memory.last_quote_speaker is not None:
            speech.carried = memory.last_quote_speaker
            speech.carried_via = memory.last_quote_via
            speech.carried_source = memory.last_quote_source
        speech.outlet_part = (base, base + len(doc.text))
        speech.outlet_text = " ".join(doc.text.split())
        return speech
    inner_of: dict[int, _Raw] = {}
    for r in raws:
        if any(qs <= r.tok.idx < qe for qs, qe in quoted) or "frame.position_verb" in r.rules:
            continue  # a position inside a statement ("X said he expected") stays X's words
        for o in raws:
            if o is not r and o.head is not None and o.head.i == r.tok.i and not o.backref:
                inner_of[o.tok.i] = r

    inner_ids = {r.tok.i for r in inner_of.values()}

    def contained(r: _Raw) -> bool:
        return any(o is not r and not o.backref and r.tok.i in o.ids for o in raws)

    outer = [r for r in raws if r.backref or (r.tok.i not in inner_ids and not contained(r))]
    if not any(not r.backref for r in outer):
        plain = [r for r in raws if not r.backref and r.tok.i not in inner_ids] or [
            r for r in raws if not r.backref
        ]
        outer = [r for r in raws if r.backref]
        if plain:
            outer.append(min(plain, key=lambda r: _depth(r.tok)))
    outer.sort(key=lambda r: (r.backref, _depth(r.tok), r.tok.i))
    # ", a claim that the company denied" is a response, not part of what the claim's speaker said.
    cut: set[int] = set()
    for r in raws:
        if r.backref:
            cut |= {t.i for t in r.tok.head.subtree}
    if cut:
        for r in raws:
            if r.ids & cut:
                r.ids = r.ids - cut
                r.text = _words(doc, r.ids)
    main = outer[0]
    frames: list[Frame] = []
    for o in outer:
        speaker, via = o.party, None
        inner = inner_of.get(o.tok.i)
        speaker_at = -1
        extra: tuple[str, ...] = ()
        if inner is not None:
            speaker, via = inner.party, o.party
            speaker_at = base + inner.tok.idx
            extra = ("nest.channel",)
        if (
            via is None
            and memory.last_via
            and _same_party(speaker, memory.last_speaker)
            and (_continues(speaker) or doc.text.lstrip()[:1] in '"“«')
        ):
            via = memory.last_via  # rule 6: the same speaker, still through the same channel
            extra = ("nest.channel_carried",)
        start, end, text = o.start, o.end, o.text
        if o.backref and not main.backref:
            start, end, text = main.start, main.end, main.text
        second = None if o.backref else _second_statement(o, doc)
        if second is not None:
            (start, end, text), (cue, cs, ce, ctext) = second
        frames.append(
            _frame(
                o,
                speaker,
                via,
                base,
                start,
                end,
                text,
                backref=o.backref,
                at=speaker_at,
                rules=(*extra, *(("split.second_statement",) if second else ())),
            )
        )
        if second is not None:
            frames.append(
                replace(
                    _frame(
                        o,
                        speaker,
                        via,
                        base,
                        cs,
                        ce,
                        ctext,
                        backref=False,
                        at=speaker_at,
                        rules=(*extra, "split.second_statement"),
                    ),
                    cue=cue,
                )
            )
        if not o.backref and o.end <= o.tok.idx:
            # Rule 4: "A, officials told AFP, but B" -> B is the officials' account too.
            for c in o.tok.children:
                if c.dep_ == "conj" and c.i > o.tok.i and c.pos_ in {"VERB", "AUX"}:
                    toks = [t for t in c.subtree if t.dep_ != "cc" or t.head.i != c.i]
                    cs, ce = _extent(doc, toks[0], toks[-1])
                    if (
                        ce - cs > 10
                        and not any(r.tok.i == c.i for r in raws)
                        and not _narration_after_quote(quoted, (o.start, o.end), (cs, ce))
                    ):
                        frames.append(
                            _frame(
                                o,
                                speaker,
                                via,
                                base,
                                cs,
                                ce,
                                doc.text[cs:ce],
                                backref=False,
                                rules=(*extra, "split.conj_after_cue"),
                            )
                        )
    speech.frames = frames
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if not main.backref and main.end > main.tok.idx:
        # "X said A, but the company has pushed back at the idea": a clause with its own subject
        # after the reported content is the outlet's again.
        for c in main.tok.children:
            if (
                c.dep_ == "conj"
                and c.i > main.tok.i
                and c.pos_ in {"VERB", "AUX"}
                and any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)
                and not any(r.tok.i == c.i for r in raws)
                and c.i not in main.ids
            ):
                ids = {t.i for t in c.subtree if not (t.dep_ == "cc" and t.head.i == c.i)}
                text = _words(doc, ids)
                if len(text.split()) >= 4:
                    speech.outlet_part = (base + c.left_edge.idx, base + len(doc.text))
                    speech.outlet_text = text
                    return speech
    in_content = root is not None and any(not r.backref and root.i in r.ids for r in outer)
    if root is not None and not any(r.tok.i == root.i for r in raws) and not in_content:
        # The main clause is the outlet's own (e.g. "The deal, which the union said ..., marks").
        speech.outlet_part = (base, base + len(doc.text))
        cues = [r.tok for r in raws if r.tok.i != root.i]
        # "passed a resolution Tuesday calling for X": the participle tells what the document
        # says; cut, the outlet's sentence would say only that a resolution passed.
        on_document = {t.i for t in cues if _on_document(t)}
        speech.outlet_text = _without_frames(doc, [t for t in cues if t.i not in on_document])
        if on_document:
            speech.outlet_rules = ("split.document_clause",)
    return speech


def _second_statement(
    o: _Raw, doc: Doc
) -> tuple[tuple[int, int, str], tuple[str, int, int, str]] | None:
    """A second speech verb coordinated inside the content, with no subject of its own:
    "X told Y that A had evidence and said: B" / "X acknowledged that A, but suggested B".
    The parser hangs "said" off A's verb, yet X says B: two statements, split here so that
    each can be compared on its own. Returns the first content (start, end, text) and the
    second's (cue, start, end, text), offsets inside the sentence."""
    head = o.head
    if head is None or o.end <= o.tok.idx - doc[0].idx:
        return None
    for c in head.children:
        if not (
            c.dep_ == "conj"
            and c.i > head.i
            and c.lemma_.lower() in lists().speech_verbs
            and not any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)
        ):
            continue
        comp = _complement(c)
        if comp is None:
            continue
        cut = {t.i for t in c.subtree}
        cut |= {t.i for t in head.children if t.i < c.i and t.dep_ in {"cc", "punct"}}
        first = sorted(i for i in o.ids if i not in cut and i < c.i)
        later = [t for t in comp.subtree if not (t.dep_ == "mark" and t.head.i == comp.i)]
        colon = next((t for t in doc[c.i + 1 : comp.left_edge.i] if t.text == ":"), None)
        if colon is not None:
            # Direct speech after a colon runs on to the end (machine translation often
            # drops the quotation marks, and the parser splits the speech into sentences).
            later = [t for t in doc[colon.i + 1 :] if not t.is_space]
        if not first or not later:
            return None
        fs, fe = _extent(doc, doc[first[0]], doc[first[-1]])
        ls, le = _extent(doc, later[0], later[-1])
        if fe - fs < 10 or le - ls < 10:
            return None
        return (fs, fe, _words(doc, set(first))), (
            _cue_text(c),
            ls,
            le,
            _words(doc, {t.i for t in later}),
        )
    return None


def _without_frames(doc: Doc, cues: list[Token]) -> str:
    """The sentence without the clauses that report someone else's words."""
    drop: set[int] = set()
    for tok in cues:
        top = tok
        if tok.lower_ == "according":
            top = tok
        elif tok.dep_ in {"relcl", "acl"} and tok.head.lemma_.lower() in lists().backref_nouns:
            top = tok.head  # ", a claim that the company denied"
        else:
            while top.dep_ in {"xcomp", "acomp"} and top.head.i != top.i:
                top = top.head  # "was quick to deny" -> the whole clause
        while (
            top.dep_ in {"pcomp", "prep"}
            and top.head.pos_ == "ADP"
            and top.head.i != top.i
            and len(list(top.head.children)) == 1
        ):
            # "By reporting that X, the Journal created a shift", "distanced himself from the
            # movement by saying X", "has waffled as to whether X": the preposition goes with
            # its clause, not left dangling ("By, the Journal created a shift", NeuS; "... the
            # movement by.", "... as to.", PolNeAR train).
            top = top.head
        if top.dep_ == "conj":
            # "..., and a source was quick to deny such a conversation took place": what
            # follows a reported clause is not safe to keep in the outlet's voice.
            drop |= {t.i for t in doc if t.i >= top.left_edge.i}
        drop |= {t.i for t in top.subtree}
    words = "".join(t.text_with_ws for t in doc if t.i not in drop)
    if len(doc) > 2 and doc[0].pos_ == "CCONJ" and 1 in drop and 0 not in drop:
        # "But with X, negotiators will ...": the comma closed the phrase that went
        words = re.sub(r"^(\w+)\s*,\s*", r"\1 ", words)
    words = re.sub(r"\s+([,.;:])", r"\1", words)
    words = re.sub(r"([,;:])(\s*[,;:.])+", r"\1", words)
    words = re.sub(r"[,;]?\s+(?:and|but|or)\s*[.,;]?\s*$", "", words.strip())
    return " ".join(words.split()).strip(" ,;:")


def _on_document(tok: Token) -> bool:
    """A participle cue right after a document noun, with no comma between ("issued a
    statement over the weekend saying", "launched an ad campaign Thursday warning"): a clause on
    the document, not an adverbial clause of the sentence (rule split.document_clause)."""
    if tok.tag_ != "VBG" or tok.dep_ not in {"advcl", "acl"}:
        return False
    nouns = lists().document_nouns
    for t in reversed(tok.doc[max(0, tok.i - DOCUMENT_GAP) : tok.i]):
        if t.is_punct or t.pos_ in {"VERB", "AUX"}:
            return False
        if t.pos_ == "NOUN" and t.lemma_.lower() in nouns:
            return True
    return False


def _frame(
    o: _Raw,
    speaker: Party,
    via: Party | None,
    base: int,
    start: int,
    end: int,
    text: str,
    *,
    backref: bool,
    at: int = -1,
    rules: tuple[str, ...] = (),
) -> Frame:
    lemma = o.tok.lemma_.lower()

    def shifted(r: tuple[int, int] | None) -> tuple[int, int] | None:
        return (base + r[0], base + r[1]) if r is not None else None

    return Frame(
        speaker=speaker,
        cue=o.cue,
        cue_lemma=lemma,
        content_start=base + start,
        content_end=base + end,
        text=" ".join(text.split()),
        via=via,
        refers_back=backref,
        denial=lemma in lists().denial_verbs,
        speaker_at=at,
        clausal=o.clausal,
        source_span=shifted(o.source),
        cue_span=shifted(o.cue_at),
        rule_ids=tuple(
            dict.fromkeys((*o.rules, *rules, *((speaker.rule,) if speaker.rule else ())))
        ),
    )


def _named_subject(doc: Doc) -> Token | None:
    """A proper-name subject outside the sentence's quotations (`carry.own_subject`)."""
    return next(
        (
            t
            for t in doc
            if t.dep_ in {"nsubj", "nsubjpass"} and t.pos_ == "PROPN" and not in_quotation(t)
        ),
        None,
    )


def _narration_after_quote(
    quoted: tuple[tuple[int, int], ...], content: tuple[int, int], joined: tuple[int, int]
) -> bool:
    """The cue's content is a quotation and the clause joined after the cue stands outside
    quotation marks: the outlet goes on narrating ('"Tell her I promised you a picture,"
    Ebeling said, and her husband cut in'; '"I'm supporting Tom Selleck," she said and quickly
    hung up', PolNeAR train), not the speaker's account (`split.conj_after_cue` keeps an
    indirect account going: "A, a spokeswoman said, and B")."""

    def inside(span: tuple[int, int]) -> bool:
        return any(a <= span[0] + 2 and span[1] - 2 <= b for a, b in quoted)

    return inside(content) and not any(a < joined[1] and joined[0] < b for a, b in quoted)
