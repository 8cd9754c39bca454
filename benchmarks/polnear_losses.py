"""Where attribution loses on PolNeAR: the accounts step on a split (TRAIN to find failures;
dev only to measure), the scorer's losses grouped by the labelled cue word and by rule id.
Prints counts and a few examples. Not a test.

    PYTHONPATH=. python benchmarks/polnear_losses.py --split train --limit 200 [--examples 5]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path

from service.config import Settings
from service.datasets.polnear import SPLITS, load_polnear
from service.evals.scorers.polnear import Losses, Tally, score_article
from service.pipeline.accounts import build_account
from service.pipeline.progress import no_progress
from service.pipeline.sources import prepare_sources
from service.schemas import RunWarning


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=SPLITS, default="train")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument("--datasets-dir", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    root = (args.datasets_dir or settings.datasets_dir) / "polnear"
    articles = load_polnear(root, args.split)[args.offset : args.offset + args.limit]
    total, losses = Tally(), Losses()
    missed_cues: Counter[str] = Counter()
    for article in articles:
        source = prepare_sources([article.article], settings)[0][0]
        warnings: list[RunWarning] = []
        account = await build_account(source, warnings=warnings, progress=no_progress)
        claims = [*account.claims, *account.editorial]
        k = len(article.annotations)
        for gold in article.annotations:
            before = len(losses.missed)
            total.add(score_article(source.text, claims, gold, 1.0 / k, losses))
            for line in losses.missed[before:]:
                cue = line.split(" / ", 1)[1].split(":", 1)[0].strip("'\" ").lower()
                missed_cues[cue] += 1
    p, r, f = total.f1(total.matched)
    print(f"{len(articles)} {args.split} articles: content overlap P {p:.3f} R {r:.3f} F1 {f:.3f}")
    print(
        f"source match {total.source_right / max(total.with_source, 1e-9):.3f}; party claims in "
        f"attribution {total.party_in_attribution / max(total.party, 1e-9):.3f}; missed "
        f"{total.missed:.0f}, wrong source {total.wrong_source:.0f}, narration {total.narration:.0f}"
    )
    print(
        "missed frames by labelled cue:",
        ", ".join(f"{c} {n}" for c, n in missed_cues.most_common(40)),
    )
    rules = Counter(
        rid
        for line in losses.narration
        for rid in line.rsplit("(rules ", 1)[1].rstrip(")").split(", ")
    )
    print("narration credited, by rule:", dict(rules.most_common()))
    for kind, lines in (
        ("missed", losses.missed),
        ("wrong source", losses.wrong_source),
        ("narration", losses.narration),
    ):
        print(f"--- {kind}")
        step = max(1, len(lines) // max(args.examples, 1))
        for line in lines[::step][: args.examples]:
            print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
