"""Step 0, deterministic: validate articles, drop duplicates, split into sentence units."""

from __future__ import annotations

from collections.abc import Sequence

from service.config import Settings
from service.errors import InputError
from service.schemas import ArticleIn, RunWarning, Source, Span
from service.text.editorial import BOILERPLATE
from service.text.ingest import check_duplicates, clean_article
from service.text.injection import addressed_to_model
from service.text.language import ENGLISH, detect_language
from service.text.lead_ins import lead_in
from service.text.outlets import fallback_outlet
from service.text.quotes import find_quotes
from service.text.sentences import split_sentences


def prepare_sources(
    articles: Sequence[ArticleIn], settings: Settings
) -> tuple[list[Source], list[RunWarning]]:
    if not articles:
        raise InputError("no articles given: pass at least one article (two or more to reconcile)")
    if len(articles) > settings.max_articles:
        raise InputError(
            f"{len(articles)} articles exceed the limit of {settings.max_articles}; "
            "raise RASHOMON_MAX_ARTICLES or split the event"
        )
    cleaned = [clean_article(a, max_bytes=settings.max_article_bytes) for a in articles]
    warnings: list[RunWarning] = []
    dropped: set[int] = set()
    for first, later in check_duplicates(cleaned):
        if later not in dropped and first not in dropped:
            dropped.add(later)
            warnings.append(
                RunWarning(
                    step="sources",
                    message=f"article {later + 1} ({_label(cleaned[later], later)}) duplicates "
                    f"article {first + 1} ({_label(cleaned[first], first)}); it was left out",
                )
            )
    sources: list[Source] = []
    for index, article in enumerate(cleaned):
        if index in dropped:
            continue
        source_id = f"S{len(sources) + 1}"
        sentences = sentence_units(article.text)
        title = article.title or detect_title(sentences)
        if title and addressed_to_model(title):  # issue 19.9: never shown as a headline
            warnings.append(
                RunWarning(
                    step="sources",
                    source_id=source_id,
                    rule_id="injection.title",
                    message=f"article {index + 1} ({_label(article, index)}): its title reads "
                    f"as an instruction to a language model and is not used: {title[:120]!r}",
                )
            )
            title = None
        if not sentences:
            raise InputError("no sentences found in the text", source=_label(article, index))
        if not any(_is_prose(span.text) for span in sentences):
            raise InputError(
                "no article text found, only headings or navigation (e.g. 'Home News Sport'); "
                "pass the article's page or its text",
                source=_label(article, index),
            )
        # --- language (service/text/language.py; issue 19.8) -----------------------------
        detected = detect_language(article.text)
        sources.append(
            Source(
                source_id=source_id,
                outlet=article.outlet or fallback_outlet(article.origin, index),
                title=title,
                url=article.url,
                published=article.published,
                origin=article.origin,
                text=article.text,
                sentences=sentences,
                language=detected.language,
            )
        )
        if detected.language != ENGLISH:
            warnings.append(
                RunWarning(
                    step="sources",
                    source_id=source_id,
                    rule_id=detected.rule_id,
                    message=f"article {index + 1} ({_label(article, index)}) reads as "
                    f"{detected.name}, not English ({detected.evidence}); who-says-what "
                    "is read by English rules only, so its claims are kept in the outlet's "
                    "voice and no party is credited",
                )
            )
        # --- end of language --------------------------------------------------------------
    return sources, warnings


def _is_prose(text: str) -> bool:
    """A sentence of running text: three or more words, two of them lower-case (a menu or a
    run of headings is Title Case)."""
    words = text.split()
    return len(words) >= 3 and sum(w[:1].islower() for w in words) >= 2


def _label(article: ArticleIn, index: int) -> str:
    """Errors name the input to fix: the file or record it came from, else its outlet."""
    if article.origin:
        return article.origin
    if article.outlet:
        return article.outlet
    return f"article {index + 1}"


def sentence_units(text: str) -> list[Span]:
    """Sentences, merged where a quotation runs across a sentence boundary: a quoted passage
    and its attribution ("..., the ministry said") must be read as one unit."""
    spans = split_sentences(text)
    quotes = find_quotes(text)
    merged: list[Span] = []
    for span in spans:
        if merged and any(qs < merged[-1].end <= span.start < qe for qs, qe in quotes):
            start = merged[-1].start
            merged[-1] = Span(start=start, end=span.end, text=text[start : span.end])
        else:
            merged.append(span)
    return [_without_lead_in(span, text) for span in merged]


def _without_lead_in(span: Span, text: str) -> Span:
    """The span without a wire dateline or an update label (service/text/lead_ins.py)."""
    found = lead_in(span.text)
    if found is None:
        return span
    start = span.start + found[0]
    return Span(start=start, end=span.end, text=text[start : span.end])


_TERMINAL = (".", "!", "?", '"', "”", "»", "'", ":")


def detect_title(sentences: Sequence[Span]) -> str | None:
    """Plain-text dumps often start with the headline on its own line: a short unit without
    closing punctuation among the first two. (Site boilerplate before it is skipped by the
    account step's boilerplate filter, not here.)"""
    for span in sentences[:2]:
        text = span.text.strip()
        if BOILERPLATE.search(text):
            continue
        if 3 <= len(text.split()) <= 20 and not text.endswith(_TERMINAL):
            return text
    return None
