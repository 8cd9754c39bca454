"""`--engine ray`: the same per-event work as a Ray Data pipeline, for runs past one machine.

`ray.data.from_items(events).map(ReconcileActor, concurrency=N)`: each actor builds the model
backend once and reconciles one event per row with the same `reconcile` function; rows stream
back to the driver, which is still the only writer of results.jsonl (same exactly-once rules
as the local engine: a driver crash loses only in-flight events, which `--resume` reruns).

Local by default (`ray.init()` starts a local instance); set `RAY_ADDRESS=ray://head:10001`
(or `auto` on a cluster node) to run on a cluster. Workers need this package installed and
must reach the model server: use an HTTP backend (`--backend openai --base-url ...`); the
embedded backend would start one llama.cpp server per actor. CPUs reserved per actor:
`RASHOMON_RAY_CPUS_PER_ACTOR` (Settings.ray_cpus_per_actor). An actor closes its backend when
Ray Data retires it (Ray deletes the callable, which calls `__del__`).

A bound on deaths: Ray Data restarts a dead actor and re-runs its work without limit (that is
what makes a lost node cost nothing), so an event that kills its actor's process every time
(a segfault or out-of-memory in the pipeline: a Python exception is already a failed row)
would be retried forever. An `AttemptLedger` actor, pinned to the driver's node, counts for
each event the starts that its actor did not live to finish; once an event has been started
`RASHOMON_RAY_MAX_ATTEMPTS` times (Settings.ray_max_attempts, 3), the next start returns a
failed row instead of running it, and the driver records it like any failure.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
from typing import Any

from service.batch.engine import BatchOptions, Recorder, describe
from service.config import Settings
from service.datasets import Event
from service.errors import ConfigError


class AttemptLedger:
    """Counts, per event, the starts whose actor died before finishing them. Runs as one Ray
    actor for the whole batch; a plain class here so it can be tested without Ray."""

    def __init__(self) -> None:
        self.running: set[str] = set()
        self.deaths: dict[str, int] = {}

    def begin(self, event_id: str) -> int:
        """Record a start of `event_id`; returns which start this is (1 = the first). A start
        while the previous one never ended means the actor running it died."""
        if event_id in self.running:
            self.deaths[event_id] = self.deaths.get(event_id, 0) + 1
        self.running.add(event_id)
        return self.deaths.get(event_id, 0) + 1

    def end(self, event_id: str) -> None:
        # A finished event that is run again (Ray re-runs a whole block whose actor died
        # later in it) does not count as a death.
        self.running.discard(event_id)


def gave_up(event_id: str, attempts: int) -> dict[str, Any]:
    """The failed row of an event that killed its actor on every one of its attempts."""
    tries = f"{attempts} attempt" + ("s" if attempts != 1 else "")
    return {
        "event_id": event_id,
        "ok": False,
        "payload": f"given up after {tries}: the Ray actor process running this event died "
        "each time (a crash or out-of-memory in the pipeline, or a lost node); raise "
        "RASHOMON_RAY_MAX_ATTEMPTS to allow more",
    }


class ReconcileActor:
    """One per Ray worker: holds a model backend; turns an event row into an outcome row.
    `ledger` (a handle to an `AttemptLedger` actor) bounds the starts of an event."""

    def __init__(self, settings_json: str, ledger: Any = None) -> None:
        from service.llm.factory import build_llm

        self.settings = Settings.model_validate_json(settings_json)
        self.ledger = ledger
        self.loop = asyncio.new_event_loop()
        self.llm = build_llm(self.settings)
        self.closed = False

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        event = Event.model_validate_json(row["event"])
        if self.ledger is None:
            return self.reconcile(event)
        import ray

        attempt = int(ray.get(self.ledger.begin.remote(event.event_id)))
        try:
            if attempt > self.settings.ray_max_attempts:
                return gave_up(event.event_id, self.settings.ray_max_attempts)
            return self.reconcile(event)
        finally:
            self.ledger.end.remote(event.event_id)

    def reconcile(self, event: Event) -> dict[str, Any]:
        from service.pipeline.reconcile import reconcile

        try:
            rec = self.loop.run_until_complete(
                reconcile(event.articles, llm=self.llm, settings=self.settings)
            )
        except Exception as exc:
            return {"event_id": event.event_id, "ok": False, "payload": describe(exc)}
        return {"event_id": event.event_id, "ok": True, "payload": rec.model_dump_json()}

    def close(self) -> None:
        """Close the model backend (its HTTP client, its cache) and the loop; idempotent."""
        if self.closed:
            return
        self.closed = True
        try:
            self.loop.run_until_complete(self.llm.backend.aclose())
        finally:
            self.loop.close()

    def __del__(self) -> None:
        if not getattr(self, "closed", True):  # __init__ may have failed half-way
            self.close()


def _settings_json(settings: Settings) -> str:
    # model_dump masks secrets: pass the real key to the workers explicitly.
    data = settings.model_dump(mode="json")
    if settings.api_key is not None:
        data["api_key"] = settings.api_key.get_secret_value()
    return json.dumps(data)


class RayEngine:
    """`--engine ray`: events as rows of a Ray Data pipeline over `ReconcileActor`s."""

    def __init__(self, settings: Settings, options: BatchOptions) -> None:
        self.settings = settings
        self.options = options

    async def run(self, todo: list[Event], recorder: Recorder) -> None:
        # Ray's driver API blocks; the recorder must stay in this thread (SQLite), so it runs
        # here, as the only work of the loop.
        run_ray(todo, self.settings, self.options, recorder)


def run_ray(
    todo: list[Event], settings: Settings, options: BatchOptions, recorder: Recorder
) -> None:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("--engine ray needs Ray: pip install 'ray[data]'") from exc
    if not ray.is_initialized():
        ray.init(
            address=_ray_address(),
            include_dashboard=False,
            log_to_driver=False,
            ignore_reinit_error=True,
        )
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    by_id = {e.event_id: e for e in todo}
    for event in todo:
        recorder.started(event)
    ledger = _start_ledger(ray)
    actor: Any = ReconcileActor  # Ray's stubs type `map` for functions, not callable classes
    try:
        ds = ray.data.from_items(
            [{"event": e.model_dump_json()} for e in todo], override_num_blocks=min(len(todo), 64)
        ).map(
            actor,
            fn_constructor_kwargs={"settings_json": _settings_json(settings), "ledger": ledger},
            compute=ray.data.ActorPoolStrategy(size=max(1, options.concurrency)),
            num_cpus=settings.ray_cpus_per_actor,
        )
        for row in ds.iter_rows():
            event = by_id[str(row["event_id"])]
            if row["ok"]:
                recorder.done(event, json.loads(str(row["payload"])))
            else:
                recorder.failed(event, str(row["payload"]))
    finally:
        ray.kill(ledger)


def _ray_address() -> str | None:
    """Ray's own `RAY_ADDRESS`, checked: a `ray://` address connects through Ray Client, whose
    gRPC package (`ray[client]`) the `ray[data]` extra does not install; without it
    `ray.init` raises a plain ValueError, which would escape the CLI as a traceback."""
    address = os.environ.get("RAY_ADDRESS") or None
    if address and address.startswith("ray://") and importlib.util.find_spec("grpc") is None:
        raise ConfigError(
            f"RAY_ADDRESS={address} connects through Ray Client, which needs its extra: "
            "pip install 'ray[client]' (or, on a node of the cluster, use the GCS address "
            "host:port instead of ray://)"
        )
    return address


def _start_ledger(ray: Any) -> Any:
    """The run's `AttemptLedger` actor, on the driver's node (a lost worker node must not take
    the counts with it; `soft`: anywhere if that node has no room), restarted if it dies."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    strategy = NodeAffinitySchedulingStrategy(
        node_id=ray.get_runtime_context().get_node_id(), soft=True
    )
    remote = ray.remote(
        num_cpus=0, max_restarts=-1, max_task_retries=-1, scheduling_strategy=strategy
    )
    return remote(AttemptLedger).remote()
