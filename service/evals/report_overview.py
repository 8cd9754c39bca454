"""The eval report's first screen, in words and counts: what was run (how many cases, of what
kind), each metric as counts ("4/6", not 0.67) with the baseline's beside it, what the
thresholds mean, what the pipeline costs against the baseline, and how far the judge can be
trusted. Computed once here; eval.md (report.py) and eval.html (html.py) render it.

Metrics are read generically from the scores, so a scorer added to the registry appears
here without a change: its counts come from its checks (or the "k/n" that opens its
explanation) when they reproduce its value, its plain name from PLAIN_NAMES or its own name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from service.evals.report import CaseResult, EvalReport, RunCost
from service.evals.scorers.score import Score

# A reader's name for each metric; a metric missing here shows its name with spaces.
PLAIN_NAMES: dict[str, str] = {
    "quote_grounding": "Quotes and evidence spans verbatim in their article",
    "citation_support": "Summary sentences supported by the claims they cite",
    "fact_recall": "Hand-labelled facts found in each outlet",
    "attribution_accuracy": "Found facts credited to the right speaker",
    "dispute_recall": "Labelled disputes shown, with who holds each side",
    "dispute_precision": "Disputes shown that are real (labelled) disputes",
    "candidate_recall": "Labelled fact pairs the comparison step considered",
    "omission_recall": "Labelled omissions flagged",
    "omission_precision": "Omission flags that are right",
    "consensus_coverage": "Agreed facts stated in the summary",
    "disputed_attribution": "Disputed facts in the summary said with who says so",
    "framing_leak_free": "Labelled framing kept from being stated as fact",
    "basil_quote_attribution": "BASIL quotes credited to their speaker",
    "basil_person_quote_attribution": "BASIL quotes of one person credited to that person",
    "basil_lexical_leak_free": "BASIL loaded words kept out of the summary's own voice",
    "neus_coverage": "Editors' roundup sentences the summary also states",
    "stage_losses": "Labelled facts that survive every pipeline stage",
    "cost": "Tokens spent",
    "judge_agreement": "Judge agrees with hand labels",
}

# What each data set's cases are, for "how many cases and of what kind".
CASE_KINDS: dict[str, tuple[str, str]] = {
    "seeds": ("seed case", "hand-labelled facts, speakers, disputes, framing and omissions"),
    "basil": ("BASIL event", "full articles from Fox News, NYT and HuffPost; expert bias spans"),
    "neus": (
        "NeuS event",
        "opening paragraphs from left, centre and right outlets; an "
        "editors' neutral roundup (AllSides)",
    ),
}

# Landis and Koch's words for a kappa, upper bound first match.
_KAPPA_WORDS = (
    (0.0, "poor"),
    (0.2, "slight"),
    (0.4, "fair"),
    (0.6, "moderate"),
    (0.8, "substantial"),
    (1.01, "almost perfect"),
)
_LEADING_COUNT = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\b")


def plain_name(metric: str) -> str:
    return PLAIN_NAMES.get(metric) or metric.replace("_", " ").capitalize()


def kappa_words(kappa: float) -> str:
    return next(word for bound, word in _KAPPA_WORDS if kappa <= bound)


def counts(score: Score) -> tuple[int, int] | None:
    """(passed, counted) behind a score's value, or None when no count reproduces it."""
    if score.status != "ok" or score.value is None:
        return None
    checked = [c for c in score.details if c.passed is not None]
    if checked:
        ok = sum(bool(c.passed) for c in checked)
        if abs(ok / len(checked) - score.value) < 1e-6:
            return ok, len(checked)
    m = _LEADING_COUNT.match(score.explanation)
    if m and int(m[2]) and abs(int(m[1]) / int(m[2]) - score.value) < 1e-6:
        return int(m[1]), int(m[2])
    return None


@dataclass
class Figure:
    """One subject's (pipeline or baseline) result on one metric over the cases it applies to."""

    cases: int
    mean: float
    passed: int | None = None  # pooled counts, when every case has them
    counted: int | None = None

    @property
    def text(self) -> str:
        if self.passed is not None and self.counted is not None:
            return f"{self.passed}/{self.counted}"
        return f"{self.mean:.3f}" + (f" (mean of {self.cases})" if self.cases > 1 else "")


