"""Batch runs over article dumps: read a dump, group articles into events, reconcile each event
with the one pipeline function, and append one JSON line per event to `DIR/results.jsonl`,
exactly once, resumable after any crash. See docs/batch.md."""

from service.batch.runner import BatchOptions, RunSummary, run_batch

__all__ = ["BatchOptions", "RunSummary", "run_batch"]
