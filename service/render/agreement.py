"""What the page says several outlets report alike, checked before it is shown.

"— Outlet B and Outlet C" under a point is a promise that each of them reports it. The
alignment's agreed groups are points the outlets touch alike, and on real runs a group held
sentences that do not say the same thing (NeuS: "The Trump administration is working on
regulations that will require providers to tell patients how much a service will cost" beside
Outlet C's '"How much will it cost?" you ask'; BASIL: three different Blumenthal quotes in one
group). So an outlet is named under a point only when its own claims in the group carry the
point's names, numbers and most of its words (`supported_by`, the check the summary's
consensus sentences pass), and a point is listed as agreed only when two outlets do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.pipeline.similarity import content_words
from service.pipeline.summary_checks import (
    claim_texts,
    quoted_strings,
    supported_by,
    verbatim_in,
)
from service.pipeline.summary_labels import core, parsed
from service.pipeline.summary_points import same_party
from service.pipeline.summary_trim import QUOTE_CHARS, words
from service.render.wording import outlet_labels, without_credit
from service.schemas import AsserterKind, Claim, ClaimGroup, GroupStatus, Reconciliation
from service.text.speech.rules import lists

if TYPE_CHECKING:
    from spacy.tokens import Token

# A point worded as a whole sentence, not a clause cut from one ("he does not volunteer that
# his service never took him overseas", BASIL) or a bare quotation.
_PRONOUN_OPENERS = frozenset(
    "he she it they them him we i you his her its their this these those".split()
)
CORE_MAX_WORDS = 16  # a shared core is the event in a line, like the summary's headline
CORE_MIN_WORDS = 3  # content words: "Them extended for all" (BASIL) tells nothing
# A core is one outlet's words made shorter: each outlet named under it must carry all of
# them (85 % let "on Sunday morning" pass for an outlet that says "on Sunday": NeuS raters),
# not only most as for a whole sentence (`supported_by`)
CORE_SHARE = 1.0
_FRAME = re.compile(r"^(?:\S+ ){1,4}\w+: ")  # "X said: ", "X asked: ", "X saying: "


@dataclass(frozen=True)
class Agreement:
    group: ClaimGroup
    text: str
    source_ids: tuple[str, ...]  # the outlets whose own claims carry `text`
    claim_ids: tuple[str, ...]  # those outlets' claims in the group
    core: bool = False  # `text` is the shared core of a longer sentence, not a whole one


def verified_agreements(rec: Reconciliation) -> list[Agreement]:
    """Each agreed group that two or more outlets verifiably report alike, most outlets first,
    worded by its point or, when that is no whole sentence, by a member's that is."""
    claims = {c.claim_id: c for c in rec.all_claims()}
    articles = {s.source_id: s.text for s in rec.sources}
    out = []
    for g in rec.groups:
        if g.status is not GroupStatus.agreed:
            continue
        members = [claims[c] for c in g.claim_ids if c in claims]
        found = _best_wording(g, members, articles)
        if found is not None:
            out.append(found)
    out += _from_summary(rec, claims, {a.group.group_id for a in out})
    listed = {a.group.group_id for a in out}
    labels = outlet_labels(rec.sources)
    for g in rec.groups:
        if g.status is GroupStatus.agreed and g.group_id not in listed:
            members = [claims[c] for c in g.claim_ids if c in claims]
            if (found := _one_statement(g, members, articles, labels)) is not None:
                out.append(found)
    return sorted(out, key=lambda a: -len(a.source_ids))


# Of two outlets' versions of one person's statement, the share of content words they share
# (of all they use) for the two to be one statement in two wordings. Measured on the 41 stored
# runs: translations of Shoigu's statement 0.47, Sestak's and Beck's statements as two outlets
# quote them 0.50-0.78; two different statements of Beck that the alignment put together 0.35.
SAME_STATEMENT = 0.45
_SPEECH_FRAME = re.compile(r"^(?:\S+ ){1,5}(?:said|says|asked|added|declared|wrote|told \S+):\s*")


