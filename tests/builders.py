"""Builders several test modules share: a claim, a source cut into sentences, the seed articles
reconciled through the CLI with the fake backend, work run in threads at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from service.schemas import Asserter, AsserterKind, Claim, ClaimKind, Source, Span
from tests.conftest import SEEDS


def claim(
    cid: str,
    source: str,
    statement: str,
    asserter: str = "the outlet",
    kind: ClaimKind = ClaimKind.reported_fact,
    *,
    asserter_kind: AsserterKind | None = None,
    evidence: Span | None = None,
    sentence_ids: Sequence[int] = (1,),
) -> Claim:
    """A claim; its asserter is the outlet, or an institution when named otherwise."""
    if asserter_kind is None:
        outlet = asserter == "the outlet"
        asserter_kind = AsserterKind.outlet if outlet else AsserterKind.institution
    return Claim(
        claim_id=cid,
        source_id=source,
        statement=statement,
        kind=kind,
        asserter=Asserter(name=asserter, kind=asserter_kind),
        sentence_ids=list(sentence_ids),
        evidence=[evidence or Span(start=0, end=1, text="x")],
    )


def source(source_id: str, outlet: str, *sentences: str, **fields: Any) -> Source:
    """A source whose text is `sentences` joined by single spaces, each one a sentence span."""
    spans, start = [], 0
    for sentence in sentences:
        spans.append(Span(start=start, end=start + len(sentence), text=sentence))
        start += len(sentence) + 1
    return Source(
        source_id=source_id, outlet=outlet, text=" ".join(sentences), sentences=spans, **fields
    )


def reconcile_seeds(out: Path, *extra: str) -> Path:
    """`rashomon reconcile` over the seed articles with the fake backend; the JSON it wrote."""
    from service.cli import main

    argv = ["reconcile", *map(str, SEEDS), "--out", str(out), "--backend", "fake", "--quiet"]
    assert main([*argv, *extra]) == 0
    return out / "reconciliation.json"


def in_threads(work: Callable[[], object], n: int) -> list[BaseException]:
    """Run `work` in `n` threads at once and wait for them: what they raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # reported to the caller, which asserts there are none
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


async def template_summary(
    sources: Sequence[Source],
    groups: Sequence[Any],
    claims: Sequence[Claim],
    *,
    max_points: int = 14,
) -> Any:
    """The summary step in template mode over these groups (a model call would fail)."""
    from service.llm.fake import FakeBackend
    from service.llm.structured import StructuredLLM
    from service.pipeline.progress import no_progress
    from service.pipeline.summary import summarize

    llm = StructuredLLM(FakeBackend([]))  # the template mode makes no model call
    return await summarize(
        sources,
        groups,
        claims,
        llm,
        llm.meter("summary"),
        max_points=max_points,
        mode="template",
        warnings=[],
        progress=no_progress,
    )


def attributed_items(texts: Sequence[str], claims: Sequence[Claim]) -> list[Any]:
    """Summary sentences under construction, one per text, each wording the claim at its place
    (the last claim for the texts beyond them)."""
    from service.pipeline.summary_build import Item
    from service.schemas import SummaryKind

    out = []
    for n, text in enumerate(texts):
        c = claims[min(n, len(claims) - 1)]
        out.append(Item((3, n), SummaryKind.attributed, text, [c.claim_id], None, [c]))
    return out
