"""Quote finding: mark styles, apostrophes, cross-sentence quotes, MT colon speech, seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.text.quotes import find_quotes, is_scare_quote
from service.text.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "articles"


def _quotes(text: str, start: int = 0, end: int | None = None) -> list[str]:
    ranges = find_quotes(text, start, end)
    for s, e in ranges:
        assert 0 <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        assert text[s:e]
    return [text[s:e] for s, e in ranges]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "we are ready" today.', ["we are ready"]),
        ("He said “we are ready” today.", ["we are ready"]),
        ("Il a dit « nous sommes prêts » hier.", ["nous sommes prêts"]),
        ("Il a dit «nous sommes prêts» hier.", ["nous sommes prêts"]),
        ("Il a dit «\u00a0nous sommes prêts\u00a0» hier.", ["nous sommes prêts"]),
        ('"We are ready," he said.', ["We are ready"]),
    ],
)
def test_mark_styles(text: str, expected: list[str]) -> None:
    assert _quotes(text) == expected


def test_apostrophes_are_not_quotes() -> None:
    assert _quotes("Obama’s plan and the party’s line don’t change. It's Kyiv's call.") == []


def test_single_curly_quotes_inside_text() -> None:
    text = "He called it ‘a war of Obama’s choosing’ on Friday."
    assert _quotes(text) == ["a war of Obama’s choosing"]


def test_nested_single_quote_is_dropped_inside_double() -> None:
    text = "He added, “It was not ‘a war of Obama’s choosing.’ It was Bush's.”"
    assert _quotes(text) == ["It was not ‘a war of Obama’s choosing.’ It was Bush's."]


def test_quote_across_sentences_in_range() -> None:
    text = 'Intro. "First part. Second part," he said. Outro.'
    assert _quotes(text) == ["First part. Second part"]
    start = text.index('"')
    assert _quotes(text, start, text.index(" Outro")) == ["First part. Second part"]


def test_range_limits_results() -> None:
    text = '"One two three" x. "Four five six" y.'
    second = text.index("x.") + 2
    assert _quotes(text, second) == ["Four five six"]
    assert _quotes(text, 0, second) == ["One two three"]
    assert find_quotes(text, 10, 5) == []


def test_unbalanced_quote_is_ignored() -> None:
    assert _quotes('He said "this never closes.') == []


def test_colon_speech_from_machine_translation() -> None:
    text = "Shoigu said: The Kiev regime does nothing without its supervisors. We hope not."
    assert _quotes(text) == ["The Kiev regime does nothing without its supervisors. We hope not."]


def test_colon_speech_ends_at_range_end() -> None:
    text = "Shoigu said: The regime acts. Then Lecornu replied."
    end = text.index(" Then")
    assert _quotes(text, 0, end) == ["The regime acts."]


def test_colon_followed_by_quote_uses_the_quote() -> None:
    assert _quotes('He said: "We are ready."') == ["We are ready."]


def test_colon_with_lowercase_is_not_speech() -> None:
    assert _quotes("The ministry said: it was a routine call.") == []


def test_scare_quotes() -> None:
    assert is_scare_quote("terrorism")
    assert is_scare_quote("radical Islamists")
    assert is_scare_quote("technical and ministerial")
    assert not is_scare_quote("to stop all instrumentalisation of it")
    assert not is_scare_quote("")


def test_seed_001_quotes() -> None:
    text = (SEEDS / "001_9ad1508cea7ab194.txt").read_text(encoding="utf-8")
    quotes = _quotes(text)
    assert (
        "Readiness for dialogue on Ukraine was noted. The starting points could be based on "
        "the Istanbul peace initiative"
    ) in quotes
    assert "France neither accepted nor proposed anything of the sort" in quotes
    assert "terrorism" in quotes
    assert "radical Islamists" in quotes
    assert any(q.startswith("The Kyiv regime does nothing") for q in quotes)
    assert len(quotes) == 13


def test_seed_000_colon_speech_per_sentence() -> None:
    text = (SEEDS / "000_df49b81ec52edcc4.txt").read_text(encoding="utf-8")
    found = []
    for sent in split_sentences(text):
        found += _quotes(text, sent.start, sent.end)
    assert found == [
        "The Kiev regime does nothing without the approval of its supervisors Westerners.",
        "The world: This call should not be seen as an attempt to reopen a channel of "
        "communication with the Russians.",
    ]
