"""The OpenAPI document, adjusted to what the running service really does.

- Routes that take a body list 400 (a body that cannot be parsed at all, e.g. JSON nested too
  deeply) and 413 (request over the size limit); every route behind the key lists 401.
- The bearer scheme (and each operation's `security`) is declared only when
  RASHOMON_SERVICE_API_KEY is set; without a key no route asks for one, and 401 never happens.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from service.api.guard import is_protected
from service.api.problems import PROBLEM_JSON
from service.config import Settings

_PROBLEM = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_BODY_RESPONSES = {
    "400": "The body could not be parsed at all (e.g. JSON nested too deeply)",
    "413": "The request body is over the size limit (names the limit and its setting)",
}
_UNAUTHORIZED = "Missing or wrong `Authorization: Bearer <key>` (checked before the body is read)"


def adjust(schema: dict[str, Any], *, key_required: bool) -> dict[str, Any]:
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            if "requestBody" in operation:
                for status, description in _BODY_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": _PROBLEM})
            if not is_protected(path):
                continue
            if key_required:
                responses.setdefault("401", {"description": _UNAUTHORIZED, "content": _PROBLEM})
            else:
                responses.pop("401", None)
                operation.pop("security", None)
    if not key_required:
        components = schema.get("components", {})
        components.pop("securitySchemes", None)
    return schema


def install_openapi(app: FastAPI, settings: Settings) -> None:
    """Replace `app.openapi` with the adjusted document (built once, like FastAPI's)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = adjust(
                original(), key_required=settings.service_api_key is not None
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
