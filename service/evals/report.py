"""The eval report: one pydantic model (eval.json) rendered as eval.md and junit.xml
(eval.html lives in html.py). Thresholds and the diff against a previous eval.json too."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from service.errors import InputError
from service.evals.judge import JudgeAgreement
from service.evals.scorers.score import Score
from service.render.markdown import table_cell
from service.schemas import PromptRef, StepRecord

REPORT_VERSION = "1"


class RunCost(BaseModel):
    """What one output cost: tokens (spent now, or served from the response cache, which
    cost them when first computed) and wall-clock time of the whole step."""

    tokens: int = Field(description="Tokens the answers cost: spent now + served from cache.")
    tokens_spent: int = Field(description="Tokens spent by this run (cache hits excluded).")
    calls: int = 0
    cache_hits: int = 0
    wall_s: float = Field(description="Wall-clock seconds, model calls and everything else.")

    @classmethod
    def of(cls, steps: list[StepRecord], wall_s: float) -> RunCost:
        return cls(
            tokens=sum(s.usage.total_tokens + s.cached_usage.total_tokens for s in steps),
            tokens_spent=sum(s.usage.total_tokens for s in steps),
            calls=sum(s.calls for s in steps),
            cache_hits=sum(s.cache_hits for s in steps),
            wall_s=round(wall_s, 3),
        )


class CaseResult(BaseModel):
    case_id: str
    dataset: str
    name: str
    n_articles: int
    status: Literal["ok", "error"] = "ok"
    error: str | None = None
    labels_note: str | None = None
    pipeline: list[Score] = Field(default_factory=list)
    baseline: list[Score] = Field(default_factory=list)
    baseline_summary: str | None = None
    baseline_error: str | None = None
    reconciliation_path: str | None = None
    judge_calls: int = 0
    wall_time_s: float = 0.0
    pipeline_cost: RunCost | None = None  # None in reports written before it was recorded
    baseline_cost: RunCost | None = None

    def score(self, subject: str, name: str) -> Score | None:
        scores = self.pipeline if subject == "pipeline" else self.baseline
        return next((s for s in scores if s.name == name), None)


class JudgeInfo(BaseModel):
    prompt: PromptRef
    top_k: int
    summary_k: int
    max_calls: int
    calls: int = 0
    order_flips: int = 0
    errors: int = 0
    unjudged: int = 0
    agreement: JudgeAgreement
    pairs_path: str | None = None  # the hand-judged pairs it was checked on


class ComparisonRow(BaseModel):
    metric: str
    pipeline: float | None
    baseline: float | None
    difference: float | None
    cases: int


class ThresholdFailure(BaseModel):
    case_id: str
    metric: str
    value: float | None
    threshold: float | None
    explanation: str


class DiffRow(BaseModel):
    case_id: str
    metric: str
    subject: str
    previous: float | None
    current: float | None
    delta: float | None


class EvalReport(BaseModel):
    report_version: str = REPORT_VERSION
    started_at: datetime
    finished_at: datetime
    duration_s: float
    backend: str
    model: str
    git_commit: str | None
    command: str
    datasets: list[str]
    limit: int | None
    settings: dict[str, str | int | float | bool | None]
    prompts: list[PromptRef]
    thresholds: dict[str, float]
    thresholds_path: str | None
    judge: JudgeInfo
    cases: list[CaseResult]
    steps: list[StepRecord] = Field(description="Model cost summed over all cases, per step.")
    comparison: list[ComparisonRow]
    failures: list[ThresholdFailure]
    diff: list[DiffRow] | None = None
    diff_against: str | None = None
    passed: bool = Field(description="No failure: no case failed to run, no threshold failed.")
    thresholds_not_applied: str | None = Field(
        None,
        description="Why the thresholds were not checked (a fake-backend plumbing run); "
        "failures then list only cases that failed to run.",
    )


# --------------------------------------------------------------------------- thresholds

FAKE_NOT_A_MODEL = (
    "threshold checks not applied: the fake backend is not a model, so its scores measure the "
    "plumbing, not quality"
)


def verdict(report: EvalReport) -> str:
    """One line: PASSED / FAILED against the thresholds, or, when they were not applied,
    PLUMBING OK (every case ran and was scored) / FAILED (a case failed to run)."""
    n = len(report.cases)
    if report.thresholds_not_applied is None:
        word = "PASSED" if report.passed else "FAILED"
        return f"{word}: {len(report.failures)} threshold failure(s), {n} case(s)"
    if report.passed:
        return f"PLUMBING OK: {n} case(s) ran and were scored; {report.thresholds_not_applied}"
    return (
        f"FAILED: {len(report.failures)} of {n} case(s) failed to run; "
        f"{report.thresholds_not_applied}"
    )


def load_thresholds(path: Path | None) -> dict[str, float]:
    if path is None or not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise InputError(f"unreadable YAML ({e})", source=str(path)) from e
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
        for k, v in data.items()
    ):
        raise InputError("expected a mapping 'metric: minimum' (numbers)", source=str(path))
    return {k: float(v) for k, v in data.items()}


def apply_thresholds(
    cases: list[CaseResult], thresholds: dict[str, float], agreement: JudgeAgreement
) -> list[ThresholdFailure]:
    failures: list[ThresholdFailure] = []
    for case in cases:
        if case.status == "error":
            failures.append(
                ThresholdFailure(
                    case_id=case.case_id,
                    metric="pipeline",
                    value=None,
                    threshold=None,
                    explanation=case.error or "error",
                )
            )
            continue
        for score in case.pipeline:
            t = thresholds.get(score.name)
            if t is None or score.informative or score.status != "ok" or score.value is None:
                continue
            score.threshold = t
            score.passed = score.value >= t - 1e-9
            if not score.passed:
                failed = [c.explanation for c in score.details if c.passed is False][:5]
                failures.append(
                    ThresholdFailure(
                        case_id=case.case_id,
                        metric=score.name,
                        value=score.value,
                        threshold=t,
                        explanation=f"{score.value:.3f} < {t:.3f}: {score.explanation}"
                        + "".join(f"\n  - {f}" for f in failed),
                    )
                )
    t = thresholds.get("judge_agreement")
    if (
        t is not None
        and agreement.status == "checked"
        and agreement.agreement is not None
        and agreement.agreement < t - 1e-9
    ):
        failures.append(
            ThresholdFailure(
                case_id="judge",
                metric="judge_agreement",
                value=agreement.agreement,
                threshold=t,
                explanation=f"judge agrees with hand labels on {agreement.agreement:.0%} < {t:.0%}",
            )
        )
    return failures


def comparison(cases: list[CaseResult]) -> list[ComparisonRow]:
    names: list[str] = []
    for case in cases:
        for s in (*case.pipeline, *case.baseline):
            if s.name not in names:
                names.append(s.name)
    rows = []
    for name in names:
        p_vals, b_vals, both = [], [], 0
        for case in cases:
            p, b = case.score("pipeline", name), case.score("baseline", name)
            pv = p.value if p and p.status == "ok" else None
            bv = b.value if b and b.status == "ok" else None
            if pv is not None:
                p_vals.append(pv)
            if bv is not None:
                b_vals.append(bv)
            both += pv is not None or bv is not None
        pm = sum(p_vals) / len(p_vals) if p_vals else None
        bm = sum(b_vals) / len(b_vals) if b_vals else None
        diff = pm - bm if pm is not None and bm is not None else None
        rows.append(
            ComparisonRow(metric=name, pipeline=pm, baseline=bm, difference=diff, cases=both)
        )
    return rows


def diff_reports(previous: EvalReport, current: EvalReport) -> list[DiffRow]:
    rows: list[DiffRow] = []
    prev_cases = {c.case_id: c for c in previous.cases}
    for case in current.cases:
        old = prev_cases.get(case.case_id)
        if old is None:
            continue
        for subject in ("pipeline", "baseline"):
            for s in case.pipeline if subject == "pipeline" else case.baseline:
                o = old.score(subject, s.name)
                if o is None or (o.value is None and s.value is None):
                    continue
                delta = s.value - o.value if s.value is not None and o.value is not None else None
                rows.append(
                    DiffRow(
                        case_id=case.case_id,
                        metric=s.name,
                        subject=subject,
                        previous=o.value,
                        current=s.value,
                        delta=delta,
                    )
                )
    return rows


def read_report(path: Path) -> EvalReport:
    try:
        return EvalReport.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as e:
        raise InputError(
            f"not a readable eval.json ({str(e).splitlines()[0]})", source=str(path)
        ) from e


# --------------------------------------------------------------------------- formatting


def fmt(value: float | None, name: str = "", *, sign: str = "") -> str:
    """A metric's value: counts (cost, anything above 1) whole, shares to three places;
    `sign="+"` for a difference."""
    if value is None:
        return "n/a"
    if name == "cost" or abs(value) > 1.0 + 1e-9:
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.3f}"


def fmt_diff(value: float | None, name: str = "") -> str:
    return fmt(value, name, sign="+")


def judge_banner(report: EvalReport) -> str:
    a = report.judge.agreement
    if a.status != "checked":
        return (
            f"JUDGE NOT CHECKED ({a.reason}): judge-based scores are not trusted; "
            "add evals/judge_pairs.yaml"
        )
    return (
        f"Judge checked on {a.n} hand-judged pairs: agreement {fmt(a.agreement)}, "
        f"Cohen's kappa {fmt(a.kappa)}, {len(a.disagreements)} disagreements, "
        f"{a.order_flips} order flips"
    )


# --------------------------------------------------------------------------- markdown


def _status(s: Score) -> str:
    if s.status != "ok":
        return s.status
    if s.informative:
        return "info"
    if s.passed is None:
        return "-"
    return "pass" if s.passed else "FAIL"


def render_markdown(report: EvalReport) -> str:
    # The first screen (report_overview imports this module's models, hence the late import).
    from service.evals.report_overview import plain_name
    from service.evals.report_overview import render_markdown as first_screen

    out = ["# Rashomon eval", ""]
    out.append(f"{verdict(report)}.")
    out += ["", *first_screen(report), "", "## Run", ""]
    out += [
        f"- backend `{report.backend}`, model `{report.model}`",
        f"- git commit `{report.git_commit or 'unknown'}`",
        f"- started {report.started_at.isoformat()}, {report.duration_s:.1f} s",
        "- prompts: "
        + ", ".join(f"{p.name} v{p.version} ({p.sha256[:12]})" for p in report.prompts),
        "",
    ]
    out += [
        "## Judge",
        "",
        f"**{judge_banner(report)}**",
        "",
        f"Judge calls: {report.judge.calls} (budget {report.judge.max_calls}; top-k "
        f"{report.judge.top_k}, summary top-k {report.judge.summary_k}); "
        f"{report.judge.unjudged} questions unjudged, {report.judge.errors} unusable answers.",
        "",
    ]
    if report.judge.agreement.disagreements:
        out += ["| pair | gold | judge | fact | candidate |", "|---|---|---|---|---|"]
        for dis in report.judge.agreement.disagreements:
            out.append(
                f"| {dis.pair_id} | {dis.gold} | {dis.judge} | {table_cell(dis.fact)} | "
                f"{table_cell(dis.candidate)} |"
            )
        out.append("")
    out += [
        "## Pipeline vs baseline (mean over cases)",
        "",
        "| metric | pipeline | baseline | difference | cases |",
        "|---|---|---|---|---|",
    ]
    for r in report.comparison:
        out.append(
            f"| {plain_name(r.metric)} (`{r.metric}`) | {fmt(r.pipeline, r.metric)} | "
            f"{fmt(r.baseline, r.metric)} | "
            f"{fmt_diff(r.difference, r.metric)} | {r.cases} |"
        )
    if report.failures:
        out += ["", "## Threshold failures", ""]
        for f in report.failures:
            out.append(f"- **{f.case_id} / {f.metric}**: {f.explanation}")
    if report.diff is not None:
        out += [
            "",
            f"## Diff vs {report.diff_against}",
            "",
            "| case | metric | subject | previous | current | delta |",
            "|---|---|---|---|---|---|",
        ]
        for d in report.diff:
            out.append(
                f"| {d.case_id} | {d.metric} | {d.subject} | {fmt(d.previous, d.metric)} "
                f"| {fmt(d.current, d.metric)} | {fmt_diff(d.delta, d.metric)} |"
            )
    for case in report.cases:
        out += [
            "",
            f"## Case {case.case_id} ({case.dataset})",
            "",
            f"{case.name}; "
            f"{case.n_articles} articles; {case.judge_calls} judge calls; "
            f"{case.wall_time_s:.1f} s.",
        ]
        if case.reconciliation_path:
            out.append(f"Pipeline output: `{case.reconciliation_path}`.")
        if case.labels_note:
            out.append(f"Note: {case.labels_note}")
        if case.error:
            out += ["", f"**ERROR**: {case.error}"]
            continue
        out += [
            "",
            "| metric | pipeline | baseline | status | explanation |",
            "|---|---|---|---|---|",
        ]
        for s in case.pipeline:
            b = case.score("baseline", s.name)
            bval = fmt(b.value, s.name) if b and b.status == "ok" else "n/a"
            out.append(
                f"| {plain_name(s.name)} (`{s.name}`) | "
                f"{fmt(s.value, s.name) if s.status == 'ok' else 'n/a'} | "
                f"{bval} | {_status(s)} | {table_cell(s.explanation)} |"
            )
        failed = [(s, c) for s in case.pipeline for c in s.details if c.passed is False]
        if failed:
            out += ["", "Failed checks (pipeline):", ""]
            out += [f"- {s.name}: {table_cell(c.explanation)}" for s, c in failed]
        bfailed = [(s, c) for s in case.baseline for c in s.details if c.passed is False]
        if bfailed:
            out += ["", "Failed checks (baseline):", ""]
            out += [f"- {s.name}: {table_cell(c.explanation)}" for s, c in bfailed]
    out += [
        "",
        "## Cost",
        "",
        "| step | calls | attempts | cache hits | prompt tokens | completion tokens "
        "| tokens from cache | wall s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for st in report.steps:
        out.append(
            f"| {st.step} | {st.calls} | {st.attempts} | {st.cache_hits} | "
            f"{st.usage.prompt_tokens} | {st.usage.completion_tokens} | "
            f"{st.cached_usage.total_tokens} | {st.wall_time_s:.1f} |"
        )
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- junit


def render_junit(report: EvalReport) -> str:
    suite = ET.Element("testsuite", name="rashomon-eval", timestamp=report.started_at.isoformat())
    tests = failures = errors = skips = 0
    for case in report.cases:
        if case.status == "error":
            tc = ET.SubElement(
                suite,
                "testcase",
                classname=f"eval.{case.case_id}",
                name="pipeline",
                time=f"{case.wall_time_s:.3f}",
            )
            ET.SubElement(tc, "error", message=(case.error or "error")[:500]).text = case.error
            tests += 1
            errors += 1
            continue
        for s in case.pipeline:
            tests += 1
            tc = ET.SubElement(suite, "testcase", classname=f"eval.{case.case_id}", name=s.name)
            if s.status == "skipped":
                ET.SubElement(tc, "skipped", message=s.explanation)
                skips += 1
            elif s.passed is False:
                failed = [c.explanation for c in s.details if c.passed is False]
                f = ET.SubElement(
                    tc,
                    "failure",
                    message=(f"{s.name} = {fmt(s.value)} < {fmt(s.threshold)}: {s.explanation}")[
                        :500
                    ],
                )
                f.text = "\n".join([s.explanation, *failed])
                failures += 1
            else:
                ET.SubElement(
                    tc, "system-out"
                ).text = f"{s.name} = {fmt(s.value, s.name)}: {s.explanation}"
    a = report.judge.agreement
    tests += 1
    tc = ET.SubElement(suite, "testcase", classname="eval.judge", name="judge_agreement")
    jf = [f for f in report.failures if f.metric == "judge_agreement"]
    if a.status != "checked":
        ET.SubElement(tc, "skipped", message=judge_banner(report))
        skips += 1
    elif jf:
        ET.SubElement(tc, "failure", message=jf[0].explanation)
        failures += 1
    else:
        ET.SubElement(tc, "system-out").text = judge_banner(report)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skips))
    suite.set("time", f"{report.duration_s:.3f}")
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
