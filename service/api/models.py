"""Request/response models of the HTTP API that are not pipeline schemas.

The payloads themselves are the pipeline's models (`ArticleIn`, `Reconciliation`,
`SourceAccount`, `Source`, `RunWarning`); these only wrap them. Unknown fields are rejected.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from service.api.examples import seed_request
from service.schemas import (
    ArticleIn,
    Reconciliation,
    RunWarning,
    Source,
    SourceAccount,
    StrictModel,
)

JobStatus = Literal["queued", "running", "done", "failed"]

# Client-supplied metadata ends up in prompts and in the viewer: bound it (the article text has
# its own byte limit, RASHOMON_MAX_ARTICLE_BYTES, checked with the field path in validation.py).
MAX_OUTLET_CHARS = 200
MAX_TITLE_CHARS = 500
MAX_URL_CHARS = 2048
MAX_PUBLISHED_CHARS = 64
MAX_ORIGIN_CHARS = 500


class ArticleRequest(ArticleIn):
    """One article as sent over HTTP: an `ArticleIn` whose metadata fields are bounded and whose
    strings must be valid Unicode (a lone surrogate such as `"\\ud800"` is rejected with 422
    here, rather than failing later when the result is encoded or stored)."""

    outlet: str | None = Field(
        None, max_length=MAX_OUTLET_CHARS, description="Publisher name, e.g. 'AFP'."
    )
    title: str | None = Field(None, max_length=MAX_TITLE_CHARS)
    url: str | None = Field(None, max_length=MAX_URL_CHARS)
    published: str | None = Field(
        None,
        max_length=MAX_PUBLISHED_CHARS,
        description="Publication date, ISO 8601 if known.",
    )
    origin: str | None = Field(
        None,
        max_length=MAX_ORIGIN_CHARS,
        description="Where the article came from (file path, record id); used in errors.",
    )

    @field_validator("text", "outlet", "title", "url", "published", "origin")
    @classmethod
    def _valid_unicode(cls, value: str | None) -> str | None:
        if value is not None:
            check_unicode(value)
        return value

    @field_validator("outlet", "title", "url", "published", "origin")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None:
            check_no_control(value, one_line=True)
        return value

    @field_validator("text")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        check_no_control(value, one_line=False)
        return value


# Control characters: a NUL ends a C string (log lines, other tools), and the metadata fields
# are shown on one line (viewer, reports, prompts), where a line break or escape would forge
# structure. The article text keeps its line breaks and tabs; only NUL is refused there.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NUL = re.compile(r"\x00")


def check_no_control(value: str, *, one_line: bool) -> None:
    """Raise ValueError naming the first control character (any, or only NUL)."""
    found = (_CONTROL if one_line else _NUL).search(value)
    if found is not None:
        code = ord(found.group())
        name = {0: " (NUL)", 9: " (tab)", 10: " (line feed)", 13: " (carriage return)"}
        raise ValueError(
            f"control character U+{code:04X}{name.get(code, '')} at character {found.start()}; "
            + (
                "this field is one line of plain text"
                if one_line
                else "the article text may not contain NUL characters"
            )
        )


def check_unicode(value: str) -> None:
    """Raise ValueError if `value` holds a lone surrogate (it cannot be encoded as UTF-8, so
    the result could never be serialised or stored)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        code = ord(value[e.start])
        raise ValueError(
            f"invalid Unicode: lone surrogate U+{code:04X} at character {e.start}; "
            "send the text as valid UTF-8"
        ) from None


class ReconcileRequest(StrictModel):
    """Articles about one event (two or more to reconcile; one gives its account only)."""

    model_config = ConfigDict(json_schema_extra={"examples": [seed_request()]})

    articles: list[ArticleRequest] = Field(
        min_length=1,
        description="The articles, in any order; limits: RASHOMON_MAX_ARTICLES "
        "per request, RASHOMON_MAX_ARTICLE_BYTES per article.",
    )


class AccountRequest(StrictModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"article": seed_request()["articles"][1]}]}
    )

    article: ArticleRequest


class AccountResponse(StrictModel):
    """One article's account. Offsets index `source.text` (the article as ingested)."""

    source: Source
    account: SourceAccount
    warnings: list[RunWarning]


class JobProgress(StrictModel):
    step: str = Field(description="accounts, alignment or summary")
    source_id: str | None = None
    done: int
    total: int
    percent: float = Field(description="Percent of the current step.")


class JobView(StrictModel):
    """A reconciliation job. `result` is present once `status` is done, `error` (an RFC 9457
    problem) once it failed."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3f2c9a0e5b7d4e6f8a1b2c3d4e5f6a7b",
                    "status": "running",
                    "created_at": "2024-04-05T10:00:00+00:00",
                    "started_at": "2024-04-05T10:00:01+00:00",
                    "finished_at": None,
                    "n_articles": 2,
                    "progress": {
                        "step": "accounts",
                        "source_id": "S1",
                        "done": 3,
                        "total": 9,
                        "percent": 33.3,
                    },
                    "links": {
                        "self": "/v1/reconciliations/3f2c9a0e5b7d4e6f8a1b2c3d4e5f6a7b",
                        "events": "/v1/reconciliations/3f2c9a0e5b7d4e6f8a1b2c3d4e5f6a7b/events",
                    },
                }
            ]
        }
    )

    id: str
    status: JobStatus
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    n_articles: int
    progress: JobProgress | None = None
    links: dict[str, str]
    result: Reconciliation | None = None
    error: dict[str, Any] | None = None
