"""Step 1: the per-source account, decided by code.

Each analysable sentence is read through its reported-speech frames (`service.text.speech`,
a dependency parse): a frame gives who speaks, through which channel, and the span of what is
reported. Claims are built from those frames, so every claim's evidence and every quote is a
verbatim slice of the article by construction, and attribution never depends on a small
model's guess. No model call is made in this step.

Who a claim is credited to (`asserter`) is its *sourcing*, the party the outlet names as the
origin of the information:
- the channel when one is named ("..., the ministry said"; "according to X"; "X told AFP");
- otherwise the speaker, when the speaker is a body or an unnamed source ("the city said",
  "officials said", "a source close to X");
- otherwise the outlet itself, reporting on its own authority what a named person said or
  did ("the mayor has acknowledged ..."). The person is then kept as the claim's `speaker`, and the
  statement keeps the reporting frame ("the mayor acknowledged: ..."), so it is never read as the
  outlet asserting the content.
Sentences with no frame are the outlet's own voice: a reported fact, or an opinion when it
carries an editorial marker (certainty, prediction, loaded characterisation).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from service.pipeline.guards import (
    ENGLISH,
    guard_account,
    outlet_voice_only,
    set_aside_injected,
)
from service.pipeline.progress import Progress, ProgressCallback
from service.schemas import (
    Asserter,
    AsserterKind,
    Claim,
    ClaimKind,
    Quote,
    RunWarning,
    Source,
    SourceAccount,
    Span,
)
from service.text.editorial import BOILERPLATE, CAPTION, POINTER, editorial_marker
from service.text.lead_ins import hedge_before, lead_in_before
from service.text.quotes import find_quotes
from service.text.speech import Frame, Party, SentenceSpeech, analyse_article, is_denial_text

OUTLET_VOICE = "the outlet"
MAX_CLAIMS_PER_SENTENCE = 4
MAX_STATEMENT_WORDS = 80
MIN_CLAIM_WORDS = 4  # a shorter sentence ("Read more.", a byline) carries no claim


def analysable(source: Source) -> list[int]:
    """Sentence ids that can carry claims: not boilerplate, a caption, a headline or a fragment."""
    ids = []
    for i, span in enumerate(source.sentences, 1):
        text = span.text.strip()
        if len(text.split()) < MIN_CLAIM_WORDS or BOILERPLATE.search(text) or CAPTION.search(text):
            continue
        if POINTER.match(text):
            continue  # "Watch the video above.", "Here's an excerpt from the Times report:"
        if source.title and " ".join(text.split()) == " ".join(source.title.split()):
            continue  # a headline is the outlet's framing of the story, not a reported claim
        ids.append(i)
    return ids


async def build_account(
    source: Source,
    *,
    warnings: list[RunWarning],
    progress: ProgressCallback,
) -> SourceAccount:
    # --- guards (pipeline/guards.py, issue 19.8-9): a non-English article is not parsed by
    # the English rules; text addressed to a model is set aside, with a warning.
    if source.language == ENGLISH:
        # The parse is CPU work: keep it off the event loop (the HTTP server stays responsive).
        speech = await asyncio.to_thread(analyse_article, source.text, source.sentences)
    else:
        speech = outlet_voice_only(source)
    set_aside = set_aside_injected(source, warnings)
    wanted = set(analysable(source)) - set(set_aside)
    # A headline in "<source>: <claim>" form ("Graham: Trump's rhetoric destroying GOP's
    # chance", PolNeAR) is that source's claim, not the outlet's framing: it is kept as the
    # party's (never in the outlet's voice; the summary still never uses a headline).
    wanted |= {
        s.sentence_id
        for s in speech
        if s.sentence_id not in set_aside
        and s.main is not None
        and "frame.colon_speaker" in s.main.rule_ids
        and len(source.sentences[s.sentence_id - 1].text.split()) >= MIN_CLAIM_WORDS
    }
    # --- end of guards
    skipped_long = [s.sentence_id for s in speech if s.sentence_id in wanted and s.too_long]
    if skipped_long:
        warnings.append(
            RunWarning(
                step="accounts",
                source_id=source.source_id,
                message=f"sentences {skipped_long[:10]} are too long to parse for attribution "
                "(run-on text without punctuation?); they are kept in the outlet's voice",
            )
        )
    account = assemble_account(source, [s for s in speech if s.sentence_id in wanted])
    account = guard_account(account, source, set_aside)  # guards, issue 19.8-9
    progress(Progress("accounts", len(source.sentences), len(source.sentences), source.source_id))
    return account


def assemble_account(source: Source, speech: Sequence[SentenceSpeech]) -> SourceAccount:
    """Claims and quotes from the sentences' frames (pure, testable)."""
    claims: list[Claim] = []
    quotes: list[Quote] = []
    seen: set[str] = set()
    for s in speech:
        span = source.sentences[s.sentence_id - 1]
        since = source.sentences[s.sentence_id - 2].end if s.sentence_id > 1 else 0
        cut = lead_in_before(source.text, span.start, since)  # a dateline cut from the unit
        drafts = _sentence_claims(source, span, s)
        if cut:
            drafts = [d._replace(rules=(*d.rules, cut)) for d in drafts]
        sentence_quotes = _quotes(source, span, s, start_index=len(quotes) + 1)
        quotes += sentence_quotes
        for draft in drafts[:MAX_CLAIMS_PER_SENTENCE]:
            statement, kind, asserter, speaker, cue = draft[:5]
            key = " ".join(statement.lower().split())
            if key in seen:
                continue  # one claim per statement
            seen.add(key)
            mine = [
                q.quote_id
                for q in sentence_quotes
                if speaker is None or q.speaker in {None, speaker.name}
            ]
            claims.append(
                Claim(
                    claim_id=f"{source.source_id}.C{len(claims) + 1}",
                    source_id=source.source_id,
                    statement=statement,
                    kind=kind,
                    asserter=asserter,
                    speaker=speaker,
                    cue=cue,
                    sentence_ids=[s.sentence_id],
                    evidence=[span],
                    quote_ids=mine,
                    **_parts(source.text, span, draft),
                )
            )
    return SourceAccount(
        source_id=source.source_id,
        outlet=source.outlet,
        claims=[c for c in claims if c.kind is not ClaimKind.opinion],
        editorial=[c for c in claims if c.kind is ClaimKind.opinion],
        quotes=quotes,
    )


