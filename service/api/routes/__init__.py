"""Thin route modules: parse, check limits, hand over to the pipeline or the job manager."""