def _one_statement(
    g: ClaimGroup, members: Sequence[Claim], articles: dict[str, str], outlets: dict[str, str]
) -> Agreement | None:
    """One person's statement that two outlets give in their own words (a translation, a
    paraphrase of the same remark): listed with each outlet's words quoted, so the reader sees
    both and nothing is worded for them (seeds: Shoigu's "The Kiev regime does nothing without
    the approval of its supervisors Westerners" in the partisan site's translation, "The Kyiv
    regime does nothing without the approval of Western curators" in AFP's). Only when the
    speaker is one person under both outlets' names and the versions share most of their
    words; each version is quoted only where its article has those words."""
    first: dict[str, Claim] = {}
    for m in members:
        speaker = m.speaker
        if speaker is None or speaker.kind is not AsserterKind.person:
            return None
        first.setdefault(m.source_id, m)
    if len(first) < 2:
        return None
    names = [m.speaker.name for m in first.values() if m.speaker]
    if not all(same_party(names[0], n) for n in names[1:]):
        return None
    versions: dict[str, str] = {}
    for sid, m in first.items():
        # The person's words: the longest quotation the statement holds, else the statement
        # without its frame ('"It's not enough ...," he said' is quoted without "he said").
        quotes = [q for q in quoted_strings(m.statement) if len(words(q)) >= 4]
        text = max(quotes, key=len) if quotes else _SPEECH_FRAME.sub("", m.statement)
        text = text.strip().strip(QUOTE_CHARS + " ").rstrip(",;:")
        if any(ch in text for ch in QUOTE_CHARS) or re.search(r"(?<!\w)'|'(?!\w)", text):
            return None  # a quotation inside the words: no clean version to quote
        if not text or not verbatim_in(text, [articles.get(sid, "")]):
            return None
        versions[sid] = text
    words_of = [set(content_words(v)) for v in versions.values()]
    shared = set.intersection(*words_of)
    if len(shared) < SAME_STATEMENT * len(set.union(*words_of)):
        return None
    who = max(names, key=len)
    quoted = "; ".join(f"“{v.rstrip('.')}” ({outlets[sid]})" for sid, v in versions.items())
    return Agreement(
        g,
        f"{who}, in each outlet's words: {quoted}",
        tuple(versions),
        tuple(m.claim_id for m in first.values()),
    )


def _from_summary(
    rec: Reconciliation, claims: dict[str, Claim], listed: set[str]
) -> list[Agreement]:
    """The summary's sentences credited to two or more outlets whose group the page has not
    listed: each passed the same check per outlet (`supported_by`, quotations verbatim in each
    article) when the summary was written, so the page does not say "0 points reported alike"
    under a summary that credits a point to two outlets ("Etheridge also said: 'I deeply and
    profoundly regret my reaction ...' (HuffPost, New York Times)", BASIL: each article frames
    the quotation in its own words, so no whole sentence of the group is both outlets')."""
    groups = {g.group_id: g for g in rec.groups}
    out = []
    for s in rec.summary.sentences:
        g = groups.get(s.group_id or "") or next(
            (g for g in rec.groups if s.claim_ids and set(s.claim_ids) <= set(g.claim_ids)),
            None,
        )
        text = _without_credit(_ALSO_SAID.sub(r"\1 said", s.text))
        if g is None or g.group_id in listed or len(set(s.source_ids)) < 2 or text is None:
            continue
        if g.status is not GroupStatus.agreed or ";" in text:
            continue  # a merged pair of points, or a difference, is no single agreed point
        ids = tuple(c for c in s.claim_ids if c in claims)
        sources = tuple(dict.fromkeys(claims[c].source_id for c in ids))
        if len(sources) > 1:
            out.append(Agreement(g, text, sources, ids))
            listed.add(g.group_id)
    return out


