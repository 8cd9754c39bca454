"""OpenAPI examples drawn from the seed articles (seeds/articles), with a short inline fallback
when the package is installed without the repository's seeds."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from service.config import CHECKOUT_SEEDS_DIR

# Built at import (route and model examples), before any Settings exist: the checkout's seeds,
# not RASHOMON_SEEDS_DIR.
SEED_DIR = CHECKOUT_SEEDS_DIR / "articles"

_FALLBACK = [
    {
        "outlet": "Outlet A",
        "text": "Russia said its defence minister and his French counterpart "
        'discussed talks on Ukraine. "France neither accepted nor proposed anything of the sort," '
        "a source close to the French minister said.",
    },
    {
        "outlet": "Outlet B",
        "text": "French officials rejected a Russian offer of peace talks "
        "after a telephone call between the two defence ministers on Wednesday.",
    },
]


@lru_cache(maxsize=1)
def seed_request() -> dict[str, Any]:
    """`{"articles": [...]}` built from the seed files (outlets named A, B, ...)."""
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if len(files) < 2:
        return {"articles": [dict(a) for a in _FALLBACK]}
    articles = []
    for i, path in enumerate(files[:2]):
        text = path.read_text(encoding="utf-8")
        articles.append({"outlet": f"Outlet {chr(65 + i)}", "text": text})
    return {"articles": articles}
