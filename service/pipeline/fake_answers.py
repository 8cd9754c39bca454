"""The fake model's answers for the pipeline's schemas (registered in `drafts.py`, beside the
schemas): crude lexical rules, so that `--backend fake` demos group claims plausibly.

Each stub reads the request its own step built (the numbered claim listing `[id] text`, the
pairs `[a] vs [b]`) and the narrowed schema (how many relations, which claim ids). When the
request or the schema no longer looks like that (a changed prompt, a reshaped schema), it
returns None and the fake answers with a generic valid instance of the schema instead, so such
a change never breaks the fake backend.
"""

from __future__ import annotations

import re
from typing import Any

from service.llm.base import CompletionRequest
from service.llm.fake_responder import first_user_text
from service.pipeline.similarity import overlap
from service.text.speech import is_denial_text

SAME_AT = 0.3  # word overlap from which the fake calls a pair the same point

_LISTED = re.compile(r"^\[(\S+?)\] (.*)$", re.MULTILINE)
_PAIR = re.compile(r"\[(\S+?)\] vs \[(\S+?)\]")
_ONE_PAIR = re.compile(r"^Claim A \(.*?\): (.*)\nClaim B \(.*?\): (.*)$", re.DOTALL)


def _listing(user: str) -> dict[str, str]:
    """Claim id -> its line, from the first data block (the claims the step listed)."""
    return dict(_LISTED.findall(user.split("</data>", 1)[0]))


def _fields(request: CompletionRequest, *names: str) -> dict[str, Any] | None:
    """The schema's properties when it asks for exactly `names`, else None (reshaped)."""
    schema = request.json_schema
    properties: dict[str, Any] = schema.get("properties", {})
    return properties if sorted(schema.get("required", [])) == sorted(names) else None


def relation(a: str, b: str) -> str:
    if overlap(a, b) < SAME_AT:
        return "different"
    if is_denial_text(a) != is_denial_text(b):
        return "contradict"
    return "same"


def pair_relations(request: CompletionRequest) -> dict[str, Any] | None:
    user = first_user_text(request)
    claims = _listing(user)
    pairs = _PAIR.findall(user.split("</data>", 1)[-1])
    fields = _fields(request, "relations")
    if fields is None or not pairs:
        return None
    allowed = fields["relations"].get("items", {}).get("enum", [])
    relations = [relation(claims.get(a, ""), claims.get(b, "")) for a, b in pairs]
    if len(pairs) != fields["relations"].get("minItems") or not set(relations) <= set(allowed):
        return None
    return {"relations": relations}


def pair_relation(request: CompletionRequest) -> dict[str, Any] | None:
    """One pair written out ("Claim A (holder): text" / "Claim B (holder): text")."""
    found = _ONE_PAIR.match(first_user_text(request).strip())
    fields = _fields(request, "relation")
    if found is None or fields is None:
        return None
    answer = relation(found.group(1), found.group(2))
    return {"relation": answer} if answer in fields["relation"].get("enum", [answer]) else None
