"""Who is speaking: the speaker's noun phrase, its kind, and light coreference in one article."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from service.schemas import AsserterKind
from service.text.speech.model import Party, SentenceSpeech
from service.text.speech.rules import lists

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


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
    last_source: tuple[int, int] | None = None  # where last_speaker was named (article offsets)
    last_written: bool = False  # last_speaker's words were written ("X wrote in a message")
    last_quote_source: tuple[int, int] | None = None
    turn_source: tuple[int, int] | None = None
    people: list[tuple[str, frozenset[str]]] = field(default_factory=list)  # name, role words
    groups: dict[str, str] = field(default_factory=dict)  # name -> the group the article names
    inside_quote: bool = False  # a quotation opened earlier is still open
    quoted: bool = False  # the sentence being read has quoted words
    continuing: bool = False  # the sentence being read starts inside an open quotation
    turn_speaker: Party | None = None  # a transcript turn ("NAME: ...") open in this paragraph


def _phrase(head: Token) -> list[Token]:
    """The noun phrase of a speaker: its subtree, cut before a relative clause or appositive
    comma ("Garcia, who ..." -> Garcia)."""
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
    if head.lemma_.lower() in {"communique", "account"} | lists().document_nouns:
        owner = next((c for c in head.children if c.dep_ == "poss"), None)
        if owner is None:
            # "a statement from Senate Majority Leader Harry Reid's office" -> the office
            src = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "from"), None)
            owner = next((c for c in src.children if c.dep_ == "pobj"), None) if src else None
        if owner is not None:
            head = owner  # "the health ministry's statement" -> the ministry
    toks = _phrase(head)
    if len(toks) > 10:
        # "early results of the exit poll conducted by ... for ...": the head and its "of" noun
        of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
        last = obj.i if obj is not None else head.i
        toks = [t for t in toks if t.i <= last]
    if not toks:
        return None
    words = "".join(t.text_with_ws for t in toks).split()
    if words and words[-1].lower() in {"'s", "’s"}:
        words = words[:-1]
    # "the health ministry statement said" -> the ministry
    if len(words) > 2 and words[-1].lower() in {"statement", "statements"}:
        words = words[:-1]  # never down to a bare determiner ("a statement" stays whole)
        if words and words[-1].lower() in {"'s", "’s"}:
            words = words[:-1]
    if len(words) > 10 or not words:
        return None
    mention = " ".join(words)
    low = mention.lower()
    if low in lists().person_pronouns:
        here = _subject_before(head, memory) if memory.last_person is None else None
        if here is not None:
            return _as_mention(here, mention, "coref.person_in_sentence")
        here = _conjoined_subject(head, memory)
        if here is not None and not _same_party(here, memory.last_person):
            return _as_mention(here, mention, "coref.conjoined_subject")
        return _as_mention(memory.last_person, mention, "coref.person_pronoun")
    if low in lists().group_pronouns:
        # "it" and "they" are never one person: with no body met yet they point nowhere
        # (BASIL, Fox: the Republicans' letter, "they wrote", credited to its addressee Reid).
        return _as_mention(memory.last_group, mention, "coref.group_pronoun")
    if low in {"we", "i", "you", "this", "that", "there", "which", "who", "what"}:
        return None
    lowered = [w.lower() for w in words]
    if (
        lowered[0] == "the"
        and any(w in lists().anonymous_heads for w in lowered)
        and memory.last_anonymous
    ):
        return _as_mention(memory.last_anonymous, mention, "coref.anonymous_source")
    kind = _kind(toks, lowered)
    persons = [t for t in toks if t.ent_type_ == "PERSON"]
    if kind is AsserterKind.person and persons and len(persons) < len(toks):
        contiguous = persons[-1].i - persons[0].i + 1 == len(persons)
        if contiguous and persons[-1].i == toks[-1].i:
            words = [t.text for t in persons]  # "Mayor Anna Berg" -> "Anna Berg"
            lowered = [w.lower() for w in words]
    known = {n.split()[-1] for n, _ in memory.people}
    if len(words) <= 3 and words[-1] in known and not set(lowered) & lists().institution_words:
        kind = AsserterKind.person  # the parser's entity label varies; the article named them
    name = _clean_name(words, kind)
    if kind is AsserterKind.person and head.ent_type_ != "PERSON" and lowered[0] == "the":
        resolved = _describe(lowered, memory)
        if resolved is not None:
            return Party(resolved, AsserterKind.person, mention, "coref.description")
    if kind is AsserterKind.person and len(words) == 1:
        full = _full_name(words[0], memory)
        if full:
            return Party(full, kind, mention, "coref.surname")
    return Party(name, kind)


_CONTENT = frozenset({"ccomp", "parataxis"})


def _subject_before(pronoun: Token, memory: _Memory) -> Party | None:
    """Before anyone else is named: the one person named as the subject of the cue's own
    content, outside quotation marks ("White nationalist ... leader Richard Spencer was stopped
    on his way to Sweden ..., he said Friday", NeuS, AP's opening sentence, whose frame was
    dropped as pointing nowhere). Only then: once someone has been named, "..., he said"
    after a sentence about a third party is that earlier person's comment ("Also, Trump isn't
    a conservative, he said", after Joseph Hunter spoke; "Clinton 'caused tremendous havoc
    ...,' he said", after Trump; PolNeAR train, where an in-sentence subject was wrong in
    most of 28 cases). Not with two named subjects, nor after "he added"."""
    from service.text.speech.cues import in_quotation  # cues builds on this module

    doc = pronoun.doc
    cue = pronoun.head
    if cue.lemma_.lower() in lists().continuation_cues:
        return None
    found: set[str] = set()  # the named subjects' surnames
    for ent in doc.ents:
        if ent.label_ != "PERSON" or ent.end > pronoun.i or in_quotation(ent.root):
            continue
        root = ent.root
        if root.dep_ == "appos":
            root = root.head  # "White nationalist ... leader Richard Spencer was stopped"
        # Only the subject of the cue's own content ('..., he said'): not of a clause that sets
        # the scene ("If Trump doesn't become the nominee, he said ...", where "he" is the
        # person before) nor of another speaker's content ("Cox says Obama is trying ...").
        verb = root.head
        if root.dep_ in {"nsubj", "nsubjpass"} and verb.head.i == cue.i and verb.dep_ in _CONTENT:
            found.add(ent.root.text)
    if len(found) != 1:
        return None
    full = _full_name(found.pop(), memory)
    return Party(full, AsserterKind.person) if full else None


def _conjoined_subject(pronoun: Token, memory: _Memory) -> Party | None:
    """he/she as the subject of a verb joined by "and" to a verb whose subject is a named
    person, with no other name between them, is that person ("Some Democrats are unhappy that
    Obama agreed to extend ... tax cuts ..., and that he agreed to impose a lower estate tax",
    BASIL, Fox, where "he" had gone to Biden, named the sentence before). Not when another
    name stands between ("Trump attacked Clinton, and she said ...")."""
    from service.text.speech.cues import in_quotation  # cues builds on this module

    verb = pronoun.head
    if pronoun.dep_ not in {"nsubj", "nsubjpass"} or verb.dep_ != "conj":
        return None
    first = verb.head
    subject = next((c for c in first.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None or subject.ent_type_ != "PERSON" or in_quotation(subject):
        return None
    doc = pronoun.doc
    between = doc[subject.i + 1 : pronoun.i]
    if any(t.ent_type_ in {"PERSON", "ORG", "NORP"} or t.pos_ == "PROPN" for t in between):
        return None
    return _named_subject(subject, memory)


def _named_subject(subject: Token, memory: _Memory) -> Party:
    """The person a PERSON subject names, in full when the article named them before."""
    name = " ".join(t.text for t in _phrase(subject) if t.ent_type_ == "PERSON") or subject.text
    full = _full_name(name, memory) if " " not in name else name
    return Party(full or name, AsserterKind.person)


def _as_mention(party: Party | None, mention: str, rule: str) -> Party | None:
    return Party(party.name, party.kind, mention, rule) if party else None


def _kind(toks: list[Token], lowered: list[str]) -> AsserterKind:
    plain = [re.sub(r"['’]s$", "", w) for w in lowered]
    if any(w in lists().anonymous_heads for w in plain):
        return AsserterKind.anonymous_source
    named = any(t.text[:1].isupper() for t in toks[1:]) or (
        toks[0].text[:1].isupper() and plain[0] not in {"the", "a", "an"}
    )
    if any(w in lists().official_heads for w in plain):
        has_body = any(t.ent_type_ in {"ORG", "GPE", "NORP"} for t in toks)
        return AsserterKind.institution if has_body and named else AsserterKind.anonymous_source
    if toks[-1].text[:1].isupper() and plain[-1] in lists().outlet_words:
        return AsserterKind.outlet
    if (
        plain[-1] in lists().role_words
        or lists().abbreviations.get(plain[0].rstrip(".")) in lists().role_words
    ):
        return AsserterKind.person
    if any(t.ent_type_ == "PERSON" for t in toks) and not any(
        w in lists().institution_words for w in plain
    ):
        return AsserterKind.person
    if len(toks) > 2 and toks[-1].ent_type_ == "PERSON" and toks[-2].ent_type_ == "PERSON":
        # A title with a body before a full name ("Senate Majority Leader Harry Reid") is a
        # person; as an institution he was the antecedent of "they" (BASIL, Fox).
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
    ("Finance Minister Ana Ruiz", "Texas Gov. Rick Perry")."""
    for ent in doc.ents:
        if ent.label_ != "PERSON" or len(ent) > 4:
            continue
        words = lists()
        # A title the parser put inside the name ("Congressman Anthony Weiner") is a role.
        lead = [
            t
            for t in ent
            if t.i < ent.end - 1
            and words.abbreviations.get(t.lower_.rstrip("."), t.lower_) in words.role_words
        ]
        body = ent[len(lead) :] if lead and lead[-1].i - ent.start == len(lead) - 1 else ent
        # only a possessive "'s" goes: a name may end in "s" ("Sanders", "Jealous")
        name = re.sub(r"['’]s$", "", body.text.strip()).strip(" '’")
        left = [*doc[max(0, ent.start - 4) : ent.start], *lead]
        roles = {
            lists().abbreviations.get(t.lower_.rstrip("."), t.lower_.rstrip("."))
            for t in left
            if t.text.rstrip(".").isalpha()
        }
        roles |= {t.lower_ for t in ent.root.children if t.dep_ in {"amod", "compound"}}
        for t in ent.root.children:
            if t.dep_ == "appos":
                roles |= {w.lower_ for w in t.subtree if w.is_alpha}
        if ent.root.dep_ == "appos":
            roles |= {w.lower_ for w in ent.root.head.subtree if w.is_alpha and w.i < ent.start}
        roles |= {words.role_synonyms[r] for r in roles if r in words.role_synonyms}
        memory.people.append((name, frozenset(roles)))
        group = _group_of(doc, ent, body.start, memory)
        if group:
            memory.groups[name] = group