class _Draft(NamedTuple):
    statement: str
    kind: ClaimKind
    asserter: Asserter
    speaker: Asserter | None
    cue: str | None
    frame: Frame | None = None  # the frame it comes from, for the parts' spans
    rules: tuple[str, ...] = ()  # rule ids besides the frame's
    source: tuple[int, int] | None = None  # a carried speaker's mention, in an earlier sentence


def _parts(text: str, sentence: Span, draft: _Draft) -> dict[str, Span | list[str] | None]:
    """The claim's source, cue and content spans and its rule ids (PolNeAR/PARC parts)."""

    def span(r: tuple[int, int] | None) -> Span | None:
        return Span(start=r[0], end=r[1], text=text[r[0] : r[1]]) if r else None

    frame = draft.frame
    kind = ("kind.denial",) if draft.kind is ClaimKind.denial else ()
    if frame is None:
        content = (sentence.start, sentence.end) if draft.speaker is not None else None
        carried = ("carry.mention",) if draft.source else ()
        return {
            "source_span": span(draft.source),
            "content_span": span(content),
            "rule_ids": [*draft.rules, *carried, *kind],
        }
    cue = frame.cue_span
    hedge = ("cue.hedged",) if cue and hedge_before(text, cue[0]) else ()
    return {
        "source_span": span(frame.source_span),
        "cue_span": span(cue),
        "content_span": span((frame.content_start, frame.content_end)),
        "rule_ids": list(dict.fromkeys((*frame.rule_ids, *draft.rules, *kind, *hedge))),
    }


def _sentence_claims(source: Source, span: Span, s: SentenceSpeech) -> list[_Draft]:
    sentence = " ".join(span.text.split())
    out: list[_Draft] = []
    plain = [f for f in s.frames if not f.refers_back]
    for frame in s.frames:
        if len(plain) > 1 and _outlet_reports_person(frame):
            # A person's several statements in one sentence ("X told Y that A and said: B"):
            # one claim each, so that each can be compared with what other outlets report.
            # The first keeps the sentence up to its end; the others name the speaker.
            if frame is plain[0]:
                statement = span.text[: max(0, frame.content_end - span.start)]
            else:
                statement = f"{frame.speaker.name} {frame.cue}: {frame.text}"
            out.append(_person_claim(frame, statement))
            continue
        out.append(_frame_claim(frame, span))
    if not s.frames and s.carried is not None:
        # A quotation with no cue continues the previous quotation's speaker.
        cue = "wrote" if s.carried_written else "said"
        carried = _frame_claim_from(s.carried, s.carried_via, sentence, cue, denial=False)
        grouped = ("speaker.group",) if s.carried.group else ()
        out.append(carried._replace(rules=(s.carried_rule, *grouped), source=s.carried_source))
    elif s.outlet_text and (not s.frames or len(s.outlet_text.split()) >= 6):
        marker = editorial_marker(span.text)
        kind = ClaimKind.opinion if marker else ClaimKind.reported_fact
        rule = "outlet.editorial_marker" if marker else "outlet.voice"
        rules = (rule, *s.outlet_rules)
        out.append(_Draft(_clip(s.outlet_text), kind, _outlet(), None, None, rules=rules))
    return out


def _outlet_reports_person(frame: Frame) -> bool:
    return frame.via is None and frame.speaker.kind is AsserterKind.person and not frame.refers_back


def _person_claim(frame: Frame, statement: str) -> _Draft:
    denial = frame.denial or is_denial_text(frame.text)
    kind = ClaimKind.denial if denial else ClaimKind.attributed_claim
    return _Draft(_clip(statement), kind, _outlet(), _asserter(frame.speaker), frame.cue, frame)


