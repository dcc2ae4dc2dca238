"""Filters of the enterprise statistics list, its export and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import SearchFilterSet, visible
from core.models import Premises
from hazards.choices import PeriodKind
from hazards.models import EnterpriseStatistics


class EnterpriseStatisticsFilterSet(SearchFilterSet):
    search_fields = ("premises__name",)
    premises = django_filters.ModelChoiceFilter(queryset=visible(Premises), label=_("Premises"))
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("Period"))
    signed = django_filters.BooleanFilter(
        field_name="signed_at", lookup_expr="isnull", exclude=True, label=_("Signed")
    )

    class Meta:
        model = EnterpriseStatistics
        fields = ["q", "premises", "period_kind", "year", "quarter", "signed"]
