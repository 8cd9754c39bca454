"""Test-wide guards: no network beyond loopback unless a test opts in with @pytest.mark.network,
and settings never read the developer's environment or home cache."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.config import Settings, get_settings

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "seeds" / "articles").glob("*.txt"))

_real_connect = socket.socket.connect
_TEST_PLUMBING = {"RASHOMON_CACHE_DIR", "RASHOMON_E2E_CACHE_DIR"}


def _is_local(address: Any) -> bool:
    if isinstance(address, str):  # AF_UNIX
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("network"):
        return

    def guarded(self: socket.socket, address: Any) -> Any:
        if not _is_local(address):
            raise RuntimeError(f"test tried to reach the network ({address}); mark it network")
        return _real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import os

    # Settings come from RASHOMON_*; a test must not see the developer's. The two kept are
    # test plumbing: the cache dir (replaced below) and the slow test's shared CI cache.
    for key in list(os.environ):
        if key.startswith("RASHOMON_") and key not in _TEST_PLUMBING:
            monkeypatch.delenv(key)
    if not os.environ.get("RASHOMON_TEST_KEEP_CACHE"):
        monkeypatch.setenv("RASHOMON_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(backend="fake", cache_dir=tmp_path / "cache", cache_enabled=False)
