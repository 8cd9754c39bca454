"""The loaded-term rules as data: each fires where its example sentences say it must and stays
silent where it must not (tests/fixtures/loaded_term_cases.yaml: NeuS, BASIL and PolNeAR
sentences), and a broken file is refused."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from service.errors import ConfigError
from service.text.loaded_terms import TERMS_FILE, load_terms, loaded_term_matches
from service.text.screen import CitedMaterial, loaded_words

CASES_FILE = Path(__file__).parent / "fixtures" / "loaded_term_cases.yaml"
CASES: list[dict[str, object]] = yaml.safe_load(CASES_FILE.read_text("utf-8"))
RULE_IDS = {rid for rid, _ in load_terms()}


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['rule']}-{c['fires']}-{str(c['text'])[:30]}" for c in CASES]
)
def test_rule_fires_where_its_examples_say(case: dict[str, object]) -> None:
    fired = {rid for _, rid in loaded_term_matches(str(case["text"]))}
    assert (case["rule"] in fired) is case["fires"], f"{case['source']}: fired {sorted(fired)}"


def test_every_rule_fires_in_two_sources_besides_the_seeds_and_is_silent_somewhere() -> None:
    # A source is a data set, or "set:article" where one set gives two articles.
    fires: dict[str, set[str]] = defaultdict(set)
    silent: dict[str, int] = defaultdict(int)
    for c in CASES:
        source = str(c["source"])
        assert source.split(":")[0] in {"written", "polnear-train", "basil", "neus"}, source
        if c["fires"]:
            fires[str(c["rule"])].add(source)
        else:
            silent[str(c["rule"])] += 1
    for rid in sorted(RULE_IDS):
        assert len(fires[rid] - {"written"}) >= 2, rid
        assert silent[rid] >= 1, rid
    assert set(fires) | set(silent) <= RULE_IDS


def test_the_screen_counts_a_term_in_the_summarys_voice_not_in_a_quotation() -> None:
    material = CitedMaterial(texts=("x",), articles=("a", "b"))
    said = "Republicans were gobsmacked by the vote."
    tags = [(w.strip("."), "X") for w in said.split()]
    assert "gobsmacked" in loaded_words(said, material, tags)
    quoted = 'Issa called it "a hatchet job" on Monday.'
    assert loaded_words(quoted, material, [(w, "X") for w in quoted.split()]) == []


def test_a_broken_terms_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    text = TERMS_FILE.read_text("utf-8")
    bad = tmp_path / "terms.yaml"
    bad.write_text(text.replace("regex: 'carnage|", "regex: 'carnage(|", 1), "utf-8")
    with pytest.raises(ConfigError, match="unreadable"):
        load_terms(bad)
    twice = tmp_path / "twice.yaml"
    twice.write_text(text.replace("loaded.labels", "loaded.disaster_nouns", 1), "utf-8")
    with pytest.raises(ConfigError, match="listed twice"):
        load_terms(twice)
