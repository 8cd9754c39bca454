"""Prometheus metrics, with `prometheus_client` (the reference client).

One registry per app (tests build many apps in one process): request counts and latency by
route *template* (`/v1/reconciliations/{job_id}`), never the raw path, so label cardinality
stays bounded; model tokens and calls from finished jobs' StepRecords; backend errors; jobs
finished; gauges read at scrape time (queue depth, running jobs, bytes of bodies in flight).
Request metrics are recorded by a pure ASGI middleware. `/metrics` negotiates the format
(Prometheus text, or OpenMetrics when the scraper asks for it).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import disable_created_metrics as _no_created_series
from prometheus_client.exposition import choose_encoder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.schemas import StepRecord

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        # No `*_created` sample per series: they double the output and no dashboard here
        # reads them (a process-wide switch of the client; every app wants it off).
        _no_created_series()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "rashomon_http_requests",
            "HTTP requests by route and status.",
            ("method", "route", "status"),
            registry=r,
        )
        self.latency = Histogram(
            "rashomon_http_request_duration_seconds",
            "HTTP request latency (until the last body byte).",
            ("route",),
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.tokens = Counter(
            "rashomon_llm_tokens",
            "Model tokens used by finished jobs and account requests (from StepRecords).",
            ("backend", "model", "step", "kind"),
            registry=r,
        )
        self.llm_calls = Counter(
            "rashomon_llm_calls",
            "Structured model calls by finished jobs and account requests.",
            ("backend", "model", "step"),
            registry=r,
        )
        self.backend_errors = Counter(
            "rashomon_backend_errors",
            "Backend failures (jobs, account requests, readiness checks) by error class.",
            ("backend", "error"),
            registry=r,
        )
        self.jobs_finished = Counter(
            "rashomon_jobs_finished", "Reconciliation jobs finished.", ("status",), registry=r
        )

    # ------------------------------------------------------------------ recording

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method=method, route=route, status=str(status)).inc()
        self.latency.labels(route=route).observe(seconds)

    def observe_steps(self, steps: list[StepRecord]) -> None:
        for s in steps:
            base = {"backend": s.backend, "model": s.model, "step": s.step}
            self.tokens.labels(**base, kind="prompt").inc(s.usage.prompt_tokens)
            self.tokens.labels(**base, kind="completion").inc(s.usage.completion_tokens)
            self.llm_calls.labels(**base).inc(s.calls)

    def observe_backend_error(self, backend: str, error: str) -> None:
        self.backend_errors.labels(backend=backend, error=error).inc()

    def observe_job(self, status: str) -> None:
        self.jobs_finished.labels(status=status).inc()

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """A gauge whose value is read at scrape time."""
        Gauge(name, help_text, registry=self.registry).set_function(read)

    # ------------------------------------------------------------------ exposition

    def render(self, accept: str = "") -> tuple[bytes, str]:
        """The exposition in the format `accept` asks for (Prometheus text by default) and
        its content type."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type


class MetricsMiddleware:
    """Counts every HTTP request by method, route template and status; times it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe_request(
                scope.get("method", "GET"), template, status, time.perf_counter() - started
            )
