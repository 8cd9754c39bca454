"""Probes of the HTTP server under hostile or heavy load (issue 19), as figures (a script, not
a test). Each starts `rashomon serve --backend fake` on a free loopback port, from this
checkout, with its own jobs database, and stops it; every loop is bounded in count and time.

    python benchmarks/http_probes.py healthz     # /healthz while 12 x 18 KB articles reconcile
    python benchmarks/http_probes.py budget      # the same request under a 15 s time budget
    python benchmarks/http_probes.py slowloris   # 260 unfinished heads from 127.0.0.2
    python benchmarks/http_probes.py memory      # peak RSS: 8 concurrent maximal (48 MB) bodies, 8 invalid
    python benchmarks/http_probes.py sigterm     # SIGTERM with a ?wait=true client and a stream
    python benchmarks/http_probes.py sigterm-cpu # SIGTERM while the 12 x 18 KB request computes
    python benchmarks/http_probes.py all
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, port: int, proc: subprocess.Popen[bytes], db: Path, log: Path) -> None:
        self.port, self.proc, self.db, self.log = port, proc, db, log
        self.base = f"http://127.0.0.1:{port}"

    def rss_kb(self, field: str = "VmRSS") -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        return 0


@contextmanager
def serve(*args: str, **env: str) -> Iterator[Server]:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="rashomon-probe-") as tmp:
        db, log = Path(tmp) / "jobs.sqlite3", Path(tmp) / "server.log"
        environ = {
            **os.environ,
            "RASHOMON_DB_PATH": str(db),
            "RASHOMON_CACHE_DIR": str(Path(tmp) / "cache"),
            **env,
        }
        environ.pop("RASHOMON_SERVICE_API_KEY", None)
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [
                    *(sys.executable, "-m", "service.cli", "serve", "--backend", "fake"),
                    *("--port", str(port), "--log-level", "warning", *args),
                ],
                cwd=REPO,
                env=environ,
                stdout=subprocess.DEVNULL,
                stderr=out,
            )
        server = Server(port, proc, db, log)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                raise SystemExit("the server did not start")
            yield server
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


SUBJECTS = (
    "The ministry",
    "A government source",
    "Officials in Kyiv",
    "The Kremlin",
    "Paris",
    "A spokesman for the army",
    "Local residents",
    "The French minister",
)
VERBS = ("said", "told reporters", "denied", "confirmed", "claimed", "stated")
CONTENT = (
    "talks on Ukraine would resume next week",
    "the call lasted an hour",
    "{n} soldiers were moved to the border",
    "no offer of peace talks was made",
    "the ceasefire held in {n} villages",
    "aid convoys reached the city on Monday",
    "the minister proposed a new round of talks",
    "{n} people were evacuated overnight",
)


DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def big_articles(n: int = 12, size: int = 18_000, seed: int = 19) -> list[dict[str, str]]:
    """`n` articles of about `size` bytes, about 110 bytes a sentence (12 x 18 KB: about
    1,900 sentences), built from one small vocabulary so that the articles share wording
    (many candidate pairs) without being copies."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parts: list[str] = []
        length = 0
        while length < size:
            content = rng.choice(CONTENT).format(n=rng.randint(2, 900))
            sentence = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} that {content} in area {rng.randint(1, 99)}, according to a statement on {rng.choice(DAYS)}."
            parts.append(sentence)
            length += len(sentence) + 1
        out.append({"outlet": f"Outlet {i + 1}", "text": " ".join(parts)})
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def healthz(budget_s: float | None = None, limit_s: float = 300) -> None:
    env = {"RASHOMON_REQUEST_TIME_BUDGET_S": str(budget_s)} if budget_s else {}
    body = {"articles": big_articles()}
    size = len(json.dumps(body))
    with serve(**env) as server:
        started = time.monotonic()
        r = httpx.post(f"{server.base}/v1/reconciliations?wait=false", json=body, timeout=60)
        posted = time.monotonic() - started
        location = server.base + r.headers["location"]
        latencies: list[float] = []
        status = "?"
        error: dict[str, Any] | None = None
        while time.monotonic() - started < limit_s:
            t = time.monotonic()
            with contextlib.suppress(httpx.TimeoutException):
                httpx.get(f"{server.base}/healthz", timeout=30)
            latencies.append(time.monotonic() - t)
            job = httpx.get(location, timeout=30).json()
            status, error = job["status"], job.get("error")
            if status in ("done", "failed"):
                break
            time.sleep(0.1)
        took = time.monotonic() - started
        time.sleep(3)  # the worker's own stop is logged after the job's answer
        log = server.log.read_text(errors="replace")
    print(f"request: 12 articles, {size:,} bytes of JSON; POST answered in {posted:.2f} s")
    print(f"job: {status} after {took:.1f} s" + (f" ({error['title']})" if error else ""))
    print(
        f"/healthz during the job: {len(latencies)} probes, p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {pct(latencies, 99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    if budget_s and job.get("started_at") and job.get("finished_at"):
        ran = (
            datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["started_at"])
        ).total_seconds()
        print(f"time budget {budget_s:g} s: the job ran {ran:.2f} s ({ran - budget_s:+.2f} s)")
        forced = "did not stop within" in log
        print(
            "worker thread: "
            + (
                "stopped by the forced stop (no checkpoint in its loop)"
                if forced
                else "stopped at a checkpoint"
            )
            + "; log: "
            + "; ".join(line.split(": ", 1)[-1] for line in log.splitlines() if "worker" in line)
        )