def figure(scores: list[Score]) -> Figure | None:
    ok = [s for s in scores if s.status == "ok" and s.value is not None]
    if not ok:
        return None
    fig = Figure(cases=len(ok), mean=sum(s.value or 0.0 for s in ok) / len(ok))
    pairs = [counts(s) for s in ok]
    if all(p is not None for p in pairs):
        fig.passed = sum(p[0] for p in pairs if p)
        fig.counted = sum(p[1] for p in pairs if p)
    return fig


@dataclass
class MetricRow:
    metric: str
    plain: str
    judged: bool
    pipeline: Figure
    baseline: Figure | None
    threshold: float | None
    below: int  # cases under the floor
    checked: int  # cases checked against it

    @property
    def floor_text(self) -> str:
        if self.threshold is None:
            return "none"
        if not self.checked:
            return f"floor {self.threshold:g}, not checked"
        if self.below:
            return f"floor {self.threshold:g}: BELOW in {self.below}/{self.checked} case(s)"
        return f"floor {self.threshold:g}: holds"


@dataclass
class Overview:
    cases_line: str
    versus_line: str
    rows: list[MetricRow]
    not_scored: list[str]
    cost_line: str
    judge_line: str
    thresholds_line: str


def _scores(cases: list[CaseResult], subject: str, metric: str) -> list[Score]:
    return [s for c in cases if (s := c.score(subject, metric)) is not None]


def cases_line(report: EvalReport) -> str:
    by_set: dict[str, list[CaseResult]] = {}
    for c in report.cases:
        by_set.setdefault(c.dataset, []).append(c)
    parts = []
    for name, cases in by_set.items():
        kind, what = CASE_KINDS.get(name, (f"{name} case", ""))
        n_articles = sorted({c.n_articles for c in cases})
        arts = (
            f"{n_articles[0]} articles each"
            if len(n_articles) == 1
            else f"{n_articles[0]}-{n_articles[-1]} articles each"
        )
        errors = sum(c.status == "error" for c in cases)
        parts.append(
            f"{len(cases)} {kind}{'s' if len(cases) != 1 else ''} ({arts}"
            + (f"; {what}" if what else "")
            + ")"
            + (f", {errors} failed to run" if errors else "")
        )
    total = len(report.cases)
    limit = f", at most {report.limit} per data set" if report.limit else ""
    return f"{total} case{'s' if total != 1 else ''}{limit}: " + "; ".join(parts) + "."


def metric_rows(report: EvalReport) -> tuple[list[MetricRow], list[str]]:
    names: list[str] = []
    for c in report.cases:
        for s in c.pipeline:
            if s.name not in names and not s.informative:
                names.append(s.name)
    rows, not_scored = [], []
    for name in names:
        p_scores = _scores(report.cases, "pipeline", name)
        p = figure(p_scores)
        if p is None:
            not_scored.append(name)
            continue
        verdicts = [s.passed for s in p_scores if s.passed is not None]
        rows.append(
            MetricRow(
                metric=name,
                plain=plain_name(name),
                judged=any(s.judged for s in p_scores),
                pipeline=p,
                baseline=figure(_scores(report.cases, "baseline", name)),
                threshold=None if report.thresholds_not_applied else report.thresholds.get(name),
                below=sum(v is False for v in verdicts),
                checked=len(verdicts),
            )
        )
    return rows, not_scored


def _sum_costs(costs: list[RunCost]) -> RunCost:
    return RunCost(
        tokens=sum(c.tokens for c in costs),
        tokens_spent=sum(c.tokens_spent for c in costs),
        calls=sum(c.calls for c in costs),
        cache_hits=sum(c.cache_hits for c in costs),
        wall_s=round(sum(c.wall_s for c in costs), 3),
    )


def _ratio(a: float, b: float, least: float) -> str | None:
    return f"{a / b:.1f}×" if b >= least else None


def shown_path(path: str) -> str:
    """A path inside the checkout as a relative one (what a reader of the report can open)."""
    from service.config import CHECKOUT_DIR

    try:
        return str(Path(path).resolve().relative_to(CHECKOUT_DIR.resolve()))
    except ValueError:
        return path


