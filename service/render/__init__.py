"""Human-readable renderings of a Reconciliation."""
