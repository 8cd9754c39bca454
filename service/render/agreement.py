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

from service.pipeline.summary_checks import quoted_strings, supported_by, verbatim_in
from service.pipeline.summary_trim import QUOTE_CHARS
from service.schemas import Claim, ClaimGroup, GroupStatus, Reconciliation

# A point worded as a whole sentence, not a clause cut from one ("he does not volunteer that
# his service never took him overseas", BASIL) or a bare quotation.
_PRONOUN_OPENERS = frozenset("he she it they his her its their this these those".split())
_FRAME = re.compile(r"^(?:\S+ ){1,4}\w+: ")  # "X said: ", "X asked: ", "X saying: "


@dataclass(frozen=True)
class Agreement:
    group: ClaimGroup
    text: str
    source_ids: tuple[str, ...]  # the outlets whose own claims carry `text`
    claim_ids: tuple[str, ...]  # those outlets' claims in the group


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
    return sorted(out, key=lambda a: -len(a.source_ids))


def _best_wording(
    g: ClaimGroup, members: Sequence[Claim], articles: dict[str, str]
) -> Agreement | None:
    for text in dict.fromkeys([g.point, *(c.statement for c in members)]):
        if not whole_sentence(text):
            continue
        sids = tuple(
            sid
            for sid in g.source_ids
            if supported_by(text, [c for c in members if c.source_id == sid])
            # quotation marks promise the outlet's own words, in each outlet named
            and all(verbatim_in(q, [articles.get(sid, "")]) for q in quoted_strings(text))
        )
        if len(sids) >= 2:
            ids = tuple(c.claim_id for c in members if c.source_id in sids)
            return Agreement(g, text, sids, ids)
    return None


def whole_sentence(text: str) -> bool:
    """Starts as a sentence, and so do a speaker's words after "X said: " ("A.G. said: said he
    had misspoken", "Glenn Beck asked: what America is suffering from", BASIL: a frame around
    a cut clause), with its quotation marks paired."""
    words = text.lstrip("".join(QUOTE_CHARS)).split()
    if not words or not words[0][:1].isupper() or words[0].lower() in _PRONOUN_OPENERS:
        return False
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return False  # a quotation cut at one end ("... the Obama agenda?”", BASIL)
    m = _FRAME.match(text)
    return m is None or text[m.end() : m.end() + 1].isupper() or text[m.end() :][:1] in QUOTE_CHARS


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
    return sentence if whole_sentence(sentence) else version
