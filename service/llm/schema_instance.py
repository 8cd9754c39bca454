"""A valid instance of a JSON schema, made deterministically: the fake model's generic answer.

The pipeline narrows every schema to the answers one call may give (ids become enums, list
lengths are fixed), so the schema alone is enough to answer validly without reading the prompt.
Same idea as pydantic-ai's `TestModel`: a small value that fits each keyword. Array items
are numbered, and an enum or an alternation pattern picks the item's number modulo its
choices, so a list of enum ids comes out in the order the schema lists them, each id once
while they last.

Handles what `pydantic.BaseModel.model_json_schema()` writes for strict models: `$ref`/`$defs`,
`const`, `enum`, `anyOf`/`oneOf`/`allOf`, objects (required properties only), arrays
(`minItems`, `maxItems`, `prefixItems`, `uniqueItems`), strings (`minLength`, `maxLength`,
`format`, simple `pattern`s), numbers and integers (bounds, `multipleOf`), booleans and null.
A keyword it cannot satisfy raises `SchemaInstanceError` instead of answering invalidly.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from typing import Any

from service.errors import BackendError

FILLER = "fake answer"
_FORMATS = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "time": "00:00:00Z",
    "email": "fake@example.com",
    "uri": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
# "^(yes|no)$", "^yes$", "yes|no": alternatives of plain words, anchored or not.
_ALTERNATION = re.compile(r"\^?\(?((?:[\w ,.'-]+\|)*[\w ,.'-]+)\)?\$?")


class SchemaInstanceError(BackendError):
    """The fake model cannot make a value for a JSON schema keyword."""

    def __init__(self, message: str) -> None:
        super().__init__(
            f"{message}; register a stub for this schema with "
            "service.llm.fake_responder.register_stub",
            backend="fake",
        )


def schema_instance(schema: dict[str, Any]) -> Any:
    """A value that validates against `schema` (the same value every time)."""
    return _Maker(schema).make(schema, 0)


class _Maker:
    def __init__(self, root: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = {**root.get("definitions", {}), **root.get("$defs", {})}

    def make(self, schema: dict[str, Any] | bool, index: int) -> Any:
        if schema is True or schema == {}:
            return FILLER
        if schema is False:
            raise SchemaInstanceError("the schema 'false' accepts no value")
        assert isinstance(schema, dict)
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in self.defs:
                raise SchemaInstanceError(f"unresolvable $ref {schema['$ref']!r}")
            return self.make({**self.defs[name], **_without(schema, "$ref")}, index)
        if "allOf" in schema:
            merged = _without(schema, "allOf")
            for part in schema["allOf"]:
                merged = {**merged, **part}
            return self.make(merged, index)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            choices = schema["enum"]
            if not choices:
                raise SchemaInstanceError("an empty enum accepts no value")
            return choices[index % len(choices)]
        for key in ("anyOf", "oneOf"):
            if key in schema:
                # The first branch that is not null: Optional fields get a real value.
                branches = [b for b in schema[key] if b.get("type") != "null"] or schema[key]
                return self.make({**_without(schema, key), **branches[0]}, index)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = _implied_type(schema)
        maker = {
            "object": self._object,
            "array": self._array,
            "string": self._string,
            "integer": self._integer,
            "number": self._number,
        }.get(kind)
        if maker is not None:
            return maker(schema, index)
        if kind == "boolean":
            return False
        if kind == "null":
            return None
        raise SchemaInstanceError(f"unknown JSON schema type {kind!r}")

    def _object(self, schema: dict[str, Any], index: int) -> dict[str, Any]:
        properties: dict[str, Any] = schema.get("properties", {})
        out: dict[str, Any] = {}
        for name in schema.get("required", []):
            if name not in properties and schema.get("additionalProperties") is False:
                raise SchemaInstanceError(f"required property {name!r} is not allowed")
            out[name] = self.make(properties.get(name, {}), index)
        return out

    def _array(self, schema: dict[str, Any], index: int) -> list[Any]:
        prefix: list[Any] = schema.get("prefixItems", [])
        low = schema.get("minItems", 0)
        high = schema.get("maxItems")
        count = max(low, len(prefix), 1)  # one item shows the item shape; zero if it must
        if high is not None:
            count = min(count, high)
        items = schema.get("items", {})
        out = [self.make(prefix[i] if i < len(prefix) else items, i) for i in range(count)]
        if schema.get("uniqueItems") and len({repr(v) for v in out}) < len(out):
            raise SchemaInstanceError(f"cannot make {count} distinct items for {items!r}")
        return out

    def _string(self, schema: dict[str, Any], index: int) -> str:
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if "pattern" in schema:
            return _matching(schema["pattern"], index, low, high)
        if schema.get("format") in _FORMATS:
            return _FORMATS[schema["format"]]
        text = FILLER if index == 0 else f"{FILLER} {index + 1}"
        while len(text) < low:
            text = f"{text} {FILLER}"
        if high is not None:
            if high < low:
                raise SchemaInstanceError(f"maxLength {high} is under minLength {low}")
            text = text[:high]
        return text

    def _integer(self, schema: dict[str, Any], index: int) -> int:
        low = _bound(schema, "minimum", "exclusiveMinimum", math.ceil, +1)
        high = _bound(schema, "maximum", "exclusiveMaximum", math.floor, -1)
        value = low if low is not None else min(0, high) if high is not None else 0
        return int(_fit(schema, value))

    def _number(self, schema: dict[str, Any], index: int) -> float:
        low, high = schema.get("minimum"), schema.get("maximum")
        ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        below = low if low is not None else ex_low
        above = high if high is not None else ex_high
        if below is not None and above is not None:
            value = below if low is not None else (below + above) / 2
        elif below is not None:
            value = below if low is not None else below + 1
        elif above is not None:
            value = min(0, above) if high is not None else min(0, above - 1)
        else:
            value = 0
        return float(_fit(schema, value))


def _bound(
    schema: dict[str, Any],
    inclusive: str,
    exclusive: str,
    to_int: Callable[[float], int],
    step: int,
) -> int | None:
    """The nearest whole bound: 5 for minimum 4.5, 6 for exclusiveMinimum 5."""
    if inclusive in schema:
        return to_int(schema[inclusive])
    if exclusive in schema:
        return to_int(schema[exclusive] + step * 0.5)
    return None


_BOUNDS: dict[str, Callable[[float, float], bool]] = {
    "minimum": operator.ge,
    "exclusiveMinimum": operator.gt,
    "maximum": operator.le,
    "exclusiveMaximum": operator.lt,
}


def _fit(schema: dict[str, Any], value: float) -> float:
    """`value` moved up to a multiple of `multipleOf`, checked against every bound."""
    if multiple := schema.get("multipleOf"):
        value = math.ceil(value / multiple) * multiple
    if any(key in schema and not holds(value, schema[key]) for key, holds in _BOUNDS.items()):
        raise SchemaInstanceError(f"no number fits {schema!r} (tried {value})")
    return value


def _implied_type(schema: dict[str, Any]) -> str:
    if "properties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return "string"


def _without(schema: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != key}


def _matching(pattern: str, index: int, low: int, high: int | None) -> str:
    """A string `re.search(pattern)` accepts: one of its plain-word alternatives, or the filler
    when the filler already matches. Anything cleverer needs a stub."""
    candidates: list[str] = []
    alternation = _ALTERNATION.fullmatch(pattern)
    if alternation:
        options = alternation.group(1).split("|")
        candidates = options[index % len(options) :] + options[: index % len(options)]
    candidates += [FILLER, "fake"]
    for text in candidates:
        if re.search(pattern, text) and low <= len(text) <= (high if high is not None else 1e9):
            return text
    raise SchemaInstanceError(f"cannot make a string matching the pattern {pattern!r}")
