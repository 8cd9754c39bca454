"""Request-time checks of submitted articles, so limits and unusable input are reported at once
(413/422 with the field path) rather than as a failed job later."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from service.api.offload import Worker
from service.api.problems import ApiProblem, field_path, limit_problem, validation_problem
from service.config import Settings
from service.errors import InputError
from service.pipeline.sources import prepare_sources
from service.schemas import ArticleIn, RunWarning, Source
from service.text.ingest import HTML_SIZE_FACTOR, looks_like_html

Loc = tuple[str | int, ...]


def check_count(articles: Sequence[ArticleIn], settings: Settings) -> None:
    if len(articles) > settings.max_articles:
        raise limit_problem(
            413,
            "too-many-articles",
            "Too many articles",
            f"{len(articles)} articles exceed the limit of {settings.max_articles} per request; "
            "split the event or raise the setting",
            limit="max_articles",
            value=settings.max_articles,
            setting="RASHOMON_MAX_ARTICLES",
            actual=len(articles),
        )


async def check_articles(
    articles: Sequence[ArticleIn], settings: Settings, loc: Loc
) -> tuple[list[Source], list[RunWarning]]:
    """Limits, emptiness and ingestibility of each article; returns what `prepare_sources`
    makes of them, so the pipeline runs on these and never ingests the request again.

    `loc` is the field path of the list (or of the single article when `loc` ends with a
    field name and one article is given)."""
    check_count(articles, settings)
    single = len(articles) == 1 and not isinstance(loc[-1], int) and loc[-1] == "article"

    def at(i: int) -> Loc:
        return (*loc, "text") if single else (*loc, i, "text")

    for i, article in enumerate(articles):
        if not article.text.strip():
            raise _invalid(at(i), "article text is empty (only whitespace)", "value_error")
        size = len(article.text.encode("utf-8", errors="surrogatepass"))
        html = looks_like_html(article.text)
        limit = settings.max_article_bytes * (HTML_SIZE_FACTOR if html else 1)
        if size > limit:
            raise limit_problem(
                413,
                "article-too-large",
                "Article too large",
                f"{field_path(at(i))}: article is {size:,} bytes, over the limit of {limit:,} bytes"
                + (f" (HTML may be {HTML_SIZE_FACTOR}x the text limit)" if html else "")
                + "; shorten it or raise the setting",
                limit="max_article_bytes",
                value=settings.max_article_bytes,
                setting="RASHOMON_MAX_ARTICLE_BYTES",
                actual=size,
                field=field_path(at(i)),
            )

    def one_by_one() -> list[Source]:
        """Each article prepared alone: the field path of the first one at fault."""
        out: list[Source] = []
        for i, article in enumerate(articles):
            try:
                out.append(prepare_sources([article], settings)[0][0])
            except InputError as e:
                raise _invalid(at(i), str(e), "input_error") from e
        return out

    def prepare() -> tuple[list[Source], list[RunWarning]]:
        try:
            prepared = prepare_sources(articles, settings)
        except InputError as e:
            # Only a rejected request is read a second time, to name the article at fault.
            one_by_one()
            raise _invalid(loc, str(e), "input_error") from e
        sources = prepared[0]
        if len(sources) == len(articles):
            check_sentences(sources, settings, at)
        else:
            # Duplicates were left out, so sources no longer line up with the request's
            # articles: the limits count (and name) every article sent, read one by one.
            check_sentences(one_by_one(), settings, at)
        return prepared

    # Ingesting (HTML extraction, sentence splitting) is CPU work: off the event loop, in a
    # daemon thread (a stopping server does not wait for it).
    return await Worker(prepare, name="ingest").run()


def check_sentences(
    sources: Sequence[Source], settings: Settings, at: Callable[[int], Loc]
) -> None:
    """413 when an article, or the request, has more sentence units than the model work the
    service accepts per request (each sentence is at least one model call)."""
    per_article = settings.max_sentences_per_article
    for i, source in enumerate(sources):
        n = len(source.sentences)
        if per_article and n > per_article:
            raise limit_problem(
                413,
                "too-many-sentences",
                "Article too long",
                f"{field_path(at(i))}: {n:,} sentences, over the limit of {per_article:,} per "
                "article; shorten it or raise the setting",
                limit="max_sentences_per_article",
                value=per_article,
                setting="RASHOMON_MAX_SENTENCES_PER_ARTICLE",
                actual=n,
                field=field_path(at(i)),
            )
    per_request = settings.max_sentences_per_request
    total = sum(len(s.sentences) for s in sources)
    if per_request and total > per_request:
        raise limit_problem(
            413,
            "too-many-sentences",
            "Request too long",
            f"the articles have {total:,} sentences in all, over the limit of {per_request:,} "
            "per request; send fewer or shorter articles, or raise the setting",
            limit="max_sentences_per_request",
            value=per_request,
            setting="RASHOMON_MAX_SENTENCES_PER_REQUEST",
            actual=total,
        )


def _invalid(loc: Loc, msg: str, kind: str) -> ApiProblem:
    body = validation_problem([{"loc": loc, "msg": msg, "type": kind}])
    return ApiProblem(422, "validation", body["title"], body["detail"], errors=body["errors"])
