"""`reconciliation.html` and the web viewer's result: one template, `result.html.j2`, rendered
from a `Reconciliation`.

The first screen answers an editor's 30-second test: the event named in neutral words (never an
outlet's headline), what happened (the summary's lead), each real difference as a question
with each side's answer and who holds it, then what all agree on. The rest: coverage bars, a
timeline where the articles give dates, each party's view, the outlets, the articles side by
side with highlighted, labelled claims, the full summary; developer details (claim ids,
warnings, settings, provenance) sit in one closed "For developers" box.

`render_html` wraps the result in a self-contained page (inline CSS and JS, no network);
`render_result` is the same result alone, for the viewer (`POST /v1/render`). All article and
model text is escaped by Jinja2's autoescaping (or `markupsafe.escape` in `articles.py`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from service.pipeline.summary_points import split_disputed
from service.render.agreement import (
    Agreement,
    left_out_points,
    side_wording,
    verified_agreements,
)
from service.render.articles import (
    KIND_LABELS,
    KIND_SHAPES,
    highlight,
    href_of,
    is_outlet_voice,
    span_id,
    who_asserts,
)
from service.render.names import canonical_names, same_party
from service.render.timeline import find_when, published_day, sort_key
from service.render.wording import (
    join_names,
    neutral_headline,
    outlet_headlines,
    outlet_labels,
    party_name,
    plural,
    reader_note,
    shorten,
    unnest,
)
from service.schemas import Claim, ClaimGroup, GroupStatus, Reconciliation, Source

__all__ = [
    "KIND_LABELS",
    "RESULT_CSS",
    "build_view",
    "highlight",
    "neutral_headline",
    "render_html",
    "render_result",
    "span_id",
    "who_asserts",
]

PAGE_TEMPLATE = "reconciliation.html.j2"
RESULT_TEMPLATE = "result.html.j2"
# The result's styles, shared with the web viewer (which serves this file at /static/result.css).
RESULT_CSS = "result.css"
MAX_PARTIES = 8
MAX_PARTY_CLAIMS = 6
FIRST_SCREEN_AGREED = 4  # agreed points shown before "more agreed points"
UNNAMED_OUTLET = re.compile(r"^Source \d+$")


# --------------------------------------------------------------------------- view model


@dataclass
class Cite:
    """A numbered link to a claim's highlighted evidence (numbers in order of first use)."""

    n: int
    href: str
    claim_id: str  # for tools (data-claim); never shown
    label: str  # for screen readers: outlet and who asserts it


@dataclass
class Answer:
    holders: list[tuple[str, str]]  # (party, "per OUTLET"), or (outlet, "own reporting")
    text: str
    outlets: str
    cites: list[Cite]


@dataclass
class Question:
    group_id: str
    question: str
    answers: list[Answer]


@dataclass
class Agreed:
    point: str
    outlets: str
    cites: list[Cite]


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
class TimelineEntry:
    when: str
    day: str | None
    who: str
    statement: str
    outlet: str
    href: str


@dataclass
class PartyClaim:
    statement: str
    kind: str
    kind_label: str
    shape: str
    outlet: str
    href: str


@dataclass
class Party:
    name: str
    anchor: str
    outlets: str
    claims: list[PartyClaim]
    more: int


@dataclass
class Outlet:
    source_id: str
    label: str
    title: str | None
    url: str | None
    published: str | None
    unnamed: bool
    origin: str | None


@dataclass
class SummaryLine:
    text: str
    kind: str
    cites: list[Cite]


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
    lead: str | None
    lead_cites: list[Cite]
    lead_alike: str | None  # the outlets that verifiably report the lead's point alike
    lead_alike_point: str | None  # what they share, when that is the lead's core, not all of it
    standfirst: str
    questions: list[Question]  # differences between outlets (the summary's rule)
    within: list[Question]  # two versions inside one article: shown lower, collapsed
    agreed: list[Agreed]
    coverage: list[Coverage]
    timeline: list[TimelineEntry]
    parties: list[Party]
    outlets: list[Outlet]
    articles: list[Article]
    summary: list[SummaryLine]
    summary_note: str | None
    headlines: list[tuple[str, str]]  # (outlet label, headline as written), when they differ
    kinds: list[tuple[str, str, str]]
    dev_notes: list[str]
    merged_names: list[str]  # "Choïgu -> Sergei Shoigu (translit)": the display merges, audited
    warnings: list[str]
    steps: list[dict[str, str]]
    claim_index: list[tuple[int, str, str]]  # (citation number, claim id, outlet): developers
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def unnamed(self) -> list[Outlet]:
        return [o for o in self.outlets if o.unnamed]


