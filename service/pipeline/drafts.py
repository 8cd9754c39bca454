"""What the model is asked to return. Small, strict, referential: the model answers with ids
and enums; text it writes is a paraphrase, never trusted as a quotation. The field descriptions
travel in the JSON schema the model reads."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, create_model

from service.llm.fake_responder import register_stub
from service.pipeline import fake_answers
from service.schemas import StrictModel


class Relation(StrEnum):
    same = "same"
    contradict = "contradict"
    different = "different"


class PairDraft(StrictModel):
    pair_id: int = Field(description="The number of the pair you were asked about.")
    relation: Relation


class PairBatch(StrictModel):
    judgments: list[PairDraft]


class PairRelations(StrictModel):
    """The compact form alignment asks for: one relation per pair, in the order asked
    (about 3 output tokens a pair instead of 12)."""

    relations: list[Relation] = Field(description="One relation per pair, in the order asked.")


class PairRelation(StrictModel):
    """One pair's relation, for a call that asks about one pair with both claims written out
    (prompt align_pair). An object with one enum field, not a list: asked for a list, the
    embedded 1.5B model wrote the enum's first value whatever the claims."""

    relation: Relation


# --------------------------------------------------------------------------- constrained variants
# The same schemas narrowed to the ids one call may use: ids become enums and list lengths are
# fixed, so a grammar-constrained server cannot answer with an id that does not exist (the
# embedded model otherwise writes "claims/S1.C5" or judges pairs it was not asked about).
# Servers without grammars still get the narrowed JSON schema, and pydantic enforces it.


def _literal(values: tuple[str | int, ...]) -> Any:
    return Literal.__getitem__(values)  # Literal[values] with values known only at run time


@lru_cache(maxsize=512)
def pair_batch_for(ids: tuple[int, ...]) -> type[PairBatch]:
    item = create_model(
        "PairDraft",
        __base__=PairDraft,
        pair_id=(_literal(ids), Field(description=PairDraft.model_fields["pair_id"].description)),
    )
    return create_model(
        "PairBatch",
        __base__=PairBatch,
        judgments=(list[item], Field(min_length=len(ids), max_length=len(ids))),
    )


@lru_cache(maxsize=64)
def pair_relations_for(n: int) -> type[PairRelations]:
    return create_model(
        "PairRelations",
        __base__=PairRelations,
        relations=(
            list[Relation],
            Field(
                min_length=n,
                max_length=n,
                description=PairRelations.model_fields["relations"].description,
            ),
        ),
    )


# What `--backend fake` answers (crude lexical stand-ins, in fake_answers.py); any other schema,
# PairBatch included, gets a generic valid instance of its narrowed JSON schema.
register_stub(PairRelations, fake_answers.pair_relations)
register_stub(PairRelation, fake_answers.pair_relation)
