"""Scorers: each turns (case, output) into a `Score` with a value, an explanation and per-item
checks. Deterministic scorers first, judge-based ones after. A scorer that finds nothing to
score in a case returns status "skipped" with the reason. Metric definitions: docs/eval.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from service.evals.attribution import (
    has_attribution_cue,
    is_outlet_voice,
    names_in_text,
    names_match,
)
from service.evals.dataset import Case, gold_to_pipeline, pipeline_source_ids
from service.evals.judge import Judge, Verdict, cut_candidates, top_k
from service.evals.labels import Fact, FactStatus, Report
from service.pipeline.similarity import content_words, overlap
from service.schemas import Claim, GroupStatus, Reconciliation, StepRecord

Status = Literal["ok", "skipped", "error"]
SUPPORT_MIN = 0.5  # citation support: share of a sentence's content words found in its citations


class Check(BaseModel):
    item: str
    passed: bool | None = Field(description="None: informative or not judged.")
    explanation: str


class Score(BaseModel):
    name: str
    status: Status = "ok"
    value: float | None = None
    threshold: float | None = None
    passed: bool | None = None
    judged: bool = Field(False, description="Depends on the LLM judge.")
    informative: bool = Field(False, description="Reported, never pass/fail (e.g. cost).")
    explanation: str
    parts: dict[str, float] = Field(default_factory=dict)
    details: list[Check] = Field(default_factory=list)


def skipped(name: str, reason: str, *, judged: bool = False) -> Score:
    return Score(name=name, status="skipped", explanation=reason, judged=judged)


def _ratio(ok: int, total: int) -> float:
    return ok / total if total else 0.0


def ratio_score(
    name: str, checks: list[Check], explanation: str, *, skip: str, judged: bool = True
) -> Score:
    """The share of counted checks that passed (checks with passed=None are listed, not
    counted); skipped with `skip` when none counts. `explanation` takes {ok} and {n}."""
    counted = [c for c in checks if c.passed is not None]
    if not counted:
        return skipped(name, skip, judged=judged)
    ok_n = sum(bool(c.passed) for c in counted)
    return Score(
        name=name,
        value=_ratio(ok_n, len(counted)),
        judged=judged,
        explanation=explanation.format(ok=ok_n, n=len(counted)),
        details=checks,
    )


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _verdict_text(v: Verdict) -> str:
    if v.same is None:
        return "not judged (judge budget spent or answer unusable)"
    return f"judge {v.forward}/{v.backward or '-'}"


# --------------------------------------------------------------------------- 1 quote grounding


def quote_grounding(rec: Reconciliation) -> Score:
    texts = {s.source_id: s.text for s in rec.sources}
    total = ok = 0
    failed: list[Check] = []
    for account in rec.accounts:
        for q in account.quotes:
            total += 1
            got = texts.get(q.source_id, "")[q.start : q.end]
            if got == q.text:
                ok += 1
            else:
                failed.append(
                    Check(
                        item=q.quote_id,
                        passed=False,
                        explanation=(
                            f"quote {q.quote_id}: text[{q.start}:{q.end}] is {_short(got, 60)!r}, "
                            f"the quote says {_short(q.text, 60)!r}"
                        ),
                    )
                )
        for c in (*account.claims, *account.editorial):
            for n, span in enumerate(c.evidence, 1):
                total += 1
                got = texts.get(c.source_id, "")[span.start : span.end]
                if got == span.text:
                    ok += 1
                else:
                    failed.append(
                        Check(
                            item=f"{c.claim_id}.ev{n}",
                            passed=False,
                            explanation=(
                                f"claim {c.claim_id} evidence {n}: text[{span.start}:{span.end}] is "
                                f"{_short(got, 60)!r}, not {_short(span.text, 60)!r}"
                            ),
                        )
                    )
    if not total:
        return skipped("quote_grounding", "the output has no quotes and no evidence spans")
    return Score(
        name="quote_grounding",
        value=_ratio(ok, total),
        explanation=f"{ok}/{total} quotes and evidence spans are verbatim slices at their offsets"
        + (f"; {len(failed)} are not" if failed else ""),
        details=failed,
    )


# --------------------------------------------------------------------------- fact matching


@dataclass
class FactMatches:
    """Gold (fact, gold source) -> the pipeline claim judged to state it (None: not found)."""

    found: dict[tuple[str, str], Claim | None] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    source_map: dict[str, str] = field(default_factory=dict)  # gold source id -> pipeline id

    def claims_of(self, fact_id: str) -> set[str]:
        return {c.claim_id for (f, _), c in self.found.items() if f == fact_id and c}

    def facts_of_claim(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for (f, _), c in self.found.items():
            if c:
                out[c.claim_id].add(f)
        return out


def _claim_rank_text(claim: Claim) -> str:
    return claim.statement


async def match_facts(case: Case, rec: Reconciliation, judge: Judge) -> FactMatches:
    assert case.labels is not None
    result = FactMatches(source_map=gold_to_pipeline(case, rec))
    accounts = {a.source_id: a for a in rec.accounts}
    for fact in case.labels.facts:
        for gold_sid in fact.source_ids:
            sid = result.source_map.get(gold_sid)
            key = (fact.id, gold_sid)
            if sid is None or sid not in accounts:
                result.found[key] = None
                result.checks.append(
                    Check(
                        item=f"{fact.id}@{gold_sid}",
                        passed=False,
                        explanation=f"{fact.id} ({gold_sid}): the source is "
                        "missing from the output",
                    )
                )
                continue
            account = accounts[sid]
            candidates = [*account.claims, *account.editorial]
            evidence = [r.evidence for r in fact.reported_by if r.source == gold_sid]
            ranked = _rank_candidates(fact, evidence, candidates, judge.top_k)
            hit: Claim | None = None
            tried: list[str] = []
            for claim in ranked:
                verdict = await judge.same_fact(fact.statement, claim.statement)
                tried.append(f"{claim.claim_id} ({_verdict_text(verdict)})")
                if verdict.same:
                    hit = claim
                    break
            result.found[key] = hit
            if hit:
                expl = f"{fact.id} ({gold_sid}) found as {hit.claim_id}: {_short(hit.statement)!r}"
            elif not ranked:
                expl = (
                    f"{fact.id} ({gold_sid}) not found: no claim of {sid} shares words "
                    f"with {_short(fact.statement)!r}"
                )
            else:
                expl = (
                    f"{fact.id} ({gold_sid}) not found: {_short(fact.statement)!r}; "
                    f"candidates tried: {', '.join(tried)}"
                )
            result.checks.append(
                Check(item=f"{fact.id}@{gold_sid}", passed=hit is not None, explanation=expl)
            )
    return result


def _rank_candidates(
    fact: Fact, evidence: list[str], candidates: list[Claim], k: int
) -> list[Claim]:
    """Top-k by lexical overlap with the gold statement, boosted when a claim's evidence
    sentence contains the gold evidence excerpt (the same place in the article)."""

    def score(c: Claim) -> float:
        ev_text = " ".join(" ".join(s.text.split()) for s in c.evidence)
        here = any(" ".join(e.split()) in ev_text for e in evidence)
        return overlap(fact.statement, c.statement) + (0.5 if here else 0.0)

    return cut_candidates([(score(c), i, c) for i, c in enumerate(candidates)], k)


# --------------------------------------------------------------------------- 2 fact recall


def fact_recall(case: Case, matches: FactMatches) -> Score:
    assert case.labels is not None
    per_source: dict[str, list[bool]] = defaultdict(list)
    for (_fact, gold_sid), claim in matches.found.items():
        per_source[gold_sid].append(claim is not None)
    total = sum(len(v) for v in per_source.values())
    ok = sum(sum(v) for v in per_source.values())
    parts = {
        matches.source_map.get(g, g): _ratio(sum(v), len(v)) for g, v in sorted(per_source.items())
    }
    by_source = ", ".join(f"{s} {v:.0%}" for s, v in parts.items())
    return Score(
        name="fact_recall",
        value=_ratio(ok, total),
        judged=True,
        explanation=f"{ok}/{total} gold (fact, source) reports found among that source's "
        f"claims ({by_source})",
        parts=parts,
        details=matches.checks,
    )


# --------------------------------------------------------------------------- 3 attribution


def credits_gold(claim: Claim, gold: Sequence[Report], outlets: tuple[str, ...]) -> bool:
    """Whether the claim's asserter matches one of the gold asserters of its source."""
    return any(
        names_match(
            claim.asserter.name,
            r.asserter,
            predicted_kind=claim.asserter.kind.value,
            gold_kind=r.asserter_kind.value,
            outlets=outlets,
        )
        for r in gold
    )


