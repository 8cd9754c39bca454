"""A Ray cluster of separate processes on loopback; its worker node is killed mid-batch.

    python benchmarks/ray_cluster_check.py [--events 40] [--latency 0.1] [--kill-at 0.25]

1. `ray start --head --block` and `ray start --address 127.0.0.2:PORT --block` (one worker
   node), each in a session of its own under `nice -n 19`, both on 127.0.0.2 (loopback; see
   HOST), with a temporary directory, free ports and a token (Ray's token authentication)
   of their own. Each node has `--num-cpus 2` (logical; the head `--head-cpus`) and every
   actor takes 1 CPU (`RASHOMON_RAY_CPUS_PER_ACTOR=1`), so with `--concurrency 2` Ray places
   one actor on each node (and, unless `--head-cpus 1`, a replacement fits on the head).
2. `rashomon batch DUMP --out OUT --engine ray --backend fake --fake-latency L --concurrency 2`
   with `RAY_ADDRESS=127.0.0.2:PORT`, over `--events` synthetic two-article events (JSONL).
3. Once `--kill-at` of the events are in results.jsonl, SIGKILL every process of the worker
   node's session (its `ray start`, raylet, agents and the actor's process): the node is gone
   with the event its actor was working on.
4. Wait for the batch (at most `--timeout` s) and audit OUT against the events of DUMP:
   done (a line in results.jsonl), failed (in failures.jsonl only), lost (neither),
   duplicated (more than one line).

Prints those counts, the actors that were on the worker node when it was killed, the batch's
exit code and wall time, and how long the batch process was stopped (state T) by another
program, if it was (a run that times out for that reason says so). Exit code 0 only if the batch finished with every event done, nothing
lost or duplicated, and the worker node really ran an actor. Both nodes are stopped at the end
(the sessions this script started; nothing else is touched).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.batch_bench import synthetic_events
from service.batch.inputs import InputOptions, load_dump

ROOT = Path(__file__).resolve().parents[1]
# A loopback address other than 127.0.0.1: Ray replaces "127.0.0.1" and "localhost" in a
# cluster address with the machine's outward IP, where a node bound to loopback is not found.
HOST = "127.0.0.2"
NICE = ["nice", "-n", "19"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def ray_cli() -> list[str]:
    found = shutil.which("ray")
    return [found] if found else [sys.executable, "-m", "ray.scripts.scripts"]


def write_dump(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, event in enumerate(synthetic_events(n)):
            for a in event.articles:
                record = {"event": f"story-{i}", "text": a.text, "outlet": a.outlet}
                fh.write(json.dumps(record | {"title": a.title}) + "\n")


def session_pids(sid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live processes in session `sid` (a node and everything it
    started: Ray puts each worker process in a process group of its own, not a session)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z" and int(fields[3]) == sid:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append((int(entry.name), cmd.strip()))
    return found


def _state(pid: int) -> str:
    """The one-letter state of process `pid` (T: stopped), or "" when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat[stat.rindex(")") + 2 :].split()[0]


