"""What a blind-rating packet is made of, per eval case: the articles as the data set gives
them and each system's summary as a reader sees it. `rashomon eval` writes it as
OUT/cases/<case>/candidates.json; `rashomon ratings packets` reads it back (or, for an eval
folder written before this file existed, rebuilds it from reconciliation.json, baseline.txt
and the data set's NeuS roundup)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service.errors import InputError
from service.render.wording import headlines_line
from service.schemas import ArticleIn, Reconciliation

CANDIDATES_FILE = "candidates.json"
CANDIDATES_VERSION = "2"  # 2: the headlines line apart from the sentences

# The systems a packet can hold. The names appear only in the key, never in a packet.
System = Literal["pipeline", "baseline", "editors"]
SYSTEMS: tuple[System, ...] = ("pipeline", "baseline", "editors")
SYSTEM_NAMES: dict[str, str] = {
    "pipeline": "the pipeline (Rashomon's summary)",
    "baseline": "the one-prompt baseline",
    "editors": "the editors' roundup (NeuS / AllSides)",
}


class PacketArticle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    url: str | None = None
    text: str


class CaseCandidates(BaseModel):
    """One eval case's articles and candidate summaries (None: that system has none)."""

    model_config = ConfigDict(extra="forbid")

    version: str = CANDIDATES_VERSION
    case_id: str
    dataset: str
    name: str
    articles: list[PacketArticle]
    pipeline_sentences: list[str] | None = Field(
        None, description="The pipeline's summary sentences in order, citations left out."
    )
    pipeline_headlines: str | None = Field(
        None, description="The outlets' headlines line shown under the summary, if any."
    )
    pipeline_disputes: list[str] = Field(
        default_factory=list, description="Its sentences of kind 'disputed' (for the key)."
    )
    pipeline_error: str | None = None
    baseline_summary: str | None = None
    baseline_error: str | None = None
    reference_summary: str | None = Field(None, description="NeuS editors' roundup.")

    def summary(self, system: System) -> str | None:
        """The text a rater reads for `system`, or None when it has none."""
        if system == "pipeline":
            # As the reader's page and the Markdown report show it: one paragraph, then the
            # headlines line under it.
            if not self.pipeline_sentences:
                return None
            text = " ".join(self.pipeline_sentences)
            return f"{text}\n\n{self.pipeline_headlines}" if self.pipeline_headlines else text
        if system == "baseline":
            return self.baseline_summary or None
        return self.reference_summary or None


def articles_of(articles: list[ArticleIn]) -> list[PacketArticle]:
    return [
        PacketArticle(outlet=a.outlet, title=a.title, published=a.published, url=a.url, text=a.text)
        for a in articles
    ]


def pipeline_parts(rec: Reconciliation) -> tuple[list[str], list[str], str | None]:
    """(summary sentences in order, the disputed ones, the outlets' headlines line that the
    page and the Markdown report show right under the summary) of a reconciliation."""
    sentences = [s.text.strip() for s in rec.summary.sentences if s.text.strip()]
    disputes = [s.text.strip() for s in rec.summary.sentences if s.kind.value == "disputed"]
    line = headlines_line(rec.sources, " ".join(sentences)) if sentences else None
    return sentences, disputes, line


def write_candidates(path: Path, candidates: CaseCandidates) -> None:
    path.write_text(candidates.model_dump_json(indent=2), "utf-8")


def read_candidates(path: Path) -> CaseCandidates:
    try:
        return CaseCandidates.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as e:
        raise InputError(
            f"not a readable {CANDIDATES_FILE} ({str(e).splitlines()[0]}); re-run `rashomon eval`",
            source=str(path),
        ) from e


def _rebuild(case_dir: Path, case: dict[str, object], references: dict[str, str]) -> CaseCandidates:
    """An eval folder from before candidates.json: the articles as the pipeline kept them
    (reconciliation.json's sources), baseline.txt, and the NeuS roundup from the data set."""
    case_id = str(case["case_id"])
    rec_path = case_dir / "reconciliation.json"
    if not rec_path.is_file():
        raise InputError(
            f"case {case_id} has neither {CANDIDATES_FILE} nor reconciliation.json; re-run "
            "`rashomon eval` for it",
            source=str(case_dir),
        )
    try:
        rec = Reconciliation.model_validate_json(rec_path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as e:
        raise InputError(
            f"unreadable reconciliation.json ({str(e).splitlines()[0]}); re-run `rashomon eval`",
            source=str(rec_path),
        ) from e
    sentences, disputes, headlines = pipeline_parts(rec)
    baseline_path = case_dir / "baseline.txt"
    baseline = baseline_path.read_text("utf-8").strip() if baseline_path.is_file() else ""
    baseline_error = baseline[len("ERROR: ") :] if baseline.startswith("ERROR: ") else None
    return CaseCandidates(
        case_id=case_id,
        dataset=str(case.get("dataset", "")),
        name=str(case.get("name", case_id)),
        articles=[
            PacketArticle(outlet=s.outlet, title=s.title, published=s.published, text=s.text)
            for s in rec.sources
        ],
        pipeline_sentences=sentences,
        pipeline_headlines=headlines,
        pipeline_disputes=disputes,
        baseline_summary=None if baseline_error or not baseline else baseline,
        baseline_error=baseline_error,
        reference_summary=references.get(case_id),
    )


def load_eval_dir(path: Path, references: dict[str, str] | None = None) -> list[CaseCandidates]:
    """Every case of an eval output folder (holding eval.json and cases/), in report order.
    `path` may also name the eval.json itself. `references`: case id -> NeuS roundup, used
    only for folders without candidates.json."""
    root = path.parent if path.name == "eval.json" else path
    report = root / "eval.json"
    if not report.is_file():
        raise InputError(
            "no eval.json here: pass the --out folder of a `rashomon eval` run", source=str(root)
        )
    try:
        cases = json.loads(report.read_text(encoding="utf-8"))["cases"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"unreadable eval.json ({e})", source=str(report)) from e
    out = []
    for case in cases:
        case_id = str(case["case_id"])
        case_dir = root / "cases" / safe_name(case_id)
        if (case_dir / CANDIDATES_FILE).is_file():
            out.append(read_candidates(case_dir / CANDIDATES_FILE))
        elif case.get("status") == "error":
            out.append(
                CaseCandidates(
                    case_id=case_id,
                    dataset=str(case.get("dataset", "")),
                    name=str(case.get("name", case_id)),
                    articles=[],
                    pipeline_error=str(case.get("error") or "error"),
                )
            )
        else:
            out.append(_rebuild(case_dir, case, references or {}))
    return out


def safe_name(name: str) -> str:
    """A case id as a folder name (as the eval runner writes it)."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