def _frame_claim(frame: Frame, span: Span) -> _Draft:
    sentence = span.text
    if _outlet_reports_person(frame):
        # The outlet reporting, on its own authority, what a named person said: the whole
        # sentence is the claim ("Regarding the strike, Garcia told reporters that ...").
        return _person_claim(frame, sentence)
    if not frame.clausal and frame.via is None:
        # "Union officials rejected the offer": the outlet describing an act, in its own voice.
        who = _asserter(frame.speaker)
        statement = _clip(
            _act_words(frame, span) or f"{frame.speaker.name} {frame.cue} {frame.text}"
        )
        # A back-referring act is one clause of its sentence; loaded wording in the other
        # clause ("the Kremlin spread the report that A, an allegation that B denied") is the
        # outlet's about A's account, not about B's act.
        if editorial_marker(statement if frame.refers_back else sentence):
            return _Draft(statement, ClaimKind.opinion, _outlet(), who, frame.cue, frame)
        kind = ClaimKind.denial if frame.denial else ClaimKind.reported_fact
        return _Draft(statement, kind, _outlet(), who, frame.cue, frame)
    draft = _frame_claim_from(
        frame.speaker,
        frame.via,
        frame.text,
        frame.cue,
        denial=frame.denial or is_denial_text(frame.text),
    )
    return draft._replace(frame=frame)


def _act_words(frame: Frame, span: Span) -> str | None:
    """An act in the article's own words, from where the actor is named to the end of its
    object: "a federal appeals court in San Francisco denied the request" (NeuS), where the
    parts put together would read "federal appeals court denied the request". None when the
    actor is a pronoun or its name is not in the mention (the resolved name then speaks)."""
    if frame.source_span is None or frame.cue_span is None:
        return None
    start, end = frame.source_span[0] - span.start, frame.content_end - span.start
    if not 0 <= start < frame.cue_span[0] - span.start < end <= len(span.text):
        return None
    mention = span.text[start : frame.source_span[1] - span.start]
    if frame.speaker.name.lower() not in mention.lower():
        return None
    return span.text[start:end]


def _frame_claim_from(
    speaker: Party, via: Party | None, content: str, cue: str, *, denial: bool
) -> _Draft:
    who = _asserter(speaker)
    if via is not None:
        asserter = _asserter(via)
    elif speaker.kind is AsserterKind.person:
        asserter = _outlet()
    else:
        asserter = who
    statement = content
    if asserter.name != who.name and not _names(speaker.name, content):
        verb = cue if re.fullmatch(r"[a-z]+ed|said|told \w+|says|denies|wrote", cue) else "said"
        verb = "said" if verb in {"quoted", "reported"} else verb
        statement = f"{speaker.name} {verb}: {content}"
    if denial and not re.search(r"\b(den|reject|dismiss|neither|no |not |never)", statement, re.I):
        statement = f"{cue} that {statement}"
    kind = ClaimKind.denial if denial else ClaimKind.attributed_claim
    return _Draft(_clip(statement), kind, asserter, who, cue)


def _asserter(party: Party) -> Asserter:
    return Asserter(name=party.name, kind=party.kind, group=party.group or None)


def _outlet() -> Asserter:
    return Asserter(name=OUTLET_VOICE, kind=AsserterKind.outlet)


def _names(name: str, text: str) -> bool:
    last = name.split()[-1].lower() if name.split() else ""
    return bool(last) and last in text.lower()


def _clip(text: str) -> str:
    words = text.split()
    if len(words) <= MAX_STATEMENT_WORDS:
        return " ".join(words)
    return " ".join(words[:MAX_STATEMENT_WORDS]) + " …"


def _quotes(source: Source, span: Span, s: SentenceSpeech, *, start_index: int) -> list[Quote]:
    found = []
    for offset, (start, end) in enumerate(find_quotes(source.text, span.start, span.end)):
        frame = _covering(s.frames, start)
        if frame is not None:
            speaker: Party | None = frame.speaker
            via = frame.via
            if via is not None and start <= frame.speaker_at < end:
                speaker, via = via, None  # the channel's own words quote the speaker
        else:
            speaker, via = s.carried, s.carried_via
        found.append(
            Quote(
                quote_id=f"{source.source_id}.Q{start_index + offset}",
                source_id=source.source_id,
                start=start,
                end=end,
                text=source.text[start:end],
                speaker=speaker.name if speaker else None,
                via=via.name if via else None,
            )
        )
    return found


def _covering(frames: Sequence[Frame], at: int) -> Frame | None:
    inside = [f for f in frames if f.content_start - 1 <= at < f.content_end + 1]
    if inside:
        return min(inside, key=lambda f: f.content_end - f.content_start)
    plain = [f for f in frames if not f.refers_back]
    return plain[0] if plain else None


def first_sentences(claims: Iterable[Claim]) -> dict[str, int]:
    """Each article's first sentence that holds a claim: openers are counted from there (a
    text pasted with its headline and a dateline line starts its report a sentence or two
    later)."""
    first: dict[str, int] = {}
    for c in claims:
        if c.sentence_ids:
            first[c.source_id] = min(first.get(c.source_id, c.sentence_ids[0]), c.sentence_ids[0])
    return first
