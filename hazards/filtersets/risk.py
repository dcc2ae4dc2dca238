"""Filters of the risk point list, its export and the API (one definition)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import SearchFilterSet, SubtreeFilter, visible
from core.models import Premises, Region
from hazards.choices import RiskColour, RiskMethod
from hazards.models import RiskBandSet, RiskPoint


class RiskPointFilterSet(SearchFilterSet):
    search_fields = ("name", "location", "premises__name")
    # The live colour: what the summary's drill-down links filter by.
    colour = django_filters.MultipleChoiceFilter(
        field_name="live_colour", choices=RiskColour.choices, label=_("Colour"), distinct=False
    )
    method = django_filters.ChoiceFilter(choices=RiskMethod.choices, label=_("Method"))
    premises = django_filters.ModelChoiceFilter(queryset=visible(Premises), label=_("Premises"))
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Region"))

    class Meta:
        model = RiskPoint
        fields = ["q", "colour", "method", "premises", "region"]


class RiskBandSetFilterSet(django_filters.FilterSet):
    class Meta:
        model = RiskBandSet
        fields = ["method", "version"]
