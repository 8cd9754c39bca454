"""Hand-labelled gold data for one case (``seeds/labels.yaml``) and the LLM-judge check set.

The labels describe, for a set of articles about one event, which facts each source reports
and on whose authority, which facts are disputed, the verbatim quotes, the outlets' own
framing, and what each source leaves out. :func:`load_labels` validates a labels file against
the models below *and* against the article texts: unknown keys are rejected, ids are unique,
every cross-reference resolves, ``conflicts_with`` is symmetric, statuses match the
``reported_by`` lists, evidence/quotes/framing excerpts are verbatim substrings of the named
article (quote and framing offsets are filled in or checked), and each source's omission list
equals exactly the facts it does not report.

``FactStatus.consensus`` corresponds to ``service.schemas.GroupStatus.agreed``.

Check the seed labels with ``rashomon labels check``; regenerate the checked-in JSON schema
with ``rashomon labels schema`` (service/evals/labels_cli.py).
"""

from __future__ import annotations

import codecs
import json
import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

import yaml  # type: ignore[import-untyped, unused-ignore]  # types-PyYAML is a dev extra
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from service.config import CHECKOUT_EVALS_DIR
from service.errors import InputError
from service.schemas import AsserterKind

LABELS_FILE = "labels.yaml"  # in settings.seeds_dir, like the schema
SCHEMA_FILE = "labels.schema.json"
JUDGE_PAIRS_FILE = "judge_pairs.yaml"  # in settings.evals_dir
# The library default of EvalOptions.judge_pairs; the CLIs use settings.evals_dir.
DEFAULT_JUDGE_PAIRS = CHECKOUT_EVALS_DIR / JUDGE_PAIRS_FILE
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class LabelsError(InputError, ValueError):
    """A labels or judge-pairs file is malformed or inconsistent with its articles (an input
    error: `rashomon` prints it as one line, with the list of problems, instead of a traceback)."""


# --------------------------------------------------------------------------- models


class FactStatus(StrEnum):
    consensus = "consensus"  # >= 2 sources report it and no fact in the set contradicts it
    disputed = "disputed"  # some other fact (listed in conflicts_with) contradicts it
    single_source = "single_source"  # exactly one source reports it, not contradicted


class SourceLabel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^S[1-9][0-9]*$", description="S1, S2, ... in file-name order.")
    file: str = Field(description="Article file name inside the articles directory (stable key).")
    outlet: str = Field(description="Outlet as far as the text shows it.")
    description: str


