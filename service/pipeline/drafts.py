"""What the model is asked to return. Small, strict, referential: the model answers with ids
and enums; text it writes is a paraphrase, never trusted as a quotation. The field descriptions
travel in the JSON schema the model reads."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from service.schemas import AsserterKind, ClaimKind, StrictModel


class ClaimDraft(StrictModel):
    statement: str = Field(
        min_length=3, max_length=300, description="What is claimed, at most 25 neutral words."
    )
    kind: ClaimKind = Field(
        description="reported_fact, attributed_claim, denial, opinion or background"
    )
    asserter: str = Field(
        min_length=1, max_length=100, description="Who asserts it, or 'the outlet'."
    )
    asserter_kind: AsserterKind


class SentenceDraft(StrictModel):
    sentence_id: int = Field(description="The number of the sentence in the article.")
    claims: list[ClaimDraft] = Field(max_length=3, description="Empty for boilerplate/headlines.")


class SentenceBatch(StrictModel):
    sentences: list[SentenceDraft]


class Relation(StrEnum):
    same = "same"
    contradict = "contradict"
    different = "different"


class PairDraft(StrictModel):
    pair_id: int = Field(description="The number of the pair you were asked about.")
    relation: Relation


class PairBatch(StrictModel):
    judgments: list[PairDraft]


class SummarySentenceDraft(StrictModel):
    text: str = Field(min_length=10, max_length=500, description="One neutral sentence.")
    claim_ids: list[str] = Field(min_length=1, description="Ids of the claims the sentence uses.")


class BaselineSummary(StrictModel):
    summary: str = Field(min_length=1, description="A neutral summary of the articles.")


class JudgeVerdict(StrictModel):
    answer: str = Field(pattern="^(yes|no)$", description="'yes' or 'no'.")
