"""Reporting cues: whether a token opens a reported-speech frame, its speaker and content."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from service.schemas import AsserterKind
from service.text.quotes import find_quotes
from service.text.speech.model import Party
from service.text.speech.rules import lists
from service.text.speech.spans import _extent, _outside, _words
from service.text.speech.speakers import (
    _full_name,
    _Memory,
    _party,
    _phrase,
    _subject_read_as_object,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


@dataclass
class _Raw:
    tok: Token
    party: Party
    cue: str
    start: int  # content range inside the sentence
    end: int
    text: str
    backref: bool = False
    inherited: bool = False  # the subject came from a governing verb
    head: Token | None = None  # the content's main verb
    ids: frozenset[int] = frozenset()  # the content's tokens
    clausal: bool = True
    source: tuple[int, int] | None = None  # the source mention, inside the sentence
    cue_at: tuple[int, int] | None = None  # the cue words, inside the sentence
    rules: tuple[str, ...] = ()  # ids of the rules that made this frame (rules.yaml)


def _mention_at(doc: Doc, head: Token) -> tuple[int, int] | None:
    """Where the speaker's noun phrase is written, inside the sentence."""
    toks = _phrase(head) or [head]
    return _extent(doc, toks[0], toks[-1])


def _cue_at(doc: Doc, tok: Token, last: Token | None = None) -> tuple[int, int]:
    """The cue's range: the verb with its auxiliaries and particle, or 'according to'."""
    off = doc[0].idx
    first = tok
    for c in tok.children:
        if c.dep_ in {"aux", "auxpass", "neg"} and c.i < tok.i and c.i >= first.i - 3:
            first = doc[min(first.i, c.i)]
    end_tok = last or tok
    for c in tok.children:
        if c.dep_ == "prt" and c.i > end_tok.i:
            end_tok = c
    return first.idx - off, end_tok.idx - off + len(end_tok.text)