# "Rep. Elijah Cummings, D-Md." / "Michele Bachmann (R-Minn.)": the US party tag after a name
_PARTY_TAG = re.compile(r"\s*[,(]\s*([DR])-[A-Z]")
_PARTY_OF_TAG = {"D": "Democrats", "R": "Republicans"}


def _group_of(doc: Doc, ent: Span, start: int, memory: _Memory) -> str:
    """The group the article names a person as a member of, as written: a party tag after
    the name ("D-Md."), an organisation before the name's title ("Tea Party organizer Bill
    Hennessy", "NAACP President Ben Jealous"), or an organisation or a party's members in the
    name's appositive ("Ben Jealous, the president of the NAACP"; "Barney Frank, Democrat of
    Massachusetts"). Empty when the article names none."""
    tag = _PARTY_TAG.match(doc.text[ent.end_char : ent.end_char + 12])
    if tag:
        return _PARTY_OF_TAG[tag.group(1)]
    members = lists().party_member_words
    known = {n.split()[-1] for n, _ in memory.people if n}  # a few dozen names per article
    ents = doc.ents  # built anew on every access
    for e in ents:
        # an organisation right before the name's title ("NAACP President Ben Jealous"): one or
        # two title nouns between, never "and" ("Trump and Hillary Clinton") and never a person
        # the parser took for an organisation ("Trump adviser Michael Flynn")
        between = doc[e.end : start]
        if (
            e.label_ == "ORG"
            and 1 <= start - e.end <= 2
            and all(t.pos_ in {"NOUN", "PROPN"} for t in between)
            and e.text.split()[-1] not in known
        ):
            return e.text
    appos = [t for t in ent.root.children if t.dep_ == "appos"]
    for a in appos:
        inside = [
            e
            for e in ents
            if a.left_edge.i <= e.start
            and e.end <= a.right_edge.i + 1
            and (e.label_ == "ORG" or (e.label_ == "NORP" and e.root.lower_ in members))
            and e.text.split()[-1] not in known
        ]
        if inside:
            return inside[-1].text
        if a.lower_ in members:
            return a.text  # "Jerrold Nadler, a Democrat who represents ..."
    return ""


