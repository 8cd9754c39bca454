"""BASIL loader: one `Event` per triplet-uuid (the same event told by Fox, NYT and HuffPost).

Layout (Fan et al., EMNLP 2019): `articles/YEAR/UUID_N.json` and
`annotations/YEAR/UUID_N_ann.json`, `UUID` being the triplet-uuid.

Article text: each paragraph of `body-paragraphs` (a list of sentence strings) is its
sentences, whitespace-stripped, empty ones dropped, joined by one space; paragraphs are
joined by "\\n" (one paragraph per line; empty paragraphs dropped).

Annotation offsets: `start`/`end` of `phrase-level-annotations` are relative to the
*sentence* holding the span (the annotation does not say which one). No joining of the whole
body makes them hold (only spans in the first sentence do), so each span is grounded by:

1. "offset": find the sentence(s) whose raw string has `txt` at `[start:end]` and translate
   to an offset in the joined text (first such sentence when several match);
2. "search": otherwise exact search of `txt` in the joined text (first occurrence);
3. otherwise the span is dropped (e.g. one span in the real data labels the title).

`load_basil_with_stats` reports how many spans took each route.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from service.datasets.events import BiasKind, BiasSpan, Event, EventLabels
from service.errors import InputError
from service.schemas import ArticleIn

log = logging.getLogger(__name__)

OUTLETS: dict[str, str] = {"fox": "Fox News", "nyt": "New York Times", "hpo": "HuffPost"}


@dataclass
class BasilStats:
    """How the annotation spans were grounded (see module docstring)."""

    spans_total: int = 0
    by_offset: int = 0  # sentence-relative offset held, in exactly one sentence
    by_offset_ambiguous: int = 0  # offset held in several sentences; first one taken
    by_search: int = 0  # offset did not hold; txt found exactly once in the text
    by_search_ambiguous: int = 0  # offset did not hold; txt found several times; first taken
    dropped: int = 0  # txt not in the article text at all
    dropped_spans: list[str] = field(default_factory=list)  # "origin#id: txt" of each drop
    annotations_missing: int = 0  # articles without an annotation file

    @property
    def kept(self) -> int:
        return self.spans_total - self.dropped


@dataclass
class _Article:
    path: Path
    number: int
    data: dict[str, Any]
    sentences: list[tuple[int, str]]  # (offset of the stripped sentence in text, raw sentence)
    text: str


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"cannot read BASIL JSON ({exc}); re-extract the file", source=str(path)
        ) from exc
    if not isinstance(data, dict):
        raise InputError("expected a JSON object", source=str(path))
    return cast(dict[str, Any], data)


def _require_str(data: dict[str, Any], key: str, path: Path) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"field {key!r} missing or not a non-empty string", source=str(path))
    return value


def _join_body(paragraphs: Any, path: Path) -> tuple[str, list[tuple[int, str]]]:
    """Joined text plus, for every kept sentence, its offset in the text and raw string."""
    if not isinstance(paragraphs, list) or not all(
        isinstance(p, list) and all(isinstance(s, str) for s in p) for p in paragraphs
    ):
        raise InputError(
            "'body-paragraphs' must be a list of paragraphs, each a list of sentence strings",
            source=str(path),
        )
    lines: list[str] = []
    sentences: list[tuple[int, str]] = []
    pos = 0
    for paragraph in cast(list[list[str]], paragraphs):
        parts: list[str] = []
        for raw in paragraph:
            stripped = raw.strip()
            if not stripped:
                continue
            if parts:
                pos += 1  # the joining space
            sentences.append((pos, raw))
            parts.append(stripped)
            pos += len(stripped)
        if not parts:
            continue
        lines.append(" ".join(parts))
        pos += 1  # the "\n" after this paragraph
    text = "\n".join(lines)
    if not text:
        raise InputError("article has no body text", source=str(path))
    return text, sentences


# What the loader cannot do without: the event (triplet-uuid), the article (uuid, which its
# annotation file names), the outlet (source) and the body. Everything else (title, date, url,
# main-event) is metadata some real files leave empty (an untitled 2014 article has
# "title": ""): missing, empty or not a string, it is read as absent.
REQUIRED = ("triplet-uuid", "uuid", "source")


def _optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _read_article(path: Path) -> _Article:
    data = _read_json(path)
    for key in REQUIRED:
        _require_str(data, key, path)
    try:
        number = int(path.stem.rsplit("_", 1)[1])
    except (IndexError, ValueError):
        raise InputError("file name must be UUID_N.json", source=str(path)) from None
    text, sentences = _join_body(data.get("body-paragraphs"), path)
    return _Article(path=path, number=number, data=data, sentences=sentences, text=text)


def _locate(article: _Article, start: int, end: int, txt: str) -> tuple[int, str] | None:
    """Offset of `txt` in article.text and how it was found, or None."""
    hits: list[int] = []
    for offset, raw in article.sentences:
        if start < end and raw[start:end] == txt:
            lead = len(raw) - len(raw.lstrip())
            pos = offset + start - lead
            if start >= lead and article.text[pos : pos + len(txt)] == txt:
                hits.append(pos)
    if hits:
        return hits[0], "by_offset" if len(hits) == 1 else "by_offset_ambiguous"
    first = article.text.find(txt)
    if first < 0:
        return None
    once = article.text.find(txt, first + 1) < 0
    return first, "by_search" if once else "by_search_ambiguous"


def _spans(article: _Article, index: int, ann_path: Path, stats: BasilStats) -> list[BiasSpan]:
    if not ann_path.is_file():
        stats.annotations_missing += 1
        log.warning("BASIL: no annotation file %s", ann_path)
        return []
    ann = _read_json(ann_path)
    if ann.get("uuid") != article.data["uuid"]:
        raise InputError(
            f"annotation uuid {ann.get('uuid')!r} != article uuid {article.data['uuid']!r}",
            source=str(ann_path),
        )
    # 17 of the 60 real annotation files say "pair-uuid" where the rest say "triplet-uuid".
    group = ann.get("triplet-uuid", ann.get("pair-uuid"))
    if group is not None and group != article.data["triplet-uuid"]:
        raise InputError(
            f"annotation triplet {group!r} != article triplet {article.data['triplet-uuid']!r}",
            source=str(ann_path),
        )
    raw_spans = ann.get("phrase-level-annotations", [])
    if not isinstance(raw_spans, list):
        raise InputError("'phrase-level-annotations' must be a list", source=str(ann_path))
    spans: list[BiasSpan] = []
    for raw in raw_spans:
        stats.spans_total += 1
        try:
            txt, start, end = raw["txt"], int(raw["start"]), int(raw["end"])
            bias, quote, speaker = raw["bias"], raw.get("quote", "no"), raw.get("speaker")
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"malformed phrase annotation ({exc!r})", source=str(ann_path)
            ) from exc
        if not isinstance(txt, str) or bias not in ("lex", "inf"):
            raise InputError(f"malformed phrase annotation {raw!r}", source=str(ann_path))
        found = _locate(article, start, end, txt) if txt else None
        if found is None:
            stats.dropped += 1
            stats.dropped_spans.append(f"{ann_path}#{raw.get('id')}: {txt!r}")
            log.info("BASIL: span %r not in the body of %s; dropped", txt, article.path)
            continue
        pos, route = found
        setattr(stats, route, getattr(stats, route) + 1)
        spans.append(
            BiasSpan(
                article=index,
                start=pos,
                end=pos + len(txt),
                text=txt,
                bias=cast(BiasKind, bias),
                quote=str(quote).strip().lower() in ("yes", "true", "1"),
                speaker=(speaker.strip() or None) if isinstance(speaker, str) else None,
            )
        )
    return spans


def _to_article_in(article: _Article) -> ArticleIn:
    source = article.data["source"].strip().lower()  # 6 real files say NYT/FOX/HPO
    if source not in OUTLETS:
        raise InputError(
            f"unknown source {article.data['source']!r}; expected one of {sorted(OUTLETS)}",
            source=str(article.path),
        )
    return ArticleIn(
        text=article.text,
        outlet=OUTLETS[source],
        title=_optional_str(article.data, "title"),
        url=_optional_str(article.data, "url"),
        published=_optional_str(article.data, "date"),
        origin=str(article.path),
    )


def load_basil_with_stats(
    root: Path, *, limit: int | None = None
) -> tuple[list[Event], BasilStats]:
    """Like `load_basil`, also returning span-grounding counts (over the events returned)."""
    articles_dir = root / "articles"
    if not articles_dir.is_dir():
        raise InputError(
            "no articles/ directory; pass the BASIL root (holding articles/ and annotations/)",
            source=str(root),
        )
    groups: dict[str, list[_Article]] = defaultdict(list)
    for path in sorted(articles_dir.glob("*/*.json")):
        article = _read_article(path)
        groups[article.data["triplet-uuid"]].append(article)

    # Undated articles sort after dated ones (an empty date would otherwise come first).
    def _date(a: _Article) -> str:
        return _optional_str(a.data, "date") or "\uffff"

    ordered = sorted(groups.items(), key=lambda kv: (min(_date(a) for a in kv[1]), kv[0]))
    if limit is not None:
        ordered = ordered[: max(limit, 0)]

    stats = BasilStats()
    events: list[Event] = []
    for triplet, members in ordered:
        members.sort(key=lambda a: (a.number, a.path.name))
        spans: list[BiasSpan] = []
        for index, article in enumerate(members):
            rel = article.path.relative_to(articles_dir)
            ann_path = root / "annotations" / rel.parent / f"{article.path.stem}_ann.json"
            spans.extend(_spans(article, index, ann_path, stats))
        # main-event differs slightly between the three files of some triplets: take the
        # most common wording, ties going to the first article.
        names = Counter(
            _optional_str(a.data, "main-event") or _optional_str(a.data, "title") or ""
            for a in members
        )
        names.pop("", None)
        name = (
            max(names, key=lambda n: (names[n], -list(names).index(n)))
            if names
            else f"BASIL triplet {triplet}"
        )
        events.append(
            Event.build(
                name=name,
                articles=[_to_article_in(a) for a in members],
                grouping=f"basil triplet-uuid {triplet}",
                labels=EventLabels(bias_spans=spans),
            )
        )
    return events, stats


def load_basil(root: Path, *, limit: int | None = None) -> list[Event]:
    """One Event per BASIL triplet, ordered by earliest article date then triplet-uuid.

    `root` holds `articles/` and `annotations/`. Bias spans that cannot be found in the
    article body are dropped (counted by `load_basil_with_stats`).
    """
    return load_basil_with_stats(root, limit=limit)[0]
