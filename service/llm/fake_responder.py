"""What `--backend fake` answers (demos, API and batch tests, load scripts): a valid instance of
the JSON schema the request carries, made by `schema_instance`, unless a stub is registered for
the schema's name.

The llm layer knows no step's schema. A step that wants answers with some meaning (so that a
demo's groups are not arbitrary) registers a stub beside its schema: `register_stub(Schema,
stub)`. A stub reads the request its own step built and returns an answer, or None to fall
back to the generic one (a prompt it no longer recognises, say). Nothing here is an
extractor: the answers show that the plumbing works, never what a model would say.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from service.errors import BackendError
from service.llm.base import CompletionRequest
from service.llm.schema_instance import schema_instance

Stub = Callable[[CompletionRequest], dict[str, Any] | None]

_STUBS: dict[str, Stub] = {}


def register_stub(schema: type[BaseModel], stub: Stub) -> None:
    """Answer requests for `schema` (and its narrowed variants: same class name) with `stub`."""
    _STUBS[schema.__name__] = stub


def first_user_text(request: CompletionRequest) -> str:
    """The request as first asked (a re-ask's last message only says what was wrong)."""
    return next((m.content for m in request.messages if m.role == "user"), "")


def fake_responder(request: CompletionRequest) -> dict[str, Any]:
    stub = _STUBS.get(request.schema_name)
    if stub is not None and (answer := stub(request)) is not None:
        return answer
    if not request.json_schema:
        raise BackendError(
            f"the request for {request.schema_name} carries no JSON schema to answer from; "
            "build it with the schema (StructuredLLM does) or register a stub",
            backend="fake",
        )
    answer = schema_instance(request.json_schema)
    if not isinstance(answer, dict):
        raise BackendError(
            f"the schema of {request.schema_name} is not an object schema", backend="fake"
        )
    return answer
