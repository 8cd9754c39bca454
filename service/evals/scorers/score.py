"""What every scorer returns: a `Score` with a value, an explanation and per-item `Check`s, and
the one helper that turns a list of checks into a ratio score."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["ok", "skipped", "error"]


class Check(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: str
    passed: bool | None = Field(description="None: informative or not judged.")
    explanation: str


class Score(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


def share(ok: int, total: int) -> float:
    return ok / total if total else 0.0


def ratio_score(
    name: str,
    checks: list[Check],
    explain: Callable[[int, int], str],
    *,
    skip: str,
    judged: bool,
    leaks: bool = False,
    informative: bool = False,
    parts: dict[str, float] | None = None,
    details: list[Check] | None = None,
) -> Score:
    """The share of counted checks that passed; checks with passed=None are listed, not
    counted. Skipped with the reason `skip` when none counts.

    `explain(ok, n)` words the result. With `leaks`, the value is 1 - the share that failed
    and `explain` gets the failures instead of the passes (a leak rate reads as what leaked).
    `details` replaces the listed checks (default: all of them)."""
    counted = [c for c in checks if c.passed is not None]
    if not counted:
        return skipped(name, skip, judged=judged)
    if leaks:
        failed = sum(c.passed is False for c in counted)
        value, said = 1.0 - share(failed, len(counted)), failed
    else:
        ok = sum(bool(c.passed) for c in counted)
        value, said = share(ok, len(counted)), ok
    return Score(
        name=name,
        value=value,
        judged=judged,
        informative=informative,
        explanation=explain(said, len(counted)),
        parts=parts or {},
        details=checks if details is None else details,
    )


def short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
