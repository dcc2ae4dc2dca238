"""Filters of inspections, shared by the list page, the ledger export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filtersets import SearchFilterSet, SubtreeFilter, visible
from core.models import Region, Sector
from hazards.choices import InspectionKind, InspectionState
from hazards.models import Campaign, Inspection


class InspectionFilterSet(SearchFilterSet):
    search_fields = ("premises__name", "premises__credit_code", "representative_name")
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Region"))
    sector = SubtreeFilter(
        queryset=visible(Sector),
        path_lookup="premises__sector",
        field_name="premises__sector",
        label=_("Sector"),
    )
    state = django_filters.MultipleChoiceFilter(
        choices=InspectionState.choices, label=_("State"), distinct=False
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=InspectionKind.choices, label=_("Kind"), distinct=False
    )
    campaign = django_filters.ModelChoiceFilter(queryset=visible(Campaign), label=_("Campaign"))
    since = django_filters.DateFilter(
        field_name="started_at", lookup_expr="date__gte", label=_("Started on or after")
    )
    until = django_filters.DateFilter(
        field_name="started_at", lookup_expr="date__lte", label=_("Started on or before")
    )
    premises = django_filters.NumberFilter(field_name="premises_id", label=_("Premises id"))
    inspector = django_filters.NumberFilter(field_name="inspector_id", label=_("Inspector id"))
    has_failures = django_filters.BooleanFilter(method="failures", label=_("Items failed"))

    class Meta:
        model = Inspection
        fields = ["q", "region", "sector", "state", "kind", "campaign", "premises", "inspector",
                  "since", "until", "has_failures"]  # fmt: skip

    def failures(
        self, queryset: QuerySet[Inspection], name: str, value: bool
    ) -> QuerySet[Inspection]:
        # django-filter calls this only with a value: an empty choice leaves the rows as they are.
        return queryset.filter(failed_count__gt=0) if value else queryset.filter(failed_count=0)