# --------------------------------------------------------------------------- entry points


def render_html(rec: Reconciliation) -> str:
    """The whole page as one string; it loads nothing from anywhere."""
    template = _environment().get_template(PAGE_TEMPLATE)
    return template.render(
        v=build_view(rec),
        standalone=True,
        # The page's own rules, then the result's (shared with the web viewer): see result.css.
        css=Markup(_asset("reconciliation.css") + "\n" + _asset(RESULT_CSS)),
        js=Markup(_asset("reconciliation.js")),
    )


def render_result(rec: Reconciliation) -> str:
    """The result alone (no page around it), as the viewer shows it: the same template and
    text as `render_html`, one heading level lower, bar widths as data (its CSP forbids
    inline styles)."""
    return _environment().get_template(RESULT_TEMPLATE).render(v=build_view(rec), standalone=False)


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


@dataclass
class _Ctx:
    rec: Reconciliation
    labels: dict[str, str]
    claims: dict[str, Claim]
    canonical: dict[str, str]  # party name as written -> the name the page shows
    numbers: dict[str, int] = field(default_factory=dict)

    def outlet(self, source_id: str) -> str:
        return self.labels.get(source_id, source_id)

    def party(self, name: str) -> str:
        return self.canonical.get(" ".join(name.split()), name)

    def holder(self, claim: Claim) -> str:
        """Whose words these are: the party (asserter, or the speaker the outlet reports), else
        the outlet itself."""
        name = party_name(claim)
        return self.party(name) if name else self.outlet(claim.source_id)

    def cite(self, claim_id: str) -> Cite | None:
        c = self.claims.get(claim_id)
        if c is None:
            return None
        n = self.numbers.setdefault(claim_id, len(self.numbers) + 1)
        return Cite(
            n,
            href_of(c),
            claim_id,
            f"evidence {n}: {self.holder(c)}, in {self.outlet(c.source_id)}",
        )

    def cites(self, ids: list[str]) -> list[Cite]:
        return [c for c in (self.cite(i) for i in dict.fromkeys(ids)) if c is not None]


