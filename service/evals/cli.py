"""`rashomon eval`: score the pipeline (and a naive baseline) on labelled cases."""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
from pathlib import Path
from typing import cast

from service.cli_common import (
    RunProgress,
    add_backend_options,
    check_out_dir,
    settings_from_args,
)
from service.datasets.polnear import SPLITS
from service.errors import InputError
from service.evals.dataset import DATASETS, DatasetName
from service.evals.judge import DEFAULT_MAX_CALLS, DEFAULT_SUMMARY_K, DEFAULT_TOP_K
from service.evals.labels import JUDGE_PAIRS_FILE
from service.evals.progress import EvalTracker
from service.evals.report import verdict
from service.evals.runner import EvalOptions, run_eval

EXIT_THRESHOLD = 1
THRESHOLDS_FILE = "thresholds.yaml"  # in settings.evals_dir


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "eval",
        help="score the pipeline against labelled cases",
        description="Runs the pipeline (and a naive one-prompt baseline) on labelled cases, "
        "scores both, and writes OUT/eval.json, eval.md, eval.html, junit.xml and "
        "OUT/cases/<case>/reconciliation.json. Exit code 1 when a threshold fails or a case "
        "fails to run; with --backend fake the thresholds are not checked. "
        "See docs/eval.md.",
    )
    p.add_argument(
        "--cases",
        default="seeds",
        help=f"comma-separated datasets: {','.join(DATASETS)} (default seeds)",
    )
    p.add_argument(
        "--limit", type=int, help="at most N events per data set (basil, neus; polnear: articles)"
    )
    p.add_argument(
        "--split",
        choices=SPLITS,
        default="dev",
        help="PolNeAR split to score (default dev; tune on train, measure on dev)",
    )
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="only cases whose id or name contains TEXT (repeatable), e.g. --only NAACP",
    )
    p.add_argument("--out", type=Path, default=Path("eval-out"), help="report directory")
    p.add_argument(
        "--baseline",
        type=Path,
        metavar="PREV_eval.json",
        help="a previous eval.json to diff against",
    )
    p.add_argument(
        "--thresholds",
        type=Path,
        help=f"metric -> minimum (default RASHOMON_EVALS_DIR/{THRESHOLDS_FILE})",
    )
    p.add_argument(
        "--judge-pairs",
        type=Path,
        help=f"hand-judged pairs to check the judge on (default RASHOMON_EVALS_DIR/"
        f"{JUDGE_PAIRS_FILE})",
    )
    p.add_argument(
        "--top-k",
        type=int,
        default=DEFAULT_TOP_K,
        help=f"judge candidates per gold fact (default {DEFAULT_TOP_K})",
    )
    p.add_argument(
        "--summary-k",
        type=int,
        default=DEFAULT_SUMMARY_K,
        help=f"judge candidates per summary check (default {DEFAULT_SUMMARY_K})",
    )
    p.add_argument(
        "--judge-budget",
        type=int,
        default=DEFAULT_MAX_CALLS,
        help=f"max judge model calls in the run (default {DEFAULT_MAX_CALLS})",
    )
    p.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    p.add_argument(
        "--enforce-thresholds",
        action="store_true",
        help="check the thresholds with --backend fake too (by default a fake run is a "
        "plumbing check: its scores are reported, not held to the thresholds)",
    )
    p.add_argument("--seeds-dir", type=Path, help="the seed case (default RASHOMON_SEEDS_DIR)")
    p.add_argument(
        "--datasets-dir",
        type=Path,
        help="holding basil/, neus/ and polnear/ (default RASHOMON_DATASETS_DIR)",
    )
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no progress and no log lines on stderr"
    )
    add_backend_options(p)
    p.set_defaults(func=_run)


def _datasets(text: str) -> list[DatasetName]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    bad = [n for n in names if n not in DATASETS]
    if bad or not names:
        raise InputError(f"--cases: unknown data set(s) {bad}; choose from {list(DATASETS)}")
    return [cast(DatasetName, n) for n in dict.fromkeys(names)]


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    check_out_dir(args.out)
    options = EvalOptions(
        datasets=_datasets(args.cases),
        out_dir=args.out,
        limit=args.limit,
        only=tuple(args.only),
        thresholds_path=args.thresholds or settings.evals_dir / THRESHOLDS_FILE,
        previous=args.baseline,
        judge_pairs=args.judge_pairs or settings.evals_dir / JUDGE_PAIRS_FILE,
        top_k=args.top_k,
        summary_k=args.summary_k,
        max_judge_calls=args.judge_budget,
        run_baseline=not args.no_baseline,
        enforce_thresholds=args.enforce_thresholds,
        seeds_dir=args.seeds_dir or settings.seeds_dir,
        datasets_dir=args.datasets_dir or settings.datasets_dir,
        split=args.split,
        command="rashomon " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
    )
    # One bar over every case (with an ETA on a terminal, a line per step and 10% otherwise);
    # log lines print above it.
    progress = RunProgress(0, quiet=args.quiet, tracker=EvalTracker())
    log = (lambda _line: None) if args.quiet else progress.write
    try:
        report = asyncio.run(run_eval(options, settings, progress=progress, log=log))
    finally:
        progress.close()
    print(
        f"wrote {args.out}/eval.json, eval.md, eval.html, junit.xml; {report.judge.calls} "
        f"judge calls; {verdict(report)}"
    )
    if report.judge.agreement.status != "checked":
        print(f"warning: judge not checked ({report.judge.agreement.reason})", file=sys.stderr)
    for f in report.failures:
        print(f"FAIL {f.case_id} / {f.metric}: {f.explanation}", file=sys.stderr)
    return 0 if report.passed else EXIT_THRESHOLD
