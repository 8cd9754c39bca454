"""Glue used by the CLI doors: open the LLM (`open_llm` closes what it builds, which stops an
embedded server this process started), run the pipeline, write outputs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from service.config import Settings
from service.errors import InputError
from service.llm.lifecycle import open_llm
from service.llm.structured import StructuredLLM
from service.pipeline.progress import ProgressCallback, no_progress
from service.pipeline.reconcile import reconcile
from service.render.html import render_html
from service.render.markdown import render_markdown
from service.schemas import ArticleIn, Reconciliation
from service.text.ingest import read_article_file


def load_files(
    paths: Sequence[Path], settings: Settings, outlets: Sequence[str] = ()
) -> list[ArticleIn]:
    if outlets and len(outlets) != len(paths):
        raise InputError(
            f"{len(outlets)} --outlet names for {len(paths)} files; give one --outlet per file, "
            "in the order of the files, or none to detect the outlets"
        )
    articles = []
    for i, path in enumerate(paths):
        article = read_article_file(path, max_bytes=settings.max_article_bytes)
        if i < len(outlets):
            article = article.model_copy(update={"outlet": outlets[i]})
        articles.append(article)
    return articles


def write_outputs(rec: Reconciliation, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    _atomic_write(out_dir / "reconciliation.json", rec.model_dump_json(indent=2))
    _atomic_write(out_dir / "reconciliation.md", render_markdown(rec))
    _atomic_write(out_dir / "reconciliation.html", render_html(rec))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


async def reconcile_files(
    paths: Sequence[Path],
    settings: Settings,
    *,
    outlets: Sequence[str] = (),
    progress: ProgressCallback = no_progress,
    out_dir: Path | None = None,
    llm: StructuredLLM | None = None,
) -> Reconciliation:
    articles = load_files(paths, settings, outlets)  # bad input fails before a model starts
    async with open_llm(settings, llm) as model:
        rec = await reconcile(articles, llm=model, settings=settings, progress=progress)
    if out_dir is not None:
        write_outputs(rec, out_dir)
    return rec


def reconciliation_json_schema() -> str:
    return json.dumps(Reconciliation.model_json_schema(), indent=2)
