"""Filters of the hazard and listing lists, their exports and the API (one definition each)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import SearchFilterSet, SubtreeFilter, visible
from core.models import Department, Region, Sector
from hazards.choices import HazardGrade, HazardSource, HazardState, ListingLevel, ListingState
from hazards.models import Hazard, HazardListing

# An overdue hazard is still to be rectified and past its deadline (Work Safety Law Art. 65);
# one reported rectified waits for verification and is no longer the enterprise's delay.
AWAITING_RECTIFICATION = (HazardState.REGISTERED, HazardState.GRADED, HazardState.RECTIFYING)


def overdue(queryset: QuerySet) -> QuerySet:
    """Served by the (state, rectify_by) index."""
    return queryset.filter(state__in=AWAITING_RECTIFICATION, rectify_by__lt=timezone.now())


class HazardFilterSet(SearchFilterSet):
    search_fields = ("number", "title")
    # distinct=False: state and grade are columns of the row itself.
    state = django_filters.MultipleChoiceFilter(
        choices=HazardState.choices, label=_("State"), distinct=False
    )
    grade = django_filters.ChoiceFilter(choices=HazardGrade.choices, label=_("Grade"))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("Source"))
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Region"))
    department = django_filters.ModelChoiceFilter(
        queryset=visible(Department), label=_("Regulator")
    )
    # By id (the premises page links here): a county's premises are too many for a select.
    premises = django_filters.NumberFilter(
        field_name="premises_id", label=_("Premises"), widget=forms.HiddenInput
    )
    sector = SubtreeFilter(
        queryset=visible(Sector), path_lookup="premises__sector", label=_("Sector")
    )
    found_after = django_filters.DateFilter(
        field_name="found_at", lookup_expr="date__gte", label=_("Found from")
    )
    found_before = django_filters.DateFilter(
        field_name="found_at", lookup_expr="date__lte", label=_("Found until")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Hazard
        fields = [
            "q", "state", "grade", "source", "region", "department", "sector", "premises",
            "found_after", "found_before", "overdue",
        ]  # fmt: skip

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return overdue(queryset) if value else queryset.exclude(pk__in=overdue(queryset))


class HazardListingFilterSet(SearchFilterSet):
    search_fields = ("number", "office", "hazard__title", "hazard__number")
    state = django_filters.MultipleChoiceFilter(
        choices=ListingState.choices, label=_("State"), distinct=False
    )
    level = django_filters.ChoiceFilter(choices=ListingLevel.choices, label=_("Level"))

    class Meta:
        model = HazardListing
        fields = ["q", "state", "level"]
