"""Style-guide loaded terms as data (service/text/loaded_terms.yaml): the words a neutral
writer avoids or leaves in the quotation marks of whoever said them. Read by the summary's
loaded-word screen (`service.text.screen.loaded_words`); each match carries its rule id."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field, ValidationError

from service.errors import ConfigError
from service.schemas import StrictModel
from service.text.quotes import find_quotes, matches_outside_quotes

TERMS_FILE = Path(__file__).with_name("loaded_terms.yaml")


class TermRule(StrictModel):
    id: str = Field(pattern=r"^loaded\.[a-z_]+$")
    regex: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    found: str = Field(min_length=1)


class TermsFile(StrictModel):
    rules: list[TermRule] = Field(min_length=1)


def load_terms(path: Path = TERMS_FILE) -> list[tuple[str, re.Pattern[str]]]:
    """The rules, compiled; a broken file is refused with the reason."""
    try:
        data = TermsFile.model_validate(yaml.safe_load(path.read_text("utf-8")))
        compiled = [(r.id, re.compile(rf"\b(?:{r.regex})\b", re.IGNORECASE)) for r in data.rules]
    except (OSError, yaml.YAMLError, ValidationError, re.error) as e:
        raise ConfigError(f"loaded terms {path} unreadable: {e}") from e
    ids = [rid for rid, _ in compiled]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ConfigError(f"loaded terms {path}: rule ids listed twice: {twice}")
    return compiled


@lru_cache(maxsize=1)
def _terms() -> list[tuple[str, re.Pattern[str]]]:
    return load_terms()


def loaded_term_matches(sentence: str) -> list[tuple[str, str]]:
    """(term as written, rule id) for each loaded term outside quotation marks."""
    quoted = find_quotes(sentence)
    return [
        (m.group(0), rid)
        for rid, pattern in _terms()
        for m in matches_outside_quotes(pattern, sentence, quoted)
    ]


def loaded_terms(sentence: str) -> list[str]:
    return [term for term, _ in loaded_term_matches(sentence)]