def attribution_accuracy(case: Case, rec: Reconciliation, matches: FactMatches) -> Score:
    assert case.labels is not None
    outlets = tuple(s.outlet for s in rec.sources) + tuple(s.outlet for s in case.labels.sources)
    checks: list[Check] = []
    for (fact_id, gold_sid), claim in matches.found.items():
        if claim is None:
            continue
        fact = case.labels.fact(fact_id)
        gold = [r for r in fact.reported_by if r.source == gold_sid]
        ok = credits_gold(claim, gold, outlets)
        golds = " or ".join(repr(r.asserter) for r in gold)
        checks.append(
            Check(
                item=f"{fact_id}@{gold_sid}",
                passed=ok,
                explanation=(
                    f"{fact_id} ({claim.claim_id}): asserter {claim.asserter.name!r} "
                    f"({claim.asserter.kind.value}) {'matches' if ok else 'does not match'} gold "
                    f"{golds}"
                ),
            )
        )
    return ratio_score(
        "attribution_accuracy",
        checks,
        "{ok}/{n} matched claims credit the gold asserter (normalised token match)",
        skip="no gold fact was matched to a claim",
    )


# --------------------------------------------------------------------------- 4 disputes


def _gold_disputes(case: Case) -> list[tuple[str, str]]:
    assert case.labels is not None
    pairs = {
        tuple(sorted((f.id, other)))
        for f in case.labels.facts
        if f.status is FactStatus.disputed
        for other in f.conflicts_with
    }
    return sorted((a, b) for a, b in pairs)


