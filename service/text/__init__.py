"""Deterministic text utilities: ingestion, sentences, quotes, reported speech, screens."""
