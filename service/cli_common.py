"""Options and plumbing shared by every `rashomon` subcommand."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Protocol

from service.config import Settings, load_settings
from service.errors import InputError
from service.pipeline.progress import Progress


def add_backend_options(parser: argparse.ArgumentParser, *, fake_latency: bool = False) -> None:
    """The backend options of every subcommand; `fake_latency` adds --fake-latency (the
    long-running ones: serve, batch)."""
    g = parser.add_argument_group("backend (defaults from RASHOMON_* environment variables)")
    g.add_argument(
        "--backend",
        choices=["embedded", "openai", "fake"],
        help="embedded: bundled local model (default); openai: any OpenAI-compatible "
        "server; fake: canned answers for demos/tests",
    )
    g.add_argument("--base-url", help="OpenAI-compatible endpoint (implies --backend openai)")
    g.add_argument("--model", help="model name on that server")
    g.add_argument(
        "--api-key",
        help="API key (prefer RASHOMON_API_KEY: keys on the command line end up in shell history)",
    )
    g.add_argument("--model-path", type=Path, help="a GGUF file for the embedded backend")
    g.add_argument(
        "--structured-mode", choices=["auto", "json_schema", "json_object_schema", "json_object"]
    )
    g.add_argument("--pairs-per-call", type=int, help="claim pairs judged per model call")
    g.add_argument(
        "--summary-mode",
        choices=["model", "template"],
        help="who writes summary sentences (template: no model calls, always attributed)",
    )
    g.add_argument(
        "--no-cache", action="store_true", help="do not read or write the response cache"
    )
    g.add_argument("--cache-dir", type=Path)
    if fake_latency:
        g.add_argument(
            "--fake-latency",
            type=_seconds,
            default=None,
            metavar="S",
            help="seconds per call of --backend fake (demos, load tests)",
        )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not {text}")
    return value


def settings_from_args(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        "backend": args.backend,
        "base_url": args.base_url,
        "model": args.model,
        "api_key": args.api_key,
        "model_path": args.model_path,
        "structured_mode": args.structured_mode,
        "pairs_per_call": args.pairs_per_call,
        "summary_mode": args.summary_mode,
        "cache_dir": args.cache_dir,
    }
    if args.base_url and not args.backend:
        overrides["backend"] = "openai"
    if args.no_cache:
        overrides["cache_enabled"] = False
    if getattr(args, "fake_latency", None) is not None:
        overrides["fake_latency_s"] = args.fake_latency
    return load_settings(**{k: v for k, v in overrides.items() if v is not None})


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 source', '2 sources' ('1 summary sentence', '3 summary sentences')."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def check_out_dir(path: Path, option: str = "--out") -> None:
    """Fail before a run, not after it, when the output directory cannot be written: it is an
    existing file, sits under a file, or is not writable. Creates the directory as the run
    would, writes a probe file in it, and removes what it created (a run that then fails on
    its input leaves nothing behind)."""
    if path.exists() and not path.is_dir():
        raise InputError(
            f"{option} is an existing file, not a directory; choose a directory path",
            source=str(path),
        )
    created = [p for p in (path, *path.parents) if not p.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".rashomon-probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise InputError(
            f"{option} cannot be written ({err.strerror or err}); choose a writable directory",
            source=str(path),
        ) from None
    finally:
        for made in created:  # deepest first
            with contextlib.suppress(OSError):
                made.rmdir()


# --------------------------------------------------------------------------- one bar for a run

# Each step reports its own done/total; a run's overall fraction gives each step a share of
# the bar. Reading the articles is most of the model calls; then comparing claim pairs, the
# double-check of disagreements, and the summary.
STEP_SHARES: dict[str, tuple[float, float]] = {
    "accounts": (0.0, 0.70),
    "alignment": (0.70, 0.18),
    "alignment-check": (0.88, 0.04),
    "summary": (0.92, 0.08),
}
STEP_NAMES = {
    "accounts": "reading the articles",
    "alignment": "comparing claims",
    "alignment-check": "double-checking disagreements",
    "summary": "writing the summary",
}


class OverallProgress:
    """Folds the per-step progress events of one reconcile into a single fraction (0..1) that
    never goes backwards."""

    def __init__(self, n_sources: int) -> None:
        self.n_sources = n_sources
        self.accounts: dict[str, float] = {}
        self.fraction = 0.0

    def update(self, p: Progress) -> float:
        part = p.done / p.total if p.total else 1.0
        if p.step == "accounts":
            self.accounts[p.source_id or "_"] = part
            n = max(self.n_sources, len(self.accounts), 1)
            f = STEP_SHARES["accounts"][1] * sum(self.accounts.values()) / n
        elif p.step in STEP_SHARES:
            start, share = STEP_SHARES[p.step]
            f = start + share * part
        else:
            f = self.fraction
        self.fraction = max(self.fraction, min(f, 1.0))
        return self.fraction

    def label(self, p: Progress) -> str:
        return STEP_NAMES.get(p.step, p.step)


class Tracker(Protocol):
    """Folds progress events into one fraction of a run (0..1, never backwards) and names
    what an event is doing, for `RunProgress` to draw."""

    fraction: float

    def update(self, p: Progress) -> float: ...

    def label(self, p: Progress) -> str: ...


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{sec:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class RunProgress:
    """Progress of a run on stderr: a tqdm bar across all steps with the elapsed time and an
    ETA on a terminal; otherwise a plain line per step and every 10%. `verbose` adds each
    step's own counts; `quiet` prints nothing. One `rashomon reconcile` by default; `tracker`
    folds other runs' events (the eval's: service/evals/progress.py)."""

    def __init__(
        self,
        n_sources: int,
        stream: Any = None,
        *,
        quiet: bool = False,
        verbose: int = 0,
        tracker: Tracker | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.quiet = quiet
        self.verbose = verbose
        self.overall: Tracker = tracker or OverallProgress(n_sources)
        self.started = time.monotonic()
        self._last: tuple[str, int] | None = None  # (label, tenth) of the last plain line
        self._bar: Any = None

    def eta(self) -> float | None:
        f = self.overall.fraction
        elapsed = time.monotonic() - self.started
        if f < 0.02 or f >= 1.0 or elapsed < 1.0:
            return None
        return elapsed * (1.0 - f) / f

    def __call__(self, p: Progress) -> None:
        if self.quiet:
            return
        fraction = self.overall.update(p)
        name = self.overall.label(p)
        if self.verbose:
            where = f" {p.source_id}" if p.source_id else ""
            self.write(f"  {p.step}{where}: {p.done}/{p.total}")
        if self.tty:
            bar = self._tqdm()
            bar.set_description_str(name, refresh=False)
            bar.update(round(fraction * 100, 1) - bar.n)
            return
        key = (name, int(fraction * 10))
        if key == self._last:
            return
        self._last = key
        eta = self.eta()
        left = f", about {format_duration(eta)} left" if eta is not None else ""
        elapsed = format_duration(time.monotonic() - self.started)
        self.write(f"{name}: {fraction * 100:.0f}% ({elapsed} elapsed{left})")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _tqdm(self) -> Any:
        if self._bar is None:
            tqdm: Any = importlib.import_module("tqdm").tqdm  # no type stubs
            self._bar = tqdm(
                total=100,
                file=self.stream,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed} elapsed, ETA {remaining}",
                dynamic_ncols=True,
                leave=True,
            )
        return self._bar

    def write(self, line: str) -> None:
        """A line of its own, above the bar when there is one (log lines, verbose counts)."""
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()
