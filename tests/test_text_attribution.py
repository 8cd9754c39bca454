"""Attribution cues: who asserts a sentence, and denial hints (heuristics)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.schemas import AsserterKind
from service.text.attribution import AsserterGuess, guess_asserter, kind_hint
from service.text.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "articles"
P, INST, A, OUT = (
    AsserterKind.person,
    AsserterKind.institution,
    AsserterKind.anonymous_source,
    AsserterKind.outlet,
)


@pytest.mark.parametrize(
    ("sentence", "name", "kind"),
    [
        (
            '"Readiness for dialogue was noted," the Russian defence ministry said in a '
            "statement on the call.",
            "Russian defence ministry",
            INST,
        ),
        (
            '"France neither accepted nor proposed anything of the sort" on the conflict, '
            "the source told AFP.",
            "the source",
            A,
        ),
        (
            "It did not elaborate on what it meant, and a source close to Lecornu was quick "
            "to deny such a conversation took place.",
            "a source close to Lecornu",
            A,
        ),
        (
            "Shoigu was ready to resume dialogue on Ukraine, French defense officials told AFP, "
            "but France neither accepted nor offered anything on Ukraine.",
            "French defense officials",
            INST,
        ),
        (
            "According to the Russian Defense Ministry's statement during the phone call, there "
            "was a notable desire for dialogue on Ukraine.",
            "Russian Defense Ministry",
            INST,
        ),
        ("Putin has acknowledged that radical Islamists conducted the attack.", "Putin", P),
        ("Sergei Shoigu warned that it would create problems for France.", "Sergei Shoigu", P),
        ('"It is absurd," said Lecornu.', "Lecornu", P),
        ("Russia said that the call was initiated by France.", "Russia", INST),
        ("The Kremlin reiterated its position on Tuesday.", "Kremlin", INST),
        ("Ankara stressed it was ready to host talks.", "Ankara", INST),
        (
            '"The Kyiv regime does nothing without approval," Shoigu was quoted as saying.',
            "Shoigu",
            P,
        ),
        (
            "The Wall Street Journal reported Friday that the deal collapsed.",
            "Wall Street Journal",
            OUT,
        ),
        ("An official said the talks were over.", "an official", A),
        ("The French minister reiterated France's support.", "French minister", P),
    ],
)
def test_guess_asserter(sentence: str, name: str, kind: AsserterKind) -> None:
    guess = guess_asserter(sentence)
    assert guess is not None
    assert (guess.name, guess.kind) == (name, kind)


def test_outer_source_wins_over_inner_speaker() -> None:
    sentence = (
        "Lecornu said that France had no information to establish a link to Ukraine, calling "
        'on Moscow "to stop all instrumentalisation" of the attack, the French defence '
        "ministry said."
    )
    assert guess_asserter(sentence) == AsserterGuess("French defence ministry", INST, "said")
    sentence = "According to the Russian defence ministry's statement, Shoigu said he hoped so."
    guess = guess_asserter(sentence)
    assert guess is not None
    assert (guess.name, guess.cue) == ("Russian defence ministry", "according to")


def test_relative_clause_denial_is_not_trailing_attribution() -> None:
    sentence = "Russia said that the ministers discussed talks, a claim that Paris denied."
    guess = guess_asserter(sentence)
    assert guess is not None
    assert guess.name == "Russia"


@pytest.mark.parametrize(
    "sentence",
    [
        "Ankara first hosted peace talks in the weeks after the invasion.",
        "There have been conflicting reports about what Shoigu meant.",
        '"It was a prank," he said.',
        "",
    ],
)
def test_no_asserter(sentence: str) -> None:
    assert guess_asserter(sentence) is None


def test_guess_is_frozen() -> None:
    guess = AsserterGuess("Shoigu", P, "said")
    with pytest.raises(AttributeError):
        guess.name = "Lecornu"  # type: ignore[misc]


@pytest.mark.parametrize(
    "sentence",
    [
        "French officials immediately denied any interest in Ukraine peace talks.",
        "France rejects Russian offer for Ukraine peace talks",
        "France neither accepted nor offered anything on Ukraine.",
        "Lecornu said that France had no information to establish a link to Ukraine.",
        "We trust that French special services are not behind it.",
    ],
)
def test_denial_hint(sentence: str) -> None:
    assert kind_hint(sentence) == "denial"


@pytest.mark.parametrize(
    "sentence",
    [
        "Shoigu proposed negotiations to end the war.",
        "The French defence ministry acknowledged the pair discussed Ukraine.",
    ],
)
def test_no_denial_hint(sentence: str) -> None:
    assert kind_hint(sentence) is None


def test_seed_001_attributions() -> None:
    text = (SEEDS / "001_9ad1508cea7ab194.txt").read_text(encoding="utf-8")
    guesses = [guess_asserter(s.text) for s in split_sentences(text)]
    named = {(g.name, g.kind) for g in guesses if g is not None}
    assert ("a source close to Lecornu", A) in named
    assert ("Russian defence ministry", INST) in named
    assert ("the source", A) in named
    assert ("Shoigu", P) in named
    assert guesses[0] is None  # the title has no cue
    assert guesses[-1] is None  # copyright line


def test_seed_000_attributions() -> None:
    text = (SEEDS / "000_df49b81ec52edcc4.txt").read_text(encoding="utf-8")
    guesses = {s.text[:30]: guess_asserter(s.text) for s in split_sentences(text)}
    stated = next(g for k, g in guesses.items() if k.startswith("Although discussing"))
    assert stated == AsserterGuess("French Defense Ministry", INST, "stated")
    warned = next(g for k, g in guesses.items() if k.startswith("Shoigu also warned"))
    assert warned == AsserterGuess("Russian sources", A, "according to")