class Report(BaseModel):
    """One source reporting a fact, on one asserter's authority."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="Source id (S1, ...).")
    asserter: str = Field(
        description="Whose information it is, e.g. 'Russian defence ministry', 'the outlet'."
    )
    asserter_kind: AsserterKind
    evidence: str = Field(
        min_length=1, description="Short verbatim excerpt of that article supporting the fact."
    )


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^F[0-9]{2,}$")
    statement: str = Field(min_length=1, description="One neutral sentence.")
    reported_by: list[Report] = Field(min_length=1)
    status: FactStatus
    conflicts_with: list[str] = Field(
        default_factory=list, description="Fact ids; non-empty iff disputed; symmetric."
    )
    notes: str | None = None

    @property
    def source_ids(self) -> list[str]:
        return sorted({r.source for r in self.reported_by})


class QuoteLabel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^Q[0-9]{2,}$")
    source: str
    speaker: str = Field(description="Who spoke the words.")
    via: str | None = Field(None, description="Channel that reported the words, if named.")
    text: str = Field(min_length=1, description="Verbatim; equals article[start:end].")
    start: int | None = Field(None, ge=0, description="Filled by the loader when omitted.")
    end: int | None = Field(None, ge=0, description="Filled by the loader when omitted.")
    facts: list[str] = Field(default_factory=list, description="Fact ids the quote bears on.")


class FramingLabel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^E[0-9]{2,}$")
    source: str
    text: str = Field(min_length=1, description="Verbatim excerpt of the editorial statement.")
    start: int | None = Field(None, ge=0, description="Filled by the loader when omitted.")
    end: int | None = Field(None, ge=0, description="Filled by the loader when omitted.")
    why: str = Field(description="Why a neutral summary must not assert it.")
    assertion: str = Field(description="The claim that would leak, as a plain sentence.")
    facts: list[str] = Field(default_factory=list, description="Related fact ids.")


class OmissionLabel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    facts: list[str] = Field(description="Ids of the facts this source does not report.")


class CaseLabels(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[str] = Field(min_length=1, description="The labelling rules, for extenders.")
    case_id: str = Field(min_length=1)
    sources: list[SourceLabel] = Field(min_length=1)
    facts: list[Fact] = Field(min_length=1)
    quotes: list[QuoteLabel] = Field(default_factory=list)
    framing: list[FramingLabel] = Field(default_factory=list)
    omissions: list[OmissionLabel]

    def fact(self, fact_id: str) -> Fact:
        return next(f for f in self.facts if f.id == fact_id)

    def omitted_by(self, source_id: str) -> list[str]:
        """Fact ids whose reported_by lacks ``source_id`` (derived, not read from the file)."""
        return [f.id for f in self.facts if source_id not in f.source_ids]

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Self:
        problems = _structural_problems(self)
        ctx = info.context if isinstance(info.context, dict) else {}
        texts = ctx.get("texts")
        if isinstance(texts, dict):
            problems += _text_problems(self, texts)
        if problems:
            raise ValueError(
                f"{len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems)
            )
        return self


class JudgePair(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^J[0-9]{2,}$")
    fact_id: str
    fact: str = Field(description="The gold statement, exactly as in the labels file.")
    candidate: str = Field(min_length=1, description="Text B, as an extraction model might say.")
    same_fact: bool
    why: str = Field(min_length=1)


class JudgePairSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str
    labels: str = Field(description="Labels file the fact ids refer to, relative to this file.")
    criteria: list[str] = Field(min_length=1, description="What counts as 'the same fact'.")
    pairs: list[JudgePair] = Field(min_length=1)


# --------------------------------------------------------------------------- checks


def _duplicates(values: list[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def _structural_problems(labels: CaseLabels) -> list[str]:
    p: list[str] = []
    source_ids = [s.id for s in labels.sources]
    fact_ids = [f.id for f in labels.facts]
    known_sources = set(source_ids)
    known_facts = set(fact_ids)

    for kind, ids in (
        ("source id", source_ids),
        ("source file", [s.file for s in labels.sources]),
        ("fact id", fact_ids),
        ("quote id", [q.id for q in labels.quotes]),
        ("framing id", [e.id for e in labels.framing]),
        ("omissions source", [o.source for o in labels.omissions]),
    ):
        for dup in _duplicates(ids):
            p.append(f"duplicate {kind} {dup!r}")

    by_file = sorted(labels.sources, key=lambda s: s.file)
    expected = [f"S{i}" for i in range(1, len(by_file) + 1)]
    if [s.id for s in by_file] != expected:
        p.append(
            "source ids must be S1, S2, ... in file-name order; got "
            + ", ".join(f"{s.file}={s.id}" for s in by_file)
        )

    for f in labels.facts:
        for r in f.reported_by:
            if r.source not in known_sources:
                p.append(f"{f.id}: reported_by names unknown source {r.source!r}")
        for dup in _duplicates([f"{r.source}: {r.evidence}" for r in f.reported_by]):
            p.append(f"{f.id}: duplicate reported_by entry {dup!r}")
        for other in f.conflicts_with:
            if other == f.id:
                p.append(f"{f.id}: conflicts_with lists the fact itself")
            elif other not in known_facts:
                p.append(f"{f.id}: conflicts_with refers to unknown fact {other!r}")
            elif f.id not in labels.fact(other).conflicts_with:
                p.append(
                    f"{f.id}: conflicts_with {other} is not symmetric "
                    f"({other} does not list {f.id})"
                )
        for dup in _duplicates(f.conflicts_with):
            p.append(f"{f.id}: conflicts_with lists {dup} twice")
        n_sources = len({r.source for r in f.reported_by})
        if f.status is FactStatus.disputed:
            if not f.conflicts_with:
                p.append(f"{f.id}: status disputed requires a non-empty conflicts_with")
        elif f.conflicts_with:
            p.append(f"{f.id}: conflicts_with is only allowed when status is disputed")
        elif f.status is FactStatus.consensus and n_sources < 2:
            p.append(f"{f.id}: status consensus needs >= 2 sources, has {n_sources}")
        elif f.status is FactStatus.single_source and n_sources != 1:
            p.append(f"{f.id}: status single_source but reported by {n_sources} sources")

    for q in labels.quotes:
        if q.source not in known_sources:
            p.append(f"{q.id}: unknown source {q.source!r}")
        p.extend(f"{q.id}: unknown fact {x!r}" for x in q.facts if x not in known_facts)
    for e in labels.framing:
        if e.source not in known_sources:
            p.append(f"{e.id}: unknown source {e.source!r}")
        p.extend(f"{e.id}: unknown fact {x!r}" for x in e.facts if x not in known_facts)

    listed = {o.source for o in labels.omissions}
    for sid in source_ids:
        if sid not in listed:
            p.append(f"omissions: no entry for source {sid}")
    for o in labels.omissions:
        if o.source not in known_sources:
            p.append(f"omissions: unknown source {o.source!r}")
            continue
        for x in o.facts:
            if x not in known_facts:
                p.append(f"omissions for {o.source}: unknown fact {x!r}")
        derived = set(labels.omitted_by(o.source))
        given = set(o.facts) & known_facts
        for x in sorted(derived - given):
            p.append(
                f"omissions for {o.source} inconsistent: {x} is missing "
                f"(its reported_by lacks {o.source})"
            )
        for x in sorted(given - derived):
            p.append(
                f"omissions for {o.source} inconsistent: {x} is listed but {o.source} reports it"
            )
        for dup in _duplicates(o.facts):
            p.append(f"omissions for {o.source}: {dup} listed twice")
    return p


def _locate(
    what: str, text: str, article: str, start: int | None, end: int | None
) -> tuple[int, int] | str:
    """Return (start, end) of ``text`` in ``article`` or a problem description."""
    if (start is None) != (end is None):
        return f"{what}: give both start and end, or neither"
    if start is not None and end is not None:
        if article[start:end] != text:
            return (
                f"{what}: article[{start}:{end}] is {article[start:end]!r}, "
                f"not the quoted text {text!r}"
            )
        return start, end
    n = article.count(text)
    if n == 0:
        return f"{what}: text is not verbatim in the article: {text!r}"
    if n > 1:
        return f"{what}: text occurs {n} times in the article; give start/end: {text!r}"
    i = article.index(text)
    return i, i + len(text)


def _text_problems(labels: CaseLabels, texts: dict[str, str]) -> list[str]:
    """Check excerpts against the articles (keyed by file name); fills quote/framing offsets.
    Items naming an unknown source are skipped (the structural check reports them)."""
    p: list[str] = []
    article: dict[str, str] = {}
    for s in labels.sources:
        if s.file not in texts:
            p.append(f"source {s.id}: article file {s.file!r} not found")
        else:
            article[s.id] = texts[s.file]
    if p:
        return p
    for f in labels.facts:
        for r in f.reported_by:
            if r.source in article and r.evidence not in article[r.source]:
                p.append(
                    f"{f.id}: evidence is not a verbatim excerpt of {r.source}: {r.evidence!r}"
                )
    items: list[QuoteLabel | FramingLabel] = [*labels.quotes, *labels.framing]
    for item in items:
        if item.source not in article:
            continue
        kind = "quote" if isinstance(item, QuoteLabel) else "framing"
        found = _locate(
            f"{item.id} ({kind}, {item.source})",
            item.text,
            article[item.source],
            item.start,
            item.end,
        )
        if isinstance(found, str):
            p.append(found)
        else:
            item.start, item.end = found
    return p


# --------------------------------------------------------------------------- loading


def _format_validation_error(err: ValidationError) -> str:
    lines: list[str] = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "<root>"
        if e["type"] == "extra_forbidden":
            lines.append(f"  {loc}: unknown key (extra inputs are not permitted)")
        elif e["type"] == "value_error":
            msg = str(e["ctx"]["error"]) if "ctx" in e else e["msg"]
            lines.append(f"  {loc}: {msg}")
        else:
            lines.append(f"  {loc}: {e['msg']}")
    return "\n".join(lines)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LabelsError(f"{path}: cannot read YAML: {exc}") from exc


def read_articles(articles_dir: Path) -> dict[str, str]:
    """Article texts keyed by file name, as ``service.text.ingest`` reads plain text: UTF-8,
    byte-order mark dropped, ``\\r\\n``/``\\r`` turned into ``\\n``, nothing else changed."""
    texts: dict[str, str] = {}
    for p in sorted(articles_dir.glob("*.txt")):
        raw = p.read_bytes().removeprefix(codecs.BOM_UTF8).decode("utf-8")
        texts[p.name] = raw.replace("\r\n", "\n").replace("\r", "\n")
    return texts


def load_labels(path: Path, articles_dir: Path | None = None) -> CaseLabels:
    """Load and fully validate a labels file; ``articles_dir`` defaults to ``<dir>/articles``."""
    data = _read_yaml(path)
    articles_dir = articles_dir if articles_dir is not None else path.parent / "articles"
    if not articles_dir.is_dir():
        raise LabelsError(f"{path}: articles directory {articles_dir} does not exist")
    try:
        return CaseLabels.model_validate(data, context={"texts": read_articles(articles_dir)})
    except ValidationError as exc:
        raise LabelsError(f"{path}: invalid labels:\n{_format_validation_error(exc)}") from exc


def load_judge_pairs(path: Path, labels: CaseLabels | None = None) -> list[JudgePair]:
    """Load the judge check set; fact ids and gold statements are checked against the labels
    (by default the labels file named in the set, relative to ``path``)."""
    data = _read_yaml(path)
    try:
        pair_set = JudgePairSet.model_validate(data)
    except ValidationError as exc:
        raise LabelsError(f"{path}: invalid judge pairs:\n{_format_validation_error(exc)}") from exc
    if labels is None:
        labels = load_labels((path.parent / pair_set.labels).resolve())
    statements = {f.id: f.statement for f in labels.facts}
    problems = [f"duplicate pair id {d!r}" for d in _duplicates([x.id for x in pair_set.pairs])]
    problems += [
        f"duplicate pair {d!r}"
        for d in _duplicates([f"{x.fact_id}: {x.candidate}" for x in pair_set.pairs])
    ]
    for pair in pair_set.pairs:
        if pair.fact_id not in statements:
            problems.append(f"{pair.id}: unknown fact id {pair.fact_id!r}")
        elif pair.fact != statements[pair.fact_id]:
            problems.append(
                f"{pair.id}: fact text differs from the gold statement of {pair.fact_id}"
            )
    if problems:
        raise LabelsError(f"{path}: invalid judge pairs:\n" + "\n".join(f"  {x}" for x in problems))
    return pair_set.pairs


# --------------------------------------------------------------------------- schema


def export_json_schema() -> dict[str, Any]:
    """JSON schema of the labels file (structure only; cross-checks live in the loader)."""
    schema = CaseLabels.model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def schema_text() -> str:
    return json.dumps(export_json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    # The old second CLI: say where it went instead of silently doing nothing.
    sys.exit(
        "python -m service.evals.labels is gone: run `rashomon labels check` or "
        "`rashomon labels schema` (PYTHONPATH=. python -m service.cli labels ... in a checkout)"
    )
