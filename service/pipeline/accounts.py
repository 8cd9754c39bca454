"""Step 1: the per-source account.

The model is asked about a few numbered sentences at a time (one, for a small local model), with
the whole numbered article as a shared prefix. It answers with sentence ids and short
paraphrases; evidence spans and quotes are built in code from the sentence offsets and
quotation-mark detection, so every quote is a verbatim slice of the article by construction.
A pattern-based attribution guess ("X told AFP", "according to X") is offered to the model as a
hint and used to correct an answer that credits the outlet with a claim the sentence attributes.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.drafts import ClaimDraft, SentenceBatch, sentence_batch_for
from service.pipeline.progress import Progress, ProgressCallback
from service.prompts import defuse, fence, load_prompt
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
from service.text.attribution import guess_asserter
from service.text.editorial import BOILERPLATE, CAPTION, editorial_marker
from service.text.quotes import find_quotes

OUTLET_VOICE = "the outlet"
_ANONYMOUS_BACKREF = re.compile(r"^(the|that|this) (source|official|officials)$", re.IGNORECASE)


def numbered_article(source: Source) -> str:
    lines = (f"[{i}] {' '.join(s.text.split())}" for i, s in enumerate(source.sentences, 1))
    return fence(source.source_id, "\n".join(lines))


def analysable(source: Source) -> list[int]:
    """Sentence ids worth a model call: not boilerplate, not a bare fragment."""
    ids = []
    for i, span in enumerate(source.sentences, 1):
        text = span.text.strip()
        if len(text.split()) < 4 or BOILERPLATE.search(text) or CAPTION.search(text):
            continue
        if source.title and " ".join(text.split()) == " ".join(source.title.split()):
            continue  # a headline is the outlet's framing of the story, not a reported claim
        ids.append(i)
    return ids


def _batches(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _request_text(source: Source, batch: list[int]) -> str:
    if len(batch) > 1:
        wanted = ", ".join(f"[{i}]" for i in batch)
        return f"List the claims of sentences {wanted}, one entry per sentence, in order."
    i = batch[0]
    sentence = defuse(" ".join(source.sentences[i - 1].text.split()))
    guess = guess_asserter(sentence)
    hint = (
        f'\nA wording pattern ("{guess.cue}") suggests the asserter is "{guess.name}"; '
        "check it against the sentence."
        if guess
        else ""
    )
    return f"Sentence [{i}]: {sentence}{hint}\nList the claims of sentence [{i}]."


async def build_account(
    source: Source,
    llm: StructuredLLM,
    meter: StepMeter,
    *,
    sentences_per_call: int,
    warnings: list[RunWarning],
    progress: ProgressCallback,
) -> SourceAccount:
    template = load_prompt("account_sentences")
    article = numbered_article(source)
    batches = _batches(analysable(source), sentences_per_call)
    done = 0

    async def ask(batch: list[int]) -> SentenceBatch | None:
        nonlocal done

        def validate(answer: SentenceBatch) -> None:
            got = [s.sentence_id for s in answer.sentences]
            if sorted(got) != sorted(batch):
                raise ValueError(f"answer for sentence ids {batch} exactly, got {got}")

        prompt = template.render(
            outlet=source.outlet, article=article, request=_request_text(source, batch)
        )
        try:
            return await llm.complete(
                prompt,
                sentence_batch_for(tuple(batch)),
                meter=meter,
                max_tokens=160 * len(batch) + 64,
                validate=validate,
            )
        except (InvalidOutputError, TruncatedOutputError) as e:
            warnings.append(
                RunWarning(
                    step="accounts",
                    source_id=source.source_id,
                    message=f"sentences {batch} dropped: {e}",
                )
            )
            return None
        finally:
            done += len(batch)
            progress(Progress("accounts", done, sum(map(len, batches)), source.source_id))

    answers = await asyncio.gather(*(ask(b) for b in batches))
    drafts: dict[int, list[ClaimDraft]] = {}
    for answer in answers:
        for sentence in answer.sentences if answer else ():
            drafts[sentence.sentence_id] = list(sentence.claims)
    return assemble_account(source, drafts)


def assemble_account(source: Source, drafts: dict[int, list[ClaimDraft]]) -> SourceAccount:
    """Turn the model's per-sentence drafts into grounded claims and quotes (pure, testable)."""
    quotes: list[Quote] = []
    claims: list[Claim] = []
    seen_statements: set[str] = set()
    last_anonymous: str | None = None
    for sentence_id in sorted(drafts):
        span = source.sentences[sentence_id - 1]
        sentence_quotes = _quotes_in(source, span, start_index=len(quotes) + 1)
        for draft in drafts[sentence_id]:
            key = " ".join(draft.statement.lower().split())
            if key in seen_statements:
                continue  # small models repeat themselves; one claim per statement
            seen_statements.add(key)
            asserter, kind = _attribute(draft, span.text, last_anonymous)
            if asserter.kind is AsserterKind.anonymous_source:
                last_anonymous = asserter.name
            claim_quotes = [
                q.model_copy(
                    update={
                        "speaker": None if asserter.kind is AsserterKind.outlet else asserter.name
                    }
                )
                for q in sentence_quotes
            ]
            claims.append(
                Claim(
                    claim_id=f"{source.source_id}.C{len(claims) + 1}",
                    source_id=source.source_id,
                    statement=draft.statement.strip(),
                    kind=kind,
                    asserter=asserter,
                    sentence_ids=[sentence_id],
                    evidence=[span],
                    quote_ids=[q.quote_id for q in claim_quotes],
                )
            )
            for q in claim_quotes:
                if q.quote_id not in {x.quote_id for x in quotes}:
                    quotes.append(q)
    return SourceAccount(
        source_id=source.source_id,
        outlet=source.outlet,
        claims=[c for c in claims if c.kind is not ClaimKind.opinion],
        editorial=[c for c in claims if c.kind is ClaimKind.opinion],
        quotes=quotes,
    )


