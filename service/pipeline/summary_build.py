"""The summary's building blocks: a sentence under construction (`Item`, with its place in
the reading order and the claims whose words it uses) and the `Builder` that words claims into
clauses, credits each clause to every outlet that supports it, and checks every sentence it
makes (`summary_checks.sentence_problems`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.pipeline.accounts import first_sentences
from service.pipeline.summary_checks import (
    key_terms,
    quoted_strings,
    sentence_problems,
    supported_by,
    verbatim_in,
)
from service.pipeline.summary_labels import epithets
from service.pipeline.summary_text import Clause, cap, clause, credit, full_stop, lowered
from service.pipeline.summary_trim import opens_on_quote, words
from service.schemas import (
    AsserterKind,
    Claim,
    ClaimKind,
    Source,
    SummaryKind,
)
from service.text.quotes import unquoted
from service.text.screen import CitedMaterial, loaded_words
from service.text.speech import pos_tags

# A hedge in the outlet's own narration: the outlet reports what others report.
_HEDGE = re.compile(r"\b(?:reportedly|allegedly|purportedly|supposedly)\b", re.IGNORECASE)
TRAILING_FRAME = "frame.speech_verb_trailing"  # "..., he said." (speech rules.yaml)
MEMBERS_TRIED = 6  # claims of one point tried for its wording
PIECE_SHARE = 0.6  # a claim under this share of its sentence's length is a piece of it


# A point stated by `Builder.point`: (text with its credit, cited claim ids, the claim whose
# words it uses, that claim's clause without the credit).
Stated = tuple[str, list[str], Claim, str]


@dataclass
class Item:
    """One summary sentence under construction, with its place in the reading order."""

    order: tuple[int, int]
    kind: SummaryKind
    text: str
    claim_ids: list[str]
    group_id: str | None
    worded: list[Claim]  # the claims whose words the sentence uses (each used once)
    written_by: str = "template"
    body: str = ""  # a lead's clause without its credit (the headline's source)
    fallback: Item | None = None  # a plainer version to try when this one fails a check
    aside: bool = False  # shown only to hear from every outlet: never the lead
    headline: bool = False  # tells its outlet's headline (`summary_select.headline_claims`)
    voice: str = ""  # the surname of a person several outlets quote (`shared_voices`)

    @property
    def n_words(self) -> int:
        return len(words(self.text))

    @classmethod
    def of(
        cls,
        order: tuple[int, int],
        kind: SummaryKind,
        stated: Stated,
        group_id: str | None,
        *,
        aside: bool = False,
    ) -> Item:
        """The sentence for a stated point: its text as a sentence, the claim it words."""
        text, ids, worded, body = stated
        return cls(
            order, kind, full_stop(cap(text)), ids, group_id, [worded], body=body, aside=aside
        )


class Builder:
    """Words the claims into clauses and checks every sentence it makes."""

    def __init__(self, sources: Sequence[Source], claims: dict[str, Claim]) -> None:
        self.sources = {s.source_id: s for s in sources}
        self.claims = claims
        self.outlet = {s.source_id: s.outlet for s in sources}
        self.articles = tuple(s.text.lower() for s in sources)
        self.used: set[str] = set()
        self.dropped: list[str] = []
        self.first = first_sentences(claims.values())  # each article's first claim sentence
        self._mid_capital: dict[str, bool] = {}  # see _capital_mid_sentence
        self.last: dict[str, int] = {}
        # Who closes each sentence with a cue on words not quoted ("..., he said."): a
        # person's words told in the outlet's own words, sentence after sentence
        self._speakers: dict[tuple[str, int], set[str]] = {}
        for c in claims.values():
            if c.sentence_ids:
                self.last[c.source_id] = max(self.last.get(c.source_id, 0), c.sentence_ids[0])
                if (
                    c.speaker is not None
                    and c.speaker.kind is not AsserterKind.outlet
                    and TRAILING_FRAME in c.rule_ids
                    and not opens_on_quote(c.statement.lstrip())
                ):
                    key = (c.source_id, c.sentence_ids[0])
                    # by surname: the parser may read "Mo Elleithee" as a body, "Elleithee" not
                    self._speakers.setdefault(key, set()).add(c.speaker.name.split()[-1].lower())

    def place(self, claim: Claim) -> float:
        """Where in its article the claim is told: 0 at its first claim sentence, 1 at its
        last. A news article tells the event and its context before the details."""
        if not claim.sentence_ids:
            return 1.0
        first = self.first.get(claim.source_id, 0)
        span = self.last.get(claim.source_id, first) - first
        return (claim.sentence_ids[0] - first) / span if span > 0 else 0.0

    def opens_its_article(self, claim: Claim, within: int) -> bool:
        """The claim is in its article's first `within` claim-bearing sentences."""
        return bool(claim.sentence_ids) and (
            claim.sentence_ids[0] < self.first[claim.source_id] + within
        )

    def between_one_speakers_words(self, claim: Claim) -> bool:
        """The outlet's own sentence sits between two sentences that close on one person's
        cue ("But both parties are to blame, he said. The Democrats tax and spend, while the
        Republicans just spend. People are losing a fundamental belief ..., he said.", BASIL,
        NYT on Beck):
        it may be that person's words, reported without a cue. Shown as the outlet's it would
        state them as fact (BASIL raters, rounds 23-25: "Beck's view stated as fact"), so the
        summary leaves it out; the accounts keep it as the outlet's (a rule that credits it
        to the speaker was measured and dropped: it was wrong too often on PolNeAR train)."""
        if claim.speaker is not None or not claim.sentence_ids:
            return False
        n = claim.sentence_ids[0]
        before = self._speakers.get((claim.source_id, n - 1), set())
        after = self._speakers.get((claim.source_id, n + 1), set())
        return bool(before & after)

    def clause(self, claim: Claim) -> Clause | None:
        if self.between_one_speakers_words(claim):
            return None
        c = clause(claim, self.sources[claim.source_id])
        if c is None or self.epithets(c.text, claim):
            # Outside quotation marks an outlet's label for a person ("bombastic … Glenn
            # Beck") is framing, whoever the clause is about; quoted words stay the speaker's.
            return None
        return c

    def epithets(self, text: str, claim: Claim) -> list[str]:
        """Adjectives only one outlet uses that label a named party (`epithets`)."""
        unique = set(self.loaded_opening(text, [claim]))
        return epithets(pos_tags(unquoted(text)), unique)

    def loaded_opening(self, text: str, cited: Sequence[Claim]) -> list[str]:
        """`loaded` for words that open a sentence, lower-cased first: the loaded-word screen
        reads a capital as a proper adjective ("Turkish"), which a sentence's first word need
        not be ("Bombastic host …")."""
        first = text.split(" ", 1)[0]
        if first[:1].isupper() and self._capital_mid_sentence(first):
            return self.loaded(text, cited)  # "Iraqi lawmakers": capitalised mid-sentence too
        return self.loaded(text[:1].lower() + text[1:], cited)

    def _capital_mid_sentence(self, word: str) -> bool:
        """Some article writes the word capitalised mid-sentence before a lower-case word (not
        a headline's title case). Asked for every candidate wording, so remembered."""
        if word not in self._mid_capital:
            pattern = re.compile(rf"(?<=[a-z,;] ){re.escape(word)}\s+[a-z]")
            self._mid_capital[word] = any(pattern.search(s.text) for s in self.sources.values())
        return self._mid_capital[word]

    def loaded(self, text: str, cited: Sequence[Claim]) -> list[str]:
        """Loaded words in the summary's own voice (quoted words stay the outlet's)."""
        plain = unquoted(text)
        texts = tuple(t for c in cited for t in (c.statement, *(e.text for e in c.evidence)))
        return loaded_words(
            plain, CitedMaterial(texts=texts, articles=self.articles), pos_tags(plain)
        )

    def credited(self, c: Clause, members: Sequence[Claim]) -> tuple[str, list[str]]:
        """The clause with its credit: its own outlet, and each other outlet among `members`
        whose claims carry every name and number of the clause."""
        by_source: dict[str, list[Claim]] = {}
        for m in members:
            by_source.setdefault(m.source_id, []).append(m)
        ids = [c.claim.claim_id]
        names = [self.outlet[c.claim.source_id]]
        if by_source.keys() - {c.claim.source_id} and self.loaded(c.text, members):
            # Credited to several outlets, the words must be no one outlet's wording.
            by_source = {}
        quoted = quoted_strings(c.text)
        named = bool(key_terms(c.text))  # a clause with no name or number is credited to none
        for sid, ms in by_source.items():
            if sid == c.claim.source_id:
                continue
            if quoted and not all(verbatim_in(q, [self.sources[sid].text]) for q in quoted):
                continue  # quoted words are credited only to an outlet that has them
            # One claim of the outlet must carry it, and is the one cited (the sentence's checks
            # read the cited claims): the outlet's first member of the group may be another of
            # its sentences ("The U.S. job market strengthened ..." for "266,000 jobs were
            # added", NeuS), and words gathered from several of its sentences ("Wednesday" from
            # one, the warning from another) are not its report of the point.
            carrier = next((m for m in ms if supported_by(c.text, [m])), None) if named else None
            if carrier is not None:
                names.append(self.outlet[sid])
                ids.append(carrier.claim_id)
        return f"{c.text.rstrip(',;: ')} {credit(names)}", ids

    def point(
        self,
        members: Sequence[Claim],
        *,
        prefer_outlet: bool,
        among: Sequence[Claim] | None = None,
    ) -> Stated | None:
        """A point stated once, from the member claim whose clause the most outlets support
        (then: the outlet's own narration first for a fact, a named holder first for a
        version of a dispute; then the shortest), credited to every outlet that supports it.
        `among`: the claims credit is looked for in, when wider than `members`."""
        best: tuple[tuple[bool, int, bool, int, bool, bool, int], str, list[str], Claim, str] | None
        best = None
        for m in sorted(members, key=lambda m: len(m.statement))[:MEMBERS_TRIED]:
            c = self.clause(m)
            if c is None:
                continue
            text, ids = self.credited(c, among or members)
            narration = c.who is None
            cited = [self.claims[i] for i in ids if i in self.claims]
            rank = (
                # A wording that could not stand on its own ("The new report said ..." with no
                # report named) last: the point is then worded from another member.
                bool(sentence_problems(full_stop(cap(text)), cited, self.sources)),
                -len(ids) if prefer_outlet else int(narration),
                # The event in the summary's own voice: a member free of loaded words (the style
                # guides' terms, editorial markers, adjectives only its outlet uses) first
                # ("Lawmakers in Iraq heeded the demands of angry citizens" had led over "Iraqi
                # lawmakers approved a resolution Sunday calling to expel U.S. troops"; NeuS
                # raters: "carries Outlet A's characterisation of the vote into the lead").
                prefer_outlet and bool(self.loaded_opening(c.text, [m])),
                int(not narration) if prefer_outlet else -len(ids),
                m.claim_id in self.used,
                # A whole sentence tells the point whole; the shortest member can be a piece of
                # a sentence split at "but" that points back ("Trump reviewed the rebuttal just
                # as he did the Republican-authored memo", NeuS: it led the summary).
                prefer_outlet and _piece(m),
                len(c.text),
            )
            if best is None or rank < best[0]:
                best = (rank, text, ids, m, c.text)
        if best is None:
            return None
        if (
            not prefer_outlet
            and best[3].asserter.kind is AsserterKind.outlet
            and (best[3].speaker is None or best[3].kind is ClaimKind.reported_fact)
        ):
            # A point told in an outlet's own voice: say whose it is. That includes the outlet's
            # own description of what someone did or said ("Choïgu insisted to Lecornu on
            # possible French involvement"): the characterisation is the outlet's.
            if _HEDGE.search(unquoted(best[4])):
                # The outlet already says it does not vouch ("Richard Spencer was reportedly
                # stopped ..."): "Outlet A reports that ... was reportedly ..." says it twice
                # (NeuS raters: "doubles the hedging"); its credit closes the sentence instead.
                return best[1], best[2], best[3], best[4]
            outlet = self.outlet[best[3].source_id]
            body = lowered(best[4], self.sources[best[3].source_id]).rstrip(",;: ")
            return f"{outlet} reports that {body}", best[2], best[3], best[4]
        return best[1], best[2], best[3], best[4]

    def accept(self, item: Item, done: Sequence[Item], *, later: list[Item] | None = None) -> bool:
        """Whether the sentence passes every check. With `later`, a sentence whose only
        problem is a surname not yet introduced is set aside there, to be tried again once
        the other sentences (one of which may introduce the person) are in."""
        cited = [self.claims[c] for c in item.claim_ids]
        problems = sentence_problems(item.text, cited, self.sources, earlier=[d.text for d in done])
        if (
            later is not None
            and problems
            and all(p.rule_id == "name_unintroduced" for p in problems)
        ):
            later.append(item)
            return False
        if problems:
            self.dropped.append(f"{item.text[:60]}…: {problems[0]}")
            return False
        return True


def _piece(claim: Claim) -> bool:
    """The claim is a piece of its sentence (the rest went to another claim)."""
    whole = sum(len(e.text) for e in claim.evidence)
    return bool(whole) and len(claim.statement) < PIECE_SHARE * whole