# Said again in the summary ("Etheridge also said: ..."), said once in a list of points.
_ALSO_SAID = re.compile(r"^(\S+(?: \S+){0,3}) (?:also said|added)\b")


def _without_credit(sentence: str) -> str | None:
    """The sentence without the closing "(Outlet A, Outlet B)." that credits it
    (`wording.without_credit`), as a sentence; None when it does not end on one."""
    body = sentence.rstrip(". ")
    text = without_credit(sentence)
    if not body.endswith(")") or text == body:
        return None
    return text + ("" if text.endswith((".", "?", "!", '"', "”")) else ".")


def _best_wording(
    g: ClaimGroup, members: Sequence[Claim], articles: dict[str, str]
) -> Agreement | None:
    """A whole sentence of the group that two outlets carry; else the core of one (its verb
    with subject and objects, `summary_labels.core`) that two carry. Outlets tell one event
    with different details ("Hope Hicks, one of Trump's most trusted confidants, will return
    to the White House to work directly for ... Jared Kushner" / "... is returning to the
    White House as the president works to surround himself with loyalists" / "... is set to
    return to the White House in a different role", NeuS), so no whole sentence passes for
    two of them, and the page said "0 points reported alike"; "Hope Hicks will return to the
    White House" passes for all three. A core is checked like any wording, and shown as the
    point the outlets share, never as one outlet's sentence."""
    texts = list(dict.fromkeys([g.point, *(c.statement for c in members)]))
    for text in texts:
        if whole_sentence(text) and (found := _carried(text, g, members, articles)):
            return found
    for text in texts:
        # the longest core each named outlet carries nearly word for word: trailing phrases
        # go one at a time ("... was reportedly stopped by authorities in Europe this week"
        # is not what Outlet B, "stopped on his way to Sweden", says; "... was reportedly
        # stopped" is)
        if _FRAME.match(text):
            continue  # a person's words are not shortened
        if not _kernel_shared(text, g, members):
            continue  # no core can be carried by two outlets: not worth the parses below
        most = CORE_MAX_WORDS
        while most > CORE_MIN_WORDS:
            short = core(text, most)
            if short is None:
                break
            most = len(words(short)) - 1  # the next try is the next shorter core, at once
            if short == text.rstrip(". ") or not whole_sentence(short) or _cut_of(short, text):
                continue
            if _drops_a_limit(short, text):
                break  # a "without"/"not" phrase is never left out
            if len(content_words(short)) < CORE_MIN_WORDS:
                break
            if not _keeps_a_named_subject(text, short):
                break
            if found := _carried(short, g, members, articles, is_core=True):
                return found
    return None


def _kernel_shared(text: str, g: ClaimGroup, members: Sequence[Claim]) -> bool:
    """Two outlets' claims carry the words every core of `text` keeps: the main verb and its
    subject's head (a cheap test before the cores are built, which parse each candidate)."""
    root, subj = _main_verb(text)
    if root is None:
        return False
    need = content_words(" ".join(t.text for t in (root, subj) if t is not None))
    carried = sum(
        need <= _words_of([c for c in members if c.source_id == sid]) for sid in g.source_ids
    )
    return carried >= 2


def _main_verb(text: str) -> tuple[Token | None, Token | None]:
    """The parse's root and the root's subject (either may be missing)."""
    root = next((t for t in parsed(text) if t.dep_ == "ROOT"), None)
    if root is None:
        return None, None
    return root, next((c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}), None)


def _words_of(claims: Sequence[Claim]) -> set[str]:
    """The content words of what these claims say (statements, evidence, holders)."""
    have: set[str] = set()
    for c in claims:
        for t in claim_texts(c):
            have |= content_words(t)
    return have


def _named_subject(text: str) -> bool | None:
    """Whether the main verb's subject names someone (a proper noun in it); None: no subject."""
    subj = _main_verb(text)[1]
    return None if subj is None else any(t.pos_ == "PROPN" for t in subj.subtree)


