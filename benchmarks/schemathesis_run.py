"""Schemathesis against `rashomon serve --backend fake` on loopback, without and with a key.

    python benchmarks/schemathesis_run.py [--examples 100] [--hostile 150] [--seed 10]
        [--timeout 60] [--only both|no-key|key]

For each configuration (no key; `RASHOMON_SERVICE_API_KEY` set) it starts the server on a free
127.0.0.1 port (its own temporary jobs database and cache), loads `/openapi.json` with
Schemathesis and, for every operation, sends:

- `positive`: up to `--examples` requests generated from the schema;
- `negative`: up to `--examples` requests that violate the schema (wrong types, missing
  fields, ...); none for an operation with nothing to violate;
- `hostile` (operations with a JSON body): `--hostile` bodies, shared among the kinds below,
  generated from the schema or the seed articles (which reach the model), sent unchanged or
  with one string replaced: a lone surrogate (`"\ud800"` escaped in JSON), raw surrogate
  bytes or `\xff\xfe\xc0\x80` (invalid UTF-8), 10,000 characters, an article of 250 KB
  (over the byte limit), 195 KB without sentence punctuation (under it), 60,000 one-word
  sentences.

With a key, half the requests carry no key or a wrong one. Every response must pass
Schemathesis's checks `not_a_server_error`, `status_code_conformance` (documented status),
`content_type_conformance`, `response_headers_conformance`, `response_schema_conformance`,
plus: no traceback in the body, and an answer within `--timeout` s (a timeout or dropped
connection is a failure). After each configuration `/healthz` must answer and the server's
log must hold no traceback. Prints cases and failures per configuration and mode, the
hostile kinds, the statuses, the five slowest requests, the first failures and the totals;
exit code 1 on any failure. Hypothesis runs without shrinking and without its example
database (bounded; repeatable per `--seed`). Not part of the pytest suite: about 2,200 cases
in 40 s on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.api.examples import seed_request

KEY = "st-key-0123456789abcdef"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
HUGE = {
    "unchanged": None,
    "surrogate-escaped": None,  # built in _mutate (needs the original string)
    "surrogate-raw": None,
    "invalid-utf8": None,
    "long-10k": "x" * 10_000,
    "over-limit-250KB": "All work and no play. " * 11_400,
    "no-punctuation-195KB": "word " * 39_000,
    "many-sentences": "Yes. " * 60_000,
}

KINDS = sorted(HUGE)


@dataclass
class Tally:
    cases: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    slowest: list[tuple[float, str]] = field(default_factory=list)

    def fail(self, bucket: str, message: str) -> None:
        self.failures[bucket] += 1
        if len(self.examples) < 8:
            self.examples.append(f"[{bucket}] {message[:1500]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(key: str | None, tally: Tally, name: str) -> Iterator[str]:
    """`rashomon serve --backend fake` on a free loopback port; yields its base URL."""
    workdir = Path(tempfile.mkdtemp(prefix="rashomon-st-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASHOMON_")}
    env.update(RASHOMON_CACHE_DIR=str(workdir / "cache"), RASHOMON_DB_PATH=str(workdir / "jobs"))
    if key:
        env["RASHOMON_SERVICE_API_KEY"] = key
    cmd = [sys.executable, "-m", "service.cli", "serve", "--backend", "fake"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    log = (workdir / "serve.log").open("wb")
    root = Path(__file__).resolve().parents[1]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {(workdir / 'serve.log').read_text()[-2000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer /healthz within 120 s")
            time.sleep(0.3)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        tail = (workdir / "serve.log").read_text(errors="replace")
        if "Traceback" in tail:
            tally.cases[f"{name}/server-log"] += 1
            tally.fail(f"{name}/server-log", f"traceback in the server's log:\n{tail[-3000:]}")
        shutil.rmtree(workdir, ignore_errors=True)


def _string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_paths(v, (*path, i))]
    return []


def _replace(value: Any, path: tuple[Any, ...], new: str) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


def _mutate(body: Any, kind: str, rng: random.Random) -> bytes:
    """The JSON body with one string replaced as `kind` says, as the bytes to send."""
    paths = _string_paths(body)
    if not paths or kind == "unchanged":
        return json.dumps(body).encode()
    path = rng.choice(paths)
    old: str = body
    for part in path:
        old = old[part]  # type: ignore[index]
    at = rng.randint(0, len(old))
    if kind == "surrogate-escaped":  # valid UTF-8 JSON; decodes to a lone surrogate
        return json.dumps(_replace(body, path, old[:at] + "\ud800" + old[at:])).encode()
    if kind == "surrogate-raw":  # the surrogate's UTF-8-like bytes: invalid UTF-8
        text = json.dumps(_replace(body, path, old[:at] + "\udc80" + old[at:]), ensure_ascii=False)
        return text.encode("utf-8", "surrogatepass")
    if kind == "invalid-utf8":
        marker = "\u2603MARK\u2603"
        raw = json.dumps(_replace(body, path, old[:at] + marker + old[at:]), ensure_ascii=False)
        return raw.encode().replace(marker.encode(), b"\xff\xfe\xc0\x80")
    huge = HUGE[kind]
    assert huge is not None
    return json.dumps(_replace(body, path, huge)).encode()


def _auth_headers(key: str | None, variant: str) -> dict[str, str]:
    if key is None or variant == "none":
        return {}
    return {"Authorization": f"Bearer {key if variant == 'good' else 'wrong-' + key}"}


def _check(case: Any, response: requests.Response, tally: Tally, bucket: str) -> None:
    tally.cases[bucket] += 1
    tally.statuses[str(response.status_code)] += 1
    label = f"{case.operation.label} -> {response.status_code}"
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup as group:
        titles = "; ".join(f.title for f in group.exceptions)
        tally.fail(bucket, f"{label}: {titles}\n{group}")
        return
    except Failure as exc:
        tally.fail(bucket, f"{label}: {exc.title}\n{exc}")
        return
    if "Traceback (most recent call last)" in response.text:
        tally.fail(bucket, f"{label}: traceback in the body")


def run_config(base: str, key: str | None, args: argparse.Namespace, tally: Tally) -> None:
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json", timeout=30)
    session = requests.Session()
    name = "key" if key else "no-key"
    auth = st.sampled_from(["good", "good", "none", "wrong"] if key else ["good"])
    common = settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )

    def send(
        case: Any, variant: str, bucket: str, data: bytes | None = None, what: str = ""
    ) -> None:
        headers = _auth_headers(key, variant)
        what = f"{case.operation.label} {what} key={variant}".replace("  ", " ")
        started = time.perf_counter()
        try:
            if data is None:
                kwargs = case.as_transport_kwargs(base_url=base)
                sent = {k: v for k, v in (kwargs.get("headers") or {}).items()}
                sent.pop("Authorization", None)
                sent.update(headers)
                kwargs["headers"] = sent
                response = session.request(**kwargs, timeout=args.timeout)
            else:
                kwargs = case.as_transport_kwargs(base_url=base)
                response = session.request(
                    kwargs["method"],
                    kwargs["url"],
                    params=kwargs.get("params"),
                    data=data,
                    headers={"Content-Type": "application/json", **headers},
                    timeout=args.timeout,
                )
        except requests.RequestException as exc:
            took = time.perf_counter() - started
            tally.cases[bucket] += 1
            tally.slowest.append((took, f"{what} -> no answer"))
            # Far past the timeout: this process was stopped or starved too, not just the server.
            paused = (
                f" (after {took:.0f} s: were these processes paused?)"
                if took > 2 * args.timeout
                else ""
            )
            tally.fail(bucket, f"{what}: no answer{paused}: {exc!r}")
            return
        took = time.perf_counter() - started
        tally.slowest.append((took, f"{what} -> {response.status_code}"))
        tally.slowest = sorted(tally.slowest, reverse=True)[:5]
        _check(case, response, tally, bucket)

    def run_plain(op: Any, mode: schemathesis.GenerationMode) -> None:
        bucket = f"{name}/{mode.value}"
        strategy = op.as_strategy(generation_mode=mode)

        @seed(args.seed)
        @common
        @given(case=strategy, variant=auth)
        def test(case: Any, variant: str) -> None:
            send(case, variant, bucket)

        try:
            test()
        except Unsatisfiable:  # nothing to violate (no parameters, no body)
            tally.skipped.append(f"{mode.value} {op.label}")

    def run_hostile(strategy: Any, bucket: str, kind: str) -> None:
        rngs = st.randoms(use_true_random=False)

        @seed(args.seed)
        @settings(common, max_examples=max(1, args.hostile // len(KINDS)))
        @given(case=strategy, variant=auth, rng=rngs, real=st.booleans())
        def test(case: Any, variant: str, rng: random.Random, real: bool) -> None:
            body = case.body
            if real:  # the seed articles: a request that reaches the model
                request = seed_request()
                body = request if "articles" in body else {"article": request["articles"][0]}
            tally.kinds[kind] += 1
            data = _mutate(body, kind, rng)
            what = f"{kind}{' seed' if real else ''} {len(data)} B {case.query or ''}"
            send(case, variant, bucket, data, what)

        test()

    for result in schema.get_all_operations():
        op = result.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            run_plain(op, mode)
        if op.body:
            for kind in KINDS:  # each kind in turn: Hypothesis would favour the first
                run_hostile(op.as_strategy(), f"{name}/hostile", kind)
    try:
        alive = session.get(f"{base}/healthz", timeout=10).status_code == 200
    except requests.RequestException:
        alive = False
    if not alive:
        tally.fail(f"{name}/healthz", "/healthz did not answer 200 after the run")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="per operation and mode")
    parser.add_argument("--hostile", type=int, default=150, help="per operation with a body")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds a request may take (else a failure)"
    )
    parser.add_argument("--only", choices=["both", "no-key", "key"], default="both")
    args = parser.parse_args()
    tally = Tally()
    started = time.perf_counter()
    for key in {"both": (None, KEY), "no-key": (None,), "key": (KEY,)}[args.only]:
        with serve(key, tally, "key" if key else "no-key") as base:
            run_config(base, key, args, tally)
    wall = time.perf_counter() - started
    print(
        f"schemathesis {schemathesis.__version__}: {args.examples} examples per operation and "
        f"mode, {args.hostile} hostile per body, seed {args.seed}"
    )
    for bucket in sorted(tally.cases | tally.failures):
        print(
            f"  {bucket:<20} cases {tally.cases[bucket]:>5}  failures {tally.failures[bucket]:>4}"
        )
    if tally.skipped:
        print(f"  nothing to generate: {', '.join(sorted(set(tally.skipped)))}")
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(tally.kinds.items()))
    print(f"  hostile bodies: {kinds}")
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items()))
    print(f"  statuses: {statuses}")
    for took, what in tally.slowest:
        print(f"  slow: {took:.1f} s {what}")
    for example in tally.examples:
        print(example)
    total_cases, total_failures = sum(tally.cases.values()), sum(tally.failures.values())
    print(f"cases {total_cases}, failures {total_failures}, wall {wall:.0f} s")
    return 1 if total_failures else 0


if __name__ == "__main__":
    sys.exit(main())