def build_view(rec: Reconciliation) -> View:
    labels = outlet_labels(rec.sources)
    claims = {c.claim_id: c for c in rec.all_claims()}
    names = [name for c in claims.values() if (name := party_name(c))]
    names += [h for g in rec.groups for s in g.sides for h in s.holders if not is_outlet_voice(h)]
    ctx = _Ctx(rec, labels, claims, canonical_names(names))

    sentences = list(rec.summary.sentences)
    lead: str | None = None
    lead_cites: list[Cite] = []
    if sentences and str(sentences[0].kind.value) == "lead":
        lead, lead_cites = unnest(sentences[0].text), ctx.cites(sentences[0].claim_ids)
        sentences = sentences[1:]

    # One rule with the summary: a difference between outlets is a disputed group for which
    # choose_dispute finds two sides from two outlets held by different parties. Versions
    # inside one article stay on the page, below, under their own heading.
    between, inside = split_disputed(rec.groups, ctx.claims)
    questions = [_question(g, ctx) for g in between]
    within = [_question(g, ctx) for g in inside]
    agreements = verified_agreements(rec)
    lead_ids = set(rec.summary.sentences[0].claim_ids) if lead else set()
    lead_alike = next((a for a in agreements if lead_ids & set(a.claim_ids)), None)
    agreed = [
        Agreed(
            unnest(a.text),
            join_names([ctx.outlet(s) for s in a.source_ids]),
            ctx.cites(list(a.claim_ids[:4])),
        )
        for a in agreements
        if a is not lead_alike  # the lead is not listed again; its outlets stand under it
    ]
    n = {status: sum(1 for g in rec.groups if g.status is status) for status in GroupStatus}
    standfirst = (
        f"{plural(len(rec.sources), 'outlet')} compared: "
        f"{plural(len(agreements), 'point')} reported alike, "
        f"{plural(len(questions), 'difference')} between outlets, "
        f"{plural(n[GroupStatus.single_source], 'point')} carried by one outlet only."
    )
    summary = [SummaryLine(unnest(s.text), s.kind.value, ctx.cites(s.claim_ids)) for s in sentences]
    sources = {s.source_id: s for s in rec.sources}
    articles = [
        Article(
            source=sources[a.source_id],
            label=ctx.outlet(a.source_id),
            body=highlight(sources[a.source_id], a),
            n_claims=len(a.claims),
            n_editorial=len(a.editorial),
            n_quotes=len(a.quotes),
        )
        for a in rec.accounts
        if a.source_id in sources
    ]
    return View(
        title=neutral_headline(rec),
        lead=lead,
        lead_cites=lead_cites,
        lead_alike=(
            join_names([ctx.outlet(s) for s in lead_alike.source_ids]) if lead_alike else None
        ),
        # "Reported alike by A, B and C" under the whole lead would credit B and C with A's
        # details; a shared core is written out as what they report alike
        lead_alike_point=lead_alike.text.rstrip(".") if lead_alike and lead_alike.core else None,
        standfirst=standfirst,
        questions=questions,
        within=within,
        agreed=agreed,
        coverage=_coverage(rec, ctx, agreements),
        timeline=_timeline(rec, ctx),
        parties=_parties(rec, ctx),
        outlets=[
            Outlet(
                s.source_id,
                ctx.outlet(s.source_id),
                s.title,
                s.url,
                s.published,
                bool(UNNAMED_OUTLET.match(s.outlet)),
                s.origin,
            )
            for s in rec.sources
        ],
        articles=articles,
        summary=summary,
        summary_note=reader_note(rec.summary.note),
        headlines=[(ctx.outlet(src.source_id), t) for src, t in outlet_headlines(rec.sources)],
        kinds=[(k, label, KIND_SHAPES[k]) for k, label in KIND_LABELS.items()],
        dev_notes=[rec.summary.note] if rec.summary.note else [],
        merged_names=[
            f"{name} → {shown} ({same_party(name, shown) or 'via another spelling'})"
            for name, shown in ctx.canonical.items()
            if name != shown
        ],
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
        claim_index=[
            (num, cid, ctx.outlet(claims[cid].source_id)) for cid, num in ctx.numbers.items()
        ],
        meta={
            "backend": rec.backend,
            "model": rec.model,
            "created": rec.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            "schema": rec.schema_version,
        },
    )


def _question(group: ClaimGroup, ctx: _Ctx) -> Question:
    answers = []
    for side in group.sides:
        side_claims = [ctx.claims[c] for c in side.claim_ids if c in ctx.claims]
        by_holder: dict[str, list[str]] = defaultdict(list)
        outlet_names = {ctx.outlet(s) for s in side.source_ids}
        if side_claims:
            for c in side_claims:
                by_holder[ctx.holder(c)].append(ctx.outlet(c.source_id))
        else:  # no claim resolved: the side's own holders and outlets
            for h in side.holders:
                name = ctx.party(h) if not is_outlet_voice(h) else ""
                for s in side.source_ids:
                    by_holder[name or ctx.outlet(s)].append(ctx.outlet(s))
        # "the ministry" and "Russia's defence ministry" holding one side are one party
        merged: dict[str, list[str]] = {}
        one_side = canonical_names(by_holder, same_side=True)
        for name, outlets in by_holder.items():
            merged.setdefault(one_side.get(name, name), []).extend(outlets)
        holders = []
        for name, outlets in merged.items():
            carried = sorted(set(outlets), key=outlets.index)
            if name in outlet_names and carried == [name]:
                holders.append((name, "own reporting"))  # the outlet in its own voice
            else:
                holders.append((name, f"per {join_names(carried)}"))
        answers.append(
            Answer(
                holders=holders,
                text=side_wording(side.version, side_claims),
                outlets=join_names(sorted(outlet_names)),
                cites=ctx.cites(side.claim_ids),
            )
        )
    question = (getattr(group, "question", None) or "").strip()
    if not question:
        question = f"Accounts differ on: {shorten(group.point.strip().rstrip('.'))}"
    return Question(group.group_id, question, _one_side_per_party(answers))


