"""Liveness and readiness (never behind the API key)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from service import __version__
from service.api.deps import MetricsDep, StateDep
from service.api.problems import ApiProblem, Problem
from service.errors import BackendError

router = APIRouter(tags=["health"])

READY_TIMEOUT_S = 10.0


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get(
    "/readyz",
    summary="The model backend answers",
    responses={
        503: {
            "model": Problem,
            "description": "Backend not ready",
            "content": {"application/problem+json": {}},
        }
    },
)
async def readyz(state: StateDep, metrics: MetricsDep) -> dict[str, Any]:
    backend = state.llm.backend
    try:
        await asyncio.wait_for(backend.check(), READY_TIMEOUT_S)
    except TimeoutError as e:
        metrics.observe_backend_error(backend.name, "TimeoutError")
        raise ApiProblem(
            503,
            "backend-unavailable",
            "Model backend not ready",
            f"[backend {backend.name}] no answer within {READY_TIMEOUT_S:.0f} s",
            backend=backend.name,
        ) from e
    except BackendError as e:
        metrics.observe_backend_error(e.backend, type(e).__name__)
        raise ApiProblem(
            503, "backend-unavailable", "Model backend not ready", str(e), backend=e.backend
        ) from e
    return {"status": "ready", "backend": backend.name, "model": backend.model}
