"""`?ordering=` limited to each viewset's allow-list, listed in the schema, and stable."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request


class AllowListOrderingFilter(OrderingFilter):
    """Only the viewset's explicit `ordering_fields` (never `__all__`), comma-separated.

    The primary key is appended as a tie-breaker so limit/offset pages neither repeat nor
    skip rows when many rows share the sort value (a status, a date).
    """

    def get_valid_fields(
        self, queryset: QuerySet, view: Any, context: dict[str, Any] | None = None
    ) -> list[tuple[str, str]]:
        fields = getattr(view, "ordering_fields", None)
        if not fields or fields == "__all__":
            raise TypeError(f"{type(view).__name__} must list its ordering_fields explicitly")
        return [(field, field) for field in fields]

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        refuse_unknown_fields(request.query_params.get(self.ordering_param, ""), view)
        ordered = super().filter_queryset(request, queryset, view)
        ordering = list(ordered.query.order_by) or list(ordered.model._meta.ordering)
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            # Ties broken in the direction of the last key, so "newest first" reads an index
            # on (…, -found_at, -id) in order, without a sort.
            tie = "-pk" if str(ordering[-1]).startswith("-") else "pk"
            return ordered.order_by(*ordering, tie)
        return ordered

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        allowed = [f"{sign}{field}" for field in view.ordering_fields for sign in ("", "-")]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by one or more comma-separated fields; `-` for descending.",
                "schema": {"type": "array", "items": {"type": "string", "enum": allowed}},
                "style": "form",
                "explode": False,
            }
        ]


def refuse_unknown_fields(ordering: str, view: Any) -> None:
    """A sort key outside the allow-list is a 400 naming it, never silently the default order."""
    terms = [term.strip() for term in ordering.split(",") if term.strip()]
    unknown = [term for term in terms if term.removeprefix("-") not in view.ordering_fields]
    if unknown:
        raise ValidationError(
            {"ordering": [_("Cannot sort by %(fields)s.") % {"fields": ", ".join(unknown)}]}
        )
