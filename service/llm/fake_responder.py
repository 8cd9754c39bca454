"""A deterministic stand-in for a model, used by `--backend fake` (demos, API and batch tests,
load scripts). It reads the request the pipeline built and answers with schema-valid JSON using
crude rules (lexical overlap for alignment, the claims strung together for a summary). It is not an
extractor: its output shows that the plumbing works, never what a model would say."""

from __future__ import annotations

import re
from typing import Any

from service.llm.base import CompletionRequest
from service.pipeline.similarity import overlap

_NUMBERED = re.compile(r"^\[(\S+?)\] (.*)$", re.MULTILINE)
_DENIAL = re.compile(r"\b(den(y|ied|ies)|neither|rejected|no information)\b", re.IGNORECASE)


def _last_user(request: CompletionRequest) -> str:
    return next(m.content for m in reversed(request.messages) if m.role == "user")


def _numbered_lines(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _NUMBERED.finditer(text)}


def _after_data(text: str) -> str:
    return text.rsplit("</data>", 1)[-1]


def _first_user(request: CompletionRequest) -> str:
    return next(m.content for m in request.messages if m.role == "user")


def fake_responder(request: CompletionRequest) -> dict[str, Any]:
    # The request as first asked (a re-ask's last message only says what was wrong).
    user = _first_user(request)
    name = request.schema_name
    if name == "PairRelations":
        claims = _numbered_lines(user.split("</data>")[0])
        pairs = re.findall(r"Pair (\d+): \[(\S+?)\] vs \[(\S+?)\]", user)
        return {"relations": [_relation(claims, a, b) for _n, a, b in pairs]}
    if name == "PairBatch":
        claims = _numbered_lines(user.split("</data>")[0])
        judgments = []
        for pair, a, b in re.findall(r"Pair (\d+): \[(\S+?)\] vs \[(\S+?)\]", user):
            judgments.append({"pair_id": int(pair), "relation": _relation(claims, a, b)})
        return {"judgments": judgments}
    if name == "SummarySentenceDraft":
        claims = _numbered_lines(user.split("</data>")[0])
        parts = []
        for text in claims.values():
            _outlet, asserted, statement = [*text.split("; ", 2), "", ""][:3]
            parts.append(
                f"{asserted.removeprefix('asserted by ')} reports that {statement.rstrip('.')}"
            )
        text = "; ".join(parts)[:400].rstrip() + "."
        return {"text": text, "claim_ids": list(claims)}
    if name == "BaselineSummary":
        bodies = re.findall(r"<data[^>]*>\n(.*?)\n</data>", user, re.DOTALL)
        return {"summary": " ".join(b.strip().split("\n")[0] for b in bodies)}
    if name == "JudgeVerdict":
        a = re.search(r"Text A: (.*)", user)
        b = re.search(r"Text B: (.*)", user)
        same = a and b and overlap(a.group(1), b.group(1)) >= 0.5
        return {"answer": "yes" if same else "no"}
    raise ValueError(f"fake responder has no rule for schema {name}")


def _relation(claims: dict[str, str], a: str, b: str) -> str:
    ta, tb = claims.get(a, ""), claims.get(b, "")
    if overlap(ta, tb) < 0.3:
        return "different"
    if bool(_DENIAL.search(ta)) != bool(_DENIAL.search(tb)):
        return "contradict"
    return "same"
