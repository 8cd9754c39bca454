"""The embedded llama.cpp server's lifecycle. Fast tests use tiny stand-in processes;
the `slow` test starts the real server with the real bundled model."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from service.config import Settings
from service.errors import BackendUnavailableError, ConfigError
from service.llm import embedded
from service.llm.embedded import EmbeddedServer, ServerSpec, get_or_start, llama_server_argv
from service.llm.model_files import bundled_model_path

FAKE_SERVER = textwrap.dedent(
    """
    import json, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer

    port, alias = int(sys.argv[1]), sys.argv[2]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"object": "list", "data": [{"id": alias}]}).encode()
            self.send_response(200 if self.path == "/v1/models" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    print("fake server listening", flush=True)
    HTTPServer(("127.0.0.1", port), Handler).serve_forever()
    """
)


@pytest.fixture(autouse=True)
def _stop_servers() -> Iterator[None]:
    yield
    embedded.stop_all()


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "Tiny-Model.gguf"
    path.write_bytes(b"GGUF fake")
    return path


def settings_for(tmp_path: Path, model: Path, **extra: object) -> Settings:
    return Settings(cache_dir=tmp_path / "cache", model_path=model, **extra)  # type: ignore[arg-type]


def python_argv(code: str) -> Callable[[ServerSpec], list[str]]:
    return lambda spec: [sys.executable, "-c", code, str(spec.port), spec.model_alias]


def test_missing_llama_cpp_is_a_config_error_with_the_install_command(
    tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes find_spec() report "absent"

    with pytest.raises(ConfigError) as info:
        get_or_start(settings_for(tmp_path, model))
    message = str(info.value)
    assert "llama_cpp" in message
    assert "pip install 'rashomon[embedded]'" in message
    with pytest.raises(ConfigError):
        llama_server_argv(ServerSpec(model, "m", "127.0.0.1", 1, 2048, 1))


def test_default_argv_runs_the_llama_cpp_server_module(model: Path) -> None:
    pytest.importorskip("llama_cpp")
    argv = llama_server_argv(ServerSpec(model, "tiny", "127.0.0.1", 4321, 4096, 2))

    assert argv[0] == sys.executable
    assert "llama_cpp.server" in argv[2]
    flags = dict(zip(argv[3::2], argv[4::2], strict=True))
    assert flags == {
        "--model": str(model),
        "--model_alias": "tiny",
        "--host": "127.0.0.1",
        "--port": "4321",
        "--n_ctx": "4096",
        "--n_threads": "2",
        "--n_threads_batch": "2",
        "--logits_all": "False",
    }


def test_process_that_exits_at_once_reports_its_log(tmp_path: Path, model: Path) -> None:
    crash = "import sys; print('error loading model: bad magic', file=sys.stderr); sys.exit(3)"
    started = time.monotonic()

    with pytest.raises(BackendUnavailableError) as info:
        get_or_start(settings_for(tmp_path, model), argv_builder=python_argv(crash))

    assert time.monotonic() - started < 10  # failed fast, not at the 180 s timeout
    err = info.value
    assert err.backend == "embedded"
    assert "exited with code 3" in str(err)
    assert "error loading model: bad magic" in str(err)
    logs = list((tmp_path / "cache" / "logs").glob("llama-server-*.log"))
    assert len(logs) == 1
    assert str(logs[0]) in str(err)


def test_server_that_never_gets_healthy_times_out(tmp_path: Path, model: Path) -> None:
    hang = "import time; print('loading...', flush=True); time.sleep(60)"
    settings = settings_for(tmp_path, model, embedded_start_timeout_s=1.0)

    with pytest.raises(BackendUnavailableError, match="did not become ready within 1 s") as info:
        get_or_start(settings, argv_builder=python_argv(hang))
    assert "loading..." in str(info.value)
    assert "RASHOMON_EMBEDDED_START_TIMEOUT_S" in str(info.value)
    assert not embedded._running  # the hung process was stopped


def test_healthy_server_is_reused_and_stopped(tmp_path: Path, model: Path) -> None:
    settings = settings_for(tmp_path, model)
    fake = python_argv(FAKE_SERVER)

    server = get_or_start(settings, argv_builder=fake)
    assert server.is_running()
    assert server.model_name == "tiny-model"  # alias from the GGUF file name
    assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
    assert server.log_path == tmp_path / "cache" / "logs" / f"llama-server-{server.port}.log"
    models = httpx.get(f"{server.base_url}/models", trust_env=False).json()
    assert models["data"][0]["id"] == server.model_name

    assert get_or_start(settings, argv_builder=fake) is server  # one server per process
    other_ctx = get_or_start(settings.model_copy(update={"embedded_ctx": 4096}), argv_builder=fake)
    assert other_ctx is not server

    server.stop()
    assert not server.is_running()
    server.stop()  # idempotent
    restarted = get_or_start(settings, argv_builder=fake)
    assert restarted is not server
    assert restarted.is_running()


def test_crashed_server_is_restarted_on_next_use(tmp_path: Path, model: Path) -> None:
    settings = settings_for(tmp_path, model)
    fake = python_argv(FAKE_SERVER)
    server = get_or_start(settings, argv_builder=fake)
    assert server.pid is not None
    os.kill(server.pid, 9)
    deadline = time.monotonic() + 5
    while server.is_running() and time.monotonic() < deadline:
        time.sleep(0.05)

    again = get_or_start(settings, argv_builder=fake)
    assert again.is_running()


def test_stop_kills_a_server_that_ignores_sigterm(tmp_path: Path, model: Path) -> None:
    stubborn = "import signal, sys\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n" + FAKE_SERVER
    server = EmbeddedServer(
        model,
        model_alias="tiny",
        n_ctx=2048,
        n_threads=1,
        log_dir=tmp_path / "logs",
        argv_builder=python_argv(stubborn),
    ).start()
    proc = server._proc
    assert proc is not None

    started = time.monotonic()
    server.stop(grace_s=0.5)
    assert proc.returncode == -9
    assert time.monotonic() - started < 5


@pytest.mark.slow
def test_real_server_answers_a_json_schema_request(tmp_path: Path) -> None:
    """Starts the real llama.cpp server on the real bundled model and asks one tiny question.
    The model is assembled once into the default cache dir (reused by later runs); the
    server's log goes to tmp_path."""
    pytest.importorskip("llama_cpp")
    model = bundled_model_path(Settings().cache_dir)
    settings = Settings(cache_dir=tmp_path, model_path=None, embedded_ctx=2048)
    server = get_or_start(settings, model_path=model)
    assert server.model_name == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    try:
        schema = {
            "type": "object",
            "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
            "required": ["city", "country"],
        }
        body = {
            "model": server.model_name,
            "temperature": 0,
            "max_tokens": 40,
            "messages": [
                {"role": "system", "content": "Answer in JSON."},
                {"role": "user", "content": "Which country is Paris the capital of?"},
            ],
            "response_format": {"type": "json_object", "schema": schema},
        }
        resp = httpx.post(
            f"{server.base_url}/chat/completions", json=body, timeout=300, trust_env=False
        )
        resp.raise_for_status()
        answer = json.loads(resp.json()["choices"][0]["message"]["content"])
        assert set(answer) >= {"city", "country"}
        assert "france" in str(answer["country"]).lower()
    finally:
        server.stop()
    assert not server.is_running()


def test_cache_identity_names_the_model_not_the_port(tmp_path: Path) -> None:
    """The response cache must hit across runs, and each run gets a new free port."""
    from service.llm.embedded import EmbeddedServer
    from service.llm.openai_backend import OpenAIBackend

    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 60)
    servers = [
        EmbeddedServer(model, model_alias="m", n_ctx=4096, n_threads=1, log_dir=tmp_path)
        for _ in range(2)
    ]
    assert servers[0].identity == servers[1].identity
    assert "m.gguf" in servers[0].identity and "4096" in servers[0].identity
    backends = [
        OpenAIBackend(
            base_url=f"http://127.0.0.1:{port}/v1",
            model="m",
            api_key=None,
            cache_identity=servers[0].identity,
        )
        for port in (4001, 4002)
    ]
    assert backends[0].cache_identity == backends[1].cache_identity