def _keeps_a_named_subject(text: str, short: str) -> bool:
    """A core whose subject lost the name the sentence gave it tells nothing ("A group issued
    its own resolution Tuesday" from "A group called the St. Louis Tea Party issued ...",
    BASIL); one whose subject never had a name stays ("A gunman opened fire at a church in
    Texas on Sunday morning", NeuS)."""
    return _named_subject(short) is not False or _named_subject(text) is not True


# Words whose phrase limits or reverses the clause: "The Kiev regime does nothing [without the
# approval of its supervisors]" (seeds) says the opposite without it.
_LIMITS = frozenset("without not no never except unless only but nor".split())


def _drops_a_limit(short: str, text: str) -> bool:
    kept = {w.lower() for w in re.findall(r"[\w']+", short)}
    return any(w.lower() in _LIMITS and w.lower() not in kept for w in re.findall(r"[\w']+", text))


def _cut_of(short: str, text: str) -> bool:
    """The core ends on a noun whose "of" phrase was cut ("President Trump on Friday blocked
    the release" from "... the release of a classified Democratic memo", NeuS)."""
    last = short.rstrip(". ").split()[-1]
    return re.search(rf"\b{re.escape(last)}\s+of\b", text) is not None


def _core_carried(text: str, claims: Sequence[Claim]) -> bool:
    """All of the core's words and phrases are in these claims, and none of them limits what
    the core says ("does nothing without the approval of ..." does not carry "does
    nothing")."""
    if any(_drops_a_limit(text, c.statement) for c in claims):
        return False
    return _share(text, claims) >= CORE_SHARE and _phrases_carried(text, claims)


def _phrases_carried(text: str, claims: Sequence[Claim]) -> bool:
    """Each prepositional phrase of the core ("to the White House", "in Texas") is word for
    word in one of these claims: a bag of words let "Special counsel Robert Mueller has
    impaneled a grand jury in Washington" pass for the outlet whose sentence says the news "has
    shaken Washington", and "... on Sunday morning" for the one that says only "on Sunday"
    (NeuS raters, both forms)."""
    said = [_flat(t) for c in claims for t in claim_texts(c)]
    for tok in parsed(text):
        if tok.dep_ != "prep" or not any(ch.dep_ == "pobj" for ch in tok.children):
            continue
        phrase = _flat("".join(t.text_with_ws for t in tok.subtree))
        if not any(phrase in s for s in said):
            return False
    return True


def _flat(text: str) -> str:
    """Words only, lower case, one space each side: "in Texas," in a claim is "in texas"."""
    return (
        " " + " ".join(re.sub(r"[^\w'$%]+", " ", re.sub(r"[’‘]", "'", text)).lower().split()) + " "
    )


def _share(text: str, claims: Sequence[Claim]) -> float:
    """The share of the text's content words these claims carry."""
    mine = content_words(text)
    return len(mine & _words_of(claims)) / len(mine) if mine else 0.0


def _carried(
    text: str,
    g: ClaimGroup,
    members: Sequence[Claim],
    articles: dict[str, str],
    *,
    is_core: bool = False,
) -> Agreement | None:
    """The agreement when two or more outlets' own claims carry `text`."""
    quoted = quoted_strings(text)
    carried = []
    for sid in g.source_ids:
        own = [c for c in members if c.source_id == sid]
        if (
            supported_by(text, own)
            and (not is_core or _core_carried(text, own))
            # quotation marks promise the outlet's own words, in each outlet named
            and all(verbatim_in(q, [articles.get(sid, "")]) for q in quoted)
        ):
            carried.append(sid)
    sids = tuple(carried)
    if len(sids) < 2:
        return None
    ids = tuple(c.claim_id for c in members if c.source_id in sids)
    return Agreement(g, text, sids, ids, core=is_core)


