"""Exactly once, for real: a batch in a subprocess is killed with SIGKILL mid-run (twice), then
resumed; every event must be in results.jsonl exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from service.batch.inputs import InputOptions, load_dump

from .helpers import write_jsonl

REPO = Path(__file__).resolve().parents[2]


def _start(inp: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "batch",
            str(inp),
            "--out",
            str(out),
            "--backend",
            "fake",
            "--fake-latency",
            "0.03",
            "--concurrency",
            "3",
            "--no-cache",
            "--quiet",
            *extra,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _lines(out: Path) -> int:
    path = out / "results.jsonl"
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _kill_after(proc: subprocess.Popen[bytes], out: Path, at_least: int) -> None:
    deadline = time.monotonic() + 60
    while _lines(out) < at_least and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the batch finished before it could be killed: add latency"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_kill_9_then_resume_is_exactly_once(tmp_path: Path) -> None:
    inp, out = tmp_path / "in.jsonl", tmp_path / "out"
    write_jsonl(inp, 30)
    expected = {e.event_id for e in load_dump(inp, InputOptions()).events}
    assert len(expected) == 30

    _kill_after(_start(inp, out), out, 4)
    first = _lines(out)
    _kill_after(_start(inp, out, "--resume"), out, first + 4)
    proc = _start(inp, out, "--resume")
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr.decode()

    raw = (out / "results.jsonl").read_bytes()
    assert raw.endswith(b"\n")
    ids = [json.loads(line)["event_id"] for line in raw.splitlines()]
    assert len(ids) == len(set(ids)), "an event was written twice"
    assert set(ids) == expected, "an event was lost"
    assert b"skipped" in stdout and b"done" in stdout
