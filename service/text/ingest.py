"""Turn raw input (a file, or text given over HTTP/batch) into a clean `ArticleIn`.

Every rejection is an `InputError` whose one-line message names the input and the fix.

Rules:

1. Files: a missing path, a directory, a non-regular file (a device such as /dev/zero, a
   FIFO) or an unreadable file is rejected, before anything is read; a URL is named as one
   (URLs are not fetched).
2. Size: plain text over `max_bytes` (UTF-8 bytes) is rejected, naming the limit and the
   setting `RASHOMON_MAX_ARTICLE_BYTES`. HTML may be up to `HTML_SIZE_FACTOR` x `max_bytes`
   raw (markup is bulky), and the text extracted from it must then fit in `max_bytes`.
3. Binary: UTF-16 (by its byte-order mark) gets its own iconv hint; otherwise NUL bytes,
   or more than 10% control characters in the first 8 KiB, is rejected (PDF, Word, images:
   convert to text first).
4. Encoding: files must be UTF-8; a UTF-8 byte-order mark is stripped. Anything else is
   rejected with an `iconv` hint (latin-1 is the usual culprit).
5. Newlines: `\\r\\n` (and a lone `\\r`) become `\\n`; nothing else in plain text changes,
   because sentence and quote offsets index the text exactly as ingested.
6. HTML is detected by extension (.html/.htm) or by sniffing (`<!doctype html`, `<html`,
   `<body`, or several `<p>`/`<div>`/`<br>` tags) and reduced to the main article text with
   trafilatura (comments dropped, recall favoured). If nothing is extracted, it is rejected.
   The page title fills `title` when none was given.
   When no outlet was given, it is read from the page's metadata (og:site_name,
   application-name, publisher) or from a copyright, dateline or byline line in the text
   (`service.text.outlets`).
7. Empty or whitespace-only text is rejected.
8. `check_duplicates` reports index pairs whose texts are identical after whitespace
   normalisation or near-identical (Jaccard >= 0.9 over lowercased word 5-shingles); the
   caller decides what to drop.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from pathlib import Path

from service.errors import ConfigError, InputError
from service.schemas import ArticleIn
from service.text.outlets import outlet_from_html, outlet_from_text

__all__ = [
    "HTML_SIZE_FACTOR",
    "check_duplicates",
    "clean_article",
    "looks_like_html",
    "read_article_file",
]

HTML_SIZE_FACTOR = 10
NEAR_DUPLICATE_JACCARD = 0.9
_SHINGLE = 5
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html\b)", re.IGNORECASE)
_HTML_TAG = re.compile(r"<(?:html|body|head)\b", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|article|section|span|a|li|h[1-6])\b[^>]*>", re.IGNORECASE)
_CONTROL_BYTES = frozenset(set(range(32)) - {9, 10, 12, 13}) | {127}
_SETTING = "RASHOMON_MAX_ARTICLE_BYTES"


def read_article_file(path: Path, *, max_bytes: int) -> ArticleIn:
    """Read one article file (plain text or HTML) and validate it."""
    origin = str(path)
    raw = _read_bytes(path, max_bytes=max_bytes, origin=origin)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(
            f"is UTF-16, not UTF-8; re-encode it, e.g. iconv -f utf-16 -t utf-8 {origin} > "
            f"{origin}.utf8",
            source=origin,
        )
    is_html_name = path.suffix.lower() in _HTML_SUFFIXES
    if len(raw) > max_bytes and not is_html_name and not looks_like_html(_peek(raw)):
        raise _too_big(len(raw), max_bytes, origin)
    _reject_binary(raw, origin)
    text = _decode(raw, origin)
    article = ArticleIn(text=text, origin=origin)
    return _finish(article, max_bytes=max_bytes, force_html=is_html_name)


def clean_article(article: ArticleIn, *, max_bytes: int) -> ArticleIn:
    """Validate and normalise an article given in memory (HTTP body, batch record)."""
    origin = article.origin
    _reject_surrogates(article, origin)
    size = len(article.text.encode("utf-8", errors="surrogatepass"))
    html = looks_like_html(article.text)
    if size > max_bytes * (HTML_SIZE_FACTOR if html else 1):
        raise _too_big(size, max_bytes * (HTML_SIZE_FACTOR if html else 1), origin)
    _reject_binary(article.text[:8192].encode("utf-8", errors="surrogatepass"), origin)
    text = article.text.removeprefix("\ufeff")
    return _finish(article.model_copy(update={"text": text}), max_bytes=max_bytes, force_html=html)


def looks_like_html(text: str) -> bool:
    """True if the text is (probably) an HTML page or fragment rather than plain text."""
    head = text[:4096]
    if _HTML_START.match(head) or _HTML_TAG.search(head):
        return True
    # Fragments: several block tags, dense enough that they are markup, not prose about HTML.
    tags = len(_BLOCK_TAG.findall(head))
    return tags >= 3 and tags * 200 >= len(head)


def check_duplicates(articles: Sequence[ArticleIn]) -> list[tuple[int, int]]:
    """Index pairs (i < j) of identical or near-identical articles."""
    normal = [" ".join(a.text.split()) for a in articles]
    shingles = [_shingles(t) for t in normal]
    pairs: list[tuple[int, int]] = []
    for j in range(len(articles)):
        for i in range(j):
            if (
                normal[i] == normal[j]
                or _jaccard(shingles[i], shingles[j]) >= NEAR_DUPLICATE_JACCARD
            ):
                pairs.append((i, j))
    return sorted(pairs)


# --------------------------------------------------------------------------- helpers


_URL = re.compile(r"^(?:https?|ftp)://?[^/]", re.IGNORECASE)


def _read_bytes(path: Path, *, max_bytes: int, origin: str) -> bytes:
    if not path.exists():
        if _URL.match(origin):
            # (a Path folds "https://x" into "https:/x": show the URL as it was typed)
            url = re.sub(r"^(\w+):/(?!/)", r"\1://", origin)
            raise InputError(
                "is a URL, and URLs are not fetched; save the page first (e.g. curl -L -o "
                "page.html URL) and pass the file",
                source=url,
            )
        raise InputError("file not found; check the path", source=origin)
    if path.is_dir():
        raise InputError("is a directory; pass the article files inside it", source=origin)
    if not path.is_file():
        # /dev/zero never ends and a FIFO blocks until a writer comes: refuse before reading.
        raise InputError(
            "is not a regular file (a device, FIFO or socket); save the article to a file "
            "and pass that",
            source=origin,
        )
    limit = max_bytes * HTML_SIZE_FACTOR  # the tighter plain-text limit is checked after sniffing
    try:
        size = path.stat().st_size
        if size > limit:
            raise _too_big(size, limit, origin)
        return path.read_bytes()
    except OSError as err:
        raise InputError(
            f"cannot read the file ({err.strerror}); check its permissions", source=origin
        ) from err


def _reject_surrogates(article: ArticleIn, origin: str | None) -> None:
    """A JSON string may spell a lone surrogate ("\\ud800"): such text is not Unicode, cannot
    be written as UTF-8 (the result, the event id) and is rejected here, naming the field."""
    for name in ("text", "outlet", "title", "url", "published"):
        value = getattr(article, name)
        if value is None:
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise InputError(
                f"{name} holds a lone surrogate U+{ord(value[err.start]):04X} at character "
                f"{err.start}, which is not valid Unicode; fix the encoder that wrote it",
                source=origin,
            ) from None


def _peek(raw: bytes) -> str:
    return raw[:4096].decode("utf-8", errors="ignore")


def _too_big(size: int, limit: int, origin: str | None) -> InputError:
    return InputError(
        f"article is {size:,} bytes, over the limit of {limit:,} bytes; shorten it or raise "
        f"{_SETTING}",
        source=origin,
    )


def _reject_binary(raw: bytes, origin: str | None) -> None:
    sample = raw[:8192]
    controls = sum(1 for b in sample if b in _CONTROL_BYTES)
    if b"\x00" in raw or (sample and controls * 10 > len(sample)):
        raise InputError(
            "looks like a binary file (NUL or control bytes), not text; convert it to plain "
            "text or HTML first (e.g. pdftotext for a PDF)",
            source=origin,
        )


def _decode(raw: bytes, origin: str) -> str:
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            f"is not valid UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start}); re-encode "
            f"as UTF-8, e.g. iconv -f latin1 -t utf-8 {origin} > {origin}.utf8",
            source=origin,
        ) from err


def _finish(article: ArticleIn, *, max_bytes: int, force_html: bool) -> ArticleIn:
    text = article.text.replace("\r\n", "\n").replace("\r", "\n")
    title = article.title
    outlet = article.outlet
    if force_html or looks_like_html(text):
        html = text
        text, page_title = _extract_html(html, article.origin)
        title = title or page_title
        outlet = outlet or outlet_from_html(html)
        size = len(text.encode("utf-8", errors="surrogatepass"))
        if size > max_bytes:
            raise _too_big(size, max_bytes, article.origin)
    if not text.strip():
        raise InputError(
            "article is empty (only whitespace); supply the article text", source=article.origin
        )
    outlet = outlet or outlet_from_text(text)
    return article.model_copy(update={"text": text, "title": title, "outlet": outlet})


def _extract_html(html: str, origin: str | None) -> tuple[str, str | None]:
    try:
        import trafilatura  # deferred: pulls in lxml, only needed for HTML input
    except ImportError as err:
        raise ConfigError(
            f"HTML input needs trafilatura, which failed to import ({err}); run "
            "pip install trafilatura lxml_html_clean, or submit plain text"
        ) from err
    text = trafilatura.extract(html, include_comments=False, favor_recall=True)
    if not text or not text.strip():
        raise InputError(
            "HTML page has no extractable article text; paste the article body as plain text",
            source=origin,
        )
    return text.strip(), _html_title(trafilatura, html)


def _html_title(trafilatura: object, html: str) -> str | None:
    # Metadata is a nicety: never fail ingestion over it.
    try:
        meta = trafilatura.extract_metadata(html)  # type: ignore[attr-defined]
    except Exception:
        return None
    title = getattr(meta, "title", None) if meta is not None else None
    return title.strip() if isinstance(title, str) and title.strip() else None


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < _SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def _jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
