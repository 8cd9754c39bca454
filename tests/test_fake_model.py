"""The fake model answers from the JSON schema it is asked for; steps' stubs add crude meaning."""

from __future__ import annotations

import ast
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field

from service.errors import BackendError
from service.evals.baseline import BaselineSummary
from service.evals.judge import JudgeVerdict
from service.llm.base import CompletionRequest, Message
from service.llm.fake import FakeBackend
from service.llm.fake_responder import fake_responder, register_stub
from service.llm.schema_instance import SchemaInstanceError, schema_instance
from service.llm.structured import StructuredLLM, model_schema
from service.pipeline.drafts import (
    PairBatch,
    PairDraft,
    PairRelations,
    Relation,
    pair_batch_for,
    pair_relations_for,
)
from service.prompts import RenderedPrompt, fence, load_prompt
from service.schemas import PromptRef, StrictModel

LLM_PACKAGE = Path(__file__).resolve().parent.parent / "service" / "llm"


class Colour(StrEnum):
    red = "red"
    blue = "blue"


class Leaf(StrictModel):
    colour: Colour
    tag: Literal["x", "y"]
    score: float = Field(gt=0, le=1)
    count: int = Field(ge=3, lt=10, multiple_of=2)
    flag: bool


class BrandNew(StrictModel):
    """A schema no stub knows: every keyword the generator claims to handle."""

    name: str = Field(min_length=25, max_length=30)
    code: str = Field(pattern="^(alpha|beta)$")
    short: Annotated[str, Field(max_length=3)]
    leaves: list[Leaf] = Field(min_length=2, max_length=4)
    ids: list[Literal["a", "b", "c"]] = Field(min_length=3, max_length=3)
    maybe: Leaf | None
    pair: tuple[int, str]
    labels: dict[str, int]
    optional_with_default: str = "kept"


SCHEMAS: list[type[BaseModel]] = [
    BrandNew,
    PairBatch,
    PairRelations,
    pair_batch_for((3, 1, 2)),
    pair_relations_for(4),
    BaselineSummary,
    JudgeVerdict,
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.__name__)
def test_generic_instance_is_valid_for_the_schema_as_sent_and_as_pydantic_writes_it(
    schema: type[BaseModel],
) -> None:
    for json_schema in (model_schema(schema), schema.model_json_schema()):  # inlined; with $refs
        value = schema_instance(json_schema)
        schema.model_validate(value)
        assert schema_instance(json_schema) == value  # deterministic


def test_narrowed_lists_take_the_listed_ids_in_order() -> None:
    batch = PairBatch.model_validate(schema_instance(model_schema(PairBatch)))
    assert len(batch.judgments) == 1  # unnarrowed: one item shows the shape
    narrowed = pair_batch_for((3, 1, 2))
    batch = narrowed.model_validate(schema_instance(model_schema(narrowed)))
    assert [j.pair_id for j in batch.judgments] == [3, 1, 2]
    relations = pair_relations_for(4).model_validate(
        schema_instance(model_schema(pair_relations_for(4)))
    )
    assert len(relations.relations) == 4


def test_a_pattern_the_generator_cannot_satisfy_names_the_fix() -> None:
    class Code(StrictModel):
        code: str = Field(pattern=r"^[0-9]{4}-[A-Z]{2}$")

    with pytest.raises(SchemaInstanceError, match="register_stub"):
        schema_instance(model_schema(Code))


def _prompt(user: str) -> RenderedPrompt:
    return RenderedPrompt(
        ref=PromptRef(name="t", version=1, sha256="0" * 64),
        messages=(Message("system", "s"), Message("user", user)),
    )


async def test_a_schema_with_no_stub_gets_a_valid_answer_through_the_fake_backend() -> None:
    llm = StructuredLLM(FakeBackend(responder=fake_responder), reask_budget=0)
    out = await llm.complete(_prompt("anything"), BrandNew, meter=llm.meter("new-step"))
    assert isinstance(out, BrandNew) and out.code == "alpha" and len(out.leaves) == 2


