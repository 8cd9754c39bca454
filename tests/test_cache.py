from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import InvalidOutputError, TruncatedOutputError
from service.llm.base import RawCompletion
from service.llm.cache import CachingBackend, ResponseCache
from service.llm.fake import FakeBackend
from service.llm.structured import StructuredLLM
from service.pipeline.drafts import PairBatch
from service.prompts import load_prompt
from service.schemas import Usage

GOOD = RawCompletion(
    text='{"judgments": [{"pair_id": 1, "relation": "same"}]}',
    finish_reason="stop",
    usage=Usage(prompt_tokens=40, completion_tokens=9),
)


def _prompt(request: str = "Pair 1"):  # type: ignore[no-untyped-def]
    return load_prompt("align_pairs").render(claims="[S1.C1] x", request=request)


async def test_second_identical_call_is_served_from_cache(tmp_path: Path) -> None:
    inner = FakeBackend([GOOD])
    llm = StructuredLLM(CachingBackend(inner, ResponseCache(tmp_path / "c.sqlite3")))
    m1, m2 = llm.meter("a"), llm.meter("a")
    await llm.complete(_prompt(), PairBatch, meter=m1)
    await llm.complete(_prompt(), PairBatch, meter=m2)
    assert len(inner.requests) == 1
    assert m2.cache_hits == 1 and m2.usage.total_tokens == 0 and m1.usage.total_tokens == 49
    # The cached answer's original cost stays visible, apart from what this run spent.
    assert m2.cached_usage.total_tokens == 49 and m1.cached_usage.total_tokens == 0


async def test_cache_survives_a_new_process_and_misses_on_changed_messages(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    llm = StructuredLLM(CachingBackend(FakeBackend([GOOD]), ResponseCache(path)))
    await llm.complete(_prompt(), PairBatch, meter=llm.meter("a"))
    inner = FakeBackend([GOOD])
    llm2 = StructuredLLM(CachingBackend(inner, ResponseCache(path)))
    await llm2.complete(_prompt(), PairBatch, meter=llm2.meter("a"))
    assert inner.calls == 0
    await llm2.complete(_prompt("Pair 1 again"), PairBatch, meter=llm2.meter("a"))
    assert len(inner.requests) == 1


async def test_key_depends_on_backend_identity_and_schema(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite3")
    a = FakeBackend([GOOD], model="m1")
    b = FakeBackend([GOOD], model="m2")
    for backend in (a, b):
        llm = StructuredLLM(CachingBackend(backend, cache))
        await llm.complete(_prompt(), PairBatch, meter=llm.meter("a"))
    assert len(a.requests) == 1 and len(b.requests) == 1
    assert len(cache) == 2


async def test_truncated_answers_are_not_cached(tmp_path: Path) -> None:
    cut = RawCompletion(text="{", finish_reason="length")
    inner = FakeBackend([cut, cut])
    backend = CachingBackend(inner, ResponseCache(tmp_path / "c.sqlite3"))
    llm = StructuredLLM(backend)
    for _ in range(2):
        with pytest.raises(TruncatedOutputError):
            await llm.complete(_prompt(), PairBatch, meter=llm.meter("a"))
    assert len(inner.requests) == 2


BAD = RawCompletion(text='{"judgments": "not a list"}', finish_reason="stop")


async def test_issue10_5_answers_that_failed_validation_are_never_stored(tmp_path: Path) -> None:
    """A faulty server's invalid answers (re-asked into failure) must not be replayed later."""

    path = tmp_path / "c.sqlite3"
    faulty = StructuredLLM(CachingBackend(FakeBackend([BAD, BAD, BAD]), ResponseCache(path)))
    with pytest.raises(InvalidOutputError):
        await faulty.complete(_prompt(), PairBatch, meter=faulty.meter("a"))
    assert len(ResponseCache(path)) == 0
    healthy = FakeBackend([GOOD])
    llm = StructuredLLM(CachingBackend(healthy, ResponseCache(path)))
    value = await llm.complete(_prompt(), PairBatch, meter=llm.meter("a"))
    assert len(healthy.requests) == 1 and value.judgments[0].relation == "same"


async def test_issue10_5_only_the_answer_that_passed_is_stored_after_a_reask(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.sqlite3"
    llm = StructuredLLM(CachingBackend(FakeBackend([BAD, GOOD]), ResponseCache(path)))
    await llm.complete(_prompt(), PairBatch, meter=llm.meter("a"))
    assert len(ResponseCache(path)) == 1  # the re-ask's valid answer, not the rejected one

    # A semantic check that rejects an answer keeps it out of the cache too.
    def reject(_: PairBatch) -> None:
        raise ValueError("judge pair 1, not 7")

    llm = StructuredLLM(CachingBackend(FakeBackend([GOOD]), ResponseCache(path)), reask_budget=0)
    with pytest.raises(InvalidOutputError):
        await llm.complete(_prompt("other"), PairBatch, meter=llm.meter("a"), validate=reject)
    assert len(ResponseCache(path)) == 1


async def test_issue10_5_a_stored_answer_that_fails_validation_is_dropped_and_asked_afresh(
    tmp_path: Path,
) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite3")
    inner = FakeBackend([GOOD])
    llm = StructuredLLM(CachingBackend(inner, cache))
    # An entry written by an older version that stored unvalidated answers:
    probe = FakeBackend([GOOD])
    await StructuredLLM(probe).complete(_prompt(), PairBatch, meter=llm.meter("a"))
    request_key = ResponseCache.key(inner.cache_identity, probe.requests[0])
    cache.put(request_key, BAD)
    meter = llm.meter("a")
    value = await llm.complete(_prompt(), PairBatch, meter=meter)
    assert value.judgments[0].relation == "same"
    assert len(inner.requests) == 1 and meter.cache_hits == 1
    hit = cache.get(request_key)
    assert hit is not None and hit.text == GOOD.text
