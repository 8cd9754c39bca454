"""Datasets of eval cases: the hand-labelled seeds, BASIL triplets, NeuS stories and PolNeAR
attribution spans (one accounts-only case per split).

A `Case` is what the pipeline reads (plain `ArticleIn`s, exactly as `rashomon reconcile` would
read them) plus whatever labels its data set has. Labels never reach the pipeline; scorers skip
what a case does not label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from service.config import CHECKOUT_DATASETS_DIR, CHECKOUT_DIR, CHECKOUT_SEEDS_DIR, Settings
from service.datasets import BiasSpan, load_basil, load_neus
from service.datasets.polnear import PolnearArticle, Split, load_polnear
from service.errors import InputError
from service.evals.labels import CaseLabels, load_labels
from service.schemas import ArticleIn, Reconciliation
from service.text.ingest import read_article_file

# Library defaults (EvalOptions, load_cases); the CLI passes the settings' seeds_dir and
# datasets_dir, so RASHOMON_SEEDS_DIR and RASHOMON_DATASETS_DIR apply there.
REPO_ROOT = CHECKOUT_DIR
DEFAULT_SEEDS_DIR = CHECKOUT_SEEDS_DIR
DEFAULT_DATASETS_DIR = CHECKOUT_DATASETS_DIR

DatasetName = Literal["seeds", "basil", "neus", "polnear"]
DATASETS: tuple[DatasetName, ...] = ("seeds", "basil", "neus", "polnear")


@dataclass
class Case:
    case_id: str
    dataset: DatasetName
    name: str
    articles: list[ArticleIn]
    labels: CaseLabels | None = None  # seed gold labels (facts, quotes, framing, omissions)
    labels_note: str | None = None  # why there are no gold labels, when there are none
    bias_spans: list[BiasSpan] = field(default_factory=list)  # BASIL
    reference_summary: str | None = None  # NeuS neutral roundup
    gold_sources: dict[str, int] = field(default_factory=dict)  # gold source id -> article index
    polnear: list[PolnearArticle] = field(default_factory=list)  # PolNeAR: one per article
    accounts_only: bool = False  # only the accounts step runs (no model; no summary to score)


def pipeline_source_ids(case: Case, rec: Reconciliation) -> dict[int, str]:
    """Article index -> pipeline source id (by origin; sources dropped as duplicates are absent)."""
    by_origin = {s.origin: s.source_id for s in rec.sources if s.origin}
    out: dict[int, str] = {}
    for i, article in enumerate(case.articles):
        if article.origin in by_origin:
            out[i] = by_origin[article.origin]
    if not out and len(rec.sources) == len(case.articles):
        out = {i: s.source_id for i, s in enumerate(rec.sources)}
    return out


def gold_to_pipeline(case: Case, rec: Reconciliation) -> dict[str, str]:
    """Gold source id (labels file) -> pipeline source id."""
    index = pipeline_source_ids(case, rec)
    return {g: index[i] for g, i in case.gold_sources.items() if i in index}


def load_seed_cases(seeds_dir: Path, settings: Settings) -> list[Case]:
    articles_dir = seeds_dir / "articles"
    paths = sorted(articles_dir.glob("*.txt"))
    if not paths:
        raise InputError("no seed articles (*.txt)", source=str(articles_dir))
    labels_path = seeds_dir / "labels.yaml"
    labels: CaseLabels | None = None
    note: str | None = None
    if labels_path.is_file():
        labels = load_labels(labels_path, articles_dir)
    else:
        note = f"{labels_path} does not exist yet: gold-label scorers are skipped"
    outlets = {s.file: s.outlet for s in labels.sources} if labels else {}
    articles = []
    for path in paths:
        article = read_article_file(path, max_bytes=settings.max_article_bytes)
        if path.name in outlets:
            article = article.model_copy(update={"outlet": outlets[path.name]})
        articles.append(article)
    gold = {s.id: [p.name for p in paths].index(s.file) for s in labels.sources} if labels else {}
    return [
        Case(
            case_id=labels.case_id if labels else "seeds",
            dataset="seeds",
            name="seed articles (Shoigu-Lecornu call, 3 April 2024)",
            articles=articles,
            labels=labels,
            labels_note=note,
            gold_sources=gold,
        )
    ]


def load_basil_cases(datasets_dir: Path, limit: int | None) -> list[Case]:
    events = load_basil(datasets_dir / "basil", limit=limit)
    return [
        Case(
            case_id=f"basil-{e.event_id}",
            dataset="basil",
            name=e.name,
            articles=e.articles,
            bias_spans=e.labels.bias_spans,
        )
        for e in events
    ]


def load_neus_cases(datasets_dir: Path, limit: int | None) -> list[Case]:
    root = datasets_dir / "neus"
    events = load_neus(root / "test.source", root / "test.target", limit=limit)
    return [
        Case(
            case_id=f"neus-{e.event_id}",
            dataset="neus",
            name=e.name,
            articles=e.articles,
            reference_summary=e.labels.reference_summary,
        )
        for e in events
    ]


def load_polnear_cases(datasets_dir: Path, split: Split, limit: int | None) -> list[Case]:
    """One case per split: its articles are unrelated, read one by one (accounts only)."""
    articles = load_polnear(datasets_dir / "polnear", split, limit=limit)
    return [
        Case(
            case_id=f"polnear-{split}",
            dataset="polnear",
            name=f"PolNeAR {split} split ({len(articles)} articles, attribution spans)",
            articles=[a.article for a in articles],
            polnear=articles,
            accounts_only=True,
            labels_note="PolNeAR labels attributions (source, cue, content spans) only",
        )
    ]


def load_cases(
    names: list[DatasetName],
    settings: Settings,
    *,
    limit: int | None = None,
    only: Sequence[str] = (),
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
    datasets_dir: Path = DEFAULT_DATASETS_DIR,
    split: Split = "dev",
) -> list[Case]:
    """The cases of each named data set; with `only`, those whose id or name contains one of
    the given texts (case-insensitive), then at most `limit` per data set."""
    wanted = [w.lower() for w in only]
    load_limit = None if wanted else limit
    cases: list[Case] = []
    for name in names:
        if name == "seeds":
            found = load_seed_cases(seeds_dir, settings)
        elif name == "basil":
            found = load_basil_cases(datasets_dir, load_limit)
        elif name == "polnear":
            found = load_polnear_cases(datasets_dir, split, load_limit)
        else:
            found = load_neus_cases(datasets_dir, load_limit)
        if wanted:
            found = [c for c in found if any(w in f"{c.case_id} {c.name}".lower() for w in wanted)][
                :limit
            ]
        cases += found
    if wanted and not cases:
        raise InputError(
            f"--only: no case in {', '.join(names)} has {' or '.join(map(repr, only))} in its "
            "id or name; run without --only to see the case names in the report"
        )
    return cases
