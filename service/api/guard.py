"""The request guard: what is checked before a request body is read or parsed.

An ASGI middleware, outside FastAPI's routing (FastAPI reads and parses the body before it
runs any dependency, so neither the key check nor a size limit could otherwise come first):

1. On the protected routes (`/v1/...`, `/metrics`) the bearer key is checked first: a request
   without the configured key gets 401 before a byte of its body is read.
2. A declared `Content-Length` over the limit gets 413 at once; otherwise the body is read as
   it streams (chunked bodies too) and the request gets 413 as soon as it passes the limit, so
   at most `limit` bytes are ever buffered.
3. A body not received within `body_read_timeout_s` gets 408 (a slow client holds no slot).
4. A JSON body that is not valid UTF-8 gets 422 (not FastAPI's 400), naming the byte offset.

The checked body is then handed to the app unchanged.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.deps import bearer_token, check_bearer
from service.api.problems import ApiProblem, limit_problem, problem_response, validation_problem
from service.config import Settings

PROTECTED_PREFIXES = ("/v1/", "/metrics")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def is_protected(path: str) -> bool:
    return path == "/metrics" or path.startswith(PROTECTED_PREFIXES)


class RequestGuard:
    def __init__(self, app: ASGIApp, settings: Settings, limit: int) -> None:
        self.app = app
        self.settings = settings
        self.limit = limit

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

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await problem_response(self._too_large(int(declared), True).body)(scope, receive, send)
            return
        body = bytearray()
        try:
            async with asyncio.timeout(self.settings.body_read_timeout_s):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return  # the client went away before sending its body
                    body += message.get("body", b"")
                    if len(body) > self.limit:
                        too_large = self._too_large(len(body), False)
                        await problem_response(too_large.body)(scope, receive, send)
                        return
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await problem_response(self._too_slow(len(body)).body)(scope, receive, send)
            return

        content_type = headers.get(b"content-type", b"").lower()
        if not content_type or b"json" in content_type:
            try:
                bytes(body).decode("utf-8")
            except UnicodeDecodeError as e:
                problem = validation_problem(
                    [
                        {
                            "loc": ("body",),
                            "msg": f"the body is not valid UTF-8 (byte 0x{body[e.start]:02x} at "
                            f"offset {e.start}); send JSON encoded as UTF-8",
                            "type": "unicode_decode",
                        }
                    ]
                )
                await problem_response(problem)(scope, receive, send)
                return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()  # after the body: wait for the disconnect

        await self.app(scope, replay, send)
