"""The OpenAPI schema says what the API answers: the generator (`SchemaAutoSchema`) and the
post-processing hooks that run over the whole generated schema."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from core.api.views import ScopedFiguresMixin

# Django bounds integer fields by the database's integer range, so the generated schema would
# differ between SQLite (int64, or no bound for small integers) and PostgreSQL (int16, int32).
# The committed schema is one file for both: the bound comes from the database and is left out.
BACKEND_INTEGER_MAXIMA = {32767, 2147483647, 9223372036854775807}

# A wall-clock time of day as Django writes and reads it ("08:30", "08:30:00", "08:30:00.5").
# JSON Schema's "time" format is RFC 3339's full-time, which requires a UTC offset; a reception
# day's hours have none (they are local to the configured zone), so the format would be a lie.
TIME_PATTERN = r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"

# The refusals of core/api/exceptions.py, by status. Every body carries a stable `code`; a
# refusal has a human `detail` (a message, or messages by field), and serializer validation
# answers with its messages by field beside the code.
ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A refusal: a stable machine-readable `code`, a human `detail` (or messages "
    "by field), and for invalid input the messages of each field named by the field.",
    "properties": {
        "code": {"type": "string", "description": "stable machine-readable code"},
        "detail": {"description": "what was refused and why (text, or messages by field)"},
    },
    "required": ["code"],
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: the body or a query parameter; messages by field.",
    "401": "No credentials, or a token that is not valid.",
    "403": "The user's role lacks this permission, or the operation would leave their scope.",
    "404": "No such row, or the row lies outside the user's scope.",
    "409": "A conflict: a stale version, a transition not allowed in this state, or other "
    "records still refer to this row.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


class SchemaAutoSchema(AutoSchema):
    """drf-spectacular's generator, told what DRF does not say in the serializer fields."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        # A figures view answers one report object, though its router action is `list`.
        if isinstance(self.view, ScopedFiguresMixin):
            return False
        return bool(super()._is_list_view(serializer))

    def _map_serializer_field(
        self, field: serializers.Field, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        if isinstance(field, serializers.ChoiceField) and stores_blank(field):
            field.allow_blank = True
        return dict(super()._map_serializer_field(field, direction, bypass_extensions))


def stores_blank(field: serializers.ChoiceField) -> bool:
    """A read-only choice of a model column that may be blank: DRF drops `allow_blank` from
    read-only fields, yet the column answers "" when no choice was made."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if not field.read_only or model is None or "." in field.source:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False


def drop_backend_integer_bounds(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    for component in result.get("components", {}).get("schemas", {}).values():
        for prop in component.get("properties", {}).values():
            if prop.get("maximum") in BACKEND_INTEGER_MAXIMA:
                del prop["maximum"]
                prop.pop("format", None)
    return result


def times_of_day_without_offset(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    for node in walk(result):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            node["pattern"] = TIME_PATTERN
    return result


def walk(node: Any) -> Any:
    """Every dict in a schema, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def document_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every operation lists the refusals it can answer with, from the one error path."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    components["responses"] = {
        response_name(status): error_response(status) for status in ERROR_DESCRIPTIONS
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(path, method, operation):
                ref = f"#/components/responses/{response_name(status)}"
                responses.setdefault(status, {"$ref": ref})
    return result


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    statuses = []
    has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
    if has_query or "requestBody" in operation:
        statuses.append("400")
    if {} not in operation.get("security", [{}]):
        statuses += ["401", "403"]
    if "{" in path:
        statuses.append("404")
    if method in WRITE_METHODS:
        statuses.append("409")
    return statuses


def response_name(status: str) -> str:
    return f"Error{status}"


def error_response(status: str) -> dict[str, Any]:
    return {
        "description": ERROR_DESCRIPTIONS[status],
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}
        },
    }