def sigterm_cpu(after_s: float = 8) -> None:
    """SIGTERM while the 12 x 18 KB request computes (no model wait to cancel at)."""
    with serve() as server:
        r = httpx.post(
            f"{server.base}/v1/reconciliations?wait=false",
            json={"articles": big_articles()},
            timeout=60,
        )
        job = server.base + r.headers["location"]
        time.sleep(after_s)
        state = httpx.get(job, timeout=30).json()
        t0 = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=300)
        exit_s = time.monotonic() - t0
        log = server.log.read_text(errors="replace")
    progress = state.get("progress") or {}
    print(
        f"SIGTERM {after_s:g} s into the 12 x 18 KB job (status {state['status']}, last progress "
        f"{progress.get('step')}): exited after {exit_s:.1f} s; log: "
        f"{log.count('Traceback')} tracebacks"
    )


def slowloris(n: int = 260, slow_client: str = "127.0.0.2") -> None:
    async def probe(server: Server) -> None:
        conns: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

        async def slow() -> None:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", server.port, local_addr=(slow_client, 0)
            )
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            await writer.drain()
            conns.append((reader, writer))

        started = time.monotonic()
        await asyncio.gather(*(slow() for _ in range(n)), return_exceptions=True)
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(base_url=server.base, timeout=30) as client:
            t = time.monotonic()
            health = await client.get("/healthz")
            h_ms = (time.monotonic() - t) * 1000
            t = time.monotonic()
            post = await client.post(
                "/v1/reconciliations?wait=true", json={"articles": big_articles(2, 1500)}
            )
            p_s = time.monotonic() - t

        async def answer(reader: asyncio.StreamReader) -> tuple[bytes, float]:
            data = await asyncio.wait_for(reader.read(), 60)
            return data[:12], time.monotonic() - started

        answers = await asyncio.gather(*(answer(r) for r, _ in conns), return_exceptions=True)
        for _, w in conns:
            w.close()
        codes: dict[str, list[float]] = {}
        for a in answers:
            if isinstance(a, BaseException):
                codes.setdefault(type(a).__name__, []).append(0)
            else:
                codes.setdefault(a[0].decode(errors="replace") or "closed", []).append(a[1])
        print(f"{len(conns)} of {n} slow connections opened from {slow_client}")
        print(
            f"other client (127.0.0.1): /healthz {health.status_code} in {h_ms:.0f} ms; "
            f"POST ?wait=true {post.status_code} in {p_s:.2f} s"
        )
        for code, times in sorted(codes.items()):
            print(
                f"  slow connections answered {code!r}: {len(times)}, last after {max(times):.1f} s"
            )

    with serve() as server:
        asyncio.run(probe(server))


