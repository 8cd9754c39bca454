"""Sentence splitting: offsets, news-style boundaries, the seed articles and BASIL/NeuS text."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from service.text.sentences import split_sentences
from tests.shared_data import require_shared

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "articles"


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def _assert_offsets(text: str) -> None:
    spans = split_sentences(text)
    for s in spans:
        assert s.text == text[s.start : s.end]
        assert s.text == s.text.strip()
        assert s.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_basic_split_and_offsets() -> None:
    text = "  The call lasted an hour. Both sides spoke!  Was it useful? Nobody knows.  "
    assert _texts(text) == [
        "The call lasted an hour.",
        "Both sides spoke!",
        "Was it useful?",
        "Nobody knows.",
    ]
    _assert_offsets(text)


def test_empty_and_blank_text() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t\n") == []


def test_lines_are_hard_boundaries_and_title_is_own_sentence() -> None:
    text = "France rejects Russian offer\n\nShoigu called Lecornu. Paris said no\nMoscow insisted."
    assert _texts(text) == [
        "France rejects Russian offer",
        "Shoigu called Lecornu.",
        "Paris said no",
        "Moscow insisted.",
    ]


def test_soft_wrapped_line_is_joined() -> None:
    text = "The ministry said the talks\nwould resume next week. Nobody confirmed it."
    assert _texts(text) == [
        "The ministry said the talks\nwould resume next week.",
        "Nobody confirmed it.",
    ]


def test_no_split_inside_quote_before_attribution() -> None:
    second = '"France neither accepted anything of the sort" on the conflict, the source told AFP.'
    text = '"It was noted," the ministry said. ' + second
    assert _texts(text) == ['"It was noted," the ministry said.', second]


def test_multi_sentence_quote_stays_with_attribution() -> None:
    text = "“Readiness was noted. The start could be Istanbul,” the ministry said. Paris denied it."
    assert _texts(text) == [
        "“Readiness was noted. The start could be Istanbul,” the ministry said.",
        "Paris denied it.",
    ]


def test_split_after_closing_quote_following_period() -> None:
    text = 'He called it "a provocation." The ministry declined to comment.'
    assert _texts(text) == ['He called it "a provocation."', "The ministry declined to comment."]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith met Dr. Jones in St. Petersburg.",
        "The U.S. Army and the U.K. Navy met.",
        "Gen. Mark Milley spoke on Jan. 5 with J. Smith.",
        "Growth was 3.5 percent, officials said.",
        "The meeting is at No. 10 Downing Street.",
        "Sen. Ron Wyden, D-Ore., said so.",
    ],
)
def test_no_split_after_abbreviations_and_numbers(text: str) -> None:
    assert _texts(text) == [text]


def test_seed_000_machine_translated() -> None:
    text = (SEEDS / "000_df49b81ec52edcc4.txt").read_text(encoding="utf-8")
    sents = _texts(text)
    _assert_offsets(text)
    assert len(sents) == 21
    assert sents[1] == "France rejects Russian offer for Ukraine peace talks"
    assert sents[8].startswith("According to the Russian Defense Ministry's statement")
    assert sents[9] == "The starting point could be the Istanbul peace initiative."
    assert any(s.startswith("Shoigu was ready to resume dialogue") for s in sents)


def test_seed_001_afp() -> None:
    text = (SEEDS / "001_9ad1508cea7ab194.txt").read_text(encoding="utf-8")
    sents = _texts(text)
    _assert_offsets(text)
    assert len(sents) == 31
    assert sents[0] == "France Denies Russian Claim Of Discussion On Potential Ukraine Talks"
    assert sents[3].startswith('"Readiness for dialogue on Ukraine was noted. The starting')
    assert sents[3].endswith("the Russian defence ministry said in a statement on the call.")
    assert sents[5] == (
        '"France neither accepted nor proposed anything of the sort" on the conflict, '
        "the source told AFP."
    )


def test_basil_offsets_and_agreement() -> None:
    basil = require_shared("basil")
    total = agree = 0
    for path in sorted((basil / "articles").glob("*/*.json"))[:30]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        paras = doc["body-paragraphs"]
        text = "\n".join(" ".join(s.strip() for s in p) for p in paras)
        gold = {s.strip() for p in paras for s in p}
        _assert_offsets(text)
        for s in split_sentences(text):
            total += 1
            agree += s.text in gold
    # Differences are mostly multi-sentence quotes we keep together on purpose.
    assert total > 0
    assert agree / total > 0.8


def test_neus_offsets() -> None:
    lines = require_shared("neus", "test.source").read_text(encoding="utf-8").splitlines()
    for line in lines[:10]:
        for article in line.split(" [SEP] "):
            _assert_offsets(article)


def test_first_sentence_skips_abbreviations() -> None:
    from service.text.sentences import first_sentence

    assert first_sentence("Mr. Sestak said no. Then he won.") == "Mr. Sestak said no."
    assert first_sentence("No boundary here") == "No boundary here"
    assert first_sentence("") == ""


def test_a_bullet_after_a_full_stop_opens_a_sentence() -> None:
    # NeuS (Outlet B): "... a General Motors strike. ■ 266,000 jobs were added" was one sentence
    text = "It was helped by the end of a General Motors strike. ■ 266,000 jobs were added."
    assert [s.text for s in split_sentences(text)] == [
        "It was helped by the end of a General Motors strike.",
        "■ 266,000 jobs were added.",
    ]
    # a bullet inside a sentence is no boundary (BASIL-style inline list, written)
    assert len(split_sentences("The items were apples • pears and plums.")) == 1
