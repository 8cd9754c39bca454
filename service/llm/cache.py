"""SQLite response cache, wrapped around any backend.

Keyed by backend identity (URL + model), prompt hash, schema hash, the rendered messages and the
sampling settings, so re-running the same input is instant and reproducible, and any change to a
prompt file, a schema or the model misses. Only answers that passed validation are stored:
`CachingBackend.complete` never writes; `StructuredLLM` calls `remember` once an answer has
parsed and passed its checks (so truncated, malformed or rejected answers are never replayed),
and `forget` for a stored answer that fails them.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from service.llm.base import Backend, CompletionRequest, Delegating, RawCompletion, sha256_json
from service.schemas import Usage
from service.storage import open_db

# Numbered migrations (service.storage): append, never edit. Migration 1 is the schema of the
# releases before versioning, so their caches are adopted as they are.
MIGRATIONS: tuple[str, ...] = (
    """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    finish_reason TEXT,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    model TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
)
""",
)


class ResponseCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn = open_db(path, MIGRATIONS, check_same_thread=False, timeout=30)

    @staticmethod
    def key(identity: str, request: CompletionRequest) -> str:
        return sha256_json(
            {
                "backend": identity,
                "prompt": request.prompt_sha256,
                "schema": request.schema_sha256,
                "messages": [m.as_dict() for m in request.messages],
                "max_tokens": request.max_tokens,
                "temperature": request.temperature,
            }
        )

    def get(self, key: str) -> RawCompletion | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT text, finish_reason, prompt_tokens, completion_tokens, model "
                "FROM responses WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        return RawCompletion(
            text=row[0],
            finish_reason=row[1],
            usage=Usage(prompt_tokens=row[2], completion_tokens=row[3]),
            model=row[4],
            cached=True,
        )

    def put(self, key: str, value: RawCompletion) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO responses "
                "(key, text, finish_reason, prompt_tokens, completion_tokens, model) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    key,
                    value.text,
                    value.finish_reason,
                    value.usage.prompt_tokens,
                    value.usage.completion_tokens,
                    value.model,
                ),
            )
            self._conn.commit()

    def delete(self, key: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM responses WHERE key = ?", (key,))
            self._conn.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class CachingBackend(Delegating):
    """A backend that answers from the cache when it can and fills it when it cannot."""

    def __init__(self, inner: Backend, cache: ResponseCache) -> None:
        super().__init__(inner)
        self.cache = cache

    async def complete(self, request: CompletionRequest) -> RawCompletion:
        key = ResponseCache.key(self.inner.cache_identity, request)
        hit = await asyncio.to_thread(self.cache.get, key)
        if hit is not None:
            return hit
        return await self.inner.complete(request)

    async def remember(self, request: CompletionRequest, answer: RawCompletion) -> None:
        """Store an answer that passed validation (the caller vouches for it)."""
        if answer.cached or answer.finish_reason == "length":
            return
        key = ResponseCache.key(self.inner.cache_identity, request)
        await asyncio.to_thread(self.cache.put, key, answer)

    async def forget(self, request: CompletionRequest) -> None:
        key = ResponseCache.key(self.inner.cache_identity, request)
        await asyncio.to_thread(self.cache.delete, key)

    async def check(self) -> None:
        await self.inner.check()

    async def aclose(self) -> None:
        await self.inner.aclose()
        self.cache.close()
