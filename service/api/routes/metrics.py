"""Prometheus scrape endpoint."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from service.api.deps import Authorized, MetricsDep

router = APIRouter(tags=["metrics"], dependencies=[Authorized])


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format; OpenMetrics on request)",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
async def metrics(request: Request, metrics: MetricsDep) -> Response:
    body, content_type = metrics.render(request.headers.get("accept", ""))
    return Response(body, media_type=content_type)
