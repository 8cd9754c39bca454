"""`rashomon`: reconcile, eval, labels, serve, batch. Errors print one line with the fix, never a
traceback (set RASHOMON_DEBUG=1 for one)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from service import __version__
from service.cli_common import (
    RunProgress,
    add_backend_options,
    check_out_dir,
    format_duration,
    plural,
    settings_from_args,
)
from service.errors import BackendError, ConfigError, InputError, RashomonError
from service.schemas import RunWarning

EXIT_INPUT, EXIT_CONFIG, EXIT_BACKEND = 2, 3, 4


def _add_reconcile(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "reconcile",
        help="reconcile articles about one event",
        description="Reads 1+ article files (text or HTML) about one event and "
        "writes OUT/reconciliation.json, OUT/reconciliation.md and OUT/reconciliation.html "
        "(a self-contained page: open it in a browser, no server needed).",
    )
    p.add_argument("files", nargs="+", type=Path, help="article files (.txt, .html, .md)")
    p.add_argument("--out", type=Path, default=Path("out"), help="output directory (default out/)")
    p.add_argument(
        "--outlet",
        action="append",
        default=[],
        help="outlet name for each file, in order (repeat the flag)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="each step's counts on stderr; -vv adds debug logs",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the result (reconciliation.json) on stdout; the one-line report goes to stderr",
    )
    add_backend_options(p)
    p.set_defaults(func=_run_reconcile)


def _run_reconcile(args: argparse.Namespace) -> int:
    from service.runner import reconcile_files

    if args.verbose:
        logging.basicConfig(
            level=logging.DEBUG if args.verbose > 1 else logging.INFO,
            format="%(levelname)s %(name)s: %(message)s",
        )
    settings = settings_from_args(args)
    check_out_dir(args.out)  # a path that cannot take the outputs fails now, not after the run
    progress = RunProgress(len(args.files), quiet=args.quiet, verbose=args.verbose)
    started = time.monotonic()
    try:
        rec = asyncio.run(
            reconcile_files(
                args.files, settings, outlets=args.outlet, progress=progress, out_dir=args.out
            )
        )
    finally:
        progress.close()
    n_disputes = sum(1 for g in rec.groups if g.status.value == "disputed")
    report = (
        f"wrote {args.out / 'reconciliation.json'}, .md and .html: "
        f"{plural(len(rec.sources), 'source')}, {plural(len(rec.all_claims()), 'claim')}, "
        f"{plural(n_disputes, 'dispute')}, "
        f"{plural(len(rec.summary.sentences), 'summary sentence')}, "
        f"{plural(len(rec.warnings), 'warning')}"
    )
    if not args.quiet:
        show_warnings(rec.warnings)
    if args.verbose:
        report += f" ({format_duration(time.monotonic() - started)})"
    if args.json:
        print(rec.model_dump_json(indent=2))
        if not args.quiet:
            print(report, file=sys.stderr)
    else:
        print(report)
    return 0


MAX_SHOWN_WARNINGS = 20


def show_warnings(warnings: Sequence[RunWarning], stream: TextIO | None = None) -> None:
    """Each warning on a line of its own on stderr (a count alone says nothing about what to
    check); past MAX_SHOWN_WARNINGS, how many more are in reconciliation.json."""
    out = stream or sys.stderr
    for w in warnings[:MAX_SHOWN_WARNINGS]:
        where = f" {w.source_id}" if w.source_id else ""
        print(f"rashomon: warning ({w.step}{where}): {one_line(w.message)}", file=out)
    if len(warnings) > MAX_SHOWN_WARNINGS:
        more = len(warnings) - MAX_SHOWN_WARNINGS
        print(f"rashomon: {plural(more, 'more warning')} in reconciliation.json", file=out)


Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def _optional_registrars() -> list[Registrar]:
    """Subcommands living in their own modules (imported only to add their parsers)."""
    registrars: list[Registrar] = []
    for module in (
        "service.evals.cli",
        "service.evals.labels_cli",
        "service.evals.ratings_cli",
        "service.api.cli",
        "service.batch.cli",
    ):
        try:
            mod = __import__(module, fromlist=["add_parser"])
        except ModuleNotFoundError as e:
            if e.name and e.name.startswith("service"):
                continue
            raise
        registrars.append(mod.add_parser)
    return registrars


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rashomon",
        description="What each outlet reports, where they agree, where they contradict each "
        "other, and who says what.",
    )
    parser.add_argument("--version", action="version", version=f"rashomon {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_reconcile(sub)
    for register in _optional_registrars():
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except KeyboardInterrupt:
        print("rashomon: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `rashomon reconcile --json … | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except RashomonError as e:
        if os.environ.get("RASHOMON_DEBUG"):
            raise
        print(f"rashomon: error: {one_line(str(e))}", file=sys.stderr)
        if isinstance(e, InputError):
            return EXIT_INPUT
        if isinstance(e, ConfigError):
            return EXIT_CONFIG
        if isinstance(e, BackendError):
            return EXIT_BACKEND
        return 1


def one_line(message: str) -> str:
    """A message that lists problems on lines of their own (invalid labels), as one line."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else message
    return f"{lines[0]} {'; '.join(lines[1:])}"


if __name__ == "__main__":
    sys.exit(main())
