"""Filters of the checklist pages, exports and API (one definition each)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import SearchFilterSet, SubtreeFilter, visible
from core.models import Sector
from hazards.models import ChecklistItem, ChecklistTemplate


class ChecklistTemplateFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "source")
    # A sector chosen matches checklists of the sector and of the sectors under it.
    sector = SubtreeFilter(queryset=visible(Sector), path_lookup="sector", label=_("Sector"))
    code = django_filters.CharFilter(lookup_expr="iexact", label=_("Code"))

    class Meta:
        model = ChecklistTemplate
        fields = ["q", "sector", "code", "version"]


class ChecklistItemFilterSet(SearchFilterSet):
    search_fields = ("text", "clause", "section")
    sector = SubtreeFilter(
        queryset=visible(Sector), path_lookup="template__sector", label=_("Sector")
    )
    code = django_filters.CharFilter(
        field_name="template__code", lookup_expr="iexact", label=_("Checklist code")
    )

    class Meta:
        model = ChecklistItem
        fields = ["q", "template", "sector", "code", "major_criterion"]
