"""The eval's LLM judge: "does text B state the same fact as text A?".

- Same interface as the pipeline: `StructuredLLM.complete` with the versioned prompt
  `prompts/judge_same_fact.md` and the `JudgeVerdict` schema; answers are cached by the
  backend's response cache, and verdicts again in memory for the run.
- Position bias: a pair counts as the same fact only if the judge says yes in both orders,
  (A, B) and (B, A). The second order is asked only when the first says yes (a "no" already
  decides), so a "no" costs one call and a "yes" two. Yes-then-no answers are counted as
  `order_flips`.
- Bounded cost: callers pre-filter candidates lexically (`top_k` by `overlap`, with their own
  k: the judge holds no k, so one judge serves checks with different k), and the judge stops
  answering after `max_calls` model calls (later questions are reported as unjudged).
- A judge that cannot be checked is not trusted: `agreement` runs it on hand-judged pairs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, Field

from service.errors import InvalidOutputError, TruncatedOutputError
from service.evals.labels import JudgePair
from service.llm.base import CompletionRequest
from service.llm.fake_responder import first_user_text, register_stub
from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.similarity import overlap
from service.prompts import load_prompt
from service.schemas import StrictModel

DEFAULT_TOP_K = 3  # judge candidates per gold (fact, source)
DEFAULT_SUMMARY_K = 2  # judge candidates per summary check: fewer calls, sentences are few
DEFAULT_MAX_CALLS = 400
MIN_OVERLAP = 0.12  # candidates sharing (almost) no content word are not worth a call
RELATIVE_CUTOFF = 0.5  # nor are candidates scoring under half the best candidate's overlap

T = TypeVar("T")


class JudgeVerdict(StrictModel):
    answer: str = Field(pattern="^(yes|no)$", description="'yes' or 'no'.")


FAKE_SAME_AT = 0.5  # `--backend fake`: word overlap from which the fake judge says "yes"
_TEXT = re.compile(r"^Text ([AB]): (.*)$", re.MULTILINE)


def _fake_verdict(request: CompletionRequest) -> dict[str, Any] | None:
    """`--backend fake`: "yes" when the two texts (`Text A: …`, `Text B: …` in the judge
    prompt) share most of their words."""
    texts = dict(_TEXT.findall(first_user_text(request)))
    if set(texts) != {"A", "B"}:
        return None
    return {"answer": "yes" if overlap(texts["A"], texts["B"]) >= FAKE_SAME_AT else "no"}


register_stub(JudgeVerdict, _fake_verdict)


def top_k(query: str, candidates: Sequence[T], text_of: Callable[[T], str], k: int) -> list[T]:
    """The k candidates with the highest lexical overlap with `query` (ties keep input order)."""
    scored = [(overlap(query, text_of(c)), i, c) for i, c in enumerate(candidates)]
    return cut_candidates(scored, k)


def cut_candidates(scored: list[tuple[float, int, T]], k: int) -> list[T]:
    """Best k by score, dropping those under MIN_OVERLAP or under RELATIVE_CUTOFF x the best."""
    scored = sorted((s for s in scored if s[0] >= MIN_OVERLAP), key=lambda s: (-s[0], s[1]))
    if not scored:
        return []
    floor = scored[0][0] * RELATIVE_CUTOFF
    return [c for score, _, c in scored[:k] if score >= floor]


class Verdict(BaseModel):
    same: bool | None  # None: not judged (budget spent or the judge's answer was unusable)
    forward: str | None  # answer for (A, B)
    backward: str | None  # answer for (B, A); None when not asked
    note: str = ""

    def describe(self) -> str:
        if self.same is None:
            return "not judged (judge budget spent or answer unusable)"
        return f"judge {self.forward}/{self.backward or '-'}"


@dataclass
class Judge:
    llm: StructuredLLM
    max_calls: int = DEFAULT_MAX_CALLS
    meter: StepMeter = field(init=False)
    order_flips: int = 0
    errors: int = 0
    unjudged: int = 0
    _answers: dict[tuple[str, str], str | None] = field(default_factory=dict, init=False)
    _verdicts: dict[tuple[str, str], Verdict] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.meter = self.llm.meter("judge", load_prompt("judge_same_fact").ref)

    @property
    def calls(self) -> int:
        return self.meter.calls

    async def _ask(self, first: str, second: str) -> str | None:
        key = (first, second)
        if key in self._answers:
            return self._answers[key]
        if self.meter.calls >= self.max_calls:
            return None  # not memoised: a later run with a bigger budget may answer
        prompt = load_prompt("judge_same_fact").render(
            first=_one_line(first), second=_one_line(second)
        )
        answer: str | None
        try:
            verdict = await self.llm.complete(prompt, JudgeVerdict, meter=self.meter, max_tokens=16)
            answer = verdict.answer
        except (InvalidOutputError, TruncatedOutputError):
            self.errors += 1
            answer = None
        self._answers[key] = answer
        return answer

    async def same_fact(self, a: str, b: str) -> Verdict:
        key = (a, b)
        if key in self._verdicts:
            return self._verdicts[key]
        forward = await self._ask(a, b)
        if forward is None:
            self.unjudged += 1
            return Verdict(same=None, forward=None, backward=None, note="not judged")
        if forward == "no":
            verdict = Verdict(same=False, forward="no", backward=None)
        else:
            backward = await self._ask(b, a)
            if backward is None:
                self.unjudged += 1
                return Verdict(same=None, forward=forward, backward=None, note="not judged")
            if backward == "no":
                self.order_flips += 1
            verdict = Verdict(
                same=backward == "yes",
                forward=forward,
                backward=backward,
                note="" if backward == "yes" else "yes only in the (A, B) order",
            )
        self._verdicts[key] = verdict
        return verdict


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- agreement


class Disagreement(BaseModel):
    pair_id: str
    fact: str
    candidate: str
    gold: bool
    judge: bool | None
    why: str


class JudgeAgreement(BaseModel):
    status: str  # "checked" | "unchecked"
    reason: str = ""
    n: int = 0
    agreement: float | None = None
    kappa: float | None = None
    order_flips: int = 0
    unjudged: int = 0
    disagreements: list[Disagreement] = []


def cohen_kappa(gold: Sequence[bool], pred: Sequence[bool]) -> float | None:
    """Cohen's kappa for two binary raters; None when undefined (no pairs)."""
    n = len(gold)
    if n == 0:
        return None
    po = sum(g == p for g, p in zip(gold, pred, strict=True)) / n
    g_yes, p_yes = sum(gold) / n, sum(pred) / n
    pe = g_yes * p_yes + (1 - g_yes) * (1 - p_yes)
    if pe == 1.0:
        return 1.0 if po == 1.0 else 0.0
    return (po - pe) / (1 - pe)


