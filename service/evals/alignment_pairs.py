"""The alignment step scored on hand-labelled claim pairs (evals/alignment_pairs.yaml).

Each pair is aligned as its own two-claim event through the real step. By code alone (a
stand-in model that answers nothing useful), a pair the rules decide counts with the rules'
relation and a pair left to the model counts as undecided; with a model, the model's answers
go through the same checks as in a run. Reported: precision and recall of `contradict` and
`same`, and how many pairs code decided. Deterministic with the stand-in model."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from service.errors import InputError
from service.llm.structured import StructuredLLM
from service.pipeline.alignment.examples import Example, judge
from service.pipeline.alignment.ruledata import MODEL

Label = Literal["same", "contradict", "different"]


class LabelledPair(Example):
    model_config = ConfigDict(extra="forbid")

    event: str
    label: Label
    reason: str = Field(min_length=10)


class PairSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pairs: list[LabelledPair] = Field(min_length=1)


def load_pairs(path: Path) -> list[LabelledPair]:
    try:
        return PairSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).pairs
    except (OSError, yaml.YAMLError, ValueError) as e:
        raise InputError(f"cannot read the labelled pairs ({e})", source=str(path)) from e


@dataclass(frozen=True)
class Outcome:
    pair: LabelledPair
    predicted: str  # same / contradict / different, or "undecided" (left to the model)
    rule_id: str


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


async def score_pairs(pairs: list[LabelledPair], llm: StructuredLLM | None = None) -> list[Outcome]:
    """Each pair's predicted relation: by code alone when `llm` is None."""
    out = []
    for pair in pairs:
        judged = await judge(pair, llm)
        if judged is None:  # not even a candidate: too little in common
            out.append(Outcome(pair, "different", "not a candidate"))
        elif llm is None and judged.rule_id == MODEL:
            out.append(Outcome(pair, "undecided", MODEL))
        else:
            out.append(Outcome(pair, judged.relation, judged.rule_id or MODEL))
    return out


def prf(outcomes: list[Outcome], label: str) -> PRF:
    tp = sum(o.predicted == label and o.pair.label == label for o in outcomes)
    fp = sum(o.predicted == label and o.pair.label != label for o in outcomes)
    fn = sum(o.predicted != label and o.pair.label == label for o in outcomes)
    return PRF(tp, fp, fn)


def report(outcomes: list[Outcome]) -> str:
    def fmt(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    lines = []
    by_code = sum(o.predicted != "undecided" and o.rule_id != MODEL for o in outcomes)
    by_model = sum(o.predicted != "undecided" and o.rule_id == MODEL for o in outcomes)
    lines.append(
        f"{len(outcomes)} pairs; decided by code (rules and checks): {by_code}; "
        f"the model's answer stood: {by_model}"
    )
    for label in ("contradict", "same"):
        s = prf(outcomes, label)
        lines.append(
            f"{label:10} precision {fmt(s.precision)} ({s.tp}/{s.tp + s.fp})  "
            f"recall {fmt(s.recall)} ({s.tp}/{s.tp + s.fn})"
        )
    rules = Counter(o.rule_id for o in outcomes)
    lines.append("deciding rules: " + ", ".join(f"{r} {n}" for r, n in rules.most_common()))
    wrong = [o for o in outcomes if o.predicted not in ("undecided", o.pair.label)]
    for o in wrong:
        lines.append(
            f"  wrong: {o.pair.event}: labelled {o.pair.label}, got {o.predicted} by {o.rule_id}: "
            f"{o.pair.a[2][:60]!r} / {o.pair.b[2][:60]!r}"
        )
    return "\n".join(lines)