def dispute_scores(case: Case, rec: Reconciliation, matches: FactMatches) -> list[Score]:
    assert case.labels is not None
    labels = case.labels
    gold_pairs = _gold_disputes(case)
    disputed = [g for g in rec.groups if g.status is GroupStatus.disputed]
    outlets = tuple(s.outlet for s in rec.sources)
    recall_checks: list[Check] = []
    useful_groups: set[str] = set()
    surfaced_n = attributed_n = 0
    for fa, fb in gold_pairs:
        ca, cb = matches.claims_of(fa), matches.claims_of(fb)
        item = f"{fa}<>{fb}"
        if not ca or not cb:
            missing = [f for f, c in ((fa, ca), (fb, cb)) if not c]
            recall_checks.append(
                Check(
                    item=item,
                    passed=False,
                    explanation=(
                        f"dispute {fa} vs {fb} not surfaced: {', '.join(missing)} not extracted from "
                        "any source"
                    ),
                )
            )
            continue
        found = None
        for g in disputed:
            for i, side_a in enumerate(g.sides):
                for j, side_b in enumerate(g.sides):
                    if i != j and ca & set(side_a.claim_ids) and cb & set(side_b.claim_ids):
                        found = (g, side_a, side_b)
                        break
                if found:
                    break
            if found:
                break
        if not found:
            together = [
                g.group_id for g in rec.groups if ca & set(g.claim_ids) and cb & set(g.claim_ids)
            ]
            why = (
                (
                    f"claims are grouped together in {', '.join(together)} but not as opposing "
                    "sides of a dispute"
                )
                if together
                else "their claims are in different groups"
            )
            recall_checks.append(
                Check(
                    item=item,
                    passed=False,
                    explanation=(f"dispute {fa} vs {fb} not surfaced: {why}"),
                )
            )
            continue
        g, side_a, side_b = found
        surfaced_n += 1
        useful_groups.add(g.group_id)
        missing_holders = []
        for fact_id, side in ((fa, side_a), (fb, side_b)):
            gold_names = [
                (r.asserter, r.asserter_kind.value) for r in labels.fact(fact_id).reported_by
            ]
            if not any(
                names_match(h, n, gold_kind=k, outlets=outlets)
                for h in side.holders
                for n, k in gold_names
            ):
                missing_holders.append(
                    f"side for {fact_id} held by {side.holders} (gold: "
                    f"{sorted({n for n, _ in gold_names})})"
                )
        ok = not missing_holders
        attributed_n += ok
        recall_checks.append(
            Check(
                item=item,
                passed=ok,
                explanation=(
                    f"dispute {fa} vs {fb} surfaced as {g.group_id}"
                    + (
                        "; holders attributed"
                        if ok
                        else f"; holders wrong: {'; '.join(missing_holders)}"
                    )
                ),
            )
        )
    scores: list[Score] = []
    if gold_pairs:
        scores.append(
            Score(
                name="dispute_recall",
                value=_ratio(attributed_n, len(gold_pairs)),
                judged=True,
                explanation=f"{attributed_n}/{len(gold_pairs)} gold disputes surfaced as a disputed "
                f"group with the holders attributed ({surfaced_n} surfaced at all)",
                parts={"surfaced": _ratio(surfaced_n, len(gold_pairs))},
                details=recall_checks,
            )
        )
    else:
        scores.append(skipped("dispute_recall", "the labels have no disputed facts", judged=True))
    fact_of = matches.facts_of_claim()
    precision_checks = []
    for g in disputed:
        ok = g.group_id in useful_groups
        facts = sorted({f for c in g.claim_ids for f in fact_of.get(c, set())})
        precision_checks.append(
            Check(
                item=g.group_id,
                passed=ok,
                explanation=(
                    f"{g.group_id} ({_short(g.point, 60)!r}) "
                    + (
                        "matches a gold dispute"
                        if ok
                        else f"is spurious: matches no gold dispute (gold facts in it: {facts or 'none'})"
                    )
                ),
            )
        )
    if disputed:
        ok_n = sum(bool(c.passed) for c in precision_checks)
        scores.append(
            Score(
                name="dispute_precision",
                value=_ratio(ok_n, len(disputed)),
                judged=True,
                explanation=f"{ok_n}/{len(disputed)} disputed groups match a gold dispute",
                details=precision_checks,
            )
        )
    else:
        scores.append(
            skipped("dispute_precision", "the output has no disputed groups", judged=True)
        )
    return scores


