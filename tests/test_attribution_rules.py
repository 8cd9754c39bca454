"""The attribution rules as data: the rules file is checked on load, and every rule fires where
its example passages say it must and stays silent where it must not
(tests/fixtures/attribution_cases.yaml, from PolNeAR train, BASIL and written sentences)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from service.errors import ConfigError
from service.text.speech.fired import rules_fired
from service.text.speech.rules import RULES_FILE, load_rules, rule_ids

CASES_FILE = Path(__file__).parent / "fixtures" / "attribution_cases.yaml"
CASES: list[dict[str, object]] = yaml.safe_load(CASES_FILE.read_text("utf-8"))
SERVICE = Path(__file__).resolve().parents[1] / "service"


def _id(case: dict[str, object]) -> str:
    verb = "fires" if case["fires"] else "silent"
    return f"{case['rule']}-{verb}-{str(case['text'])[:30]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_rule_fires_where_its_examples_say(case: dict[str, object]) -> None:
    fired = rules_fired(str(case["text"]))
    assert fired <= rule_ids(), f"undeclared rule ids {fired - rule_ids()}"
    assert (case["rule"] in fired) is case["fires"], f"{case['source']}: fired {sorted(fired)}"


def test_every_rule_has_enough_examples_from_two_sources_besides_the_seeds() -> None:
    fires: dict[str, int] = defaultdict(int)
    silent: dict[str, int] = defaultdict(int)
    sources: dict[str, set[str]] = defaultdict(set)
    for c in CASES:
        rule, source = str(c["rule"]), str(c["source"]).split(":")[0]
        assert source in {"written", "polnear-train", "basil", "neus"}, source
        (fires if c["fires"] else silent)[rule] += 1
        sources[rule].add(source)
    for rule in sorted(rule_ids()):
        assert fires[rule] >= 3 and silent[rule] >= 1, rule
        assert len(sources[rule]) >= 2, rule
    assert set(fires) | set(silent) <= rule_ids()


def test_every_declared_rule_id_is_one_the_code_records() -> None:
    code = "\n".join(p.read_text("utf-8") for p in SERVICE.rglob("*.py"))
    recorded = set(
        re.findall(
            r'"((?:frame|speaker|nest|split|coref|carry|outlet|kind|unit|cue)\.[a-z_]+)"', code
        )
    )
    assert rule_ids() == recorded


def test_every_list_is_read_by_the_code() -> None:
    code = "\n".join(p.read_text("utf-8") for p in (SERVICE / "text").rglob("*.py"))
    data = load_rules()
    for name in [*data.lists, *data.patterns]:
        assert f".{name}" in code or f'"{name}"' in code, name


def _broken(tmp_path: Path, edit: str, to: str) -> Path:
    text = RULES_FILE.read_text("utf-8")
    assert edit in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(edit, to, 1), "utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "to", "message"),
    [
        ("words: [say, tell,", "words: [say, say, tell,", "listed twice"),
        ("words: [say, tell,", "words: [say, white house, tell,", "can never match"),
        ("words: [he, she, him, her]", "words: [He, she, him, her]", "can never match"),
        ("uses: [group_pronouns]", "uses: []", "group_pronouns is read by no rule"),
        ("words: [want, support,", "words: [want, say, support,", "speech verb already"),
        ("{congressman: representative,", "{congressman: congress,", "not in role_words"),
    ],
)
def test_a_broken_rules_file_is_refused_with_the_reason(
    tmp_path: Path, edit: str, to: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_rules(_broken(tmp_path, edit, to))
