"""Tally of returned blind ratings (`rashomon ratings tally DIR` -> DIR/tally.md, tally.json).

What the rubric asks to report, per data set and overall: each system's mean score per
criterion (and per rater), how often it is ranked first, the pipeline against the baseline
(wins / ties / losses, per form and per event), the pipeline ranked ahead of the editors'
roundup, the share of the raters' real differences each system surfaces correctly attributed,
the share of the differences it states that are not real, and, where a packet has two
raters, their agreement (quadratic-weighted kappa and mean absolute difference per
criterion, same first choice, pairwise order agreement).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from pathlib import Path

from pydantic import BaseModel, Field

from service.evals.ratings import CRITERIA, KEY_FILE, RATINGS_DIR, RatingKey, read_key
from service.evals.ratings_forms import Rating, read_forms
from service.evals.ratings_input import SYSTEM_NAMES, SYSTEMS, System

# The goals of issue 17 ("Done when"), shown beside the figures; never pass/fail here.
GOALS: dict[str, tuple[str, float]] = {
    "faithful": (">=", 4.5),
    "neutral": (">=", 4.5),
    "readable": (">=", 4.0),
    "complete": (">=", 3.5),
    "preferred_to_baseline": (">=", 0.75),
    "first_ahead_of_editors": (">=", 0.50),
    "differences_surfaced": (">=", 0.60),
    "stated_not_real": ("<=", 0.10),
}


class Count(BaseModel):
    n: int
    of: int

    @property
    def share(self) -> float | None:
        return self.n / self.of if self.of else None

    def text(self) -> str:
        return f"{self.n}/{self.of}" + (f" ({self.n / self.of:.0%})" if self.of else "")


class SystemFigures(BaseModel):
    forms: int
    mean: dict[str, float | None] = Field(description="Criterion -> mean score 1-5.")
    ranked_first: Count
    differences_surfaced: Count = Field(
        description="Raters' real differences it states, attributed."
    )
    stated_not_real: Count = Field(description="Differences it states that are not real.")
    defects: int


class WinTieLoss(BaseModel):
    win: int = 0
    tie: int = 0
    loss: int = 0

    def text(self) -> str:
        return f"{self.win} / {self.tie} / {self.loss}"


class Agreement(BaseModel):
    packets: int = Field(description="Packets rated by two raters (the first two by name).")
    kappa: dict[str, float | None] = Field(description="Quadratic-weighted kappa per criterion.")
    mad: dict[str, float | None] = Field(description="Mean absolute difference per criterion.")
    exact: dict[str, float | None] = Field(description="Share of identical scores per criterion.")
    same_first: Count
    pair_order: Count = Field(description="Label pairs both raters order the same way (ties too).")
    pipeline_vs_baseline: Count = Field(description="Packets where both give the same verdict.")


class GroupTally(BaseModel):
    name: str
    packets: int
    forms: int
    raters: list[str]
    systems: dict[str, SystemFigures]
    per_rater: dict[str, dict[str, dict[str, float | None]]] = Field(
        description="Rater -> system -> criterion -> mean."
    )
    pipeline_vs_baseline_forms: WinTieLoss
    pipeline_vs_baseline_events: WinTieLoss
    preferred_to_baseline: Count = Field(
        description="Events the pipeline wins (rater signs summed)."
    )
    ahead_of_editors: Count = Field(description="Forms ranking the pipeline above the roundup.")
    first_ahead_of_editors: Count = Field(
        description="Forms ranking the pipeline first and above the roundup."
    )
    agreement: Agreement | None
    pipeline_disputes: int = Field(
        0, description="Disputed sentences in the pipeline's summaries of these packets (key)."
    )


class Tally(BaseModel):
    directory: str
    goals: dict[str, tuple[str, float]]
    groups: list[GroupTally]
    unrated: list[str] = Field(description="Packets nobody rated.")


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _systems(r: Rating, key: RatingKey) -> dict[str, System]:
    return dict(key.packets[r.packet].labels)


def _label(r: Rating, key: RatingKey, system: System) -> str | None:
    return next((lb for lb, s in _systems(r, key).items() if s == system), None)


def _sign(r: Rating, key: RatingKey, a: System, b: System) -> int | None:
    """+1 when `a` is ranked above `b` in this form, 0 tied, -1 below; None if one is absent."""
    la, lb = _label(r, key, a), _label(r, key, b)
    if la is None or lb is None:
        return None
    return (r.rank[lb] > r.rank[la]) - (r.rank[lb] < r.rank[la])


def quadratic_kappa(a: list[int], b: list[int], k: int = 5) -> float | None:
    """Cohen's kappa with quadratic weights for two raters' scores 1..k; None when undefined
    (no pairs, or both raters gave one and the same score throughout)."""
    n = len(a)
    if n == 0:
        return None
    observed = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        observed[x - 1][y - 1] += 1
    ha = [sum(row) for row in observed]
    hb = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * ha[i] * hb[j] / n
    return None if den == 0 else round(1 - num / den, 3)


def _agreement(ratings: list[Rating], key: RatingKey) -> Agreement | None:
    by_packet: dict[str, list[Rating]] = defaultdict(list)
    for r in ratings:
        by_packet[r.packet].append(r)
    pairs = [sorted(rs, key=lambda r: r.rater)[:2] for rs in by_packet.values() if len(rs) >= 2]
    if not pairs:
        return None
    kappa, mad, exact = {}, {}, {}
    for crit in CRITERIA:
        xs, ys = [], []
        for a, b in pairs:
            for lb in a.scores:
                xs.append(a.scores[lb][crit])
                ys.append(b.scores[lb][crit])
        kappa[crit] = quadratic_kappa(xs, ys)
        mad[crit] = round(sum(abs(x - y) for x, y in zip(xs, ys, strict=True)) / len(xs), 3)
        exact[crit] = round(sum(x == y for x, y in zip(xs, ys, strict=True)) / len(xs), 3)
    same_first = order_same = order_all = verdict_same = verdict_all = 0
    for a, b in pairs:
        first_a = {lb for lb, p in a.rank.items() if p == 1}
        first_b = {lb for lb, p in b.rank.items() if p == 1}
        same_first += first_a == first_b
        for x, y in combinations(sorted(a.rank), 2):
            sa = (a.rank[x] > a.rank[y]) - (a.rank[x] < a.rank[y])
            sb = (b.rank[x] > b.rank[y]) - (b.rank[x] < b.rank[y])
            order_all += 1
            order_same += sa == sb
        va, vb = _sign(a, key, "pipeline", "baseline"), _sign(b, key, "pipeline", "baseline")
        if va is not None and vb is not None:
            verdict_all += 1
            verdict_same += va == vb
    return Agreement(
        packets=len(pairs),
        kappa=kappa,
        mad=mad,
        exact=exact,
        same_first=Count(n=same_first, of=len(pairs)),
        pair_order=Count(n=order_same, of=order_all),
        pipeline_vs_baseline=Count(n=verdict_same, of=verdict_all),
    )


def _system_figures(ratings: list[Rating], key: RatingKey, system: System) -> SystemFigures | None:
    scores: dict[str, list[int]] = defaultdict(list)
    first = surfaced = differences = not_real = stated = defects = forms = 0
    for r in ratings:
        lb = _label(r, key, system)
        if lb is None:
            continue
        forms += 1
        for crit in CRITERIA:
            scores[crit].append(r.scores[lb][crit])
        first += r.rank[lb] == 1
        differences += len(r.differences)
        surfaced += sum(d.surfaced[lb] for d in r.differences)
        stated += len(r.stated[lb])
        not_real += sum(not s.real for s in r.stated[lb])
        defects += len(r.defects[lb])
    if not forms:
        return None
    return SystemFigures(
        forms=forms,
        mean={c: _mean(scores[c]) for c in CRITERIA},
        ranked_first=Count(n=first, of=forms),
        differences_surfaced=Count(n=surfaced, of=differences),
        stated_not_real=Count(n=not_real, of=stated),
        defects=defects,
    )


def _group(name: str, ratings: list[Rating], key: RatingKey) -> GroupTally:
    systems = {s: f for s in SYSTEMS if (f := _system_figures(ratings, key, s)) is not None}
    raters = sorted({r.rater for r in ratings})
    per_rater: dict[str, dict[str, dict[str, float | None]]] = {}
    for rater in raters:
        mine = [r for r in ratings if r.rater == rater]
        per_rater[rater] = {
            s: f.mean for s in SYSTEMS if (f := _system_figures(mine, key, s)) is not None
        }
    forms_wtl, events_wtl = WinTieLoss(), WinTieLoss()
    event_sign: dict[str, int] = defaultdict(int)
    ahead = first_ahead = with_editors = 0
    for r in ratings:
        sign = _sign(r, key, "pipeline", "baseline")
        if sign is not None:
            forms_wtl.win += sign > 0
            forms_wtl.tie += sign == 0
            forms_wtl.loss += sign < 0
            event_sign[r.packet] += sign
        vs_editors = _sign(r, key, "pipeline", "editors")
        if vs_editors is not None:
            with_editors += 1
            ahead += vs_editors > 0
            lb = _label(r, key, "pipeline")
            first_ahead += vs_editors > 0 and lb is not None and r.rank[lb] == 1
    for total in event_sign.values():
        events_wtl.win += total > 0
        events_wtl.tie += total == 0
        events_wtl.loss += total < 0
    return GroupTally(
        name=name,
        packets=len({r.packet for r in ratings}),
        forms=len(ratings),
        raters=raters,
        systems=systems,
        per_rater=per_rater,
        pipeline_vs_baseline_forms=forms_wtl,
        pipeline_vs_baseline_events=events_wtl,
        preferred_to_baseline=Count(n=events_wtl.win, of=len(event_sign)),
        ahead_of_editors=Count(n=ahead, of=with_editors),
        first_ahead_of_editors=Count(n=first_ahead, of=with_editors),
        agreement=_agreement(ratings, key),
        pipeline_disputes=sum(
            len(key.packets[p].pipeline_disputes) for p in {r.packet for r in ratings}
        ),
    )


def tally(ratings: list[Rating], key: RatingKey, directory: str) -> Tally:
    by_set: dict[str, list[Rating]] = defaultdict(list)
    for r in ratings:
        by_set[key.packets[r.packet].dataset].append(r)
    groups = [_group("all", ratings, key)]
    if len(by_set) > 1:
        groups += [_group(name, rs, key) for name, rs in sorted(by_set.items())]
    rated = {r.packet for r in ratings}
    return Tally(
        directory=directory,
        goals=GOALS,
        groups=groups,
        unrated=[p for p in key.packets if p not in rated],
    )


# --------------------------------------------------------------------------- rendering


def _f(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.2f}"


def _goal(name: str) -> str:
    op, v = GOALS[name]
    sign = "≥" if op == ">=" else "≤"
    return f"{sign} {v:g}" if name in CRITERIA else f"{sign} {v:.0%}"


def render_group(g: GroupTally) -> list[str]:
    out = [
        f"## {'All packets' if g.name == 'all' else g.name}",
        "",
        f"{g.packets} packets, {g.forms} returned forms, raters: {', '.join(g.raters)}.",
        "",
        "| system | " + " | ".join(CRITERIA) + " | ranked first | forms |",
        "|---|" + "---|" * (len(CRITERIA) + 2),
    ]
    for s, f in g.systems.items():
        out.append(
            f"| {SYSTEM_NAMES[s]} | "
            + " | ".join(_f(f.mean[c]) for c in CRITERIA)
            + f" | {f.ranked_first.text()} | {f.forms} |"
        )
    out.append(
        "| goal for the pipeline (issue 17) | " + " | ".join(_goal(c) for c in CRITERIA) + " | | |"
    )
    out += [
        "",
        f"- Pipeline against the baseline, wins / ties / losses: per form "
        f"{g.pipeline_vs_baseline_forms.text()}; per event (raters' verdicts summed) "
        f"{g.pipeline_vs_baseline_events.text()}; preferred in "
        f"{g.preferred_to_baseline.text()} events (goal {_goal('preferred_to_baseline')}).",
    ]
    if g.ahead_of_editors.of:
        out.append(
            f"- Pipeline ranked above the editors' roundup in {g.ahead_of_editors.text()} forms; "
            f"ranked first and above it in {g.first_ahead_of_editors.text()} "
            f"(goal {_goal('first_ahead_of_editors')})."
        )
    out += [
        "",
        "| system | raters' real differences it surfaces, correctly attributed | "
        "differences it states that are not real | defects listed |",
        "|---|---|---|---|",
    ]
    for s, f in g.systems.items():
        out.append(
            f"| {SYSTEM_NAMES[s]} | {f.differences_surfaced.text()} | "
            f"{f.stated_not_real.text()} | {f.defects} |"
        )
    out.append(
        f"| goal for the pipeline (issue 17) | {_goal('differences_surfaced')} | "
        f"{_goal('stated_not_real')} | |"
    )
    if "pipeline" in g.systems:
        stated = g.systems["pipeline"].stated_not_real.of
        out += [
            "",
            f"The pipeline's summaries of these packets hold {g.pipeline_disputes} disputed "
            f"sentence(s) (key.json); the raters listed {stated} difference(s) it states, over "
            f"{g.systems['pipeline'].forms} form(s).",
        ]
    out += ["", "Per rater (mean scores):", "", "| rater | system | " + " | ".join(CRITERIA) + " |"]
    out.append("|---|---|" + "---|" * len(CRITERIA))
    for rater, systems in g.per_rater.items():
        for s, means in systems.items():
            out.append(f"| {rater} | {s} | " + " | ".join(_f(means[c]) for c in CRITERIA) + " |")
    a = g.agreement
    out.append("")
    if a is None:
        out.append("Rater agreement: no packet has two raters.")
    else:
        out += [
            f"Rater agreement over {a.packets} packets with two raters (the first two by name):",
            "",
            "| criterion | quadratic-weighted kappa | mean absolute difference | identical |",
            "|---|---|---|---|",
        ]
        for c in CRITERIA:
            exact = a.exact[c]
            out.append(
                f"| {c} | {_f(a.kappa[c])} | {_f(a.mad[c])} | "
                f"{'n/a' if exact is None else f'{exact:.0%}'} |"
            )
        out += [
            "",
            f"Same first choice in {a.same_first.text()} packets; label pairs ordered the same "
            f"way {a.pair_order.text()}; same pipeline-vs-baseline verdict "
            f"{a.pipeline_vs_baseline.text()}.",
        ]
    return out


def render_markdown(t: Tally, key: RatingKey) -> str:
    out = [
        "# Blind ratings",
        "",
        f"Folder `{t.directory}`: packets in `packets/`, key in `{KEY_FILE}`, returned forms "
        f"in `{RATINGS_DIR}/<rater>/`. Protocol: ../shared/rubrics/blind-summary-rating.md. "
        f"Seed {key.seed}; from {', '.join(key.sources)}.",
        "",
        "Scores are 1-5 (5 best), means over the returned forms. A system is ranked first in "
        "a form when no candidate is ranked above it (ties count for each).",
    ]
    if t.unrated:
        out += ["", f"Not rated yet: {', '.join(t.unrated)}."]
    if key.skipped:
        out += [
            "",
            "No packet (the pipeline wrote no summary): "
            + "; ".join(f"{c}: {why}" for c, why in key.skipped.items()),
        ]
    for g in t.groups:
        out += ["", *render_group(g)]
    return "\n".join(out) + "\n"


def run_tally(directory: Path, ratings_dir: Path | None = None) -> tuple[Tally, Path, Path]:
    """Read DIR/key.json and the returned forms, write DIR/tally.md and DIR/tally.json."""
    key = read_key(directory / KEY_FILE)
    ratings = read_forms(ratings_dir or directory / RATINGS_DIR, key)
    result = tally(ratings, key, str(directory))
    md, js = directory / "tally.md", directory / "tally.json"
    md.write_text(render_markdown(result, key), "utf-8")
    js.write_text(result.model_dump_json(indent=2), "utf-8")
    return result, md, js