# --------------------------------------------------------------------------- 4b candidate stage


def gold_pairs(case: Case) -> list[tuple[str, str, str]]:
    """(kind, fact a, fact b): 'same' for a consensus fact reported by two or more sources,
    'conflict' for each labelled pair of disputed facts."""
    assert case.labels is not None
    out = [
        ("same", f.id, f.id)
        for f in case.labels.facts
        if f.status is FactStatus.consensus and len(set(f.source_ids)) > 1
    ]
    out += [("conflict", a, b) for a, b in _gold_disputes(case)]
    return out


def candidate_recall(case: Case, rec: Reconciliation, matches: FactMatches) -> Score:
    """Did alignment consider the pair at all? A gold pair whose claims were both extracted
    must be among the pairs alignment considered (rec.pairs), whatever it then decided."""
    considered = {frozenset((p.a, p.b)): p for p in rec.pairs}
    source_of = {c.claim_id: c.source_id for c in rec.all_claims()}
    checks: list[Check] = []
    for kind, fa, fb in gold_pairs(case):
        ca, cb = matches.claims_of(fa), matches.claims_of(fb)
        item = f"{fa}~{fb}" if kind == "same" else f"{fa}<>{fb}"
        options = [
            (x, y)
            for x in sorted(ca)
            for y in sorted(cb)
            if x != y and (kind == "conflict" or source_of[x] != source_of[y])
        ]
        if not options:
            checks.append(
                Check(
                    item=item,
                    passed=None,
                    explanation=f"{item} ({kind}): claims not extracted for both sides (not counted)",
                )
            )
            continue
        hit = next((considered[frozenset(o)] for o in options if frozenset(o) in considered), None)
        checks.append(
            Check(
                item=item,
                passed=hit is not None,
                explanation=(
                    f"{item} ({kind}): {hit.a} ~ {hit.b} considered, judged {hit.relation} "
                    f"({hit.decided_by})"
                    if hit
                    else f"{item} ({kind}): none of {len(options)} claim pairs was considered"
                ),
            )
        )
    return ratio_score(
        "candidate_recall",
        checks,
        "{ok}/{n} gold same/conflict pairs with both sides extracted reached the alignment "
        "decision",
        skip="no gold pair had both sides extracted",
    )


def stage_losses(
    case: Case, rec: Reconciliation, matches: FactMatches, summary: Sequence[Score]
) -> Score:
    """For each gold fact, the first stage where it was lost: not extracted, wrong asserter,
    never paired, mislabelled, or not summarized (consensus facts only). Informative."""
    assert case.labels is not None
    outlets = tuple(s.outlet for s in rec.sources) + tuple(s.outlet for s in case.labels.sources)
    considered = {frozenset((p.a, p.b)): p for p in rec.pairs}
    group_of = {c: g for g in rec.groups for c in g.claim_ids}
    covered: set[str] = set()
    for score in summary:
        if score.name == "consensus_coverage":
            covered = {c.item for c in score.details if c.passed}
    counts: dict[str, float] = defaultdict(float)
    checks: list[Check] = []
    for fact in case.labels.facts:
        stage = "ok"
        why = ""
        for gold_sid in sorted(set(fact.source_ids)):
            claim = matches.found.get((fact.id, gold_sid))
            if claim is None:
                stage, why = "not extracted", f"no claim of {gold_sid} states it"
                break
            gold = [r for r in fact.reported_by if r.source == gold_sid]
            if not credits_gold(claim, gold, outlets):
                stage = "wrong asserter"
                why = f"{claim.claim_id} credits {claim.asserter.name!r}"
                break
        if stage == "ok":
            partners = [b for k, a, b in gold_pairs(case) if a == fact.id] + [
                a for k, a, b in gold_pairs(case) if b == fact.id and k == "conflict"
            ]
            for other in partners:
                mine, theirs = matches.claims_of(fact.id), matches.claims_of(other)
                pairs = [considered.get(frozenset((x, y))) for x in mine for y in theirs if x != y]
                judged = [p for p in pairs if p is not None]
                if not judged:
                    stage, why = "never paired", f"with {other}"
                    break
                wanted = "same" if other == fact.id else "contradict"
                right = [p for p in judged if p.relation == wanted]
                together = any(
                    x in group_of and y in group_of and group_of[x] is group_of[y]
                    for x in mine
                    for y in theirs
                    if x != y
                )
                if not right or (wanted == "same" and not together):
                    rel = ", ".join(sorted({p.relation for p in judged}))
                    stage, why = "mislabelled", f"with {other}: judged {rel}, gold {wanted}"
                    break
        if stage == "ok" and fact.status is FactStatus.consensus and fact.id not in covered:
            stage, why = "not summarized", "no summary sentence states it"
        counts[stage] += 1
        checks.append(
            Check(
                item=fact.id,
                passed=stage == "ok",
                explanation=f"{fact.id} ({fact.status.value}): {stage}"
                + (f": {why}" if why else ""),
            )
        )
    total = len(checks)
    lost = ", ".join(f"{k} {int(v)}" for k, v in sorted(counts.items()) if k != "ok")
    return Score(
        name="stage_losses",
        value=_ratio(int(counts.get("ok", 0)), total),
        judged=True,
        informative=True,
        explanation=f"{int(counts.get('ok', 0))}/{total} gold facts survive every stage; lost: "
        f"{lost or 'none'}",
        parts={k: v for k, v in counts.items()},
        details=checks,
    )


