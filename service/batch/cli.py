"""`rashomon batch INPUT --out DIR`: reconcile every event of an article dump (see docs/batch.md).

Exit codes: 0 all planned events done; 1 some events failed (see failures.jsonl; rerun them with
--retry-failed); 2 bad input; 3 bad configuration; 4 backend unusable.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from service.batch.inputs import FORMATS, InputOptions, load_dump, parse_fields
from service.batch.runner import BatchOptions, run_batch
from service.cli_common import add_backend_options, check_out_dir, settings_from_args


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "batch",
        help="reconcile every event of an article dump (resumable)",
        description="Reads a dump (directory, JSONL, BASIL, NeuS, WARC), groups articles into "
        "events, reconciles each and appends one JSON line per event to OUT/results.jsonl; "
        "bad records and failed events go to OUT/failures.jsonl. Safe to kill: rerun with "
        "--resume.",
    )
    p.add_argument(
        "input",
        type=Path,
        help="dump: directory, .jsonl, BASIL root, NeuS test.source, .warc(.gz) file or directory",
    )
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help="events reconciled at once (default 4); model calls are further "
        "bounded by RASHOMON_MAX_CONCURRENCY for HTTP backends",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue a run in OUT: skip events already done (and failed ones "
        "unless --retry-failed)",
    )
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="rerun the events that failed in OUT (alone: only those)",
    )
    p.add_argument("--format", choices=FORMATS, default="auto", help="input format")
    p.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="KEY=NAME",
        help="JSONL field names, e.g. --field text=body --field event=story_id "
        "(keys: text, event, outlet, title, url, published, id)",
    )
    p.add_argument(
        "--manifest",
        type=Path,
        help="CSV mapping files (column file) or WARC URLs (column url) to an event "
        "(column event); optional outlet,title,published,url",
    )
    p.add_argument(
        "--similarity",
        type=float,
        default=None,
        help="grouping without an event key: link threshold (default 0.2)",
    )
    p.add_argument(
        "--window-hours",
        type=float,
        default=None,
        help="grouping without an event key: max date gap (default 72)",
    )
    p.add_argument("--limit", type=int, help="only the first N events")
    p.add_argument(
        "--via",
        choices=["direct", "batch-api"],
        default="direct",
        help="batch-api: send model calls through the OpenAI Batch API, one batch "
        "per pipeline round (cheaper, slower; openai backend only)",
    )
    p.add_argument(
        "--poll-interval",
        type=float,
        default=30.0,
        help="batch-api: seconds between batch status polls",
    )
    p.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="ray: run events as a Ray Data pipeline (pip install 'ray[data]'; "
        "RAY_ADDRESS selects a cluster)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    add_backend_options(p, fake_latency=True)
    p.set_defaults(func=run_cli)


def run_cli(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    check_out_dir(args.out)  # before reading the dump, not after the run
    input_options = InputOptions(
        format=args.format,
        fields=parse_fields(args.field),
        manifest=args.manifest,
        max_article_bytes=settings.max_article_bytes,
        max_articles=settings.max_articles,
        limit=args.limit,
    )
    if args.similarity is not None:
        input_options.threshold = args.similarity
    if args.window_hours is not None:
        input_options.window_hours = args.window_hours
    dump = load_dump(args.input, input_options)
    options = BatchOptions(
        out_dir=args.out,
        concurrency=args.concurrency,
        resume=args.resume,
        retry_failed=args.retry_failed,
        via=args.via,
        engine=args.engine,
        quiet=args.quiet,
        poll_interval_s=args.poll_interval,
    )
    summary = asyncio.run(run_batch(dump, settings, options))
    print(summary.render(args.out))
    sys.stdout.flush()
    return 1 if summary.failed else 0
