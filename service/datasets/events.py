"""Labelled multi-article events loaded from research data sets (BASIL, NeuS).

An `Event` is what the pipeline consumes (its `articles` are plain `ArticleIn`s) plus the
data set's own labels, kept apart in `EventLabels` so that nothing label-derived leaks into
the pipeline's input. Bias-span offsets are Python string indices into
`articles[span.article].text`, and `Event` refuses spans for which
`text[start:end] == span.text` does not hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Literal, Self

from pydantic import Field, model_validator

from service.schemas import ArticleIn, StrictModel

BiasKind = Literal["lex", "inf"]


def stable_event_id(articles: Iterable[ArticleIn]) -> str:
    """First 16 hex chars of a sha256 over the articles' texts, sorted (order-independent).

    Each text is length-prefixed before hashing, so no choice of separator can make two
    different article sets collide. Only `text` counts: metadata edits keep the id. A lone
    surrogate (invalid Unicode, which ingestion rejects) is hashed as its surrogatepass bytes
    rather than raising: computing an id must never stop a batch.
    """
    digest = hashlib.sha256()
    for text in sorted(a.text for a in articles):
        data = text.encode("utf-8", errors="surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()[:16]


class BiasSpan(StrictModel):
    """One expert media-bias label (BASIL), grounded in one article's text."""

    article: int = Field(ge=0, description="Index into Event.articles.")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = Field(description="Exactly articles[article].text[start:end].")
    bias: BiasKind = Field(description="'lex': loaded wording; 'inf': selection/framing of facts.")
    quote: bool = Field(description="The span is inside a quotation (someone else's words).")
    speaker: str | None = Field(
        None, description="Who is quoted, as labelled (e.g. 'Rick_Perry', 'other_anti')."
    )


class EventLabels(StrictModel):
    """Reference labels shipped with the data set; none is pipeline input."""

    bias_spans: list[BiasSpan] = Field(default_factory=list)
    reference_summary: str | None = Field(None, description="Neutral roundup (NeuS).")
    reference_title: str | None = Field(None, description="Title of the neutral roundup (NeuS).")


class Event(StrictModel):
    event_id: str = Field(description="stable_event_id(articles).")
    name: str
    articles: list[ArticleIn]
    grouping: str = Field(description="How the event was formed, e.g. 'neus line 7'.")
    labels: EventLabels = Field(default_factory=EventLabels)

    @model_validator(mode="after")
    def _spans_grounded(self) -> Self:
        for span in self.labels.bias_spans:
            if span.article >= len(self.articles):
                raise ValueError(
                    f"bias span {span.text!r} names article {span.article}, "
                    f"but the event has {len(self.articles)}"
                )
            got = self.articles[span.article].text[span.start : span.end]
            if got != span.text:
                raise ValueError(
                    f"bias span {span.text!r} not at [{span.start}:{span.end}] of article "
                    f"{span.article} (found {got!r})"
                )
        return self

    @classmethod
    def build(
        cls,
        *,
        name: str,
        articles: list[ArticleIn],
        grouping: str,
        labels: EventLabels | None = None,
    ) -> Event:
        """Construct with `event_id` computed from the articles."""
        return cls(
            event_id=stable_event_id(articles),
            name=name,
            articles=articles,
            grouping=grouping,
            labels=labels or EventLabels(),
        )
