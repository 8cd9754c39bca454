"""The alignment rules' data (rules.yaml beside this module), loaded once and checked.

A rule's id is what a PairJudgment records; its prose reason is for readers and is never
branched on. The loader rejects what would make the file lie: unknown keys, duplicate words,
a pattern that does not compile, a rule id used in code but not declared (see `rule`)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from service.errors import ConfigError

RULES_FILE = Path(__file__).with_name("rules.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Threshold(_Strict):
    value: float
    reason: str = Field(min_length=10)


class WordList(_Strict):
    reason: str = Field(min_length=10)
    words: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_duplicates(self) -> WordList:
        seen = [w.lower() for w in self.words]
        dupes = sorted({w for w in seen if seen.count(w) > 1})
        if dupes:
            raise ValueError(f"duplicate words {dupes}")
        if any(" " in w for w in self.words):
            # Lists are matched token by token: a two-word entry could never match.
            raise ValueError("entries are single tokens")
        return self


class Pattern(_Strict):
    reason: str = Field(min_length=10)
    regex: str

    @model_validator(mode="after")
    def _compiles(self) -> Pattern:
        try:
            re.compile(self.regex)
        except re.error as e:
            raise ValueError(f"does not compile: {e}") from e
        return self


class Rule(_Strict):
    id: str = Field(pattern=r"^(align|check)\.[a-z-]+$")
    by: Literal["code", "check"]
    decides: Literal["same", "contradict", "different"]
    reason: str = Field(min_length=10)


class RuleData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thresholds: dict[str, Threshold]
    lists: dict[str, WordList]
    patterns: dict[str, Pattern]
    rules: tuple[Rule, ...]
    _words: dict[str, frozenset[str]] = {}
    _regex: dict[str, re.Pattern[str]] = {}

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleData:
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate rule ids")
        return self

    def value(self, name: str) -> float:
        if name not in self.thresholds:
            raise ConfigError(
                f"threshold {name!r} is missing from {RULES_FILE}: add it with a reason"
            )
        return self.thresholds[name].value

    def words(self, name: str) -> frozenset[str]:
        if name not in self._words:  # called per claim pair: built once
            self._words[name] = frozenset(w.lower() for w in self.lists[name].words)
        return self._words[name]

    def regex(self, name: str) -> re.Pattern[str]:
        if name not in self._regex:
            self._regex[name] = re.compile(self.patterns[name].regex, re.IGNORECASE)
        return self._regex[name]

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise ConfigError(f"alignment rule {rule_id!r} is not declared in {RULES_FILE}")


@lru_cache(maxsize=1)
def rule_data() -> RuleData:
    try:
        raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
        return RuleData.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as e:
        raise ConfigError(f"{RULES_FILE}: {e}; fix the file (see its header)") from e


MODEL = "model"  # the rule_id recorded when the model's answer stood