def _frame_at(tok: Token, doc: Doc, memory: _Memory) -> _Raw | None:
    """A reported-speech frame whose cue is `tok`, or None."""
    off = doc[0].idx
    if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
        to = next(c for c in tok.children if c.lower_ == "to")
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if obj is None:
            return None
        party = _party(obj, doc, memory)
        if party is None:
            return None
        lo, hi = tok.left_edge.i, max(obj.right_edge.i, to.i)
        parts = _outside(doc, lo, hi)
        if parts is None:
            return None
        (start, end), text = parts
        root = tok.head if tok.head.i != tok.i else None
        ids = frozenset(t.i for t in doc if not lo <= t.i <= hi)
        return _Raw(
            tok,
            party,
            "according to",
            start - off,
            end - off,
            text,
            head=root,
            ids=ids,
            source=_mention_at(doc, obj),
            cue_at=_cue_at(doc, tok, to),
            rules=("frame.according_to", *_party_rules(party)),
        )
    lemma = tok.lemma_.lower()
    words = lists()
    speech = lemma in words.speech_verbs
    position = not speech and lemma in words.position_verbs
    document = lemma in words.document_verbs
    listed = speech or position or document
    if tok.pos_ not in {"VERB", "AUX"} or (not listed and tok.dep_ != "ROOT"):
        return None  # cheap checks first: this runs on every token
    # '"Quiet," he demanded.' / '"...," he continued.': any verb right after an opening quotation
    quote_led = not (speech or document) and _quote_led(tok, doc)
    # 'He continued, "..."' / 'Noah quipped, "..."': any verb whose quotation follows it
    quote_follows = not (listed or quote_led) and _quote_follows(tok, doc)
    if not (listed or quote_led or quote_follows):
        return None
    if tok.dep_ in {"amod", "compound"}:
        return None
    comp = _complement(tok)
    point_to = None
    if lemma == "point":
        point_to = next((c for c in tok.children if c.lower_ == "to" and c.dep_ == "prep"), None)
        if point_to is None and not any(c.lower_ == "out" for c in tok.children):
            return None
    controller = _controller(tok)
    found = (controller, False, None) if controller is not None else _subject(tok)
    if found is None:
        return None
    subj, inherited, misparse = found
    # "..., and the White House for three months had refused to discuss it": the subject
    # the parser read as the first verb's object (`_subject_read_as_object`)
    misparsed = misparse == MISPARSED_SUBJECT
    if document and (inherited or subj.lemma_.lower() not in words.document_nouns):
        return None  # "he read the bill": reading, not a document speaking
    # "X said Monday, calling it ...", "X took the stage and called it ...": the subject is
    # shared by the participle or the coordinated verb
    participle = (tok.dep_ == "advcl" and tok.tag_ == "VBG") or tok.dep_ == "conj"
    if position and ((subj.dep_ != "nsubj" and not misparsed) or (inherited and not participle)):
        # "is expected to win", "a group backing X": a position needs its holder as the subject
        return None
    cue_quoted = in_quotation(tok)
    if in_quotation(subj) and not cue_quoted:
        return None  # words inside a quotation are never the speaker of a cue outside it
    if position and cue_quoted:
        return None  # "... God wants us to ..." inside a quotation is the quoted speaker's words
    if inherited and comp is None and not (position and participle):
        return None  # "quoted as saying", "underlining the strains": the governing verb owns it
    inverted = subj.i > tok.i or (comp is not None and comp.i < tok.i)
    if lemma in lists().needs_complement and comp is None and point_to is None and not inverted:
        return None  # "warned the mayor against delays" is not reported speech
    party = _party(subj, doc, memory)
    if party is None:
        return None
    if quote_led:
        party = _continued_by_description(party, subj, memory)
    cue = _cue_text(tok)
    source, cue_at = _mention_at(doc, subj), _cue_at(doc, tok)
    why = (
        *(("speaker.inherited",) if inherited else ()),
        *(("speaker.object_control",) if controller is not None else ()),
        *((misparse,) if misparse else ()),
        *_party_rules(party),
    )
    relative = _relative_pronoun(tok)
    if relative is not None and subj.i == tok.head.i:
        # "Barkley, who said ...": the mention is the pronoun, the speaker its antecedent
        source = _extent(doc, relative, relative)
        why = ("speaker.relative_pronoun", *why)
    if tok.dep_ in {"relcl", "acl"} and tok.head.lemma_.lower() in lists().backref_nouns:
        ids = frozenset(t.i for t in doc)
        told = _told_content(doc, tok.head)
        if told is not None:
            # "spread the report that A, an allegation that B denied": B denounces A.
            # An act on a noun ("denounced the idea"), not a that-clause of speech: the
            # outlet reports it in its own voice, as for "officials rejected the offer".
            (start, end), text, told_ids = told
            text = f"the {tok.head.lower_} that {text}"
            return _Raw(
                tok,
                party,
                cue,
                start,
                end,
                text,
                backref=True,
                ids=told_ids,
                clausal=False,
                rules=("frame.backref_told", *why),
                source=source,
                cue_at=cue_at,
            )
        return _Raw(
            tok,
            party,
            cue,
            0,
            len(doc.text),
            doc.text,
            backref=True,
            ids=ids,
            rules=("frame.backref_response", *why),
            source=source,
            cue_at=cue_at,
        )
    head: Token | None = comp
    rule = (
        "frame.position_verb"
        if position
        else ("frame.document_reads" if document else "frame.speech_verb")
    )
    if (
        # An inherited subject after the cue is the main clause's: the cue sits in a fronted
        # adverbial clause ("After saying he was nervous, the man ...", "a day after declaring
        # her cabinet united, May stands ..."), which reports its own complement, not the rest.
        (subj.i > tok.i and not inherited)
        or (comp is not None and comp.i < subj.i < tok.i)
        or (comp is None and subj.i < tok.i and tok.i > len(doc) - 6)
        or (comp is None and subj.i < tok.i and _quoted_before(doc, subj))
    ):
        # Inverted or trailing attribution: the content is everything before the speaker
        # ('"Readiness ... noted. The starting points ...," the ministry said.').
        toks = [t for t in doc[: min(subj.left_edge.i, tok.i)] if not t.is_space]
        rule = "frame.document_reads" if document else "frame.speech_verb_trailing"
        if quote_led:
            rule = "frame.quote_then_verb"
        elif position:
            return None  # a position is not reported after its content
        if comp is None:
            head = None
    elif point_to is not None:
        toks = [t for t in point_to.subtree if t.i != point_to.i]
    elif comp is not None:
        toks = [t for t in comp.subtree if not (t.dep_ == "mark" and t.head.i == comp.i)]
    else:
        # A position's object ("backs X") stops at its own phrase; a speech verb's runs on (the
        # parser often hangs the reported clause elsewhere).
        toks = [t for t in (tok.subtree if position else doc) if t.i > tok.i]
        # "X dismissed the critique, saying that A": a reporting participle or verb joined to the
        # cue with a clause of its own is a second frame, not part of this one's object
        later = _joined_cues(tok)
        if later:
            why = (*why, "split.joined_cue")
            cut = min(c.left_edge.i for c in later)
            toks = [t for t in toks if t.i < cut]
            while toks and (toks[-1].is_punct or toks[-1].dep_ == "cc"):
                toks.pop()
    toks = [t for t in toks if not t.is_space]
    clausal = (
        comp is not None or point_to is not None or any(t.pos_ in {"VERB", "AUX"} for t in toks)
    )
    if not toks:
        return None
    start, end = _extent(doc, toks[0], toks[-1])
    if end - start < 3:
        return None
    ids = frozenset(t.i for t in toks)
    text = _words(doc, ids)
    if tok.dep_ == "relcl" and toks[0].lower_ in {"which", "that", "who"}:
        # "The deal, which the union said was agreed in May" -> "The deal was agreed ..."
        noun = [t for t in tok.head.subtree if t.i < tok.left_edge.i and not t.is_punct]
        text = " ".join([*(t.text for t in noun), _words(doc, ids - {toks[0].i})])
    if quote_follows and rule == "frame.speech_verb":
        rule = "frame.verb_then_quote"
    elif comp is None and rule == "frame.speech_verb" and lemma in words.accusation_verbs:
        rule = "frame.accusation"  # "X accused Y of Z": the object and its charge are X's
    elif not clausal and not position:
        rule = "frame.act_on_object"
    return _Raw(
        tok,
        party,
        cue,
        start,
        end,
        text,
        inherited=inherited,
        head=head,
        ids=ids,
        clausal=clausal,
        rules=(rule, *why),
        source=source,
        cue_at=cue_at,
    )


