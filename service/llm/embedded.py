"""The embedded backend's server: llama-cpp-python's OpenAI-compatible server, run locally.

`get_or_start(settings)` returns one running `EmbeddedServer` per (model, context size) per
process, started on a free loopback port and stopped at interpreter exit. The caller talks to
it with any OpenAI client at `server.base_url` using `server.model_name`.

Prefix reuse: llama-cpp-python keeps the KV state of the last request and re-evaluates only
the tokens after the longest common prefix, so consecutive requests that share a long prefix
(the article) are fast with no flag: send all requests about one article before moving on.
Switching articles re-evaluates the whole prompt. `--cache True` (ServerSpec.ram_cache_bytes)
would keep states for several prompts, but each saved state also copies the n_batch x vocab
logits array (311 MB for Qwen's 152k vocabulary) that the cache's byte budget does not count,
so memory grows ~350 MB per request: it is off by default.

Lifetime: the server runs in its own session (Ctrl-C in a terminal goes to us, not to it) and
is stopped by `stop()`/atexit (SIGTERM, SIGKILL after 10 s). If this process dies without
running atexit (SIGKILL, unhandled SIGTERM), a watchdog thread in the server notices that its
parent changed and exits, so no 1 GB orphan keeps both cores busy.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx

from service.config import Settings
from service.errors import BackendUnavailableError, ConfigError
from service.llm.model_files import BUNDLED_MODEL_NAME, resolve_model_path

__all__ = [
    "ArgvBuilder",
    "EmbeddedServer",
    "ServerSpec",
    "aget_or_start",
    "get_or_start",
    "llama_server_argv",
    "require_llama_cpp",
    "stop_all",
]

log = logging.getLogger(__name__)

BACKEND = "embedded"
HOST = "127.0.0.1"
_STOP_GRACE_S = 10.0
_LOG_TAIL_LINES = 20
_PORT_ATTEMPTS = 3
_SERVER_MODULES = ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "starlette_context")
_INSTALL_FIX = (
    "install it with `pip install 'rashomon[embedded]'` (or "
    "`pip install 'llama-cpp-python[server]==0.3.36'`), or use another backend "
    "(RASHOMON_BACKEND=openai with RASHOMON_BASE_URL)"
)

# Runs in the server process: exit when our parent goes away, then run the server module
# exactly as `python -m llama_cpp.server <args>` would.
_BOOTSTRAP = """\
import os, runpy, sys, threading, time
_parent = os.getppid()
def _watch():
    while True:
        time.sleep(2.0)
        if os.getppid() != _parent:
            os._exit(0)
threading.Thread(target=_watch, name="parent-watchdog", daemon=True).start()
sys.argv[0] = "llama_cpp.server"
runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class ServerSpec:
    """Everything needed to build the server command line."""

    model_path: Path
    model_alias: str
    host: str
    port: int
    n_ctx: int
    n_threads: int
    ram_cache_bytes: int = 0  # > 0 adds --cache (multi-prompt state cache; see module doc)


ArgvBuilder = Callable[[ServerSpec], list[str]]


def require_llama_cpp() -> None:
    """ConfigError with the install command if llama-cpp-python[server] is missing."""
    missing = []
    for name in _SERVER_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    if missing:
        raise ConfigError(
            f"the embedded backend needs llama-cpp-python with its server extra (missing "
            f"module(s): {', '.join(missing)}); {_INSTALL_FIX}"
        )


def llama_server_argv(spec: ServerSpec) -> list[str]:
    """The command line of llama-cpp-python's OpenAI-compatible server for `spec`."""
    require_llama_cpp()
    argv = [
        sys.executable,
        "-c",
        _BOOTSTRAP,
        "--model",
        str(spec.model_path),
        "--model_alias",
        spec.model_alias,
        "--host",
        spec.host,
        "--port",
        str(spec.port),
        "--n_ctx",
        str(spec.n_ctx),
        "--n_threads",
        str(spec.n_threads),
        "--n_threads_batch",
        str(spec.n_threads),
        # The server defaults to logits for every token: n_ctx x 152k-vocab floats (5 GB at
        # 8k context) touched during prompt eval. Only logprobs need them; we never ask.
        "--logits_all",
        "False",
    ]
    if spec.ram_cache_bytes > 0:
        argv += ["--cache", "True", "--cache_type", "ram"]
        argv += ["--cache_size", str(spec.ram_cache_bytes)]
    return argv


