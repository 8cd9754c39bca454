"""Rashomon: per-source accounts, cross-source alignment and a neutral reconciled summary."""

__version__ = "0.1.0"