_TURN = re.compile(r"([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})\s*:\s+\S")
_NOT_A_SPEAKER = frozenset(
    {"note", "update", "correction", "photo", "video", "watch", "read", "exclusive", "breaking"}
    | {"analysis", "opinion", "live", "related", "result", "results", "timeline", "q", "a"}
)
_NAME_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _colon_frame(doc: Doc, memory: _Memory) -> _Raw | None:
    """A transcript turn or a headline-style attribution: "FALLIN: Well, I think ...",
    "Sen. Ted Cruz: ...". The name is all capitals or a person the parser knows."""
    text = doc.text
    if ":" not in text[:80]:
        return None  # a name of at most four words comes first
    m = _TURN.match(text)
    if m is None:
        return None
    name = m.group(1)
    colon = next(
        (
            tk
            for tk in doc
            if tk.idx - doc[0].idx == m.end(1) + (m.group(0)[len(name) :].index(":"))
        ),
        None,
    )
    label = {name.split()[0].lower(), name.split()[-1].lower().rstrip(".")}
    if colon is None or label & _NOT_A_SPEAKER:
        return None
    in_name = [tk for tk in doc if tk.idx - doc[0].idx < m.end(1)]
    shouted = name.replace(" ", "").replace(".", "").isupper() and len(name) > 2
    known = len(in_name) == 1 and _full_name(name, memory) is not None  # "Matthews: Well, ..."
    # A headline's source: a proper name ("Graham:", "Clinton camp:", "NY Daily News:") or a
    # finding ("Poll:"), only where the sentence opens with it (a headline or a turn).
    words = lists()
    last = in_name[-1].lemma_.lower() if in_name else ""
    proper = all(tk.pos_ == "PROPN" or tk.text[:1].isupper() for tk in in_name) and (
        any(tk.ent_type_ in _NAME_ENTITIES for tk in in_name)
        or (len(in_name) == 1 and in_name[0].pos_ == "PROPN")
        or last in words.colon_source_nouns
        or last in words.outlet_words
    )
    if not (shouted or known or proper or any(tk.ent_type_ == "PERSON" for tk in in_name)):
        return None
    if shouted:
        title = name.title()
        party = Party(_full_name(title.split()[-1], memory) or title, AsserterKind.person)
    else:
        found = _party(in_name[-1], doc, memory)
        if found is None:
            return None
        party = found
    toks = [tk for tk in doc if tk.i > colon.i and not tk.is_space]
    if not toks:
        return None
    start, end = _extent(doc, toks[0], toks[-1])
    return _Raw(
        colon,
        party,
        "said",
        start,
        end,
        _words(doc, frozenset(tk.i for tk in toks)),
        ids=frozenset(tk.i for tk in toks),
        source=_extent(doc, in_name[0], in_name[-1]),
        cue_at=(colon.idx - doc[0].idx, colon.idx - doc[0].idx + 1),
        rules=("frame.colon_speaker", *_party_rules(party)),
    )