def kill_session(proc: subprocess.Popen[bytes], sig: int, wait_s: float) -> None:
    """Signal every process of the session `proc` leads (started with start_new_session)."""
    for pid, _ in session_pids(proc.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(wait_s)


@contextlib.contextmanager
def node(args: list[str], log: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """`ray start ... --block` in a session of its own; the session is stopped on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*NICE, *ray_cli(), "start", "--block", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)  # `ray start --block` stops its node
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(10)  # it drains for up to 30 s; no need to wait for that
            kill_session(proc, signal.SIGKILL, 5)  # anything left behind


def wait_for_nodes(address: str, count: int, timeout_s: float, env: dict[str, str]) -> None:
    """Until the cluster at `address` has `count` live nodes (a short-lived driver asks)."""
    code = (
        "import ray, sys, time\n"
        f"ray.init(address={address!r}, log_to_driver=False, configure_logging=False)\n"
        f"deadline = time.monotonic() + {timeout_s}\n"
        f"while sum(n['Alive'] for n in ray.nodes()) < {count}:\n"
        "    if time.monotonic() > deadline: sys.exit(1)\n"
        "    time.sleep(0.5)\n"
    )
    subprocess.run([*NICE, sys.executable, "-c", code], env=env, check=True, timeout=timeout_s + 60)


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(1 for line in path.read_bytes().splitlines() if line.strip())


def audit_out(out: Path, expected: set[str]) -> tuple[int, int, int, int]:
    """(done, failed, lost, duplicated) of the run in `out`."""
    lines = []
    results_path = out / "results.jsonl"
    if results_path.exists():
        lines = [json.loads(x) for x in results_path.read_text().splitlines() if x.strip()]
    ids = Counter(str(x["event_id"]) for x in lines) if lines else Counter()
    failed: set[str] = set()
    if (out / "failures.jsonl").exists():
        for x in (out / "failures.jsonl").read_text().splitlines():
            rec = json.loads(x)
            if rec.get("kind") == "event":
                failed.add(str(rec["event_id"]))
    done = len(set(ids) & expected)
    failed_only = len((failed - set(ids)) & expected)
    lost = len(expected - set(ids) - failed)
    duplicated = sum(n - 1 for n in ids.values() if n > 1)
    return done, failed_only, lost, duplicated


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per fake model call")
    parser.add_argument(
        "--kill-at",
        type=float,
        default=0.25,
        help="fraction done at the kill (0: no kill, a baseline)",
    )
    parser.add_argument(
        "--head-cpus",
        type=int,
        default=2,
        help="logical CPUs of the head (1: no room for the lost node's actor)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the batch")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rayck-"))
    dump, out = work / "dump.jsonl", work / "out"
    write_dump(dump, args.events)
    expected = {e.event_id for e in load_dump(dump, InputOptions()).events}
    gcs_port = free_port()
    address = f"{HOST}:{gcs_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RASHOMON_", "RAY_"))}
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    # Ray's token authentication, with a token of this run's own (not ~/.ray/auth_token).
    token = work / "auth_token"
    token.write_text(secrets.token_hex(32))
    token.chmod(0o600)
    env |= {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token)}
    common = ["--node-ip-address", HOST]
    common += ["--object-store-memory", str(200 * 1024 * 1024), "--disable-usage-stats"]
    head_args = ["--head", "--port", str(gcs_port), "--temp-dir", str(work / "ray")]
    head_args += ["--include-dashboard", "false", "--dashboard-port", str(free_port())]
    head_args += ["--dashboard-agent-listen-port", str(free_port()), *common]
    head_args += ["--num-cpus", str(args.head_cpus)]
    worker_args = ["--address", address, "--dashboard-agent-listen-port", str(free_port())]
    worker_args += [*common, "--num-cpus", "2"]

    started = time.monotonic()
    result: dict[str, object] = {}
    try:
        with node(head_args, work / "head.log", env) as head:
            deadline = time.monotonic() + 120
            while True:
                if head.poll() is not None:
                    raise RuntimeError(f"head exited: {(work / 'head.log').read_text()[-2000:]}")
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection((HOST, gcs_port), 1),
                ):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("head did not open its port in 120 s")
                time.sleep(0.5)
            with node(worker_args, work / "worker.log", env) as worker:
                wait_for_nodes(address, 2, 120, env)
                cluster_s = time.monotonic() - started
                result.update(run_and_kill(args, dump, out, address, env, worker))
                result["cluster_start_s"] = cluster_s
        audit = audit_out(out, expected)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    done, failed_only, lost, duplicated = audit
    killed = result.get("killed_at_done")
    kill = f"worker node killed (SIGKILL) at {killed} events done" if killed else "no kill"
    print(
        f"{len(expected)} events, fake latency {args.latency:g} s per call, concurrency 2, {kill}"
    )
    if killed:
        print(f"actors on the worker node when it was killed: {result.get('worker_actors')}")
    print(
        f"batch exit code {result.get('rc')}, wall {result.get('batch_s', 0.0):.1f} s "
        f"(cluster start {result.get('cluster_start_s', 0.0):.1f} s)"
    )
    print(f"done {done}  failed {failed_only}  lost {lost}  duplicated {duplicated}")
    if result.get("stopped_s"):
        print(
            f"the batch process was stopped (SIGSTOP, by another program) for about "
            f"{result['stopped_s']:.0f} s of the run"
        )
    tail = str(result.get("stdout", "")).strip().splitlines()[-6:]
    for line in tail:
        print(f"  | {line}")
    ok = (
        result.get("rc") == 0
        and done == len(expected)
        and not lost
        and not duplicated
        and (bool(result.get("worker_actors")) or args.kill_at <= 0)
    )
    return 0 if ok else 1


def run_and_kill(
    args: argparse.Namespace,
    dump: Path,
    out: Path,
    address: str,
    env: dict[str, str],
    worker: subprocess.Popen[bytes],
) -> dict[str, object]:
    batch_env = env | {
        "RAY_ADDRESS": address,
        "RASHOMON_RAY_CPUS_PER_ACTOR": "1",
        "RASHOMON_CACHE_DIR": str(out.parent / "cache"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    }
    cmd = [*NICE, sys.executable, "-m", "service.cli", "batch", str(dump), "--out", str(out)]
    cmd += ["--engine", "ray", "--backend", "fake", "--fake-latency", str(args.latency)]
    cmd += ["--concurrency", "2", "--quiet"]
    started = time.monotonic()
    log = out.parent / "batch.log"
    with log.open("wb") as fh:
        batch = subprocess.Popen(
            cmd, stdout=fh, stderr=subprocess.STDOUT, env=batch_env, start_new_session=True
        )
        info: dict[str, object] = {"worker_actors": 0, "killed_at_done": None}
        target = max(1, int(args.kill_at * args.events))
        deadline = started + args.timeout
        stopped_s = 0.0
        while batch.poll() is None and time.monotonic() < deadline:
            if info["killed_at_done"] is None and args.kill_at > 0:
                done = count_lines(out / "results.jsonl")
                if done >= target:
                    titles = [c for _, c in session_pids(worker.pid)]
                    info["worker_actors"] = sum(c.startswith("ray::MapWorker") for c in titles)
                    kill_session(worker, signal.SIGKILL, 10)
                    info["killed_at_done"] = done
            if _state(batch.pid) == "T":  # stopped by someone else (SIGSTOP): not Ray's doing
                stopped_s += 0.2
            time.sleep(0.2)
        info["stopped_s"] = stopped_s
        if batch.poll() is None:
            kill_session(batch, signal.SIGKILL, 10)
            info["rc"] = "timeout"
        else:
            info["rc"] = batch.returncode
    info["batch_s"] = time.monotonic() - started
    info["stdout"] = log.read_text(errors="replace")
    return info


if __name__ == "__main__":
    sys.exit(main())
