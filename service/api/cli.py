"""`rashomon serve`: the HTTP API and web viewer under uvicorn (one process)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
from typing import TYPE_CHECKING

from service.cli_common import add_backend_options, settings_from_args

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="run the HTTP API and web viewer",
        description="Serves the HTTP API (/v1/..., /docs) and the web viewer (/). Settings come "
        "from RASHOMON_* variables, e.g. RASHOMON_SERVICE_API_KEY, RASHOMON_MAX_CONCURRENT_JOBS,"
        " RASHOMON_DB_PATH.",
    )
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    add_backend_options(p, fake_latency=True)
    p.set_defaults(func=_run_serve)


DRAIN_BEFORE_S = 1.0  # waiters and streams are answered this long before the grace ends


def serving_server(app: FastAPI, config: uvicorn.Config) -> uvicorn.Server:
    """A uvicorn server that calls `mark_serving(app)` once its port is open, so jobs left by
    a previous process start only after the server answers (not during startup), and
    `begin_shutdown(app)` shortly before its graceful-shutdown time is up, so requests waiting
    for a job and event streams end with their documented answer (503, `shutdown`) instead of
    being cancelled."""
    import uvicorn

    from service.api.app import begin_shutdown, mark_serving

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                mark_serving(app)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            grace = self.config.timeout_graceful_shutdown
            delay = max(0.0, grace - DRAIN_BEFORE_S) if grace is not None else 0.0
            drain = asyncio.get_running_loop().call_later(delay, begin_shutdown, app)
            try:
                await super().shutdown(sockets)
            finally:
                drain.cancel()

    return _Server(config)


def _run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from service.api.app import create_app
    from service.api.connections import guarded_protocol

    settings = settings_from_args(args)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    app = create_app(settings, resume_when_serving=True)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        # In-flight requests get this long on SIGTERM; waiters and streams are answered
        # DRAIN_BEFORE_S before it ends (SSE streams would otherwise hold shutdown open).
        timeout_graceful_shutdown=settings.shutdown_grace_s,  # type: ignore[arg-type]
        proxy_headers=False,
        limit_concurrency=settings.max_connections,  # beyond it: 503
        timeout_keep_alive=5,  # idle keep-alive connections are closed
        # h11 with a header timeout and a per-client connection cap (slowloris).
        http=guarded_protocol(
            header_timeout_s=settings.header_timeout_s,
            max_per_client=settings.max_connections_per_client,
        ),
    )
    server = serving_server(app, config)
    server.run()
    return 0 if server.started else 3