@lru_cache(maxsize=8)
def quotes_in(sentence: str) -> tuple[tuple[int, int], ...]:
    """The sentence's quotations, found once for all the cues of the sentence."""
    return tuple(find_quotes(sentence))


def in_quotation(tok: Token) -> bool:
    """The token stands inside one of its sentence's quotations."""
    at = tok.idx - tok.doc[0].idx
    return any(a <= at < b for a, b in quotes_in(tok.doc.text))


def _party_rules(party: Party) -> tuple[str, ...]:
    return (party.rule,) if party.rule else ()


def _told_content(
    doc: Doc, backref_noun: Token
) -> tuple[tuple[int, int], str, frozenset[int]] | None:
    """The "that" clause of another reporting noun before the back-reference ("the report
    that A, an allegation that ..."): what the back-reference points to. Offsets in the sentence."""
    for n in doc[: backref_noun.left_edge.i]:
        if n.lemma_.lower() not in lists().backref_nouns or n.pos_ not in {"NOUN", "PROPN"}:
            continue
        for c in n.children:
            if c.dep_ in {"acl", "ccomp", "relcl"} and any(
                m.dep_ == "mark" and m.lower_ == "that" for m in c.children
            ):
                toks = [
                    t
                    for t in c.subtree
                    if t.i < backref_noun.left_edge.i and not (t.dep_ == "mark" and t.head.i == c.i)
                ]
                if len(toks) < 3:
                    continue
                start, end = _extent(doc, toks[0], toks[-1])
                ids = frozenset(t.i for t in toks)
                return (start, end), _words(doc, ids), ids
    return None


