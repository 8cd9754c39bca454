"""Small alignment examples written as data: a pair of claims (and any other claims of their
event), each `[source, holder, text]` or `[source, holder, text, cue]`, aligned through the
real step. Used by the rule cases (tests/alignment_rule_cases.yaml) and the hand-labelled pair
set (evals/alignment_pairs.yaml, benchmarks/alignment_pairs.py).

A holder of "outlet" is the outlet's narration; any other holder speaks (speaker and asserter
both that party, cue "said" unless given). Sentences are the claims' texts in order, unless the
example gives an article's sentences (`articles: {S1: [...]}`), in which case a claim sits in
the sentence that contains its text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from service.llm.base import CompletionRequest
from service.llm.fake import FakeBackend
from service.llm.structured import StructuredLLM
from service.pipeline.alignment.step import align
from service.pipeline.progress import no_progress
from service.schemas import (
    Asserter,
    AsserterKind,
    Claim,
    ClaimKind,
    PairJudgment,
    Source,
    Span,
)
from service.text.speech import is_denial_text

ClaimRow = list[str]


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: ClaimRow = Field(min_length=3, max_length=4)
    b: ClaimRow = Field(min_length=3, max_length=4)
    others: list[ClaimRow] = Field(default_factory=list)
    articles: dict[str, list[str]] = Field(default_factory=dict)
    model: str = Field("different", description="What the stand-in model answers every pair.")


def _claim(n: int, row: ClaimRow, sentence: int) -> Claim:
    source, holder, text = row[:3]
    cue = row[3] if len(row) > 3 else None
    outlet = holder == "outlet"
    who = Asserter(name=source if outlet else holder, kind=AsserterKind.outlet)
    if not outlet:
        who = Asserter(name=holder, kind=AsserterKind.institution)
    kind = (
        ClaimKind.denial
        if is_denial_text(text)
        else ClaimKind.reported_fact
        if outlet
        else ClaimKind.attributed_claim
    )
    return Claim(
        claim_id=f"{source}.C{n}",
        source_id=source,
        statement=text,
        kind=kind,
        asserter=who,
        speaker=None if outlet else who,
        cue=None if outlet else (cue or "said"),
        sentence_ids=[sentence],
        evidence=[Span(start=0, end=len(text), text=text)],
    )


def build(example: Example) -> tuple[list[Source], list[Claim]]:
    rows = [example.a, example.b, *example.others]
    sentences: dict[str, list[str]] = {k: list(v) for k, v in example.articles.items()}
    for source, _holder, text, *_ in rows:
        if source not in example.articles:
            sentences.setdefault(source, []).append(text)
    claims = []
    for n, row in enumerate(rows, 1):
        own = sentences[row[0]]
        sid = next((i for i, s in enumerate(own, 1) if row[2] in s), len(own))
        claims.append(_claim(n, row, sid))
    sources = []
    for source_id, texts in sorted(sentences.items()):
        spans, start = [], 0
        for text in texts:
            spans.append(Span(start=start, end=start + len(text), text=text))
            start += len(text) + 1
        sources.append(
            Source(source_id=source_id, outlet=source_id, text=" ".join(texts), sentences=spans)
        )
    if len(sources) == 1:  # alignment compares sources; a one-source event is given a second
        sources.append(Source(source_id="S9", outlet="S9", text="-", sentences=[]))
    return sources, claims


def forcing(answer: str) -> Callable[[CompletionRequest], dict[str, Any]]:
    """A stand-in model that labels every pair it is asked about with `answer`."""

    def respond(request: CompletionRequest) -> dict[str, Any]:
        properties = request.json_schema["properties"]
        if "relation" in properties:  # one pair per call (prompt align_pair)
            return {"relation": answer}
        return {"relations": [answer] * properties["relations"]["minItems"]}

    return respond


async def judge(
    example: Example, llm: StructuredLLM | None = None, pairs_per_call: int = 1
) -> PairJudgment | None:
    """The judgment the alignment step records for the example's pair (a, b), if it was a
    candidate at all (None: too little in common to be considered)."""
    sources, claims = build(example)
    llm = llm or StructuredLLM(FakeBackend(responder=forcing(example.model)))
    _groups, pairs = await align(
        sources,
        claims,
        llm,
        llm.meter("alignment"),
        max_pairs=120,
        pairs_per_call=pairs_per_call,
        warnings=[],
        progress=no_progress,
    )
    want = {claims[0].claim_id, claims[1].claim_id}
    return next((p for p in pairs if {p.a, p.b} == want), None)