# --------------------------------------------------------------------------- 6 omissions


def omission_scores(case: Case, rec: Reconciliation, matches: FactMatches) -> list[Score]:
    assert case.labels is not None
    groups = {g.group_id: g for g in rec.groups}
    accounts = {a.source_id: a for a in rec.accounts}
    fact_of = matches.facts_of_claim()
    recall: list[Check] = []
    precision: list[Check] = []
    for omission in case.labels.omissions:
        sid = matches.source_map.get(omission.source)
        if sid is None or sid not in accounts:
            continue
        omits = set(accounts[sid].omits)
        for fact_id in omission.facts:
            claims = matches.claims_of(fact_id)
            item = f"{omission.source} omits {fact_id}"
            if not claims:
                recall.append(
                    Check(
                        item=item,
                        passed=False,
                        explanation=(
                            f"{item}: not flagged; the fact was not extracted from any source"
                        ),
                    )
                )
                continue
            hit = sorted(gid for gid in omits if claims & set(groups[gid].claim_ids))
            in_groups = sorted(g.group_id for g in rec.groups if claims & set(g.claim_ids))
            recall.append(
                Check(
                    item=item,
                    passed=bool(hit),
                    explanation=(
                        f"{item}: flagged via {', '.join(hit)}"
                        if hit
                        else f"{item}: not flagged (its claims are in {', '.join(in_groups)}, not in "
                        f"{sid}'s omits {sorted(omits)})"
                        if in_groups
                        else f"{item}: not flagged; its claims ({', '.join(sorted(claims))}) are in "
                        "no group (opinion claims are not aligned, so they cannot be omitted)"
                    ),
                )
            )
        gold_omitted = set(omission.facts)
        for gid in sorted(omits):
            facts = {f for c in groups[gid].claim_ids for f in fact_of.get(c, set())}
            if not facts:
                precision.append(
                    Check(
                        item=f"{sid} omits {gid}",
                        passed=None,
                        explanation=(
                            f"{sid} omits {gid}: no gold fact in the group (unlabelled; not counted)"
                        ),
                    )
                )
                continue
            ok = bool(facts & gold_omitted)
            precision.append(
                Check(
                    item=f"{sid} omits {gid}",
                    passed=ok,
                    explanation=(
                        f"{sid} omits {gid} ({', '.join(sorted(facts))}): "
                        + (
                            "correct"
                            if ok
                            else f"wrong: {omission.source} reports "
                            f"{', '.join(sorted(facts - gold_omitted))}"
                        )
                    ),
                )
            )
    scores: list[Score] = []
    if recall:
        ok_n = sum(bool(c.passed) for c in recall)
        scores.append(
            Score(
                name="omission_recall",
                value=_ratio(ok_n, len(recall)),
                judged=True,
                explanation=f"{ok_n}/{len(recall)} gold omissions flagged in the "
                "source's omits list",
                details=recall,
            )
        )
    else:
        scores.append(skipped("omission_recall", "the labels list no omissions", judged=True))
    counted = [c for c in precision if c.passed is not None]
    if counted:
        ok_n = sum(bool(c.passed) for c in counted)
        scores.append(
            Score(
                name="omission_precision",
                value=_ratio(ok_n, len(counted)),
                judged=True,
                explanation=f"{ok_n}/{len(counted)} flagged omissions "
                f"(with a gold fact) are gold omissions; "
                f"{len(precision) - len(counted)} unlabelled not counted",
                details=precision,
            )
        )
    else:
        scores.append(
            skipped("omission_precision", "no flagged omission contains a gold fact", judged=True)
        )
    return scores


# --------------------------------------------------------------------------- 5 summary checks


async def _covering(
    judge: Judge, statement: str, sentences: list[str]
) -> tuple[int | None, list[str]]:
    tried: list[str] = []
    indexed = list(enumerate(sentences))
    for i, sentence in top_k(statement, indexed, lambda t: t[1], judge.top_k):
        verdict = await judge.same_fact(statement, sentence)
        tried.append(f"sentence {i + 1} ({_verdict_text(verdict)})")
        if verdict.same:
            return i, tried
    return None, tried


