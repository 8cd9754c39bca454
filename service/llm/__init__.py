"""Talking to models. `base` is the interface the pipeline sees; the rest implement it."""
