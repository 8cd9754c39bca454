"""The request guard: what is checked before a request body is read or parsed.

An ASGI middleware, outside FastAPI's routing (FastAPI reads and parses the body before it
runs any dependency, so neither the key check nor a size limit could otherwise come first):

1. On the protected routes (`/v1/...`, `/metrics`) the bearer key is checked first: a request
   without the configured key gets 401 before a byte of its body is read.
2. A body with a `Content-Encoding` (gzip, ...) gets 415: bodies are not decompressed (a
   compressed body could expand past every limit), and this says so rather than "not UTF-8".
3. A declared `Content-Length` over the limit gets 413 at once; otherwise the body is read as
   it streams (chunked bodies too) and the request gets 413 as soon as it passes the limit, so
   at most `limit` bytes are ever buffered.
4. All bodies in flight share one byte budget (`BodyBudget`, RASHOMON_MAX_INFLIGHT_BODY_BYTES):
   a body is counted from its first byte (its whole declared length at once) until its request
   is answered; one that does not fit now gets 429 with Retry-After. Memory is bounded by the
   budget, not by the number of connections.
5. A body not received within `body_read_timeout_s` gets 408 (a slow client holds no slot).
6. A JSON body that is not valid UTF-8 gets 422 (not FastAPI's 400), naming the byte offset;
   a large one (over LARGE_BODY bytes) that is not valid JSON gets 422 here too, checked in a
   worker thread: FastAPI's own JSON error keeps the body in a reference cycle until a full
   garbage collection, which for large bodies held hundreds of MB.

The checked body is then handed to the app unchanged, and the guard drops its reference.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.deps import bearer_token, check_bearer
from service.api.offload import Worker
from service.api.problems import ApiProblem, limit_problem, problem_response, validation_problem
from service.config import Settings

PROTECTED_PREFIXES = ("/v1/", "/metrics")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def is_protected(path: str) -> bool:
    return path == "/metrics" or path.startswith(PROTECTED_PREFIXES)


LARGE_BODY = 1 << 20  # bytes: above this the JSON check runs here, in a worker thread


class BodyBudget:
    """Bytes of request bodies in flight across all requests (0: no budget)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, n: int) -> bool:
        if self.limit and self.used + n > self.limit:
            return False
        self.used += n
        return True

    def give(self, n: int) -> None:
        self.used -= n


def _utf8_problem(body: bytes, e: UnicodeDecodeError) -> dict[str, Any]:
    return validation_problem(
        [
            {
                "loc": ("body",),
                "msg": f"the body is not valid UTF-8 (byte 0x{body[e.start]:02x} at offset "
                f"{e.start}); send JSON encoded as UTF-8",
                "type": "unicode_decode",
            }
        ]
    )


