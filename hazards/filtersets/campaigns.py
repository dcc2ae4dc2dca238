"""Filters of campaigns and schedules, shared by the list page, exports and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filtersets import SearchFilterSet, SubtreeFilter, visible
from core.models import Region, Sector
from hazards.models import Campaign, InspectionSchedule


class CampaignFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Region"))
    sectors = django_filters.ModelMultipleChoiceFilter(queryset=visible(Sector), label=_("Sectors"))
    active_on = django_filters.DateFilter(method="active", label=_("Running on"))

    class Meta:
        model = Campaign
        fields = ["q", "region", "sectors", "active_on"]

    def active(self, queryset: QuerySet[Campaign], name: str, value: dt.date) -> QuerySet[Campaign]:
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class InspectionScheduleFilterSet(SearchFilterSet):
    search_fields = ("premises__name",)
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Grid"))
    due_by = django_filters.DateFilter(
        field_name="next_due_on", lookup_expr="lte", label=_("Due on or before")
    )
    premises = django_filters.NumberFilter(field_name="premises_id", label=_("Premises id"))

    class Meta:
        model = InspectionSchedule
        fields = ["q", "region", "due_by", "premises"]