def whole_sentence(text: str) -> bool:
    """Starts as a sentence, and so do a speaker's words after "X said: " ("A.G. said: said he
    had misspoken", "Glenn Beck asked: what America is suffering from", BASIL: a frame around
    a cut clause), with its quotation marks paired."""
    words = text.lstrip("".join(QUOTE_CHARS)).split()
    if not words or not words[0][:1].isupper() or words[0].lower() in _PRONOUN_OPENERS:
        return False
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return False  # a quotation cut at one end ("... the Obama agenda?”", BASIL)
    if _second_complement(text):
        return False
    m = _FRAME.match(text)
    return m is None or text[m.end() : m.end() + 1].isupper() or text[m.end() :][:1] in QUOTE_CHARS


def _second_complement(text: str) -> bool:
    """The text is what someone said, cut after the reporting verb: its second clause opens
    on "but that" / "and that" and nothing before it introduces a first one (no reporting verb,
    no "that", "if" or "whether"): 'Hicks will be a "counselor to the president," but that she
    will not be in the communications office' (NeuS, from "... which said Hicks will be ...");
    "GOP moderates may be pliable — and that Democratic efforts ... shouldn't end with ..."
    (PolNeAR train). Not "Rubio says he opposes gun violence but that ..." nor "It should have
    been common sense that this school was fraudulent, and that ..."."""
    if " that " not in text:
        return False
    doc = parsed(text)
    second = next(
        (
            t
            for t in doc
            if t.lower_ == "that"
            and t.dep_ == "mark"
            and t.i > 0
            and doc[t.i - 1].lower_ in {"but", "and"}
        ),
        None,
    )
    if second is None:
        return False
    reporting = lists().speech_verbs | lists().position_verbs
    return not any(
        t.lemma_.lower() in reporting or t.lower_ in {"that", "if", "whether"}
        for t in doc[: second.i - 1]
    )


def side_wording(version: str, claims: Sequence[Claim]) -> str:
    """A side of a difference as the reader sees it: its version when that is a whole
    sentence, else the article's own sentence it was cut from, when that one is whole and the
    side rests on one claim ('he had served "in Vietnam" an "outrageous distortion" on his
    record' is the end of "Blumenthal's campaign called a New York Times report ... an
    'outrageous distortion' on his record.", BASIL). A sentence that opens on a pronoun ("It
    did not elaborate ..., and a source close to Lecornu was quick to deny ...", seeds) is no
    better than the fragment, which then stays."""
    if whole_sentence(version) or len(claims) != 1 or len(claims[0].evidence) != 1:
        return version
    sentence = claims[0].evidence[0].text.strip()
    if not content_words(version) <= content_words(sentence):
        return version  # not cut from this sentence (a NeuS excerpt's evidence and claim differ)
    return sentence if whole_sentence(sentence) else version


def left_out_points(rec: Reconciliation) -> dict[str, list[tuple[str, str]]]:
    """Per outlet, (group id, wording) of each point it leaves out that another reports, as
    the page and the Markdown report both list it: not a point the outlet has a claim in (the
    seeds' "What AFP leaves out" had listed two points AFP reports), and worded whole
    (`side_wording`: a clause cut from its sentence, 'Hicks will be a "counselor to the
    president," but that she will not be ...', NeuS, is shown as the article's sentence)."""
    groups = {g.group_id: g for g in rec.groups}
    claims = {c.claim_id: c for c in rec.all_claims()}
    out: dict[str, list[tuple[str, str]]] = {}
    for account in rec.accounts:
        reported = {c.claim_id for c in (*account.claims, *account.editorial)}
        left = out.setdefault(account.source_id, [])
        for gid in account.omits:
            g = groups.get(gid)
            if g is None or reported & set(g.claim_ids):
                continue
            members = [claims[c] for c in g.claim_ids if c in claims]
            left.append((gid, side_wording(g.point, members)))
    return out