async def test_a_registered_stub_answers_and_may_decline() -> None:
    class Tally(StrictModel):
        total: int = Field(ge=0)

    register_stub(Tally, lambda r: {"total": 7} if "count" in r.messages[-1].content else None)
    llm = StructuredLLM(FakeBackend(responder=fake_responder), reask_budget=0)
    assert (await llm.complete(_prompt("count"), Tally, meter=llm.meter("t"))).total == 7
    assert (await llm.complete(_prompt("other"), Tally, meter=llm.meter("t"))).total == 0


def test_a_request_without_schema_or_stub_is_refused() -> None:
    request = CompletionRequest(
        messages=(Message("user", "x"),), schema_name="Nobody", json_schema={}
    )
    with pytest.raises(BackendError, match="no JSON schema"):
        fake_responder(request)


def _pairs_request(listing: list[str], pairs: list[tuple[str, str]]) -> CompletionRequest:
    asked = "\n".join(f"Pair {n}: [{a}] vs [{b}]" for n, (a, b) in enumerate(pairs, 1))
    prompt = load_prompt("align_pairs").render(
        claims=fence("claims", "\n".join(listing)), request=asked
    )
    return CompletionRequest(
        messages=prompt.messages,
        schema_name="PairRelations",
        json_schema=model_schema(pair_relations_for(len(pairs))),
    )


def test_the_alignment_stub_labels_pairs_by_word_overlap_and_denial() -> None:
    listing = [
        "[S1.C1] Moscow: the ministers discussed peace talks on Ukraine",
        "[S2.C1] Paris: the ministers discussed peace talks on Ukraine",
        "[S2.C2] Paris: France denied the ministers discussed peace talks on Ukraine",
        "[S2.C3] AFP: the weather in Lyon was mild",
    ]
    pairs = [("S1.C1", "S2.C1"), ("S1.C1", "S2.C2"), ("S1.C1", "S2.C3")]
    answer = PairRelations.model_validate(fake_responder(_pairs_request(listing, pairs)))
    assert answer.relations == [Relation.same, Relation.contradict, Relation.different]


def test_the_alignment_stub_declines_a_request_it_cannot_read() -> None:
    # A changed prompt (no "[a] vs [b]" pairs): the generic answer, still the right length.
    request = _pairs_request(["[S1.C1] x"], [("S1.C1", "S1.C2")])
    request = CompletionRequest(
        messages=(Message("user", "Pair one: first and second"),),
        schema_name=request.schema_name,
        json_schema=model_schema(pair_relations_for(3)),
    )
    answer = pair_relations_for(3).model_validate(fake_responder(request))
    assert answer.relations == [Relation.same, Relation.contradict, Relation.different]


@pytest.mark.parametrize(("second", "answer"), [("the talks began", "yes"), ("it rained", "no")])
def test_the_judge_stub_says_yes_for_texts_sharing_most_words(second: str, answer: str) -> None:
    prompt = load_prompt("judge_same_fact").render(first="The talks began", second=second)
    request = CompletionRequest(
        messages=prompt.messages, schema_name="JudgeVerdict", json_schema=model_schema(JudgeVerdict)
    )
    assert fake_responder(request) == {"answer": answer}


def test_the_alignment_stub_declines_a_reshaped_schema() -> None:
    # Someone reshapes PairRelations (one object per pair, say): the stub's answer would no
    # longer fit, so it steps aside and the generic answer follows the new shape.
    class PairRelations(StrictModel):  # same name, so the registered stub is consulted
        relations: list[PairDraft] = Field(min_length=2, max_length=2)

    listing = ["[S1.C1] Moscow: talks", "[S2.C1] Paris: talks"]
    request = _pairs_request(listing, [("S1.C1", "S2.C1"), ("S2.C1", "S1.C1")])
    request = CompletionRequest(
        messages=request.messages,
        schema_name="PairRelations",
        json_schema=model_schema(PairRelations),
    )
    answer = PairRelations.model_validate(fake_responder(request))
    assert [d.relation for d in answer.relations] == [Relation.same, Relation.contradict]


def test_the_llm_package_does_not_import_the_layers_above_it() -> None:
    imported: set[str] = set()
    for path in LLM_PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(a.name for a in node.names)
    above = ("service.pipeline", "service.evals", "service.api", "service.batch")
    assert not {m for m in imported if m.startswith(above)}
