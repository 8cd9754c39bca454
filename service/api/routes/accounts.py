"""POST /v1/accounts: the per-source account of one article (synchronous)."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Body

from service.api.deps import Authorized, JobsDep, LLMDep, SettingsDep, check_queue
from service.api.examples import seed_request
from service.api.jobs import ServerStopping
from service.api.models import AccountRequest, AccountResponse
from service.api.offload import pipeline_worker
from service.api.problems import (
    ERROR_RESPONSES,
    PROBLEM_JSON,
    Problem,
    shutting_down_problem,
    time_budget_problem,
)
from service.api.validation import check_articles
from service.llm.structured import StructuredLLM
from service.pipeline.progress import ProgressCallback, StopSignal, WorkStopped, no_progress
from service.pipeline.reconcile import account
from service.schemas import SourceAccount

router = APIRouter(prefix="/v1", tags=["accounts"], dependencies=[Authorized])

_EXAMPLES = {
    "seed": {
        "summary": "A seed article (AFP report)",
        "value": {"article": seed_request()["articles"][1]},
    },
    "html": {
        "summary": "HTML is reduced to its main text",
        "value": {
            "article": {
                "outlet": "Example",
                "text": "<html><body><article><p>"
                "The ministry said the talks would resume on Monday.</p>"
                "</article></body></html>",
            }
        },
    },
}


@router.post(
    "/accounts",
    summary="What one article reports, and who says it",
    response_model=AccountResponse,
    responses={**ERROR_RESPONSES, 401: {"model": Problem, "content": {PROBLEM_JSON: {}}}},
)
async def create_account(
    body: Annotated[AccountRequest, Body(openapi_examples=_EXAMPLES)],
    settings: SettingsDep,
    llm: LLMDep,
    jobs: JobsDep,
) -> AccountResponse:
    sources, warnings = await check_articles([body.article], settings, ("body", "article"))
    check_queue(jobs)
    budget = settings.request_time_budget_s

    async def work(llm: StructuredLLM, progress: ProgressCallback) -> SourceAccount:
        return await account(sources[0], warnings, llm=llm, progress=progress)

    async def run() -> SourceAccount:
        async with jobs.slots:  # shares the concurrency bound with reconciliation jobs
            # The parse is CPU work: in a worker thread, stopped at the time budget.
            signal = StopSignal(time.monotonic() + budget if budget else None)
            worker = pipeline_worker(
                work, llm=llm, progress=no_progress, signal=signal, name="account"
            )
            try:
                async with asyncio.timeout(budget or None) as deadline:
                    return await worker.run()
            except (TimeoutError, WorkStopped) as e:
                if isinstance(e, TimeoutError) and not deadline.expired():
                    raise e
                await worker.finished()  # the slot is given back once the thread has stopped
                raise time_budget_problem(budget) from None

    try:
        result = await jobs.before_shutdown(run())
    except ServerStopping:
        raise shutting_down_problem() from None
    return AccountResponse(source=sources[0], account=result, warnings=warnings)
