"""The naive baseline: one prompt ("Summarize these articles neutrally"), same backend.

Its summary, split into sentences, is scored by the same summary scorers as the pipeline's
(consensus coverage, disputed attribution, framing leaks, BASIL loaded wording, NeuS coverage).
Per-source account scorers do not apply to it (shown as n/a).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import Field

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.base import CompletionRequest
from service.llm.fake_responder import first_user_text, register_stub
from service.llm.structured import StepMeter, StructuredLLM
from service.prompts import fence, load_prompt
from service.schemas import ArticleIn, StrictModel
from service.text.sentences import split_sentences

MAX_TOKENS = 600


class BaselineSummary(StrictModel):
    summary: str = Field(min_length=1, description="A neutral summary of the articles.")


_ARTICLE = re.compile(r"<data[^>]*>\n(.*?)\n</data>", re.DOTALL)


def _fake_summary(request: CompletionRequest) -> dict[str, Any] | None:
    """`--backend fake`: the first line of each fenced article (a lead-only summary)."""
    leads = [body.strip().split("\n")[0] for body in _ARTICLE.findall(first_user_text(request))]
    return {"summary": " ".join(leads)} if any(leads) else None


register_stub(BaselineSummary, _fake_summary)


def render_articles(articles: Sequence[ArticleIn]) -> str:
    return "\n\n".join(
        fence(f"article {i} ({a.outlet or 'unknown outlet'})", a.text)
        for i, a in enumerate(articles, 1)
    )


async def baseline_summary(
    articles: Sequence[ArticleIn], llm: StructuredLLM, meter: StepMeter
) -> tuple[str, list[str], str | None]:
    """(summary text, its sentences, error or None)."""
    prompt = load_prompt("baseline_summary").render(articles=render_articles(articles))
    try:
        answer = await llm.complete(prompt, BaselineSummary, meter=meter, max_tokens=MAX_TOKENS)
    except (InvalidOutputError, TruncatedOutputError) as e:
        return "", [], str(e)
    return answer.summary, [s.text for s in split_sentences(answer.summary)], None
