"""PolNeAR cases: who says what, scored against labelled attribution spans in PARC's way.

Every gold attribution with a content span is matched one-to-one to the pipeline's
party-attributed claims (a claim with a speaker, or an asserter other than the outlet, and a
`content_span`), greedily by the number of characters their contents share.

- content: overlap P/R/F1 (a matched pair shares at least one character) and exact P/R/F1
  (the two contents are equal once outer punctuation, quotation marks and a leading "that"
  are set aside);
- source span match, on matched pairs whose gold attribution names a source: right when the
  pipeline's source mention overlaps the labelled source span (so a pronoun source is right
  when the pipeline's mention is that pronoun, whatever name it resolves to); a claim with no
  mention in its sentence (a quotation carried over) is right when its resolved name matches
  the labelled source's words;
- of the pipeline's party-attributed claims, the share lying in a labelled attribution (its
  content overlaps the gold content) whose source is the claim's (as above);
- losses by kind: `missed frame` (a gold attribution no claim covers), `wrong source` (matched,
  source not the labelled one), `narration credited to a party` (a party-attributed claim whose
  content overlaps no labelled content).

Articles with several annotators: scored against each, and each annotator's counts weigh
1/k, so every article counts once (the average of the annotators, not their union).
Deterministic; no model is used.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from service.datasets.polnear import GoldAttribution, Part
from service.evals.attribution import names_match
from service.evals.dataset import Case
from service.evals.scorers.context import Requirement, ScoreContext, scorer
from service.evals.scorers.score import Check, Score, short, skipped
from service.schemas import AsserterKind, Claim

POLNEAR_CASE = Requirement(
    lambda case: case.dataset == "polnear" and bool(case.polnear),
    lambda _case: "not a PolNeAR case",
)
METRICS = (
    "polnear_content_overlap_f1",
    "polnear_content_exact_f1",
    "polnear_source_match",
    "polnear_party_claims_in_attribution",
    "polnear_losses",
)
MAX_LISTED = 15  # examples listed per loss kind (the counts are complete)
_EDGE = " \t\n,.;:!?\"“”‘’'«»()—–-"

Range = tuple[int, int]


def _overlap(a: Iterable[Range], b: Iterable[Range]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _norm(text: str) -> str:
    text = " ".join(text.split()).strip(_EDGE)
    text = re.sub(r"^that\s+", "", text, flags=re.IGNORECASE)
    return text.strip(_EDGE).lower()


def _party_name(claim: Claim) -> str:
    if claim.speaker is not None:
        return claim.speaker.name
    return claim.asserter.name


def party_claims(claims: Iterable[Claim]) -> list[Claim]:
    """Claims credited to a party (not the outlet's own voice) that say where their content is."""
    return [
        c
        for c in claims
        if c.content_span is not None
        and (c.speaker is not None or c.asserter.kind is not AsserterKind.outlet)
    ]


def _source_right(claim: Claim, gold: Part) -> bool:
    if claim.source_span is not None:
        return _overlap([(claim.source_span.start, claim.source_span.end)], gold.ranges) > 0
    return names_match(_party_name(claim), gold.text)


@dataclass
class Tally:
    """Weighted counts (an annotator of an article with k annotators weighs 1/k)."""

    gold: float = 0.0
    predicted: float = 0.0
    matched: float = 0.0
    exact: float = 0.0
    with_source: float = 0.0
    source_right: float = 0.0
    party: float = 0.0
    party_in_attribution: float = 0.0
    missed: float = 0.0
    wrong_source: float = 0.0
    narration: float = 0.0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def f1(self, hits: float) -> tuple[float, float, float]:
        p = hits / self.predicted if self.predicted else 0.0
        r = hits / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Losses:
    missed: list[str] = field(default_factory=list)
    wrong_source: list[str] = field(default_factory=list)
    narration: list[str] = field(default_factory=list)


def score_article(
    text: str, claims: list[Claim], gold: list[GoldAttribution], weight: float, losses: Losses
) -> Tally:
    """One annotator's attributions of one article against the article's party claims."""
    golds = [g for g in gold if g.content is not None]
    preds = party_claims(claims)
    t = Tally(gold=weight * len(golds), predicted=weight * len(preds))
    pairs = []
    for gi, g in enumerate(golds):
        assert g.content is not None
        for pi, c in enumerate(preds):
            assert c.content_span is not None
            o = _overlap(g.content.ranges, [(c.content_span.start, c.content_span.end)])
            if o > 0:
                pairs.append((o, gi, pi))
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _o, gi, pi in sorted(pairs, reverse=True):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        g, c = golds[gi], preds[pi]
        assert g.content is not None and c.content_span is not None
        t.matched += weight
        if _norm(g.content.text) == _norm(c.content_span.text):
            t.exact += weight
        if g.source is not None:
            t.with_source += weight
            if _source_right(c, g.source):
                t.source_right += weight
            else:
                t.wrong_source += weight
                losses.wrong_source.append(
                    f"{c.claim_id}: credited to {_party_name(c)!r} "
                    f"(mention {c.source_span.text if c.source_span else None!r}), labelled "
                    f"source {g.source.text!r}: {short(g.content.text, 70)!r}"
                )
    for gi, g in enumerate(golds):
        if gi not in used_g:
            assert g.content is not None
            t.missed += weight
            who = g.source.text if g.source else "no source"
            cue = g.cue.text if g.cue else ""
            losses.missed.append(f"{who} / {cue!r}: {short(g.content.text, 80)!r}")
    for c in preds:
        assert c.content_span is not None
        span = [(c.content_span.start, c.content_span.end)]
        inside = [g for g in golds if g.content and _overlap(g.content.ranges, span) > 0]
        t.party += weight
        if any(g.source is not None and _source_right(c, g.source) for g in inside):
            t.party_in_attribution += weight
        if not inside:
            t.narration += weight
            losses.narration.append(
                f"{c.claim_id}: {_party_name(c)!r} credited with "
                f"{short(c.content_span.text, 80)!r} (rules {', '.join(c.rule_ids) or '-'})"
            )
    return t


def tally_case(
    case: Case, claims_by_article: dict[int, list[Claim]]
) -> tuple[Tally, dict[str, Tally], Losses]:
    total, losses = Tally(), Losses()
    by_outlet: defaultdict[str, Tally] = defaultdict(Tally)
    for i, article in enumerate(case.polnear):
        claims = claims_by_article.get(i, [])
        k = len(article.annotations)
        for gold in article.annotations:
            t = score_article(article.article.text, claims, gold, 1.0 / k, losses)
            total.add(t)
            by_outlet[article.publisher].add(t)
    return total, dict(by_outlet), losses


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


@scorer(uses_judge=False, pipeline_only=True, requires=POLNEAR_CASE, metrics=METRICS)
async def polnear_attribution(ctx: ScoreContext) -> list[Score]:
    case, rec = ctx.case, ctx.rec
    by_origin = {s.origin: s.source_id for s in rec.sources}
    accounts = {a.source_id: a for a in rec.accounts}
    claims_by_article: dict[int, list[Claim]] = {}
    for i, article in enumerate(case.polnear):
        sid = by_origin.get(article.article.origin)
        acc = accounts.get(sid or "")
        if acc is not None:
            claims_by_article[i] = [*acc.claims, *acc.editorial]
    total, by_outlet, losses = tally_case(case, claims_by_article)
    if not total.gold:
        return [skipped(m, "no labelled attribution with content") for m in METRICS]
    p, r, f = total.f1(total.matched)
    ep, er, ef = total.f1(total.exact)
    outlet_parts: dict[str, float] = {}
    for outlet, t in sorted(by_outlet.items()):
        outlet_parts[f"{outlet}.content_overlap_f1"] = round(t.f1(t.matched)[2], 4)
        outlet_parts[f"{outlet}.source_match"] = round(_ratio(t.source_right, t.with_source), 4)
        outlet_parts[f"{outlet}.party_claims_in_attribution"] = round(
            _ratio(t.party_in_attribution, t.party), 4
        )
    n_articles = len(case.polnear)
    counts = f"{total.gold:.0f} labelled attributions, {total.predicted:.0f} party claims"
    kinds = {
        "missed frame": losses.missed,
        "wrong source": losses.wrong_source,
        "narration credited to a party": losses.narration,
    }
    loss_checks = [
        Check(item=f"{kind} {n}", passed=False, explanation=line)
        for kind, lines in kinds.items()
        for n, line in enumerate(lines[:MAX_LISTED], 1)
    ]
    return [
        Score(
            name="polnear_content_overlap_f1",
            value=f,
            explanation=f"content overlap P {p:.3f} R {r:.3f} F1 {f:.3f} over {n_articles} "
            f"articles ({counts}; annotators averaged)",
            parts={"precision": round(p, 4), "recall": round(r, 4), **outlet_parts},
        ),
        Score(
            name="polnear_content_exact_f1",
            value=ef,
            explanation=f"content exact P {ep:.3f} R {er:.3f} F1 {ef:.3f} (outer punctuation, "
            "quotation marks and a leading 'that' aside)",
            parts={"precision": round(ep, 4), "recall": round(er, 4)},
        ),
        Score(
            name="polnear_source_match",
            value=_ratio(total.source_right, total.with_source),
            explanation=f"{total.source_right:.1f}/{total.with_source:.1f} matched attributions "
            "with a labelled source have the pipeline's source mention on that span",
        ),
        Score(
            name="polnear_party_claims_in_attribution",
            value=_ratio(total.party_in_attribution, total.party),
            explanation=f"{total.party_in_attribution:.1f}/{total.party:.1f} party-attributed "
            "claims lie in a labelled attribution with that source",
        ),
        Score(
            name="polnear_losses",
            informative=True,
            value=total.missed + total.wrong_source + total.narration,
            explanation=f"losses: {total.missed:.1f} missed frames, {total.wrong_source:.1f} "
            f"wrong sources, {total.narration:.1f} narration credited to a party "
            f"(first {MAX_LISTED} of each listed)",
            parts={
                "missed_frame": round(total.missed, 2),
                "wrong_source": round(total.wrong_source, 2),
                "narration_credited": round(total.narration, 2),
            },
            details=loss_checks,
        ),
    ]
