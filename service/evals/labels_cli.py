"""`rashomon labels check|schema`: validate the seed labels and judge pairs, or write the labels
JSON schema. A bad file is a `LabelsError` (an `InputError`): `rashomon` prints it as one line
naming the file and every problem, and exits 2."""

from __future__ import annotations

import argparse
from pathlib import Path

from service.config import load_settings
from service.errors import InputError
from service.evals.labels import (
    JUDGE_PAIRS_FILE,
    LABELS_FILE,
    SCHEMA_FILE,
    load_judge_pairs,
    load_labels,
    schema_text,
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "labels",
        help="check the hand labels of the seed case, or write their JSON schema",
        description="The seed case's hand labels (RASHOMON_SEEDS_DIR/labels.yaml) and the "
        "judge's check set (RASHOMON_EVALS_DIR/judge_pairs.yaml). See docs/eval.md.",
    )
    actions = p.add_subparsers(dest="labels_command", required=True, metavar="{check,schema}")
    check = actions.add_parser(
        "check",
        help="validate the labels against their articles, and the judge pairs against the labels",
    )
    check.add_argument("--seeds-dir", type=Path, help="the seed case (default RASHOMON_SEEDS_DIR)")
    check.add_argument(
        "--judge-pairs",
        type=Path,
        help=f"the judge's check set (default RASHOMON_EVALS_DIR/{JUDGE_PAIRS_FILE})",
    )
    check.set_defaults(func=_check)
    schema = actions.add_parser("schema", help="write the labels JSON schema")
    schema.add_argument(
        "--out", type=Path, help=f"where to write it (default RASHOMON_SEEDS_DIR/{SCHEMA_FILE})"
    )
    schema.set_defaults(func=_schema)


def _check(args: argparse.Namespace) -> int:
    settings = load_settings()
    labels = load_labels((args.seeds_dir or settings.seeds_dir) / LABELS_FILE)
    pairs = load_judge_pairs(args.judge_pairs or settings.evals_dir / JUDGE_PAIRS_FILE, labels)
    print(
        f"{LABELS_FILE}: {len(labels.facts)} facts, {len(labels.quotes)} quotes, "
        f"{len(labels.framing)} framing; {JUDGE_PAIRS_FILE}: {len(pairs)} pairs"
    )
    return 0


def _schema(args: argparse.Namespace) -> int:
    path: Path = args.out or load_settings().seeds_dir / SCHEMA_FILE
    try:
        path.write_text(schema_text(), encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write the labels schema to {path}: {e.strerror or e}") from e
    print(f"wrote {path}")
    return 0
