"""The articles on the reader's page: each text with its claims' evidence in focusable
<mark>s, a visible label after each (kind as text and shape, who asserts it), quotes underlined.

Claim ids stay out of the visible text (they are in `data-claims`, for tools and the JSON).
All article text is escaped here with `markupsafe.escape`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from service.render.names import same_party
from service.schemas import AsserterKind, Claim, ClaimKind, Quote, Source, SourceAccount

__all__ = [
    "KIND_LABELS",
    "KIND_SHAPES",
    "OUTLET_VOICE",
    "highlight",
    "href_of",
    "is_outlet_voice",
    "span_id",
    "who_asserts",
]

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


def is_outlet_voice(name: str, kind: AsserterKind | None = None) -> bool:
    return kind is AsserterKind.outlet or name.strip().lower() in {OUTLET_VOICE, "outlet"}


def _safe(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", s)


def span_id(source_id: str, start: int, end: int) -> str:
    """The anchor of an evidence span (same scheme as the web viewer)."""
    return f"span-{_safe(source_id)}-{start}-{end}"


def href_of(claim: Claim) -> str:
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
    label per claim (kind as text and shape, who asserts it); quotes are underlined.
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
            f"{escape(KIND_LABELS.get(kind, kind))}: "
            f'<span class="who">{escape(who_asserts(c, source.outlet))}</span></span>'
        )
    return f'<span class="tags" id="{label_id}">{"".join(parts)}</span>'


def who_asserts(claim: Claim, outlet: str) -> str:
    """Who the claim is credited to, in words: the asserter, or the outlet's own voice; with
    the speaker of the reported words when the schema carries one and it differs
    ("Shoigu, via Russian defence ministry")."""
    own = is_outlet_voice(claim.asserter.name, claim.asserter.kind)
    who = f"{outlet}, in its own voice" if own else claim.asserter.name
    speaker = getattr(claim, "speaker", None)  # newer schemas: who said the words
    name = getattr(speaker, "name", None)
    if isinstance(name, str) and name.strip() and not same_party(name, claim.asserter.name):
        return name if own else f"{name}, via {claim.asserter.name}"
    return who