async def consensus_coverage(case: Case, sentences: list[str], judge: Judge) -> Score:
    assert case.labels is not None
    facts = [f for f in case.labels.facts if f.status is FactStatus.consensus]
    if not facts:
        return skipped("consensus_coverage", "the labels have no consensus facts", judged=True)
    if not sentences:
        return Score(
            name="consensus_coverage", value=0.0, judged=True, explanation="the summary is empty"
        )
    checks = []
    for f in facts:
        i, tried = await _covering(judge, f.statement, sentences)
        checks.append(
            Check(
                item=f.id,
                passed=i is not None,
                explanation=(
                    f"{f.id} covered by sentence {i + 1}: {_short(sentences[i])!r}"
                    if i is not None
                    else f"{f.id} not covered: {_short(f.statement)!r}; tried {', '.join(tried) or 'none'}"
                ),
            )
        )
    ok_n = sum(bool(c.passed) for c in checks)
    return Score(
        name="consensus_coverage",
        value=_ratio(ok_n, len(checks)),
        judged=True,
        explanation=f"{ok_n}/{len(checks)} consensus facts stated by a summary sentence",
        details=checks,
    )


async def disputed_attribution(case: Case, sentences: list[str], judge: Judge) -> Score:
    assert case.labels is not None
    facts = [f for f in case.labels.facts if f.status is FactStatus.disputed]
    if not facts:
        return skipped("disputed_attribution", "the labels have no disputed facts", judged=True)
    checks = []
    for f in facts:
        i, _tried = await _covering(judge, f.statement, sentences)
        if i is None:
            checks.append(
                Check(
                    item=f.id,
                    passed=None,
                    explanation=(f"{f.id} not covered by the summary (not counted)"),
                )
            )
            continue
        text = sentences[i]
        holders = sorted(
            {
                r.asserter
                for r in f.reported_by
                if not is_outlet_voice(r.asserter, r.asserter_kind.value)
            }
        )
        named = [h for h in holders if names_in_text(h, text)]
        cue = has_attribution_cue(text)
        ok = bool(named) or cue
        how = (
            f"names {named}"
            if named
            else "uses attribution wording"
            if cue
            else f"states it as fact (names none of {holders}, no attribution wording)"
        )
        checks.append(
            Check(
                item=f.id,
                passed=ok,
                explanation=(f"{f.id} in sentence {i + 1} {how}: {_short(text)!r}"),
            )
        )
    counted = [c for c in checks if c.passed is not None]
    if not counted:
        return Score(
            name="disputed_attribution",
            status="skipped",
            judged=True,
            explanation=f"none of the {len(facts)} disputed facts is covered by the summary",
            details=checks,
        )
    ok_n = sum(bool(c.passed) for c in counted)
    return Score(
        name="disputed_attribution",
        value=_ratio(ok_n, len(counted)),
        judged=True,
        explanation=f"{ok_n}/{len(counted)} covered disputed facts are attributed, not "
        f"asserted ({len(facts) - len(counted)} not covered)",
        details=checks,
    )


REPEAT_MIN_WORDS = 4
REPEAT_SHARE = 0.8


def repeats_wording(excerpt: str, sentences: list[str]) -> int | None:
    """The first sentence holding at least 80% of the excerpt's content words (stemmed), when
    the excerpt has enough of them to be distinctive."""
    words = content_words(excerpt)
    if len(words) < REPEAT_MIN_WORDS:
        return None
    for i, sentence in enumerate(sentences):
        if len(words & content_words(sentence)) >= REPEAT_SHARE * len(words):
            return i
    return None


async def framing_leak_free(case: Case, sentences: list[str], judge: Judge) -> Score:
    assert case.labels is not None
    framing = case.labels.framing
    if not framing:
        return skipped("framing_leak_free", "the labels have no framing assertions", judged=True)
    checks = []
    for e in framing:
        # Deterministic first: a sentence that repeats the outlet's own words is stating the
        # framing whatever the judge says (a 1.5B judge misses such paraphrases).
        i = repeats_wording(e.text, sentences)
        how = "repeats the outlet's wording" if i is not None else "judge"
        if i is None:
            i, _tried = await _covering(judge, e.assertion, sentences)
        if i is None:
            checks.append(
                Check(
                    item=e.id,
                    passed=True,
                    explanation=(f"{e.id} not stated: {_short(e.assertion)!r}"),
                )
            )
        elif has_attribution_cue(sentences[i], besides=f"{e.text} {e.assertion}"):
            checks.append(
                Check(
                    item=e.id,
                    passed=True,
                    explanation=(
                        f"{e.id} stated with attribution in sentence {i + 1}: "
                        f"{_short(sentences[i])!r}"
                    ),
                )
            )
        else:
            checks.append(
                Check(
                    item=e.id,
                    passed=False,
                    explanation=(
                        f"{e.id} LEAKED as fact in sentence {i + 1} ({how}): "
                        f"{_short(sentences[i])!r} (framing: {_short(e.assertion)!r}; {e.why})"
                    ),
                )
            )
    leaks = sum(c.passed is False for c in checks)
    return Score(
        name="framing_leak_free",
        value=1.0 - _ratio(leaks, len(checks)),
        judged=True,
        explanation=f"{leaks}/{len(checks)} framing assertions stated as fact by the "
        "summary (value = 1 - leak rate)",
        details=checks,
    )


