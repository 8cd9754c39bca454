"""`reconciliation.md`: each account side by side, agreements, disputes, omissions, summary."""

from __future__ import annotations

from service.pipeline.summary_points import split_disputed
from service.render.agreement import left_out_points, verified_agreements
from service.render.wording import headlines_line
from service.schemas import ClaimGroup, GroupStatus, Reconciliation

# Outlet, title and article text are untrusted: a Markdown viewer renders raw HTML
# ("<img src=x onerror=...>", "<script>") and links or images ("![](http://tracker)"), so every
# such string goes through `table_cell`: HTML's three special characters become entities, and
# brackets are backslash-escaped so no link or image can form. What is ours (ids, step names,
# kinds) is written as it is.
_MD_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "[": "\\[", "]": "\\]"}
)


def table_cell(text: str) -> str:
    """Untrusted `text` as Markdown text, fit for one table cell: whitespace collapsed, raw
    HTML escaped, pipes and brackets escaped."""
    return " ".join(text.split()).translate(_MD_ESCAPES)


def render_markdown(rec: Reconciliation) -> str:
    outlets = {s.source_id: table_cell(s.outlet) for s in rec.sources}
    out: list[str] = ["# Reconciliation", ""]
    out.append(f"Model `{rec.model}` on backend `{rec.backend}`; schema {rec.schema_version}.")
    out.append("")
    out.append("| id | outlet | title | origin |")
    out.append("|---|---|---|---|")
    for s in rec.sources:
        out.append(
            f"| {s.source_id} | {table_cell(s.outlet)} | {table_cell(s.title or '')} | "
            f"{table_cell(s.origin or '')} |"
        )

    out += ["", "## Neutral summary", ""]
    if rec.summary.note:
        out += [f"_{rec.summary.note}_", ""]
    # One paragraph, each sentence followed by the claims it cites (the tables below list them).
    text = " ".join(
        f"{table_cell(s.text)} [{', '.join(s.claim_ids)}]" for s in rec.summary.sentences
    )
    if text:
        out.append(text)
    said = " ".join(x.text for x in rec.summary.sentences)
    if rec.summary.sentences and (line := headlines_line(rec.sources, said)):
        out += ["", table_cell(line)]

    between, within = split_disputed(rec.groups, {c.claim_id: c for c in rec.all_claims()})
    out += ["", "## Differences between outlets", ""]
    out += _dispute_table(between, outlets) or ["_No differences were found between the outlets._"]
    if within:
        out += ["", "## Two versions inside one article", ""]
        out += _dispute_table(within, outlets)

    # What the page lists as reported alike, in the same words and with the same outlets named
    # (`verified_agreements`): a group the comparison formed is no promise that each outlet
    # reports the point (NeuS: the Times's regulations sentence beside '"How much will it
    # cost?" you ask'), so the other groups are listed apart, with no outlet credited.
    verified = verified_agreements(rec)
    out += ["", "## Agreed across sources", ""]
    out += [
        f"- {table_cell(a.text)} ({', '.join(outlets[s] for s in a.source_ids)}; "
        f"{', '.join(a.claim_ids)})"
        for a in verified
    ] or ["_None found._"]
    shown = {a.group.group_id for a in verified}
    unchecked = [
        g for g in rec.groups if g.status is GroupStatus.agreed and g.group_id not in shown
    ]
    if unchecked:
        out += [
            "",
            "## Grouped alike by the comparison, not verified",
            "",
            "_The comparison put these claims together; no wording was found that each outlet's "
            "own claims carry, so no outlet is named as reporting it._",
            "",
        ]
        out += [f"- {table_cell(g.point)} ({', '.join(g.claim_ids)})" for g in unchecked]

    out += ["", "## Per-source accounts", ""]
    left_out = left_out_points(rec)
    for account in rec.accounts:
        out += [f"### {account.source_id}: {table_cell(account.outlet)}", ""]
        out.append("| claim | kind | asserted by | statement | evidence |")
        out.append("|---|---|---|---|---|")
        for c in account.claims:
            evidence = table_cell(c.evidence[0].text)[:160] if c.evidence else ""
            out.append(
                f"| {c.claim_id} | {c.kind.value} | {table_cell(c.asserter.name)} | "
                f"{table_cell(c.statement)} | {evidence} |"
            )
        out += _bullets(
            "Editorial voice (the outlet's own judgement, not reported fact):",
            [f"- {c.claim_id}: {table_cell(c.statement)}" for c in account.editorial],
        )
        out += _bullets(
            "Quotes (verbatim, character offsets into the article):",
            [
                f"- {q.quote_id} [{q.start}:{q.end}] {table_cell(q.speaker or 'unattributed')}: "
                f"“{table_cell(q.text)}”"
                for q in account.quotes
            ],
        )
        out += _bullets(
            "Reported elsewhere, not here:",
            [f"- {gid}: {table_cell(wording)}" for gid, wording in left_out[account.source_id]],
        )
        out += _bullets(
            "Other versions of disputed points it reports, carried only elsewhere:",
            [
                f"- {v.group_id}, side {v.side} ({table_cell(', '.join(v.holders))}): "
                f"{table_cell(v.version)}"
                for v in account.omits_versions
            ],
        )
        out.append("")

    if rec.warnings:
        out += ["## Warnings", ""]
        out += [
            f"- [{w.step}{' ' + w.source_id if w.source_id else ''}] {table_cell(w.message)}"
            for w in rec.warnings
        ]
        out.append("")
    out += [
        "## Provenance",
        "",
        "| step | prompt | calls | attempts | cache hits | prompt tok | completion tok "
        "| tok from cache | wall s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for step in rec.steps:
        prompt = (
            f"{step.prompt.name} v{step.prompt.version} {step.prompt.sha256[:10]}"
            if step.prompt
            else "-"
        )
        out.append(
            f"| {step.step} | {prompt} | {step.calls} | {step.attempts} | "
            f"{step.cache_hits} | {step.usage.prompt_tokens} | "
            f"{step.usage.completion_tokens} | {step.cached_usage.total_tokens} | "
            f"{step.wall_time_s:.1f} |"
        )
    return "\n".join(out) + "\n"


def _bullets(title: str, lines: list[str]) -> list[str]:
    """A titled list, or nothing when there is nothing to list."""
    return ["", title, "", *lines] if lines else []


def _dispute_table(groups: list[ClaimGroup], outlets: dict[str, str]) -> list[str]:
    if not groups:
        return []
    out = ["| point | version | held by | sources | claims |", "|---|---|---|---|---|"]
    for g in groups:
        for k, side in enumerate(g.sides):
            point = table_cell(g.point) if k == 0 else ""
            out.append(
                f"| {point} | {table_cell(side.version)} | {table_cell(', '.join(side.holders))} | "
                f"{', '.join(outlets[s] for s in side.source_ids)} | "
                f"{', '.join(side.claim_ids)} |"
            )
    return out
