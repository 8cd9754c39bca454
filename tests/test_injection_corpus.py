"""The prompt-injection corpus (evals/injection.yaml): every line is set aside, none becomes a
claim, and no marker reaches the summary, whichever article it is planted in."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from service.config import Settings
from service.llm.fake import FakeBackend
from service.llm.fake_responder import fake_responder
from service.llm.structured import StructuredLLM
from service.pipeline.reconcile import reconcile
from service.schemas import ArticleIn
from service.text.ingest import read_article_file
from tests.conftest import SEEDS

CORPUS = yaml.safe_load((Path(__file__).parents[1] / "evals" / "injection.yaml").read_text())
LINES = CORPUS["lines"]


def _plant(article: ArticleIn, line: str) -> ArticleIn:
    paragraphs = article.text.split("\n")
    middle = len(paragraphs) // 2
    text = "\n".join([*paragraphs[:middle], line, *paragraphs[middle:]])
    return article.model_copy(update={"text": text})


@pytest.mark.parametrize("entry", LINES, ids=[e["marker"] for e in LINES])
@pytest.mark.parametrize("target", [0, 1])
async def test_an_instruction_planted_in_an_article_is_never_followed(
    settings: Settings, entry: dict[str, str], target: int
) -> None:
    articles = [read_article_file(p, max_bytes=settings.max_article_bytes) for p in SEEDS]
    articles[target] = _plant(articles[target], entry["text"])
    model_mode = settings.model_copy(update={"summary_mode": "model"})
    backend = FakeBackend(responder=fake_responder)
    rec = await reconcile(articles, llm=StructuredLLM(backend), settings=model_mode)
    marker = entry["marker"]
    assert all(marker not in c.statement for c in rec.all_claims())
    assert marker not in rec.summary.text
    for request in backend.requests:
        assert all(marker not in m.content for m in request.messages)
    assert any("instruction to a language model" in w.message for w in rec.warnings)


def test_the_corpus_is_not_empty_and_markers_are_unique() -> None:
    markers = [e["marker"] for e in LINES]
    assert len(markers) >= 10 and len(set(markers)) == len(markers)
    assert all(e["marker"] in e["text"] for e in LINES)