def _free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            return "".join(collections.deque(fh, maxlen=lines)).rstrip()
    except OSError:
        return "(log unreadable)"


class EmbeddedServer:
    """One llama-cpp-python server process serving one GGUF on a loopback port."""

    def __init__(
        self,
        model_path: Path,
        *,
        model_alias: str,
        n_ctx: int,
        n_threads: int,
        log_dir: Path,
        start_timeout_s: float = 180.0,
        argv_builder: ArgvBuilder = llama_server_argv,
        host: str = HOST,
    ) -> None:
        self.model_path = model_path
        self.model_alias = model_alias
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.log_dir = log_dir
        self.start_timeout_s = start_timeout_s
        self.host = host
        self._argv_builder = argv_builder
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_fh: IO[bytes] | None = None
        self._port: int | None = None
        self._log_path: Path | None = None
        self._owner_pid = os.getpid()
        self._lock = threading.Lock()

    # --- properties ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the embedded server has not been started")
        return self._port

    @property
    def base_url(self) -> str:
        """OpenAI-compatible endpoint, e.g. http://127.0.0.1:PORT/v1."""
        return f"http://{self.host}:{self.port}/v1"

    @property
    def model_name(self) -> str:
        """The name to send as `model` (the server's --model_alias)."""
        return self.model_alias

    @property
    def identity(self) -> str:
        """What the response cache keys on: the model file, not the (random) port."""
        stat = self.model_path.stat()
        return f"embedded|{self.model_name}|{self.model_path.name}|{stat.st_size}|{self.n_ctx}"

    @property
    def log_path(self) -> Path | None:
        return self._log_path

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> EmbeddedServer:
        """Start the process and block until it answers GET /v1/models (idempotent)."""
        with self._lock:
            if self.is_running():
                return self
            try:
                self.log_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"cannot create the log directory {self.log_dir} ({exc}); set "
                    "RASHOMON_CACHE_DIR to a writable directory"
                ) from exc
            for attempt in range(1, _PORT_ATTEMPTS + 1):
                try:
                    self._start_once()
                    return self
                except BackendUnavailableError as exc:
                    # Another process took the port between probing and binding: retry.
                    lost_race = "address already in use" in str(exc).lower()
                    if not lost_race or attempt == _PORT_ATTEMPTS:
                        raise
                    log.warning("port %s was taken, retrying on another port", self._port)
        return self  # pragma: no cover - the loop returns or raises

    def _start_once(self) -> None:
        port = _free_port(self.host)
        spec = ServerSpec(
            model_path=self.model_path,
            model_alias=self.model_alias,
            host=self.host,
            port=port,
            n_ctx=self.n_ctx,
            n_threads=self.n_threads,
        )
        argv = self._argv_builder(spec)
        log_path = self.log_dir / f"llama-server-{port}.log"
        self._port, self._log_path = port, log_path
        log_fh = log_path.open("ab")
        shown = ["python -m llama_cpp.server", *argv[3:]] if argv[1:2] == ["-c"] else argv
        log_fh.write(f"# {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(shown)}\n".encode())
        log_fh.flush()
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log_fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as exc:
            log_fh.close()
            raise BackendUnavailableError(
                f"could not start the model server ({argv[0]}): {exc}", backend=BACKEND
            ) from exc
        self._proc, self._log_fh = proc, log_fh
        _register(self)
        log.info(
            "started llama-cpp-python server pid %d on port %d (log %s)", proc.pid, port, log_path
        )
        try:
            self._wait_healthy(proc, log_path, started)
        except BaseException:
            self.stop()
            raise
        log.info("embedded server ready at %s in %.1f s", self.base_url, time.monotonic() - started)

    def _wait_healthy(self, proc: subprocess.Popen[bytes], log_path: Path, started: float) -> None:
        deadline = started + self.start_timeout_s
        url = f"{self.base_url}/models"
        delay = 0.1
        with httpx.Client(timeout=httpx.Timeout(5.0), trust_env=False) as client:
            while True:
                code = proc.poll()
                if code is not None:
                    raise BackendUnavailableError(
                        f"the model server exited with code {code} while starting; "
                        f"log {log_path}, last lines:\n{_tail(log_path)}",
                        backend=BACKEND,
                    )
                with contextlib.suppress(httpx.HTTPError):
                    resp = client.get(url)
                    # Our alias in the answer: not some other server that won the port.
                    if resp.status_code == 200 and self.model_alias in resp.text:
                        return
                if time.monotonic() >= deadline:
                    raise BackendUnavailableError(
                        f"the model server did not become ready within "
                        f"{self.start_timeout_s:.0f} s (RASHOMON_EMBEDDED_START_TIMEOUT_S); "
                        f"see its log {log_path}, last lines:\n{_tail(log_path)}",
                        backend=BACKEND,
                    )
                time.sleep(delay)
                delay = min(delay * 1.5, 1.0)

    def stop(self, grace_s: float = _STOP_GRACE_S) -> None:
        """SIGTERM, then SIGKILL after `grace_s`. Safe to call twice or after a fork."""
        proc, self._proc = self._proc, None
        _unregister(self)
        try:
            if proc is not None and os.getpid() == self._owner_pid and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=grace_s)
                except subprocess.TimeoutExpired:
                    log.warning("model server pid %d ignored SIGTERM; killing it", proc.pid)
                    proc.kill()
                    proc.wait(timeout=grace_s)
        finally:
            if self._log_fh is not None:
                with contextlib.suppress(OSError):
                    self._log_fh.close()
                self._log_fh = None

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"port={self._port} pid={self.pid}" if self.is_running() else "stopped"
        return f"EmbeddedServer({self.model_path.name!r}, n_ctx={self.n_ctx}, {state})"


