"""Reading dumps into events. Every reader returns events plus the records it rejected; a bad
record (undecodable, empty, too big, missing a field, unparseable) never stops the run.

Formats (`--format`, default `auto`):

- dir:   a directory of .txt/.html/.htm/.md files. Files in a sub-directory form one event per
         sub-directory; files at the top level are grouped by similarity (grouping.py). A
         manifest CSV (`--manifest`, or `manifest.csv` in the directory) with columns
         `file,event` (optional `outlet,title,published,url`) overrides both for the files
         it lists; `file` is relative to the input directory.
- jsonl: one article per line; field names via `--field text=body --field event=story_id`
         (keys: text, event, outlet, title, url, published, id; dotted paths reach into
         nested objects). Lines without an event key are grouped by similarity.
- basil: the BASIL layout (articles/, annotations/), via service.datasets.load_basil.
- neus:  NeuS `test.source`, via service.datasets.load_neus.
- warc:  a .warc/.warc.gz file or a directory of them: HTTP 200 HTML responses, reduced to
         article text by service.text.ingest. Grouped by a manifest CSV (`url,event`,
         optional `outlet`) or by similarity (WARC-Date as the time). Outlet = URL host.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from service.batch.grouping import (
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW_HOURS,
    Group,
    group_by_similarity,
)
from service.datasets import Event, load_basil, load_neus
from service.errors import ConfigError, InputError, RashomonError
from service.schemas import ArticleIn
from service.text.ingest import clean_article, read_article_file

Format = Literal["auto", "dir", "jsonl", "basil", "neus", "warc"]
FORMATS: tuple[str, ...] = ("auto", "dir", "jsonl", "basil", "neus", "warc")
ARTICLE_SUFFIXES = frozenset({".txt", ".html", ".htm", ".md"})
FIELD_KEYS = ("text", "event", "outlet", "title", "url", "published", "id")
_MANIFEST_NAME = "manifest.csv"


@dataclass(frozen=True)
class RecordFailure:
    """A record (file, line, WARC record) that could not become an article."""

    where: str
    reason: str


@dataclass
class InputOptions:
    format: Format = "auto"
    fields: dict[str, str] = field(default_factory=dict)
    manifest: Path | None = None
    threshold: float = DEFAULT_THRESHOLD
    window_hours: float = DEFAULT_WINDOW_HOURS
    max_article_bytes: int = 200_000
    max_articles: int = 12
    limit: int | None = None


@dataclass
class Dump:
    format: str
    events: list[Event]
    failures: list[RecordFailure]


def parse_fields(specs: Iterable[str]) -> dict[str, str]:
    """`["text=body", "event=story_id"]` -> {"text": "body", "event": "story_id"}."""
    fields: dict[str, str] = {}
    for spec in specs:
        key, sep, name = spec.partition("=")
        key, name = key.strip(), name.strip()
        if not sep or key not in FIELD_KEYS or not name:
            raise ConfigError(
                f"--field {spec!r}: expected KEY=NAME with KEY one of {', '.join(FIELD_KEYS)}"
            )
        fields[key] = name
    return fields


def detect_format(path: Path) -> str:
    if path.is_dir():
        if any((path / "articles").glob("*/*.json")):
            return "basil"
        if any(
            p.suffix.lower() in (".warc", ".gz") and ".warc" in p.name.lower()
            for p in path.iterdir()
        ):
            return "warc"
        return "dir"
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson", ".jsonl.txt")):
        return "jsonl"
    if name.endswith((".warc", ".warc.gz", ".arc.gz")):
        return "warc"
    if name.endswith(".source"):
        return "neus"
    if path.is_file():
        with path.open("rb") as fh:
            head = fh.read(4096)
        if b"TITLE=>" in head and b"ARTICLE=>" in head:
            return "neus"
        if head.lstrip().startswith(b"{"):
            return "jsonl"
    raise ConfigError(f"cannot tell the format of {path}; pass --format dir|jsonl|basil|neus|warc")


def load_dump(path: Path, options: InputOptions) -> Dump:
    if not path.exists():
        if re.match(r"^(?:https?|ftp):/", str(path), re.IGNORECASE):
            raise InputError(
                "is a URL, and URLs are not fetched; download the dump first and pass the file",
                source=re.sub(r"^(\w+):/(?!/)", r"\1://", str(path)),
            )
        raise InputError("input not found; check the path", source=str(path))
    if not path.is_dir() and not path.is_file():
        raise InputError(
            "is not a regular file or a directory (a device, FIFO or socket); save the dump "
            "to a file first",
            source=str(path),
        )
    fmt = detect_format(path) if options.format == "auto" else options.format
    readers = {
        "dir": _read_dir,
        "jsonl": _read_jsonl,
        "basil": _read_basil,
        "neus": _read_neus,
        "warc": _read_warc,
    }
    events, failures = readers[fmt](path, options)
    if options.limit is not None:
        events = events[: max(options.limit, 0)]
    return Dump(format=fmt, events=events, failures=failures)


# --------------------------------------------------------------------------- helpers


def _name_of(articles: list[ArticleIn], fallback: str) -> str:
    for a in articles:
        if a.title:
            return a.title
    words = articles[0].text.split()[:12] if articles else []
    return " ".join(words) or fallback


def _events_from(
    keyed: dict[str, list[ArticleIn]],
    how_keyed: dict[str, str],
    loose: list[ArticleIn],
    options: InputOptions,
    label: str,
) -> list[Event]:
    groups = [Group(articles, how_keyed[key]) for key, articles in keyed.items()]
    groups += group_by_similarity(
        loose,
        threshold=options.threshold,
        window_hours=options.window_hours,
        max_size=options.max_articles,
        label=label,
    )
    return [
        Event.build(name=_name_of(g.articles, g.grouping), articles=g.articles, grouping=g.grouping)
        for g in groups
        if g.articles
    ]


def _read_manifest(path: Path, key_column: str) -> dict[str, dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the manifest ({exc})", source=str(path)) from exc
    if rows and (key_column not in rows[0] or "event" not in rows[0]):
        raise InputError(
            f"manifest needs the columns {key_column!r} and 'event' (header row)",
            source=str(path),
        )
    return {
        row[key_column].strip(): {k: (v or "").strip() for k, v in row.items() if k}
        for row in rows
        if (row.get(key_column) or "").strip() and (row.get("event") or "").strip()
    }


def _with_meta(article: ArticleIn, row: dict[str, str]) -> ArticleIn:
    update = {k: row[k] for k in ("outlet", "title", "published", "url") if row.get(k)}
    return article.model_copy(update=update) if update else article


# --------------------------------------------------------------------------- dir


def _read_dir(root: Path, options: InputOptions) -> tuple[list[Event], list[RecordFailure]]:
    if not root.is_dir():
        raise InputError("--format dir needs a directory", source=str(root))
    manifest_path = options.manifest or (root / _MANIFEST_NAME)
    manifest = _read_manifest(manifest_path, "file") if manifest_path.is_file() else {}
    failures: list[RecordFailure] = []
    keyed: dict[str, list[ArticleIn]] = {}
    how: dict[str, str] = {}
    loose: list[ArticleIn] = []
    files = sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
    )
    for path in files:
        rel = path.relative_to(root)
        try:
            article = read_article_file(path, max_bytes=options.max_article_bytes)
        except (InputError, ConfigError) as exc:
            failures.append(RecordFailure(where=str(path), reason=str(exc)))
            continue
        row = manifest.get(rel.as_posix())
        if row is not None:
            key = f"manifest:{row['event']}"
            how[key] = f"manifest {manifest_path.name}: event {row['event']!r}"
            keyed.setdefault(key, []).append(_with_meta(article, row))
        elif rel.parent != Path("."):
            key = f"dir:{rel.parent.as_posix()}"
            how[key] = f"sub-directory {rel.parent.as_posix()}/"
            keyed.setdefault(key, []).append(article)
        else:
            loose.append(article)
    return _events_from(keyed, how, loose, options, f"{root}/"), failures


# --------------------------------------------------------------------------- jsonl


def _get(record: dict[str, Any], dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _lone_surrogate(values: dict[str, str | None]) -> str | None:
    """JSON can spell a lone surrogate ("\\ud800"), which no UTF-8 output (the state store,
    results.jsonl) can hold: the record is rejected (the article fields are checked by
    `clean_article`)."""
    for name, value in values.items():
        if value is None:
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            return (
                f"field {name} holds a lone surrogate U+{ord(value[err.start]):04X}, which is "
                "not valid Unicode; fix the encoder that wrote it"
            )
    return None


def _read_jsonl(path: Path, options: InputOptions) -> tuple[list[Event], list[RecordFailure]]:
    names = {k: options.fields.get(k, k) for k in FIELD_KEYS}
    failures: list[RecordFailure] = []
    keyed: dict[str, list[ArticleIn]] = {}
    how: dict[str, str] = {}
    loose: list[ArticleIn] = []
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", source=str(path)) from exc
    with fh:
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                failures.append(
                    RecordFailure(
                        where,
                        f"not valid UTF-8 ({exc.reason} at byte {exc.start}); re-encode the file",
                    )
                )
                continue
            except json.JSONDecodeError as exc:
                failures.append(RecordFailure(where, f"not valid JSON ({exc.msg})"))
                continue
            if not isinstance(record, dict):
                failures.append(RecordFailure(where, "not a JSON object"))
                continue
            text = _get(record, names["text"])
            if not isinstance(text, str):
                failures.append(
                    RecordFailure(
                        where,
                        f"missing text field {names['text']!r} (or not a string); "
                        "name it with --field text=NAME",
                    )
                )
                continue
            record_id = _scalar(_get(record, names["id"]))
            event = _scalar(_get(record, names["event"]))
            bad = _lone_surrogate({"event": event, "id": record_id})
            if bad is not None:
                failures.append(RecordFailure(where, bad))
                continue
            try:
                article = clean_article(
                    ArticleIn(
                        text=text,
                        outlet=_scalar(_get(record, names["outlet"])),
                        title=_scalar(_get(record, names["title"])),
                        url=_scalar(_get(record, names["url"])),
                        published=_scalar(_get(record, names["published"])),
                        origin=f"{where}" + (f" (id {record_id})" if record_id else ""),
                    ),
                    max_bytes=options.max_article_bytes,
                )
            except (InputError, ConfigError) as exc:
                failures.append(RecordFailure(where, str(exc)))
                continue
            if event is None:
                loose.append(article)
            else:
                key = f"event:{event}"
                how[key] = f"jsonl field {names['event']}={event!r}"
                keyed.setdefault(key, []).append(article)
    return _events_from(keyed, how, loose, options, path.name), failures


# --------------------------------------------------------------------------- BASIL / NeuS


def _read_basil(root: Path, options: InputOptions) -> tuple[list[Event], list[RecordFailure]]:
    """`load_basil` stops at the first bad file: skip each bad file (reported) and load again
    from a symlinked copy of the tree without it."""
    failures: list[RecordFailure] = []
    excluded: set[Path] = set()
    while True:
        try:
            if not excluded:
                return load_basil(root), failures
            with tempfile.TemporaryDirectory(prefix="rashomon-basil-") as tmp:
                _symlink_tree(root, Path(tmp), excluded)
                events = load_basil(Path(tmp))
                return [_rebase(e, tmp, str(root)) for e in events], failures
        except InputError as exc:
            bad = _bad_file(exc, root, excluded)
            if bad is None:
                raise
            excluded.add(bad)
            failures.append(RecordFailure(str(bad), str(exc)))


def _bad_file(exc: InputError, root: Path, excluded: set[Path]) -> Path | None:
    if not exc.source:
        return None
    source = Path(exc.source)
    parts = source.parts
    for anchor in ("articles", "annotations"):
        if anchor in parts:
            rel = Path(*parts[parts.index(anchor) :])
            candidate = root / rel
            if candidate.exists() and candidate not in excluded:
                return candidate
    return None


def _symlink_tree(root: Path, target: Path, excluded: set[Path]) -> None:
    for path in root.rglob("*"):
        if path.is_file() and path not in excluded:
            dest = target / path.relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.symlink_to(path.resolve())


def _rebase(event: Event, old: str, new: str) -> Event:
    articles = [
        a.model_copy(update={"origin": a.origin.replace(old, new, 1)}) if a.origin else a
        for a in event.articles
    ]
    return event.model_copy(update={"articles": articles})


def _read_neus(path: Path, options: InputOptions) -> tuple[list[Event], list[RecordFailure]]:
    """`load_neus` stops at the first bad line: on an error, load line by line instead (each
    line through the same loader), reporting the bad lines."""
    target = path.with_name(path.name.replace(".source", ".target"))
    try:
        return load_neus(path), []
    except InputError:
        pass
    failures: list[RecordFailure] = []
    events: list[Event] = []
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", source=str(path)) from exc
    if lines and lines[-1] == b"":
        lines.pop()
    del target  # the reference roundups are labels: the batch runner does not use them
    with tempfile.TemporaryDirectory(prefix="rashomon-neus-") as tmp:
        one = Path(tmp) / "line.source"
        for lineno, raw in enumerate(lines, 1):
            where = f"{path}:{lineno}"
            try:
                one.write_bytes(raw + b"\n")
                (event,) = load_neus(one)
            except (InputError, ValueError) as exc:
                reason = str(exc).replace(f"{one}:1: ", "").replace(str(one), where)
                failures.append(RecordFailure(where, reason))
                continue
            articles = [
                a.model_copy(update={"origin": f"{where}:{(a.origin or '')[-1:]}"})
                for a in event.articles
            ]
            events.append(
                event.model_copy(update={"articles": articles, "grouping": f"neus line {lineno}"})
            )
    return events, failures


# --------------------------------------------------------------------------- WARC

_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)


def _warc_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and ".warc" in p.name.lower())
    return [path]


def _warc_records(path: Path) -> Iterator[tuple[str, Any]]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as exc:
        raise ConfigError("WARC input needs warcio: pip install warcio") from exc
    with path.open("rb") as fh:
        for n, record in enumerate(ArchiveIterator(fh), 1):
            # (get_record_offset() would consume the payload: name records by position)
            yield f"{path}#record{n}", record


def _read_warc(path: Path, options: InputOptions) -> tuple[list[Event], list[RecordFailure]]:
    manifest = _read_manifest(options.manifest, "url") if options.manifest else {}
    manifest_name = options.manifest.name if options.manifest else ""
    failures: list[RecordFailure] = []
    keyed: dict[str, list[ArticleIn]] = {}
    how: dict[str, str] = {}
    loose: list[ArticleIn] = []
    loose_dates: list[str | None] = []
    for warc in _warc_files(path):
        try:
            for where, record in _warc_records(warc):
                if record.rec_type not in ("response", "resource"):
                    continue
                article = _warc_article(where, record, options, failures)
                if article is None:
                    continue
                row = manifest.get(article.url or "")
                if row is not None:
                    key = f"manifest:{row['event']}"
                    how[key] = f"manifest {manifest_name}: event {row['event']!r}"
                    keyed.setdefault(key, []).append(_with_meta(article, row))
                else:
                    loose.append(article)
                    loose_dates.append(record.rec_headers.get_header("WARC-Date"))
        except RashomonError:
            raise
        except Exception as exc:  # a corrupt archive: keep what was read, report the rest
            failures.append(
                RecordFailure(
                    str(warc),
                    f"unreadable WARC ({type(exc).__name__}: {exc}); later records skipped",
                )
            )
    # Similarity windows use the crawl time (WARC-Date) as the article's time.
    dated = [
        a.model_copy(update={"published": a.published or d})
        for a, d in zip(loose, loose_dates, strict=True)
    ]
    restore = {id(d): a for d, a in zip(dated, loose, strict=True)}
    events = _events_from(keyed, how, dated, options, path.name)
    return [
        e.model_copy(update={"articles": [restore.get(id(a), a) for a in e.articles]})
        for e in events
    ], failures


def _warc_article(
    where: str, record: Any, options: InputOptions, failures: list[RecordFailure]
) -> ArticleIn | None:
    url = cast(str | None, record.rec_headers.get_header("WARC-Target-URI"))
    label = f"{where} {url or ''}".strip()
    content_type = ""
    if record.rec_type == "response":
        if record.http_headers is None:
            return None
        status = record.http_headers.get_statuscode()
        content_type = record.http_headers.get_header("Content-Type") or ""
        if status != "200":
            failures.append(RecordFailure(label, f"HTTP {status}; not an article page"))
            return None
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    if "html" not in content_type.lower() and "text/plain" not in content_type.lower():
        return None  # images, scripts, robots.txt: not articles, not worth a failure line
    payload = record.content_stream().read()
    limit = options.max_article_bytes * 10
    if len(payload) > limit:
        failures.append(RecordFailure(label, f"page is {len(payload):,} bytes, over {limit:,}"))
        return None
    match = _CHARSET.search(content_type)
    charset = match.group(1) if match else "utf-8"
    try:
        html = payload.decode(charset)
    except (LookupError, UnicodeDecodeError) as exc:
        failures.append(RecordFailure(label, f"cannot decode the page as {charset} ({exc})"))
        return None
    host = urlsplit(url).hostname if url else None
    try:
        return clean_article(
            ArticleIn(text=html, url=url, outlet=host, origin=label),
            max_bytes=options.max_article_bytes,
        )
    except (InputError, ConfigError) as exc:
        failures.append(RecordFailure(label, str(exc)))
        return None
