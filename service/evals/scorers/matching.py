"""Gold facts -> the pipeline claims that state them (judged once per case, read by the fact,
dispute, omission and stage scorers), and whether a claim credits the gold asserter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from service.evals.attribution import names_match
from service.evals.dataset import Case, gold_to_pipeline
from service.evals.judge import Judge, cut_candidates
from service.evals.labels import Fact, Report
from service.evals.scorers.score import Check, short
from service.pipeline.similarity import overlap
from service.schemas import Claim, Reconciliation


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


async def match_facts(case: Case, rec: Reconciliation, judge: Judge, *, k: int) -> FactMatches:
    """For each gold (fact, source), judge the source's top-`k` candidate claims in order and
    keep the first judged to state the fact."""
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
            ranked = _rank_candidates(fact, evidence, candidates, k)
            hit: Claim | None = None
            tried: list[str] = []
            unjudged = False
            for claim in ranked:
                verdict = await judge.same_fact(fact.statement, claim.statement)
                tried.append(f"{claim.claim_id} ({verdict.describe()})")
                if verdict.same:
                    hit = claim
                    break
                unjudged = unjudged or verdict.same is None
            result.found[key] = hit
            if hit:
                expl = f"{fact.id} ({gold_sid}) found as {hit.claim_id}: {short(hit.statement)!r}"
            elif not ranked:
                expl = (
                    f"{fact.id} ({gold_sid}) not found: no claim of {sid} shares words "
                    f"with {short(fact.statement)!r}"
                )
            else:
                expl = (
                    f"{fact.id} ({gold_sid}) not found: {short(fact.statement)!r}; "
                    f"candidates tried: {', '.join(tried)}"
                )
            # A fact the judge never answered for (budget spent) is not counted as missing.
            passed = True if hit else (None if unjudged else False)
            result.checks.append(
                Check(item=f"{fact.id}@{gold_sid}", passed=passed, explanation=expl)
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