def _quotes_in(source: Source, span: Span, *, start_index: int) -> list[Quote]:
    found = []
    for offset, (start, end) in enumerate(find_quotes(source.text, span.start, span.end)):
        found.append(
            Quote(
                quote_id=f"{source.source_id}.Q{start_index + offset}",
                source_id=source.source_id,
                start=start,
                end=end,
                text=source.text[start:end],
            )
        )
    return found


def _attribute(
    draft: ClaimDraft, sentence: str, last_anonymous: str | None
) -> tuple[Asserter, ClaimKind]:
    name, kind, claim_kind = draft.asserter.strip(), draft.asserter_kind, draft.kind
    if kind is AsserterKind.outlet or name.lower() in {"the outlet", "outlet", "the article"}:
        name, kind = OUTLET_VOICE, AsserterKind.outlet
        guess = guess_asserter(sentence)
        # The model often credits the outlet with what the sentence attributes to someone.
        if guess is not None and claim_kind in (ClaimKind.reported_fact, ClaimKind.background):
            name, kind, claim_kind = guess.name, guess.kind, ClaimKind.attributed_claim
    if _ANONYMOUS_BACKREF.match(name) and last_anonymous:
        name, kind = last_anonymous, AsserterKind.anonymous_source
    if kind is not AsserterKind.outlet and claim_kind is ClaimKind.reported_fact:
        claim_kind = ClaimKind.attributed_claim
    if (
        kind is AsserterKind.outlet
        and claim_kind is ClaimKind.reported_fact
        and (editorial_marker(draft.statement) or editorial_marker(sentence))
    ):
        claim_kind = ClaimKind.opinion
    return Asserter(name=name, kind=kind), claim_kind


def account_claims(accounts: Sequence[SourceAccount]) -> list[Claim]:
    return [c for a in accounts for c in a.claims]
