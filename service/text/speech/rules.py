"""The attribution rules as data (rules.yaml beside this file): loaded once, checked on load.

Checks (a `ConfigError` names the list and the fix): every list entry is a single lower-case
word (lists are matched against one token's lemma or lower-cased text, so a two-word or
capitalised entry could never match), no entry twice, every pattern compiles, every list and
pattern is read by at least one declared rule, and every rule names only lists that exist.
Code reads the lists through `lists()`; `RULE_IDS` are the ids recorded on frames and claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from service.errors import ConfigError
from service.schemas import StrictModel

RULES_FILE = Path(__file__).with_name("rules.yaml")
_ENTRY = re.compile(r"[a-z][a-z'-]*")


class WordList(StrictModel):
    reason: str = Field(min_length=10)
    found: str = Field(min_length=5)
    match: Literal["lemma", "word"]
    words: list[str] = Field(min_length=1)


class Abbreviations(StrictModel):
    reason: str = Field(min_length=10)
    found: str = Field(min_length=5)
    map: dict[str, str]


class Pattern(StrictModel):
    reason: str = Field(min_length=10)
    found: str = Field(min_length=5)
    ignore_case: bool = True
    regex: str

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.regex, re.IGNORECASE if self.ignore_case else 0)


class Rule(StrictModel):
    reason: str = Field(min_length=10)
    uses: list[str] = Field(default_factory=list)


class RulesFile(StrictModel):
    lists: dict[str, WordList]
    abbreviations: Abbreviations
    role_synonyms: Abbreviations
    patterns: dict[str, Pattern]
    rules: dict[str, Rule]


@dataclass(frozen=True)
class Lists:
    """The checked lists, as the code reads them."""

    speech_verbs: frozenset[str]
    position_verbs: frozenset[str]
    needs_complement: frozenset[str]
    causative_verbs: frozenset[str]
    accusation_verbs: frozenset[str]
    document_verbs: frozenset[str]
    document_nouns: frozenset[str]
    denial_verbs: frozenset[str]
    backref_nouns: frozenset[str]
    person_pronouns: frozenset[str]
    continuation_cues: frozenset[str]
    group_pronouns: frozenset[str]
    anonymous_heads: frozenset[str]
    official_heads: frozenset[str]
    institution_words: frozenset[str]
    role_words: frozenset[str]
    outlet_words: frozenset[str]
    colon_source_nouns: frozenset[str]
    party_member_words: frozenset[str]
    abbreviations: dict[str, str]
    role_synonyms: dict[str, str]
    denial_content: re.Pattern[str]
    editorial_markers: re.Pattern[str]
    dateline: re.Pattern[str]
    update_label: re.Pattern[str]
    hedge_before_cue: re.Pattern[str]


def problems(data: RulesFile) -> list[str]:
    """What is wrong with a rules file (empty when it is fine)."""
    out: list[str] = []
    used = {u for r in data.rules.values() for u in r.uses}
    for name, wl in data.lists.items():
        seen: set[str] = set()
        for w in wl.words:
            if not _ENTRY.fullmatch(w):
                out.append(f"list {name}: {w!r} can never match one lower-case token")
            if w in seen:
                out.append(f"list {name}: {w!r} is listed twice")
            seen.add(w)
        if name not in used:
            out.append(f"list {name} is read by no rule (remove it or name it in a rule's uses)")
    for name, p in data.patterns.items():
        try:
            re.compile(p.regex)
        except re.error as e:
            out.append(f"pattern {name} does not compile: {e}")
        if name not in used:
            out.append(f"pattern {name} is read by no rule")
    speech = set(data.lists["speech_verbs"].words) if "speech_verbs" in data.lists else set()
    for w in data.lists["position_verbs"].words if "position_verbs" in data.lists else []:
        if w in speech:
            out.append(f"list position_verbs: {w!r} is a speech verb already (never read here)")
    needs = set(data.lists["needs_complement"].words) if "needs_complement" in data.lists else set()
    for w in data.lists["accusation_verbs"].words if "accusation_verbs" in data.lists else []:
        if w not in speech or w in needs:
            out.append(
                f"list accusation_verbs: {w!r} must be a speech verb that needs no complement"
            )
    for maps in ("abbreviations", "role_synonyms"):
        if maps not in used:
            out.append(f"{maps} are read by no rule")
    roles = set(data.lists["role_words"].words) if "role_words" in data.lists else set()
    for word, role in data.role_synonyms.map.items():
        if role not in roles:
            out.append(f"role_synonyms: {word!r} -> {role!r}, which is not in role_words")
    known = set(data.lists) | set(data.patterns) | {"abbreviations", "role_synonyms"}
    for rid, rule in data.rules.items():
        out += [f"rule {rid} uses unknown list {u!r}" for u in rule.uses if u not in known]
    return out


def load_rules(path: Path = RULES_FILE) -> RulesFile:
    try:
        data = RulesFile.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as e:
        raise ConfigError(f"attribution rules {path} unreadable: {e}") from e
    found = problems(data)
    if found:
        raise ConfigError(f"attribution rules {path}: " + "; ".join(found))
    return data


@lru_cache(maxsize=1)
def rules() -> RulesFile:
    return load_rules()


@lru_cache(maxsize=1)
def lists() -> Lists:
    data = rules()

    def words(name: str) -> frozenset[str]:
        return frozenset(data.lists[name].words)

    return Lists(
        speech_verbs=words("speech_verbs"),
        position_verbs=words("position_verbs"),
        needs_complement=words("needs_complement"),
        causative_verbs=words("causative_verbs"),
        accusation_verbs=words("accusation_verbs"),
        document_verbs=words("document_verbs"),
        document_nouns=words("document_nouns"),
        denial_verbs=words("denial_verbs"),
        backref_nouns=words("backref_nouns"),
        person_pronouns=words("person_pronouns"),
        continuation_cues=words("continuation_cues"),
        group_pronouns=words("group_pronouns"),
        anonymous_heads=words("anonymous_heads"),
        official_heads=words("official_heads"),
        institution_words=words("institution_words"),
        role_words=words("role_words"),
        outlet_words=words("outlet_words"),
        colon_source_nouns=words("colon_source_nouns"),
        party_member_words=words("party_member_words"),
        abbreviations=dict(data.abbreviations.map),
        role_synonyms=dict(data.role_synonyms.map),
        denial_content=data.patterns["denial_content"].compiled(),
        editorial_markers=data.patterns["editorial_markers"].compiled(),
        dateline=data.patterns["dateline"].compiled(),
        update_label=data.patterns["update_label"].compiled(),
        hedge_before_cue=data.patterns["hedge_before_cue"].compiled(),
    )


def rule_ids() -> frozenset[str]:
    return frozenset(rules().rules)
