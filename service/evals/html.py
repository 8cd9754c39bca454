"""eval.html: one self-contained file (inline CSS and SVG, no scripts, no external assets)."""

from __future__ import annotations

import re
from html import escape

from service.evals.report import CaseResult, EvalReport, fmt, fmt_diff, judge_banner, verdict
from service.evals.report_overview import plain_name
from service.evals.report_overview import render_html as first_screen
from service.evals.scorers.score import Score

# Fits 390 px without sideways scroll: long words and paths may break anywhere, pre wraps,
# and the wide detail tables scroll inside their own box (div.scroll), never the page.
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1em auto;max-width:1200px;color:#222;padding:0 1em;overflow-wrap:break-word}
code,pre,li,summary,td,p{overflow-wrap:anywhere}pre{white-space:pre-wrap}div.scroll{overflow-x:auto;max-width:100%}
td.num,table.glance thead th{white-space:nowrap;overflow-wrap:normal}
table.glance caption{text-align:left;color:#555;padding-bottom:.3em}table.glance th[scope=row]{font-weight:normal;background:none}
table.glance code{color:#555}#first-screen p{margin:.6em 0}p.banner{font-weight:normal}
h1,h2,h3{margin-top:1.6em}table{border-collapse:collapse;margin:.6em 0;width:100%}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#176117}.fail{color:#b00020;font-weight:bold}.skip{color:#777}
.banner{padding:.8em 1em;border-radius:4px;margin:1em 0;font-weight:bold}
.ok{background:#e6f4e6;border:1px solid #8c8}.bad{background:#fde8e8;border:1px solid #d88}
.warn{background:#fff4d6;border:1px solid #db5}details{margin:.3em 0}code{font-size:90%}
ul.checks li.failed{color:#b00020}small{color:#666}
svg.chart{width:100%;max-width:860px;height:auto;display:block;margin:.6em 0}
table.grid{width:auto}table.grid caption{text-align:left;font-weight:bold}table.grid td{text-align:center;white-space:nowrap}
.g-found{background:#e6f4e6}.g-wrong{background:#fff4d6}.g-missed{background:#fde8e8}
.g-none{color:#999}
svg.chart text{font:12px system-ui,sans-serif;fill:#222}svg.chart .muted{fill:#666}
"""

# The chart: one row per metric (mean over the cases), the pipeline's value as a bar, its
# threshold as a vertical tick, the baseline's value as a hollow diamond. Pass/below is
# written out in each row, so nothing rests on colour alone.
_W, _LABEL, _PLOT, _ROW, _TOP = 860, 230, 460, 28, 34


def _chart_rows(
    report: EvalReport,
) -> list[tuple[str, float, float | None, float | None, int, int]]:
    """(metric, pipeline mean, threshold, baseline mean, cases below, cases checked)."""
    rows = []
    for r in report.comparison:
        if r.pipeline is None or not -1e-9 <= r.pipeline <= 1.0 + 1e-9:
            continue  # counts and costs are not on the 0..1 scale
        informative = any(
            s.informative for c in report.cases for s in c.pipeline if s.name == r.metric
        )
        if informative:
            continue
        baseline = r.baseline if r.baseline is not None and 0.0 <= r.baseline <= 1.0 else None
        verdicts = [s.passed for c in report.cases for s in c.pipeline if s.name == r.metric]
        checked = [v for v in verdicts if v is not None]
        rows.append(
            (
                r.metric,
                r.pipeline,
                # Thresholds that were not applied are not drawn: no tick claims a verdict.
                None if report.thresholds_not_applied else report.thresholds.get(r.metric),
                baseline,
                sum(1 for v in checked if not v),
                len(checked),
            )
        )
    return rows


def metrics_chart(report: EvalReport) -> str:
    """Inline SVG: metrics against thresholds, pipeline against baseline ("" when none)."""
    rows = _chart_rows(report)
    if not rows:
        return ""
    e = escape
    height = _TOP + _ROW * len(rows) + 30
    x0 = _LABEL

    def x(v: float) -> float:
        return round(x0 + _PLOT * max(0.0, min(1.0, v)), 1)

    below = sum(1 for row in rows if row[4])
    summary = f"{len(rows)} metrics, mean over {len(report.cases)} case(s); " + (
        "thresholds not checked."
        if report.thresholds_not_applied
        else f"{below} below their threshold in at least one case."
    )
    out = [
        f"<svg class='chart' viewBox='0 0 {_W} {height}' role='img' "
        f"aria-labelledby='chart-title chart-desc'>",
        "<title id='chart-title'>Metrics against thresholds, pipeline against baseline</title>",
        f"<desc id='chart-desc'>{e(summary)}</desc>",
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        out.append(
            f"<line x1='{x(tick)}' y1='{_TOP - 6}' x2='{x(tick)}' "
            f"y2='{_TOP + _ROW * len(rows)}' stroke='#e5e5e5'/>"
            f"<text x='{x(tick)}' y='{_TOP - 10}' text-anchor='middle' class='muted'>"
            f"{tick:g}</text>"
        )
    for i, (name, value, threshold, baseline, n_below, n_checked) in enumerate(rows):
        y = _TOP + i * _ROW
        ok = n_below == 0 and (threshold is None or value >= threshold - 1e-9)
        colour = "#6b7280" if report.thresholds_not_applied else "#2f7d32" if ok else "#b00020"
        if report.thresholds_not_applied:
            note = "threshold not checked"
        elif threshold is None:
            note = "no threshold"
        elif ok:
            note = f"pass ≥ {threshold:.2f}"
        elif n_checked > 1:
            note = f"BELOW {threshold:.2f} in {n_below}/{n_checked} cases"
        else:
            note = f"BELOW {threshold:.2f}"
        label = f"{name}: pipeline {value:.3f}" + (
            f", baseline {baseline:.3f}" if baseline is not None else ""
        )
        out.append(f"<g><title>{e(label + '; ' + note)}</title>")
        out.append(
            f"<text x='{x0 - 8}' y='{y + 17}' text-anchor='end'>{e(name)}</text>"
            f"<rect x='{x0}' y='{y + 6}' width='{_PLOT}' height='14' fill='#f3f3f3'/>"
            f"<rect x='{x0}' y='{y + 6}' width='{round(x(value) - x0, 1)}' height='14' "
            f"fill='{colour}'" + ("" if ok else " fill-opacity='.85'") + "/>"
        )
        if threshold is not None:
            tx = x(threshold)
            out.append(
                f"<line x1='{tx}' y1='{y + 2}' x2='{tx}' y2='{y + 24}' stroke='#111' "
                "stroke-width='2'/>"
            )
        if baseline is not None:
            bx, by = x(baseline), y + 13
            out.append(
                f"<path d='M{bx} {by - 7} L{bx + 7} {by} L{bx} {by + 7} L{bx - 7} {by} Z' "
                "fill='#fff' stroke='#1d4ed8' stroke-width='2'/>"
            )
        out.append(
            f"<text x='{x0 + _PLOT + 10}' y='{y + 17}'>{value:.2f} "
            f"<tspan class='muted'>{e(note)}</tspan></text></g>"
        )
    ly = _TOP + _ROW * len(rows) + 18
    out.append(
        f"<rect x='{x0}' y='{ly - 10}' width='14' height='10' fill='#2f7d32'/>"
        f"<text x='{x0 + 20}' y='{ly}'>pipeline (mean)</text>"
        f"<line x1='{x0 + 150}' y1='{ly - 12}' x2='{x0 + 150}' y2='{ly + 2}' stroke='#111' "
        f"stroke-width='2'/><text x='{x0 + 158}' y='{ly}'>threshold</text>"
        f"<path d='M{x0 + 250} {ly - 11} L{x0 + 256} {ly - 5} L{x0 + 250} {ly + 1} "
        f"L{x0 + 244} {ly - 5} Z' fill='#fff' stroke='#1d4ed8' stroke-width='2'/>"
        f"<text x='{x0 + 262}' y='{ly}'>baseline (mean)</text>"
    )
    out.append("</svg>")
    return "".join(out)


_FACT_AT_SOURCE = re.compile(r"^(?P<fact>[A-Za-z]+\d+)@(?P<source>[A-Za-z]+\d+)$")
_GRID_CELLS = {
    "found": ("✓ found", "g-found"),
    "wrong": ("≠ wrong asserter", "g-wrong"),
    "missed": ("✗ missed", "g-missed"),
}


def fact_grid(case: CaseResult) -> str:
    """Gold facts × sources: found, found with the wrong asserter, or missed. Read from the
    per-(fact, source) checks of fact_recall and attribution_accuracy (items 'F01@S1');
    "" when the case has none."""
    recall = case.score("pipeline", "fact_recall")
    if recall is None or recall.status != "ok":
        return ""
    cells: dict[tuple[str, str], tuple[str, str]] = {}
    for check in recall.details:
        m = _FACT_AT_SOURCE.match(check.item)
        if m and check.passed is not None:
            state = "found" if check.passed else "missed"
            cells[(m["fact"], m["source"])] = (state, check.explanation)
    attribution = case.score("pipeline", "attribution_accuracy")
    for check in attribution.details if attribution else []:
        m = _FACT_AT_SOURCE.match(check.item)
        key = (m["fact"], m["source"]) if m else None
        if key in cells and check.passed is False and cells[key][0] == "found":
            cells[key] = ("wrong", check.explanation)
    if not cells:
        return ""
    facts = sorted({f for f, _ in cells}, key=_natural)
    sources = sorted({s for _, s in cells}, key=_natural)
    e = escape
    counts = {k: sum(1 for v in cells.values() if v[0] == k) for k in _GRID_CELLS}
    h = [
        "<p>"
        + ", ".join(f"{n} {_GRID_CELLS[k][0].split(' ', 1)[1]}" for k, n in counts.items())
        + " (hover a cell for the check).</p>"
        "<table class='grid'><caption>Gold facts × sources</caption>"
        "<thead><tr><th scope='col'>fact</th>"
        + "".join(f"<th scope='col'>{e(src)}</th>" for src in sources)
        + "</tr></thead><tbody>"
    ]
    for fact in facts:
        row = [f"<tr><th scope='row'>{e(fact)}</th>"]
        for src in sources:
            cell = cells.get((fact, src))
            if cell is None:
                row.append("<td class='g-none'>· not in source</td>")
            else:
                label, cls = _GRID_CELLS[cell[0]]
                row.append(f"<td class='{cls}' title='{e(cell[1], quote=True)}'>{label}</td>")
        h.append("".join(row) + "</tr>")
    h.append("</tbody></table>")
    return "".join(h)


def _natural(key: str) -> tuple[str, int]:
    m = re.match(r"([A-Za-z]*)(\d+)", key)
    return (m[1], int(m[2])) if m else (key, 0)


def _status(s: Score) -> tuple[str, str]:
    if s.status != "ok":
        return s.status, "skip"
    if s.informative:
        return "info", "skip"
    if s.passed is None:
        return "-", ""
    return ("pass", "pass") if s.passed else ("FAIL", "fail")


def _val(s: Score | None) -> str:
    return fmt(s.value, s.name) if s and s.status == "ok" else "n/a"


def render_html(report: EvalReport) -> str:
    e = escape
    h: list[str] = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Rashomon eval</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Rashomon eval</h1>",
    ]
    # Not applying the thresholds is no pass: the banner says so in amber.
    tone = "bad" if not report.passed else "warn" if report.thresholds_not_applied else "ok"
    h.append(f"<div class='banner {tone}' id='verdict'>{e(verdict(report))}</div>")
    h.append(first_screen(report))
    a = report.judge.agreement
    trusted = a.status == "checked" and (a.kappa or 0) >= 0.6
    h.append("<h2 id='run'>Run</h2>")
    h.append(
        f"<div class='banner {'ok' if trusted else 'warn'}' id='judge-banner'>"
        f"{e(judge_banner(report))}</div>"
    )
    h.append("<table><tbody>")
    for k, v in (
        ("backend", report.backend),
        ("model", report.model),
        ("git commit", report.git_commit or "unknown"),
        ("started", report.started_at.isoformat()),
        ("duration", f"{report.duration_s:.1f} s"),
        ("command", report.command),
        ("prompts", ", ".join(f"{p.name} v{p.version} ({p.sha256[:12]})" for p in report.prompts)),
        (
            "judge",
            f"{report.judge.calls} calls (budget {report.judge.max_calls}), top-k "
            f"{report.judge.top_k}, summary top-k {report.judge.summary_k}, "
            f"{report.judge.unjudged} unjudged, {report.judge.errors} unusable",
        ),
    ):
        h.append(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>")
    h.append("</tbody></table>")

    chart = metrics_chart(report)
    if chart:
        h.append("<h2 id='chart'>Metrics against thresholds</h2>")
        h.append(chart)
    h.append(
        "<h2 id='comparison'>Pipeline vs baseline</h2><small>Mean over cases; n/a where "
        "a metric does not apply (per-source scorers do not apply to the baseline).</small>"
    )
    h.append(
        "<div class='scroll'><table class='comparison'><thead><tr><th>metric</th><th>pipeline</th>"
        "<th>baseline</th><th>difference</th><th>cases</th></tr></thead><tbody>"
    )
    for r in report.comparison:
        h.append(
            f"<tr><td>{e(plain_name(r.metric))} <code>{e(r.metric)}</code></td>"
            f"<td class='num'>{fmt(r.pipeline, r.metric)}</td>"
            f"<td class='num'>{fmt(r.baseline, r.metric)}</td>"
            f"<td class='num'>{fmt_diff(r.difference, r.metric)}</td>"
            f"<td class='num'>{r.cases}</td></tr>"
        )
    h.append("</tbody></table></div>")

    if report.failures:
        h.append("<h2>Threshold failures</h2><ul>")
        for f in report.failures:
            h.append(
                f"<li class='fail'>{e(f.case_id)} / {e(f.metric)}: "
                f"<pre>{e(f.explanation)}</pre></li>"
            )
        h.append("</ul>")

    h.append("<h2>Judge agreement</h2>")
    if a.status == "checked":
        h.append(
            f"<p>{a.n} hand-judged pairs: agreement {fmt(a.agreement)}, Cohen's kappa "
            f"{fmt(a.kappa)}, {a.order_flips} order flips, {a.unjudged} unjudged.</p>"
        )
        if a.disagreements:
            h.append(
                "<table><thead><tr><th>pair</th><th>gold</th><th>judge</th><th>fact</th>"
                "<th>candidate</th><th>why (gold)</th></tr></thead><tbody>"
            )
            for dis in a.disagreements:
                h.append(
                    f"<tr><td>{e(dis.pair_id)}</td><td>{dis.gold}</td><td>{dis.judge}</td>"
                    f"<td>{e(dis.fact)}</td><td>{e(dis.candidate)}</td>"
                    f"<td>{e(dis.why)}</td></tr>"
                )
            h.append("</tbody></table>")
    else:
        h.append(f"<p class='fail'>Not checked: {e(a.reason)}</p>")

    if report.diff is not None:
        h.append(
            f"<h2>Diff vs {e(report.diff_against or '')}</h2><table><thead><tr><th>case</th>"
            "<th>metric</th><th>subject</th><th>previous</th><th>current</th>"
            "<th>delta</th></tr></thead><tbody>"
        )
        for d in report.diff:
            cls = "fail" if (d.delta or 0) < 0 and d.metric != "cost" else ""
            h.append(
                f"<tr><td>{e(d.case_id)}</td><td>{e(d.metric)}</td><td>{e(d.subject)}</td>"
                f"<td class='num'>{fmt(d.previous, d.metric)}</td>"
                f"<td class='num'>{fmt(d.current, d.metric)}</td>"
                f"<td class='num {cls}'>{fmt_diff(d.delta, d.metric)}</td></tr>"
            )
        h.append("</tbody></table>")

    for case in report.cases:
        h.append(f"<h2>Case {e(case.case_id)} <small>({e(case.dataset)})</small></h2>")
        h.append(
            f"<p>{e(case.name)}; {case.n_articles} articles; {case.judge_calls} judge calls;"
            f" {case.wall_time_s:.1f} s."
            + (
                f" Pipeline output: <code>{e(case.reconciliation_path)}</code>."
                if case.reconciliation_path
                else ""
            )
            + "</p>"
        )
        if case.labels_note:
            h.append(f"<p class='skip'>{e(case.labels_note)}</p>")
        if case.error:
            h.append(f"<p class='fail'>ERROR: {e(case.error)}</p>")
            continue
        h.append(
            "<div class='scroll'><table><thead><tr><th>metric</th><th>pipeline</th>"
            "<th>baseline</th><th>difference</th><th>threshold</th><th>status</th>"
            "<th>explanation</th></tr></thead><tbody>"
        )
        for s in case.pipeline:
            b = case.score("baseline", s.name)
            diff = (
                s.value - b.value
                if s.status == "ok"
                and b
                and b.status == "ok"
                and s.value is not None
                and b.value is not None
                else None
            )
            label, cls = _status(s)
            judged = " <small>(judge)</small>" if s.judged else ""
            h.append(
                f"<tr><td>{e(plain_name(s.name))} <code>{e(s.name)}</code>{judged}</td>"
                f"<td class='num'>{_val(s)}</td>"
                f"<td class='num'>{_val(b)}</td>"
                f"<td class='num'>{fmt_diff(diff, s.name)}</td>"
                f"<td class='num'>{fmt(s.threshold)}</td><td class='{cls}'>{label}</td>"
                f"<td>{e(s.explanation)}</td></tr>"
            )
        h.append("</tbody></table></div>")
        grid = fact_grid(case)
        if grid:
            h.append(
                f"<h3>Gold facts found per source ({e(case.case_id)})</h3>"
                f"<div class='scroll'>{grid}</div>"
            )
        for subject, scores in (("pipeline", case.pipeline), ("baseline", case.baseline)):
            for s in scores:
                if not s.details:
                    continue
                n_failed = sum(c.passed is False for c in s.details)
                h.append(
                    f"<details{' open' if n_failed and subject == 'pipeline' else ''}>"
                    f"<summary>{e(subject)} / {e(s.name)}: {len(s.details)} checks, "
                    f"{n_failed} failed</summary><ul class='checks'>"
                )
                for c in sorted(s.details, key=lambda c: c.passed is not False):
                    cls = " class='failed'" if c.passed is False else ""
                    h.append(f"<li{cls}>{e(c.explanation)}</li>")
                h.append("</ul></details>")
        if case.baseline_summary or case.baseline_error:
            h.append(
                "<details><summary>baseline summary</summary><p>"
                f"{e(case.baseline_summary or 'ERROR: ' + (case.baseline_error or ''))}"
                "</p></details>"
            )

    h.append(
        "<h2>Cost</h2><div class='scroll'><table><thead><tr><th>step</th><th>calls</th><th>attempts</th>"
        "<th>cache hits</th><th>prompt tokens</th><th>completion tokens</th>"
        "<th>tokens from cache</th><th>wall s</th></tr></thead><tbody>"
    )
    for st in report.steps:
        h.append(
            f"<tr><td>{e(st.step)}</td><td class='num'>{st.calls}</td>"
            f"<td class='num'>{st.attempts}</td><td class='num'>{st.cache_hits}</td>"
            f"<td class='num'>{st.usage.prompt_tokens}</td>"
            f"<td class='num'>{st.usage.completion_tokens}</td>"
            f"<td class='num'>{st.cached_usage.total_tokens}</td>"
            f"<td class='num'>{st.wall_time_s:.1f}</td></tr>"
        )
    h.append("</tbody></table></div></body></html>")
    return "\n".join(h) + "\n"
