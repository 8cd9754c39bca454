"""`rashomon ratings packets|tally`: blind-rating packets from eval runs, and the tally of the
returned forms. See docs/eval.md ("Blind ratings") and service/evals/ratings.py."""

from __future__ import annotations

import argparse
from pathlib import Path

from service.config import Settings
from service.datasets import load_neus
from service.evals.ratings import (
    ANSWERING_FILE,
    BRIEF_FILE,
    KEY_FILE,
    PACKETS_DIR,
    RATINGS_DIR,
    brief_text,
    collect,
    write_packets,
)
from service.evals.ratings_tally import run_tally

DEFAULT_SEED = 17


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "ratings",
        help="blind-rating packets from eval runs, and the tally of returned ratings",
        description="Blind ratings of summaries (protocol: "
        "../shared/rubrics/blind-summary-rating.md). `packets` writes OUT/packets/ (what raters "
        "see) and OUT/key.json (which label is which system); `tally` reads the returned forms "
        "in DIR/ratings/<rater>/ and writes DIR/tally.md and tally.json. See docs/eval.md.",
    )
    ratings_sub = p.add_subparsers(dest="ratings_command", required=True)
    pk = ratings_sub.add_parser(
        "packets",
        help="write shuffled packets, answer forms and the key",
        description="One packet per eval case: the articles in full, then the pipeline's "
        "summary, the one-prompt baseline's and (NeuS) the editors' roundup, labelled X, Y, Z "
        "in a seeded random order.",
    )
    pk.add_argument(
        "--from",
        dest="sources",
        type=Path,
        action="append",
        required=True,
        metavar="EVAL_OUT",
        help="the --out folder of a `rashomon eval` run (repeatable)",
    )
    pk.add_argument(
        "--out",
        type=Path,
        required=True,
        help="the rating set's folder, e.g. reports/2026-12-04/ratings/neus",
    )
    pk.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"shuffle seed (default {DEFAULT_SEED})"
    )
    pk.add_argument(
        "--datasets-dir",
        type=Path,
        help="holding neus/ (default RASHOMON_DATASETS_DIR); read only for eval folders "
        "written before candidates.json, for the editors' roundups",
    )
    pk.set_defaults(func=_packets)
    t = ratings_sub.add_parser(
        "tally",
        help="tally returned ratings into DIR/tally.md and tally.json",
        description="Validates every returned form (DIR/ratings/<rater>/<packet>.yaml) against "
        "DIR/key.json, lists every problem at once, and writes the tally.",
    )
    t.add_argument("dir", type=Path, help="the folder `ratings packets --out` wrote")
    t.add_argument("--ratings", type=Path, help=f"returned forms (default DIR/{RATINGS_DIR})")
    t.set_defaults(func=_tally)


def _packets(args: argparse.Namespace) -> int:
    settings = Settings()
    datasets_dir: Path = args.datasets_dir or settings.datasets_dir

    def references() -> dict[str, str]:
        root = datasets_dir / "neus"
        events = load_neus(root / "test.source", root / "test.target")
        return {
            f"neus-{e.event_id}": e.labels.reference_summary
            for e in events
            if e.labels.reference_summary
        }

    cases = collect(args.sources, references)
    key = write_packets(cases, args.out, brief=brief_text(settings.evals_dir), seed=args.seed)
    print(
        f"wrote {len(key.packets)} packets to {args.out / PACKETS_DIR} (with {BRIEF_FILE}, "
        f"{ANSWERING_FILE} and a .form.yaml per packet) and the key to {args.out / KEY_FILE}"
        + (f"; {len(key.skipped)} case(s) skipped (see the key)" if key.skipped else "")
        + f". Give raters only {args.out / PACKETS_DIR}; they return forms to "
        f"{args.out / RATINGS_DIR}/<rater>/; then: rashomon ratings tally {args.out}"
    )
    return 0


def _tally(args: argparse.Namespace) -> int:
    result, md, js = run_tally(args.dir, args.ratings)
    groups = result.groups[0]
    print(
        f"wrote {md} and {js}: {groups.forms} forms on {groups.packets} packets from "
        f"{len(groups.raters)} rater(s)"
        + (f"; not rated yet: {', '.join(result.unrated)}" if result.unrated else "")
    )
    return 0
