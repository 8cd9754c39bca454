"""The one helper behind every SQLite file of the service: open it, set its pragmas, and bring
its schema up to date with numbered migrations recorded in `PRAGMA user_version`.

A store declares its schema as a tuple of migrations: `migrations[0]` is migration 1, and so
on. `user_version` holds how many have been applied (0 in a new file). `open_db` applies the
missing ones in order, each in its own `BEGIN IMMEDIATE` transaction together with the bump of
`user_version`, so a crash or an error never leaves a half-migrated file, and two processes
opening the same file at once apply each migration once (the second re-reads the version
inside its transaction).

Rules for stores:
- Migration 1 is the schema the store had before it was versioned, written with
  `CREATE ... IF NOT EXISTS`: a file made by an older release (version 0, tables already
  there) is adopted unchanged.
- Never edit a released migration: append a new one (`ALTER TABLE ... ADD COLUMN ...`).
- A file from a newer release (a version beyond the known migrations) is opened as it is.

Modelled on simonw/llm's `llm/migrations.py`, with `user_version` in place of a table.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger("rashomon.storage")

Migration = str | Callable[[sqlite3.Connection], None]
"""SQL (one or more statements) or a function given the connection, inside the transaction."""


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _statements(script: str) -> list[str]:
    """Split SQL into complete statements (semicolons inside strings or triggers are kept)."""
    out: list[str] = []
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \t\r\n;"):
                out.append(buf.strip())
            buf = ""
    if buf.strip(" \t\r\n;"):
        raise ValueError(f"incomplete SQL statement in migration: {buf.strip()[:80]!r}")
    return out


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration]) -> int:
    """Apply the migrations `conn`'s file does not have yet; returns how many were applied."""
    applied = 0
    while True:
        version = user_version(conn)
        if version >= len(migrations):
            if version > len(migrations):
                log.debug(
                    "%s: schema version %d is newer than this release's %d",
                    conn,
                    version,
                    len(migrations),
                )
            return applied
        if conn.in_transaction:
            conn.commit()
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) != version:  # another connection migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            step = migrations[version]
            if callable(step):
                step(conn)
            else:
                for statement in _statements(step):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied += 1


def open_db(
    path: Path,
    migrations: Sequence[Migration],
    *,
    pragmas: Sequence[str] = ("journal_mode=WAL",),
    timeout: float = 5.0,
    check_same_thread: bool = True,
    autocommit: bool = False,
) -> sqlite3.Connection:
    """Connect to `path` (its directory is created), run `PRAGMA <p>` for each of `pragmas`
    (before the schema, so e.g. `auto_vacuum` applies to a new file), then migrate.

    `autocommit`: every statement commits on its own (`isolation_level=None`); otherwise the
    sqlite3 module opens transactions and the store calls `commit()`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path,
        timeout=timeout,
        check_same_thread=check_same_thread,
        isolation_level=None if autocommit else "DEFERRED",
    )
    try:
        deadline = time.monotonic() + timeout
        for pragma in pragmas:
            _pragma(conn, pragma, deadline)
        migrate(conn, migrations)
    except BaseException:
        conn.close()
        raise
    return conn


def _pragma(conn: sqlite3.Connection, pragma: str, deadline: float) -> None:
    """`PRAGMA <pragma>`, tried again while another connection holds the lock it needs.
    Switching a new file to WAL takes an exclusive lock, and SQLite can answer "database is
    locked" at once rather than wait out the busy timeout (four threads opening one new store:
    about one run in twenty under load failed, `test_concurrent_opens_migrate_once`)."""
    wait = 0.01
    while True:
        try:
            conn.execute(f"PRAGMA {pragma}")
            return
        except sqlite3.OperationalError as e:
            if ("locked" not in str(e) and "busy" not in str(e)) or time.monotonic() >= deadline:
                raise
        time.sleep(wait)
        wait = min(wait * 2, 0.2)
