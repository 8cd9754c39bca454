"""The accounts step alone, for data sets that label attribution only (PolNeAR): each article is
prepared and read exactly as `reconcile` does (`prepare_sources`, `build_account`), with no
alignment and no summary, so no model is called. Articles are prepared one at a time: they are
unrelated (no duplicate check across them) and a split holds more than `max_articles`."""

from __future__ import annotations

from collections.abc import Sequence

from service.config import Settings
from service.llm.structured import StructuredLLM
from service.pipeline.accounts import build_account
from service.pipeline.progress import ProgressCallback, no_progress
from service.pipeline.sources import prepare_sources
from service.schemas import ArticleIn, Reconciliation, RunWarning, Source, SourceAccount, Summary

ACCOUNTS_ONLY_NOTE = "accounts only: this data set labels attribution, not an event to reconcile"


async def reconcile_accounts_only(
    articles: Sequence[ArticleIn],
    *,
    llm: StructuredLLM,
    settings: Settings,
    progress: ProgressCallback = no_progress,
) -> Reconciliation:
    meter = llm.meter("accounts")
    sources: list[Source] = []
    accounts: list[SourceAccount] = []
    warnings: list[RunWarning] = []
    for n, article in enumerate(articles, 1):
        prepared, more = prepare_sources([article], settings)
        warnings += more
        source = prepared[0].model_copy(update={"source_id": f"S{n}"})
        with meter.timed():
            accounts.append(await build_account(source, warnings=warnings, progress=progress))
        sources.append(source)
    return Reconciliation(
        backend=llm.backend.name,
        model=llm.backend.model,
        sources=sources,
        accounts=accounts,
        groups=[],
        summary=Summary(sentences=[], note=ACCOUNTS_ONLY_NOTE),
        steps=[meter.record()],
        warnings=warnings,
    )
