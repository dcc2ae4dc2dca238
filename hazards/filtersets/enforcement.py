"""Filters of enforcement documents, shared by the list page, its export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filtersets import SearchFilterSet, SubtreeFilter, visible
from core.models import Region
from hazards.choices import EnforcementKind, EnforcementState
from hazards.models import EnforcementAction


class EnforcementActionFilterSet(SearchFilterSet):
    search_fields = ("number", "premises__name", "facts")
    kind = django_filters.MultipleChoiceFilter(choices=EnforcementKind.choices, label=_("Kind"))
    state = django_filters.MultipleChoiceFilter(choices=EnforcementState.choices, label=_("State"))
    # By id (the premises panel links here): a county's premises are too many for a select.
    premises = django_filters.NumberFilter(
        field_name="premises_id", label=_("Premises"), widget=forms.HiddenInput
    )
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Within"))

    class Meta:
        model = EnforcementAction
        fields = ["q", "kind", "state", "premises", "region"]
