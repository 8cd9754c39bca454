"""eval.html: one self-contained file (inline CSS, no scripts, no external assets)."""

from __future__ import annotations

from html import escape

from service.evals.report import EvalReport, fmt, fmt_diff, judge_banner
from service.evals.scorers import Score

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1,h2,h3{margin-top:1.6em}table{border-collapse:collapse;margin:.6em 0;width:100%}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#176117}.fail{color:#b00020;font-weight:bold}.skip{color:#777}
.banner{padding:.8em 1em;border-radius:4px;margin:1em 0;font-weight:bold}
.ok{background:#e6f4e6;border:1px solid #8c8}.bad{background:#fde8e8;border:1px solid #d88}
.warn{background:#fff4d6;border:1px solid #db5}details{margin:.3em 0}code{font-size:90%}
ul.checks li.failed{color:#b00020}small{color:#666}
"""


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
    verdict = "PASSED" if report.passed else f"FAILED ({len(report.failures)} threshold failures)"
    h.append(f"<div class='banner {'ok' if report.passed else 'bad'}'>{e(verdict)}</div>")
    a = report.judge.agreement
    trusted = a.status == "checked" and (a.kappa or 0) >= 0.6
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

    h.append(
        "<h2 id='comparison'>Pipeline vs baseline</h2><small>Mean over cases; n/a where "
        "a metric does not apply (per-source scorers do not apply to the baseline).</small>"
    )
    h.append(
        "<table class='comparison'><thead><tr><th>metric</th><th>pipeline</th>"
        "<th>baseline</th><th>difference</th><th>cases</th></tr></thead><tbody>"
    )
    for r in report.comparison:
        h.append(
            f"<tr><td>{e(r.metric)}</td><td class='num'>{fmt(r.pipeline, r.metric)}</td>"
            f"<td class='num'>{fmt(r.baseline, r.metric)}</td>"
            f"<td class='num'>{fmt_diff(r.difference, r.metric)}</td>"
            f"<td class='num'>{r.cases}</td></tr>"
        )
    h.append("</tbody></table>")

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
            "<table><thead><tr><th>metric</th><th>pipeline</th><th>baseline</th>"
            "<th>difference</th><th>threshold</th><th>status</th><th>explanation</th>"
            "</tr></thead><tbody>"
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
                f"<tr><td>{e(s.name)}{judged}</td><td class='num'>{_val(s)}</td>"
                f"<td class='num'>{_val(b)}</td>"
                f"<td class='num'>{fmt_diff(diff, s.name)}</td>"
                f"<td class='num'>{fmt(s.threshold)}</td><td class='{cls}'>{label}</td>"
                f"<td>{e(s.explanation)}</td></tr>"
            )
        h.append("</tbody></table>")
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
        "<h2>Cost</h2><table><thead><tr><th>step</th><th>calls</th><th>attempts</th>"
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
    h.append("</tbody></table></body></html>")
    return "\n".join(h) + "\n"
