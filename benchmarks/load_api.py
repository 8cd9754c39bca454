"""Load test of the HTTP API (a script, not a test).

Starts `rashomon serve` on a free loopback port with the fake backend at a fixed latency per
model call, then for each client concurrency level submits async jobs
(POST /v1/reconciliations?wait=false), polls each to completion, and prints throughput and
p50/p99 end-to-end job latency (submit -> done) plus p50/p99 of the POST itself.

    python benchmarks/load_api.py                      # concurrency 1, 8, 32; 20 ms per call
    python benchmarks/load_api.py --levels 1 8 --jobs 16 --latency 0.05 --max-concurrent-jobs 8
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "seeds" / "articles").glob("*.txt"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def articles(kind: str) -> list[dict[str, str]]:
    texts = [p.read_text(encoding="utf-8") for p in SEEDS[:2]]
    if kind == "short":  # the first ~5 sentences of each seed: fewer calls per job
        texts = [t[:700] for t in texts]
    return [{"outlet": f"Outlet {chr(65 + i)}", "text": t} for i, t in enumerate(texts)]


async def one_job(
    client: httpx.AsyncClient, body: dict[str, object], poll_s: float
) -> tuple[float, float, str]:
    started = time.perf_counter()
    while True:
        r = await client.post("/v1/reconciliations?wait=false", json=body)
        if r.status_code != 429:
            break
        await asyncio.sleep(float(r.headers.get("retry-after", "1")))
    posted = time.perf_counter()
    if r.status_code != 202:
        return posted - started, time.perf_counter() - started, f"http {r.status_code}"
    location = r.headers["location"]
    while True:
        status = (await client.get(location)).json()["status"]  # the poll includes the result
        if status in ("done", "failed"):
            return posted - started, time.perf_counter() - started, status
        await asyncio.sleep(poll_s)


async def level(
    base: str,
    concurrency: int,
    jobs: int,
    max_seconds: float,
    body: dict[str, object],
    poll_s: float,
) -> dict[str, float]:
    post_lat: list[float] = []
    job_lat: list[float] = []
    failures = 0
    started = time.perf_counter()
    remaining = jobs

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal remaining, failures
        while remaining > 0 and time.perf_counter() - started < max_seconds:
            remaining -= 1
            post_s, job_s, status = await one_job(client, body, poll_s)
            post_lat.append(post_s)
            if status == "done":
                job_lat.append(job_s)
            else:
                failures += 1

    limits = httpx.Limits(max_connections=concurrency + 4)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "jobs": len(job_lat),
        "failed": failures,
        "seconds": elapsed,
        "jobs_per_s": len(job_lat) / elapsed if elapsed else 0.0,
        "p50": pct(job_lat, 50),
        "p99": pct(job_lat, 99),
        "post_p50": pct(post_lat, 50),
        "post_p99": pct(post_lat, 99),
        "mean": statistics.fmean(job_lat) if job_lat else float("nan"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--levels", type=int, nargs="+", default=[1, 8, 32])
    ap.add_argument("--jobs", type=int, default=32, help="jobs per level (default 32)")
    ap.add_argument("--max-seconds", type=float, default=60, help="time cap per level")
    ap.add_argument("--latency", type=float, default=0.02, help="fake seconds per model call")
    ap.add_argument("--max-concurrent-jobs", type=int, default=4)
    ap.add_argument("--articles", choices=["seeds", "short"], default="short")
    ap.add_argument("--poll", type=float, default=0.05, help="poll interval (s)")
    args = ap.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "RASHOMON_DB_PATH": f"{tmp}/jobs.sqlite3",
            "RASHOMON_CACHE_DIR": f"{tmp}/cache",
            "RASHOMON_MAX_CONCURRENT_JOBS": str(args.max_concurrent_jobs),
            # Every simulated client connects from 127.0.0.1: no per-address cap here.
            "RASHOMON_MAX_CONNECTIONS_PER_CLIENT": "0",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service.cli",
                "serve",
                "--backend",
                "fake",
                "--no-cache",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--fake-latency",
                str(args.latency),
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    print("server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.1)
            body: dict[str, object] = {"articles": articles(args.articles)}
            calls = sum(
                s["calls"]
                for s in httpx.post(
                    base + "/v1/reconciliations?wait=true", json=body, timeout=120
                ).json()["steps"]
            )
            print(
                f"fake backend, {args.latency * 1000:.0f} ms per call; {calls} model calls per "
                f"job ({args.articles} articles); server max_concurrent_jobs="
                f"{args.max_concurrent_jobs}; up to {args.jobs} jobs or "
                f"{args.max_seconds:.0f} s per level"
            )
            print(
                f"{'conc':>5} {'jobs':>5} {'fail':>5} {'secs':>7} {'jobs/s':>7} "
                f"{'p50 s':>7} {'p99 s':>7} {'POST p50 ms':>12} {'POST p99 ms':>12}"
            )
            for c in args.levels:
                m = asyncio.run(level(base, c, args.jobs, args.max_seconds, body, args.poll))
                print(
                    f"{c:>5} {m['jobs']:>5.0f} {m['failed']:>5.0f} {m['seconds']:>7.2f} "
                    f"{m['jobs_per_s']:>7.2f} {m['p50']:>7.3f} {m['p99']:>7.3f} "
                    f"{m['post_p50'] * 1000:>12.1f} {m['post_p99'] * 1000:>12.1f}"
                )
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
