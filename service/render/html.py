"""`reconciliation.html`: one self-contained page (inline CSS and JS, no network) that shows a
`Reconciliation` overview first.

Top to bottom: the lead sentence, a coverage bar per outlet (agreed / disputed / only here /
left out), the disputes as "X says … / Y says …", "The view from" each party across outlets,
the agreed points, then the articles side by side with the claims' evidence highlighted and
who asserts each claim written next to it. The full summary, warnings and provenance follow.

All article and model text is escaped by Jinja2's autoescaping (or `markupsafe.escape` for the
highlighted article bodies, which are assembled here).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from service.schemas import (
    AsserterKind,
    Claim,
    ClaimGroup,
    ClaimKind,
    GroupStatus,
    Quote,
    Reconciliation,
    Source,
    SourceAccount,
)

__all__ = ["KIND_LABELS", "RESULT_CSS", "render_html"]

TEMPLATE = "reconciliation.html.j2"
# The result's styles, shared with the web viewer (which serves this file at /static/result.css).
RESULT_CSS = "result.css"

KIND_LABELS: dict[str, str] = {
    ClaimKind.reported_fact.value: "reported fact",
    ClaimKind.attributed_claim.value: "attributed claim",
    ClaimKind.denial.value: "denial",
    ClaimKind.opinion.value: "opinion / framing",
    ClaimKind.background.value: "background",
}
# A shape per kind, so kind never rests on colour alone (the label text says it too).
KIND_SHAPES: dict[str, str] = {
    ClaimKind.reported_fact.value: "■",
    ClaimKind.attributed_claim.value: "◆",
    ClaimKind.denial.value: "✕",
    ClaimKind.opinion.value: "★",
    ClaimKind.background.value: "○",
}
OUTLET_VOICE = "the outlet"
MAX_PARTIES = 8
MAX_PARTY_CLAIMS = 6


# --------------------------------------------------------------------------- view model


@dataclass
class Coverage:
    source_id: str
    outlet: str
    agreed: int
    disputed: int
    only_here: int
    left_out: int
    left_out_points: list[str] = field(default_factory=list)
    # Sides of disputed points this outlet reports but carries only one way.
    other_versions: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.agreed + self.disputed + self.only_here + self.left_out

    def pct(self, n: int) -> float:
        return round(100.0 * n / self.total, 2) if self.total else 0.0


@dataclass
class Ref:
    """A claim as a link to its highlighted evidence."""

    claim_id: str
    href: str
    outlet: str
    statement: str


@dataclass
class DisputeSide:
    who: str
    verb: str
    version: str
    via: str
    refs: list[Ref]


@dataclass
class Dispute:
    group_id: str
    point: str
    sides: list[DisputeSide]


@dataclass
class PartyClaim:
    statement: str
    kind: str
    kind_label: str
    shape: str
    outlet: str
    href: str
    claim_id: str


@dataclass
class Party:
    name: str
    anchor: str
    outlets: list[str]
    claims: list[PartyClaim]
    more: int


@dataclass
class SummaryLine:
    text: str
    kind: str
    refs: list[Ref]
    template: bool


@dataclass
class Article:
    source: Source
    label: str
    body: Markup
    n_claims: int
    n_editorial: int
    n_quotes: int


@dataclass
class View:
    title: str
    headlines: list[tuple[str, str]]
    lead: str | None
    lead_refs: list[Ref]
    standfirst: str
    coverage: list[Coverage]
    disputes: list[Dispute]
    parties: list[Party]
    agreed: list[tuple[str, str, list[Ref]]]
    summary: list[SummaryLine]
    summary_note: str | None
    articles: list[Article]
    kinds: list[tuple[str, str, str]]
    warnings: list[str]
    steps: list[dict[str, str]]
    meta: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- entry point


def render_html(rec: Reconciliation) -> str:
    """The whole page as one string; it loads nothing from anywhere."""
    template = _environment().get_template(TEMPLATE)
    return template.render(
        v=build_view(rec),
        # The page's own rules, then the result's (shared with the web viewer): see result.css.
        css=Markup(_asset("reconciliation.css") + "\n" + _asset(RESULT_CSS)),
        js=Markup(_asset("reconciliation.js")),
    )


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("service.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _asset(name: str) -> str:
    text = files("service.render").joinpath("templates", name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():  # pragma: no cover - our file
        raise ValueError(f"{name} must not close its own element")
    return text


# --------------------------------------------------------------------------- building the view


def build_view(rec: Reconciliation) -> View:
    labels = _outlet_labels(rec.sources)
    claims = {c.claim_id: c for c in rec.all_claims()}

    def ref(cid: str) -> Ref | None:
        c = claims.get(cid)
        if c is None:
            return None
        return Ref(cid, _href(c), labels.get(c.source_id, c.source_id), c.statement)

    def refs(ids: list[str]) -> list[Ref]:
        return [r for r in (ref(cid) for cid in ids) if r is not None]

    sentences = list(rec.summary.sentences)
    lead: str | None = None
    lead_refs: list[Ref] = []
    if sentences and str(sentences[0].kind.value) == "lead":
        lead, lead_refs = sentences[0].text, refs(sentences[0].claim_ids)
        sentences = sentences[1:]

    coverage = _coverage(rec, labels)
    n = {status: sum(1 for g in rec.groups if g.status is status) for status in GroupStatus}
    standfirst = (
        f"{len(rec.sources)} {'outlet' if len(rec.sources) == 1 else 'outlets'} compared: "
        f"{_plural(n[GroupStatus.agreed], 'point')} reported alike, "
        f"{_plural(n[GroupStatus.disputed], 'point')} in dispute, "
        f"{_plural(n[GroupStatus.single_source], 'point')} carried by one outlet only."
    )

    disputes = [_dispute(g, claims, labels) for g in rec.groups if g.status is GroupStatus.disputed]
    agreed = [
        (g.point, ", ".join(labels.get(s, s) for s in g.source_ids), refs(g.claim_ids[:6]))
        for g in rec.groups
        if g.status is GroupStatus.agreed
    ]
    summary = [
        SummaryLine(s.text, s.kind.value, refs(s.claim_ids), s.written_by == "template")
        for s in sentences
    ]
    sources = {s.source_id: s for s in rec.sources}
    articles = [
        Article(
            source=sources[a.source_id],
            label=labels.get(a.source_id, a.outlet),
            body=highlight(sources[a.source_id], a),
            n_claims=len(a.claims),
            n_editorial=len(a.editorial),
            n_quotes=len(a.quotes),
        )
        for a in rec.accounts
        if a.source_id in sources
    ]
    n_src = len(rec.sources)
    title = f"How {n_src} outlets report one event" if n_src != 1 else "How one outlet reports it"
    return View(
        title=title,
        headlines=[(labels.get(s.source_id, s.outlet), s.title) for s in rec.sources if s.title],
        lead=lead,
        lead_refs=lead_refs,
        standfirst=standfirst,
        coverage=coverage,
        disputes=disputes,
        parties=_parties(rec, labels),
        agreed=agreed,
        summary=summary,
        summary_note=rec.summary.note,
        articles=articles,
        kinds=[(k, label, KIND_SHAPES[k]) for k, label in KIND_LABELS.items()],
        warnings=[
            f"{w.step}{' ' + w.source_id if w.source_id else ''}: {w.message}" for w in rec.warnings
        ],
        steps=[
            {
                "step": s.step,
                "prompt": f"{s.prompt.name} v{s.prompt.version}" if s.prompt else "–",
                "calls": str(s.calls),
                "cache_hits": str(s.cache_hits),
                "tokens": f"{s.usage.total_tokens:,}",
                "wall": f"{s.wall_time_s:.1f}",
            }
            for s in rec.steps
        ],
        meta={
            "backend": rec.backend,
            "model": rec.model,
            "created": rec.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            "schema": rec.schema_version,
        },
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _outlet_labels(sources: list[Source]) -> dict[str, str]:
    """Outlet names, with the source id added where two sources share a name."""
    counts: dict[str, int] = defaultdict(int)
    for s in sources:
        counts[s.outlet] += 1
    return {
        s.source_id: s.outlet if counts[s.outlet] == 1 else f"{s.outlet} ({s.source_id})"
        for s in sources
    }


def _coverage(rec: Reconciliation, labels: dict[str, str]) -> list[Coverage]:
    groups = {g.group_id: g for g in rec.groups}
    rows = []
    for a in rec.accounts:
        sid = a.source_id

        def count(status: GroupStatus, sid: str = sid) -> int:
            return sum(1 for g in rec.groups if g.status is status and sid in g.source_ids)

        rows.append(
            Coverage(
                source_id=sid,
                outlet=labels.get(sid, a.outlet),
                agreed=count(GroupStatus.agreed),
                disputed=count(GroupStatus.disputed),
                only_here=count(GroupStatus.single_source),
                left_out=len(a.omits),
                left_out_points=[groups[g].point for g in a.omits if g in groups],
                other_versions=[
                    f"{', '.join(v.holders)}: {v.version}" if v.holders else v.version
                    for v in a.omits_versions
                ],
            )
        )
    return rows


def _is_outlet_voice(name: str, kind: AsserterKind | None = None) -> bool:
    return kind is AsserterKind.outlet or name.strip().lower() in {OUTLET_VOICE, "outlet"}


def _dispute(
    group: ClaimGroup,
    claims: dict[str, Claim],
    labels: dict[str, str],
) -> Dispute:
    sides = []
    for side in group.sides:
        outlets = [labels.get(s, s) for s in side.source_ids]
        holders = [h for h in side.holders if not _is_outlet_voice(h)]
        own_voice = len(holders) < len(side.holders)
        if holders:
            who = _join(holders)
            verb = "says" if len(holders) == 1 else "say"
            via = f"as reported by {_join(outlets)}" if outlets else ""
            if own_voice:
                via += f"; {_join(outlets)} also states it in its own voice"
        else:
            who = _join(outlets) or "An outlet"
            verb = "says" if len(outlets) <= 1 else "say"
            via = "in its own voice" if len(outlets) <= 1 else "in their own voice"
        side_refs = [
            Ref(
                cid,
                _href(claims[cid]),
                labels.get(claims[cid].source_id, ""),
                claims[cid].statement,
            )
            for cid in side.claim_ids
            if cid in claims
        ]
        sides.append(DisputeSide(who, verb, side.version, via, side_refs))
    return Dispute(group.group_id, group.point, sides)


def _join(names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_NORMALISE = [(re.compile(r"\bdefense\b"), "defence"), (re.compile(r"^the\s+"), "")]


def _party_key(name: str) -> str:
    key = " ".join(name.lower().split())
    for pattern, repl in _NORMALISE:
        key = pattern.sub(repl, key)
    return key


def _parties(rec: Reconciliation, labels: dict[str, str]) -> list[Party]:
    """Who says what across outlets: named parties (not the outlets' own voice), the ones in
    disputes first, then by how many outlets and claims carry them."""
    by_key: dict[str, list[Claim]] = defaultdict(list)
    names: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for account in rec.accounts:
        for c in account.claims:
            if _is_outlet_voice(c.asserter.name, c.asserter.kind):
                continue
            key = _party_key(c.asserter.name)
            by_key[key].append(c)
            names[key][c.asserter.name] += 1
    in_dispute = {
        _party_key(h)
        for g in rec.groups
        if g.status is GroupStatus.disputed
        for side in g.sides
        for h in side.holders
    }

    def rank(key: str) -> tuple[int, int, int]:
        members = by_key[key]
        return (
            0 if key in in_dispute else 1,
            -len({c.source_id for c in members}),
            -len(members),
        )

    parties = []
    for key in sorted(by_key, key=rank)[:MAX_PARTIES]:
        members = by_key[key]
        if key not in in_dispute and len(members) < 2:
            continue
        name = max(names[key].items(), key=lambda kv: kv[1])[0]
        shown = members[:MAX_PARTY_CLAIMS]
        parties.append(
            Party(
                name=name,
                anchor="party-" + re.sub(r"[^a-z0-9]+", "-", key).strip("-"),
                outlets=list(dict.fromkeys(labels.get(c.source_id, c.source_id) for c in members)),
                claims=[
                    PartyClaim(
                        statement=c.statement,
                        kind=c.kind.value,
                        kind_label=KIND_LABELS.get(c.kind.value, c.kind.value),
                        shape=KIND_SHAPES.get(c.kind.value, "•"),
                        outlet=labels.get(c.source_id, c.source_id),
                        href=_href(c),
                        claim_id=c.claim_id,
                    )
                    for c in shown
                ],
                more=len(members) - len(shown),
            )
        )
    return parties


# --------------------------------------------------------------------------- articles


def _safe(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", s)


def span_id(source_id: str, start: int, end: int) -> str:
    """The anchor of an evidence span (same scheme as the web viewer)."""
    return f"span-{_safe(source_id)}-{start}-{end}"


def _href(claim: Claim) -> str:
    if not claim.evidence:
        return f"#source-{_safe(claim.source_id)}"
    ev = claim.evidence[0]
    return "#" + span_id(claim.source_id, ev.start, ev.end)


@dataclass
class _Mark:
    start: int
    end: int
    claims: list[Claim] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


def highlight(source: Source, account: SourceAccount) -> Markup:
    """The article text with each evidence span in a focusable <mark>, followed by a visible
    label per claim (id, kind as text and shape, who asserts it); quotes are underlined.
    Spans that cross an enclosing span are clipped to it."""
    text = source.text
    marks: dict[tuple[int, int], _Mark] = {}

    def mark(start: int, end: int) -> _Mark:
        key = (start, end)
        if key not in marks:
            marks[key] = _Mark(start, end)
        return marks[key]

    for c in (*account.claims, *account.editorial):
        for ev in c.evidence:
            if 0 <= ev.start < ev.end <= len(text):  # bad offsets are skipped, never raised
                mark(ev.start, ev.end).claims.append(c)
    for q in account.quotes:
        if 0 <= q.start < q.end <= len(text):
            mark(q.start, q.end).quotes.append(q)
    ordered = sorted(marks.values(), key=lambda m: (m.start, -m.end))

    out: list[str] = []
    stack: list[tuple[int, _Mark | None]] = [(len(text), None)]  # (end, mark)
    pos = 0

    def emit(upto: int) -> None:
        nonlocal pos
        if upto > pos:
            out.append(str(escape(text[pos:upto])))
            pos = upto

    pending: list[str] = []  # claim labels wait until the outermost highlight closes

    def close() -> None:
        end, m = stack.pop()
        emit(end)
        out.append("</mark>")
        if m is not None and m.claims:
            pending.append(_labels(source, m, end))
        if len(stack) == 1:
            out.extend(pending)
            pending.clear()

    for m in ordered:
        while len(stack) > 1 and stack[-1][0] <= m.start:
            close()
        emit(m.start)
        end = min(m.end, stack[-1][0])
        if end <= m.start:
            continue
        out.append(_open_mark(source.source_id, m, end))
        stack.append((end, m))
    while len(stack) > 1:
        close()
    emit(len(text))
    return Markup("".join(out))


def _open_mark(source_id: str, m: _Mark, end: int) -> str:
    classes = []
    attrs: list[str] = []
    if m.claims:
        kind = m.claims[0].kind.value
        classes += ["ev", f"kind-{kind}"]
        label_id = f"lbl-{_safe(source_id)}-{m.start}-{end}"
        attrs += ['tabindex="0"', f'aria-describedby="{label_id}"']
        attrs.append(f'data-claims="{escape(" ".join(c.claim_id for c in m.claims))}"')
    if m.quotes:
        classes.append("quote")
        speakers = [q.speaker for q in m.quotes if q.speaker]
        if not m.claims:
            title = "quote" + (f" by {', '.join(speakers)}" if speakers else "")
            attrs.append(f'title="{escape(title)}"')
    ident = f' id="{span_id(source_id, m.start, end)}"' if end == m.end else ""
    return f'<mark class="{" ".join(classes)}"{ident} {" ".join(attrs)}>'.replace(" >", ">")


def _labels(source: Source, m: _Mark, end: int) -> str:
    label_id = f"lbl-{_safe(source.source_id)}-{m.start}-{end}"
    parts = []
    for c in m.claims:
        kind = c.kind.value
        parts.append(
            f'<span class="tag kind-{kind}">'
            f'<span class="shape" aria-hidden="true">{KIND_SHAPES.get(kind, "•")}</span> '
            f'<span class="cid">{escape(c.claim_id)}</span> '
            f"{escape(KIND_LABELS.get(kind, kind))}: "
            f'<span class="who">{escape(who_asserts(c, source.outlet))}</span></span>'
        )
    return f'<span class="tags" id="{label_id}">{"".join(parts)}</span>'


def who_asserts(claim: Claim, outlet: str) -> str:
    """Who the claim is credited to, in words: the asserter, or the outlet's own voice; with
    the speaker of the reported words when the schema carries one and it differs
    ("Shoigu, via Russian defence ministry")."""
    own = _is_outlet_voice(claim.asserter.name, claim.asserter.kind)
    who = f"{outlet}, in its own voice" if own else claim.asserter.name
    speaker = getattr(claim, "speaker", None)  # newer schemas: who said the words
    name = getattr(speaker, "name", None)
    if (
        isinstance(name, str)
        and name.strip()
        and _party_key(name) != _party_key(claim.asserter.name)
    ):
        return name if own else f"{name}, via {claim.asserter.name}"
    return who