def memory(concurrent: int = 8, mb: int = 48) -> None:
    # 12 articles whose first is over the per-article limit: the body is read, checked, parsed
    # and validated, then answered 413 (no ingest), as a hostile maximal post would be.
    per = mb * 1_000_000 // 12
    body = json.dumps(
        {"articles": [{"outlet": f"O{i}", "text": "word " * (per // 5)} for i in range(12)]}
    ).encode()
    bad = body[:-3]  # the same, cut short: invalid JSON
    with serve() as server:
        base_kb = server.rss_kb()
        statuses: list[int] = []
        peak = [base_kb]
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], server.rss_kb())
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()

        def post(data: bytes) -> None:
            r = httpx.post(
                f"{server.base}/v1/reconciliations",
                content=data,
                headers={"content-type": "application/json"},
                timeout=120,
            )
            statuses.append(r.status_code)

        threads = [threading.Thread(target=post, args=(body,)) for _ in range(concurrent)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(0.5)
        after_kb = server.rss_kb()
        conc_peak = peak[0]
        for _ in range(8):
            post(bad)
        time.sleep(0.5)
        stop.set()
        watcher.join()
        after_bad_kb = server.rss_kb()
    print(
        f"{concurrent} concurrent posts of {len(body) / 1e6:.1f} MB: statuses "
        f"{sorted(statuses[:concurrent])}"
    )
    print(
        f"RSS: {base_kb / 1024:.0f} MB idle, peak {conc_peak / 1024:.0f} MB, "
        f"{after_kb / 1024:.0f} MB after"
    )
    print(
        f"8 sequential invalid-JSON posts of {len(bad) / 1e6:.1f} MB: statuses "
        f"{sorted(set(statuses[concurrent:]))}; RSS {after_kb / 1024:.0f} -> "
        f"{after_bad_kb / 1024:.0f} MB (peak over both {peak[0] / 1024:.0f} MB)"
    )


def sigterm(grace_s: float = 5) -> None:
    with serve("--fake-latency", "60", RASHOMON_SHUTDOWN_GRACE_S=str(grace_s)) as server:
        arts = {"articles": big_articles(2, 1500)}
        job_id = httpx.post(f"{server.base}/v1/reconciliations", json=arts).json()["id"]
        results: dict[str, Any] = {}

        def wait() -> None:
            try:
                results["wait"] = httpx.post(
                    f"{server.base}/v1/reconciliations?wait=true", json=arts, timeout=60
                )
            except httpx.HTTPError as e:
                results["wait"] = e
            results["wait_s"] = time.monotonic() - results.get("t0", time.monotonic())

        def stream() -> None:
            events: list[str] = []
            try:
                with httpx.stream(
                    "GET", f"{server.base}/v1/reconciliations/{job_id}/events", timeout=60
                ) as r:
                    for line in r.iter_lines():
                        if line.startswith("event:"):
                            events.append(line[6:].strip())
            except httpx.HTTPError as e:
                events.append(f"<{type(e).__name__}>")
            results["events"] = events

        threads = [threading.Thread(target=wait), threading.Thread(target=stream)]
        for t in threads:
            t.start()
        for _ in range(100):
            if (
                httpx.get(f"{server.base}/v1/reconciliations/{job_id}").json()["status"]
                == "running"
            ):
                break
            time.sleep(0.1)
        time.sleep(0.5)
        results["t0"] = t0 = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=60)
        exit_s = time.monotonic() - t0
        for t in threads:
            t.join(timeout=30)
        log = server.log.read_text(errors="replace")
        with sqlite3.connect(server.db) as db:
            rows = db.execute("SELECT status, attempts FROM jobs ORDER BY seq").fetchall()
    w = results["wait"]
    print(
        f"SIGTERM with a ?wait=true client and an event stream (grace {grace_s:g} s, "
        "waiters and streams answered 1 s before it ends):"
    )
    print(f"  process exited after {exit_s:.1f} s (code {server.proc.returncode})")
    if isinstance(w, httpx.Response):
        print(
            f"  waiter: {w.status_code} {w.headers.get('content-type')}, Retry-After "
            f"{w.headers.get('retry-after')}, after {results['wait_s']:.1f} s"
        )
    else:
        print(f"  waiter: {type(w).__name__}")
    print(f"  stream events: {results.get('events')}")
    print(
        f"  log: {log.count('Traceback')} tracebacks, {log.count('CancelledError')} CancelledError"
    )
    print(f"  jobs after: {rows} (status, attempts)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "probe",
        choices=["healthz", "budget", "slowloris", "memory", "sigterm", "sigterm-cpu", "all"],
    )
    p.add_argument("--budget", type=float, default=15.0, help="time budget of `budget` (s)")
    p.add_argument(
        "--seconds", type=float, default=300.0, help="longest a healthz/budget probe watches"
    )
    p.add_argument("--after", type=float, default=8.0, help="sigterm-cpu: seconds into the job")
    args = p.parse_args()
    todo = (
        ["healthz", "budget", "slowloris", "memory", "sigterm", "sigterm-cpu"]
        if args.probe == "all"
        else [args.probe]
    )
    for name in todo:
        print(f"== {name}")
        if name == "healthz":
            healthz(limit_s=args.seconds)
        elif name == "budget":
            healthz(budget_s=args.budget, limit_s=args.seconds)
        elif name == "slowloris":
            slowloris()
        elif name == "memory":
            memory()
        elif name == "sigterm":
            sigterm()
        else:
            sigterm_cpu(after_s=args.after)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
