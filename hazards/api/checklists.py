"""Checklist templates with their items, and the items on their own (read-only API)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from core.api.views import RestrictedReadOnlyModelViewSet
from hazards.filtersets.checklists import ChecklistItemFilterSet, ChecklistTemplateFilterSet
from hazards.models import ChecklistItem, ChecklistTemplate

ITEM_FIELDS = [
    "id",
    "template",
    "number",
    "section",
    "text",
    "clause",
    "weight",
    "major_criterion",
    "major_condition",
    "major_exceptions",
    "default_rectify_days",
]


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ITEM_FIELDS


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    sector_code = serializers.CharField(source="sector.code", read_only=True)
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "code", "version", "name", "sector", "sector_code", "source",
                  "effective_from", "effective_until", "pass_mark", "items"]  # fmt: skip


class ChecklistTemplateViewSet(RestrictedReadOnlyModelViewSet):
    """Checklist templates by sector and version, each with its items in order."""

    model = ChecklistTemplate
    serializer_class = ChecklistTemplateSerializer
    filterset_class = ChecklistTemplateFilterSet
    ordering_fields = ["code", "version", "effective_from", "sector"]
    select_related = ("sector",)

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        items = ChecklistItem.objects.restrict(self.request.user, "view").order_by("number")
        return queryset.prefetch_related(Prefetch("items", queryset=items))


class ChecklistItemViewSet(RestrictedReadOnlyModelViewSet):
    """Checklist items with the clause each comes from and its major-hazard criterion."""

    model = ChecklistItem
    serializer_class = ChecklistItemSerializer
    filterset_class = ChecklistItemFilterSet
    ordering_fields = ["template", "number"]


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("checklist-templates", ChecklistTemplateViewSet, basename="checklisttemplate")
    router.register("checklist-items", ChecklistItemViewSet, basename="checklistitem")
