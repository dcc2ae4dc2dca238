"""The API's filter backend: a value a filter cannot read is a 400 naming the parameter, never a
filter silently dropped (which would answer a narrow question with every row)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from core.filtersets import filter_errors


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = filter_errors(filterset)
        if errors:
            raise ValidationError(errors)
        return filterset.qs
