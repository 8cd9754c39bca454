from __future__ import annotations

import pytest

from service.errors import BackendError, InvalidOutputError, TruncatedOutputError
from service.llm.base import RawCompletion
from service.llm.fake import FakeBackend
from service.llm.structured import StructuredLLM, model_schema
from service.pipeline.drafts import PairBatch
from service.prompts import load_prompt
from service.schemas import Usage


def _prompt():  # type: ignore[no-untyped-def]
    return load_prompt("align_pairs").render(claims="[S1.C1] x", request="Pair 1")


GOOD = {"judgments": [{"pair_id": 1, "relation": "same"}]}


async def test_valid_answer_is_parsed_and_usage_recorded() -> None:
    backend = FakeBackend(
        [
            RawCompletion(
                text='{"judgments": [{"pair_id": 1, "relation": "same"}]}',
                finish_reason="stop",
                usage=Usage(prompt_tokens=10, completion_tokens=5),
            )
        ]
    )
    llm = StructuredLLM(backend)
    meter = llm.meter("alignment")
    out = await llm.complete(_prompt(), PairBatch, meter=meter)
    assert out.judgments[0].relation.value == "same"
    assert (meter.calls, meter.attempts, meter.usage.total_tokens) == (1, 1, 15)
    assert meter.prompt is not None and meter.prompt.name == "align_pairs"


async def test_schema_error_is_fed_back_and_tokens_counted_across_attempts() -> None:
    bad = RawCompletion(
        text='{"judgments": [{"pair_id": 1, "relation": "maybe"}]}',
        finish_reason="stop",
        usage=Usage(prompt_tokens=100, completion_tokens=7),
    )
    good = RawCompletion(
        text='{"judgments": [{"pair_id": 1, "relation": "contradict"}]}',
        finish_reason="stop",
        usage=Usage(prompt_tokens=130, completion_tokens=8),
    )
    backend = FakeBackend([bad, good])
    llm = StructuredLLM(backend, reask_budget=2)
    meter = llm.meter("alignment")
    out = await llm.complete(_prompt(), PairBatch, meter=meter)
    assert out.judgments[0].relation.value == "contradict"
    assert meter.attempts == 2
    assert meter.usage.prompt_tokens == 230 and meter.usage.completion_tokens == 15
    reask = backend.requests[1].messages
    assert reask[-2].role == "assistant" and "maybe" in reask[-2].content
    assert "rejected" in reask[-1].content and "relation" in reask[-1].content


async def test_semantic_validation_failure_is_reasked_with_its_message() -> None:
    backend = FakeBackend([{"judgments": [{"pair_id": 7, "relation": "same"}]}, GOOD])
    llm = StructuredLLM(backend)

    def validate(b: PairBatch) -> None:
        if b.judgments[0].pair_id != 1:
            raise ValueError("judge pair 1, not 7")

    await llm.complete(_prompt(), PairBatch, meter=llm.meter("x"), validate=validate)
    assert "judge pair 1, not 7" in backend.requests[1].messages[-1].content


async def test_budget_exhausted_raises_invalid_output_with_the_last_error() -> None:
    backend = FakeBackend(["not json", "still not", "{}"])
    llm = StructuredLLM(backend, reask_budget=2)
    meter = llm.meter("x")
    with pytest.raises(InvalidOutputError, match="after 2 re-asks"):
        await llm.complete(_prompt(), PairBatch, meter=meter)
    assert meter.attempts == 3 and backend.pending == 0


async def test_truncation_is_its_own_error_and_not_reasked() -> None:
    cut = RawCompletion(
        text='{"judgments": [{"pair',
        finish_reason="length",
        usage=Usage(prompt_tokens=50, completion_tokens=32),
    )
    backend = FakeBackend([cut, GOOD])
    llm = StructuredLLM(backend, reask_budget=2)
    meter = llm.meter("x")
    with pytest.raises(TruncatedOutputError, match="max_tokens"):
        await llm.complete(_prompt(), PairBatch, meter=meter, max_tokens=32)
    assert backend.pending == 1  # no re-ask spent on a cut-off answer
    assert meter.usage.completion_tokens == 32  # but its tokens were counted


async def test_fake_backend_without_script_raises_a_backend_error() -> None:
    llm = StructuredLLM(FakeBackend())
    with pytest.raises(BackendError, match="no scripted output"):
        await llm.complete(_prompt(), PairBatch, meter=llm.meter("x"))


def test_model_schema_is_self_contained_and_forbids_unknown_fields() -> None:
    schema = model_schema(PairBatch)
    text = str(schema)
    assert "$ref" not in text and "$defs" not in text
    judgment = schema["properties"]["judgments"]["items"]
    assert judgment["additionalProperties"] is False
    assert set(judgment["properties"]["relation"]["enum"]) == {"same", "contradict", "different"}
    assert "description" in judgment["properties"]["pair_id"]


async def test_issue10_9_fake_backend_keeps_a_bounded_record_of_requests() -> None:
    from service.llm.base import CompletionRequest
    from service.messages import Message

    backend = FakeBackend(responder=lambda r: {"a": 1}, keep_requests=5)
    for i in range(50):
        request = CompletionRequest(
            messages=(Message("user", f"call {i}"),), schema_name="X", json_schema={}
        )
        await backend.complete(request)
    assert backend.calls == 50 and len(backend.requests) == 5
    assert backend.requests[-1].messages[0].content == "call 49"
    assert FakeBackend().requests.maxlen == 1000
