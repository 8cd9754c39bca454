"""Public data model: what goes in, what comes out. Also the HTTP API's request/response models.

All models reject unknown fields. Offsets are Python string indices into `Source.text`
(the article text exactly as ingested), so `source.text[q.start:q.end] == q.text` holds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.4"  # 1.4: Asserter.group; 1.3: claim part spans and rule ids; 1.2: SourceAccount.omits_versions


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- input


class ArticleIn(StrictModel):
    """One article as submitted (CLI file, HTTP body, batch record)."""

    text: str = Field(description="Article body: plain text, or HTML (reduced to main text).")
    outlet: str | None = Field(None, description="Publisher name, e.g. 'AFP'.")
    title: str | None = None
    url: str | None = None
    published: str | None = Field(None, description="Publication date, ISO 8601 if known.")
    origin: str | None = Field(
        None, description="Where the article came from (file path, record id); used in errors."
    )


# --------------------------------------------------------------------------- building blocks


class Span(StrictModel):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class AsserterKind(StrEnum):
    person = "person"
    institution = "institution"
    anonymous_source = "anonymous_source"
    outlet = "outlet"


class ClaimKind(StrEnum):
    reported_fact = "reported_fact"  # stated by the outlet as fact, no one else named
    attributed_claim = "attributed_claim"  # a party's claim, reported as theirs
    denial = "denial"  # a party denies or rejects something
    opinion = "opinion"  # the outlet's own judgement, framing or loaded characterisation
    background = "background"  # context not about the event itself


class Asserter(StrictModel):
    name: str = Field(description="Who asserts the claim, e.g. 'Russian defence ministry'.")
    kind: AsserterKind
    group: str | None = Field(
        None,
        description="The group the article names this party as a member of, as written "
        "('Tea Party' for 'Tea Party organizer Bill Hennessy', 'Democrats' for 'Rep. X, D-Md.').",
    )


class Quote(StrictModel):
    quote_id: str
    source_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = Field(description="Exactly source.text[start:end].")
    speaker: str | None = Field(None, description="Who spoke the words, as the article names them.")
    via: str | None = Field(
        None, description="The channel that reported them, if named (e.g. a ministry statement)."
    )


class Claim(StrictModel):
    claim_id: str = Field(description="Unique across the run, e.g. 'S1.C4'.")
    source_id: str
    statement: str = Field(description="The claim restated briefly (not a quotation).")
    kind: ClaimKind
    asserter: Asserter = Field(
        description="Who the outlet credits as the origin of the information: the named channel, "
        "a body or unnamed source speaking for itself, or the outlet's own voice."
    )
    speaker: Asserter | None = Field(
        None, description="Who said the reported words, when the claim is reported speech."
    )
    cue: str | None = Field(None, description="The reporting words ('said', 'according to').")
    sentence_ids: list[int]
    evidence: list[Span] = Field(description="The article sentences the claim rests on.")
    quote_ids: list[str] = Field(default_factory=list)
    # Where the attribution's parts are in the article (PARC/PolNeAR conventions): the source
    # mention as written (a pronoun stays a pronoun), the cue, and the reported content.
    source_span: Span | None = Field(None, description="The source mention as written.")
    cue_span: Span | None = Field(None, description="The reporting cue ('said', 'according to').")
    content_span: Span | None = Field(None, description="What is attributed to the source.")
    rule_ids: list[str] = Field(
        default_factory=list, description="Ids of the rules that produced this claim's attribution."
    )

    @property
    def is_editorial(self) -> bool:
        return self.kind is ClaimKind.opinion


class Source(StrictModel):
    source_id: str
    outlet: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    origin: str | None = None
    text: str
    sentences: list[Span]
    language: str = Field(
        "en",
        description="The article's language as detected (ISO 639-1, or 'und-<script>'); "
        "attribution rules are English-only, so a non-English article's claims are its outlet's.",
    )


class OmittedVersion(StrictModel):
    group_id: str
    side: int = Field(ge=1, description="Which of the group's sides (1-based).")
    version: str = Field(description="That side's version, as its first claim states it.")
    holders: list[str] = Field(default_factory=list, description="Who holds that version.")


class SourceAccount(StrictModel):
    source_id: str
    outlet: str
    claims: list[Claim] = Field(description="What the article reports (kind != opinion).")
    editorial: list[Claim] = Field(description="The outlet's own opinion and framing.")
    quotes: list[Quote]
    omits: list[str] = Field(
        default_factory=list, description="Group ids of points other sources report and this omits."
    )
    omits_versions: list[OmittedVersion] = Field(
        default_factory=list,
        description=(
            "Versions of disputed points this source reports that other sources carry and this "
            "source does not: it tells the point one way and leaves another side out."
        ),
    )


class GroupStatus(StrEnum):
    agreed = "agreed"
    disputed = "disputed"
    single_source = "single_source"


class Side(StrictModel):
    version: str
    claim_ids: list[str]
    holders: list[str] = Field(description="Who holds this version (asserter names).")
    source_ids: list[str]


class ClaimGroup(StrictModel):
    group_id: str
    status: GroupStatus
    point: str = Field(description="What the group is about, in neutral words.")
    claim_ids: list[str]
    source_ids: list[str]
    sides: list[Side] = Field(description="One side when not disputed; two or more when disputed.")
    how_formed: str = Field(description="Why these claims were grouped (for auditing).")
    question: str | None = Field(
        None,
        description="For a disputed point: the difference as a neutral question a reader can "
        "scan ('Did the ministers discuss peace talks?'); each side is one answer.",
    )


class SummaryKind(StrEnum):
    lead = "lead"  # the event and its central disagreement, first
    consensus = "consensus"
    attributed = "attributed"
    disputed = "disputed"
    note = "note"


class SummarySentence(StrictModel):
    text: str
    kind: SummaryKind
    claim_ids: list[str]
    source_ids: list[str]
    group_id: str | None = None
    written_by: str = Field(description="'model' or 'template' (deterministic fallback).")


class PairJudgment(StrictModel):
    """One claim pair the alignment step considered, and how its relation was decided."""

    a: str
    b: str
    relation: str = Field(description="same, contradict or different.")
    score: float = Field(description="Candidate score (word and entity overlap).")
    decided_by: str = Field(description="'model', or the rule that decided it.")
    rule_id: str | None = Field(None, description="Stable id of the deciding rule, if a rule.")


class Summary(StrictModel):
    sentences: list[SummarySentence]
    note: str | None = None
    headline: str | None = Field(
        None,
        description="The event named in neutral words (page title and heading); never an "
        "outlet's headline.",
    )

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


# --------------------------------------------------------------------------- provenance


class Usage(StrictModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class PromptRef(StrictModel):
    name: str
    version: int
    sha256: str


class StepRecord(StrictModel):
    step: str
    prompt: PromptRef | None = None
    backend: str
    model: str
    calls: int = 0
    attempts: int = 0
    cache_hits: int = 0
    usage: Usage = Field(
        default_factory=Usage, description="Tokens spent by this run, summed over all attempts."
    )
    cached_usage: Usage = Field(
        default_factory=Usage,
        description="Tokens the answers served from the response cache cost when first computed.",
    )
    wall_time_s: float = 0.0


class RunWarning(StrictModel):
    step: str
    message: str
    source_id: str | None = None
    rule_id: str | None = Field(
        None, description="The rule that raised it, when one did (e.g. 'injection.chat-markup')."
    )


class Reconciliation(StrictModel):
    schema_version: str = SCHEMA_VERSION
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    backend: str
    model: str
    sources: list[Source]
    accounts: list[SourceAccount]
    groups: list[ClaimGroup]
    summary: Summary
    steps: list[StepRecord]
    warnings: list[RunWarning] = Field(default_factory=list)
    pairs: list[PairJudgment] = Field(
        default_factory=list, description="Every claim pair alignment considered (audit trail)."
    )

    def all_claims(self) -> list[Claim]:
        return [c for a in self.accounts for c in (*a.claims, *a.editorial)]

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.source_id == source_id)