# --- one server per process ----------------------------------------------------------------

_registry_lock = threading.Lock()
_servers: dict[tuple[str, int], EmbeddedServer] = {}  # (model path, n_ctx) -> server
_running: set[EmbeddedServer] = set()  # every started server, for atexit


def _register(server: EmbeddedServer) -> None:
    with _registry_lock:
        _running.add(server)


def _unregister(server: EmbeddedServer) -> None:
    with _registry_lock:
        _running.discard(server)
        for key, value in list(_servers.items()):
            if value is server:
                del _servers[key]


def stop_all() -> None:
    """Stop every server this process started (registered with atexit)."""
    with _registry_lock:
        servers = list(_running)
    for server in servers:
        with contextlib.suppress(Exception):
            server.stop()


def _forget_after_fork() -> None:
    # A forked child must neither reuse nor stop its parent's servers.
    global _registry_lock
    _registry_lock = threading.Lock()
    _servers.clear()
    _running.clear()


atexit.register(stop_all)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def _alias_for(model_path: Path, settings: Settings) -> str:
    if settings.model_path is None:
        return BUNDLED_MODEL_NAME
    return model_path.stem.lower()


def get_or_start(
    settings: Settings,
    *,
    argv_builder: ArgvBuilder = llama_server_argv,
    model_path: Path | None = None,
) -> EmbeddedServer:
    """The process-wide server for the configured model, started (and verified) on first use.

    Blocks while the bundled model is assembled (first run only) and the server loads.
    `model_path` skips model resolution (tests); `argv_builder` replaces the command.
    """
    if argv_builder is llama_server_argv:
        require_llama_cpp()  # fail before spending a minute assembling the model
    path = model_path if model_path is not None else resolve_model_path(settings)
    key = (str(path), settings.embedded_ctx)
    with _registry_lock:
        server = _servers.get(key)
        if server is None:
            server = EmbeddedServer(
                path,
                model_alias=_alias_for(path, settings),
                n_ctx=settings.embedded_ctx,
                n_threads=settings.embedded_threads or os.cpu_count() or 1,
                log_dir=settings.cache_dir.expanduser() / "logs",
                start_timeout_s=settings.embedded_start_timeout_s,
                argv_builder=argv_builder,
            )
            _servers[key] = server
    # Start outside the registry lock (it takes up to a minute); the server's own lock
    # makes concurrent callers wait for the same start.
    try:
        server.start()
    except BaseException:
        _unregister(server)
        raise
    with _registry_lock:
        _servers.setdefault(key, server)
    return server


async def aget_or_start(settings: Settings, **kwargs: Any) -> EmbeddedServer:
    """`get_or_start` for async callers (runs the blocking start in a worker thread)."""
    return await asyncio.to_thread(get_or_start, settings, **kwargs)
