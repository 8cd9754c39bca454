"""Which of one outlet's adjectives the summary treats as that outlet's framing (the loaded-word
screen, `service.text.screen.loaded_words`)."""

from __future__ import annotations

import pytest

from service.text.screen import CitedMaterial, loaded_words
from service.text.speech import pos_tags

OTHER = "a second article about the same event, in other words"


@pytest.mark.parametrize(
    ("sentence", "loaded"),
    [
        # A person's standing or the time of an office is no judgement (NeuS, BASIL).
        (
            "House Democrats have unveiled a package of new rules for the upcoming Congress",
            [],
        ),
        (
            "Two Democrats will vote against presumptive incoming Speaker Nancy Pelosi's package",
            [],
        ),
        ("Sestak went on to defeat incumbent Sen. Arlen Specter in the primary", []),
        ("The campaign named longtime Republican official Maria Cino", []),
        # One outlet's judgement stays loaded (BASIL HuffPost, PolNeAR Breitbart).
        ("The crowd cheered bombastic talk show host Glenn Beck", ["bombastic"]),
        ("A poll shows upstart Sen. Bernie Sanders leading", ["upstart"]),
    ],
)
def test_standing_and_tenure_are_not_one_outlets_framing(sentence: str, loaded: list[str]) -> None:
    material = CitedMaterial(texts=(sentence,), articles=(sentence.lower(), OTHER))
    assert loaded_words(sentence, material, pos_tags(sentence)) == loaded
