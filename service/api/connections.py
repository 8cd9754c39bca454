"""Connection limits of `rashomon serve`, below the app: uvicorn's h11 protocol with

- a header timeout: a connection whose request line and headers have not all arrived within
  `header_timeout_s` of its first byte (or of its opening) is answered 408 and closed. uvicorn
  itself times out only idle keep-alive connections, so a client sending its headers a byte at
  a time (slowloris) would otherwise hold a connection slot for ever;
- a cap on the connections open from one client address: beyond `max_per_client` a new
  connection is answered 503 and closed at once, so one client cannot take every slot of
  `--limit-concurrency` (RASHOMON_MAX_CONNECTIONS) from the others.

Both answers are written as raw HTTP/1.1 (no request was parsed: the app never runs), with a
problem+json body like every other error.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("rashomon.api.connections")

TYPE_PREFIX = "urn:rashomon:problem:"


def raw_problem(status: int, reason: str, slug: str, detail: str, **extra: Any) -> bytes:
    """A complete HTTP/1.1 problem+json response that closes the connection."""
    body = json.dumps(
        {"type": TYPE_PREFIX + slug, "title": reason, "status": status, "detail": detail, **extra}
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "content-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n" + ("retry-after: 5\r\n" if status == 503 else "") + "\r\n"
    )
    return head.encode("ascii") + body


def guarded_protocol(*, header_timeout_s: float, max_per_client: int) -> type[H11Protocol]:
    """An h11 protocol class for `uvicorn.Config(http=...)` with these limits. The per-client
    counts live in the class, so make one class per server."""
    open_per_client: dict[str, int] = {}

    class GuardedH11Protocol(H11Protocol):
        _host: str | None = None
        _header_timer: asyncio.TimerHandle | None = None
        _armed_cycle: object = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            host = self.client[0] if self.client else None
            if host is not None:
                self._host = host
                n = open_per_client[host] = open_per_client.get(host, 0) + 1
                if max_per_client and n > max_per_client:
                    if n == max_per_client + 1:
                        log.warning(
                            "client %s has %d connections open; more are refused with 503 "
                            "(RASHOMON_MAX_CONNECTIONS_PER_CLIENT)",
                            host,
                            max_per_client,
                        )
                    self._refuse(
                        raw_problem(
                            503,
                            "Service Unavailable",
                            "too-many-connections",
                            f"this client already has {max_per_client} connections open; "
                            "reuse them or retry later",
                            limit="max_connections_per_client",
                            limit_value=max_per_client,
                            setting="RASHOMON_MAX_CONNECTIONS_PER_CLIENT",
                        )
                    )
                    return
            self._arm_header_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None
            if self._host is not None:
                left = open_per_client.get(self._host, 1) - 1
                if left > 0:
                    open_per_client[self._host] = left
                else:
                    open_per_client.pop(self._host, None)
                self._host = None
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            idle = self.cycle is None or self.cycle.response_complete
            if idle and self._header_timer is None:
                self._arm_header_timer()  # the first bytes of the next request's head
            super().data_received(data)

        def _arm_header_timer(self) -> None:
            self._armed_cycle = self.cycle
            self._header_timer = self.loop.call_later(header_timeout_s, self._header_timeout)

        def _header_timeout(self) -> None:
            self._header_timer = None
            if self.transport.is_closing() or self.cycle is not self._armed_cycle:
                return  # closed, or a request head arrived in time
            self._refuse(
                raw_problem(
                    408,
                    "Request Timeout",
                    "header-timeout",
                    f"the request line and headers were not received within {header_timeout_s:g} s",
                    limit="header_timeout_s",
                    limit_value=header_timeout_s,
                    setting="RASHOMON_HEADER_TIMEOUT_S",
                )
            )

        def _refuse(self, response: bytes) -> None:
            if not self.transport.is_closing():
                self.transport.write(response)
                self.transport.close()

    return GuardedH11Protocol
