"""Append-only JSON-lines files that survive `kill -9`.

Each line is written with one `os.write` of the complete line (newline included) on an
`O_APPEND` descriptor, then fsync'd. A crash can therefore leave at most one *torn* line: the
last one, without its trailing newline. `Journal.open` removes such a tail (truncate + fsync)
before anything is appended, and returns the keys of the complete lines already present.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from service.errors import InputError


class Journal:
    def __init__(self, path: Path, key_field: str) -> None:
        self.path = path
        self.key_field = key_field
        self.keys: set[str] = set()
        self.truncated_bytes = 0
        self._fd: int | None = None

    def open(self) -> set[str]:
        """Repair a torn tail, load the keys of the complete lines, open for appending."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            complete = _last_newline_end(fd, size)
            if complete < size:
                os.ftruncate(fd, complete)
                os.fsync(fd)
                self.truncated_bytes = size - complete
        finally:
            os.close(fd)
        self.keys = set()
        with self.path.open("rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                try:
                    record = json.loads(raw)
                    self.keys.add(str(record[self.key_field]))
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(
                        f"line {lineno} is not a complete record ({exc}); the file was edited "
                        "by hand: fix or remove that line, then --resume",
                        source=str(self.path),
                    ) from exc
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        _fsync_dir(self.path.parent)
        return set(self.keys)

    def append(self, record: dict[str, Any]) -> None:
        """Write one complete line durably (single write, then fsync)."""
        if self._fd is None:
            raise RuntimeError("Journal.append before open()")
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:  # os.write on a regular file writes everything but may, in theory, not
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)
        self.keys.add(str(record[self.key_field]))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _last_newline_end(fd: int, size: int) -> int:
    """Offset just after the last b"\\n" in the file (0 if none)."""
    pos = size
    chunk = 64 * 1024
    while pos > 0:
        start = max(0, pos - chunk)
        data = os.pread(fd, pos - start, start)
        idx = data.rfind(b"\n")
        if idx >= 0:
            return start + idx + 1
        pos = start
    return 0


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
