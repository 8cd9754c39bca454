"""Evaluation data and helpers: gold labels, judge check sets."""
