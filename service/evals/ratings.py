"""Blind-rating packets (protocol: ../shared/rubrics/blind-summary-rating.md).

`rashomon ratings packets --from EVAL_OUT --out DIR` writes, from one or more eval runs:

    DIR/packets/           the only folder a rater sees
        BRIEF.md           the rater brief, verbatim from the rubric (evals/rater_brief.md)
        ANSWERING.md       how to fill and return the answer forms
        event-01.md        the articles in full, then candidate summaries X, Y (, Z)
        event-01.form.yaml the answer form for that packet
    DIR/key.json           packet -> case and label -> system; never inside packets/
    DIR/ratings/<rater>/   where returned forms go (`rashomon ratings tally DIR` reads them)

Candidates are shuffled per event with a seeded generator, so the same seed and input give the
same packets. Nothing in packets/ names a system: tests/evals/test_ratings.py checks it.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from service.errors import InputError
from service.evals.ratings_input import (
    SYSTEMS,
    CaseCandidates,
    PacketArticle,
    System,
    load_eval_dir,
)

LABELS = ("X", "Y", "Z")
CRITERIA = ("faithful", "neutral", "complete", "readable")
MAX_DIFFERENCES = 5  # the brief: "at most 5 per event"
PACKETS_DIR, KEY_FILE, RATINGS_DIR = "packets", "key.json", "ratings"
BRIEF_FILE, ANSWERING_FILE = "BRIEF.md", "ANSWERING.md"
FORM_SUFFIX = ".form.yaml"
KEY_VERSION = "1"


class PacketKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str
    dataset: str
    name: str
    source: str = Field(description="The eval folder the case came from.")
    labels: dict[str, System] = Field(description="Label (X, Y, Z) -> system.")
    pipeline_disputes: list[str] = Field(
        default_factory=list, description="The pipeline's disputed summary sentences."
    )
    left_out: dict[str, str] = Field(
        default_factory=dict, description="System -> why it has no candidate in this packet."
    )


class RatingKey(BaseModel):
    """key.json: which label is which system, per packet. Kept outside packets/."""

    model_config = ConfigDict(extra="forbid")

    version: str = KEY_VERSION
    created_at: datetime
    seed: int
    sources: list[str]
    packets: dict[str, PacketKey]
    skipped: dict[str, str] = Field(
        default_factory=dict, description="Case id -> why it got no packet."
    )


def read_key(path: Path) -> RatingKey:
    try:
        return RatingKey.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(
            f"not a readable key ({str(e).splitlines()[0]}); it is written by `rashomon "
            "ratings packets`",
            source=str(path),
        ) from e


def brief_text(evals_dir: Path) -> str:
    path = evals_dir / "rater_brief.md"
    if not path.is_file():
        raise InputError(
            "the rater brief is missing (copy it verbatim from the rubric's 'The brief given "
            "to each rater' section, or set RASHOMON_EVALS_DIR)",
            source=str(path),
        )
    return path.read_text(encoding="utf-8")


def order(case_id: str, systems: list[System], seed: int) -> dict[str, System]:
    """Label -> system, shuffled by a generator seeded with the seed and the case id (so one
    event's order does not depend on which other events are in the set)."""
    shuffled = list(systems)
    random.Random(f"{seed}|{case_id}").shuffle(shuffled)
    return dict(zip(LABELS, shuffled, strict=False))


def _fence(text: str) -> str:
    """Text verbatim in a fenced block (longer than any backtick run in it), so a rater can
    grep it and no markdown inside it is interpreted."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.strip()}\n{fence}"


def _article(n: int, a: PacketArticle) -> list[str]:
    head = f"### Article {n}: {a.outlet or 'outlet not named in the data set'}"
    out = [head, ""]
    if a.title:
        out.append(f"Title: {a.title}")
    if a.published:
        out.append(f"Published: {a.published}")
    if a.url:
        out.append(f"URL: {a.url}")
    return [*out, "", _fence(a.text), ""]


def render_packet(packet_id: str, case: CaseCandidates, labels: dict[str, System]) -> str:
    """One packet: the articles in full, then the candidates by label. It names no system and
    no case (the case name of a NeuS event is the editors' roundup title)."""
    n = len(labels)
    out = [
        f"# {packet_id}",
        "",
        f"{len(case.articles)} source articles about one event, then {n} candidate summaries "
        f"labelled {', '.join(labels)}. Read {BRIEF_FILE} first; answer in "
        f"{packet_id}{FORM_SUFFIX} as {ANSWERING_FILE} says.",
        "",
        "## Source articles",
        "",
    ]
    for i, article in enumerate(case.articles, 1):
        out += _article(i, article)
    out += ["## Candidate summaries", ""]
    for label, system in labels.items():
        text = case.summary(system)
        assert text, "only systems with a summary get a label"
        out += [f"### Summary {label}", "", _fence(text), ""]
    return "\n".join(out)


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def render_form(packet_id: str, labels: list[str]) -> str:
    """The answer form: YAML with every field present and empty, and comments saying how to
    fill each one (ANSWERING.md says the same at more length)."""
    example_surfaced = ", ".join(f"{lb}: no" for lb in labels)
    tie = " = ".join(labels[::2]) + (f" > {labels[1]}" if len(labels) > 2 else "")
    out = [
        f"# Answer form for {packet_id}.md. Read BRIEF.md and ANSWERING.md first.",
        f"# Save the filled copy as ratings/<your rater id>/{packet_id}.yaml (keep every key).",
        f"packet: {packet_id}",
        'rater: ""          # your rater id (letters, digits, - or _)',
        "# Whole numbers 1-5 (5 best) for every candidate and criterion.",
        "scores:",
    ]
    for lb in labels:
        out.append(f"  {lb}:")
        out += [f"    {c}:" for c in CRITERIA]
    out += [
        "# The candidates for a reader, best first: '>' = better than, '=' = tie.",
        f'# Every label once, e.g. "{" > ".join(reversed(labels))}" or "{tie}".',
        'ranking: ""',
        "# Concrete defects per candidate, each quoting the offending words; [] when none.",
        "defects:",
    ]
    out += [f"  {lb}: []" for lb in labels]
    out += [
        "# Independently of the summaries: the real differences between the outlets' accounts",
        "# (facts one reports that another contradicts, or framings that differ materially), at",
        f"# most {MAX_DIFFERENCES}; [] when there are none. For each, and for each candidate:",
        "# surfaced = yes when the candidate states this difference with each side attributed",
        "# to who holds it, correctly; no otherwise. Example entry:",
        '#   - point: "who initiated the call"',
        '#     who_says_what: "Article 1 (Outlet A): France asked for it; Article 2 (Outlet B): '
        'Russia did"',
        f"#     surfaced: {{{example_surfaced}}}",
        "differences: []",
        "# Every point each candidate presents as a disagreement or difference between the",
        "# outlets, quoted, and whether it is a real difference (yes/no); [] when it presents",
        '# none. Example:  X: [{text: "Accounts differ on ...", real: no}]',
        "stated_differences:",
    ]
    out += [f"  {lb}: []" for lb in labels]
    return "\n".join(out) + "\n"


ANSWERING = """# Answering

Each `event-NN.md` file holds the source articles about one event and candidate summaries
labelled {labels}. Rate them as `BRIEF.md` says, and record your answers in a copy of that
packet's form, `event-NN.form.yaml`, saved as `event-NN.yaml` in your own folder named by
your rater id (`ratings/<your rater id>/` beside this folder, unless you were told another
place): one file per packet; keep every key; the form is YAML (a value after `:`, lists in
`[...]` or as `- ` lines; put texts in `"..."`, or in `'...'` when they hold a `"`).

- `rater`: your rater id, the same in every file.
- `scores`: for every candidate, a whole number 1-5 (5 best) for each of faithful, neutral,
  complete and readable.
- `ranking`: every label once, best first; `>` means better than, `=` a tie: `"Y > X = Z"`.
- `defects`: per candidate, a list of concrete defects, each quoting the offending words
  (`[]` when none).
- `differences`: independently of the summaries, the real differences between the outlets'
  accounts (facts one reports that another contradicts, or framings that differ materially),
  at most {max_diff}, each with `point` (what they differ on), `who_says_what` (which article or
  outlet says what) and `surfaced`: for every candidate, `yes` when it states that difference
  with each side attributed to who holds it, correctly, else `no`. `[]` when there are none.
- `stated_differences`: per candidate, every point it presents as a disagreement or
  difference between the outlets (`text`: its words, quoted) and whether that is a real
  difference (`real: yes` or `no`); `[]` when it presents none.

Work only from the files in this folder. Do not try to find out which system wrote which
summary.
"""


def write_packets(
    cases: list[tuple[str, CaseCandidates]],
    out_dir: Path,
    *,
    brief: str,
    seed: int,
) -> RatingKey:
    """Write packets/, key.json and an empty ratings/ under `out_dir`. `cases`: (the eval
    folder it came from, the case)."""
    seen: dict[str, str] = {}
    for source, case in cases:
        if case.case_id in seen:
            raise InputError(
                f"case {case.case_id} comes twice (from {seen[case.case_id]} and {source}); "
                "pass each eval run once, or runs over different cases"
            )
        seen[case.case_id] = source
    packets_dir = out_dir / PACKETS_DIR
    if packets_dir.exists() and any(packets_dir.iterdir()):
        raise InputError(
            "packets/ already holds files: choose a new --out (ratings made on the old "
            "packets would no longer match their key)",
            source=str(packets_dir),
        )
    packets_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / RATINGS_DIR).mkdir(exist_ok=True)
    key = RatingKey(
        created_at=datetime.now(UTC),
        seed=seed,
        sources=list(dict.fromkeys(s for s, _ in cases)),
        packets={},
    )
    n = 0
    for source, case in cases:
        if case.pipeline_error or not case.pipeline_sentences:
            key.skipped[case.case_id] = case.pipeline_error or "the pipeline wrote no summary"
            continue
        if not case.articles:
            key.skipped[case.case_id] = "no articles recorded"
            continue
        present: list[System] = [s for s in SYSTEMS if case.summary(s)]
        left_out = {
            s: (case.baseline_error or "no summary") if s == "baseline" else "none in the data set"
            for s in SYSTEMS
            if s not in present
        }
        n += 1
        packet_id = f"event-{n:02d}"
        labels = order(case.case_id, present, seed)
        (packets_dir / f"{packet_id}.md").write_text(
            render_packet(packet_id, case, labels), "utf-8"
        )
        (packets_dir / f"{packet_id}{FORM_SUFFIX}").write_text(
            render_form(packet_id, list(labels)), "utf-8"
        )
        key.packets[packet_id] = PacketKey(
            case_id=case.case_id,
            dataset=case.dataset,
            name=case.name,
            source=source,
            labels=labels,
            pipeline_disputes=case.pipeline_disputes,
            left_out=left_out,
        )
    if not key.packets:
        raise InputError(
            "no case has a pipeline summary to rate: "
            + "; ".join(f"{c}: {why}" for c, why in key.skipped.items())
        )
    (packets_dir / BRIEF_FILE).write_text(brief, "utf-8")
    (packets_dir / ANSWERING_FILE).write_text(
        ANSWERING.format(labels="X, Y (and Z)", max_diff=MAX_DIFFERENCES), "utf-8"
    )
    (out_dir / KEY_FILE).write_text(key.model_dump_json(indent=2), "utf-8")
    return key


def collect(
    sources: list[Path], references: Callable[[], dict[str, str]] | None = None
) -> list[tuple[str, CaseCandidates]]:
    """Every case of each eval folder, in order; `references` (case id -> NeuS roundup) is
    called only when a folder predates candidates.json."""
    out: list[tuple[str, CaseCandidates]] = []
    for path in sources:
        needs_refs = not all(
            (d / "candidates.json").is_file()
            for d in (path.parent if path.name == "eval.json" else path).glob("cases/*")
        )
        refs = references() if needs_refs and references else {}
        out += [(str(path), c) for c in load_eval_dir(path, refs)]
    return out