def citation_support(rec: Reconciliation) -> Score:
    """Lexical: a sentence is supported when >= SUPPORT_MIN of its content words appear in
    its cited claims (statement, evidence sentence, asserter) or the cited outlets' names."""
    sentences = rec.summary.sentences
    if not sentences:
        return skipped("citation_support", "the summary has no sentences")
    by_id = {c.claim_id: c for c in rec.all_claims()}
    outlets = {s.source_id: s.outlet for s in rec.sources}
    checks = []
    for n, s in enumerate(sentences, 1):
        unknown = [c for c in s.claim_ids if c not in by_id]
        cited = [by_id[c] for c in s.claim_ids if c in by_id]
        pool = " ".join(
            f"{c.statement} {c.asserter.name} {outlets.get(c.source_id, '')} "
            + " ".join(e.text for e in c.evidence)
            for c in cited
        )
        words = content_words(s.text)
        support = _ratio(len(words & content_words(pool)), len(words)) if words else 1.0
        ok = support >= SUPPORT_MIN and not unknown and bool(cited)
        extra = sorted(words - content_words(pool))[:8]
        checks.append(
            Check(
                item=f"sentence {n}",
                passed=ok,
                explanation=(
                    f"sentence {n}: {support:.0%} of its words are in its {len(cited)} cited claims"
                    + (f"; unknown citations {unknown}" if unknown else "")
                    + ("" if ok else f"; unsupported words: {', '.join(extra)}")
                    + f": {_short(s.text)!r}"
                ),
            )
        )
    ok_n = sum(bool(c.passed) for c in checks)
    return Score(
        name="citation_support",
        value=_ratio(ok_n, len(checks)),
        explanation=f"{ok_n}/{len(checks)} summary sentences lexically supported "
        f"(>= {SUPPORT_MIN:.0%} of content words) by the claims they cite",
        details=checks,
    )


# --------------------------------------------------------------------------- 7 cost


def cost(steps: list[StepRecord], name: str = "cost") -> Score:
    if not steps:
        return skipped(name, "no model steps recorded")
    parts: dict[str, float] = {}
    checks = []
    for st in steps:
        parts[f"{st.step}.tokens"] = float(st.usage.total_tokens)
        parts[f"{st.step}.wall_s"] = round(st.wall_time_s, 3)
        checks.append(
            Check(
                item=st.step,
                passed=None,
                explanation=(
                    f"{st.step}: {st.calls} calls, {st.attempts} attempts, {st.cache_hits} cache hits, "
                    f"{st.usage.prompt_tokens}+{st.usage.completion_tokens} tokens spent, "
                    f"{st.cached_usage.total_tokens} more served from cache, "
                    f"{st.wall_time_s:.1f} s"
                ),
            )
        )
    tokens = sum(s.usage.total_tokens for s in steps)
    cached = sum(s.cached_usage.total_tokens for s in steps)
    hits = sum(s.cache_hits for s in steps)
    wall = sum(s.wall_time_s for s in steps)
    cache_note = (
        f"; {hits} answers from the response cache, which cost {cached} tokens when computed"
        if hits
        else ""
    )
    return Score(
        name=name,
        value=float(tokens),
        informative=True,
        explanation=f"{tokens} tokens spent, {wall:.1f} s model time over "
        f"{sum(s.calls for s in steps)} calls{cache_note} (informative, not pass/fail)",
        parts=parts,
        details=checks,
    )


# --------------------------------------------------------------------------- BASIL


def _speaker_name(raw: str) -> str | None:
    """BASIL speaker label -> a name, or None for category labels (other_anti, ...)."""
    if raw.lower().startswith("other") or raw.lower() in {"unknown", "none", ""}:
        return None
    return raw.replace("_", " ").strip()


