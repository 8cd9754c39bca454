"""The one pipeline function. The CLI, the HTTP API, the batch runner and the eval harness all
call `reconcile` (or `account` for a single article)."""

from __future__ import annotations

from collections.abc import Sequence

from service.config import Settings
from service.errors import RashomonError
from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.accounts import build_account
from service.pipeline.alignment import align, omissions, omitted_versions
from service.pipeline.progress import Progress, ProgressCallback, checkpoint, no_progress
from service.pipeline.sources import prepare_sources
from service.pipeline.summary import summarize
from service.schemas import ArticleIn, Reconciliation, RunWarning, Source, SourceAccount


class IntegrityError(RashomonError):
    """The pipeline produced output that breaks its own guarantees (a bug, never expected)."""


async def reconcile(
    articles: Sequence[ArticleIn],
    *,
    llm: StructuredLLM,
    settings: Settings,
    progress: ProgressCallback = no_progress,
) -> Reconciliation:
    sources, warnings = prepare_sources(articles, settings)
    return await reconcile_sources(sources, warnings, llm=llm, settings=settings, progress=progress)


async def reconcile_sources(
    sources: list[Source],
    warnings: list[RunWarning],
    *,
    llm: StructuredLLM,
    settings: Settings,
    progress: ProgressCallback = no_progress,
) -> Reconciliation:
    """`reconcile` of articles already prepared by `prepare_sources` (the HTTP API prepares
    them once, in a worker thread, when it checks a request). `warnings` is extended.
    Every progress event and every step boundary is a `checkpoint()`."""
    progress = _stoppable(progress)
    accounts_meter = llm.meter("accounts")
    accounts: list[SourceAccount] = []
    # Attribution is decided by code (a dependency parse), one article at a time.
    for source in sources:
        checkpoint()
        with accounts_meter.timed():
            source_account = await build_account(source, warnings=warnings, progress=progress)
        accounts.append(source_account)
    claims = [c for a in accounts for c in a.claims]

    checkpoint()
    align_meter = llm.meter("alignment")
    with align_meter.timed():
        groups, pairs = await align(
            sources,
            claims,
            llm,
            align_meter,
            max_pairs=settings.max_alignment_pairs,
            pairs_per_call=settings.pairs_per_call,
            warnings=warnings,
            progress=progress,
        )
    missing, one_sided = omissions(sources, groups), omitted_versions(sources, groups)
    accounts = [
        a.model_copy(
            update={"omits": missing[a.source_id], "omits_versions": one_sided[a.source_id]}
        )
        for a in accounts
    ]

    checkpoint()
    summary_meter = llm.meter("summary")
    with summary_meter.timed():
        summary = await summarize(
            sources,
            groups,
            claims,
            llm,
            summary_meter,
            max_points=settings.max_summary_points,
            mode=settings.summary_mode,
            warnings=warnings,
            progress=progress,
        )
    result = Reconciliation(
        backend=llm.backend.name,
        model=llm.backend.model,
        sources=sources,
        accounts=accounts,
        groups=groups,
        summary=summary,
        steps=[m.record() for m in (accounts_meter, align_meter, summary_meter)],
        warnings=warnings,
        pairs=pairs,
    )
    problems = integrity_problems(result)
    if problems:
        raise IntegrityError("; ".join(problems[:5]))
    return result


def _stoppable(progress: ProgressCallback) -> ProgressCallback:
    """`progress`, made a `checkpoint()` too: the steps report progress from their loops."""

    def report(p: Progress) -> None:
        checkpoint()
        progress(p)

    return report


def integrity_problems(result: Reconciliation) -> list[str]:
    """Every quote is a verbatim slice of its article; every citation resolves."""
    problems: list[str] = []
    texts = {s.source_id: s.text for s in result.sources}
    claim_ids = {c.claim_id for c in result.all_claims()}
    for account in result.accounts:
        for q in account.quotes:
            if texts[q.source_id][q.start : q.end] != q.text:
                problems.append(f"quote {q.quote_id} does not match its offsets")
        for c in (*account.claims, *account.editorial):
            for span in c.evidence:
                if texts[c.source_id][span.start : span.end] != span.text:
                    problems.append(f"claim {c.claim_id} evidence does not match its offsets")
    for group in result.groups:
        problems += [
            f"group {group.group_id} cites unknown {c}"
            for c in group.claim_ids
            if c not in claim_ids
        ]
    for n, sentence in enumerate(result.summary.sentences, 1):
        if not sentence.claim_ids:
            problems.append(f"summary sentence {n} cites no claim")
        problems += [
            f"summary sentence {n} cites unknown {c}"
            for c in sentence.claim_ids
            if c not in claim_ids
        ]
    return problems


async def account(
    source: Source,
    warnings: list[RunWarning],
    *,
    llm: StructuredLLM,
    progress: ProgressCallback = no_progress,
) -> SourceAccount:
    """The per-source account of one article prepared by `prepare_sources` (same step 1 as
    `reconcile`); `warnings` is extended."""
    meter: StepMeter = llm.meter("accounts")
    with meter.timed():
        return await build_account(source, warnings=warnings, progress=_stoppable(progress))
