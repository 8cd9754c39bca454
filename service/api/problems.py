"""RFC 9457 problem details: every error the service returns is `application/problem+json`.

`ApiProblem` is raised by routes for request-level failures (limits, auth, unknown job);
`problem_for` maps the pipeline's `RashomonError`s (and anything unexpected) to a status and
body. Bodies never carry a traceback, the request body or a key.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.errors import (
    BackendError,
    BackendUnavailableError,
    ConfigError,
    InputError,
    InvalidOutputError,
    RashomonError,
    TruncatedOutputError,
)

log = logging.getLogger("rashomon.api")

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:rashomon:problem:"


class Problem(BaseModel):
    """An RFC 9457 problem body (extension members allowed)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:rashomon:problem:too-many-articles",
                    "title": "Too many articles",
                    "status": 413,
                    "detail": "20 articles exceed the limit of 12 per request",
                    "limit": "max_articles",
                    "limit_value": 12,
                    "setting": "RASHOMON_MAX_ARTICLES",
                }
            ]
        },
    )

    type: str = Field(description="A URN naming the problem type.")
    title: str
    status: int
    detail: str
    instance: str | None = None


# The problems a data route may answer with, for its OpenAPI `responses`.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": desc, "content": {PROBLEM_JSON: {}}}
    for status, desc in {
        413: "Too many articles, or an article too large (names the limit and its setting)",
        415: "A Content-Encoding (gzip, ...) on the body: send it unencoded",
        422: "Malformed JSON, unknown field, empty or unusable article (names the field path)",
        429: "Job queue full, or too many request bytes in flight (Retry-After)",
        502: "The model backend failed (names the backend)",
        503: "The model backend is unavailable (names the backend), or the server is stopping "
        "(Retry-After)",
        504: "The work ran past RASHOMON_REQUEST_TIME_BUDGET_S and was stopped",
    }.items()
}


class ApiProblem(Exception):
    """Raise from a route to answer with a problem body."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.body: dict[str, Any] = {
            "type": TYPE_PREFIX + slug,
            "title": title,
            "status": status,
            "detail": detail,
            **extra,
        }
        self.headers = headers or {}


def limit_problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    limit: str,
    value: int | float,
    setting: str,
    **extra: Any,
) -> ApiProblem:
    """A limit was exceeded: say which limit, its value and the setting that raises it."""
    return ApiProblem(
        status, slug, title, detail, limit=limit, limit_value=value, setting=setting, **extra
    )


def queue_full_problem(depth: int, limit: int, running: int) -> ApiProblem:
    """429: `depth` jobs already wait (the limit is `limit`) behind `running` job slots."""
    return limit_problem(
        429,
        "queue-full",
        "Too many queued jobs",
        f"{depth} jobs are already waiting (limit {limit}) behind {running} running; retry later",
        limit="max_queued_jobs",
        value=limit,
        setting="RASHOMON_MAX_QUEUED_JOBS",
        headers={"Retry-After": "5"},
    )


def shutting_down_problem(location: str | None = None) -> ApiProblem:
    """503 for a request whose work (a job it waited for: `location`) had not ended when the
    server began to stop."""
    detail = (
        "the server is stopping before the job finished; the job is kept and resumes when the "
        f"server is back: poll {location}"
        if location
        else "the server is stopping before the work finished; retry when it is back"
    )
    return ApiProblem(
        503, "shutting-down", "Server stopping", detail, headers={"Retry-After": "10"}
    )


def time_budget_problem(budget_s: float) -> ApiProblem:
    """504: the work of one request ran past RASHOMON_REQUEST_TIME_BUDGET_S and was stopped."""
    return limit_problem(
        504,
        "time-budget",
        "Time budget exceeded",
        f"the work took longer than its budget of {budget_s:g} s and was stopped; send fewer "
        "or shorter articles, or raise the setting",
        limit="request_time_budget_s",
        value=budget_s,
        setting="RASHOMON_REQUEST_TIME_BUDGET_S",
    )


def problem_for(exc: BaseException) -> dict[str, Any]:
    """The problem body for a pipeline/backend error (also stored on failed jobs)."""
    if isinstance(exc, ApiProblem):
        return dict(exc.body)
    if isinstance(exc, InputError):
        body = _body(422, "invalid-article", "Unusable article", str(exc))
        if exc.source:
            body["source"] = exc.source
        return body
    if isinstance(exc, BackendUnavailableError):
        return _body(
            503, "backend-unavailable", "Model backend unavailable", str(exc), backend=exc.backend
        )
    if isinstance(exc, TruncatedOutputError):
        return _body(
            502, "backend-truncated", "Model answer cut off", str(exc), backend=exc.backend
        )
    if isinstance(exc, InvalidOutputError):
        return _body(
            502, "backend-invalid-output", "Model answer invalid", str(exc), backend=exc.backend
        )
    if isinstance(exc, BackendError):
        return _body(502, "backend-error", "Model backend error", str(exc), backend=exc.backend)
    if isinstance(exc, ConfigError):
        return _body(500, "configuration", "Service misconfigured", str(exc))
    if isinstance(exc, RashomonError):
        return _body(500, "pipeline-error", "Pipeline error", str(exc))
    return _body(
        500,
        "internal",
        "Internal error",
        f"unexpected {type(exc).__name__}; the server log has the details",
    )


def _body(status: int, slug: str, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": TYPE_PREFIX + slug, "title": title, "status": status, "detail": detail, **extra}


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        body, status_code=int(body["status"]), media_type=PROBLEM_JSON, headers=headers
    )


def field_path(parts: Sequence[int | str]) -> str:
    """A field location as a path: ("articles", 0, "text") -> "articles[0].text"."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def validation_problem(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """422 for malformed JSON, wrong types, unknown fields, empty articles (no input echoed)."""
    items = [
        {
            "loc": list(e.get("loc", ())),
            "field": field_path(list(e.get("loc", ()))),
            "msg": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in errors
    ]
    shown = "; ".join(f"{i['field'] or 'body'}: {i['msg']}" for i in items[:5])
    more = f" (+{len(items) - 5} more)" if len(items) > 5 else ""
    return _body(422, "validation", "Invalid request", shown + more, errors=items)


def install_handlers(app: FastAPI, *, on_backend_error: Any = None) -> None:
    """Handlers for every error class: no route ever answers with a bare 500 traceback."""

    async def api_problem(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiProblem)
        return problem_response(exc.body, exc.headers)

    async def request_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(validation_problem(list(exc.errors())))

    async def http_exception(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        titles = {404: "Not found", 405: "Method not allowed"}
        body = _body(
            exc.status_code,
            f"http-{exc.status_code}",
            titles.get(exc.status_code, "HTTP error"),
            str(exc.detail),
        )
        return problem_response(body, dict(exc.headers or {}))

    async def rashomon_error(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, BackendError) and on_backend_error is not None:
            on_backend_error(exc)
        body = problem_for(exc)
        if body["status"] >= 500:
            log.warning("%s %s failed: %s", request.method, request.url.path, exc)
        return problem_response(body)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s: unhandled error", request.method, request.url.path)
        return problem_response(problem_for(exc))

    app.add_exception_handler(ApiProblem, api_problem)
    app.add_exception_handler(RequestValidationError, request_validation)
    app.add_exception_handler(StarletteHTTPException, http_exception)
    app.add_exception_handler(RashomonError, rashomon_error)
    app.add_exception_handler(Exception, unexpected)
