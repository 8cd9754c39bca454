"""PolNeAR loader: articles with their labelled attributions (source, cue, content spans).

Format (Newell, Margolin and Ruths, LREC 2018; networkdynamics/PolNeAR), as kept under
`datasets/polnear/`: `SPLIT/text/NAME.txt` holds the article (title on the first line) and
`SPLIT/attributions/NAME_ANNOTATOR.ann` the brat standoff labels, character offsets into that
text. `T` lines are spans (`Source`, `Cue`, `Content`, and an `Attribution` or
`Attribution-no-source` anchor; `Discard`/`Discuss` are annotator notes, skipped); `E` lines
join one attribution's parts. A part may be missing (no named source) or discontinuous
(`start end;start end`). `metadata.tsv` gives each article's publisher.

Some articles have two annotators' files: each is kept (`PolnearArticle.annotations` holds one
list per annotator), and the scorer scores against each and averages (see
`service/evals/scorers/polnear.py`).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Literal

from pydantic import Field

from service.errors import InputError
from service.schemas import ArticleIn, StrictModel

Split = Literal["train", "dev"]
SPLITS: tuple[Split, ...] = ("train", "dev")


class Part(StrictModel):
    """One labelled part: its character ranges (several when discontinuous) and text."""

    ranges: list[tuple[int, int]]
    text: str

    @property
    def start(self) -> int:
        return min(s for s, _ in self.ranges)

    @property
    def end(self) -> int:
        return max(e for _, e in self.ranges)


class GoldAttribution(StrictModel):
    source: Part | None = None
    cue: Part | None = None
    content: Part | None = None


class PolnearArticle(StrictModel):
    name: str
    publisher: str
    article: ArticleIn
    annotators: list[str] = Field(description="One id per annotation file, in file order.")
    annotations: list[list[GoldAttribution]] = Field(
        description="One list of attributions per annotator (same order as `annotators`)."
    )


def _part(fields: str, text: str, where: str) -> Part:
    """'Content 315 448;463 553' -> Part (the label is dropped)."""
    _label, _, offsets = fields.partition(" ")
    ranges = []
    for piece in offsets.split(";"):
        a, _, b = piece.strip().partition(" ")
        try:
            s, e = int(a), int(b)
        except ValueError as exc:
            raise InputError(f"bad span offsets {piece!r}", source=where) from exc
        if not 0 <= s <= e <= len(text):
            raise InputError(f"span {s}-{e} outside the text ({len(text)} chars)", source=where)
        ranges.append((s, e))
    return Part(ranges=ranges, text=" ".join(text[s:e] for s, e in ranges))


def parse_ann(ann: str, text: str, where: str) -> list[GoldAttribution]:
    """The attributions of one brat file (`E` lines), with their parts' spans."""
    spans: dict[str, tuple[str, str]] = {}
    events: list[list[tuple[str, str]]] = []
    for line in ann.splitlines():
        if not line.strip():
            continue
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            spans[cols[0]] = (cols[1].split(" ", 1)[0], cols[1])
        elif line.startswith("E") and len(cols) >= 2:
            events.append([tuple(arg.split(":", 1)) for arg in cols[1].split()])  # type: ignore[misc]
    out: list[GoldAttribution] = []
    for args in events:
        parts: dict[str, Part] = {}
        for role, tid in args:
            if role in {"Source", "Cue", "Content"} and tid in spans:
                parts[role.lower()] = _part(spans[tid][1], text, f"{where} {tid}")
        if parts:
            out.append(GoldAttribution(**parts))
    return out


def _publishers(root: Path) -> dict[str, str]:
    path = root / "metadata.tsv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {row["filename"]: row["publisher"] for row in csv.DictReader(f, delimiter="\t")}


def load_polnear(
    root: Path, split: Split = "dev", *, limit: int | None = None
) -> list[PolnearArticle]:
    """The articles of one split with every annotator's attributions, sorted by name."""
    base = root / split
    texts = sorted((base / "text").glob("*.txt"))
    if not texts:
        raise InputError(
            f"no PolNeAR {split} articles (*.txt); expected SPLIT/text/ and SPLIT/attributions/ "
            "(see datasets/README.md)",
            source=str(base / "text"),
        )
    publishers = _publishers(root)
    out: list[PolnearArticle] = []
    for path in texts[:limit] if limit else texts:
        name = path.stem
        text = path.read_text(encoding="utf-8")
        files = sorted((base / "attributions").glob(f"{name}_*.ann"))
        annotators = [f.stem[len(name) + 1 :] for f in files]
        annotations = [parse_ann(f.read_text(encoding="utf-8"), text, str(f)) for f in files]
        publisher = publishers.get(name) or name.split("_", 1)[0]
        title = text.split("\n", 1)[0].strip() or None
        out.append(
            PolnearArticle(
                name=name,
                publisher=publisher,
                article=ArticleIn(text=text, outlet=publisher, title=title, origin=str(path)),
                annotators=annotators,
                annotations=annotations,
            )
        )
    return out
