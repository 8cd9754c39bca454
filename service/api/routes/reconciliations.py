"""Reconciliation jobs: create (async 202, or synchronous 200 for small/`wait` requests),
read status/result, and follow progress as server-sent events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response, StreamingResponse

from service.api.deps import Authorized, JobsDep, SettingsDep
from service.api.examples import seed_request
from service.api.jobs import FINAL, Event, JobManager, JobRow, QueueFull
from service.api.models import JobView, ReconcileRequest
from service.api.problems import (
    ERROR_RESPONSES,
    PROBLEM_JSON,
    ApiProblem,
    Problem,
    problem_response,
    queue_full_problem,
    shutting_down_problem,
)
from service.api.validation import check_articles
from service.schemas import Reconciliation

router = APIRouter(prefix="/v1", tags=["reconciliations"], dependencies=[Authorized])

KEEPALIVE_S = 15.0

_EXAMPLES = {
    "seeds": {"summary": "The two seed articles", "value": seed_request()},
    "html": {
        "summary": "HTML is reduced to its main text",
        "value": {
            "articles": [
                {
                    "outlet": "Outlet A",
                    "text": "<html><body><article><p>The ministry said the talks "
                    "would resume on Monday.</p></article></body></html>",
                },
                {
                    "outlet": "Outlet B",
                    "text": "Talks will not resume on Monday, a government source told reporters.",
                },
            ]
        },
    },
}


def _links(job_id: str) -> dict[str, str]:
    return {
        "self": f"/v1/reconciliations/{job_id}",
        "events": f"/v1/reconciliations/{job_id}/events",
    }


def _view(row: JobRow, jobs: JobManager) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "created_at": row.created_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "n_articles": row.n_articles,
        "progress": _progress(jobs.progress_of(row.id)),
        "links": _links(row.id),
        "error": row.error,
    }


def _progress(p: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: v for k, v in p.items() if k != "id"} if p else None


def _view_response(
    row: JobRow, jobs: JobManager, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    view = json.dumps(_view(row, jobs))
    # Splice the stored result JSON in as is: no re-validation of a large document per poll.
    body = view[:-1] + ',"result":' + (row.result_json or "null") + "}"
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)


@router.post(
    "/reconciliations",
    summary="Reconcile articles about one event",
    description="Queues a job and answers `202 Accepted` with `Location`. Small requests "
    "(at most RASHOMON_SYNC_MAX_ARTICLES articles) or `?wait=true` wait for the result and "
    "answer `200` with the Reconciliation; `?wait=false` never waits.",
    status_code=202,
    response_model=JobView,
    responses={
        200: {"model": Reconciliation, "description": "Finished synchronously"},
        202: {"model": JobView, "description": "Queued; follow `Location`"},
        401: {"model": Problem, "content": {PROBLEM_JSON: {}}},
        **ERROR_RESPONSES,
    },
)
async def create_reconciliation(
    body: Annotated[ReconcileRequest, Body(openapi_examples=_EXAMPLES)],
    settings: SettingsDep,
    jobs: JobsDep,
    wait: Annotated[
        bool | None,
        Query(
            description="true: answer with the result (200); false: always 202. Default: wait "
            "only when the request has at most RASHOMON_SYNC_MAX_ARTICLES articles."
        ),
    ] = None,
) -> Response:
    prepared = await check_articles(body.articles, settings, ("body", "articles"))
    try:
        row = jobs.submit(body.articles, prepared)
    except QueueFull as e:
        raise queue_full_problem(e.depth, e.limit, settings.max_concurrent_jobs) from e
    location = f"/v1/reconciliations/{row.id}"
    sync = wait if wait is not None else len(body.articles) <= settings.sync_max_articles
    if sync:
        final = await jobs.wait(row.id)
        if final is not None and final.status == "done" and final.result_json:
            return Response(
                final.result_json, media_type="application/json", headers={"Location": location}
            )
        if final is not None and final.status == "failed" and final.error:
            return problem_response(
                {**final.error, "instance": location}, headers={"Location": location}
            )
        if jobs.draining:  # the server is stopping before the job ended
            stopping = shutting_down_problem(location)
            return problem_response(
                {**stopping.body, "instance": location},
                headers={**stopping.headers, "Location": location},
            )
        row = final or row
    return _view_response(row, jobs, 202, headers={"Location": location})


@router.get(
    "/reconciliations/{job_id}",
    summary="Job status, and its result or error",
    response_model=JobView,
    responses={404: {"model": Problem, "content": {PROBLEM_JSON: {}}}},
)
async def get_reconciliation(job_id: str, jobs: JobsDep) -> Response:
    return _view_response(_row(jobs, job_id), jobs)


def _row(jobs: JobManager, job_id: str) -> JobRow:
    row = jobs.store.get(job_id)
    if row is None:
        raise ApiProblem(
            404,
            "job-not-found",
            "No such job",
            f"no reconciliation job {job_id!r} (ids come from POST /v1/reconciliations)",
            job_id=job_id,
        )
    return row


def _sse(event: str, data: dict[str, Any], seq: int) -> str:
    return f"id: {seq}\nevent: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _final_event(row: JobRow) -> Event:
    if row.status == "done":
        return Event(
            "done", {"id": row.id, "status": "done", "result_url": f"/v1/reconciliations/{row.id}"}
        )
    return Event("failed", {"id": row.id, "status": "failed", "error": row.error})


@router.get(
    "/reconciliations/{job_id}/events",
    summary="Progress as server-sent events",
    description="Events: `status` (first: queued/running/done/failed), then `progress` "
    "(`step`, `source_id`, `done`, `total`, `percent`), and a final `done` or `failed` after "
    "which the stream ends (`shutdown` if the server stops first). Comments keep the "
    f"connection alive every {KEEPALIVE_S:.0f} s.",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}},
        404: {"model": Problem, "content": {PROBLEM_JSON: {}}},
    },
)
async def reconciliation_events(job_id: str, jobs: JobsDep) -> StreamingResponse:
    _row(jobs, job_id)

    async def stream() -> AsyncIterator[str]:
        seq = 0
        async with jobs.subscribe(job_id) as queue:
            row = _row(jobs, job_id)  # read after subscribing: no final event can be missed
            seq += 1
            yield _sse(
                "status",
                {
                    "id": job_id,
                    "status": row.status,
                    "progress": _progress(jobs.progress_of(job_id)),
                },
                seq,
            )
            if queue is None or row.status in FINAL:
                final = _final_event(row)
                seq += 1
                yield _sse(final.event, final.data, seq)
                return
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    yield ": keepalive\n\n"
                    continue
                seq += 1
                yield _sse(event.event, event.data, seq)
                if event.event in ("done", "failed", "shutdown"):
                    return

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