def body_problem(body: bytes, *, parse: bool) -> dict[str, Any] | None:
    """The 422 problem of a JSON body that is not UTF-8 (or, with `parse`, not JSON); None if
    it is fine. Holds no reference to the body once it returns."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        return _utf8_problem(body, e)
    if not parse:
        return None
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        return validation_problem(
            [
                {
                    "loc": ("body", e.pos),
                    "msg": f"JSON decode error: {e.msg} (line {e.lineno}, column {e.colno})",
                    "type": "json_invalid",
                }
            ]
        )
    except RecursionError:
        return validation_problem(
            [{"loc": ("body",), "msg": "JSON nested too deeply", "type": "json_invalid"}]
        )
    return None


class RequestGuard:
    def __init__(
        self, app: ASGIApp, settings: Settings, limit: int, budget: BodyBudget | None = None
    ) -> None:
        self.app = app
        self.settings = settings
        self.limit = limit
        if budget is None:
            inflight = settings.max_inflight_body_bytes
            budget = BodyBudget(max(inflight, limit) if inflight else 0)
        self.budget = budget

    def _over_budget(self, size: int) -> ApiProblem:
        budget = self.budget
        return limit_problem(
            429,
            "busy",
            "Too many request bytes in flight",
            f"requests being received or processed hold {budget.used:,} of the "
            f"{budget.limit:,}-byte budget; this body ({size:,} bytes so far) does not fit "
            "now; retry shortly",
            limit="max_inflight_body_bytes",
            value=budget.limit,
            setting="RASHOMON_MAX_INFLIGHT_BODY_BYTES",
            headers={"Retry-After": "2"},
        )

    def _encoded(self, encoding: str) -> ApiProblem:
        return ApiProblem(
            415,
            "unsupported-encoding",
            "Content-Encoding not supported",
            f"the body is sent with Content-Encoding: {encoding[:40]}; send it unencoded "
            "(request bodies are not decompressed: a compressed body could expand past every "
            "size limit)",
            headers={"Accept-Encoding": "identity"},
        )

    def _too_large(self, size: int, declared: bool) -> ApiProblem:
        seen = "declared" if declared else "read so far"
        return limit_problem(
            413,
            "request-too-large",
            "Request too large",
            f"the request body is over {self.limit:,} bytes ({size:,} {seen}); the bound is "
            "max_articles x max_article_bytes x 10 (HTML) x 2 (JSON escaping)",
            limit="request_bytes",
            value=self.limit,
            setting="RASHOMON_MAX_ARTICLE_BYTES, RASHOMON_MAX_ARTICLES",
        )

    def _too_slow(self, size: int) -> ApiProblem:
        timeout = self.settings.body_read_timeout_s
        return limit_problem(
            408,
            "request-timeout",
            "Request body too slow",
            f"the request body was not received within {timeout:g} s ({size:,} bytes arrived)",
            limit="body_read_timeout_s",
            value=timeout,
            setting="RASHOMON_BODY_READ_TIMEOUT_S",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if self.settings.service_api_key is not None and is_protected(scope["path"]):
            authorization = headers.get(b"authorization")
            try:
                check_bearer(
                    self.settings,
                    bearer_token(authorization.decode("latin-1") if authorization else None),
                )
            except ApiProblem as e:
                await problem_response(e.body, e.headers)(scope, receive, send)
                return
        if scope.get("method") not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return

        encoding = headers.get(b"content-encoding", b"").decode("latin-1").strip().lower()
        if encoding not in ("", "identity"):
            problem = self._encoded(encoding)
            await problem_response(problem.body, problem.headers)(scope, receive, send)
            return
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await problem_response(self._too_large(int(declared), True).body)(scope, receive, send)
            return
        held = 0  # bytes of the budget this request holds, given back when it is answered
        try:
            if declared is not None and declared.isdigit():
                if not self.budget.take(int(declared)):
                    problem = self._over_budget(int(declared))
                    await problem_response(problem.body, problem.headers)(scope, receive, send)
                    return
                held = int(declared)
            await self._checked(scope, receive, send, headers, held)
        finally:
            self.budget.give(held)

    async def _checked(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes], held: int
    ) -> None:
        """Read the body within its limits and the budget (`held` bytes of it are reserved by
        the caller; more is reserved here as a chunked body arrives, and given back here),
        check it, and run the app on it."""
        chunks: list[bytes] = []
        size = 0
        extra = 0  # reserved here for bytes beyond the declared length (chunked bodies)
        try:
            try:
                async with asyncio.timeout(self.settings.body_read_timeout_s):
                    while True:
                        message = await receive()
                        if message["type"] == "http.disconnect":
                            return  # the client went away before sending its body
                        chunk = message.get("body", b"")
                        size += len(chunk)
                        if size > self.limit:
                            too_large = self._too_large(size, False)
                            await problem_response(too_large.body)(scope, receive, send)
                            return
                        if size > held + extra:
                            if not self.budget.take(size - held - extra):
                                problem = self._over_budget(size)
                                await problem_response(problem.body, problem.headers)(
                                    scope, receive, send
                                )
                                return
                            extra = size - held
                        if chunk:
                            chunks.append(chunk)
                        if not message.get("more_body", False):
                            break
            except TimeoutError:
                await problem_response(self._too_slow(size).body)(scope, receive, send)
                return
            body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            chunks.clear()

            content_type = headers.get(b"content-type", b"").lower()
            if not content_type or b"json" in content_type:
                if len(body) > LARGE_BODY:
                    check = functools.partial(body_problem, body, parse=True)
                    invalid = await Worker(check, name="body-check").run()
                    del check
                else:
                    invalid = body_problem(body, parse=False)  # FastAPI parses small ones
                if invalid is not None:
                    body = b""
                    await problem_response(invalid)(scope, receive, send)
                    return

            replay: list[bytes] = [body]
            body = b""  # from here the app's request holds the only reference

            async def replayed() -> Message:
                if replay:
                    return {"type": "http.request", "body": replay.pop(), "more_body": False}
                return await receive()  # after the body: wait for the disconnect

            await self.app(scope, replayed, send)
        finally:
            self.budget.give(extra)
