"""The one scorer interface: `async scorer(ctx) -> list[Score]`, where `ctx` holds everything a
scorer may read (the case, the output, the judge and its k), and each scorer declares its name,
the scores it returns, whether it applies to a case and whether it uses the judge. Modelled on
inspect_ai's `Scorer` protocol and pydantic_evals' `EvaluatorContext`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from service.evals.dataset import Case
from service.evals.judge import Judge
from service.evals.labels import CaseLabels
from service.evals.scorers.matching import FactMatches, match_facts
from service.evals.scorers.score import Score
from service.schemas import Reconciliation, StepRecord

NOT_LABELLED = {
    "basil": "BASIL has no hand-labelled facts (only bias spans)",
    "neus": "NeuS has no hand-labelled facts (only a neutral roundup)",
}


@dataclass(kw_only=True)
class ScoreContext:
    """One output of one case under scoring: the pipeline's reconciliation, or the baseline's
    bare summary (then `reconciliation` is None and only summary scorers run)."""

    case: Case
    judge: Judge
    fact_k: int  # judge candidates per gold (fact, source): --top-k
    summary_k: int  # judge candidates per summary check: --summary-k
    sentences: list[str]  # the summary under test, one string per sentence
    steps: list[StepRecord]  # the model steps that produced the output (cost)
    reconciliation: Reconciliation | None = None
    scores: list[Score] = field(default_factory=list)  # returned so far, in registry order
    _matches: FactMatches | None = field(default=None, init=False, repr=False)

    @classmethod
    def of_pipeline(
        cls, case: Case, rec: Reconciliation, judge: Judge, *, fact_k: int, summary_k: int
    ) -> ScoreContext:
        return cls(
            case=case,
            judge=judge,
            fact_k=fact_k,
            summary_k=summary_k,
            sentences=[s.text for s in rec.summary.sentences],
            steps=rec.steps,
            reconciliation=rec,
        )

    @classmethod
    def of_baseline(
        cls,
        case: Case,
        sentences: list[str],
        steps: list[StepRecord],
        judge: Judge,
        *,
        summary_k: int,
    ) -> ScoreContext:
        # fact_k is unused: the fact scorers read a reconciliation, which a baseline lacks.
        return cls(
            case=case,
            judge=judge,
            fact_k=0,
            summary_k=summary_k,
            sentences=sentences,
            steps=steps,
        )

    @property
    def rec(self) -> Reconciliation:
        assert self.reconciliation is not None, "a pipeline-only scorer ran on a bare summary"
        return self.reconciliation

    @property
    def labels(self) -> CaseLabels:
        assert self.case.labels is not None, "a LABELLED scorer ran on an unlabelled case"
        return self.case.labels

    async def fact_matches(self) -> FactMatches:
        """The gold-fact matches, judged on first use and shared by the scorers that read them
        (the judge is asked once per question, in a fixed order)."""
        if self._matches is None:
            self._matches = await match_facts(self.case, self.rec, self.judge, k=self.fact_k)
        return self._matches

    def earlier(self, name: str) -> Score | None:
        """A score an earlier scorer in the registry returned for this output."""
        return next((s for s in self.scores if s.name == name), None)


@dataclass(frozen=True)
class Requirement:
    """What a case must hold for a scorer to apply, and the reason reported when it does not."""

    holds: Callable[[Case], bool]
    why_not: Callable[[Case], str]


def _no_labels_reason(case: Case) -> str:
    return case.labels_note or NOT_LABELLED.get(case.dataset) or "no gold labels"


ANY_CASE = Requirement(lambda _case: True, lambda _case: "")
LABELLED = Requirement(lambda case: case.labels is not None, _no_labels_reason)
BASIL_CASE = Requirement(lambda case: case.dataset == "basil", lambda _case: "not a BASIL case")
NEUS_CASE = Requirement(lambda case: case.dataset == "neus", lambda _case: "not a NeuS case")


class Scorer(Protocol):
    """What the registry runs. `metrics` names the scores a call returns, so a scorer that does
    not apply can still list them as skipped."""

    @property
    def name(self) -> str: ...

    @property
    def metrics(self) -> tuple[str, ...]: ...

    @property
    def uses_judge(self) -> bool: ...

    @property
    def pipeline_only(self) -> bool:
        """Reads the reconciliation (sources, claims, groups), so it cannot score the
        baseline's bare summary."""
        ...

    @property
    def listed_when_skipped(self) -> bool: ...

    def applies(self, case: Case) -> bool: ...

    def skip_reason(self, case: Case) -> str: ...

    def __call__(self, ctx: ScoreContext) -> Awaitable[list[Score]]: ...


ScoreFn = Callable[[ScoreContext], Awaitable[list[Score]]]


@dataclass(frozen=True)
class FunctionScorer:
    """A `Scorer` made from an async function by the `scorer` decorator."""

    fn: ScoreFn
    name: str
    metrics: tuple[str, ...]
    requires: Requirement
    uses_judge: bool
    pipeline_only: bool
    listed_when_skipped: bool

    def applies(self, case: Case) -> bool:
        return self.requires.holds(case)

    def skip_reason(self, case: Case) -> str:
        return self.requires.why_not(case)

    def __call__(self, ctx: ScoreContext) -> Awaitable[list[Score]]:
        return self.fn(ctx)


def scorer(
    *,
    uses_judge: bool,
    pipeline_only: bool,
    requires: Requirement = ANY_CASE,
    metrics: tuple[str, ...] | None = None,
    listed_when_skipped: bool = True,
) -> Callable[[ScoreFn], FunctionScorer]:
    """Declare an async `fn(ctx) -> list[Score]` as a scorer named after the function.
    `metrics` defaults to that one name; `listed_when_skipped=False` leaves a scorer out of
    the report (rather than listed as skipped) for cases it does not apply to."""

    def wrap(fn: ScoreFn) -> FunctionScorer:
        name = fn.__name__
        return FunctionScorer(
            fn=fn,
            name=name,
            metrics=metrics or (name,),
            requires=requires,
            uses_judge=uses_judge,
            pipeline_only=pipeline_only,
            listed_when_skipped=listed_when_skipped,
        )

    return wrap