def _one_side_per_party(answers: list[Answer]) -> list[Answer]:
    """A party is on one side of a difference: a later answer whose holders all hold an
    earlier one is that side's too (seeds: "a source close to Lecornu" on two of three
    sides, once with "France neither accepted nor offered anything", once with "deny that
    such a conversation took place"); its evidence joins the earlier answer's."""
    out: list[Answer] = []
    for a in answers:
        names = {name for name, _ in a.holders}
        same = next((o for o in out if names <= {name for name, _ in o.holders}), None)
        if same is None:
            out.append(a)
        else:
            same.cites = same.cites + [c for c in a.cites if c not in same.cites]
    return out if len(out) > 1 else answers


def _coverage(rec: Reconciliation, ctx: _Ctx, agreements: list[Agreement]) -> list[Coverage]:
    """Per outlet: points reported alike (verified, as listed), in dispute, carried alone (an
    agreed group this outlet's claims do not verifiably share counts here), left out."""
    alike: dict[str, int] = defaultdict(int)  # outlet -> verified agreed points naming it
    for agreement in agreements:
        for sid in agreement.source_ids:
            alike[sid] += 1
    left_out = left_out_points(rec)
    rows = []
    for a in rec.accounts:
        sid = a.source_id

        def count(status: GroupStatus, sid: str = sid) -> int:
            return sum(1 for g in rec.groups if g.status is status and sid in g.source_ids)

        left = left_out[sid]
        rows.append(
            Coverage(
                source_id=sid,
                outlet=ctx.outlet(sid),
                agreed=alike[sid],
                disputed=count(GroupStatus.disputed),
                only_here=count(GroupStatus.single_source) + count(GroupStatus.agreed) - alike[sid],
                left_out=len(left),
                left_out_points=[wording for _gid, wording in left],
                other_versions=[
                    f"{join_names([ctx.party(h) for h in v.holders])}: {v.version}"
                    if v.holders
                    else v.version
                    for v in a.omits_versions
                ],
            )
        )
    return rows


def _timeline(rec: Reconciliation, ctx: _Ctx) -> list[TimelineEntry]:
    """Claims whose evidence gives a date or time; shown only when there are two or more."""
    sources = {s.source_id: s for s in rec.sources}
    found = []
    order = 0
    for a in rec.accounts:
        published = (
            published_day(sources[a.source_id].published) if a.source_id in sources else None
        )
        for c in a.claims:
            order += 1
            text = " ".join(ev.text for ev in c.evidence) or c.statement
            dated = find_when(text, published, order)
            if dated is not None:
                found.append((dated, c))
    found.sort(key=lambda dc: sort_key(dc[0]))
    entries = [
        TimelineEntry(
            when=d.when,
            day=d.day.isoformat() if d.day else None,
            who=ctx.holder(c),
            statement=c.statement,
            outlet=ctx.outlet(c.source_id),
            href=href_of(c),
        )
        for d, c in found
    ]
    return entries if len(entries) >= 2 else []


def _parties(rec: Reconciliation, ctx: _Ctx) -> list[Party]:
    """Who says what across outlets: named parties (not the outlets' own voice), the ones in
    disputes first, then by how many outlets and claims carry them."""
    by_name: dict[str, list[Claim]] = defaultdict(list)
    for account in rec.accounts:
        for c in account.claims:
            if name := party_name(c):
                by_name[ctx.party(name)].append(c)
    in_dispute = {
        ctx.party(h)
        for g in rec.groups
        if g.status is GroupStatus.disputed
        for side in g.sides
        for h in side.holders
    }

    def rank(name: str) -> tuple[int, int, int]:
        members = by_name[name]
        return (0 if name in in_dispute else 1, -len({c.source_id for c in members}), -len(members))

    parties = []
    for name in sorted(by_name, key=rank)[:MAX_PARTIES]:
        members = by_name[name]
        if name not in in_dispute and len(members) < 2:
            continue
        shown = members[:MAX_PARTY_CLAIMS]
        parties.append(
            Party(
                name=name,
                anchor="party-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
                outlets=join_names([ctx.outlet(c.source_id) for c in members]),
                claims=[
                    PartyClaim(
                        statement=c.statement,
                        kind=c.kind.value,
                        kind_label=KIND_LABELS.get(c.kind.value, c.kind.value),
                        shape=KIND_SHAPES.get(c.kind.value, "•"),
                        outlet=ctx.outlet(c.source_id),
                        href=href_of(c),
                    )
                    for c in shown
                ],
                more=len(members) - len(shown),
            )
        )
    return parties