async def agreement(judge: Judge, pairs: Sequence[JudgePair]) -> JudgeAgreement:
    """Run the judge on hand-judged pairs. Agreement and kappa are over the pairs it judged;
    an unjudged pair (budget spent, unusable answer) is counted apart, never as a "no": with
    `--judge-budget 0` the check is "unchecked", not a 59 % agreement with nothing."""
    flips_before = judge.order_flips
    gold: list[bool] = []
    pred: list[bool] = []
    disagreements: list[Disagreement] = []
    unjudged = 0
    for pair in pairs:
        verdict = await judge.same_fact(pair.fact, pair.candidate)
        if verdict.same is None:
            unjudged += 1
            continue
        gold.append(pair.same_fact)
        pred.append(verdict.same)
        if verdict.same != pair.same_fact:
            disagreements.append(
                Disagreement(
                    pair_id=pair.id,
                    fact=pair.fact,
                    candidate=pair.candidate,
                    gold=pair.same_fact,
                    judge=verdict.same,
                    why=pair.why,
                )
            )
    n = len(gold)
    flips = judge.order_flips - flips_before
    if not n and pairs:
        return JudgeAgreement(
            status="unchecked",
            reason=f"none of the {len(pairs)} hand-judged pairs was judged "
            "(judge budget spent or answers unusable)",
            order_flips=flips,
            unjudged=unjudged,
        )
    return JudgeAgreement(
        status="checked",
        n=n,
        agreement=sum(g == p for g, p in zip(gold, pred, strict=True)) / n if n else None,
        kappa=cohen_kappa(gold, pred),
        order_flips=flips,
        unjudged=unjudged,
        disagreements=disagreements,
    )