def _complement(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ in {"ccomp", "parataxis"} or (c.dep_ == "xcomp" and c.pos_ == "VERB"):
            return c
    return None


def _continued_by_description(party: Party, subj: Token, memory: _Memory) -> Party:
    """'"...," says Perry. "...," the Texas governor continues.': a description no named person's
    roles resolve ("the Texas governor" when Perry was introduced as a candidate), closing a
    quotation right after a person's quotation, is that person (coref.description)."""
    last = memory.last_quote_speaker
    words = [t.lower_ for t in _phrase(subj)]
    if (
        party.rule
        or party.kind is not AsserterKind.person
        or not words
        or words[0] != "the"
        or last is None
        or last.kind is not AsserterKind.person
    ):
        return party
    return Party(
        last.name, AsserterKind.person, " ".join(t.text for t in _phrase(subj)), "coref.description"
    )


_ATTRIBUTION_MARKS = frozenset(",?!—–-…")


_OPENING = frozenset('"“«')


def _quote_follows(tok: Token, doc: Doc) -> bool:
    """`tok` is the main verb, with its own subject before it and no object, and a comma or
    colon right after it (a particle or adverb may come between) opens a quotation:
    'He continued, "I believe ..."' / 'A flabbergasted Noah quipped, "It's like ..."'."""
    if tok.dep_ != "ROOT" or tok.pos_ != "VERB":
        return False
    if not any(c.dep_ == "nsubj" and c.i < tok.i for c in tok.children):
        return False
    if any(c.dep_ in {"dobj", "attr", "acomp", "oprd"} for c in tok.children):
        return False
    i = tok.i + 1
    while i < len(doc) and doc[i].dep_ in {"prt", "advmod", "npadvmod"} and doc[i].head.i == tok.i:
        i += 1
    if i + 1 >= len(doc) or doc[i].text not in {",", ":"}:
        return False
    rest = doc.text[doc[i].idx - doc[0].idx + 1 :].lstrip()
    if rest[:1] not in _OPENING or not rest[1:2].isupper():
        return False  # speech opens with a capital ('"and nobody left"' continues the clause)
    # the quotation runs to the end of the sentence (or on past it): no words after it closes
    closing = next((k for k, ch in enumerate(rest[1:], 1) if ch in '"”»'), None)
    return closing is None or not rest[closing + 1 :].strip(" .,;:!?\"”’'")


def _quote_led(tok: Token, doc: Doc) -> bool:
    """The sentence opens with a quotation that ends as speech followed by its attribution
    (a comma, question or exclamation mark before the closing mark), and `tok` is the main verb
    after it, with its subject right after the quotation and no object or clause of its own
    after it: '"Quiet," he demanded.' / '"Can we win Illinois?" Mr. Manafort asked.'"""
    if tok.dep_ != "ROOT" or tok.pos_ != "VERB":
        return False
    if doc[0].text[:1] not in _OPENING and (len(doc) < 2 or doc[1].text[:1] not in _OPENING):
        return False  # cheap first: the sentence opens with a quotation mark
    first = quotes_in(doc.text)[:1]
    if not first or first[0][0] > 2:
        return False
    start, end = first[0]
    # the mark may sit inside the quotation's range or just after it ('"Quiet," he said')
    if not _ATTRIBUTION_MARKS & set(doc.text[max(start, end - 1) : end + 2]):
        return False
    off = doc[0].idx
    subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.left_edge.idx - off < end:
        return False
    between = doc.text[end : subj.left_edge.idx - off]
    if between.strip(" \u201d\"'\u2019,") or tok.i < subj.i:
        return False  # the subject comes right after the quotation, then the verb
    # An object is the audience ('"...," LeVell assured the mostly white crowd', PolNeAR
    # train); a clause or a predicate after the verb is what the verb says instead.
    return not any(
        c.i > tok.i and c.dep_ in {"ccomp", "xcomp", "attr", "acomp", "oprd"} for c in tok.children
    )


def _joined_cues(tok: Token) -> list[Token]:
    """Reporting verbs joined to `tok` after it ("..., saying that A"; "... and said A") that
    have a clausal complement of their own: each is a frame of its own."""
    words = lists()
    return [
        c
        for c in tok.children
        if c.dep_ in {"advcl", "conj"}
        and c.i > tok.i
        and c.pos_ == "VERB"
        and (c.lemma_.lower() in words.speech_verbs or c.lemma_.lower() in words.position_verbs)
        and not any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)
        and _complement(c) is not None
    ]


def _relative_pronoun(tok: Token) -> Token | None:
    """The relative pronoun subject of a verb in a relative clause on a noun ("X, who said")."""
    if tok.dep_ != "relcl" or tok.head.pos_ not in {"PROPN", "NOUN"}:
        return None
    return next(
        (c for c in tok.children if c.dep_ == "nsubj" and c.lower_ in {"who", "that"}), None
    )


