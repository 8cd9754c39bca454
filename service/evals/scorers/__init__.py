"""The eval's scorers: one module per family (grounding, facts, disputes, stages, omissions,
summary, basil, neus, cost), the `Scorer` interface and its `ScoreContext` (context.py), the
`Score` they return (score.py), and the registry that runs them (registry.py)."""
