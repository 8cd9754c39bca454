"""The model's only prose in the summary: one short call per run that names the event (the
headline) and each difference shown (its name and its question). Every answer goes through
`verify_prose` (each content word, name and number in the claims it cites; no quotation
marks; no loaded word; short and whole), and an answer that fails keeps the deterministic
template (`summary_points`), with a warning. One call, no re-ask: the time budget of a run
allows no more (the seed pair's whole run must stay within twice the one-prompt baseline).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from pydantic import Field, create_model

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.similarity import content_words
from service.pipeline.summary_points import Dispute
from service.pipeline.summary_text import is_clause
from service.pipeline.summary_trim import QUOTE_CHARS, ends_dangling, fold, words
from service.prompts import fence, load_prompt
from service.schemas import Claim, RunWarning, Source, StrictModel
from service.text.editorial import editorial_marker

PROMPT = "summary_sentence"
HEADLINE_MAX_WORDS, POINT_MAX_WORDS, QUESTION_MAX_WORDS = 14, 12, 14
# Words a name or question may add to the claims' words: question and linking words.
_FREE = frozenset(
    content_words(
        "whether why what who how did does do was were is are discuss discussed say said "
        "happen happened call phone event report differ agree"
    )
)


class PointName(StrictModel):
    point: str = Field(
        max_length=200, description="Completes 'On ...': what the versions differ on."
    )
    question: str = Field(max_length=200, description="The same as a yes/no question.")


class PointNames(StrictModel):
    headline: str = Field(max_length=200, description="The event, neutral, at most 12 words.")
    points: list[PointName]


@lru_cache(maxsize=16)
def point_names_for(n: int) -> type[PointNames]:
    return create_model(
        "PointNames",
        __base__=PointNames,
        points=(list[PointName], Field(min_length=n, max_length=n)),
    )


def verify_prose(text: str, cited: Sequence[Claim], *, max_words: int) -> str | None:
    """Why `text` cannot be shown, or None: every content word in the cited claims (their
    statements, evidence and holders), no quotation, no loaded word, short and whole."""
    if not text.strip():
        return "empty"
    if any(ch in text for ch in QUOTE_CHARS):
        return "quotation marks"
    if len(words(text)) > max_words:
        return f"longer than {max_words} words"
    if ends_dangling(text.rstrip("?.! ")):
        return "ends mid-phrase"
    marker = editorial_marker(text)
    if marker:
        return f"loaded wording {marker!r}"
    have: set[str] = set()
    for c in cited:
        for t in (c.statement, c.asserter.name, *(e.text for e in c.evidence)):
            have |= content_words(fold(t))
        if c.speaker:
            have |= content_words(fold(c.speaker.name))
    extra = sorted(content_words(fold(text)) - have - _FREE)
    return f"words in no cited claim: {extra[:5]}" if extra else None


def _listing(disputes: Sequence[Dispute]) -> str:
    lines = []
    for n, d in enumerate(disputes, 1):
        lines.append(f"Point {n}:")
        for side in d.sides:
            c = side[0]
            who = c.speaker.name if c.speaker else c.asserter.name
            lines.append(f"- {who}: {' '.join(c.statement.split())}")
    return "\n".join(lines)


async def name_points(
    disputes: Sequence[Dispute],
    event: Sequence[Claim],
    sources: Sequence[Source],
    llm: StructuredLLM,
    meter: StepMeter,
    warnings: list[RunWarning],
) -> str | None:
    """Ask once; set each dispute's `point_name` and `question` that pass; return the
    headline when it passes (else None)."""
    event_text = " ".join(" ".join(c.statement.split()) for c in event[:2]) or "(not given)"
    prompt = load_prompt(PROMPT).render(
        event=fence("event", event_text), points=fence("points", _listing(disputes))
    )
    try:
        answer = await llm.complete(
            prompt,
            point_names_for(len(disputes)),
            meter=meter,
            max_tokens=60 + 50 * len(disputes),
            reask_budget=0,
        )
    except (InvalidOutputError, TruncatedOutputError) as e:
        warnings.append(RunWarning(step="summary", message=f"point names: templates used ({e})"))
        return None
    rejected: list[str] = []
    for d, named in zip(disputes, answer.points, strict=True):
        cited = [c for side in d.sides for c in side]
        point = named.point.strip().rstrip(".:")
        point = point[3:] if point.lower().startswith("on ") else point
        why = verify_prose(point, cited, max_words=POINT_MAX_WORDS)
        if why is None and not point.lower().startswith("whether ") and is_clause(point):
            why = "a clause, not a point's name (use 'whether …' or a noun phrase)"
        if why is None:
            d.point_name = f"On {point[:1].lower()}{point[1:]}"
        else:
            rejected.append(f"{d.group.group_id} name ({why})")
        question = named.question.strip()
        why = verify_prose(question, cited, max_words=QUESTION_MAX_WORDS)
        if why is None and question.endswith("?"):
            d.question = question[:1].upper() + question[1:]
        else:
            rejected.append(f"{d.group.group_id} question ({why or 'not a question'})")
    headline = answer.headline.strip().rstrip(".")
    cited = [c for d in disputes for side in d.sides for c in side] + list(event)
    why = verify_prose(headline, list(event) or cited, max_words=HEADLINE_MAX_WORDS)
    if why is not None:
        rejected.append(f"headline ({why})")
    if rejected:
        warnings.append(
            RunWarning(step="summary", message="templates kept for: " + "; ".join(rejected))
        )
    return headline if why is None else None
