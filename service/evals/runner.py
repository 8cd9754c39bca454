"""Runs the eval: cases -> pipeline (`reconcile`, the CLI's function) + naive baseline ->
scorers (evals/scorers/registry.py) -> report files. One `open_llm(settings)` serves
pipeline, baseline and judge."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from service.config import Settings
from service.datasets.polnear import Split
from service.errors import InputError, RashomonError
from service.evals.accounts_only import reconcile_accounts_only
from service.evals.baseline import baseline_summary
from service.evals.dataset import (
    DEFAULT_DATASETS_DIR,
    DEFAULT_SEEDS_DIR,
    REPO_ROOT,
    Case,
    DatasetName,
    load_cases,
)
from service.evals.html import render_html
from service.evals.judge import (
    DEFAULT_MAX_CALLS,
    DEFAULT_SUMMARY_K,
    DEFAULT_TOP_K,
    Judge,
    JudgeAgreement,
    agreement,
)
from service.evals.labels import DEFAULT_JUDGE_PAIRS, JudgePair, LabelsError, load_judge_pairs
from service.evals.ratings_input import (
    CANDIDATES_FILE,
    CaseCandidates,
    articles_of,
    pipeline_parts,
    write_candidates,
)
from service.evals.report import (
    FAKE_NOT_A_MODEL,
    CaseResult,
    EvalReport,
    JudgeInfo,
    RunCost,
    apply_thresholds,
    comparison,
    diff_reports,
    load_thresholds,
    read_report,
    render_junit,
    render_markdown,
)
from service.evals.scorers.context import ScoreContext
from service.evals.scorers.registry import score_output
from service.evals.scorers.score import Score
from service.llm.lifecycle import open_llm
from service.llm.structured import StructuredLLM
from service.pipeline.progress import Progress, ProgressCallback, no_progress
from service.pipeline.reconcile import reconcile
from service.render.markdown import render_markdown as render_reconciliation
from service.schemas import PromptRef, StepRecord, Usage

Log = Callable[[str], None]

# Progress events of a run, besides the pipeline's own for each case (accounts, alignment,
# ...); service/evals/progress.py folds them into one bar for the CLI.
EVAL = "eval"  # done/total: cases finished / cases; source_id: the case
CASE = "case"  # when a case's pipeline starts: total = its articles
SCORING = "scoring"  # done/total: scorers run on the pipeline's output
BASELINE = "baseline"  # 0/1 before the baseline summary, 1/1 once it is written
BASELINE_SCORING = "baseline-scoring"  # done/total: scorers run on the baseline summary


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class EvalOptions:
    datasets: list[DatasetName]
    out_dir: Path
    limit: int | None = None
    only: tuple[str, ...] = ()
    thresholds_path: Path | None = REPO_ROOT / "evals" / "thresholds.yaml"
    previous: Path | None = None
    judge_pairs: Path | None = DEFAULT_JUDGE_PAIRS
    top_k: int = DEFAULT_TOP_K
    summary_k: int = DEFAULT_SUMMARY_K
    max_judge_calls: int = DEFAULT_MAX_CALLS
    run_baseline: bool = True
    # Check the thresholds on the fake backend too (tests of the gate itself); otherwise a
    # fake run is a plumbing check and its scores are not held to them.
    enforce_thresholds: bool = False
    seeds_dir: Path = DEFAULT_SEEDS_DIR
    datasets_dir: Path = DEFAULT_DATASETS_DIR
    split: Split = "dev"  # PolNeAR
    command: str = "rashomon eval"
    extra: dict[str, Any] = field(default_factory=dict)


def git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


async def run_case(
    case: Case,
    *,
    llm: StructuredLLM,
    judge: Judge,
    settings: Settings,
    options: EvalOptions,
    progress: ProgressCallback = no_progress,
    log: Log = _stderr,
) -> tuple[CaseResult, list[StepRecord]]:
    started = time.perf_counter()
    calls_before = judge.calls
    result = CaseResult(
        case_id=case.case_id,
        dataset=case.dataset,
        name=case.name,
        n_articles=len(case.articles),
        labels_note=case.labels_note,
    )
    case_dir = options.out_dir / "cases" / _safe(case.case_id)
    case_dir.mkdir(parents=True, exist_ok=True)
    steps: list[StepRecord] = []
    log(f"eval {case.case_id}: pipeline on {len(case.articles)} articles")
    progress(Progress(CASE, 0, len(case.articles), case.case_id))
    # What a blind-rating packet needs (`rashomon ratings packets`), kept as the case runs.
    candidates = CaseCandidates(
        case_id=case.case_id,
        dataset=case.dataset,
        name=case.name,
        articles=articles_of(case.articles),
        reference_summary=case.reference_summary,
    )
    try:
        t_pipeline = time.perf_counter()
        run = reconcile_accounts_only if case.accounts_only else reconcile
        rec = await run(case.articles, llm=llm, settings=settings, progress=progress)
    except RashomonError as e:
        result.status, result.error = "error", f"{type(e).__name__}: {e}"
        log(f"eval {case.case_id}: pipeline failed: {e}")
        result.wall_time_s = time.perf_counter() - started
        candidates.pipeline_error = result.error
        write_candidates(case_dir / CANDIDATES_FILE, candidates)
        return result, steps
    result.pipeline_cost = RunCost.of(rec.steps, time.perf_counter() - t_pipeline)
    (
        candidates.pipeline_sentences,
        candidates.pipeline_disputes,
        candidates.pipeline_headlines,
    ) = pipeline_parts(rec)
    steps += rec.steps
    (case_dir / "reconciliation.json").write_text(rec.model_dump_json(indent=2), "utf-8")
    (case_dir / "reconciliation.md").write_text(render_reconciliation(rec), "utf-8")
    result.reconciliation_path = str(case_dir / "reconciliation.json")

    log(f"eval {case.case_id}: scoring pipeline output")
    result.pipeline = await score_output(
        ScoreContext.of_pipeline(
            case, rec, judge, fact_k=options.top_k, summary_k=options.summary_k
        ),
        progress=progress,
        step=SCORING,
    )

    if options.run_baseline and not case.accounts_only:
        log(f"eval {case.case_id}: baseline summary")
        progress(Progress(BASELINE, 0, 1, case.case_id))
        meter = llm.meter("baseline")
        t_baseline = time.perf_counter()
        text, b_sentences, error = await baseline_summary(case.articles, llm, meter)
        result.baseline_cost = RunCost.of([meter.record()], time.perf_counter() - t_baseline)
        candidates.baseline_summary, candidates.baseline_error = text or None, error
        steps.append(meter.record())
        progress(Progress(BASELINE, 1, 1, case.case_id))
        result.baseline_summary, result.baseline_error = text or None, error
        (case_dir / "baseline.txt").write_text(text or f"ERROR: {error}\n", "utf-8")
        if error:
            result.baseline = [Score(name="baseline", status="error", explanation=error)]
        else:
            result.baseline = await score_output(
                ScoreContext.of_baseline(
                    case, b_sentences, [meter.record()], judge, summary_k=options.summary_k
                ),
                progress=progress,
                step=BASELINE_SCORING,
            )
    write_candidates(case_dir / CANDIDATES_FILE, candidates)
    result.judge_calls = judge.calls - calls_before
    result.wall_time_s = round(time.perf_counter() - started, 3)
    log(f"eval {case.case_id}: done ({result.judge_calls} judge calls, {result.wall_time_s:.1f} s)")
    return result, steps


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def _load_pairs(path: Path | None) -> list[JudgePair] | str:
    if path is None or not path.is_file():
        return f"no judge check set at {path}"
    try:
        return load_judge_pairs(path)
    except LabelsError as e:
        return f"judge check set unusable: {e}"


async def _judge_agreement(judge: Judge, path: Path | None, log: Log) -> JudgeAgreement:
    pairs = _load_pairs(path)
    if isinstance(pairs, str):
        return JudgeAgreement(status="unchecked", reason=pairs)
    log(f"eval: checking the judge on {len(pairs)} hand-judged pairs")
    result = await agreement(judge, pairs)
    log(
        f"eval: judge agreement {result.agreement or 0:.0%}, kappa "
        f"{result.kappa if result.kappa is not None else float('nan'):.2f}"
    )
    return result


def _sum_steps(steps: list[StepRecord]) -> list[StepRecord]:
    out: dict[str, StepRecord] = {}
    for st in steps:
        if st.step not in out:
            out[st.step] = st.model_copy()
            continue
        cur = out[st.step]
        out[st.step] = cur.model_copy(
            update={
                "calls": cur.calls + st.calls,
                "attempts": cur.attempts + st.attempts,
                "cache_hits": cur.cache_hits + st.cache_hits,
                "usage": cur.usage + st.usage,
                "cached_usage": cur.cached_usage + st.cached_usage,
                "wall_time_s": round(cur.wall_time_s + st.wall_time_s, 3),
                "prompt": cur.prompt or st.prompt,
            }
        )
    return list(out.values())


async def run_eval(
    options: EvalOptions,
    settings: Settings,
    *,
    llm: StructuredLLM | None = None,
    progress: ProgressCallback = no_progress,
    log: Log = _stderr,
) -> EvalReport:
    started_at = datetime.now(UTC)
    t0 = time.perf_counter()
    thresholds = load_thresholds(options.thresholds_path)
    if options.thresholds_path is not None and not options.thresholds_path.is_file():
        raise InputError("thresholds file not found", source=str(options.thresholds_path))
    previous = read_report(options.previous) if options.previous else None
    cases = load_cases(
        options.datasets,
        settings,
        limit=options.limit,
        only=options.only,
        seeds_dir=options.seeds_dir,
        datasets_dir=options.datasets_dir,
        split=options.split,
    )
    options.out_dir.mkdir(parents=True, exist_ok=True)
    results: list[CaseResult] = []
    steps: list[StepRecord] = []
    async with open_llm(settings, llm) as llm:
        judge = Judge(llm, max_calls=options.max_judge_calls)
        judge_check = await _judge_agreement(judge, options.judge_pairs, log)
        for n, case in enumerate(cases, 1):
            progress(Progress(EVAL, n - 1, len(cases), case.case_id))
            result, case_steps = await run_case(
                case,
                llm=llm,
                judge=judge,
                settings=settings,
                options=options,
                progress=progress,
                log=log,
            )
            results.append(result)
            steps += case_steps
            progress(Progress(EVAL, n, len(cases), case.case_id))
    steps.append(judge.meter.record())
    all_steps = _sum_steps(steps)
    prompts: dict[tuple[str, int, str], PromptRef] = {}
    for st in all_steps:
        if st.prompt:
            prompts[(st.prompt.name, st.prompt.version, st.prompt.sha256)] = st.prompt
    not_applied = _thresholds_not_applied(options, llm.backend.name)
    failures = apply_thresholds(results, {} if not_applied else thresholds, judge_check)
    report = EvalReport(
        started_at=started_at,
        finished_at=datetime.now(UTC),
        duration_s=round(time.perf_counter() - t0, 3),
        backend=llm.backend.name,
        model=llm.backend.model,
        git_commit=git_commit(),
        command=options.command,
        datasets=list(options.datasets),
        limit=options.limit,
        settings={
            "pairs_per_call": settings.pairs_per_call,
            "max_alignment_pairs": settings.max_alignment_pairs,
            "max_summary_points": settings.max_summary_points,
            "temperature": settings.temperature,
            "reask_budget": settings.reask_budget,
            "cache_enabled": settings.cache_enabled,
        },
        prompts=sorted(prompts.values(), key=lambda p: p.name),
        thresholds=thresholds,
        thresholds_path=str(options.thresholds_path) if options.thresholds_path else None,
        judge=JudgeInfo(
            prompt=judge.meter.prompt or PromptRef(name="judge_same_fact", version=0, sha256=""),
            top_k=options.top_k,
            summary_k=options.summary_k,
            max_calls=options.max_judge_calls,
            calls=judge.calls,
            order_flips=judge.order_flips,
            errors=judge.errors,
            unjudged=judge.unjudged,
            agreement=judge_check,
            pairs_path=str(options.judge_pairs) if options.judge_pairs else None,
        ),
        cases=results,
        steps=all_steps
        or [
            StepRecord(
                step="none", backend=llm.backend.name, model=llm.backend.model, usage=Usage()
            )
        ],
        comparison=comparison(results),
        failures=failures,
        passed=not failures,
        thresholds_not_applied=not_applied,
    )
    if previous is not None:
        report.diff = diff_reports(previous, report)
        report.diff_against = str(options.previous)
    write_reports(report, options.out_dir)
    return report


def _thresholds_not_applied(options: EvalOptions, backend: str) -> str | None:
    """Why the thresholds are not checked, or None when they are. A case that fails to run
    still fails the run either way."""
    if backend == "fake" and not options.enforce_thresholds:
        return FAKE_NOT_A_MODEL
    return None


def write_reports(report: EvalReport, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "eval.json").write_text(report.model_dump_json(indent=2), "utf-8")
    (out_dir / "eval.md").write_text(render_markdown(report), "utf-8")
    (out_dir / "eval.html").write_text(render_html(report), "utf-8")
    (out_dir / "junit.xml").write_text(render_junit(report), "utf-8")