def with_group(party: Party, memory: _Memory) -> Party:
    """The party with the group the article named for them, when it named one."""
    if party.group or party.kind not in {AsserterKind.person, AsserterKind.institution}:
        return party
    group = memory.groups.get(party.name)
    if group is None:
        last = party.name.split()[-1] if party.name.split() else ""
        group = next((g for n, g in memory.groups.items() if n.split()[-1] == last), None)
    return replace(party, group=group) if group else party


def _full_name(surname: str, memory: _Memory) -> str | None:
    for name, _ in reversed(memory.people):
        parts = name.split()
        if len(parts) > 1 and parts[-1] == surname:
            return name
    return None


def _describe(lowered: list[str], memory: _Memory) -> str | None:
    """'the finance minister' -> the named person whose mention shares most of its words."""
    same = lists().role_synonyms
    words = {w for w in lowered if w not in {"the", "a", "an"}}
    words |= {same[w] for w in words if w in same}  # "the congressman" is the representative
    if not words & lists().role_words:
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
            memory.last_person = _named_subject(tok, memory)
            break
        if tok.dep_ == "nsubj" and tok.lemma_.lower() in lists().role_words and tok.tag_ == "NN":
            # "The minister resigned. ... he said": a role is who "he" points back to
            words = [t.text for t in _phrase(tok)]
            if words and words[0].lower() in {"the", "a", "an"}:
                words = words[1:]
            memory.last_person = Party(" ".join(words) or tok.text, AsserterKind.person)
            break
    for frame in speech.frames:
        # "according to a source ..." anywhere in the sentence is who "the source" is next
        anon = frame.speaker
        if (
            anon.kind is AsserterKind.anonymous_source
            and not anon.mention
            and anon.name.split()[0].lower() in {"a", "an"}
        ):
            memory.last_anonymous = Party(anon.name, anon.kind)
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
        memory.last_source = main.source_span
        memory.last_written = main.cue_lemma == "write"
        if has_quote:
            memory.last_quote_speaker, memory.last_quote_via = speaker, main.via
            memory.last_quote_source = main.source_span
    elif speech.carried is not None:
        memory.last_speaker, memory.last_via = speech.carried, speech.carried_via
        memory.last_source = speech.carried_source
    else:
        memory.last_speaker = memory.last_via = memory.last_source = None
        memory.last_written = False