def _quoted_before(doc: Doc, subj: Token) -> bool:
    """The sentence opens with a quotation that closes before the speaker ('"...," X said
    when ...'): the quotation is the content even when words follow the cue."""
    first = quotes_in(doc.text)[:1]
    off = doc[0].idx
    return bool(first) and first[0][0] <= 2 and first[0][1] <= subj.left_edge.idx - off


def _controller(tok: Token) -> Token | None:
    """The object of a causing verb the cue hangs from ("led Republicans to say"): the one
    who speaks (`speaker.object_control`)."""
    head = tok.head
    if tok.dep_ != "xcomp" or head.i == tok.i or head.lemma_.lower() not in lists().causative_verbs:
        return None
    return next((c for c in head.children if c.dep_ == "dobj" and c.i < tok.i), None)


def _subject(tok: Token) -> tuple[Token, bool, str | None] | None:
    """The speaker token, whether it was inherited from a governing verb, and the rule id
    when the parse had it wrong: several subjects to choose from (`speaker.nearest_subject`),
    or the cue's own subject read as another verb's object (`speaker.misparsed_subject`).
    The subject of a relative clause ("X, who said") is the noun the clause is on."""
    cur = tok
    inherited = False
    for _ in range(5):
        subjects = [
            c
            for c in cur.children
            if c.dep_ in {"nsubj", "nsubjpass"}
            and c.lower_ not in {"which", "that", "who"}
            # The passive cue's own subject is what was said or who was told, not the speaker
            # ("Donations are typically reported in broad ranges", "as she was announced the
            # winner", PolNeAR train) but for "he was quoted as saying"; a verb the cue hangs
            # from lends its passive subject ("Mr. Trump was prompted to say", "The Fed is
            # expected to announce").
            and not (c.dep_ == "nsubjpass" and cur is tok and tok.lemma_.lower() != "quote")
        ]
        if len(subjects) > 1:
            # Two subjects are a misparse (`speaker.nearest_subject`): a name inside a
            # quotation before its attribution ('"... Sen. John McCain," Trump said'), a place
            # or a fronted phrase before the subject ("Speaking at a town hall event in Salem,
            # New Hampshire, Trump went after Bush, calling him ...", "(AP) — Republican
            # presidential hopeful Donald Trump says ...", PolNeAR train). A word inside a
            # quotation never speaks it; of the rest, the one nearest the verb is its subject.
            outside = [c for c in subjects if not in_quotation(c)]
            nearest = min(outside or subjects, key=lambda c: abs(c.i - cur.i))
            return nearest, inherited, NEAREST_SUBJECT
        if subjects:
            return subjects[0], inherited, None
        if cur is tok and _relative_pronoun(tok) is not None:
            return tok.head, inherited, None
        if cur.dep_ == "conj" and (own := _subject_read_as_object(cur)) is not None:
            # recorded (and a position verb's holder) only for the cue's own conjunct
            return own, inherited, MISPARSED_SUBJECT if cur is tok else None
        if cur.dep_ in {"xcomp", "advcl", "pcomp", "acomp", "prep", "conj"} and cur.head.i != cur.i:
            # "was quick to deny" keeps its own subject; "..., adding that" borrows one
            inherited = inherited or cur.dep_ not in {"xcomp", "acomp"}
            cur = cur.head
            continue
        return None
    return None


NEAREST_SUBJECT = "speaker.nearest_subject"
MISPARSED_SUBJECT = "speaker.misparsed_subject"


def _cue_text(tok: Token) -> str:
    words = [tok.text]
    for c in tok.children:
        if c.dep_ == "dobj" and c.i == tok.i + 1 and tok.lemma_.lower() == "tell":
            words.append(c.text)  # "told AFP"
        if c.dep_ == "prt" or (c.lower_ == "to" and tok.lemma_.lower() == "point"):
            words.append(c.text)  # "pointed out", "pointed to"
    return " ".join(words)
