"""Prometheus metrics, hand-written in the text exposition format (version 0.0.4).

No client library: a handful of counters, one histogram and gauges read at scrape time.
Request metrics are recorded by a pure ASGI middleware, labelled by the route *template*
(`/v1/reconciliations/{job_id}`), never the raw path, so label cardinality stays bounded.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.schemas import StepRecord

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _fmt_labels(labels: Labels) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels) + "}"


def _num(v: float) -> str:
    if v == float("inf"):
        return "+Inf"
    return repr(float(v)) if not float(v).is_integer() else str(int(v))


class Metrics:
    def __init__(self) -> None:
        self.requests: defaultdict[Labels, int] = defaultdict(int)
        self.latency_buckets: defaultdict[Labels, list[int]] = defaultdict(
            lambda: [0] * len(LATENCY_BUCKETS)
        )
        self.latency_sum: defaultdict[Labels, float] = defaultdict(float)
        self.latency_count: defaultdict[Labels, int] = defaultdict(int)
        self.tokens: defaultdict[Labels, int] = defaultdict(int)
        self.llm_calls: defaultdict[Labels, int] = defaultdict(int)
        self.backend_errors: defaultdict[Labels, int] = defaultdict(int)
        self.jobs_finished: defaultdict[Labels, int] = defaultdict(int)
        self.gauges: dict[str, tuple[str, Callable[[], float]]] = {}

    # ------------------------------------------------------------------ recording

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(("method", method), ("route", route), ("status", str(status)))] += 1
        key = (("route", route),)
        buckets = self.latency_buckets[key]
        for i, bound in enumerate(LATENCY_BUCKETS):
            if seconds <= bound:
                buckets[i] += 1
        self.latency_sum[key] += seconds
        self.latency_count[key] += 1

    def observe_steps(self, steps: list[StepRecord]) -> None:
        for s in steps:
            base = (("backend", s.backend), ("model", s.model), ("step", s.step))
            self.tokens[(*base, ("kind", "prompt"))] += s.usage.prompt_tokens
            self.tokens[(*base, ("kind", "completion"))] += s.usage.completion_tokens
            self.llm_calls[base] += s.calls

    def observe_backend_error(self, backend: str, error: str) -> None:
        self.backend_errors[(("backend", backend), ("error", error))] += 1

    def observe_job(self, status: str) -> None:
        self.jobs_finished[(("status", status),)] += 1

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        self.gauges[name] = (help_text, read)

    # ------------------------------------------------------------------ exposition

    def render(self) -> str:
        out: list[str] = []

        def family(name: str, kind: str, help_text: str, values: dict[Labels, Any]) -> None:
            out.append(f"# HELP {name} {help_text}")
            out.append(f"# TYPE {name} {kind}")
            for labels, v in sorted(values.items()):
                out.append(f"{name}{_fmt_labels(labels)} {_num(v)}")

        family(
            "rashomon_http_requests_total",
            "counter",
            "HTTP requests by route and status.",
            dict(self.requests),
        )
        name = "rashomon_http_request_duration_seconds"
        out.append(f"# HELP {name} HTTP request latency (until the last body byte).")
        out.append(f"# TYPE {name} histogram")
        for key in sorted(self.latency_count):
            for bound, n in zip(LATENCY_BUCKETS, self.latency_buckets[key], strict=True):
                out.append(f"{name}_bucket{_fmt_labels((*key, ('le', _num(bound))))} {n}")
            count = self.latency_count[key]
            out.append(f"{name}_bucket{_fmt_labels((*key, ('le', '+Inf')))} {count}")
            out.append(f"{name}_sum{_fmt_labels(key)} {_num(round(self.latency_sum[key], 6))}")
            out.append(f"{name}_count{_fmt_labels(key)} {count}")
        family(
            "rashomon_llm_tokens_total",
            "counter",
            "Model tokens used by finished jobs and account requests (from StepRecords).",
            dict(self.tokens),
        )
        family(
            "rashomon_llm_calls_total",
            "counter",
            "Structured model calls by finished jobs and account requests.",
            dict(self.llm_calls),
        )
        family(
            "rashomon_backend_errors_total",
            "counter",
            "Backend failures (jobs, account requests, readiness checks) by error class.",
            dict(self.backend_errors),
        )
        family(
            "rashomon_jobs_finished_total",
            "counter",
            "Reconciliation jobs finished.",
            dict(self.jobs_finished),
        )
        for gname, (help_text, read) in sorted(self.gauges.items()):
            family(gname, "gauge", help_text, {(): read()})
        return "\n".join(out) + "\n"


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
