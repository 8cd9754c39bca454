"""The batch engines' seams: no import cycle, one protocol, the batcher's flushes, the public
request body of the OpenAI backend, and Ray actors that close their models."""

from __future__ import annotations

import ast
import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from service.batch.batch_api import BatchApiEngine, Batcher, ParkingBackend
from service.batch.engine import BatchEngine, BatchOptions
from service.batch.inputs import InputOptions, load_dump
from service.batch.local_engine import LocalEngine
from service.batch.ray_engine import (
    AttemptLedger,
    RayEngine,
    ReconcileActor,
    _settings_json,
    gave_up,
)
from service.batch.state import StateStore
from service.config import Settings
from service.errors import BackendError
from service.llm.base import CompletionRequest, Message, RawCompletion
from service.llm.cache import ResponseCache
from service.llm.factory import build_openai_backend
from service.llm.openai_backend import OpenAIBackend

from .helpers import write_jsonl

BATCH = Path(__file__).resolve().parents[2] / "service" / "batch"


def _request(text: str = "hi") -> CompletionRequest:
    return CompletionRequest(
        messages=(Message("user", text),),
        schema_name="Thing",
        json_schema={"type": "object", "properties": {"a": {"type": "integer"}}},
        max_tokens=20,
    )


def _imports(path: Path) -> set[str]:
    """Every service.batch module `path` imports, at module level or inside a function."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.startswith("service.batch.")}


def test_the_batch_package_has_no_import_cycle() -> None:
    graph = {f"service.batch.{p.stem}": _imports(p) for p in BATCH.glob("*.py")}
    for engine in ("batch_api", "ray_engine", "local_engine"):
        assert "service.batch.runner" not in graph[f"service.batch.{engine}"]

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(node) :], node]))
        for dep in graph.get(node, ()):
            visit(dep, [*path, node])

    for module in graph:
        visit(module, [])


def test_every_engine_follows_the_protocol(tmp_path: Path) -> None:
    settings = Settings(backend="openai", base_url="http://127.0.0.1:9/v1", model="m")
    options = BatchOptions(out_dir=tmp_path)
    store = StateStore(tmp_path / "state.sqlite3")
    try:
        engines: list[BatchEngine] = [
            LocalEngine(settings, options),
            RayEngine(settings, options),
            BatchApiEngine(settings, options, store),
        ]
        assert all(asyncio.iscoroutinefunction(e.run) for e in engines)
    finally:
        store.close()


def test_batch_api_engine_needs_the_openai_backend(tmp_path: Path) -> None:
    from service.errors import ConfigError

    store = StateStore(tmp_path / "state.sqlite3")
    try:
        with pytest.raises(ConfigError, match="--via batch-api needs the openai backend"):
            BatchApiEngine(Settings(backend="fake"), BatchOptions(out_dir=tmp_path), store)
    finally:
        store.close()


# --------------------------------------------------------------------------- the batcher


class _Sink:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.arrived = asyncio.Event()

    async def __call__(self, batch: dict[str, CompletionRequest]) -> None:
        self.batches.append(list(batch))
        self.arrived.set()

    async def next(self) -> list[str]:
        await asyncio.wait_for(self.arrived.wait(), 5)
        self.arrived.clear()
        return self.batches[-1]


async def test_batcher_flushes_on_size() -> None:
    sink = _Sink()
    batcher = Batcher(sink, size=3, idle_s=60, max_wait_s=60)
    for i in range(7):
        batcher.add(f"k{i}", _request())
    await asyncio.sleep(0)
    assert sink.batches == [["k0", "k1", "k2"], ["k3", "k4", "k5"]]
    assert batcher.pending == 1
    batcher.flush()
    await asyncio.sleep(0)
    assert sink.batches[-1] == ["k6"]
    await batcher.aclose()


async def test_batcher_flushes_once_no_request_came_for_idle_s() -> None:
    sink = _Sink()
    batcher = Batcher(sink, size=100, idle_s=0.5, max_wait_s=60)
    batcher.add("a", _request())
    await asyncio.sleep(0.1)
    batcher.add("b", _request())  # still growing: the wait starts again
    await asyncio.sleep(0.1)
    assert sink.batches == []
    assert await sink.next() == ["a", "b"]
    assert len(sink.batches) == 1
    await batcher.aclose()


async def test_batcher_flushes_a_growing_batch_after_max_wait_s() -> None:
    sink = _Sink()
    batcher = Batcher(sink, size=100, idle_s=60, max_wait_s=0.05)
    batcher.add("a", _request())
    assert await sink.next() == ["a"]
    batcher.add("b", _request())  # a new batch, a new clock
    assert await sink.next() == ["b"]
    assert len(sink.batches) == 2
    await batcher.aclose()


async def test_parking_backend_shares_one_line_between_identical_calls(tmp_path: Path) -> None:
    wire = OpenAIBackend(base_url="http://127.0.0.1:9/v1", model="m", api_key="k")
    cache = ResponseCache(tmp_path / "c.sqlite3")
    sent: list[dict[str, CompletionRequest]] = []

    async def send(batch: dict[str, CompletionRequest]) -> None:
        sent.append(batch)
        for key in batch:
            backend.resolve(key, RawCompletion(text='{"a": 1}', finish_reason="stop"))

    backend = ParkingBackend(wire, cache, Batcher(send, idle_s=0.01))
    try:
        a, b, c = await asyncio.gather(
            backend.complete(_request()),
            backend.complete(_request()),
            backend.complete(_request("other")),
        )
        assert a.text == b.text == c.text == '{"a": 1}'
        assert len(sent) == 1 and len(sent[0]) == 2  # the two identical calls: one line
        assert (await backend.complete(_request())).text == '{"a": 1}'  # answered: no park
        assert len(sent) == 1

        async def fail(batch: dict[str, CompletionRequest]) -> None:
            for key in batch:
                backend.resolve(key, BackendError("boom", backend="openai-batch"))

        backend.batcher = Batcher(fail, idle_s=0.01)
        with pytest.raises(BackendError, match="boom"):
            await backend.complete(_request("third"))
    finally:
        cache.close()
        await wire.aclose()


# --------------------------------------------------------------------------- the wire


def test_openai_backend_request_body_is_public_and_follows_the_mode() -> None:
    req = _request()
    schema = OpenAIBackend(
        base_url="http://127.0.0.1:9/v1", model="m", api_key=None, structured_mode="json_schema"
    ).request_body(req)
    assert schema["model"] == "m" and schema["max_tokens"] == 20
    assert schema["response_format"]["json_schema"]["schema"] == req.json_schema
    assert schema["messages"] == [{"role": "user", "content": "hi"}]
    plain = OpenAIBackend(
        base_url="http://127.0.0.1:9/v1", model="m", api_key=None, structured_mode="json_object"
    ).request_body(req)
    assert plain["response_format"] == {"type": "json_object"}
    assert "Answer with JSON matching" in plain["messages"][-1]["content"]


async def test_the_factory_builds_the_batch_wire_with_a_given_client() -> None:
    import openai

    client = openai.AsyncOpenAI(base_url="http://127.0.0.1:9/v1", api_key="k", max_retries=0)
    settings = Settings(
        backend="openai", base_url="http://127.0.0.1:9/v1", model="m", transport_retries=1
    )
    wire = build_openai_backend(settings, client=client)
    assert wire.client is client and wire.model == "m"
    await wire.aclose()


# --------------------------------------------------------------------------- Ray actors


def test_ray_actor_closes_its_model(monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[str] = []
    settings = Settings(backend="fake", cache_enabled=False)
    actor = ReconcileActor(_settings_json(settings))
    backend = actor.llm.backend
    real_aclose = backend.aclose

    async def aclose() -> None:
        closed.append("backend")
        await real_aclose()

    monkeypatch.setattr(backend, "aclose", aclose)
    actor.close()
    actor.close()  # idempotent
    assert closed == ["backend"] and actor.loop.is_closed()

    other = ReconcileActor(_settings_json(settings))
    monkeypatch.setattr(other.llm.backend, "aclose", aclose)
    other.__del__()  # what Ray Data's retiring of the actor triggers
    assert closed == ["backend", "backend"]


def test_ray_cpus_per_actor_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASHOMON_RAY_CPUS_PER_ACTOR", "0.5")
    assert Settings().ray_cpus_per_actor == 0.5
    assert json.loads(_settings_json(Settings()))["ray_cpus_per_actor"] == 0.5
    monkeypatch.delenv("RASHOMON_RAY_CPUS_PER_ACTOR")
    assert Settings().ray_cpus_per_actor == 0.25


def test_attempt_ledger_counts_only_starts_whose_actor_died() -> None:
    ledger = AttemptLedger()
    assert ledger.begin("a") == 1
    assert ledger.begin("a") == 2  # started again before it ended: its actor died
    assert ledger.begin("a") == 3
    ledger.end("a")
    assert ledger.begin("b") == 1
    ledger.end("b")
    assert ledger.begin("b") == 1  # finished, then re-run with its block: no death
    assert ledger.begin("a") == 3  # the deaths so far still count


def test_ray_max_attempts_is_a_setting_and_names_itself_in_the_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().ray_max_attempts == 3
    monkeypatch.setenv("RASHOMON_RAY_MAX_ATTEMPTS", "5")
    assert Settings().ray_max_attempts == 5
    row = gave_up("e1", 1)
    assert row["event_id"] == "e1" and row["ok"] is False
    assert "after 1 attempt:" in row["payload"] and "RASHOMON_RAY_MAX_ATTEMPTS" in row["payload"]


def test_ray_actor_without_a_ledger_reconciles(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 1)
    (event,) = load_dump(tmp_path / "in.jsonl", InputOptions()).events
    actor = ReconcileActor(_settings_json(Settings(backend="fake", cache_enabled=False)))
    try:
        row = actor({"event": event.model_dump_json()})
    finally:
        actor.close()
    assert row["ok"] is True and row["event_id"] == event.event_id


def test_a_ray_client_address_without_ray_client_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ray://` needs `ray[client]` (grpcio); without it the CLI says so, with the fix, instead
    of Ray's bare ModuleNotFoundError from inside ray.init."""
    import importlib.util

    pytest.importorskip("ray")
    from service.cli import EXIT_CONFIG, main

    real_find_spec = importlib.util.find_spec

    def no_grpc(name: str, *args: Any) -> Any:
        return None if name == "grpc" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", no_grpc)
    monkeypatch.setattr("ray.is_initialized", lambda: False)

    def must_not_start(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("ray.init must not be reached")

    monkeypatch.setattr("ray.init", must_not_start)
    monkeypatch.setenv("RAY_ADDRESS", "ray://127.0.0.1:10001")
    write_jsonl(tmp_path / "in.jsonl", 1)
    args = ["batch", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out")]
    code = main([*args, "--engine", "ray", "--backend", "fake", "--quiet"])
    err = capsys.readouterr().err
    assert code == EXIT_CONFIG
    assert "RAY_ADDRESS=ray://127.0.0.1:10001" in err and "pip install 'ray[client]'" in err
    assert "Traceback" not in err
