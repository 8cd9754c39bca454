"""Deterministic text handling: ingestion, sentence splitting, quotes and attribution cues."""

from service.text.attribution import AsserterGuess, guess_asserter, kind_hint
from service.text.ingest import check_duplicates, clean_article, read_article_file
from service.text.quotes import find_quotes, is_scare_quote
from service.text.sentences import numbered, split_sentences

__all__ = [
    "AsserterGuess",
    "check_duplicates",
    "clean_article",
    "find_quotes",
    "guess_asserter",
    "is_scare_quote",
    "kind_hint",
    "numbered",
    "read_article_file",
    "split_sentences",
]
