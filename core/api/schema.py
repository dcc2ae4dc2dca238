"""Post-processing of the generated OpenAPI schema."""

from __future__ import annotations

from typing import Any

# Django bounds integer fields by the database's integer range, so the generated schema would
# differ between SQLite (int64, or no bound for small integers) and PostgreSQL (int16, int32).
# The committed schema is one file for both: the bound comes from the database and is left out.
BACKEND_INTEGER_MAXIMA = {32767, 2147483647, 9223372036854775807}


def drop_backend_integer_bounds(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    for component in result.get("components", {}).get("schemas", {}).values():
        for prop in component.get("properties", {}).values():
            if prop.get("maximum") in BACKEND_INTEGER_MAXIMA:
                del prop["maximum"]
                prop.pop("format", None)
    return result
