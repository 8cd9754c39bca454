"""Benchmark: the reader's page over stored results (no model): time per page and what the
page's agreement checks show.

    PYTHONPATH=. python benchmarks/render_bench.py EVAL_DIR [EVAL_DIR ...]

EVAL_DIR is the --out folder of `rashomon eval` (its cases/*/reconciliation.json are read).
Prints the mean time of `render_html` per page after one warm-up page, the agreed groups, the
points the page lists as reported alike (whole sentences and shared cores,
`render/agreement.py`), and the points an outlet leaves out that the page shows as the
article's sentence rather than the group's clause. Time it on an idle machine, old and new
code back to back.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from service.render.agreement import side_wording, verified_agreements
    from service.render.html import render_html
    from service.schemas import GroupStatus, Reconciliation

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dirs", type=Path, nargs="+")
    args = parser.parse_args(argv)
    paths = sorted(p for d in args.eval_dirs for p in d.glob("cases/*/reconciliation.json"))
    if not paths:
        print("no cases/*/reconciliation.json under the folders given", file=sys.stderr)
        return 2
    recs = [Reconciliation.model_validate_json(p.read_text(encoding="utf-8")) for p in paths]
    render_html(recs[0])  # loads the parser and the word lists
    started = time.perf_counter()
    for rec in recs:
        render_html(rec)
    per_page = (time.perf_counter() - started) / len(recs)

    agreed = whole = cores = 0
    left: set[tuple[int, str]] = set()  # (page, group) listed under some outlet's left-out
    shown_whole: set[tuple[int, str]] = set()
    for n, rec in enumerate(recs):
        agreed += sum(g.status is GroupStatus.agreed for g in rec.groups)
        found = verified_agreements(rec)
        cores += sum(a.core for a in found)
        whole += sum(not a.core for a in found)
        claims = {c.claim_id: c for c in rec.all_claims()}
        groups = {g.group_id: g for g in rec.groups}
        for account in rec.accounts:
            reported = {c.claim_id for c in (*account.claims, *account.editorial)}
            for gid in account.omits:
                # as the page's coverage cards: a point the outlet has a claim in is not left out
                if gid not in groups or reported & set(groups[gid].claim_ids):
                    continue
                g = groups[gid]
                left.add((n, gid))
                members = [claims[c] for c in g.claim_ids if c in claims]
                if side_wording(g.point, members) != g.point:
                    shown_whole.add((n, gid))
    print(f"{len(recs)} pages: {per_page * 1000:.0f} ms per page (render_html, warm)")
    print(f"agreed groups {agreed}: listed alike {whole + cores} ({whole} whole, {cores} cores)")
    print(
        f"points listed as left out {len(left)}: {len(shown_whole)} shown as the article's sentence"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
