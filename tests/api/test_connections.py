"""Issue 19.3: slowloris. `rashomon serve` times out request heads that never finish and caps
the connections of one client address, so other clients are still served.

The server is the one `rashomon serve` configures (its uvicorn config is captured), run in
this process on a free loopback port; the slow client connects from 127.0.0.2, the others
from 127.0.0.1 (two client addresses on loopback)."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import httpx
import pytest

SLOW_CLIENT = "127.0.0.2"


def _serve_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Any, **env: str) -> Any:
    import service.api.cli as serve_cli
    from service.cli import build_parser

    seen: dict[str, Any] = {}

    class NoServer:
        started = True

        def run(self) -> None:
            pass

    def capture(app, config):  # type: ignore[no-untyped-def]
        seen["config"] = config
        return NoServer()

    monkeypatch.setattr(serve_cli, "serving_server", capture)
    monkeypatch.setenv("RASHOMON_DB_PATH", str(tmp_path / "jobs.sqlite3"))
    monkeypatch.setenv("RASHOMON_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RASHOMON_SERVICE_API_KEY", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = build_parser().parse_args(["serve", "--backend", "fake", "--port", str(port)])
    assert serve_cli._run_serve(args) == 0
    return seen["config"]


async def _slow_head(
    opened: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]], port: int
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(SLOW_CLIENT, 0))
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
    await writer.drain()
    opened.append((reader, writer))


async def test_3_slow_heads_time_out_and_one_client_cannot_take_every_slot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import uvicorn

    config = _serve_config(
        monkeypatch,
        tmp_path,
        RASHOMON_MAX_CONNECTIONS="40",
        RASHOMON_MAX_CONNECTIONS_PER_CLIENT="8",
        RASHOMON_HEADER_TIMEOUT_S="1.5",
    )
    config.log_level = "warning"
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    opened: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn sets a flag, not an event)
            await asyncio.sleep(0.02)
        base = f"http://127.0.0.1:{config.port}"
        await asyncio.gather(*(_slow_head(opened, config.port) for _ in range(60)))
        await asyncio.sleep(0.2)
        async with httpx.AsyncClient(base_url=base) as client:
            started = time.monotonic()
            r = await client.get("/healthz", timeout=5)
            assert r.status_code == 200, r.text  # another client is served...
            assert time.monotonic() - started < 1.0
        # ...the slow client's connections beyond its cap were answered 503 and closed...
        answers = await asyncio.gather(
            *(asyncio.wait_for(reader.read(), 5) for reader, _ in opened)
        )
        refused = [a for a in answers if a.startswith(b"HTTP/1.1 503")]
        timed_out = [a for a in answers if a.startswith(b"HTTP/1.1 408")]
        assert len(refused) == 60 - 8, answers[:3]
        assert b"too-many-connections" in refused[0] and b"application/problem+json" in refused[0]
        # ...and the 8 it kept were answered 408 once their heads were 1.5 s late.
        assert len(timed_out) == 8 and b"header-timeout" in timed_out[0]
        assert time.monotonic() - started < 1.5 + 2
    finally:
        for _, writer in opened:
            writer.close()
        server.should_exit = True
        await task


async def test_3_a_head_trickled_after_a_keepalive_request_times_out_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import uvicorn

    config = _serve_config(monkeypatch, tmp_path, RASHOMON_HEADER_TIMEOUT_S="1")
    config.log_level = "warning"
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn sets a flag, not an event)
            await asyncio.sleep(0.02)
        reader, writer = await asyncio.open_connection("127.0.0.1", config.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
        started = time.monotonic()
        for part in (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"X-A: 1\r\n", b"X-B: 2\r\n"):
            writer.write(part)  # one header line every 0.4 s: never idle for 5 s
            await writer.drain()
            await asyncio.sleep(0.4)
        rest = await asyncio.wait_for(reader.read(), 5)
        assert rest.startswith(b"HTTP/1.1 408"), rest
        assert time.monotonic() - started < 1 + 1.5
        writer.close()
    finally:
        server.should_exit = True
        await task
