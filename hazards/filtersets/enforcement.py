"""Filters of enforcement documents, shared by the list page, its export and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import SearchFilterSet, SubtreeFilter, visible
from core.models import Premises, Region
from hazards.choices import EnforcementKind, EnforcementState
from hazards.models import EnforcementAction


class EnforcementActionFilterSet(SearchFilterSet):
    search_fields = ("number", "premises__name", "facts")
    kind = django_filters.MultipleChoiceFilter(choices=EnforcementKind.choices, label=_("Kind"))
    state = django_filters.MultipleChoiceFilter(choices=EnforcementState.choices, label=_("State"))
    premises = django_filters.ModelChoiceFilter(queryset=visible(Premises), label=_("Premises"))
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Within"))

    class Meta:
        model = EnforcementAction
        fields = ["q", "kind", "state", "premises", "region"]