def _continues(speaker: Party) -> bool:
    """A pronoun or description ("he", "the finance minister") picks up the previous speaker."""
    first = speaker.mention.split()[0] if speaker.mention else ""
    return bool(first) and (first[0].islower() or first.lower() == "the")


_OBJECT_DEPS = frozenset({"dobj", "attr"})


def _subject_read_as_object(verb: Token) -> Token | None:
    """A conjoined verb's own subject that the parser hung on the first verb: in "Sestak
    mentioned that he had been offered a job ..., and the White House for three months had
    refused to discuss it" (BASIL, NYT) "the White House" was parsed as "mentioned"'s
    object and "refused" as its conjunct with no subject, so the refusal went to Sestak. A
    noun phrase right after ", and" / "but", before the verb with nothing but adjuncts
    between, attached outside that stretch as an object, is the verb's subject; a time
    ("and the next day said") never is."""
    if verb.dep_ != "conj":
        return None
    doc = verb.doc
    start = next(
        (j for j in range(verb.i - 1, max(verb.i - 12, -1), -1) if doc[j].lower_ in {"and", "but"}),
        None,
    )
    if start is None or any(t.pos_ == "VERB" for t in doc[start + 1 : verb.i]):
        return None
    if any(t.is_punct for t in doc[start + 1 : verb.i]):
        return None  # a phrase set off: "Rubio and Christie -- seeking ... -- faced ..."
    for t in doc[start + 1 : verb.i]:
        if t.pos_ in {"DET", "ADJ", "NUM"} or t.dep_ == "compound":
            continue
        inside = start < t.head.i < verb.i
        first = t
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head  # "... attend the convention and others have said": "others"
        if (
            t.pos_ in {"NOUN", "PROPN"}
            and not inside
            # an object, not a noun coordinated inside a phrase or with a subject ("in
            # Massachusetts and Vermont, states that vote", "Rubio and Christie -- seeking")
            and first.dep_ in _OBJECT_DEPS
            and t.ent_type_ not in {"DATE", "TIME"}
        ):
            return t
        return None
    return None