def cost_line(report: EvalReport) -> str:
    both = [c for c in report.cases if c.pipeline_cost and c.baseline_cost]
    if not both:
        return (
            "Cost ratio to the baseline: not available (no baseline ran, or this report was "
            "written before per-case costs were recorded)."
        )
    p = _sum_costs([c.pipeline_cost for c in both if c.pipeline_cost])
    b = _sum_costs([c.baseline_cost for c in both if c.baseline_cost])
    tokens = _ratio(p.tokens, b.tokens, 1)
    time = _ratio(p.wall_s, b.wall_s, 0.1)
    line = (
        "Cost: the pipeline took "
        + (
            f"{tokens} the baseline's tokens"
            if tokens
            else "tokens (no ratio: the baseline used none)"
        )
        + f" ({p.tokens:,} vs {b.tokens:,}) and "
        + (f"{time} its time" if time else "time (no ratio: the baseline took under 0.1 s)")
        + f" ({p.wall_s:.1f} s vs {b.wall_s:.1f} s) over {len(both)} case(s); scoring and "
        "the judge are not counted."
    )
    hits, calls = p.cache_hits + b.cache_hits, p.calls + b.calls
    if hits:
        line += (
            f" {hits} of {calls} model answers came from the response cache: tokens count what "
            "they cost when computed, but the times are of a partly warm run, so the time "
            "ratio is not a cold-run figure."
        )
    if report.backend == "fake":
        line += " The fake backend is not a model: these costs measure the plumbing."
    return line


def judge_line(report: EvalReport) -> str:
    a = report.judge.agreement
    who = (
        f"The judge that decides the metrics marked (judge) is the pipeline's own model "
        f"({report.model}, {report.backend} backend), so it can share the pipeline's blind spots."
    )
    if a.status != "checked" or a.agreement is None:
        return (
            f"JUDGE NOT CHECKED against hand labels ({a.reason}). {who} Treat every metric "
            "marked (judge) as unverified."
        )
    agreed = round(a.agreement * a.n)
    kappa = (
        f"Cohen's kappa {a.kappa:.2f} ({kappa_words(a.kappa)} agreement beyond chance)"
        if a.kappa is not None
        else "kappa undefined"
    )
    pairs = f" ({shown_path(report.judge.pairs_path)})" if report.judge.pairs_path else ""
    return (
        f"{who} On {a.n} hand-judged pairs{pairs} it agrees with the hand "
        f"label on {agreed}/{a.n}, {kappa}"
        + (f" ({a.unjudged} more pairs not judged: budget spent)" if a.unjudged else "")
        + ". What that limits: a judged count can be off by "
        "the judge's mistakes in either direction, so a difference of an item or two between "
        "runs, or between pipeline and baseline, on a judged metric is within its noise; "
        "metrics without the mark are decided by code and do not depend on it."
    )


def thresholds_line(report: EvalReport) -> str:
    where = shown_path(report.thresholds_path) if report.thresholds_path else "the thresholds file"
    meaning = (
        f"The thresholds ({where}) are regression floors, set just under the last measured "
        "figures: a run passes when no case falls below a floor, which means not worse than "
        "the last measured run, not that the summaries are good. The baseline is not held "
        "to them."
    )
    if report.thresholds_not_applied:
        return f"Not checked in this run: the fake backend is not a model. {meaning}"
    return meaning


def versus_line(report: EvalReport, rows: list[MetricRow]) -> str:
    """One sentence: the pipeline against the baseline on every metric both have, and at
    what cost ("6/9 against 2/9, at 10.7× the tokens")."""
    both = [r for r in rows if r.baseline is not None]
    if not both:
        return "No metric applies to both the pipeline and the one-prompt baseline here."
    costs = [c for c in report.cases if c.pipeline_cost and c.baseline_cost]
    cost = ""
    if costs:
        p = _sum_costs([c.pipeline_cost for c in costs if c.pipeline_cost])
        b = _sum_costs([c.baseline_cost for c in costs if c.baseline_cost])
        parts = [
            f"{r} the {what}"
            for r, what in (
                (_ratio(p.tokens, b.tokens, 1), "tokens"),
                (_ratio(p.wall_s, b.wall_s, 0.1), "time"),
            )
            if r
        ]
        cost = f", at {' and '.join(parts)}" if parts else ""
    return (
        "Pipeline against the one-prompt baseline (same model): "
        + "; ".join(
            f"{r.plain.lower()} {r.pipeline.text} against {r.baseline.text}"
            for r in both
            if r.baseline
        )
        + cost
        + "."
    )


