"""FastAPI dependencies (`Annotated` aliases): settings, the LLM, the job manager, metrics, auth.

Everything lives on `app.state.rashomon` (an `AppState`), set by the app's lifespan; before
startup finished (or after shutdown) the data routes answer 503.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.api.jobs import JobManager, JobStore
from service.api.metrics import Metrics
from service.api.problems import ApiProblem, queue_full_problem
from service.config import Settings
from service.llm.structured import StructuredLLM


@dataclass
class AppState:
    settings: Settings
    llm: StructuredLLM
    store: JobStore
    jobs: JobManager
    metrics: Metrics


def get_state(request: Request) -> AppState:
    state: AppState | None = getattr(request.app.state, "rashomon", None)
    if state is None:
        raise ApiProblem(
            503,
            "starting",
            "Service starting",
            "the service is starting or stopping; retry shortly",
            headers={"Retry-After": "2"},
        )
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_llm(state: StateDep) -> StructuredLLM:
    return state.llm


def get_jobs(state: StateDep) -> JobManager:
    return state.jobs


def check_queue(jobs: JobManager) -> None:
    """429 when the job queue is full: work that shares the job slots (/v1/accounts) is
    refused like a job would be. Called after the request's own checks (413/422 come first)."""
    if jobs.queue_depth >= jobs.queue_limit:
        raise queue_full_problem(
            jobs.queue_depth, jobs.queue_limit, jobs.settings.max_concurrent_jobs
        )


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
LLMDep = Annotated[StructuredLLM, Depends(get_llm)]
JobsDep = Annotated[JobManager, Depends(get_jobs)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]

_bearer = HTTPBearer(auto_error=False, description="RASHOMON_SERVICE_API_KEY, when it is set.")


def require_api_key(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """When settings.service_api_key is set, require `Authorization: Bearer <key>`.

    The comparison is constant-time; neither the expected nor the given key is ever logged or
    echoed in a response. (`service.api.guard` runs the same check before the body is read;
    this dependency also declares the scheme in the OpenAPI spec.)"""
    check_bearer(settings, credentials.credentials if credentials is not None else None)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header value (None otherwise)."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def check_bearer(settings: Settings, token: str | None) -> None:
    """Raise the 401 problem unless `token` is the configured key (or no key is configured)."""
    if settings.service_api_key is None:
        return
    expected = settings.service_api_key.get_secret_value().encode()
    given = token.encode("utf-8", "surrogateescape") if token is not None else b""
    if token is None or not hmac.compare_digest(given, expected):
        raise ApiProblem(
            401,
            "unauthorized",
            "Unauthorized",
            "this route needs `Authorization: Bearer <key>` with the key configured in "
            "RASHOMON_SERVICE_API_KEY"
            if token is None
            else "the bearer key is not valid",
            headers={"WWW-Authenticate": 'Bearer realm="rashomon"'},
        )


Authorized = Depends(require_api_key)