def basil_quote_attribution(case: Case, rec: Reconciliation) -> Score:
    spans = [s for s in case.bias_spans if s.quote and s.speaker and _speaker_name(s.speaker)]
    if not spans:
        return skipped("basil_quote_attribution", "no BASIL quote span with a named speaker")
    index = pipeline_source_ids(case, rec)
    accounts = {a.source_id: a for a in rec.accounts}
    texts = {s.source_id: s.text for s in rec.sources}
    checks = []
    for n, span in enumerate(spans, 1):
        speaker = _speaker_name(span.speaker or "") or ""
        sid = index.get(span.article)
        item = f"span {n} ({sid or span.article})"
        if sid is None or sid not in accounts:
            checks.append(
                Check(
                    item=item,
                    passed=False,
                    explanation=(f"{item}: article {span.article} missing from the output"),
                )
            )
            continue
        text = texts[sid]
        start = span.start if text[span.start : span.end] == span.text else text.find(span.text)
        end = start + len(span.text)
        acc = accounts[sid]
        covering: list[tuple[str, str | None]] = (
            [(q.quote_id, q.speaker) for q in acc.quotes if q.start < end and start < q.end]
            + [
                # BASIL labels who *spoke*: a claim credits them as its asserter or, for a
                # person reported in the outlet's voice, as its speaker.
                (c.claim_id, who)
                for c in (*acc.claims, *acc.editorial)
                if any(e.start <= start and end <= e.end for e in c.evidence)
                for who in dict.fromkeys(
                    [c.asserter.name, *([c.speaker.name] if c.speaker else [])]
                )
            ]
            if start >= 0
            else []
        )
        ok = any(who and names_match(who, speaker) for _, who in covering)
        if not covering:
            expl = f"{item}: no quote or claim covers {_short(span.text, 60)!r} ({speaker})"
        else:
            found = ", ".join(f"{i}={w!r}" for i, w in covering[:4])
            expl = (
                f"{item}: {_short(span.text, 60)!r} by {speaker!r} "
                f"{'attributed' if ok else 'misattributed'} ({found})"
            )
        checks.append(Check(item=item, passed=ok, explanation=expl))
    ok_n = sum(bool(c.passed) for c in checks)
    return Score(
        name="basil_quote_attribution",
        value=_ratio(ok_n, len(checks)),
        explanation=f"{ok_n}/{len(checks)} BASIL quote spans covered by a quote/claim "
        "crediting the labelled speaker",
        details=checks,
    )


def _outside_quotes(haystack: str, needle: str) -> bool:
    """Whether `needle` occurs in `haystack` (case-insensitive) outside quotation marks."""
    low, target = haystack.lower(), needle.lower()
    pos = low.find(target)
    while pos >= 0:
        before = haystack[:pos]
        opened = (before.count('"') % 2 == 1) or before.count("“") > before.count("”")
        if not opened:
            return True
        pos = low.find(target, pos + 1)
    return False


def basil_lexical_leak_free(case: Case, sentences: list[str]) -> Score:
    spans = [s for s in case.bias_spans if s.bias == "lex" and not s.quote]
    if not spans:
        return skipped("basil_lexical_leak_free", "no BASIL lexical-bias span outside quotes")
    summary = " ".join(" ".join(s.split()) for s in sentences)
    checks = []
    for n, span in enumerate(spans, 1):
        phrase = " ".join(span.text.split())
        leaked = _outside_quotes(summary, phrase)
        checks.append(
            Check(
                item=f"lex {n}",
                passed=not leaked,
                explanation=(
                    f"loaded wording {phrase!r} (article {span.article}) "
                    + ("REPEATED in the summary as its own words" if leaked else "not repeated")
                ),
            )
        )
    leaks = sum(c.passed is False for c in checks)
    return Score(
        name="basil_lexical_leak_free",
        value=1.0 - _ratio(leaks, len(checks)),
        explanation=f"{leaks}/{len(checks)} BASIL lexical-bias spans repeated outside "
        "quotation marks (value = 1 - leak rate)",
        details=[c for c in checks if c.passed is False] or checks[:5],
    )


# --------------------------------------------------------------------------- NeuS


async def neus_coverage(case: Case, sentences: list[str], judge: Judge) -> Score:
    from service.text.sentences import split_sentences

    if not case.reference_summary:
        return skipped("neus_coverage", "no NeuS reference roundup", judged=True)
    facts = [s.text for s in split_sentences(case.reference_summary) if len(s.text.split()) >= 4]
    if not facts:
        return skipped("neus_coverage", "the reference roundup has no sentences", judged=True)
    checks = []
    for n, fact in enumerate(facts, 1):
        i, tried = await _covering(judge, fact, sentences)
        checks.append(
            Check(
                item=f"ref {n}",
                passed=i is not None,
                explanation=(
                    f"reference sentence {n} covered by summary sentence {i + 1}"
                    if i is not None
                    else f"reference sentence {n} not covered: {_short(fact)!r}; tried "
                    f"{', '.join(tried) or 'none'}"
                ),
            )
        )
    ok_n = sum(bool(c.passed) for c in checks)
    return Score(
        name="neus_coverage",
        value=_ratio(ok_n, len(checks)),
        judged=True,
        explanation=f"{ok_n}/{len(checks)} sentences of the neutral roundup stated by the summary",
        details=checks,
    )
