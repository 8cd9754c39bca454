"""Options and plumbing shared by every `rashomon` subcommand."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from service.config import Settings
from service.pipeline.progress import Progress


def add_backend_options(parser: argparse.ArgumentParser) -> None:
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
    g.add_argument(
        "--sentences-per-call",
        type=int,
        help="sentences per model call (1 suits small models; a strong model can take 8-16)",
    )
    g.add_argument("--pairs-per-call", type=int)
    g.add_argument(
        "--summary-mode",
        choices=["model", "template"],
        help="who writes summary sentences (template: no model calls, always attributed)",
    )
    g.add_argument(
        "--no-cache", action="store_true", help="do not read or write the response cache"
    )
    g.add_argument("--cache-dir", type=Path)


def settings_from_args(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        "backend": args.backend,
        "base_url": args.base_url,
        "model": args.model,
        "api_key": args.api_key,
        "model_path": args.model_path,
        "structured_mode": args.structured_mode,
        "sentences_per_call": args.sentences_per_call,
        "pairs_per_call": args.pairs_per_call,
        "summary_mode": args.summary_mode,
        "cache_dir": args.cache_dir,
    }
    if args.base_url and not args.backend:
        overrides["backend"] = "openai"
    if args.no_cache:
        overrides["cache_enabled"] = False
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


class ProgressPrinter:
    """Progress on stderr: one rewritten line on a terminal, plain lines otherwise."""

    def __init__(self, stream: Any = None, *, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.quiet = quiet
        self._last: tuple[str, str | None, int] | None = None

    def __call__(self, p: Progress) -> None:
        if self.quiet:
            return
        where = f" {p.source_id}" if p.source_id else ""
        line = f"{p.step}{where}: {p.done}/{p.total} ({p.percent:.0f}%)"
        if self.tty:
            end = "\n" if p.done >= p.total else ""
            self.stream.write(f"\r\033[K{line}{end}")
        else:
            # Plain logs: every 10% and the last one, not a line per call.
            key = (p.step, p.source_id, int(p.percent // 10))
            if key == self._last and p.done < p.total:
                return
            self._last = key
            self.stream.write(line + "\n")
        self.stream.flush()
