"""service.storage: numbered migrations on PRAGMA user_version, and the three stores on it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from service.api.jobs import JobStore
from service.batch.state import StateStore
from service.llm.base import CompletionRequest, RawCompletion
from service.llm.cache import ResponseCache
from service.messages import Message
from service.storage import _pragma, migrate, open_db, user_version
from tests.builders import in_threads

# The schemas written by the releases before versioning (user_version 0), verbatim.
OLD_JOBS = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    n_articles INTEGER NOT NULL,
    articles TEXT NOT NULL,
    result TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, seq);
"""
OLD_CACHE = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    finish_reason TEXT,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    model TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
)
"""
OLD_STATE = """
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    grouping TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    input_file_id TEXT NOT NULL,
    keys TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
"""


def _old_file(path: Path, schema: str, *rows: str) -> None:
    db = sqlite3.connect(path)
    db.executescript(schema)
    for row in rows:
        db.execute(row)
    db.commit()
    assert user_version(db) == 0
    db.close()


def _version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return user_version(db)


def test_old_format_jobs_database_opens_and_gets_migrated(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    _old_file(
        path,
        OLD_JOBS,
        "INSERT INTO jobs (id, status, created_at, finished_at, n_articles, articles, result) "
        "VALUES ('old', 'done', '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:01+00:00', 1, "
        '\'[{"text": "x"}]\', \'{"r": 1}\')',
    )
    store = JobStore(path)
    try:
        row = store.get("old")
        assert row is not None and row.status == "done" and row.result_json == '{"r": 1}'
        assert [a.text for a in row.articles()] == ["x"]
        assert store.count("done") == 1
    finally:
        store.close()
    assert _version(path) == 1
    JobStore(path).close()  # reopening applies nothing and keeps the row
    assert _version(path) == 1


def test_old_format_cache_opens_and_gets_migrated(tmp_path: Path) -> None:
    path = tmp_path / "responses.sqlite3"
    _old_file(
        path,
        OLD_CACHE,
        "INSERT INTO responses (key, text, finish_reason, prompt_tokens, completion_tokens, "
        "model) VALUES ('k', '{}', 'stop', 3, 4, 'm')",
    )
    cache = ResponseCache(path)
    try:
        hit = cache.get("k")
        assert hit is not None and hit.cached and hit.usage.completion_tokens == 4
        request = CompletionRequest(
            messages=(Message("user", "hi"),), schema_name="s", json_schema={}
        )
        key = ResponseCache.key("id", request)
        cache.put(key, RawCompletion(text="{}", finish_reason="stop", model="m"))
        assert len(cache) == 2
    finally:
        cache.close()
    assert _version(path) == 1


def test_old_format_batch_state_opens_and_gets_migrated(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    _old_file(
        path,
        OLD_STATE,
        "INSERT INTO events (event_id, name, grouping, status) VALUES ('e1', 'n', 'g', 'done')",
        "INSERT INTO batches (batch_id, input_file_id, keys, status) "
        "VALUES ('b1', 'f1', '[\"k\"]', 'submitted')",
    )
    store = StateStore(path)
    try:
        assert store.statuses() == {"e1": "done"}
        assert store.open_batches() == [("b1", ["k"])]
        store.add("e2", "n2", "g")
        store.commit()
        assert store.statuses()["e2"] == "pending"
    finally:
        store.close()
    assert _version(path) == 1


V1 = "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"
V2 = "ALTER TABLE t ADD COLUMN colour TEXT NOT NULL DEFAULT 'grey'"


def _columns(db: sqlite3.Connection) -> list[str]:
    return [r[1] for r in db.execute("PRAGMA table_info(t)")]


def test_a_new_column_migration_applies_once(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = open_db(path, (V1,))
    db.execute("INSERT INTO t (name) VALUES ('a')")
    db.commit()
    db.close()

    db = open_db(path, (V1, V2))  # a release that adds a column
    assert user_version(db) == 2
    assert _columns(db) == ["id", "name", "colour"]
    assert db.execute("SELECT name, colour FROM t").fetchall() == [("a", "grey")]
    assert migrate(db, (V1, V2)) == 0  # nothing left: ADD COLUMN is not run twice
    db.close()
    db = open_db(path, (V1, V2))  # nor on the next open
    assert user_version(db) == 2 and _columns(db) == ["id", "name", "colour"]
    db.close()


def test_an_old_unversioned_file_gets_later_migrations_too(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    _old_file(path, V1, "INSERT INTO t (name) VALUES ('old')")
    db = open_db(path, (V1, V2))
    assert user_version(db) == 2
    assert db.execute("SELECT name, colour FROM t").fetchall() == [("old", "grey")]
    db.close()


def test_a_failing_migration_rolls_back_and_keeps_the_version(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    open_db(path, (V1,)).close()
    broken = "ALTER TABLE t ADD COLUMN extra TEXT; INSERT INTO nowhere VALUES (1)"
    with pytest.raises(sqlite3.OperationalError, match="nowhere"):
        open_db(path, (V1, broken))
    with sqlite3.connect(path) as db:
        assert user_version(db) == 1
        assert _columns(db) == ["id", "name"]  # the first statement was rolled back too


def test_python_migrations_and_statements_with_semicolons(tmp_path: Path) -> None:
    def backfill(db: sqlite3.Connection) -> None:
        db.execute("UPDATE t SET name = name || ';x'")

    path = tmp_path / "x.sqlite3"
    db = open_db(path, (V1 + "; INSERT INTO t (name) VALUES ('a;b');", backfill))
    assert db.execute("SELECT name FROM t").fetchall() == [("a;b;x",)]
    assert user_version(db) == 2
    db.close()


def test_a_file_from_a_newer_release_is_opened_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    open_db(path, (V1, V2)).close()
    db = open_db(path, (V1,))
    assert user_version(db) == 2 and "colour" in _columns(db)
    db.close()


def test_concurrent_opens_migrate_once(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    errors = in_threads(lambda: open_db(path, (V1, V2), timeout=30).close(), 4)
    assert errors == []
    assert _version(path) == 2


class _Locked:
    """A connection whose first `fails` pragmas meet another connection's lock."""

    def __init__(self, fails: int, message: str = "database is locked") -> None:
        self.fails, self.message, self.calls = fails, message, 0

    def execute(self, sql: str) -> None:
        self.calls += 1
        if self.calls <= self.fails:
            raise sqlite3.OperationalError(self.message)


def test_a_pragma_waits_out_another_connections_lock() -> None:
    conn = _Locked(fails=3)
    _pragma(conn, "journal_mode=WAL", time.monotonic() + 5)  # type: ignore[arg-type]
    assert conn.calls == 4


def test_a_pragma_gives_up_at_the_timeout_and_on_other_errors() -> None:
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _pragma(_Locked(fails=10**6), "journal_mode=WAL", time.monotonic() + 0.1)  # type: ignore[arg-type]
    other = _Locked(fails=1, message="no such table: x")
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        _pragma(other, "journal_mode=WAL", time.monotonic() + 5)  # type: ignore[arg-type]
    assert other.calls == 1