def overview(report: EvalReport) -> Overview:
    rows, not_scored = metric_rows(report)
    return Overview(
        cases_line=cases_line(report),
        versus_line=versus_line(report, rows),
        rows=rows,
        not_scored=not_scored,
        cost_line=cost_line(report),
        judge_line=judge_line(report),
        thresholds_line=thresholds_line(report),
    )


def render_markdown(report: EvalReport) -> list[str]:
    """The first screen of eval.md: lines, without a trailing blank."""
    ov = overview(report)
    out = [
        "## At a glance",
        "",
        ov.cases_line,
        "",
        ov.versus_line,
        "",
        "| metric | pipeline | baseline | floor |",
        "|---|---|---|---|",
    ]
    for r in ov.rows:
        judged = " (judge)" if r.judged else ""
        out.append(
            f"| {r.plain} (`{r.metric}`){judged} | {r.pipeline.text} | "
            f"{r.baseline.text if r.baseline else 'does not apply'} | {r.floor_text} |"
        )
    out.append("")
    out.append(
        "Counts are summed over the cases (passed/checked items); a metric without a count "
        "shows its mean. The baseline gets only the metrics that read a bare summary."
    )
    if ov.not_scored:
        out += ["", "Not scored in these cases: " + ", ".join(f"`{n}`" for n in ov.not_scored)]
    out += ["", ov.cost_line, "", ov.judge_line, "", ov.thresholds_line]
    return out


def render_html(report: EvalReport) -> str:
    """The first screen of eval.html: a <section id='first-screen'>."""
    from html import escape as e

    ov = overview(report)
    a = report.judge.agreement
    trusted = a.status == "checked" and (a.kappa or 0) >= 0.6
    h = [
        "<section id='first-screen' aria-labelledby='glance'>",
        "<h2 id='glance'>At a glance</h2>",
        f"<p id='cases'>{e(ov.cases_line)}</p>",
        f"<p id='versus'>{e(ov.versus_line)}</p>",
        "<table class='glance'><caption>Each metric as counts (passed/checked items, summed "
        "over the cases), the one-prompt baseline beside it (– where the metric does not "
        "apply to a bare summary)</caption><thead><tr><th scope='col'>metric</th><th scope='col'>pipeline</th>"
        "<th scope='col'>baseline</th><th scope='col'>floor</th></tr></thead><tbody>",
    ]
    for r in ov.rows:
        judged = " <small>(judge)</small>" if r.judged else ""
        base = (
            f"<td class='num'>{e(r.baseline.text)}</td>"
            if r.baseline
            else "<td class='skip' title='does not apply to a bare summary'>–</td>"
        )
        cls = " class='fail'" if r.below else ""
        h.append(
            f"<tr><th scope='row'>{e(r.plain)} <code>{e(r.metric)}</code>{judged}</th>"
            f"<td class='num'>{e(r.pipeline.text)}</td>{base}<td{cls}>{e(r.floor_text)}</td></tr>"
        )
    h.append("</tbody></table>")
    if ov.not_scored:
        h.append(
            "<p><small>Not scored in these cases: "
            + ", ".join(f"<code>{e(n)}</code>" for n in ov.not_scored)
            + "</small></p>"
        )
    h += [
        f"<p id='cost-ratio'>{e(ov.cost_line)}</p>",
        f"<p id='judge-agreement' class='banner {'ok' if trusted else 'warn'}'>"
        f"{e(ov.judge_line)}</p>",
        f"<p id='thresholds-meaning'>{e(ov.thresholds_line)}</p>",
        "</section>",
    ]
    return "\n".join(h)
