"""The SQLite state store in the output directory: one row per event (pending, done, failed),
plus the OpenAI batches submitted in --via batch-api mode (so a resumed run re-attaches to a
batch still running instead of paying for it twice).

`results.jsonl` is the authority on what is done; this store is an index that is brought back
in line with it at the start of every run (`sync_done`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from service.storage import open_db

Status = Literal["pending", "done", "failed"]

# Numbered migrations (service.storage): append, never edit. Migration 1 is the schema of the
# releases before versioning, so their output directories resume as they are.
MIGRATIONS: tuple[str, ...] = (
    """
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
""",
)


class StateStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = open_db(
            path, MIGRATIONS, pragmas=("journal_mode=WAL", "synchronous=FULL"), timeout=30
        )

    def add(self, event_id: str, name: str, grouping: str) -> None:
        self._conn.execute(
            "INSERT OR IGNORE INTO events (event_id, name, grouping, status) "
            "VALUES (?, ?, ?, 'pending')",
            (event_id, name, grouping),
        )

    def commit(self) -> None:
        self._conn.commit()

    def statuses(self) -> dict[str, Status]:
        rows = self._conn.execute("SELECT event_id, status FROM events").fetchall()
        return {r[0]: r[1] for r in rows}

    def sync_done(self, present: set[str]) -> tuple[int, int]:
        """Make 'done' mean exactly 'has a line in results.jsonl'. Returns (marked done,
        reset to pending)."""
        statuses = self.statuses()
        marked = [e for e in present if statuses.get(e) not in (None, "done")]
        reset = [e for e, s in statuses.items() if s == "done" and e not in present]
        self._conn.executemany(
            "UPDATE events SET status='done', reason=NULL, updated_at=datetime('now') "
            "WHERE event_id=?",
            [(e,) for e in marked],
        )
        self._conn.executemany(
            "UPDATE events SET status='pending', updated_at=datetime('now') WHERE event_id=?",
            [(e,) for e in reset],
        )
        self._conn.commit()
        return len(marked), len(reset)

    def start(self, event_id: str) -> None:
        self._conn.execute(
            "UPDATE events SET attempts = attempts + 1, updated_at=datetime('now') "
            "WHERE event_id=?",
            (event_id,),
        )
        # no commit: the outcome's mark() commits it (one fsync'd transaction per event)

    def attempts(self, event_id: str) -> int:
        row = self._conn.execute(
            "SELECT attempts FROM events WHERE event_id=?", (event_id,)
        ).fetchone()
        return int(row[0]) if row else 0

    def mark(self, event_id: str, status: Status, reason: str | None = None) -> None:
        self._conn.execute(
            "UPDATE events SET status=?, reason=?, updated_at=datetime('now') WHERE event_id=?",
            (status, reason, event_id),
        )
        self._conn.commit()

    # ---------------------------------------------------------------- batch-api bookkeeping

    def add_batch(self, batch_id: str, input_file_id: str, keys: list[str]) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO batches (batch_id, input_file_id, keys, status) "
            "VALUES (?, ?, ?, 'submitted')",
            (batch_id, input_file_id, json.dumps(keys)),
        )
        self._conn.commit()

    def open_batches(self) -> list[tuple[str, list[str]]]:
        rows = self._conn.execute(
            "SELECT batch_id, keys FROM batches WHERE status='submitted' ORDER BY created_at"
        ).fetchall()
        return [(r[0], json.loads(r[1])) for r in rows]

    def close_batch(self, batch_id: str, status: str) -> None:
        self._conn.execute("UPDATE batches SET status=? WHERE batch_id=?", (status, batch_id))
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()
