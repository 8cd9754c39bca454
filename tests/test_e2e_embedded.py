"""End to end on the real embedded model: `rashomon reconcile` on the two seeds.

Slow (minutes on 2 cores): run with `python -m pytest -m slow`. CI sets RASHOMON_E2E_CACHE_DIR
so the seed eval that follows reuses these model answers instead of recomputing them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from service.cli import main
from service.pipeline.reconcile import integrity_problems
from service.schemas import Reconciliation
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow


def test_reconcile_seeds_on_the_embedded_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = os.environ.get("RASHOMON_E2E_CACHE_DIR")
    monkeypatch.setenv("RASHOMON_CACHE_DIR", cache or str(tmp_path / "cache"))
    out = tmp_path / "out"
    code = main(
        [
            "reconcile",
            *map(str, SEEDS),
            "--out",
            str(out),
            "--backend",
            "embedded",
            "--outlet",
            "partisan site (machine-translated)",
            "--outlet",
            "AFP",
            "--quiet",
        ]
    )
    assert code == 0
    rec = Reconciliation.model_validate(json.loads((out / "reconciliation.json").read_text()))
    assert integrity_problems(rec) == []
    assert rec.backend == "embedded"
    assert rec.model.startswith("qwen2.5-coder-1.5b")
    # Both articles yield an account, and quotes were found and are verbatim.
    assert all(a.claims for a in rec.accounts)
    quotes = [q for a in rec.accounts for q in a.quotes]
    assert len(quotes) >= 5
    for q in quotes:
        assert rec.source(q.source_id).text[q.start : q.end] == q.text
    # A summary exists and every sentence cites claims that exist.
    ids = {c.claim_id for c in rec.all_claims()}
    assert len(rec.summary.sentences) >= 3
    for s in rec.summary.sentences:
        assert s.claim_ids and set(s.claim_ids) <= ids
    # Provenance: each step that asks the model names its prompt version and hash, and real
    # tokens were spent (or, on a warm cache, served from it). Attribution is decided by code.
    assert rec.steps[0].step == "accounts" and rec.steps[0].calls == 0
    assert rec.steps[1].calls > 0 and rec.pairs
    for step in rec.steps:
        if step.calls:
            assert step.prompt is not None and len(step.prompt.sha256) == 64
            assert step.usage.total_tokens > 0 or step.cache_hits == step.attempts
    assert "## Differences between outlets" in (out / "reconciliation.md").read_text()
