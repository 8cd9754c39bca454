"""A batch through a fault-injecting OpenAI-compatible server on loopback.

    python benchmarks/faults.py [--events 200] [--rate 0.3] [--small] [--seed 7]

The server (plain asyncio HTTP/1.1, so it can misbehave at any point of an exchange) answers
`POST /v1/chat/completions` with the fake backend's deterministic answers, except that each
request is, with probability `--rate`, one of these faults, chosen uniformly:

- `429`: Too Many Requests with `Retry-After: 0.05`;  `500`, `503`: server errors (no hint);
- `hang`: no answer until well past the client's timeout (`--timeout`), then the connection
  closes;  `drop`: the connection closes without an answer;
- `truncated`: a 200 whose JSON content is cut in half;  `schema`: a 200 whose content is JSON
  of the wrong shape. (Both go through the structured layer's re-asks, not transport retries.)

Error bodies echo the bearer key the client sent, as a careless server might.

It runs the same synthetic events with `rashomon batch`'s runner (no response cache):
fault-free, then with faults, then `--retry-failed` over the faulty run's output (faults still
on). It prints done / failed / lost (an event with neither a result
line nor a recorded failure) / duplicated (an event with more than one result line), the
faults injected by kind (each transport fault costs one retry), the model requests made, how
often the key appears in the run's files (must be 0), and the wall-time ratio to the fault-free
run. Exit code 1 if anything was lost or duplicated or the key leaked. `--small`: 20 events.
Not part of the test suite (a full run takes minutes: each 500/503 is retried after a 1-2 s
backoff).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.batch_bench import synthetic_events
from service.batch.inputs import Dump
from service.batch.runner import BatchOptions, RunSummary, run_batch
from service.config import Settings
from service.llm.base import CompletionRequest
from service.llm.fake_responder import fake_responder
from service.llm.lifecycle import open_llm
from service.messages import Message

KEY = "sk-bench-0123456789abcdefKEY"
FAULTS = ("429", "500", "503", "hang", "drop", "truncated", "schema")
TRANSPORT_FAULTS = frozenset({"429", "500", "503", "hang", "drop"})
_REASONS = {200: "OK", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Unavailable"}


@dataclass
class FaultServer:
    """The fault-injecting server; `start()` runs it on a loopback port in its own thread."""

    rate: float
    hang_s: float
    seed: int = 7
    requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    port: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _server: asyncio.Server | None = None

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop

            async def serve() -> None:
                self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
                self.port = self._server.sockets[0].getsockname()[1]
                ready.set()
                async with self._server:
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._server.serve_forever()

            with contextlib.suppress(RuntimeError):
                loop.run_until_complete(serve())

        self._thread = threading.Thread(target=run, name="fault-server", daemon=True)
        self._thread.start()
        ready.wait(10)

    def stop(self) -> None:
        if self._loop is not None and self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def reset(self, rate: float) -> None:
        with self._lock:
            self.rate, self.requests, self.faults = rate, 0, Counter()

    def _pick(self) -> str | None:
        with self._lock:
            self.requests += 1
            if self._rng.random() >= self.rate:
                return None
            fault = self._rng.choice(FAULTS)
            self.faults[fault] += 1
            return fault

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
            body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
            if method == "GET" and path.endswith("/models"):
                await self._send(writer, 200, {"object": "list", "data": [{"id": "fake"}]})
                return
            fault = self._pick()
            sent_auth = headers.get("authorization", "")
            if fault in ("429", "500", "503"):
                status = int(fault)
                extra = {"Retry-After": "0.05"} if status == 429 else {}
                error = {"message": f"injected {status}; request had Authorization: {sent_auth}"}
                await self._send(writer, status, {"error": error}, extra)
                return
            if fault == "hang":
                await asyncio.sleep(self.hang_s)
                return
            if fault == "drop":
                return
            content = self._answer(json.loads(body))
            if fault == "truncated":
                content = content[: max(1, len(content) // 2)]
            elif fault == "schema":
                content = json.dumps({"unexpected": True, "echo": sent_auth})
            await self._send(writer, 200, _completion(content))
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    @staticmethod
    def _answer(payload: dict[str, Any]) -> str:
        fmt = payload.get("response_format") or {}
        name = (fmt.get("json_schema") or {}).get("name", "")
        request = CompletionRequest(
            messages=tuple(Message(m["role"], m["content"]) for m in payload["messages"]),
            schema_name=name,
            json_schema=(fmt.get("json_schema") or {}).get("schema", {}),
        )
        return json.dumps(fake_responder(request))

    @staticmethod
    async def _send(
        writer: asyncio.StreamWriter,
        status: int,
        body: dict[str, Any],
        extra: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(body).encode()
        head = [
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}",
            "Content-Type: application/json",
            f"Content-Length: {len(data)}",
            "Connection: close",
            *(f"{k}: {v}" for k, v in (extra or {}).items()),
        ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        await writer.drain()


def _completion(content: str) -> dict[str, Any]:
    return {
        "id": "fault-bench",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


@dataclass
class Outcome:
    summary: RunSummary
    wall_s: float
    lost: int
    duplicated: int
    key_leaks: int
    requests: int
    faults: Counter[str]


async def _run(
    server: FaultServer, events: list[Any], args: argparse.Namespace, out: Path, retry: bool
) -> Outcome:
    settings = Settings(
        backend="openai",
        base_url=f"http://127.0.0.1:{server.port}/v1",
        model="fake",
        api_key=KEY,
        structured_mode="json_schema",
        request_timeout_s=args.timeout,
        transport_retries=args.retries,
        max_concurrency=args.concurrency,
        cache_enabled=False,
    )
    options = BatchOptions(
        out_dir=out,
        concurrency=args.concurrency,
        resume=retry,
        retry_failed=retry,
        quiet=True,
        progress_stream=io.StringIO(),
    )
    requests_before = server.requests
    started = time.perf_counter()
    async with open_llm(settings) as llm:
        summary = await run_batch(Dump("synthetic", events, []), settings, options, llm=llm)
    wall = time.perf_counter() - started
    lost, duplicated, key_leaks = _audit(out, events, summary)
    return Outcome(
        summary, wall, lost, duplicated, key_leaks, server.requests - requests_before, server.faults
    )


def _audit(out: Path, events: list[Any], summary: RunSummary) -> tuple[int, int, int]:
    """(lost, duplicated, key occurrences) from the run's files."""
    lines = [
        json.loads(line)
        for line in (out / "results.jsonl").read_text().splitlines()
        if line.strip()
    ]
    ids = Counter(str(line["event_id"]) for line in lines)
    failed = set(summary.failed_reasons)
    lost = len({e.event_id for e in events} - set(ids) - failed)
    duplicated = sum(n - 1 for n in ids.values() if n > 1)
    key_leaks = sum(p.read_bytes().count(KEY.encode()) for p in out.rglob("*") if p.is_file())
    return lost, duplicated, key_leaks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--small", action="store_true", help="20 events (a quick check)")
    parser.add_argument("--rate", type=float, default=0.3, help="fraction of faulty requests")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=1.0, help="client timeout, seconds")
    parser.add_argument("--retries", type=int, default=4, help="transport retries per call")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = 20 if args.small else args.events
    events = synthetic_events(n)
    server = FaultServer(rate=0.0, hang_s=args.timeout + 1.0, seed=args.seed)
    server.start()
    try:
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            clean = asyncio.run(_run(server, events, args, Path(a), retry=False))
            server.reset(args.rate)
            faulty = asyncio.run(_run(server, events, args, Path(b), retry=False))
            faults = Counter(server.faults)
            retried = asyncio.run(_run(server, events, args, Path(b), retry=True))
    finally:
        server.stop()

    print(
        f"{n} events, concurrency {args.concurrency}, client timeout {args.timeout:g} s, "
        f"{args.retries} transport retries, fault rate {args.rate:.0%} (seed {args.seed})"
    )
    header = f"{'run':<23} {'done':>5} {'failed':>6} {'lost':>5} {'dup':>4} {'requests':>9}"
    print(header + f" {'wall s':>7}")
    runs = (("fault-free", clean), ("faults", faulty), ("--retry-failed (faults)", retried))
    for name, o in runs:
        s = o.summary
        print(
            f"{name:<23} {s.done:>5} {s.failed:>6} {o.lost:>5} {o.duplicated:>4} "
            f"{o.requests:>9} {o.wall_s:>7.1f}"
        )
    injected = sum(faults.values())
    transport = sum(v for k, v in faults.items() if k in TRANSPORT_FAULTS)
    kinds = ", ".join(f"{k} {faults[k]}" for k in FAULTS)
    print(f"faults injected in the faulty run: {injected} of {faulty.requests} requests ({kinds})")
    print(
        f"retries: {transport} transport retries (429/500/503/hang/drop), "
        f"{injected - transport} re-asks after truncated/invalid JSON; "
        f"{faulty.requests - clean.requests} extra requests over the fault-free run"
    )
    leaks = clean.key_leaks + faulty.key_leaks + retried.key_leaks
    print(f"key occurrences in the runs' files: {leaks}")
    print(f"wall-time ratio faults / fault-free: {faulty.wall_s / clean.wall_s:.2f}")
    for event_id, reason in list(faulty.summary.failed_reasons.items())[:3]:
        print(f"  failed {event_id}: {reason[:160]}")
    bad = any(o.lost or o.duplicated for _, o in runs)
    return 1 if bad or leaks else 0


if __name__ == "__main__":
    sys.exit(main())
